/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Object layouts: offsets normalized by the object's type (arrays folded
 * to their first element, so that a variable index stays field-precise),
 * whether a variable index of a given stride stays inside such an array,
 * and the types of heap objects allocated untyped, found from the casts
 * of pointers to them.
 */

#include <stdlib.h>

#include "az_pta_impl.h"

/* Offsets into objects of unknown type and size beyond this are taken
 * as a sign of arithmetic the analysis cannot follow. */
#define AZ_RAW_OFF_MAX		(1ull << 20)
#define AZ_TYPE_DEPTH_MAX	64

/* Walks type @p ty to byte @p off, folding arrays to their first
 * element; AZ_OFF_ANY when @p off is past the end. */
static uint64_t
az_norm_type(struct az_pta *p, LLVMTypeRef ty, uint64_t off)
{
	uint64_t base = 0, size, es;
	unsigned int depth, idx;

	for (depth = 0; depth < AZ_TYPE_DEPTH_MAX; depth++) {
		if (!LLVMTypeIsSized(ty))
			break;
		size = LLVMABISizeOfType(p->td, ty);
		if (off >= size && size != 0)
			return AZ_OFF_ANY;
		switch (LLVMGetTypeKind(ty)) {
		case LLVMStructTypeKind:
			if (LLVMCountStructElementTypes(ty) == 0)
				return base + off;
			idx = LLVMElementAtOffset(p->td, ty, off);
			es = LLVMOffsetOfElement(p->td, ty, idx);
			base += es;
			off -= es;
			ty = LLVMStructGetTypeAtIndex(ty, idx);
			break;
		case LLVMArrayTypeKind:
		case LLVMVectorTypeKind:
			ty = LLVMGetElementType(ty);
			es = LLVMTypeIsSized(ty) ? LLVMABISizeOfType(p->td, ty)
						 : 0;
			if (es == 0)
				return base + off;
			off %= es;
			break;
		default:
			return base + off;
		}
	}
	return base + off;
}

bool
az_pta_flat(const struct az_pta *p, az_obj_t oid)
{
	const struct az_obj_info *in = &p->objs[oid].info;

	return in->type == NULL || in->size == 0 || p->objs[oid].raw;
}

uint64_t
az_pta_norm(struct az_pta *p, az_obj_t oid, uint64_t off)
{
	const struct az_obj_info *in = &p->objs[oid].info;
	uint64_t key, hit, res;

	if (in->collapsed || off == AZ_OFF_ANY)
		return AZ_OFF_ANY;
	if (az_pta_flat(p, oid)) {
		if (in->size != 0)
			return off < in->size ? off : AZ_OFF_ANY;
		return off < AZ_RAW_OFF_MAX ? off : AZ_OFF_ANY;
	}
	if (in->is_array)
		off %= in->size;
	/* Cached per type: normalizing walks LLVM's struct layouts, and the
	 * same few (type, offset) pairs come back all the time. Stored
	 * plus one so that AZ_OFF_ANY does not read as "absent". */
	key = (uint64_t)(uintptr_t)in->type;
	hit = az_pairmap_get(&p->norm_cache, key, off);
	if (hit != AZ_PAIRMAP_NONE)
		return hit - 1;
	res = az_norm_type(p, in->type, off);
	if (az_pairmap_put(&p->norm_cache, key, off, res + 1) < 0)
		az_pta_nomem(p);
	return res;
}

/* Is there an array with elements of @p stride bytes around byte @p off
 * of type @p ty (the variable index then stays within folded
 * elements)? */
static bool
az_folds_type(struct az_pta *p, LLVMTypeRef ty, uint64_t off,
	      uint64_t stride)
{
	uint64_t es;
	unsigned int depth, idx;

	for (depth = 0; depth < AZ_TYPE_DEPTH_MAX && LLVMTypeIsSized(ty);
	     depth++) {
		switch (LLVMGetTypeKind(ty)) {
		case LLVMStructTypeKind:
			if (LLVMCountStructElementTypes(ty) == 0)
				return false;
			idx = LLVMElementAtOffset(p->td, ty, off);
			off -= LLVMOffsetOfElement(p->td, ty, idx);
			ty = LLVMStructGetTypeAtIndex(ty, idx);
			break;
		case LLVMArrayTypeKind:
		case LLVMVectorTypeKind:
			ty = LLVMGetElementType(ty);
			es = LLVMTypeIsSized(ty) ? LLVMABISizeOfType(p->td, ty)
						 : 0;
			if (es == stride)
				return true;
			if (es == 0)
				return false;
			off %= es;
			break;
		default:
			return false;
		}
	}
	return false;
}

