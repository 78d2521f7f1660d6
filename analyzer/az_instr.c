/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dirty hooks (az_instr.h): which per-packet instructions may write
 * persistent state, and the sa_dirty_hook() call after each of them.
 *
 * Every hook is planned before the first is inserted: the pointer
 * analysis and mod/ref key their answers on the module's values and must
 * not see a half-rewritten module.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "az_instr.h"
#include "az_instr_impl.h"
#include "az_models.h"

enum az_skind {
	AZ_SK_NONE = 0,
	AZ_SK_STORE,		/* store, atomicrmw, cmpxchg */
	AZ_SK_MEM,		/* llvm.memcpy / memmove / memset */
	AZ_SK_MODEL,		/* modelled call that writes memory */
	AZ_SK_WILD,		/* may reach unmodelled code */
};

/* One planned call sa_dirty_hook(ptr, len [* len2] | clen, cls) right
 * after inst. */
struct az_hook {
	LLVMValueRef inst;
	LLVMValueRef ptr;
	LLVMValueRef len;	/* NULL: clen */
	LLVMValueRef len2;	/* non-NULL: the length is len * len2 */
	uint64_t clen;
	uint32_t cls;
};

struct az_ictx {
	struct az_modref *mr;
	struct az_result *r;
	const struct az_pta *pta;
	struct az_module *m;
	LLVMTargetDataRef td;
	struct az_hook *v;
	size_t n, cap;
	struct az_u32vec locs;
};

/* What the targets of one instruction or pointer are. */
struct az_tacc {
	bool any;
	bool output;
};

bool
az_instr_range_flag(const struct az_robj *ro, uint64_t lo, uint64_t hi,
		    enum az_flag flag)
{
	const struct az_rfield *f;
	size_t i;

	for (i = 0; i < ro->n_fields; i++) {
		f = &ro->fields[i];
		if (!f->flag[flag])
			continue;
		if (lo == AZ_OFF_ANY || f->off == AZ_OFF_ANY)
			return true;
		if (f->off < hi && lo < f->off + (f->size != 0 ? f->size : 1))
			return true;
	}
	/* Fields cover the object; none flagged here: not flagged. */
	return false;
}

static int
az_tacc_cb(void *arg, const struct az_robj *ro, uint64_t lo, uint64_t hi)
{
	struct az_tacc *t = arg;

	t->any = true;
	if (az_instr_range_flag(ro, lo, hi, AZ_FLAG_OUTPUT))
		t->output = true;
	return 0;
}

static uint32_t
az_cls(const struct az_tacc *t)
{
	return t->output ? AZ_CLS_OUTPUT_IMPACTING : AZ_CLS_UPDATE_ONLY;
}

static int
az_plan(struct az_ictx *x, LLVMValueRef inst, LLVMValueRef ptr,
	LLVMValueRef len, LLVMValueRef len2, uint64_t clen, uint32_t cls)
{
	struct az_hook *h;

	if (LLVMGetTypeKind(LLVMTypeOf(ptr)) != LLVMPointerTypeKind)
		return 0;
	/* Models list a write twice (strcpy: COPY and WRITE): one hook. */
	for (h = x->v + x->n; h > x->v && h[-1].inst == inst; h--)
		if (h[-1].ptr == ptr && h[-1].len == len &&
		    h[-1].len2 == len2 && h[-1].clen == clen) {
			if (cls == AZ_CLS_OUTPUT_IMPACTING)
				h[-1].cls = cls;
			return 0;
		}
	if (az_grow((void **)&x->v, &x->cap, x->n + 1, sizeof(*x->v)) != 0)
		return -ENOMEM;
	h = &x->v[x->n++];
	h->inst = inst;
	h->ptr = ptr;
	h->len = len;
	h->len2 = len2;
	h->clen = clen;
	h->cls = cls;
	return 0;
}

static uint64_t
az_store_size(const struct az_ictx *x, LLVMTypeRef ty)
{
	if (ty == NULL || !LLVMTypeIsSized(ty))
		return AZ_LEN_UNKNOWN;
	return LLVMStoreSizeOfType(x->td, ty);
}

static bool
az_is_mem_intrinsic(const char *name)
{
	return strncmp(name, "llvm.memcpy", 11) == 0 ||
	       strncmp(name, "llvm.memmove", 12) == 0 ||
	       strncmp(name, "llvm.memset", 11) == 0;
}

/* --- modelled calls ---------------------------------------------------- */

