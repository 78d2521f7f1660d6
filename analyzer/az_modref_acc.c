/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What one instruction may read and write, folding of accesses into
 * locations, the index's queries, and the "updateable" marking on top.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_modref_impl.h"

#define AZ_REASON_MAX	512
/* Deeper type nesting is a cycle or absurd; fold the rest as one. */
#define AZ_FOLD_DEPTH_MAX	64
#define AZ_SET_HASH_SEED	UINT64_C(0x9e3779b97f4a7c15)
#define AZ_SET_HASH_MUL		UINT64_C(0xff51afd7ed558ccd)

/* --- accesses of one instruction ---------------------------------------- */

/* Starts the group of one pointer's accesses in one role. */
static int
az_sink_begin(struct az_acc_sink *s, bool wr)
{
	if (az_grow((void **)&s->g, &s->cap_g, s->ng + 1, sizeof(*s->g)) != 0)
		return -ENOMEM;
	s->g[s->ng].first = (uint32_t)s->n;
	s->g[s->ng].n = 0;
	s->g[s->ng].wr = wr;
	s->ng++;
	return 0;
}

static int
az_sink_push(struct az_acc_sink *s, az_obj_t o, uint64_t off, uint64_t len)
{
	if (az_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) != 0)
		return -ENOMEM;
	s->v[s->n].obj = o;
	s->v[s->n].off = off;
	s->v[s->n].len = len;
	s->n++;
	s->g[s->ng - 1].n++;
	return 0;
}

void
az_sink_fini(struct az_acc_sink *s)
{
	free(s->v);
	free(s->g);
	memset(s, 0, sizeof(*s));
}

/* Accesses of @p len bytes at every location pointer @p ptr may hold. */
static int
az_sink_ptr(const struct az_modref *mr, struct az_acc_sink *s, bool wr,
	    LLVMValueRef ptr, uint64_t len, struct az_locset *pts)
{
	struct az_reflist ref = { .n = 0 };
	bool refined, done;
	size_t i, j;

	if (az_pta_points_to(mr->pta, ptr, pts) == -ENOMEM ||
	    az_sink_begin(s, wr) != 0)
		return -ENOMEM;
	refined = az_mr_exact(mr, ptr, pts, &ref);
	for (i = 0; i < pts->n; i++) {
		done = false;
		for (j = 0; refined && pts->v[i].off == AZ_OFF_ANY &&
			    j < ref.n; j++) {
			if (ref.v[j].obj != pts->v[i].obj)
				continue;
			if (az_sink_push(s, ref.v[j].obj, az_mr_norm(mr,
					 ref.v[j].obj, ref.v[j].off), len) != 0)
				return -ENOMEM;
			done = true;
		}
		if (!done && az_sink_push(s, pts->v[i].obj, pts->v[i].off,
					  len) != 0)
			return -ENOMEM;
	}
	return 0;
}

int
az_modref_ptr_locs(const struct az_modref *mr, LLVMValueRef ptr, uint64_t len,
		   bool wr, struct az_u32vec *out)
{
	struct az_acc_sink s;
	struct az_locset pts;
	int rc;

	memset(&s, 0, sizeof(s));
	az_locset_init(&pts);
	rc = az_sink_ptr(mr, &s, wr, ptr, len, &pts);
	if (rc == 0)
		rc = az_mr_resolve(mr, s.v, s.n, wr, out);
	az_sink_fini(&s);
	az_locset_fini(&pts);
	return rc;
}

static uint64_t
az_const_len(LLVMValueRef v)
{
	if (v != NULL && LLVMIsAConstantInt(v) != NULL)
		return LLVMConstIntGetZExtValue(v);
	return AZ_LOC_UNKNOWN_LEN;
}

static uint64_t
az_type_size(const struct az_modref *mr, LLVMTypeRef ty)
{
	if (ty == NULL || !LLVMTypeIsSized(ty))
		return AZ_LOC_UNKNOWN_LEN;
	return LLVMStoreSizeOfType(mr->td, ty);
}

static LLVMValueRef
az_call_arg(LLVMValueRef call, int i)
{
	if (i < 0 || (unsigned int)i >= LLVMGetNumArgOperands(call))
		return NULL;
	return LLVMGetOperand(call, (unsigned int)i);
}

