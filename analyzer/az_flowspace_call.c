/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flowspace through calls and copies: parameters and returns, library
 * code, the sa_table model, memcpy byte for byte, and summaries of pure
 * helper functions.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "az_flowspace_impl.h"

#define AZ_FLAT_DEPTH	64
/* Bit of az_fs.pure[] saying the function is pure; the others are its
 * parameters that reach its result. */
#define AZ_PURE		(UINT64_C(1) << 63)
#define AZ_PURE_PARAMS	63

/* --- pure helpers ---------------------------------------------------------- */

/* The result of a call to a pure function, from the arguments that reach
 * it: per call site, so a byte swap used on the source address in one
 * place and the destination in another keeps them apart. */
static void
az_fs_pure_call(struct az_fs *s, uint32_t vid, LLVMValueRef call,
		uint64_t mask)
{
	unsigned int i, nargs = LLVMGetNumArgOperands(call);
	az_hdrset_t t = 0;

	for (i = 0; i < nargs && i < AZ_PURE_PARAMS; i++)
		if (mask & (UINT64_C(1) << i))
			t |= az_fs_of(s, LLVMGetOperand(call, i));
	az_fs_val(s, vid, t);
}

static bool
az_fs_pure_inst(LLVMValueRef i)
{
	LLVMValueRef callee;
	const char *name;

	switch (LLVMGetInstructionOpcode(i)) {
	case LLVMLoad: case LLVMStore: case LLVMAlloca: case LLVMGetElementPtr:
	case LLVMAtomicRMW: case LLVMAtomicCmpXchg: case LLVMVAArg:
	case LLVMInvoke: case LLVMIntToPtr: case LLVMPtrToInt:
	case LLVMIndirectBr: case LLVMFence:
		return false;
	case LLVMCall:
		callee = LLVMGetCalledValue(i);
		if (LLVMIsAFunction(callee) == NULL ||
		    LLVMGetIntrinsicID(callee) == 0)
			return false;
		name = az_module_fn_name(callee);
		return strncmp(name, "llvm.mem", 8) != 0 &&
		       strncmp(name, "llvm.va_", 8) != 0;
	default:
		return true;
	}
}

/* Parameters that reach a return of @p fn, through SSA operands. */
static uint64_t
az_fs_pure_mask(struct az_fs *s, uint32_t f, uint8_t *seen)
{
	struct az_u32vec stack = { NULL, 0, 0 }, touched = { NULL, 0, 0 };
	const uint32_t *rets;
	LLVMValueRef v, op;
	uint64_t mask = AZ_PURE;
	unsigned int i, n;
	size_t k, nr;
	uint32_t id;

	nr = az_modref_rets(s->mr, f, &rets);
	for (k = 0; k < nr; k++)
		if (az_u32vec_push(&stack, rets[k]) != 0)
			s->err = -ENOMEM;
	while (stack.n != 0 && s->err == 0) {
		id = stack.v[--stack.n];
		if (seen[id] || az_u32vec_push(&touched, id) != 0)
			continue;
		seen[id] = 1;
		v = az_modref_value(s->mr, id);
		if (LLVMIsAArgument(v) != NULL) {
			i = LLVMCountParams(LLVMGetParamParent(v));
			for (n = 0, op = LLVMGetFirstParam(LLVMGetParamParent(v));
			     op != v && n < i; op = LLVMGetNextParam(op))
				n++;
			mask |= n < AZ_PURE_PARAMS ? UINT64_C(1) << n : 0;
			continue;
		}
		n = (unsigned int)LLVMGetNumOperands(v);
		for (i = 0; i < n; i++) {
			op = LLVMGetOperand(v, i);
			if ((LLVMIsAInstruction(op) != NULL ||
			     LLVMIsAArgument(op) != NULL) &&
			    az_u32vec_push(&stack, az_modref_vid(s->mr, op)) != 0)
				s->err = -ENOMEM;
		}
	}
	for (k = 0; k < touched.n; k++)
		seen[touched.v[k]] = 0;
	az_u32vec_fini(&stack);
	az_u32vec_fini(&touched);
	return mask;
}