static bool
az_eff_writes(const struct az_effect *e)
{
	switch (e->kind) {
	case AZ_EFF_WRITE:
	case AZ_EFF_COPY:
	case AZ_EFF_OUT_ALLOC:
	case AZ_EFF_OUT_STATIC:
	case AZ_EFF_OUT_PACKET:
	case AZ_EFF_OUT_TABLE:
	case AZ_EFF_OUT_INSIDE:
	case AZ_EFF_OUT_KEPT:
	case AZ_EFF_OUT_PKTDESC:
	case AZ_EFF_OUT_TVAL:
	case AZ_EFF_OUT_TKEY:
	case AZ_EFF_WRITE_TKEY:
	case AZ_EFF_WRITE_TVAL:
		return true;
	default:
		return false;
	}
}

/* The argument an effect writes through (OUT_TVAL/TKEY: the out pointer),
 * or -1 (AZ_ARG_RET: realloc's copy goes to memory the arena reports). */
static int
az_eff_warg(const struct az_effect *e)
{
	if (e->kind == AZ_EFF_OUT_TVAL || e->kind == AZ_EFF_OUT_TKEY)
		return e->arg2;
	return e->arg;
}

/*
 * Whether effect @p e of @p model, applied at a call of @p fn, needs a hook
 * at the call: always for a declared function; for a defined function
 * whose model overrides it (the sa_table library compiled in), only when
 * the written argument is one the body is not given (nobind), since the
 * body's own stores are hooked where they are.
 */
static bool
az_eff_at_call(const struct az_model *model, LLVMValueRef fn,
	       const struct az_effect *e)
{
	int a = az_eff_warg(e);

	if (!az_eff_writes(e) || a == AZ_ARG_RET)
		return false;
	if (LLVMIsDeclaration(fn))
		return true;
	return (model->flags & AZ_MODEL_OVERRIDE) && a >= 0 && a < 32 &&
	       (model->nobind & (1u << a)) != 0;
}

static LLVMValueRef
az_arg(LLVMValueRef call, int i)
{
	if (i < 0 || (unsigned int)i >= LLVMGetNumArgOperands(call))
		return NULL;
	return LLVMGetOperand(call, (unsigned int)i);
}

static uint64_t
az_const_u64(LLVMValueRef v)
{
	if (v != NULL && LLVMIsAConstantInt(v) != NULL)
		return LLVMConstIntGetZExtValue(v);
	return AZ_LEN_UNKNOWN;
}

/* The models that apply at @p call, for each of its possible callees. */
typedef int (*az_model_fn)(struct az_ictx *x, LLVMValueRef call,
			   const struct az_model *model, LLVMValueRef fn,
			   void *arg);