/* Bytes an effect covers at its main argument. */
static uint64_t
az_effect_len(const struct az_modref *mr, LLVMValueRef call,
	      const struct az_effect *e, LLVMValueRef ptr)
{
	uint64_t a, b;

	switch (e->len) {
	case AZ_LEN_ARG:
		return az_const_len(az_call_arg(call, e->len_arg));
	case AZ_LEN_ARG_MUL:
		a = az_const_len(az_call_arg(call, e->len_arg));
		b = az_const_len(az_call_arg(call, e->len_arg2));
		if (a == AZ_LOC_UNKNOWN_LEN || b == AZ_LOC_UNKNOWN_LEN ||
		    (b != 0 && a > UINT32_MAX / b))
			return AZ_LOC_UNKNOWN_LEN;
		return a * b;
	case AZ_LEN_CONST:
		return e->len_arg < 0 ? AZ_LOC_UNKNOWN_LEN :
					(uint64_t)e->len_arg;
	case AZ_LEN_DEREF:
		if (LLVMGetTypeKind(LLVMTypeOf(ptr)) != LLVMPointerTypeKind)
			return AZ_LOC_UNKNOWN_LEN;
		return az_type_size(mr, LLVMGetElementType(LLVMTypeOf(ptr)));
	default:
		return AZ_LOC_UNKNOWN_LEN;
	}
}

/* The keys or values (@p part) of every table @p tbl may point to. */
static int
az_sink_parts(const struct az_modref *mr, struct az_acc_sink *s, bool wr,
	      LLVMValueRef tbl, enum az_heap_part part, struct az_locset *pts)
{
	size_t i, k;

	if (tbl == NULL)
		return 0;
	if (az_pta_points_to(mr->pta, tbl, pts) == -ENOMEM ||
	    az_sink_begin(s, wr) != 0)
		return -ENOMEM;
	for (i = 0; i < pts->n; i++)
		for (k = 0; k < mr->part_tbl.n; k++)
			if (mr->part_tbl.v[k] == pts->v[i].obj &&
			    az_pta_obj(mr->pta, mr->part_obj.v[k])->part == part &&
			    az_sink_push(s, mr->part_obj.v[k], AZ_OFF_ANY,
					 AZ_LOC_UNKNOWN_LEN) != 0)
				return -ENOMEM;
	return 0;
}

static int
az_effect_at(const struct az_modref *mr, LLVMValueRef call,
	     const struct az_effect *e, LLVMValueRef ptr, struct az_acc_sink *s,
	     struct az_locset *pts)
{
	uint64_t len = az_effect_len(mr, call, e, ptr);
	uint64_t psize = LLVMPointerSize(mr->td);
	size_t i;

	switch (e->kind) {
	case AZ_EFF_READ:
	case AZ_EFF_KEY:
		return az_sink_ptr(mr, s, false, ptr, len, pts);
	case AZ_EFF_WRITE:
		if (az_sink_ptr(mr, s, true, ptr, len, pts) != 0)
			return -ENOMEM;
		/* A receive buffer: what recv() puts there is packet bytes. */
		for (i = 0; (e->flags & AZ_EFF_F_PACKET) && i < pts->n; i++)
			mr->obj_pkt[pts->v[i].obj] = 1;
		return 0;
	case AZ_EFF_COPY:
		if (az_sink_ptr(mr, s, true, ptr, len, pts) != 0)
			return -ENOMEM;
		if (az_call_arg(call, e->arg2) == NULL)
			return 0;
		return az_sink_ptr(mr, s, false, az_call_arg(call, e->arg2),
				   len, pts);
	case AZ_EFF_OUT_ALLOC:
	case AZ_EFF_OUT_STATIC:
	case AZ_EFF_OUT_PACKET:
	case AZ_EFF_OUT_TABLE:
	case AZ_EFF_OUT_INSIDE:
	case AZ_EFF_OUT_KEPT:
	case AZ_EFF_OUT_PKTDESC:
		return az_sink_ptr(mr, s, true, ptr, psize, pts);
	case AZ_EFF_READ_TKEY:
	case AZ_EFF_WRITE_TKEY:
		return az_sink_parts(mr, s, e->kind == AZ_EFF_WRITE_TKEY, ptr,
				     AZ_HEAP_TABLE_KEYS, pts);
	case AZ_EFF_READ_TVAL:
	case AZ_EFF_WRITE_TVAL:
		return az_sink_parts(mr, s, e->kind == AZ_EFF_WRITE_TVAL, ptr,
				     AZ_HEAP_TABLE_VALUES, pts);
	case AZ_EFF_OUT_TVAL:
	case AZ_EFF_OUT_TKEY:
		/* The pointer goes to *arg2; arg is the table. */
		if (az_call_arg(call, e->arg2) == NULL)
			return 0;
		return az_sink_ptr(mr, s, true, az_call_arg(call, e->arg2),
				   psize, pts);
	default:
		return 0;
	}
}