void
az_fs_pure(struct az_fs *s)
{
	size_t nf = az_cg_n_funcs(az_modref_cg(s->mr));
	LLVMValueRef fn, i;
	LLVMBasicBlockRef bb;
	uint8_t *seen;
	bool pure;
	uint32_t f;

	seen = calloc(az_modref_n_values(s->mr) + 1, 1);
	if (seen == NULL) {
		s->err = -ENOMEM;
		return;
	}
	for (f = 0; f < nf && s->err == 0; f++) {
		fn = az_cg_func(az_modref_cg(s->mr), f);
		if (LLVMIsDeclaration(fn) || s->skip[f] ||
		    LLVMCountParams(fn) > AZ_PURE_PARAMS)
			continue;
		pure = true;
		for (bb = LLVMGetFirstBasicBlock(fn); bb != NULL && pure;
		     bb = LLVMGetNextBasicBlock(bb))
			for (i = LLVMGetFirstInstruction(bb); i != NULL && pure;
			     i = LLVMGetNextInstruction(i))
				pure = az_fs_pure_inst(i);
		if (pure)
			s->pure[f] = az_fs_pure_mask(s, f, seen);
	}
	free(seen);
}

/* --- copies ------------------------------------------------------------------ */

/* Locations partition an object's bytes: each owns those up to the next
 * one's start, which is where every access that reads it is confined
 * unless it covers the next location too. */
static uint64_t
az_fs_loc_end(struct az_fs *s, az_loc_t k, az_loc_t end)
{
	const struct az_mloc *next;

	if (k + 1 >= end)
		return AZ_OFF_ANY;
	next = az_modref_loc(s->mr, k + 1);
	return next->off;
}

static az_hdrset_t
az_fs_range_taint(struct az_fs *s, az_obj_t o, uint64_t lo, uint64_t hi)
{
	const struct az_mloc *l;
	az_hdrset_t t = 0;
	az_loc_t first, k;
	size_t n;

	if (az_modref_obj_packet(s->mr, o))
		return 0;
	n = az_modref_obj_locs(s->mr, o, &first);
	for (k = first; k < first + n; k++) {
		l = az_modref_loc(s->mr, k);
		if (l->off == AZ_OFF_ANY || (l->off < hi &&
		    az_fs_loc_end(s, k, first + (az_loc_t)n) > lo))
			t |= s->lt[k];
	}
	return t;
}

/* True when bytes [a, b) of @p ty hold no element of an array of
 * aggregates past the first: folding such an element onto the first
 * would shift its fields, while a folded array of scalars keeps one
 * location that owns the whole array. */
static bool
az_fs_flat(struct az_fs *s, LLVMTypeRef ty, uint64_t a, uint64_t b,
	   unsigned int depth)
{
	LLVMTypeKind k = LLVMGetTypeKind(ty);
	uint64_t es, eo, lo, hi;
	unsigned int i, n;
	LLVMTypeRef et;

	if (a >= b || depth > AZ_FLAT_DEPTH)
		return a >= b;
	if (k == LLVMArrayTypeKind || k == LLVMVectorTypeKind) {
		et = LLVMGetElementType(ty);
		es = LLVMTypeIsSized(et) ? LLVMABISizeOfType(s->td, et) : 0;
		k = LLVMGetTypeKind(et);
		if (es == 0 || a / es == (b - 1) / es)
			return es == 0 || az_fs_flat(s, et, a % es,
						     a % es + (b - a), depth + 1);
		return k != LLVMStructTypeKind && k != LLVMArrayTypeKind &&
		       k != LLVMVectorTypeKind;
	}
	if (k != LLVMStructTypeKind)
		return true;
	n = LLVMCountStructElementTypes(ty);
	for (i = 0; i < n; i++) {
		et = LLVMStructGetTypeAtIndex(ty, i);
		eo = LLVMOffsetOfElement(s->td, ty, i);
		es = LLVMTypeIsSized(et) ? LLVMABISizeOfType(s->td, et) : 0;
		lo = a > eo ? a : eo;
		hi = b < eo + es ? b : eo + es;
		if (lo < hi && !az_fs_flat(s, et, lo - eo, hi - eo, depth + 1))
			return false;
	}
	return true;
}

/* True when access @p a can be copied byte k to byte k of another. */
static bool
az_fs_plain(struct az_fs *s, const struct az_access *a)
{
	const struct az_obj_info *in = az_pta_obj(s->pta, a->obj);
	uint64_t es;

	if (a->off == AZ_OFF_ANY || a->len == AZ_LOC_UNKNOWN_LEN)
		return false;
	if (in->type == NULL || !LLVMTypeIsSized(in->type))
		return true;
	es = LLVMABISizeOfType(s->td, in->type);
	if (in->is_array && a->off + a->len > es)
		return false;
	return az_fs_flat(s, in->type, a->off,
			  a->off + a->len < es ? a->off + a->len : es, 0);
}

