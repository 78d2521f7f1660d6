/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constraint generation for everything but calls: global initializers,
 * constant expressions and the instructions of each function.
 *
 * Aggregate SSA values (loads of structs, insertvalue, coerced returns
 * like { i8*, i64 }) are represented by a value object each: the value's
 * node points to it, loads and stores of the aggregate are memcpy
 * constraints, and extractvalue is an offset into it. Integers made from
 * pointers are followed through casts and arithmetic (they keep the
 * pointer's targets); turned back into a pointer after arithmetic they
 * may point anywhere in those objects.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_pta_impl.h"

az_obj_t
az_pta_fn_obj(struct az_pta *p, LLVMValueRef fn)
{
	az_obj_t o = az_pta_obj_of(p, fn);

	if (o == AZ_OBJ_NONE)
		o = az_pta_new_obj(p, AZ_OBJ_FUNCTION, fn, fn, NULL);
	return o;
}

/* Locations are small integers: shifted so that the pointer map, which
 * drops the low bits of aligned addresses, still tells them apart. */
#define AZ_LOC_KEY(loc)	((const void *)(((uintptr_t)(loc) + 1) << 4))

uint32_t
az_pta_addr_node(struct az_pta *p, az_obj_t o, uint64_t off)
{
	uint32_t loc = az_pta_loc(p, o, off);
	uint32_t n = az_ptrmap_get(&p->const_node_of, AZ_LOC_KEY(loc));

	if (n != AZ_PTRMAP_NONE)
		return n;
	n = az_pta_new_node(p);
	az_pta_add_pts(p, n, loc);
	if (az_ptrmap_put(&p->const_node_of, AZ_LOC_KEY(loc), n) < 0)
		az_pta_nomem(p);
	return n;
}

void
az_pta_gep_cons(struct az_pta *p, uint32_t src, uint32_t dst, int64_t off,
		uint64_t stride)
{
	if (src == AZ_NODE_NONE || dst == AZ_NODE_NONE)
		return;
	if (off == 0 && stride == 0) {
		az_pta_add_edge(p, src, dst);
		return;
	}
	az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_GEP, .a = src,
					      .b = dst, .off = off,
					      .stride = stride,
					      .inst = p->cur_inst });
}

static uint64_t
az_size(struct az_pta *p, LLVMTypeRef ty)
{
	return LLVMTypeIsSized(ty) ? LLVMABISizeOfType(p->td, ty) : 0;
}

/* --- constants ------------------------------------------------------- */

/* Byte offset of a GEP whose indices are all constant; false if one is
 * not. The first index steps over whole source elements. */
static bool
az_gep_const_off(struct az_pta *p, LLVMValueRef gep, int64_t *off)
{
	LLVMTypeRef ty = LLVMGetGEPSourceElementType(gep);
	unsigned int i, n = (unsigned int)LLVMGetNumOperands(gep);
	LLVMValueRef idx;
	int64_t c = 0, k;

	for (i = 1; i < n; i++) {
		idx = LLVMGetOperand(gep, i);
		if (!LLVMIsAConstantInt(idx))
			return false;
		k = LLVMConstIntGetSExtValue(idx);
		if (i > 1 && LLVMGetTypeKind(ty) == LLVMStructTypeKind) {
			c += (int64_t)LLVMOffsetOfElement(p->td, ty,
							  (unsigned int)k);
			ty = LLVMStructGetTypeAtIndex(ty, (unsigned int)k);
			continue;
		}
		if (i > 1)
			ty = LLVMGetElementType(ty);
		c += k * (int64_t)az_size(p, ty);
	}
	*off = c;
	return true;
}

static uint32_t
az_const_map(struct az_pta *p, LLVMValueRef c, uint32_t n)
{
	if (n != AZ_NODE_NONE && az_ptrmap_put(&p->node_of, c, n) < 0)
		az_pta_nomem(p);
	return n;
}