static int
az_model_access(const struct az_modref *mr, LLVMValueRef call,
		const struct az_model *model, unsigned int nparams,
		struct az_acc_sink *s, struct az_locset *pts)
{
	unsigned int e, i, nargs = LLVMGetNumArgOperands(call);

	for (e = 0; e < model->n_eff; e++) {
		const struct az_effect *eff = &model->eff[e];

		if (eff->arg != AZ_ARG_VARARGS) {
			if (az_call_arg(call, eff->arg) != NULL &&
			    az_effect_at(mr, call, eff,
					 az_call_arg(call, eff->arg), s,
					 pts) != 0)
				return -ENOMEM;
			continue;
		}
		for (i = nparams; i < nargs; i++)
			if (az_effect_at(mr, call, eff, LLVMGetOperand(call, i),
					 s, pts) != 0)
				return -ENOMEM;
	}
	return 0;
}

/* Intrinsics that touch memory: the mem* family and va_list handling;
 * all others (debug info, lifetime, arithmetic) touch none. */
static int
az_intrinsic_access(const struct az_modref *mr, LLVMValueRef call,
		    const char *name, struct az_acc_sink *s,
		    struct az_locset *pts)
{
	uint64_t len = az_const_len(az_call_arg(call, 2));

	if (strncmp(name, "llvm.memcpy", 11) == 0 ||
	    strncmp(name, "llvm.memmove", 12) == 0) {
		if (az_sink_ptr(mr, s, true, az_call_arg(call, 0), len,
				pts) != 0)
			return -ENOMEM;
		return az_sink_ptr(mr, s, false, az_call_arg(call, 1), len,
				   pts);
	}
	if (strncmp(name, "llvm.memset", 11) == 0)
		return az_sink_ptr(mr, s, true, az_call_arg(call, 0), len,
				   pts);
	if (strncmp(name, "llvm.va_", 8) != 0)
		return 0;
	if (az_sink_ptr(mr, s, true, az_call_arg(call, 0), AZ_LOC_UNKNOWN_LEN,
			pts) != 0)
		return -ENOMEM;
	if (strcmp(name, "llvm.va_copy") != 0)
		return 0;
	return az_sink_ptr(mr, s, false, az_call_arg(call, 1),
			   AZ_LOC_UNKNOWN_LEN, pts);
}

static int
az_call_access(const struct az_modref *mr, LLVMValueRef call,
	       struct az_acc_sink *s, struct az_locset *pts)
{
	LLVMValueRef callee = LLVMGetCalledValue(call);
	const struct az_model *model;
	const LLVMValueRef *fns;
	bool unresolved = false;
	unsigned int nparams;
	size_t i, n;

	if (LLVMIsAFunction(callee) != NULL && LLVMGetIntrinsicID(callee) != 0)
		return az_intrinsic_access(mr, call,
					   az_module_fn_name(callee), s, pts);
	nparams = LLVMCountParamTypes(LLVMGetCalledFunctionType(call));
	n = az_pta_callees(mr->pta, call, &fns, &unresolved);
	for (i = 0; i < n; i++) {
		model = az_model_lookup(az_module_fn_name(fns[i]));
		if (model != NULL && (LLVMIsDeclaration(fns[i]) ||
				      (model->flags & AZ_MODEL_OVERRIDE))) {
			if (az_model_access(mr, call, model, nparams, s,
					    pts) != 0)
				return -ENOMEM;
		} else if (LLVMIsDeclaration(fns[i]) &&
			   LLVMGetIntrinsicID(fns[i]) == 0) {
			s->wild = true;
		}
	}
	if (unresolved || n == 0)
		s->wild = true;
	return 0;
}