/* Target bytes of @p d get the taint of the same bytes of @p r. */
static void
az_fs_copy_pair(struct az_fs *s, const struct az_access *d,
		const struct az_access *r)
{
	uint64_t lo, hi, lend, end = d->off + d->len;
	const struct az_mloc *l;
	az_loc_t first, k;
	size_t n;

	n = az_modref_obj_locs(s->mr, d->obj, &first);
	for (k = first; k < first + n; k++) {
		l = az_modref_loc(s->mr, k);
		lend = az_fs_loc_end(s, k, first + (az_loc_t)n);
		if (l->off == AZ_OFF_ANY || l->off >= end || lend <= d->off)
			continue;
		lo = l->off > d->off ? l->off : d->off;
		hi = lend < end ? lend : end;
		az_fs_loc(s, k, az_fs_range_taint(s, r->obj,
			  r->off + (lo - d->off), r->off + (hi - d->off)));
	}
}

/* memcpy / memmove: byte for byte when both sides are plain ranges,
 * otherwise every target byte gets every source byte's taint. */
static void
az_fs_copy(struct az_fs *s, uint32_t vid, LLVMValueRef call)
{
	const struct az_access *w = NULL, *r = NULL;
	size_t nw = 0, nr = 0, i, j, k, nu;
	const struct az_use *u;
	bool plain;

	nu = az_modref_uses(s->mr, vid, &u);
	for (k = 0; k < nu; k++) {
		if (u[k].wr)
			nw = az_modref_set_raw(s->mr, u[k].set, &w);
		else
			nr = az_modref_set_raw(s->mr, u[k].set, &r);
	}
	plain = nu == 2 && nw != 0 && nr != 0;
	for (i = 0; i < nw && plain; i++)
		plain = az_fs_plain(s, &w[i]);
	for (j = 0; j < nr && plain; j++)
		plain = az_fs_plain(s, &r[j]);
	/* Copied out of the packet: the header fields the source is,
	 * found once as for a load (the copy runs again whenever what it
	 * reads changes). */
	if (az_fs_reads_packet(s, vid)) {
		if (!(s->src[vid] & AZ_SRC_DONE))
			s->src[vid] = AZ_SRC_DONE |
				az_fs_source(s, LLVMGetOperand(call, 1),
					     nr != 0 ? r[0].len :
						       AZ_LOC_UNKNOWN_LEN, true);
		az_fs_writes(s, vid, s->src[vid] & ~AZ_SRC_DONE);
	}
	if (!plain) {
		az_fs_writes(s, vid, az_fs_reads(s, vid));
		return;
	}
	for (i = 0; i < nw; i++)
		for (j = 0; j < nr; j++)
			az_fs_copy_pair(s, &w[i], &r[j]);
}

/* --- calls ---------------------------------------------------------------------- */

/* Intrinsics: memcpy / memmove copy their source, memset stores its
 * byte; the others (bswap, overflow arithmetic) compute from arguments. */
static void
az_fs_intrinsic(struct az_fs *s, uint32_t vid, LLVMValueRef call,
		const char *name, az_hdrset_t args)
{
	if (strncmp(name, "llvm.memcpy", 11) == 0 ||
	    strncmp(name, "llvm.memmove", 12) == 0)
		az_fs_copy(s, vid, call);
	else if (strncmp(name, "llvm.memset", 11) == 0)
		az_fs_writes(s, vid, az_fs_of(s, LLVMGetOperand(call, 1)));
	else
		az_fs_val(s, vid, args);
}

static LLVMValueRef
az_fs_arg(LLVMValueRef call, int i)
{
	if (i < 0 || (unsigned int)i >= LLVMGetNumArgOperands(call))
		return NULL;
	return LLVMGetOperand(call, (unsigned int)i);
}