static uint32_t
az_const_expr(struct az_pta *p, LLVMValueRef c)
{
	LLVMOpcode op = LLVMGetConstOpcode(c);
	uint32_t n, a, b;
	int64_t off;

	switch (op) {
	case LLVMBitCast:
	case LLVMAddrSpaceCast:
	case LLVMPtrToInt:
	case LLVMTrunc:
	case LLVMZExt:
	case LLVMSExt:
		return az_pta_const_node(p, LLVMGetOperand(c, 0));
	case LLVMGetElementPtr:
		a = az_pta_const_node(p, LLVMGetOperand(c, 0));
		if (a == AZ_NODE_NONE || !az_gep_const_off(p, c, &off))
			return a;
		n = az_pta_new_node(p);
		az_pta_gep_cons(p, a, n, off, 0);
		return n;
	case LLVMIntToPtr:
		a = az_pta_const_node(p, LLVMGetOperand(c, 0));
		if (a != AZ_NODE_NONE)
			return a;
		/* A fixed address: memory nobody in the module allocated. */
		n = az_pta_new_node(p);
		az_pta_add_edge(p, p->esc, n);
		return n;
	case LLVMSelect:
	case LLVMAdd:
	case LLVMSub:
	case LLVMAnd:
	case LLVMOr:
	case LLVMXor:
		a = az_pta_const_node(p, LLVMGetOperand(c, op == LLVMSelect));
		b = az_pta_const_node(p, LLVMGetOperand(c, 1 + (op == LLVMSelect)));
		if (a == AZ_NODE_NONE && b == AZ_NODE_NONE)
			return AZ_NODE_NONE;
		n = az_pta_new_node(p);
		if (a != AZ_NODE_NONE)
			az_pta_add_edge(p, a, n);
		if (b != AZ_NODE_NONE)
			az_pta_add_edge(p, b, n);
		return n;
	default:
		return AZ_NODE_NONE;
	}
}

uint32_t
az_pta_const_node(struct az_pta *p, LLVMValueRef c)
{
	uint32_t n = az_ptrmap_get(&p->node_of, c);
	az_obj_t o;

	if (n != AZ_PTRMAP_NONE)
		return n;
	if (LLVMIsAGlobalVariable(c)) {
		o = az_pta_obj_of(p, c);
		if (o == AZ_OBJ_NONE)
			return AZ_NODE_NONE;
		return az_const_map(p, c, az_pta_addr_node(p, o, 0));
	}
	if (LLVMIsAFunction(c))
		return az_const_map(p, c, az_pta_addr_node(p,
					az_pta_fn_obj(p, c), 0));
	if (LLVMIsAGlobalAlias(c))
		return az_const_map(p, c, az_pta_const_node(p,
					LLVMAliasGetAliasee(c)));
	if (LLVMIsAConstantExpr(c))
		return az_const_map(p, c, az_const_expr(p, c));
	return AZ_NODE_NONE;
}

/* --- globals --------------------------------------------------------- */

/* Pointers in the initializer @p c of @p o at byte @p off. */
static void
az_init_walk(struct az_pta *p, az_obj_t o, LLVMValueRef c, uint64_t off)
{
	LLVMTypeRef ty = LLVMTypeOf(c);
	unsigned int i, n;
	uint64_t es;
	uint32_t node;

	if (!az_pta_type_has_ptr(ty) && !LLVMIsAConstantExpr(c))
		return;
	if (LLVMIsAConstantStruct(c)) {
		n = (unsigned int)LLVMGetNumOperands(c);
		for (i = 0; i < n; i++)
			az_init_walk(p, o, LLVMGetOperand(c, i),
				     off + LLVMOffsetOfElement(p->td, ty, i));
		return;
	}
	if (LLVMIsAConstantArray(c) || LLVMIsAConstantVector(c)) {
		n = (unsigned int)LLVMGetNumOperands(c);
		es = az_size(p, LLVMGetElementType(ty));
		for (i = 0; i < n; i++)
			az_init_walk(p, o, LLVMGetOperand(c, i), off + i * es);
		return;
	}
	node = az_pta_const_node(p, c);
	if (node != AZ_NODE_NONE)
		az_pta_add_edge(p, node, az_pta_obj_node(p, o, off));
}

static bool
az_is_llvm_global(LLVMValueRef g)
{
	size_t len;
	const char *name = LLVMGetValueName2(g, &len);

	return len > 5 && strncmp(name, "llvm.", 5) == 0;
}

