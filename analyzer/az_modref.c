/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mod/ref: the program index (values, blocks, call sites, returns) and,
 * for every per-packet instruction, the memory it may read and write.
 * Built once, in four linear passes: number the program; compute each
 * instruction's accesses from the pointer analysis; make the locations
 * (the distinct starts of those accesses); resolve every access to the
 * locations it covers and invert that into per-location reader / writer
 * lists. Slicing and flowspace then never ask the pointer analysis again.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_modref.h"
#include "az_modref_impl.h"

struct az_module *
az_modref_module(const struct az_modref *mr)
{
	return mr->m;
}

const struct az_pta *
az_modref_pta(const struct az_modref *mr)
{
	return mr->pta;
}

const struct az_cg *
az_modref_cg(const struct az_modref *mr)
{
	return mr->cg;
}

/* --- numbering ------------------------------------------------------- */

static int
az_mr_add_value(struct az_modref *mr, LLVMValueRef v, uint32_t fn,
		uint32_t bid)
{
	uint32_t id = (uint32_t)mr->n_vals;

	if (az_grow((void **)&mr->vals, &mr->cap_vals, mr->n_vals + 1,
		    sizeof(*mr->vals)) != 0 ||
	    az_u32vec_push(&mr->val_fn, fn) != 0 ||
	    az_u32vec_push(&mr->val_blk, bid) != 0 ||
	    az_ptrmap_put(&mr->vmap, v, id) != 0)
		return -ENOMEM;
	mr->vals[mr->n_vals++] = v;
	return 0;
}

static int
az_mr_add_block(struct az_modref *mr, LLVMBasicBlockRef bb, uint32_t fn)
{
	uint32_t bid = (uint32_t)mr->blks.n;
	LLVMValueRef i;

	if (az_ptrvec_push(&mr->blks, bb) != 0 ||
	    az_u32vec_push(&mr->blk_fn, fn) != 0)
		return -ENOMEM;
	for (i = LLVMGetFirstInstruction(bb); i != NULL;
	     i = LLVMGetNextInstruction(i))
		if (az_mr_add_value(mr, i, fn, bid) != 0)
			return -ENOMEM;
	return 0;
}

static int
az_mr_number(struct az_modref *mr)
{
	size_t nf = az_cg_n_funcs(mr->cg);
	LLVMBasicBlockRef bb;
	LLVMValueRef fn, a;
	uint32_t f;

	mr->fn_first_blk = calloc(nf + 1, sizeof(*mr->fn_first_blk));
	if (mr->fn_first_blk == NULL)
		return -ENOMEM;
	for (f = 0; f < nf; f++) {
		fn = az_cg_func(mr->cg, f);
		mr->fn_first_blk[f] = (uint32_t)mr->blks.n;
		if (LLVMIsDeclaration(fn))
			continue;
		for (a = LLVMGetFirstParam(fn); a != NULL;
		     a = LLVMGetNextParam(a))
			if (az_mr_add_value(mr, a, f, UINT32_MAX) != 0)
				return -ENOMEM;
		for (bb = LLVMGetFirstBasicBlock(fn); bb != NULL;
		     bb = LLVMGetNextBasicBlock(bb))
			if (az_mr_add_block(mr, bb, f) != 0)
				return -ENOMEM;
	}
	mr->fn_first_blk[nf] = (uint32_t)mr->blks.n;
	return 0;
}

/* Per-packet code: the functions the entries reach (a descriptor's tick
 * included), and the loop bodies of loop entries (their procedure's
 * set-up code runs once). */