/* Parameters of a model's callbacks get the arguments it passes on. */
static void
az_fs_bind_callbacks(struct az_fs *s, LLVMValueRef call,
		     const struct az_model *model)
{
	const struct az_obj_info *in;
	unsigned int e, j;
	LLVMValueRef p;
	size_t i;

	for (e = 0; e < model->n_eff; e++) {
		const struct az_effect *eff = &model->eff[e];

		if (eff->kind != AZ_EFF_CALLBACK ||
		    az_fs_arg(call, eff->arg) == NULL)
			continue;
		if (az_pta_points_to(s->pta, az_fs_arg(call, eff->arg),
				     &s->pts) == -ENOMEM)
			s->err = -ENOMEM;
		for (i = 0; i < s->pts.n; i++) {
			in = az_pta_obj(s->pta, s->pts.v[i].obj);
			if (in->kind != AZ_OBJ_FUNCTION ||
			    LLVMIsDeclaration(in->site))
				continue;
			for (j = 0, p = LLVMGetFirstParam(in->site);
			     p != NULL && j < AZ_CB_MAX;
			     j++, p = LLVMGetNextParam(p))
				az_fs_val(s, az_modref_vid(s->mr, p), az_fs_of(s,
					  az_fs_arg(call, eff->cb[j])));
		}
	}
}

static az_hdrset_t
az_fs_locs_taint(struct az_fs *s, LLVMValueRef ptr, uint64_t len, bool wr,
		 az_hdrset_t put)
{
	az_hdrset_t t = 0;
	size_t i;

	if (ptr == NULL)
		return 0;
	if (az_modref_ptr_locs(s->mr, ptr, len, wr, &s->tmp) != 0) {
		s->err = -ENOMEM;
		return 0;
	}
	for (i = 0; i < s->tmp.n; i++) {
		if (wr)
			az_fs_loc(s, s->tmp.v[i], put);
		else
			t |= s->lt[s->tmp.v[i]];
	}
	return t;
}

/* The key of a table model: the bytes of its declared type (the table's
 * key size is only known at run time), and the pointer to it. */
static az_hdrset_t
az_fs_key(struct az_fs *s, LLVMValueRef call, const struct az_effect *e)
{
	LLVMValueRef key = az_fs_arg(call, e->arg);

	if (key == NULL)
		return 0;
	return az_fs_of(s, key) | az_fs_locs_taint(s, key,
			az_fs_pointee_size(s, key), false, 0);
}

static void
az_fs_put_keys(struct az_fs *s, LLVMValueRef table, az_hdrset_t t)
{
	az_loc_t first, k;
	size_t i, j, n;

	if (t == 0 || table == NULL)
		return;
	if (az_pta_points_to(s->pta, table, &s->pts) == -ENOMEM) {
		s->err = -ENOMEM;
		return;
	}
	for (i = 0; i < s->pts.n; i++)
		for (j = 0; j < s->r->n_objs; j++) {
			const struct az_obj_info *in =
				az_pta_obj(s->pta, s->r->objs[j].obj);

			if (in->table != s->pts.v[i].obj ||
			    in->part != AZ_HEAP_TABLE_KEYS)
				continue;
			n = az_modref_obj_locs(s->mr, s->r->objs[j].obj, &first);
			for (k = first; k < first + n; k++)
				az_fs_loc(s, k, t);
		}
}

/*
 * A table library call, by its model: the key selects the table, its
 * keys and values; value and key pointers handed out carry the key's
 * taint; an added key is stored with it. Values are written zeroed, so
 * what a value holds comes only from the program's own stores.
 */
static void
az_fs_table(struct az_fs *s, uint32_t vid, LLVMValueRef call,
	    const struct az_model *model)
{
	LLVMValueRef table;
	az_hdrset_t key = 0;
	unsigned int e;

	for (e = 0; e < model->n_eff; e++)
		if (model->eff[e].kind == AZ_EFF_KEY)
			key |= az_fs_key(s, call, &model->eff[e]);
	for (e = 0; e < model->n_eff; e++) {
		const struct az_effect *eff = &model->eff[e];

		table = az_fs_arg(call, eff->kind == AZ_EFF_KEY ? eff->arg2 :
				  eff->arg);
		switch (eff->kind) {
		case AZ_EFF_KEY:
			az_fs_select_ptr(s, vid, table, key, AZ_SEL_KEYED);
			break;
		case AZ_EFF_RET_TVAL:
		case AZ_EFF_RET_TKEY:
			az_fs_val(s, vid, key | az_fs_of(s, table));
			break;
		case AZ_EFF_OUT_TVAL:
		case AZ_EFF_OUT_TKEY:
			az_fs_locs_taint(s, az_fs_arg(call, eff->arg2),
					 LLVMPointerSize(s->td), true,
					 key | az_fs_of(s, table));
			break;
		case AZ_EFF_WRITE_TKEY:
			az_fs_put_keys(s, table, key);
			break;
		default:
			break;
		}
	}
	az_fs_bind_callbacks(s, call, model);
}