int
az_pta_gen_globals(struct az_pta *p)
{
	LLVMValueRef g, init;
	az_obj_t o;

	for (g = LLVMGetFirstGlobal(p->mod); g; g = LLVMGetNextGlobal(g)) {
		if (az_is_llvm_global(g))
			continue;
		o = az_pta_new_obj(p, AZ_OBJ_GLOBAL, g, NULL,
				   LLVMGlobalGetValueType(g));
		p->objs[o].info.is_const = LLVMIsGlobalConstant(g) != 0;
		if (LLVMIsDeclaration(g)) {
			/* Defined elsewhere: external code owns it. */
			p->objs[o].info.is_extern = true;
			az_pta_escape_obj(p, o);
		}
	}
	for (g = LLVMGetFirstGlobal(p->mod); g; g = LLVMGetNextGlobal(g)) {
		init = LLVMIsDeclaration(g) || az_is_llvm_global(g) ? NULL :
		       LLVMGetInitializer(g);
		if (init != NULL) {
			p->cur_inst = g;
			az_init_walk(p, az_pta_obj_of(p, g), init, 0);
		}
	}
	p->cur_inst = NULL;
	return 0;
}

/* --- instructions ---------------------------------------------------- */

static bool
az_int_carrier_op(LLVMOpcode op)
{
	switch (op) {
	case LLVMAdd: case LLVMSub: case LLVMMul: case LLVMAnd: case LLVMOr:
	case LLVMXor: case LLVMShl: case LLVMLShr: case LLVMAShr:
	case LLVMUDiv: case LLVMSDiv: case LLVMURem: case LLVMSRem:
	case LLVMTrunc: case LLVMZExt: case LLVMSExt: case LLVMPHI:
	case LLVMSelect: case LLVMFreeze: case LLVMBitCast:
		return true;
	default:
		return false;
	}
}

/* Marks the integers of @p fn that carry a pointer: ptrtoint results and
 * what integer arithmetic, casts, phis and selects make of them. */
static void
az_track_ints(struct az_pta *p, LLVMValueRef fn)
{
	struct az_ptrvec work = { 0 };
	LLVMBasicBlockRef bb;
	LLVMValueRef in, v, u;
	LLVMUseRef use;

	for (bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
		for (in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in))
			if (LLVMIsAPtrToIntInst(in) &&
			    az_ptrmap_put(&p->tracked_int, in, 1) == 0)
				az_ptrvec_push(&work, in);
	while (work.n != 0) {
		v = work.v[--work.n];
		for (use = LLVMGetFirstUse(v); use; use = LLVMGetNextUse(use)) {
			u = LLVMGetUser(use);
			if (!LLVMIsAInstruction(u) ||
			    LLVMGetTypeKind(LLVMTypeOf(u)) != LLVMIntegerTypeKind ||
			    !az_int_carrier_op(LLVMGetInstructionOpcode(u)) ||
			    az_ptrmap_get(&p->tracked_int, u) != AZ_PTRMAP_NONE)
				continue;
			if (az_ptrmap_put(&p->tracked_int, u, 1) == 0)
				az_ptrvec_push(&work, u);
		}
	}
	az_ptrvec_fini(&work);
}

/* True if integer @p v is a pointer converted as is (casts only), so
 * converting it back gives the same pointer. */
static bool
az_is_int_cast(LLVMValueRef v)
{
	LLVMOpcode op;

	if (LLVMIsATruncInst(v) || LLVMIsAZExtInst(v) || LLVMIsASExtInst(v) ||
	    LLVMIsABitCastInst(v))
		return true;
	if (!LLVMIsAConstantExpr(v))
		return false;
	op = LLVMGetConstOpcode(v);
	return op == LLVMTrunc || op == LLVMZExt || op == LLVMSExt ||
	       op == LLVMBitCast;
}

static bool
az_int_is_direct(LLVMValueRef v)
{
	while (az_is_int_cast(v))
		v = LLVMGetOperand(v, 0);
	return LLVMIsAPtrToIntInst(v) != NULL ||
	       (LLVMIsAConstantExpr(v) && LLVMGetConstOpcode(v) == LLVMPtrToInt);
}

/* An integer that carries a pointer: one computed from a ptrtoint in
 * this function, or a constant expression over a pointer constant. */
