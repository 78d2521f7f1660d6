/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Variables: which debug-info variable describes a global, an alloca or an
 * argument, and where structs are defined. One scan over the module
 * collects the dbg.declare / dbg.value records and the struct names, so
 * that each later query is a map lookup.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/DebugInfo.h>

#include "az_module_impl.h"

/* Registers the named structs reachable from type @p md under their tag
 * names, and anonymous structs under their typedef names, so that IR
 * struct types ("struct.x") and declarations find their definition.
 * Only operands are walked here: building types waits for queries. */
static void
az_di_register(struct az_module *m, struct az_ptrmap *seen,
	       LLVMMetadataRef md, unsigned int depth)
{
	LLVMMetadataKind kind;
	LLVMMetadataRef elems, base;
	const char *name;
	struct az_mdops o;
	unsigned int i;

	if (md == NULL || depth > AZ_DI_DEPTH_MAX ||
	    az_ptrmap_get(seen, md) != AZ_PTRMAP_NONE ||
	    az_ptrmap_put(seen, md, 0) < 0)
		return;
	kind = LLVMGetMetadataKind(md);
	if (kind == LLVMDISubroutineTypeMetadataKind) {
		elems = az_md_op(m, md, AZ_DI_SUBR_TYPES);
		base = NULL;
	} else if (kind == LLVMDIDerivedTypeMetadataKind ||
		   kind == LLVMDICompositeTypeMetadataKind) {
		elems = kind == LLVMDICompositeTypeMetadataKind ?
			az_md_op(m, md, AZ_DI_COMP_ELEMENTS) : NULL;
		base = az_md_op(m, md, AZ_DI_TYPE_BASE);
		name = az_md_str(m, md, AZ_DI_TYPE_NAME);
		if (name != NULL && kind == LLVMDICompositeTypeMetadataKind)
			az_strmap_put(&m->by_name, name, md, elems != NULL);
		else if (name != NULL && base != NULL &&
			 LLVMGetMetadataKind(base) ==
			 LLVMDICompositeTypeMetadataKind &&
			 az_md_str(m, base, AZ_DI_TYPE_NAME) == NULL)
			az_strmap_put(&m->by_name, name, md, true);
	} else {
		return;
	}
	az_di_register(m, seen, base, depth + 1);
	if (elems == NULL || az_md_ops(m, elems, &o) < 0)
		return;
	for (i = 0; i < o.n; i++)
		if (o.v[i] != NULL)
			az_di_register(m, seen, LLVMValueAsMetadata(o.v[i]),
				       depth + 1);
	az_md_ops_fini(&o);
}

/* The debug-info variable (DIGlobalVariable) of global @p g, or NULL. */
static LLVMMetadataRef
az_global_divar(struct az_module *m, LLVMValueRef g)
{
	LLVMValueMetadataEntry *md;
	LLVMMetadataRef var = NULL;
	size_t i, n = 0;

	md = LLVMGlobalCopyAllMetadata(g, &n);
	for (i = 0; i < n && var == NULL; i++)
		if (LLVMValueMetadataEntriesGetKind(md, (unsigned int)i) ==
		    m->dbg_kind)
			var = LLVMDIGlobalVariableExpressionGetVariable(
				LLVMValueMetadataEntriesGetMetadata(md,
							(unsigned int)i));
	if (md != NULL)
		LLVMDisposeValueMetadataEntries(md);
	return var;
}

static bool
az_is_dbg_intrinsic(LLVMValueRef in)
{
	LLVMValueRef callee;
	const char *name;
	size_t len;

	if (!LLVMIsACallInst(in))
		return false;
	callee = LLVMGetCalledValue(in);
	if (callee == NULL || !LLVMIsAFunction(callee))
		return false;
	name = LLVMGetValueName2(callee, &len);
	return strcmp(name, "llvm.dbg.declare") == 0 ||
	       strcmp(name, "llvm.dbg.value") == 0;
}

