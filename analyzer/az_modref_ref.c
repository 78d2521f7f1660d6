/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exact offsets into objects the pointer analysis collapsed. It collapses
 * an object as soon as one pointer walks it with an unknown offset (a
 * hash loop over a key), and from then on reports every pointer into it
 * as "anywhere". Many of those pointers are plainly exact: a constant
 * offset from the object's own address, possibly through a parameter.
 * Those get their offsets back here, so that the fields of a key stay
 * apart; the walking pointer stays ANY and still overlaps all of them.
 */

#include <errno.h>
#include <string.h>

#include "az_modref_impl.h"

bool
az_modref_gep_offset(LLVMTargetDataRef td, LLVMValueRef gep, int64_t *off)
{
	LLVMTypeRef ty = LLVMGetGEPSourceElementType(gep);
	unsigned int i, n = (unsigned int)LLVMGetNumOperands(gep);
	LLVMValueRef idx;
	int64_t k;

	*off = 0;
	for (i = 1; i < n; i++) {
		idx = LLVMGetOperand(gep, i);
		if (LLVMIsAConstantInt(idx) == NULL || !LLVMTypeIsSized(ty))
			return false;
		k = LLVMConstIntGetSExtValue(idx);
		if (i == 1) {
			*off += k * (int64_t)LLVMABISizeOfType(td, ty);
		} else if (LLVMGetTypeKind(ty) == LLVMStructTypeKind) {
			*off += (int64_t)LLVMOffsetOfElement(td, ty,
							     (unsigned int)k);
			ty = LLVMStructGetTypeAtIndex(ty, (unsigned int)k);
		} else {
			ty = LLVMGetElementType(ty);
			if (!LLVMTypeIsSized(ty))
				return false;
			*off += k * (int64_t)LLVMABISizeOfType(td, ty);
		}
	}
	return true;
}

static bool
az_ref_add(struct az_reflist *l, az_obj_t o, int64_t off)
{
	size_t i;

	if (o == AZ_OBJ_NONE || off < 0)
		return false;
	for (i = 0; i < l->n; i++)
		if (l->v[i].obj == o && l->v[i].off == (uint64_t)off)
			return true;
	if (l->n == AZ_REF_MAX)
		return false;
	l->v[l->n].obj = o;
	l->v[l->n].off = (uint64_t)off;
	l->n++;
	return true;
}

static bool az_mr_refine(const struct az_modref *mr, LLVMValueRef v,
			 int64_t add, struct az_reflist *out,
			 unsigned int depth);

static unsigned int
az_param_index(LLVMValueRef arg)
{
	LLVMValueRef p = LLVMGetFirstParam(LLVMGetParamParent(arg));
	unsigned int i = 0;

	for (; p != NULL && p != arg; p = LLVMGetNextParam(p))
		i++;
	return i;
}

/* A parameter points where the arguments of all its per-packet call sites
 * point; a function whose address is taken may be called from anywhere. */
static bool
az_ref_param(const struct az_modref *mr, LLVMValueRef arg,
	     struct az_reflist *out, unsigned int depth)
{
	LLVMValueRef fn = LLVMGetParamParent(arg), user;
	int32_t f = az_cg_index(mr->cg, fn);
	const struct az_csite *cs;
	LLVMUseRef use;
	size_t i, n;

	if (f < 0)
		return false;
	for (use = LLVMGetFirstUse(fn); use != NULL; use = LLVMGetNextUse(use)) {
		user = LLVMGetUser(use);
		if (LLVMIsACallInst(user) == NULL ||
		    LLVMGetCalledValue(user) != fn)
			return false;
	}
	n = az_modref_csites(mr, (uint32_t)f, &cs);
	for (i = 0; i < n; i++)
		if (cs[i].cb != NULL ||
		    !az_mr_refine(mr, az_modref_csite_arg(mr, &cs[i],
			    az_param_index(arg)), 0, out, depth + 1))
			return false;
	return n != 0;
}

static bool
az_ref_compute(const struct az_modref *mr, LLVMValueRef v,
	       struct az_reflist *out, unsigned int depth)
{
	LLVMOpcode op = LLVMIsAInstruction(v) != NULL ?
		LLVMGetInstructionOpcode(v) : LLVMIsAConstantExpr(v) != NULL ?
		LLVMGetConstOpcode(v) : (LLVMOpcode)0;
	unsigned int i, n;
	int64_t off;