static bool
az_int_carries(struct az_pta *p, LLVMValueRef v)
{
	if (LLVMGetTypeKind(LLVMTypeOf(v)) != LLVMIntegerTypeKind)
		return false;
	if (LLVMIsAConstant(v))
		return az_pta_const_node(p, v) != AZ_NODE_NONE;
	return az_ptrmap_get(&p->tracked_int, v) != AZ_PTRMAP_NONE;
}

bool
az_pta_int_escapes(struct az_pta *p, LLVMValueRef v)
{
	if (v == NULL || !az_int_carries(p, v))
		return false;
	if (az_int_is_direct(v)) {
		/* Whoever gets it may turn it back into the pointer. */
		az_pta_add_edge(p, az_pta_node(p, v), p->esc);
		az_pta_add_approx(p, AZ_APPROX_PTR_TO_INT, "pointer as integer",
				  p->cur_inst, "its targets are treated as "
				  "escaped");
		return true;
	}
	az_pta_add_approx(p, AZ_APPROX_PTR_TO_INT, "integer computed from a "
			  "pointer", p->cur_inst, "assumed never converted "
			  "back to a pointer");
	return true;
}

/* A value object for aggregate SSA value @p v, and v's node pointing to
 * it. */
static uint32_t
az_aggregate(struct az_pta *p, LLVMValueRef v)
{
	az_obj_t o = az_pta_new_obj(p, AZ_OBJ_STACK, v,
				    LLVMGetBasicBlockParent(
					    LLVMGetInstructionParent(v)),
				    LLVMTypeOf(v));
	uint32_t n = az_pta_node(p, v);

	az_pta_add_pts(p, n, az_pta_loc(p, o, 0));
	return n;
}

static void
az_gen_gep(struct az_pta *p, LLVMValueRef gep)
{
	LLVMTypeRef ty = LLVMGetGEPSourceElementType(gep);
	unsigned int i, n = (unsigned int)LLVMGetNumOperands(gep);
	uint32_t src = az_pta_node(p, LLVMGetOperand(gep, 0));
	uint32_t dst = az_pta_node(p, gep), cur = src, t;
	LLVMValueRef idx;
	uint64_t es;
	int64_t c = 0;

	for (i = 1; i < n && src != AZ_NODE_NONE; i++) {
		idx = LLVMGetOperand(gep, i);
		if (i > 1 && LLVMGetTypeKind(ty) == LLVMStructTypeKind) {
			unsigned int k = (unsigned int)
					 LLVMConstIntGetZExtValue(idx);

			c += (int64_t)LLVMOffsetOfElement(p->td, ty, k);
			ty = LLVMStructGetTypeAtIndex(ty, k);
			continue;
		}
		if (i > 1)
			ty = LLVMGetElementType(ty);
		es = az_size(p, ty);
		if (LLVMIsAConstantInt(idx)) {
			c += LLVMConstIntGetSExtValue(idx) * (int64_t)es;
			continue;
		}
		/* A variable index: stays field-precise only where the
		 * object has an array of such elements at this spot. */
		t = az_pta_new_node(p);
		az_pta_gep_cons(p, cur, t, c, es);
		cur = t;
		c = 0;
	}
	az_pta_gep_cons(p, cur, dst, c, 0);
}

static void
az_gen_load(struct az_pta *p, LLVMValueRef in)
{
	uint32_t ptr = az_pta_node(p, LLVMGetOperand(in, 0));
	uint32_t dst = az_pta_node(p, in);
	LLVMTypeKind k = LLVMGetTypeKind(LLVMTypeOf(in));

	if (ptr == AZ_NODE_NONE || dst == AZ_NODE_NONE)
		return;
	if (k == LLVMPointerTypeKind) {
		az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_LOAD,
						      .a = ptr, .b = dst });
		return;
	}
	az_pta_memcpy_cons(p, az_aggregate(p, in), ptr,
			   az_size(p, LLVMTypeOf(in)));
}

static void
az_gen_store(struct az_pta *p, LLVMValueRef in)
{
	LLVMValueRef val = LLVMGetOperand(in, 0);
	uint32_t ptr = az_pta_node(p, LLVMGetOperand(in, 1)), src;

	if (az_pta_int_escapes(p, val) || ptr == AZ_NODE_NONE)
		return;
	src = az_pta_node(p, val);
	if (src == AZ_NODE_NONE)
		return;
	if (LLVMGetTypeKind(LLVMTypeOf(val)) == LLVMPointerTypeKind)
		az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_STORE,
						      .a = ptr, .b = src });
	else
		az_pta_memcpy_cons(p, ptr, src, az_size(p, LLVMTypeOf(val)));
}