int
az_mr_inst_access(const struct az_modref *mr, LLVMValueRef inst,
		  struct az_acc_sink *s, struct az_locset *pts)
{
	LLVMValueRef ptr;
	uint64_t len;

	switch (LLVMGetInstructionOpcode(inst)) {
	case LLVMLoad:
		return az_sink_ptr(mr, s, false, LLVMGetOperand(inst, 0),
				   az_type_size(mr, LLVMTypeOf(inst)), pts);
	case LLVMStore:
		return az_sink_ptr(mr, s, true, LLVMGetOperand(inst, 1),
				   az_type_size(mr, LLVMTypeOf(
					LLVMGetOperand(inst, 0))), pts);
	case LLVMAtomicRMW:
	case LLVMAtomicCmpXchg:
		ptr = LLVMGetOperand(inst, 0);
		len = az_type_size(mr, LLVMTypeOf(LLVMGetOperand(inst, 1)));
		if (az_sink_ptr(mr, s, false, ptr, len, pts) != 0)
			return -ENOMEM;
		return az_sink_ptr(mr, s, true, ptr, len, pts);
	case LLVMVAArg:
		ptr = LLVMGetOperand(inst, 0);
		if (az_sink_ptr(mr, s, false, ptr, AZ_LOC_UNKNOWN_LEN, pts))
			return -ENOMEM;
		return az_sink_ptr(mr, s, true, ptr, AZ_LOC_UNKNOWN_LEN, pts);
	case LLVMCall:
	case LLVMInvoke:
		return az_call_access(mr, inst, s, pts);
	default:
		return 0;
	}
}

/* --- access sets ---------------------------------------------------------- */