static int
az_each_model(struct az_ictx *x, LLVMValueRef call, az_model_fn cb, void *arg)
{
	const struct az_model *model;
	const LLVMValueRef *fns;
	size_t i, n;
	int rc;

	n = az_pta_callees(x->pta, call, &fns, NULL);
	for (i = 0; i < n; i++) {
		model = az_model_lookup(az_module_fn_name(fns[i]));
		if (model == NULL)
			continue;
		rc = cb(x, call, model, fns[i], arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
az_model_writes_cb(struct az_ictx *x, LLVMValueRef call,
		   const struct az_model *model, LLVMValueRef fn, void *arg)
{
	unsigned int e;

	(void)x;
	(void)call;
	for (e = 0; e < model->n_eff; e++)
		if (az_eff_at_call(model, fn, &model->eff[e])) {
			*(bool *)arg = true;
			return 1;
		}
	return 0;
}

/* Length of the bytes effect @p e writes at @p ptr: value(s) or const. */
static void
az_eff_len(const struct az_ictx *x, LLVMValueRef call,
	   const struct az_effect *e, LLVMValueRef ptr, LLVMValueRef *len,
	   LLVMValueRef *len2, uint64_t *clen)
{
	LLVMTypeRef pt = LLVMTypeOf(ptr);

	*len = NULL;
	*len2 = NULL;
	*clen = AZ_LEN_UNKNOWN;
	if (e->kind != AZ_EFF_WRITE && e->kind != AZ_EFF_COPY &&
	    e->kind != AZ_EFF_WRITE_TKEY && e->kind != AZ_EFF_WRITE_TVAL) {
		/* OUT_*: one pointer is stored at ptr. */
		*clen = LLVMPointerSize(x->td);
		return;
	}
	switch (e->len) {
	case AZ_LEN_ARG:
		*len = az_arg(call, e->len_arg);
		break;
	case AZ_LEN_ARG_MUL:
		*len = az_arg(call, e->len_arg);
		*len2 = az_arg(call, e->len_arg2);
		if (*len2 == NULL)
			*len = NULL;
		break;
	case AZ_LEN_CONST:
		*clen = e->len_arg < 0 ? AZ_LEN_UNKNOWN : (uint64_t)e->len_arg;
		break;
	case AZ_LEN_DEREF:
		if (LLVMGetTypeKind(pt) == LLVMPointerTypeKind)
			*clen = az_store_size(x, LLVMGetElementType(pt));
		break;
	default:
		break;
	}
	if (*len != NULL &&
	    LLVMGetTypeKind(LLVMTypeOf(*len)) != LLVMIntegerTypeKind)
		*len = *len2 = NULL;
	if (*len2 != NULL &&
	    LLVMGetTypeKind(LLVMTypeOf(*len2)) != LLVMIntegerTypeKind)
		*len = *len2 = NULL;
}

/* Persistent targets of a write of @p len bytes through @p ptr. */
static int
az_ptr_targets(struct az_ictx *x, LLVMValueRef ptr, uint64_t len,
	       struct az_tacc *t)
{
	const struct az_mloc *ml;
	const struct az_robj *ro;
	uint64_t hi;
	size_t i;
	int rc;

	rc = az_modref_ptr_locs(x->mr, ptr, len, true, &x->locs);
	for (i = 0; rc == 0 && i < x->locs.n; i++) {
		ml = az_modref_loc(x->mr, x->locs.v[i]);
		ro = az_result_obj(x->r, ml->obj);
		if (ro == NULL)
			continue;
		t->any = true;
		hi = ml->ext == 0 ? 1 : ml->ext;
		hi = ml->off == AZ_OFF_ANY || hi >= UINT64_MAX - ml->off ?
		     UINT64_MAX : ml->off + hi;
		if (az_instr_range_flag(ro, ml->off, hi, AZ_FLAG_OUTPUT))
			t->output = true;
	}
	x->locs.n = 0;
	return rc;
}

struct az_mplan {
	unsigned int nparams;
	bool planned;
};

static int
az_plan_ptr(struct az_ictx *x, LLVMValueRef call, const struct az_effect *e,
	    LLVMValueRef ptr, struct az_mplan *mp)
{
	struct az_tacc t = { false, false };
	LLVMValueRef len, len2;
	uint64_t clen;
	int rc;

	if (ptr == NULL || LLVMGetTypeKind(LLVMTypeOf(ptr)) !=
			   LLVMPointerTypeKind)
		return 0;
	az_eff_len(x, call, e, ptr, &len, &len2, &clen);
	rc = az_ptr_targets(x, ptr, len != NULL ? az_const_u64(len) : clen,
			    &t);
	if (rc != 0 || !t.any)
		return rc;
	mp->planned = true;
	return az_plan(x, call, ptr, len, len2, clen, az_cls(&t));
}

static int
az_model_plan_cb(struct az_ictx *x, LLVMValueRef call,
		 const struct az_model *model, LLVMValueRef fn, void *arg)
{
	struct az_mplan *mp = arg;
	unsigned int e, i, nargs = LLVMGetNumArgOperands(call);
	const struct az_effect *eff;
	int rc = 0;

	for (e = 0; e < model->n_eff && rc == 0; e++) {
		eff = &model->eff[e];
		if (!az_eff_at_call(model, fn, eff))
			continue;
		if (az_eff_warg(eff) != AZ_ARG_VARARGS) {
			rc = az_plan_ptr(x, call, eff,
					 az_arg(call, az_eff_warg(eff)), mp);
			continue;
		}
		for (i = mp->nparams; i < nargs && rc == 0; i++)
			rc = az_plan_ptr(x, call, eff, LLVMGetOperand(call, i),
					 mp);
	}
	return rc;
}

/* --- classification and planning ------------------------------------------ */

static enum az_skind
az_store_kind(struct az_ictx *x, LLVMValueRef inst, uint32_t vid)
{
	LLVMValueRef callee;
	bool writes = false;

	switch (LLVMGetInstructionOpcode(inst)) {
	case LLVMStore:
	case LLVMAtomicRMW:
	case LLVMAtomicCmpXchg:
		return AZ_SK_STORE;
	case LLVMCall:
		break;
	default:
		/* C has no invoke; nothing else writes memory. */
		return AZ_SK_NONE;
	}
	callee = LLVMGetCalledValue(inst);
	if (LLVMIsAFunction(callee) != NULL && LLVMGetIntrinsicID(callee) != 0)
		return az_is_mem_intrinsic(az_module_fn_name(callee)) ?
		       AZ_SK_MEM : AZ_SK_NONE;
	if (az_modref_is_wild(x->mr, vid))
		return AZ_SK_WILD;
	if (az_each_model(x, inst, az_model_writes_cb, &writes) < 0)
		return AZ_SK_NONE;
	return writes ? AZ_SK_MODEL : AZ_SK_NONE;
}

/* Unknown code writes every escaped persistent object whole: globals by
 * address, heap objects only through what the call is given. */
static int
az_plan_wild(struct az_ictx *x, LLVMValueRef call, uint32_t cls)
{
	const struct az_obj_info *in;
	const struct az_robj *ro;
	unsigned int i, nargs = LLVMGetNumArgOperands(call);
	bool unnamed = false;
	int rc = 0;
	size_t k;

	for (k = 0; k < x->r->n_objs && rc == 0; k++) {
		ro = &x->r->objs[k];
		in = az_pta_obj(x->pta, ro->obj);
		if (!in->escaped)
			continue;
		if (in->kind == AZ_OBJ_GLOBAL && in->site != NULL &&
		    LLVMIsAGlobalVariable(in->site) != NULL)
			rc = az_plan(x, call, in->site, NULL, NULL,
				     az_store_size(x,
					LLVMGlobalGetValueType(in->site)),
				     az_instr_range_flag(ro, AZ_OFF_ANY,
							 AZ_OFF_ANY,
							 AZ_FLAG_OUTPUT) ?
				     AZ_CLS_OUTPUT_IMPACTING :
				     AZ_CLS_UPDATE_ONLY);
		else
			unnamed = true;
	}
	for (i = 0; i < nargs && rc == 0; i++)
		rc = az_plan(x, call, LLVMGetOperand(call, i), NULL, NULL,
			     AZ_LEN_UNKNOWN, cls);
	if (unnamed && rc == 0)
		az_module_diag(x->m, AZ_LOG_WARN, call, "call may reach "
			       "unknown code that writes escaped heap state: "
			       "hooked its pointer arguments only, to the end "
			       "of their blocks");
	return rc;
}

/* Plans the hooks of one per-packet instruction; *@p kind its kind. */
static int
az_plan_inst(struct az_ictx *x, LLVMValueRef inst, uint32_t vid,
	     enum az_skind *kind, size_t *planned)
{
	struct az_tacc t = { false, false };
	struct az_mplan mp = { 0, false };
	size_t before = x->n;
	LLVMValueRef ptr;
	int rc;

	*kind = az_store_kind(x, inst, vid);
	*planned = 0;
	if (*kind == AZ_SK_NONE)
		return 0;
	switch (*kind) {
	case AZ_SK_STORE:
	case AZ_SK_MEM:
	case AZ_SK_WILD:
		rc = az_modref_targets(x->mr, x->r, inst, az_tacc_cb, &t);
		if (rc != 0 || !t.any)
			return rc < 0 ? rc : 0;
		break;
	default:
		break;
	}
	switch (*kind) {
	case AZ_SK_STORE:
		if (LLVMGetInstructionOpcode(inst) == LLVMStore)
			rc = az_plan(x, inst, LLVMGetOperand(inst, 1), NULL,
				     NULL, az_store_size(x, LLVMTypeOf(
					LLVMGetOperand(inst, 0))), az_cls(&t));
		else
			rc = az_plan(x, inst, LLVMGetOperand(inst, 0), NULL,
				     NULL, az_store_size(x, LLVMTypeOf(
					LLVMGetOperand(inst, 1))), az_cls(&t));
		break;
	case AZ_SK_MEM:
		ptr = LLVMGetOperand(inst, 2);
		rc = az_plan(x, inst, LLVMGetOperand(inst, 0), ptr, NULL,
			     AZ_LEN_UNKNOWN, az_cls(&t));
		break;
	case AZ_SK_WILD:
		rc = az_plan_wild(x, inst, az_cls(&t));
		break;
	default:
		mp.nparams = LLVMCountParamTypes(
			LLVMGetCalledFunctionType(inst));
		rc = az_each_model(x, inst, az_model_plan_cb, &mp);
		break;
	}
	*planned = x->n - before;
	return rc;
}

/* --- insertion ----------------------------------------------------------------- */

static LLVMValueRef
az_to_i64(LLVMBuilderRef b, LLVMTypeRef i64, LLVMValueRef v)
{
	unsigned int w = LLVMGetIntTypeWidth(LLVMTypeOf(v));

	if (w < 64)
		return LLVMBuildZExt(b, v, i64, "");
	if (w > 64)
		return LLVMBuildTrunc(b, v, i64, "");
	return v;
}

static void
az_insert(LLVMBuilderRef b, LLVMTypeRef fty, LLVMValueRef fn,
	  const struct az_hook *h, unsigned int dbg_kind)
{
	LLVMContextRef ctx = LLVMGetTypeContext(fty);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx);
	LLVMTypeRef i8p = LLVMPointerType(LLVMInt8TypeInContext(ctx), 0);
	LLVMValueRef args[3], call, md;

	args[0] = LLVMBuildPointerCast(b, h->ptr, i8p, "");
	if (h->len != NULL) {
		args[1] = az_to_i64(b, i64, h->len);
		if (h->len2 != NULL)
			args[1] = LLVMBuildMul(b, args[1],
					       az_to_i64(b, i64, h->len2), "");
	} else {
		args[1] = LLVMConstInt(i64, h->clen, 0);
	}
	args[2] = LLVMConstInt(LLVMInt32TypeInContext(ctx), h->cls, 0);
	call = LLVMBuildCall2(b, fty, fn, args, 3, "");
	/* The hook belongs to the store's line (debuggers, profiles). */
	md = LLVMGetMetadata(h->inst, dbg_kind);
	if (md != NULL)
		LLVMSetMetadata(call, dbg_kind, md);
}

/*
 * The inline fast path of replica.h's sa_dirty_gate, as an internal
 * always-inline function the hooks call: once compiled, a hook costs a
 * load and a branch while the runtime logs nothing of its class (solo
 * runs, UPDATE_ONLY stores under analyzed), and the class test folds
 * away since every call passes a constant class.
 */
static LLVMValueRef
az_gate_fn(LLVMModuleRef mod, LLVMContextRef ctx, LLVMTypeRef fty,
	   LLVMValueRef hook, LLVMBuilderRef b)
{
	LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx);
	LLVMTypeRef gate_elems[2] = { i32, i32 };
	LLVMTypeRef gate_ty = LLVMStructTypeInContext(ctx, gate_elems, 2, 0);
	LLVMValueRef fn, gate, args[3], mask, cls, on;
	LLVMBasicBlockRef entry, mark, test, call, done;
	unsigned int ai = LLVMGetEnumAttributeKindForName("alwaysinline", 12);

	gate = LLVMAddGlobal(mod, gate_ty, AZ_GATE_VAR);
	fn = LLVMAddFunction(mod, AZ_GATE_FN, fty);
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(ctx, ai, 0));
	entry = LLVMAppendBasicBlockInContext(ctx, fn, "entry");
	mark = LLVMAppendBasicBlockInContext(ctx, fn, "mark");
	test = LLVMAppendBasicBlockInContext(ctx, fn, "test");
	call = LLVMAppendBasicBlockInContext(ctx, fn, "call");
	done = LLVMAppendBasicBlockInContext(ctx, fn, "done");
	cls = LLVMGetParam(fn, 2);

	LLVMPositionBuilderAtEnd(b, entry);
	LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, cls,
		LLVMConstInt(i32, AZ_CLS_OUTPUT_IMPACTING, 0), ""), mark, test);
	LLVMPositionBuilderAtEnd(b, mark);
	LLVMBuildStore(b, LLVMConstInt(i32, 1, 0),
		       LLVMBuildStructGEP2(b, gate_ty, gate, 1, ""));
	LLVMBuildBr(b, test);
	LLVMPositionBuilderAtEnd(b, test);
	mask = LLVMBuildLoad2(b, i32, LLVMBuildStructGEP2(b, gate_ty, gate, 0,
							  ""), "");
	on = LLVMBuildAnd(b, mask, LLVMBuildShl(b, LLVMConstInt(i32, 1, 0),
						cls, ""), "");
	LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntNE, on,
					 LLVMConstInt(i32, 0, 0), ""),
			call, done);
	LLVMPositionBuilderAtEnd(b, call);
	args[0] = LLVMGetParam(fn, 0);
	args[1] = LLVMGetParam(fn, 1);
	args[2] = cls;
	LLVMBuildCall2(b, fty, hook, args, 3, "");
	LLVMBuildBr(b, done);
	LLVMPositionBuilderAtEnd(b, done);
	LLVMBuildRetVoid(b);
	return fn;
}