static void
az_gen_inttoptr(struct az_pta *p, LLVMValueRef in)
{
	LLVMValueRef op = LLVMGetOperand(in, 0);
	uint32_t dst = az_pta_node(p, in);
	char what[64];

	if (az_int_carries(p, op)) {
		/* After arithmetic it may point anywhere in those objects. */
		az_pta_gep_cons(p, az_pta_node(p, op), dst, 0,
				az_int_is_direct(op) ? 0 : AZ_STRIDE_ANY);
		return;
	}
	snprintf(what, sizeof(what), "%s", LLVMIsAConstant(op) ?
		 "constant address" : "integer of unknown origin");
	az_pta_add_edge(p, p->esc, dst);
	az_pta_add_approx(p, AZ_APPROX_INT_TO_PTR, what, in,
			  "may point to any escaped memory");
}

/* Byte offset of an extractvalue / insertvalue index path. */
static uint64_t
az_agg_off(struct az_pta *p, LLVMTypeRef ty, const unsigned int *idx,
	   unsigned int n)
{
	uint64_t off = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (LLVMGetTypeKind(ty) == LLVMStructTypeKind) {
			off += LLVMOffsetOfElement(p->td, ty, idx[i]);
			ty = LLVMStructGetTypeAtIndex(ty, idx[i]);
		} else {
			ty = LLVMGetElementType(ty);
			off += idx[i] * az_size(p, ty);
		}
	}
	return off;
}

/* extractvalue: an offset into the aggregate's value object. */
static void
az_gen_extract(struct az_pta *p, LLVMValueRef in)
{
	LLVMValueRef agg = LLVMGetOperand(in, 0);
	uint32_t dst = az_pta_node(p, in), t;
	LLVMTypeRef ty = LLVMTypeOf(agg);
	uint64_t off;

	if (dst == AZ_NODE_NONE)
		return;
	off = az_agg_off(p, ty, LLVMGetIndices(in), LLVMGetNumIndices(in));
	if (LLVMGetTypeKind(LLVMTypeOf(in)) != LLVMPointerTypeKind) {
		az_pta_gep_cons(p, az_pta_node(p, agg), dst, (int64_t)off, 0);
		return;
	}
	t = az_pta_new_node(p);
	az_pta_gep_cons(p, az_pta_node(p, agg), t, (int64_t)off, 0);
	az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_LOAD, .a = t,
					      .b = dst });
}

static void
az_gen_insert(struct az_pta *p, LLVMValueRef in)
{
	LLVMValueRef elt = LLVMGetOperand(in, 1);
	uint32_t r = az_aggregate(p, in), t, e = az_pta_node(p, elt);
	LLVMTypeRef ty = LLVMTypeOf(in);
	uint64_t off;

	az_pta_memcpy_cons(p, r, az_pta_node(p, LLVMGetOperand(in, 0)),
			   az_size(p, ty));
	if (e == AZ_NODE_NONE)
		return;
	off = az_agg_off(p, ty, LLVMGetIndices(in), LLVMGetNumIndices(in));
	t = az_pta_new_node(p);
	az_pta_gep_cons(p, r, t, (int64_t)off, 0);
	if (LLVMGetTypeKind(LLVMTypeOf(elt)) == LLVMPointerTypeKind)
		az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_STORE,
						      .a = t, .b = e });
	else
		az_pta_memcpy_cons(p, t, e, az_size(p, LLVMTypeOf(elt)));
}

/* Every pointer-carrying operand from @p first on flows into @p in. */
static void
az_gen_copy(struct az_pta *p, LLVMValueRef in, unsigned int first)
{
	unsigned int i, n = (unsigned int)LLVMGetNumOperands(in);
	uint32_t dst = az_pta_node(p, in), src;

	if (dst == AZ_NODE_NONE)
		return;
	for (i = first; i < n; i++) {
		src = az_pta_node(p, LLVMGetOperand(in, i));
		if (src != AZ_NODE_NONE)
			az_pta_add_edge(p, src, dst);
	}
}