static int
az_access_cmp(const void *a, const void *b)
{
	const struct az_access *x = a, *y = b;

	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* A multiplicative hash over the accesses' words, mixed at the end. */
static uint32_t
az_set_hash(const struct az_access *a, size_t n)
{
	uint64_t h = AZ_SET_HASH_SEED ^ n;
	size_t i;

	for (i = 0; i < n; i++) {
		h = (h ^ a[i].obj) * AZ_SET_HASH_MUL;
		h = (h ^ a[i].off) * AZ_SET_HASH_MUL;
		h = (h ^ a[i].len) * AZ_SET_HASH_MUL;
	}
	h ^= h >> 32;
	return (uint32_t)h;
}

static int
az_set_tab_grow(struct az_modref *mr)
{
	size_t cap = mr->set_tab_cap ? mr->set_tab_cap * 2 : 1024, i, j;
	uint32_t *tab = malloc(cap * sizeof(*tab));

	if (tab == NULL)
		return -ENOMEM;
	memset(tab, 0xff, cap * sizeof(*tab));
	for (i = 0; i < mr->n_sets; i++) {
		for (j = mr->sets[i].hash & (cap - 1); tab[j] != UINT32_MAX;
		     j = (j + 1) & (cap - 1))
			;
		tab[j] = (uint32_t)i;
	}
	free(mr->set_tab);
	mr->set_tab = tab;
	mr->set_tab_cap = cap;
	return 0;
}

/* The id of the set of accesses @p a (sorted and made unique here). */
static int
az_mr_intern(struct az_modref *mr, struct az_access *a, size_t n,
	     uint32_t *id)
{
	struct az_aset *set;
	size_t i, k = 0, j;
	uint32_t h;

	/* The pointer analysis hands sets out sorted; refined ones may not
	 * be. */
	for (i = 1; i < n && az_access_cmp(&a[i - 1], &a[i]) < 0; i++)
		;
	if (i < n)
		qsort(a, n, sizeof(*a), az_access_cmp);
	for (i = 0; i < n; i++)
		if (k == 0 || az_access_cmp(&a[k - 1], &a[i]) != 0)
			a[k++] = a[i];
	h = az_set_hash(a, k);
	if ((mr->n_sets + 1) * 2 > mr->set_tab_cap && az_set_tab_grow(mr))
		return -ENOMEM;
	for (j = h & (mr->set_tab_cap - 1); mr->set_tab[j] != UINT32_MAX;
	     j = (j + 1) & (mr->set_tab_cap - 1)) {
		set = &mr->sets[mr->set_tab[j]];
		if (set->hash == h && set->n_raw == k &&
		    memcmp(mr->raw + set->raw, a, k * sizeof(*a)) == 0) {
			*id = mr->set_tab[j];
			return 0;
		}
	}
	if (az_grow((void **)&mr->sets, &mr->cap_sets, mr->n_sets + 1,
		    sizeof(*mr->sets)) != 0 ||
	    az_grow((void **)&mr->raw, &mr->cap_raw, mr->n_raw + k + 1,
		    sizeof(*mr->raw)) != 0)
		return -ENOMEM;
	set = &mr->sets[mr->n_sets];
	memset(set, 0, sizeof(*set));
	set->raw = (uint32_t)mr->n_raw;
	set->n_raw = (uint32_t)k;
	set->hash = h;
	memcpy(mr->raw + mr->n_raw, a, k * sizeof(*a));
	mr->n_raw += k;
	mr->set_tab[j] = (uint32_t)mr->n_sets;
	*id = (uint32_t)mr->n_sets++;
	return 0;
}

int
az_mr_store_rec(struct az_modref *mr, uint32_t vid, struct az_acc_sink *s)
{
	struct az_acc_rec *r;
	uint32_t first = (uint32_t)mr->n_uses, id;
	size_t g;

	for (g = 0; g < s->ng; g++) {
		if (s->g[g].n == 0)
			continue;
		if (az_mr_intern(mr, s->v + s->g[g].first, s->g[g].n, &id) ||
		    az_grow((void **)&mr->uses, &mr->cap_uses, mr->n_uses + 1,
			    sizeof(*mr->uses)) != 0)
			return -ENOMEM;
		mr->uses[mr->n_uses].set = id;
		mr->uses[mr->n_uses].wr = s->g[g].wr;
		mr->n_uses++;
		if (s->g[g].wr)
			mr->sets[id].used_w = true;
		else
			mr->sets[id].used_r = true;
	}
	if (mr->n_uses == first && !s->wild)
		return 0;
	if (az_grow((void **)&mr->accs, &mr->cap_accs, mr->n_accs + 1,
		    sizeof(*mr->accs)) != 0)
		return -ENOMEM;
	r = &mr->accs[mr->n_accs];
	r->vid = vid;
	r->use = first;
	r->n_use = (uint32_t)mr->n_uses - first;
	r->wild = s->wild;
	if (s->wild && az_u32vec_push(&mr->wild, vid) != 0)
		return -ENOMEM;
	mr->acc_of[vid] = (uint32_t)mr->n_accs++;
	return 0;
}

/* --- folding ---------------------------------------------------------------- */

/* Adjacent intervals are merged before they reach the callback. */
struct az_fold {
	const struct az_modref *mr;
	az_fold_cb cb;
	void *arg;
	uint64_t lo, hi;
	bool have;
};

static void
az_fold_emit(struct az_fold *f, uint64_t lo, uint64_t hi)
{
	if (f->have && lo <= f->hi) {
		if (hi > f->hi)
			f->hi = hi;
		return;
	}
	if (f->have)
		f->cb(f->arg, f->lo, f->hi);
	f->lo = lo;
	f->hi = hi;
	f->have = true;
}

/* Bytes [a, b) of type @p ty placed at @p base, arrays folded the way the
 * pointer analysis folds them: a range inside one element maps into the
 * first, a range crossing elements covers the whole first element. */
static void
az_fold_type(struct az_fold *f, LLVMTypeRef ty, uint64_t base, uint64_t a,
	     uint64_t b, unsigned int depth)
{
	LLVMTargetDataRef td = f->mr->td;
	uint64_t es, eo, lo, hi;
	LLVMTypeRef et;
	unsigned int i, n;

	if (a >= b)
		return;
	switch (depth < AZ_FOLD_DEPTH_MAX ? LLVMGetTypeKind(ty) :
					    LLVMVoidTypeKind) {
	case LLVMArrayTypeKind:
	case LLVMVectorTypeKind:
		et = LLVMGetElementType(ty);
		es = LLVMTypeIsSized(et) ? LLVMABISizeOfType(td, et) : 0;
		if (es == 0)
			break;
		if (b - a >= es || a / es != (b - 1) / es)
			az_fold_type(f, et, base, 0, es, depth + 1);
		else
			az_fold_type(f, et, base, a % es, a % es + (b - a),
				     depth + 1);
		return;
	case LLVMStructTypeKind:
		n = LLVMCountStructElementTypes(ty);
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			et = LLVMStructGetTypeAtIndex(ty, i);
			eo = LLVMOffsetOfElement(td, ty, i);
			es = LLVMTypeIsSized(et) ? LLVMABISizeOfType(td, et) : 0;
			lo = a > eo ? a : eo;
			hi = b < eo + es ? b : eo + es;
			if (lo < hi)
				az_fold_type(f, et, base + eo, lo - eo, hi - eo,
					     depth + 1);
		}
		return;
	default:
		break;
	}
	az_fold_emit(f, base + a, base + b);
}

