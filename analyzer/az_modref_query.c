/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Queries of the mod/ref index, and the small helpers its files share.
 */

#include <stdlib.h>

#include "az_modref_impl.h"

void
az_resolve_push(struct az_resolve *rs, uint32_t loc)
{
	if (loc != UINT32_MAX && az_u32vec_push(rs->out, loc) != 0)
		rs->err = true;
}

static int
az_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void
az_u32_sort_unique(struct az_u32vec *v)
{
	size_t i, n = 0;

	qsort(v->v, v->n, sizeof(*v->v), az_u32_cmp);
	for (i = 0; i < v->n; i++)
		if (n == 0 || v->v[n - 1] != v->v[i])
			v->v[n++] = v->v[i];
	v->n = n;
}

uint32_t
az_mr_find(const struct az_modref *mr, az_obj_t o, uint64_t off)
{
	uint32_t first, end, a, mid;

	end = (uint32_t)az_modref_obj_locs(mr, o, &first);
	end += first;
	a = first;
	while (a < end) {
		mid = a + (end - a) / 2;
		if (mr->locs[mid].off < off)
			a = mid + 1;
		else
			end = mid;
	}
	if (a < first + mr->obj_n[o] && mr->locs[a].off == off)
		return a;
	return UINT32_MAX;
}

size_t
az_modref_n_values(const struct az_modref *mr)
{
	return mr->n_vals;
}

uint32_t
az_modref_vid(const struct az_modref *mr, LLVMValueRef v)
{
	return az_ptrmap_get(&mr->vmap, v);
}

LLVMValueRef
az_modref_value(const struct az_modref *mr, uint32_t vid)
{
	return mr->vals[vid];
}

uint32_t
az_modref_value_fn(const struct az_modref *mr, uint32_t vid)
{
	return mr->val_fn.v[vid];
}

uint32_t
az_modref_value_block(const struct az_modref *mr, uint32_t vid)
{
	return mr->val_blk.v[vid];
}

size_t
az_modref_n_blocks(const struct az_modref *mr)
{
	return mr->blks.n;
}

LLVMBasicBlockRef
az_modref_block(const struct az_modref *mr, uint32_t bid)
{
	return mr->blks.v[bid];
}

uint32_t
az_modref_block_fn(const struct az_modref *mr, uint32_t bid)
{
	return mr->blk_fn.v[bid];
}

uint32_t
az_modref_fn_first_block(const struct az_modref *mr, uint32_t fn)
{
	return mr->fn_first_blk[fn];
}

bool
az_modref_block_per_packet(const struct az_modref *mr, uint32_t bid)
{
	return mr->blk_pp[bid] != 0;
}

/* An argument runs per packet when its function is called per packet. */
bool
az_modref_per_packet(const struct az_modref *mr, uint32_t vid)
{
	uint32_t b = mr->val_blk.v[vid];

	if (b == UINT32_MAX)
		return mr->fn_pp[mr->val_fn.v[vid]] != 0;
	return mr->blk_pp[b] != 0;
}

size_t
az_modref_n_per_packet_fns(const struct az_modref *mr)
{
	return mr->n_pp_fns;
}

size_t
az_modref_csites(const struct az_modref *mr, uint32_t fn,
		 const struct az_csite **out)
{
	*out = mr->cs + mr->cs_start[fn];
	return mr->cs_start[fn + 1] - mr->cs_start[fn];
}

LLVMValueRef
az_modref_csite_arg(const struct az_modref *mr, const struct az_csite *cs,
		    unsigned int i)
{
	LLVMValueRef call = mr->vals[cs->call];
	int idx = (int)i;

	if (cs->cb != NULL)
		idx = i < AZ_CB_MAX ? cs->cb->cb[i] : -1;
	if (idx < 0 || (unsigned int)idx >= LLVMGetNumArgOperands(call))
		return NULL;
	return LLVMGetOperand(call, (unsigned int)idx);
}

size_t
az_modref_rets(const struct az_modref *mr, uint32_t fn, const uint32_t **out)
{
	*out = mr->rets + mr->ret_start[fn];
	return mr->ret_start[fn + 1] - mr->ret_start[fn];
}

size_t
az_modref_n_locs(const struct az_modref *mr)
{
	return mr->n_locs;
}

const struct az_mloc *
az_modref_loc(const struct az_modref *mr, az_loc_t l)
{
	return &mr->locs[l];
}

size_t
az_modref_obj_locs(const struct az_modref *mr, az_obj_t o, az_loc_t *first)
{
	*first = mr->obj_first[o];
	return mr->obj_n[o];
}

bool
az_modref_obj_packet(const struct az_modref *mr, az_obj_t o)
{
	return mr->obj_pkt[o] != 0;
}

bool
az_modref_loc_escaped(const struct az_modref *mr, az_loc_t l)
{
	return mr->loc_escaped[l] != 0;
}

static const struct az_acc_rec *
az_rec(const struct az_modref *mr, uint32_t vid)
{
	if (vid >= mr->n_vals || mr->acc_of[vid] == UINT32_MAX)
		return NULL;
	return &mr->accs[mr->acc_of[vid]];
}

size_t
az_modref_n_sets(const struct az_modref *mr)
{
	return mr->n_sets;
}

size_t
az_modref_uses(const struct az_modref *mr, uint32_t vid,
	       const struct az_use **out)
{
	const struct az_acc_rec *r = az_rec(mr, vid);

	*out = r != NULL ? mr->uses + r->use : NULL;
	return r != NULL ? r->n_use : 0;
}

size_t
az_modref_set_raw(const struct az_modref *mr, uint32_t set,
		  const struct az_access **out)
{
	*out = mr->raw + mr->sets[set].raw;
	return mr->sets[set].n_raw;
}

size_t
az_modref_set_locs(const struct az_modref *mr, uint32_t set, bool wr,
		   const az_loc_t **out)
{
	const struct az_aset *s = &mr->sets[set];

	*out = mr->locids + (wr ? s->wloc : s->rloc);
	return wr ? s->n_wloc : s->n_rloc;
}

size_t
az_modref_loc_sets(const struct az_modref *mr, az_loc_t l, bool wr,
		   const uint32_t **out)
{
	const uint32_t *start = wr ? mr->lw_start : mr->lr_start;

	*out = (wr ? mr->lw_v : mr->lr_v) + start[l];
	return start[l + 1] - start[l];
}

size_t
az_modref_set_users(const struct az_modref *mr, uint32_t set, bool wr,
		    const uint32_t **out)
{
	const uint32_t *start = wr ? mr->sw_start : mr->sr_start;

	*out = (wr ? mr->sw_v : mr->sr_v) + start[set];
	return start[set + 1] - start[set];
}

bool
az_modref_is_wild(const struct az_modref *mr, uint32_t vid)
{
	const struct az_acc_rec *r = az_rec(mr, vid);

	return r != NULL && r->wild;
}

size_t
az_modref_wild(const struct az_modref *mr, const uint32_t **out)
{
	*out = mr->wild.v;
	return mr->wild.n;
}