static void
az_gen_alloca(struct az_pta *p, LLVMValueRef in, LLVMValueRef fn)
{
	LLVMValueRef count = LLVMGetOperand(in, 0);
	az_obj_t o = az_pta_new_obj(p, AZ_OBJ_STACK, in, fn,
				    LLVMGetAllocatedType(in));

	if (!LLVMIsAConstantInt(count) || LLVMConstIntGetZExtValue(count) != 1)
		p->objs[o].info.is_array = true;
	az_pta_add_pts(p, az_pta_node(p, in), az_pta_loc(p, o, 0));
}

static void
az_gen_ret(struct az_pta *p, LLVMValueRef in, LLVMValueRef fn)
{
	LLVMValueRef v;
	uint32_t n;

	if (LLVMGetNumOperands(in) == 0)
		return;
	v = LLVMGetOperand(in, 0);
	if (az_pta_int_escapes(p, v))
		return;
	n = az_pta_node(p, v);
	if (n != AZ_NODE_NONE)
		az_pta_add_edge(p, n, az_pta_ret_node(p, fn));
}

/* atomicrmw / cmpxchg: a load and a store of the new value. */
static void
az_gen_atomic(struct az_pta *p, LLVMValueRef in, unsigned int val)
{
	uint32_t ptr = az_pta_node(p, LLVMGetOperand(in, 0));
	uint32_t v = az_pta_node(p, LLVMGetOperand(in, val));
	uint32_t dst = az_pta_node(p, in);

	if (ptr == AZ_NODE_NONE || v == AZ_NODE_NONE)
		return;
	az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_STORE, .a = ptr,
					      .b = v });
	if (dst != AZ_NODE_NONE &&
	    LLVMGetTypeKind(LLVMTypeOf(in)) == LLVMPointerTypeKind)
		az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_LOAD,
						      .a = ptr, .b = dst });
}

static int
az_gen_inst(struct az_pta *p, LLVMValueRef in, LLVMValueRef fn)
{
	switch (LLVMGetInstructionOpcode(in)) {
	case LLVMAlloca:
		az_gen_alloca(p, in, fn);
		break;
	case LLVMLoad:
		az_gen_load(p, in);
		break;
	case LLVMStore:
		az_gen_store(p, in);
		break;
	case LLVMGetElementPtr:
		az_gen_gep(p, in);
		break;
	case LLVMIntToPtr:
		az_gen_inttoptr(p, in);
		break;
	case LLVMExtractValue:
		az_gen_extract(p, in);
		break;
	case LLVMInsertValue:
		az_gen_insert(p, in);
		break;
	case LLVMSelect:
		az_gen_copy(p, in, 1);
		break;
	case LLVMRet:
		az_gen_ret(p, in, fn);
		break;
	case LLVMAtomicRMW:
		az_gen_atomic(p, in, 1);
		break;
	case LLVMAtomicCmpXchg:
		az_gen_atomic(p, in, 2);
		break;
	case LLVMVAArg:
		az_pta_add_edge(p, az_pta_obj_node(p, az_pta_varargs_obj(p, fn),
						   AZ_OFF_ANY),
				az_pta_node(p, in));
		break;
	case LLVMCall:
	case LLVMInvoke:
	case LLVMCallBr:
		return az_pta_gen_call(p, in);
	default:
		/* Casts, phis, integer arithmetic on pointer-carrying
		 * integers, vector shuffles of pointers: plain copies. */
		az_gen_copy(p, in, 0);
		break;
	}
	return 0;
}

int
az_pta_gen_function(struct az_pta *p, LLVMValueRef fn)
{
	LLVMBasicBlockRef bb;
	LLVMValueRef in;
	int rc = 0;

	az_track_ints(p, fn);
	for (bb = LLVMGetFirstBasicBlock(fn); bb && rc == 0;
	     bb = LLVMGetNextBasicBlock(bb)) {
		for (in = LLVMGetFirstInstruction(bb); in && rc == 0;
		     in = LLVMGetNextInstruction(in)) {
			p->cur_inst = in;
			rc = az_gen_inst(p, in, fn);
		}
	}
	p->cur_inst = NULL;
	return rc;
}