/* Records which variable a dbg.declare / dbg.value describes, for
 * allocas and arguments (the first record wins). */
static void
az_scan_dbg_call(struct az_module *m, struct az_ptrmap *seen,
		 LLVMValueRef call)
{
	LLVMValueRef what = LLVMGetOperand(call, 0);
	LLVMValueRef var = LLVMGetOperand(call, 1);
	LLVMValueRef ops[1];

	if (what == NULL || var == NULL || LLVMIsAMDNode(what) == NULL ||
	    LLVMGetMDNodeNumOperands(what) != 1)
		return;
	LLVMGetMDNodeOperands(what, ops);
	if (ops[0] == NULL ||
	    (!LLVMIsAAllocaInst(ops[0]) && !LLVMIsAArgument(ops[0])))
		return;
	az_di_register(m, seen, az_md_op(m, LLVMValueAsMetadata(var),
					 AZ_DI_VAR_TYPE), 0);
	if (az_ptrmap_get(&m->var_of, ops[0]) != AZ_PTRMAP_NONE ||
	    az_ptrvec_push(&m->varv, var) < 0)
		return;
	az_ptrmap_put(&m->var_of, ops[0], (uint32_t)(m->varv.n - 1));
}

static void
az_scan_function(struct az_module *m, struct az_ptrmap *seen,
		 LLVMValueRef fn)
{
	LLVMMetadataRef sp = LLVMGetSubprogram(fn);
	LLVMBasicBlockRef bb;
	LLVMValueRef in;

	if (sp != NULL && az_ptrvec_push(&m->fnv, fn) == 0) {
		az_ptrmap_put(&m->fn_of_sp, sp, (uint32_t)(m->fnv.n - 1));
		az_di_register(m, seen, az_md_op(m, sp, AZ_DI_SP_TYPE), 0);
	}
	for (bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
		for (in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in))
			if (az_is_dbg_intrinsic(in))
				az_scan_dbg_call(m, seen, in);
}

int
az_module_di_scan(struct az_module *m)
{
	struct az_ptrmap seen = { 0 };
	LLVMMetadataRef var;
	LLVMValueRef fn, g;

	if (m->scanned)
		return 0;
	m->scanned = true;
	for (fn = LLVMGetFirstFunction(m->mod); fn; fn = LLVMGetNextFunction(fn))
		if (!LLVMIsDeclaration(fn))
			az_scan_function(m, &seen, fn);
	for (g = LLVMGetFirstGlobal(m->mod); g; g = LLVMGetNextGlobal(g)) {
		var = az_global_divar(m, g);
		if (var != NULL)
			az_di_register(m, &seen,
				       az_md_op(m, var, AZ_DI_VAR_TYPE), 0);
	}
	az_ptrmap_fini(&seen);
	return 0;
}

void
az_module_di_reset(struct az_module *m)
{
	az_ptrmap_fini(&m->var_of);
	az_ptrvec_fini(&m->varv);
	az_ptrmap_fini(&m->fn_of_sp);
	az_ptrvec_fini(&m->fnv);
	m->scanned = false;
}

void
az_module_di_fini(struct az_module *m)
{
	size_t i;

	az_module_di_reset(m);
	for (i = 0; i < m->typev.n; i++)
		free(m->typev.v[i]);
	az_ptrvec_fini(&m->typev);
	az_ptrmap_fini(&m->types);
	az_ptrvec_fini(&m->tdfix);
	az_strmap_fini(&m->by_name);
}

static LLVMValueRef
az_scope_function(struct az_module *m, LLVMMetadataRef scope)
{
	unsigned int depth;
	uint32_t i;

	for (depth = 0; scope != NULL && depth < AZ_DI_DEPTH_MAX; depth++) {
		switch (LLVMGetMetadataKind(scope)) {
		case LLVMDISubprogramMetadataKind:
			i = az_ptrmap_get(&m->fn_of_sp, scope);
			return i == AZ_PTRMAP_NONE ? NULL : m->fnv.v[i];
		case LLVMDILexicalBlockMetadataKind:
		case LLVMDILexicalBlockFileMetadataKind:
			scope = az_md_op(m, scope, AZ_DI_BLOCK_SCOPE);
			break;
		default:
			return NULL;
		}
	}
	return NULL;
}