static int
az_insert_all(struct az_ictx *x)
{
	LLVMModuleRef mod = az_module_llvm(x->m);
	LLVMContextRef ctx = az_module_context(x->m);
	LLVMTypeRef params[3], fty;
	LLVMValueRef fn, next = NULL, last = NULL;
	LLVMBuilderRef b;
	unsigned int dbg_kind = LLVMGetMDKindIDInContext(ctx, "dbg", 3);
	size_t i;

	params[0] = LLVMPointerType(LLVMInt8TypeInContext(ctx), 0);
	params[1] = LLVMInt64TypeInContext(ctx);
	params[2] = LLVMInt32TypeInContext(ctx);
	fty = LLVMFunctionType(LLVMVoidTypeInContext(ctx), params, 3, 0);
	fn = LLVMAddFunction(mod, AZ_HOOK_FN, fty);
	b = LLVMCreateBuilderInContext(ctx);
	if (b == NULL)
		return -ENOMEM;
	fn = az_gate_fn(mod, ctx, fty, fn, b);
	for (i = 0; i < x->n; i++) {
		/* Hooks of one instruction go in plan order before the
		 * instruction that followed it. */
		if (x->v[i].inst != last) {
			last = x->v[i].inst;
			next = LLVMGetNextInstruction(last);
		}
		if (next == NULL)
			continue;
		LLVMPositionBuilderBefore(b, next);
		az_insert(b, fty, fn, &x->v[i], dbg_kind);
	}
	LLVMDisposeBuilder(b);
	return 0;
}