void
az_modref_fold(const struct az_modref *mr, const struct az_access *a,
	       az_fold_cb cb, void *arg)
{
	const struct az_obj_info *in = az_pta_obj(mr->pta, a->obj);
	struct az_fold f = { mr, cb, arg, 0, 0, false };
	uint64_t es, end;

	if (a->off == AZ_OFF_ANY) {
		cb(arg, AZ_OFF_ANY, AZ_OFF_ANY);
		return;
	}
	end = a->len >= AZ_OFF_ANY - a->off ? AZ_OFF_ANY - 1 : a->off + a->len;
	if (in->type == NULL || !LLVMTypeIsSized(in->type) ||
	    (es = LLVMABISizeOfType(mr->td, in->type)) == 0) {
		cb(arg, a->off, end);
		return;
	}
	/* Past the end of a lone object, or across elements of an array
	 * object: the whole (first) element. */
	if (end > es)
		az_fold_type(&f, in->type, 0, in->is_array ? 0 : a->off, es, 0);
	else
		az_fold_type(&f, in->type, 0, a->off, end, 0);
	if (f.have)
		cb(arg, f.lo, f.hi);
}

/* --- updateable ------------------------------------------------------------ */

struct az_mark {
	struct az_result *r;
	struct az_robj *ro;
	const char *reason;
};

static void
az_mark_cb(void *arg, uint64_t lo, uint64_t hi)
{
	struct az_mark *mk = arg;

	az_result_mark(mk->r, mk->ro, AZ_FLAG_UPDATEABLE, lo, hi, mk->reason);
}

/* "written by f (file:line)", or "... by memcpy in f" for a call. */
static const char *
az_write_reason(const struct az_modref *mr, struct az_result *r,
		LLVMValueRef inst, char *buf, size_t size)
{
	LLVMValueRef fn = LLVMGetBasicBlockParent(
		LLVMGetInstructionParent(inst));
	LLVMValueRef callee = NULL;
	char loc[AZ_REASON_MAX / 4];

	if (LLVMIsACallInst(inst) != NULL || LLVMIsAInvokeInst(inst) != NULL)
		callee = LLVMGetCalledValue(inst);
	az_module_loc_str(mr->m, inst, false, loc, sizeof(loc));
	if (callee != NULL && LLVMIsAFunction(callee) != NULL)
		snprintf(buf, size, "written by %s in %s (%s)",
			 az_fn_label(r, callee), az_fn_label(r, fn), loc);
	else if (callee != NULL)
		snprintf(buf, size, "written by an indirect call in %s (%s)",
			 az_fn_label(r, fn), loc);
	else
		snprintf(buf, size, "written by %s (%s)", az_fn_label(r, fn),
			 loc);
	return buf;
}

/* What az_modref_mark() knows of an access set. */
#define AZ_SET_UNSEEN		0
#define AZ_SET_PRIVATE		1	/* marked, touches no persistent object */
#define AZ_SET_PERSISTENT	2

/* Marks what one store-like instruction may write; true if it may write
 * persistent state at all. */