	if (LLVMIsAAllocaInst(v) != NULL || LLVMIsAGlobalVariable(v) != NULL)
		return az_ref_add(out, az_pta_obj_of(mr->pta, v), 0);
	if (LLVMIsAArgument(v) != NULL)
		return az_ref_param(mr, v, out, depth);
	switch (op) {
	case LLVMGetElementPtr:
		return az_modref_gep_offset(mr->td, v, &off) &&
		       az_mr_refine(mr, LLVMGetOperand(v, 0), off, out, depth + 1);
	case LLVMBitCast:
	case LLVMAddrSpaceCast:
		return az_mr_refine(mr, LLVMGetOperand(v, 0), 0, out, depth + 1);
	case LLVMPHI:
		n = LLVMCountIncoming(v);
		for (i = 0; i < n; i++)
			if (!az_mr_refine(mr, LLVMGetIncomingValue(v, i), 0, out,
					  depth + 1))
				return false;
		return n != 0;
	case LLVMSelect:
		return az_mr_refine(mr, LLVMGetOperand(v, 1), 0, out, depth + 1)
		    && az_mr_refine(mr, LLVMGetOperand(v, 2), 0, out, depth + 1);
	default:
		return false;
	}
}

/*
 * Adds to @p out the exact (object, offset + @p add) targets of pointer
 * @p v when every path that defines it leads, by constant offsets, to the
 * address of a global or an alloca. Values with a vid are memoized; a
 * cycle (a pointer advanced in a loop) fails.
 */
static bool
az_mr_refine(const struct az_modref *mr, LLVMValueRef v, int64_t add,
	     struct az_reflist *out, unsigned int depth)
{
	struct az_refmemo *mm = mr->ref;
	struct az_reflist mine = { .n = 0 };
	uint32_t vid = AZ_VID_NONE;
	size_t i;
	bool ok;

	if (v == NULL || depth > AZ_REF_MAX * 4)
		return false;
	if (LLVMIsAInstruction(v) != NULL || LLVMIsAArgument(v) != NULL)
		vid = az_modref_vid(mr, v);
	if (vid != AZ_VID_NONE && mm->state[vid] == AZ_REF_DONE) {
		for (i = 0; i < mm->n[vid]; i++)
			if (!az_ref_add(out, mm->pool[mm->at[vid] + i].obj,
					(int64_t)mm->pool[mm->at[vid] + i].off +
					add))
				return false;
		return true;
	}
	if (vid != AZ_VID_NONE && mm->state[vid] != AZ_REF_UNKNOWN)
		return false;
	if (vid != AZ_VID_NONE)
		mm->state[vid] = AZ_REF_BUSY;
	ok = az_ref_compute(mr, v, &mine, depth);
	if (vid != AZ_VID_NONE) {
		mm->state[vid] = AZ_REF_FAILED;
		if (ok && az_grow((void **)&mm->pool, &mm->cap_pool,
				  mm->n_pool + mine.n + 1,
				  sizeof(*mm->pool)) == 0) {
			memcpy(mm->pool + mm->n_pool, mine.v,
			       mine.n * sizeof(mine.v[0]));
			mm->at[vid] = (uint32_t)mm->n_pool;
			mm->n[vid] = (uint8_t)mine.n;
			mm->n_pool += mine.n;
			mm->state[vid] = AZ_REF_DONE;
		}
	}
	for (i = 0; ok && i < mine.n; i++)
		ok = az_ref_add(out, mine.v[i].obj, (int64_t)mine.v[i].off + add);
	return ok;
}

static void
az_first_lo(void *arg, uint64_t lo, uint64_t hi)
{
	uint64_t *first = arg;

	(void)hi;
	if (*first == AZ_OFF_ANY)
		*first = lo;
}

/* Folded offset of byte @p off of object @p o (AZ_OFF_ANY if outside). */
uint64_t
az_mr_norm(const struct az_modref *mr, az_obj_t o, uint64_t off)
{
	struct az_access a = { o, off, 1 };
	uint64_t first = AZ_OFF_ANY;

	az_modref_fold(mr, &a, az_first_lo, &first);
	return first;
}

/*
 * The pointer analysis collapses an object reached with an unknown
 * offset (a key walked through by a hash loop), after which every access
 * to it is "anywhere". Where a pointer is exact, its exact offsets are
 * taken back; the unknown-offset accesses stay ANY and still overlap
 * every field. The refinement must stay within what the pointer analysis
 * allows, or it is not used.
 */
bool
az_mr_exact(const struct az_modref *mr, LLVMValueRef ptr,
	      const struct az_locset *pts, struct az_reflist *ref)
{
	size_t i;

	for (i = 0; i < pts->n; i++)
		if (pts->v[i].off == AZ_OFF_ANY &&
		    az_pta_obj(mr->pta, pts->v[i].obj)->collapsed)
			break;
	if (i == pts->n || !az_mr_refine(mr, ptr, 0, ref, 0))
		return false;
	for (i = 0; i < ref->n; i++)
		if (!az_locset_has_obj(pts, ref->v[i].obj))
			return false;
	return true;
}