/* An instruction counts as output-impacting if any of its last
 * @p planned hooks is. */
static bool
az_any_output(const struct az_ictx *x, size_t planned)
{
	size_t i;

	for (i = x->n - planned; i < x->n; i++)
		if (x->v[i].cls == AZ_CLS_OUTPUT_IMPACTING)
			return true;
	return false;
}

static int
az_plan_fn(struct az_ictx *x, LLVMValueRef fn)
{
	struct az_instr_summary *s = &x->r->instr;
	LLVMBasicBlockRef bb;
	LLVMValueRef inst;
	enum az_skind kind;
	size_t planned;
	uint32_t vid;
	int rc;

	for (bb = LLVMGetFirstBasicBlock(fn); bb != NULL;
	     bb = LLVMGetNextBasicBlock(bb)) {
		for (inst = LLVMGetFirstInstruction(bb); inst != NULL;
		     inst = LLVMGetNextInstruction(inst)) {
			vid = az_modref_vid(x->mr, inst);
			if (vid == AZ_VID_NONE || !az_modref_per_packet(x->mr,
									 vid))
				continue;
			rc = az_plan_inst(x, inst, vid, &kind, &planned);
			if (rc != 0) {
				az_module_diag(x->m, AZ_LOG_ERR, inst,
					       "cannot plan its dirty hook: %s",
					       strerror(-rc));
				return rc;
			}
			if (kind == AZ_SK_NONE)
				continue;
			s->stores_total++;
			if (planned == 0)
				continue;
			s->stores_instrumented++;
			if (az_any_output(x, planned))
				s->output_impacting++;
			else
				s->update_only++;
		}
	}
	return 0;
}

int
az_instr_hooks(struct az_modref *mr, struct az_result *r)
{
	struct az_ictx x;
	LLVMValueRef fn;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	x.mr = mr;
	x.r = r;
	x.pta = az_modref_pta(mr);
	x.m = az_modref_module(mr);
	x.td = az_module_target_data(x.m);
	if (LLVMGetNamedFunction(az_module_llvm(x.m), AZ_HOOK_FN) != NULL ||
	    LLVMGetNamedGlobal(az_module_llvm(x.m), AZ_MANIFEST_NAME) != NULL) {
		az_log(AZ_LOG_ERR, "%s: already instrumented (it has %s or %s)",
		       az_module_path(x.m), AZ_HOOK_FN, AZ_MANIFEST_NAME);
		return -EINVAL;
	}
	for (fn = LLVMGetFirstFunction(az_module_llvm(x.m));
	     fn != NULL && rc == 0; fn = LLVMGetNextFunction(fn))
		if (!LLVMIsDeclaration(fn))
			rc = az_plan_fn(&x, fn);
	if (rc == 0)
		rc = az_insert_all(&x);
	free(x.v);
	az_u32vec_fini(&x.locs);
	return rc;
}