static int
az_mr_scope(struct az_modref *mr, const struct az_entry_list *el)
{
	size_t nf = az_cg_n_funcs(mr->cg), i;
	uint32_t b, f;
	int32_t tick;

	mr->fn_pp = calloc(nf + 1, 1);
	mr->blk_pp = calloc(mr->blks.n + 1, 1);
	if (mr->fn_pp == NULL || mr->blk_pp == NULL)
		return -ENOMEM;
	for (i = 0; i < el->n; i++) {
		az_entry_per_packet(&el->v[i], mr->cg, mr->fn_pp);
		/* tick() runs between packets on the same instance: what it
		 * changes, later packets see. */
		if (el->v[i].kind == AZ_ENTRY_DESCRIPTOR &&
		    el->v[i].desc.tick != NULL &&
		    (tick = az_cg_index(mr->cg, el->v[i].desc.tick)) >= 0)
			az_cg_reachable(mr->cg, &(uint32_t){ (uint32_t)tick },
					1, mr->fn_pp);
	}
	for (b = 0; b < mr->blks.n; b++) {
		f = mr->blk_fn.v[b];
		mr->blk_pp[b] = mr->fn_pp[f];
		for (i = 0; i < el->n && !mr->blk_pp[b]; i++) {
			const struct az_entry *e = &el->v[i];

			if (e->blocks != NULL && e->func == az_cg_func(mr->cg, f))
				mr->blk_pp[b] = az_entry_in_loop(e,
							mr->blks.v[b]);
		}
	}
	for (b = 0; b < mr->blks.n; b++)
		if (mr->blk_pp[b])
			mr->fn_pp[mr->blk_fn.v[b]] = 1;
	for (f = 0; f < nf; f++)
		mr->n_pp_fns += mr->fn_pp[f] != 0 &&
				!LLVMIsDeclaration(az_cg_func(mr->cg, f));
	return 0;
}

/* --- call sites and returns -------------------------------------------- */

static int
az_mr_push_csite(struct az_modref *mr, struct az_csite_tmp *t, LLVMValueRef fn,
		 uint32_t call, const struct az_effect *cb)
{
	int32_t f = az_cg_index(mr->cg, fn);

	if (f < 0 || LLVMIsDeclaration(fn))
		return 0;
	if (az_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v)) != 0)
		return -ENOMEM;
	t->v[t->n].fn = (uint32_t)f;
	t->v[t->n].cs.call = call;
	t->v[t->n].cs.cb = cb;
	t->n++;
	return 0;
}

/* Functions a model calls back, found where its function-pointer
 * argument may point. */