bool
az_pta_folds(struct az_pta *p, az_obj_t oid, uint64_t off, uint64_t stride)
{
	const struct az_obj_info *in = &p->objs[oid].info;

	if (in->collapsed)
		return true;
	if (stride == AZ_STRIDE_ANY || in->type == NULL || in->size == 0 ||
	    p->objs[oid].raw)
		return false;
	if (in->is_array && in->size == stride)
		return true;
	return az_folds_type(p, in->type, off, stride);
}

/*
 * Heap objects allocated untyped (the sa_table model's keys and values,
 * memory from allocation wrappers) are typed by the one struct type their
 * start is cast to. Known before solving, the type makes them arrays of
 * that struct, so variable indices into their arrays stay field-precise;
 * so a run that finds such types solves again with them (hints, keyed by
 * allocation site and part). Objects cast to several struct types stay
 * untyped.
 */
struct az_infer {
	LLVMTypeRef *cand;
	bool *conflict;
};

static void
az_infer_inst(struct az_pta *p, LLVMValueRef in, struct az_locset *s,
	      struct az_infer *inf)
{
	LLVMTypeRef to = LLVMTypeOf(in), el;
	const struct az_obj_info *o;
	size_t i;

	if (LLVMGetTypeKind(to) != LLVMPointerTypeKind)
		return;
	el = LLVMGetElementType(to);
	if (LLVMGetTypeKind(el) != LLVMStructTypeKind || !LLVMTypeIsSized(el) ||
	    az_pta_points_to(p, LLVMGetOperand(in, 0), s) < 0)
		return;
	for (i = 0; i < s->n; i++) {
		o = &p->objs[s->v[i].obj].info;
		/* The start of the object, or anywhere in it once it has
		 * collapsed for want of this very type. */
		if (o->kind != AZ_OBJ_HEAP || o->type != NULL ||
		    (s->v[i].off != 0 && !o->collapsed))
			continue;
		if (inf->cand[s->v[i].obj] == NULL)
			inf->cand[s->v[i].obj] = el;
		else if (inf->cand[s->v[i].obj] != el)
			inf->conflict[s->v[i].obj] = true;
	}
}

static const void *
az_hint_key(const struct az_obj_info *in)
{
	return (const char *)in->site + in->part;
}

/* Types untyped heap objects; with @p hints, also records the types
 * there. Returns how many objects got a type. */
size_t
az_pta_infer_types(struct az_pta *p, struct az_ptrvec *hints,
		   struct az_ptrmap *hint_of)
{
	struct az_infer inf = { calloc(p->n_objs, sizeof(*inf.cand)),
				calloc(p->n_objs, sizeof(*inf.conflict)) };
	struct az_locset s = { 0 };
	LLVMBasicBlockRef bb;
	LLVMValueRef fn, in;
	size_t o, n = 0;

	for (fn = LLVMGetFirstFunction(p->mod);
	     fn && inf.cand && inf.conflict; fn = LLVMGetNextFunction(fn))
		for (bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (in = LLVMGetFirstInstruction(bb); in;
			     in = LLVMGetNextInstruction(in))
				if (LLVMIsABitCastInst(in))
					az_infer_inst(p, in, &s, &inf);
	for (o = 0; inf.cand && inf.conflict && o < p->n_objs; o++) {
		if (inf.cand[o] == NULL || inf.conflict[o])
			continue;
		p->objs[o].info.type = inf.cand[o];
		p->objs[o].info.is_array = true;
		p->objs[o].raw = true;
		n++;
		if (hints != NULL && az_ptrvec_push(hints, inf.cand[o]) == 0)
			az_ptrmap_put(hint_of, az_hint_key(&p->objs[o].info),
				      (uint32_t)(hints->n - 1));
	}
	az_locset_fini(&s);
	free(inf.cand);
	free(inf.conflict);
	return n;
}

void
az_pta_hint_type(struct az_pta *p, az_obj_t o)
{
	struct az_obj_info *in = &p->objs[o].info;
	uint32_t i;

	if (p->hint_of == NULL || in->type != NULL ||
	    (i = az_ptrmap_get(p->hint_of, az_hint_key(in))) == AZ_PTRMAP_NONE)
		return;
	in->type = p->hints->v[i];
	in->size = LLVMABISizeOfType(p->td, in->type);
	in->is_array = true;
}