static bool
az_mark_rec(struct az_modref *mr, struct az_result *r,
	    const struct az_acc_rec *rec, uint8_t *done, char *reason,
	    size_t size)
{
	struct az_mark mk = { r, NULL, NULL };
	const struct az_use *u = mr->uses + rec->use;
	const struct az_access *a;
	bool persistent = false;
	size_t k, i, n;

	for (k = 0; k < rec->n_use; k++, u++) {
		if (!u->wr)
			continue;
		/* A set is marked once, with the reason of its first writer:
		 * its other writers write the same fields. */
		persistent |= done[u->set] == AZ_SET_PERSISTENT;
		if (done[u->set] != AZ_SET_UNSEEN)
			continue;
		done[u->set] = AZ_SET_PRIVATE;
		n = az_modref_set_raw(mr, u->set, &a);
		for (i = 0; i < n; i++) {
			mk.ro = az_result_obj(r, a[i].obj);
			if (mk.ro == NULL)
				continue;
			if (mk.reason == NULL)
				mk.reason = az_write_reason(mr, r,
					mr->vals[rec->vid], reason, size);
			done[u->set] = AZ_SET_PERSISTENT;
			persistent = true;
			az_modref_fold(mr, &a[i], az_mark_cb, &mk);
		}
	}
	for (i = 0; rec->wild && i < r->n_objs; i++) {
		if (!az_pta_obj(mr->pta, r->objs[i].obj)->escaped)
			continue;
		if (mk.reason == NULL)
			mk.reason = az_write_reason(mr, r, mr->vals[rec->vid],
						    reason, size);
		az_result_mark(r, &r->objs[i], AZ_FLAG_UPDATEABLE, AZ_OFF_ANY,
			       AZ_OFF_ANY, mk.reason);
		persistent = true;
	}
	return persistent;
}

int
az_modref_mark(struct az_modref *mr, struct az_result *r)
{
	char reason[AZ_REASON_MAX];
	const struct az_acc_rec *rec;
	uint8_t *done;
	size_t a, k;
	bool writes;

	done = calloc(mr->n_sets + 1, 1);
	if (done == NULL)
		return -ENOMEM;
	r->sum.stores_total = 0;
	r->sum.stores_to_persistent = 0;
	for (a = 0; a < mr->n_accs; a++) {
		rec = &mr->accs[a];
		for (k = 0, writes = rec->wild; k < rec->n_use && !writes; k++)
			writes = mr->uses[rec->use + k].wr;
		if (!writes)
			continue;
		r->sum.stores_total++;
		r->sum.stores_to_persistent += az_mark_rec(mr, r, rec, done,
							   reason,
							   sizeof(reason));
	}
	free(done);
	return 0;
}

struct az_tgt {
	const struct az_result *r;
	const struct az_robj *ro;
	az_target_cb cb;
	void *arg;
	int rc;
};

static void
az_tgt_fold(void *arg, uint64_t lo, uint64_t hi)
{
	struct az_tgt *t = arg;

	if (t->rc == 0)
		t->rc = t->cb(t->arg, t->ro, lo, hi);
}

int
az_modref_targets(const struct az_modref *mr, const struct az_result *r,
		  LLVMValueRef inst, az_target_cb cb, void *arg)
{
	struct az_tgt t = { r, NULL, cb, arg, 0 };
	struct az_acc_sink s;
	struct az_locset pts;
	size_t g, i;

	memset(&s, 0, sizeof(s));
	az_locset_init(&pts);
	t.rc = az_mr_inst_access(mr, inst, &s, &pts);
	for (g = 0; g < s.ng && t.rc == 0; g++) {
		for (i = s.g[g].first; s.g[g].wr && t.rc == 0 &&
		     i < s.g[g].first + s.g[g].n; i++) {
			t.ro = az_result_obj(r, s.v[i].obj);
			if (t.ro != NULL)
				az_modref_fold(mr, &s.v[i], az_tgt_fold, &t);
		}
	}
	for (i = 0; s.wild && i < r->n_objs && t.rc == 0; i++) {
		t.ro = &r->objs[i];
		if (az_pta_obj(mr->pta, t.ro->obj)->escaped)
			t.rc = cb(arg, t.ro, AZ_OFF_ANY, AZ_OFF_ANY);
	}
	az_sink_fini(&s);
	az_locset_fini(&pts);
	return t.rc;
}