static int
az_mr_callbacks(struct az_modref *mr, struct az_csite_tmp *t, uint32_t vid,
		const struct az_model *model, struct az_locset *pts)
{
	LLVMValueRef call = mr->vals[vid];
	unsigned int e;
	size_t i;

	for (e = 0; e < model->n_eff; e++) {
		const struct az_effect *eff = &model->eff[e];

		if (eff->kind != AZ_EFF_CALLBACK || eff->arg < 0 ||
		    (unsigned int)eff->arg >= LLVMGetNumArgOperands(call))
			continue;
		if (az_pta_points_to(mr->pta, LLVMGetOperand(call,
				(unsigned int)eff->arg), pts) == -ENOMEM)
			return -ENOMEM;
		for (i = 0; i < pts->n; i++) {
			const struct az_obj_info *in =
				az_pta_obj(mr->pta, pts->v[i].obj);

			if (in->kind == AZ_OBJ_FUNCTION &&
			    az_mr_push_csite(mr, t, in->site, vid, eff) != 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int
az_mr_call_sites(struct az_modref *mr, struct az_csite_tmp *t, uint32_t vid,
		 struct az_locset *pts)
{
	LLVMValueRef call = mr->vals[vid];
	const LLVMValueRef *fns;
	const struct az_model *model;
	size_t i, n;

	n = az_pta_callees(mr->pta, call, &fns, NULL);
	for (i = 0; i < n; i++) {
		if (az_mr_push_csite(mr, t, fns[i], vid, NULL) != 0)
			return -ENOMEM;
		model = az_model_lookup(az_module_fn_name(fns[i]));
		if (model != NULL &&
		    az_mr_callbacks(mr, t, vid, model, pts) != 0)
			return -ENOMEM;
	}
	return 0;
}

static int
az_mr_csr_csites(struct az_modref *mr, struct az_csite_tmp *t)
{
	size_t nf = az_cg_n_funcs(mr->cg), i;

	mr->cs_start = calloc(nf + 2, sizeof(*mr->cs_start));
	mr->cs = malloc((t->n + 1) * sizeof(*mr->cs));
	if (mr->cs_start == NULL || mr->cs == NULL)
		return -ENOMEM;
	/* Stable by construction: sites were pushed in vid order. */
	for (i = 0; i < t->n; i++)
		mr->cs_start[t->v[i].fn + 2]++;
	for (i = 2; i < nf + 2; i++)
		mr->cs_start[i] += mr->cs_start[i - 1];
	for (i = 0; i < t->n; i++)
		mr->cs[mr->cs_start[t->v[i].fn + 1]++] = t->v[i].cs;
	return 0;
}

static int
az_mr_returns(struct az_modref *mr)
{
	size_t nf = az_cg_n_funcs(mr->cg), v;
	uint32_t *cnt;

	mr->ret_start = calloc(nf + 2, sizeof(*mr->ret_start));
	if (mr->ret_start == NULL)
		return -ENOMEM;
	for (v = 0; v < mr->n_vals; v++)
		if (mr->val_blk.v[v] != UINT32_MAX &&
		    LLVMGetInstructionOpcode(mr->vals[v]) == LLVMRet)
			mr->ret_start[mr->val_fn.v[v] + 2]++;
	for (v = 2; v < nf + 2; v++)
		mr->ret_start[v] += mr->ret_start[v - 1];
	mr->rets = malloc((mr->ret_start[nf + 1] + 1) * sizeof(*mr->rets));
	if (mr->rets == NULL)
		return -ENOMEM;
	cnt = mr->ret_start + 1;
	for (v = 0; v < mr->n_vals; v++)
		if (mr->val_blk.v[v] != UINT32_MAX &&
		    LLVMGetInstructionOpcode(mr->vals[v]) == LLVMRet)
			mr->rets[cnt[mr->val_fn.v[v]]++] = (uint32_t)v;
	return 0;
}

/* --- accesses ------------------------------------------------------------ */

/* Call sites first: the accesses of a parameter's pointer may depend on
 * where its function is called from (az_mr_refine()). */
static int
az_mr_all_call_sites(struct az_modref *mr)
{
	struct az_csite_tmp cst = { NULL, 0, 0 };
	struct az_locset pts;
	size_t v;
	int rc = 0;

	az_locset_init(&pts);
	for (v = 0; v < mr->n_vals && rc == 0; v++)
		if (az_modref_per_packet(mr, (uint32_t)v) &&
		    (LLVMIsACallInst(mr->vals[v]) != NULL ||
		     LLVMIsAInvokeInst(mr->vals[v]) != NULL))
			rc = az_mr_call_sites(mr, &cst, (uint32_t)v, &pts);
	if (rc == 0)
		rc = az_mr_csr_csites(mr, &cst);
	free(cst.v);
	az_locset_fini(&pts);
	return rc;
}

static int
az_mr_accesses(struct az_modref *mr)
{
	struct az_acc_sink s;
	struct az_locset pts;
	size_t v;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	az_locset_init(&pts);
	mr->acc_of = malloc((mr->n_vals + 1) * sizeof(*mr->acc_of));
	if (mr->acc_of == NULL)
		rc = -ENOMEM;
	az_progress_begin("mod/ref", mr->n_vals);
	for (v = 0; v < mr->n_vals && rc == 0; v++) {
		mr->acc_of[v] = UINT32_MAX;
		if (!az_modref_per_packet(mr, (uint32_t)v) ||
		    mr->val_blk.v[v] == UINT32_MAX)
			continue;
		az_progress_step(v);
		s.n = s.ng = 0;
		s.wild = false;
		rc = az_mr_inst_access(mr, mr->vals[v], &s, &pts);
		if (rc == 0)
			rc = az_mr_store_rec(mr, (uint32_t)v, &s);
	}
	az_progress_end();
	az_sink_fini(&s);
	az_locset_fini(&pts);
	return rc;
}

/* --- locations ----------------------------------------------------------- */

static int
az_mloc_cmp(const void *a, const void *b)
{
	const struct az_mloc *x = a, *y = b;

	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int
az_mr_locations(struct az_modref *mr)
{
	size_t no = az_pta_n_objects(mr->pta), i, n = 0;

	mr->locs = malloc((mr->n_raw + 1) * sizeof(*mr->locs));
	mr->obj_first = calloc(no + 1, sizeof(*mr->obj_first));
	mr->obj_n = calloc(no + 1, sizeof(*mr->obj_n));
	if (mr->locs == NULL || mr->obj_first == NULL || mr->obj_n == NULL)
		return -ENOMEM;
	for (i = 0; i < mr->n_raw; i++) {
		mr->locs[i].obj = mr->raw[i].obj;
		mr->locs[i].off = mr->raw[i].off;
		mr->locs[i].ext = mr->raw[i].len;
	}
	qsort(mr->locs, mr->n_raw, sizeof(*mr->locs), az_mloc_cmp);
	for (i = 0; i < mr->n_raw; i++) {
		if (n != 0 && az_mloc_cmp(&mr->locs[n - 1], &mr->locs[i]) == 0) {
			if (mr->locs[i].ext > mr->locs[n - 1].ext)
				mr->locs[n - 1].ext = mr->locs[i].ext;
			continue;
		}
		mr->locs[n++] = mr->locs[i];
	}
	mr->n_locs = n;
	for (i = n; i-- > 0;) {
		mr->obj_first[mr->locs[i].obj] = (uint32_t)i;
		mr->obj_n[mr->locs[i].obj]++;
	}
	mr->loc_escaped = calloc(n + 1, 1);
	if (mr->loc_escaped == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		mr->loc_escaped[i] = az_pta_obj(mr->pta, mr->locs[i].obj)->escaped;
	return 0;
}

/* The locations of the object inside folded bytes [lo, hi), into the
 * resolver's list; its ANY location is added by the caller. */
static void
az_mr_range(void *arg, uint64_t lo, uint64_t hi)
{
	struct az_resolve *rs = arg;
	const struct az_mloc *l = rs->mr->locs;
	uint32_t a = rs->first, b = rs->first + rs->n, mid;

	if (lo == AZ_OFF_ANY) {
		for (mid = rs->first; mid < b; mid++)
			az_resolve_push(rs, mid);
		return;
	}
	while (a < b) {
		mid = a + (b - a) / 2;
		if (l[mid].off < lo)
			a = mid + 1;
		else
			b = mid;
	}
	for (; a < rs->first + rs->n && l[a].off < hi && l[a].off != AZ_OFF_ANY;
	     a++)
		az_resolve_push(rs, a);
}

/*
 * The ANY location stands for bytes accessed at an unknown offset. A read
 * at a known offset may see such a write, so it touches ANY as well; a
 * write at a known offset is seen by an unknown-offset read because that
 * read touches every location. A write at an unknown offset touches ANY
 * only: that keeps two exact accesses to different fields apart even in
 * an object the pointer analysis collapsed.
 */
int
az_mr_resolve(const struct az_modref *mr, const struct az_access *acc,
	      size_t n, bool wr, struct az_u32vec *out)
{
	struct az_resolve rs = { mr, out, 0, 0, 0 };
	uint32_t any;
	size_t i;

	out->n = 0;
	for (i = 0; i < n; i++) {
		rs.n = az_modref_obj_locs(mr, acc[i].obj, &rs.first);
		if (rs.n == 0)
			continue;
		any = mr->locs[rs.first + rs.n - 1].off == AZ_OFF_ANY ?
			rs.first + (uint32_t)rs.n - 1 : UINT32_MAX;
		if (acc[i].off == AZ_OFF_ANY && wr) {
			az_resolve_push(&rs, any);
			continue;
		}
		az_modref_fold(mr, &acc[i], az_mr_range, &rs);
		if (!wr)
			az_resolve_push(&rs, any);
		/* The exact start may lie in padding the fold skipped. */
		az_resolve_push(&rs, az_mr_find(mr, acc[i].obj, acc[i].off));
	}
	if (rs.err)
		return -ENOMEM;
	az_u32_sort_unique(out);
	return 0;
}

/* --- reader / writer lists ---------------------------------------------- */

/* CSR of @p n keys from (key, value) pairs produced twice by @p each:
 * once to count, once to fill. */
struct az_csr {
	uint32_t *start;
	uint32_t *v;
};

static int
az_csr_alloc(struct az_csr *c, size_t keys)
{
	size_t k;

	for (k = 2; k < keys + 2; k++)
		c->start[k] += c->start[k - 1];
	c->v = malloc((c->start[keys + 1] + 1) * sizeof(*c->v));
	return c->v == NULL ? -ENOMEM : 0;
}

/* Location -> sets (as read or as written). */
static int
az_mr_loc_sets(struct az_modref *mr, bool wr, uint32_t **start,
	       uint32_t **v)
{
	struct az_csr c = { NULL, NULL };
	uint32_t *pos, n, at;
	size_t i, k;

	c.start = calloc(mr->n_locs + 2, sizeof(*c.start));
	if (c.start == NULL)
		return -ENOMEM;
	for (i = 0; i < mr->n_sets; i++) {
		n = wr ? mr->sets[i].n_wloc : mr->sets[i].n_rloc;
		at = wr ? mr->sets[i].wloc : mr->sets[i].rloc;
		for (k = 0; k < n; k++)
			c.start[mr->locids[at + k] + 2]++;
	}
	*start = c.start;
	if (az_csr_alloc(&c, mr->n_locs) != 0)
		return -ENOMEM;
	pos = c.start + 1;
	for (i = 0; i < mr->n_sets; i++) {
		n = wr ? mr->sets[i].n_wloc : mr->sets[i].n_rloc;
		at = wr ? mr->sets[i].wloc : mr->sets[i].rloc;
		for (k = 0; k < n; k++)
			c.v[pos[mr->locids[at + k]]++] = (uint32_t)i;
	}
	*v = c.v;
	return 0;
}

/* Set -> instructions using it (to read or to write). */
static int
az_mr_set_users(struct az_modref *mr, bool wr, uint32_t **start, uint32_t **v)
{
	struct az_csr c = { NULL, NULL };
	const struct az_use *u;
	uint32_t *pos;
	size_t a, k;

	c.start = calloc(mr->n_sets + 2, sizeof(*c.start));
	if (c.start == NULL)
		return -ENOMEM;
	for (a = 0; a < mr->n_accs; a++)
		for (k = 0, u = mr->uses + mr->accs[a].use;
		     k < mr->accs[a].n_use; k++, u++)
			if (u->wr == wr)
				c.start[u->set + 2]++;
	*start = c.start;
	if (az_csr_alloc(&c, mr->n_sets) != 0)
		return -ENOMEM;
	pos = c.start + 1;
	for (a = 0; a < mr->n_accs; a++)
		for (k = 0, u = mr->uses + mr->accs[a].use;
		     k < mr->accs[a].n_use; k++, u++)
			if (u->wr == wr)
				c.v[pos[u->set]++] = mr->accs[a].vid;
	*v = c.v;
	return 0;
}

static int
az_mr_append_locs(struct az_u32vec *ids, const struct az_u32vec *tmp,
		  uint32_t *at, uint32_t *n)
{
	size_t k;

	*at = (uint32_t)ids->n;
	*n = (uint32_t)tmp->n;
	for (k = 0; k < tmp->n; k++)
		if (az_u32vec_push(ids, tmp->v[k]) != 0)
			return -ENOMEM;
	return 0;
}

static int
az_mr_resolve_all(struct az_modref *mr)
{
	struct az_u32vec tmp = { NULL, 0, 0 };
	struct az_u32vec ids = { NULL, 0, 0 };
	struct az_aset *set;
	size_t i;
	int rc = 0;

	for (i = 0; i < mr->n_sets && rc == 0; i++) {
		set = &mr->sets[i];
		if (set->used_r)
			rc = az_mr_resolve(mr, mr->raw + set->raw, set->n_raw,
					   false, &tmp);
		if (rc == 0 && set->used_r)
			rc = az_mr_append_locs(&ids, &tmp, &set->rloc,
					       &set->n_rloc);
		if (rc == 0 && set->used_w)
			rc = az_mr_resolve(mr, mr->raw + set->raw, set->n_raw,
					   true, &tmp);
		if (rc == 0 && set->used_w)
			rc = az_mr_append_locs(&ids, &tmp, &set->wloc,
					       &set->n_wloc);
	}
	az_u32vec_fini(&tmp);
	mr->locids = ids.v;
	mr->n_locids = ids.n;
	if (rc == 0)
		rc = az_mr_loc_sets(mr, false, &mr->lr_start, &mr->lr_v);
	if (rc == 0)
		rc = az_mr_loc_sets(mr, true, &mr->lw_start, &mr->lw_v);
	if (rc == 0)
		rc = az_mr_set_users(mr, false, &mr->sr_start, &mr->sr_v);
	if (rc == 0)
		rc = az_mr_set_users(mr, true, &mr->sw_start, &mr->sw_v);
	return rc;
}

/* Which objects are keys and values of which sa_table. */
static int
az_mr_parts(struct az_modref *mr)
{
	size_t o, n = az_pta_n_objects(mr->pta);
	const struct az_obj_info *in;

	for (o = 0; o < n; o++) {
		in = az_pta_obj(mr->pta, (az_obj_t)o);
		if (in->part == AZ_HEAP_PLAIN || in->table == AZ_OBJ_NONE)
			continue;
		if (az_u32vec_push(&mr->part_tbl, in->table) != 0 ||
		    az_u32vec_push(&mr->part_obj, (uint32_t)o) != 0)
			return -ENOMEM;
	}
	return 0;
}

static int
az_mr_memo(struct az_modref *mr)
{
	az_obj_t pkt = az_pta_packet_obj(mr->pta);

	mr->obj_pkt = calloc(az_pta_n_objects(mr->pta) + 1, 1);
	if (mr->obj_pkt == NULL)
		return -ENOMEM;
	if (pkt != AZ_OBJ_NONE)
		mr->obj_pkt[pkt] = 1;
	mr->ref = calloc(1, sizeof(*mr->ref));
	if (mr->ref == NULL)
		return -ENOMEM;
	mr->ref->state = calloc(mr->n_vals + 1, 1);
	mr->ref->at = calloc(mr->n_vals + 1, sizeof(*mr->ref->at));
	mr->ref->n = calloc(mr->n_vals + 1, 1);
	if (mr->ref->state == NULL || mr->ref->at == NULL ||
	    mr->ref->n == NULL)
		return -ENOMEM;
	return 0;
}

int
az_modref_build(struct az_module *m, const struct az_pta *pta,
		const struct az_cg *cg, const struct az_entry_list *el,
		struct az_modref **out)
{
	struct az_modref *mr;
	int rc;

	*out = NULL;
	mr = calloc(1, sizeof(*mr));
	if (mr == NULL)
		return -ENOMEM;
	mr->m = m;
	mr->pta = pta;
	mr->cg = cg;
	mr->td = az_module_target_data(m);
	rc = az_mr_number(mr);
	if (rc == 0)
		rc = az_mr_scope(mr, el);
	if (rc == 0)
		rc = az_mr_returns(mr);
	if (rc == 0)
		rc = az_mr_parts(mr);
	if (rc == 0)
		rc = az_mr_memo(mr);
	if (rc == 0)
		rc = az_mr_all_call_sites(mr);
	if (rc == 0)
		rc = az_mr_accesses(mr);
	if (rc == 0)
		rc = az_mr_locations(mr);
	if (rc == 0)
		rc = az_mr_resolve_all(mr);
	if (rc == 0)
		az_log(AZ_LOG_DEBUG, "mod/ref: %zu values, %zu accessing, %zu "
		       "access sets of %zu accesses, %zu locations, %zu "
		       "location references", mr->n_vals, mr->n_accs,
		       mr->n_sets, mr->n_raw, mr->n_locs, mr->n_locids);
	if (rc != 0) {
		az_log(AZ_LOG_ERR, "mod/ref: %s", strerror(-rc));
		az_modref_free(mr);
		return rc;
	}
	*out = mr;
	return 0;
}

void
az_modref_free(struct az_modref *mr)
{
	if (mr == NULL)
		return;
	az_ptrmap_fini(&mr->vmap);
	free(mr->vals);
	az_u32vec_fini(&mr->val_fn);
	az_u32vec_fini(&mr->val_blk);
	az_ptrvec_fini(&mr->blks);
	az_u32vec_fini(&mr->blk_fn);
	free(mr->fn_first_blk);
	free(mr->fn_pp);
	free(mr->blk_pp);
	free(mr->ret_start);
	free(mr->rets);
	free(mr->cs_start);
	free(mr->cs);
	free(mr->acc_of);
	free(mr->accs);
	free(mr->uses);
	free(mr->sets);
	free(mr->set_tab);
	free(mr->raw);
	free(mr->locids);
	free(mr->locs);
	free(mr->obj_first);
	free(mr->obj_n);
	free(mr->loc_escaped);
	free(mr->lr_start);
	free(mr->lr_v);
	free(mr->lw_start);
	free(mr->lw_v);
	free(mr->sr_start);
	free(mr->sr_v);
	free(mr->sw_start);
	free(mr->sw_v);
	az_u32vec_fini(&mr->wild);
	free(mr->obj_pkt);
	az_u32vec_fini(&mr->part_tbl);
	az_u32vec_fini(&mr->part_obj);
	if (mr->ref != NULL) {
		free(mr->ref->state);
		free(mr->ref->at);
		free(mr->ref->n);
		free(mr->ref->pool);
		free(mr->ref);
	}
	free(mr);
}