/* Fills @p out from DIVariable @p var. */
static void
az_var_from_di(struct az_module *m, LLVMMetadataRef var, struct az_var *out)
{
	LLVMMetadataRef file = LLVMDIVariableGetFile(var);
	const char *name = az_md_str(m, var, AZ_DI_VAR_NAME);
	const char *fname;
	unsigned int len = 0;

	if (name != NULL)
		out->name = name;
	out->type = az_di_type(m, az_md_op(m, var, AZ_DI_VAR_TYPE), 0);
	out->func = az_scope_function(m, az_md_op(m, var, AZ_DI_VAR_SCOPE));
	out->loc.line = LLVMDIVariableGetLine(var);
	if (file != NULL) {
		fname = LLVMDIFileGetFilename(file, &len);
		out->loc.file = az_module_intern(m, fname, len);
	}
	out->from_debug_info = true;
}

/* What the IR alone says: the value's name and type. */
static void
az_var_from_ir(struct az_module *m, LLVMValueRef v, struct az_var *out)
{
	size_t len = 0;
	const char *name = LLVMGetValueName2(v, &len);
	LLVMTypeRef ty = LLVMTypeOf(v);
	LLVMLinkage link;

	out->name = len != 0 ? az_module_intern(m, name, len) : "<anon>";
	if (LLVMIsAGlobalValue(v)) {
		ty = LLVMGlobalGetValueType(v);
		link = LLVMGetLinkage(v);
		out->is_static = link == LLVMInternalLinkage ||
				 link == LLVMPrivateLinkage;
	} else if (LLVMIsAAllocaInst(v)) {
		ty = LLVMGetAllocatedType(v);
	}
	if (LLVMIsAArgument(v))
		out->func = LLVMGetParamParent(v);
	else if (LLVMIsAInstruction(v))
		out->func = LLVMGetBasicBlockParent(LLVMGetInstructionParent(v));
	out->type = az_module_ir_type(m, ty);
	az_module_loc(m, v, &out->loc);
}

int
az_module_var(struct az_module *m, LLVMValueRef v, struct az_var *out)
{
	LLVMMetadataRef var = NULL, sp;
	uint32_t i;

	memset(out, 0, sizeof(*out));
	if (m->has_di && !m->scanned)
		az_module_di_scan(m);
	az_var_from_ir(m, v, out);
	if (!m->has_di)
		return LLVMIsAGlobalValue(v) || LLVMIsAAllocaInst(v) ||
		       LLVMIsAArgument(v) ? 0 : -EINVAL;
	if (LLVMIsAFunction(v)) {
		sp = LLVMGetSubprogram(v);
		if (sp != NULL) {
			out->type = az_di_type(m, az_md_op(m, sp,
							   AZ_DI_SP_TYPE), 0);
			out->from_debug_info = true;
		}
		return 0;
	}
	if (LLVMIsAGlobalVariable(v)) {
		var = az_global_divar(m, v);
	} else if (LLVMIsAAllocaInst(v) || LLVMIsAArgument(v)) {
		i = az_ptrmap_get(&m->var_of, v);
		if (i != AZ_PTRMAP_NONE)
			var = LLVMValueAsMetadata(m->varv.v[i]);
	} else {
		return -EINVAL;
	}
	if (var != NULL)
		az_var_from_di(m, var, out);
	if (LLVMIsAAllocaInst(v) || LLVMIsAArgument(v))
		out->func = LLVMIsAArgument(v) ? LLVMGetParamParent(v) :
			LLVMGetBasicBlockParent(LLVMGetInstructionParent(v));
	return 0;
}