/* The taint of each argument of @p call into s->argt, as of now (an
 * indirect call binds the same arguments to hundreds of bodies: looked
 * up once, and again only after some value changed). */
static az_hdrset_t
az_fs_argt(struct az_fs *s, LLVMValueRef call, unsigned int nargs)
{
	az_hdrset_t all = 0;
	unsigned int i;

	if (az_grow((void **)&s->argt, &s->cap_argt, nargs + 1,
		    sizeof(*s->argt)) != 0) {
		s->err = -ENOMEM;
		return 0;
	}
	for (i = 0; i < nargs; i++) {
		s->argt[i] = az_fs_of(s, LLVMGetOperand(call, i));
		all |= s->argt[i];
	}
	s->argt_stamp = s->n_val_changes;
	return all;
}

/* Parameters of a body get its arguments; its returns come back through
 * az_fs_ret(). */
static void
az_fs_bind(struct az_fs *s, LLVMValueRef call, LLVMValueRef fn,
	   unsigned int nargs)
{
	unsigned int i;
	LLVMValueRef p;

	for (i = 0, p = LLVMGetFirstParam(fn); p != NULL && i < nargs &&
	     s->err == 0; i++, p = LLVMGetNextParam(p)) {
		if (s->argt_stamp != s->n_val_changes)
			az_fs_argt(s, call, nargs);
		if (s->argt[i] != 0)
			az_fs_val(s, az_modref_vid(s->mr, p), s->argt[i]);
	}
}

void
az_fs_call(struct az_fs *s, uint32_t vid, LLVMValueRef call)
{
	unsigned int nargs = LLVMGetNumArgOperands(call);
	LLVMValueRef callee = LLVMGetCalledValue(call);
	const struct az_model *model;
	const LLVMValueRef *fns;
	az_hdrset_t args;
	bool opaque = false;
	size_t k, n;
	int32_t f;

	args = az_fs_argt(s, call, nargs);
	if (s->err != 0)
		return;
	if (LLVMIsAFunction(callee) != NULL && LLVMGetIntrinsicID(callee)) {
		az_fs_intrinsic(s, vid, call, az_module_fn_name(callee), args);
		return;
	}
	n = az_pta_callees(s->pta, call, &fns, NULL);
	for (k = 0; k < n; k++) {
		f = az_cg_index(az_modref_cg(s->mr), fns[k]);
		model = f >= 0 ? s->model_of[f] :
			az_model_lookup(az_module_fn_name(fns[k]));
		if (f >= 0 && (s->pure[f] & AZ_PURE)) {
			az_fs_pure_call(s, vid, call, s->pure[f]);
		} else if (f >= 0 && !LLVMIsDeclaration(fns[k]) && s->skip[f]) {
			if (model != NULL)
				az_fs_table(s, vid, call, model);
		} else if (f >= 0 && !LLVMIsDeclaration(fns[k])) {
			az_fs_bind(s, call, fns[k], nargs);
		} else {
			opaque = true;
			if (model != NULL)
				az_fs_bind_callbacks(s, call, model);
		}
	}
	/* Library and unknown code: results and writes from every input. */
	if (opaque || n == 0 || az_modref_is_wild(s->mr, vid)) {
		args |= az_fs_reads(s, vid);
		az_fs_val(s, vid, args);
		az_fs_writes(s, vid, args);
	}
}

void
az_fs_ret(struct az_fs *s, uint32_t vid, LLVMValueRef ret)
{
	const struct az_csite *cs;
	az_hdrset_t t;
	size_t i, n;

	if (LLVMGetNumOperands(ret) == 0 ||
	    (t = az_fs_of(s, LLVMGetOperand(ret, 0))) == 0)
		return;
	n = az_modref_csites(s->mr, az_modref_value_fn(s->mr, vid), &cs);
	for (i = 0; i < n; i++)
		if (cs[i].cb == NULL)
			az_fs_val(s, cs[i].call, t);
}
