/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flowspace: header-field taint, forward over per-packet code. Taints are
 * 32-bit sets that only grow, so each value and location changes at most
 * AZ_HDR_COUNT times; an update recomputes one instruction from all its
 * inputs and ORs the result in, which keeps every transfer monotone
 * whatever order the worklist takes. Which loads are sources is decided
 * in az_flowspace_hdr.c.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_flowspace_impl.h"

#define AZ_NONE		UINT32_MAX
#define AZ_WHY_MAX	512

/* Parsers whose results are recognized as sources by type (struct
 * sa_parsed), so that their byte-level reads need not be analyzed. */
static const char *const az_parsers[] = { "sa_parse" };

/* --- worklists ---------------------------------------------------------- */

void
az_fs_val(struct az_fs *s, uint32_t vid, az_hdrset_t t)
{
	if (vid == AZ_NONE || (s->vt[vid] | t) == s->vt[vid])
		return;
	s->vt[vid] |= t;
	s->n_val_changes++;
	if (!s->vq_in[vid]) {
		s->vq_in[vid] = 1;
		if (az_u32vec_push(&s->vq, vid) != 0)
			s->err = -ENOMEM;
	}
}

void
az_fs_loc(struct az_fs *s, az_loc_t l, az_hdrset_t t)
{
	const uint32_t *sets;
	size_t k, n;

	if ((s->lt[l] | t) == s->lt[l])
		return;
	s->lt[l] |= t;
	/* What the sets reading l read, kept up to date here so that a
	 * load's reads cost its sets, not all their locations. */
	if (!az_modref_obj_packet(s->mr, az_modref_loc(s->mr, l)->obj)) {
		n = az_modref_loc_sets(s->mr, l, false, &sets);
		for (k = 0; k < n; k++)
			s->set_rt[sets[k]] |= t;
	}
	if (!s->lq_in[l]) {
		s->lq_in[l] = 1;
		if (az_u32vec_push(&s->lq, l) != 0)
			s->err = -ENOMEM;
	}
}

az_hdrset_t
az_fs_of(struct az_fs *s, LLVMValueRef v)
{
	uint32_t vid;

	if (v == NULL || (LLVMIsAInstruction(v) == NULL &&
			  LLVMIsAArgument(v) == NULL))
		return 0;
	vid = az_modref_vid(s->mr, v);
	return vid != AZ_NONE ? s->vt[vid] : 0;
}

/* What @p vid reads from memory. Packet bytes are what the sources say
 * they are, not what the program wrote into them: a rewrite (NAT) would
 * otherwise flow into every header read. */
az_hdrset_t
az_fs_reads(struct az_fs *s, uint32_t vid)
{
	const struct az_use *u;
	az_hdrset_t t = 0;
	size_t k, nu;

	nu = az_modref_uses(s->mr, vid, &u);
	for (k = 0; k < nu; k++, u++)
		if (!u->wr)
			t |= s->set_rt[u->set];
	return t;
}

void
az_fs_writes(struct az_fs *s, uint32_t vid, az_hdrset_t t)
{
	const struct az_use *u;
	const az_loc_t *l;
	size_t k, i, n, nu;

	if (t == 0)
		return;
	nu = az_modref_uses(s->mr, vid, &u);
	for (k = 0; k < nu; k++, u++) {
		if (!u->wr)
			continue;
		n = az_modref_set_locs(s->mr, u->set, true, &l);
		for (i = 0; i < n; i++)
			az_fs_loc(s, l[i], t);
	}
}

/* True if instruction @p vid may read packet bytes. */
bool
az_fs_reads_packet(struct az_fs *s, uint32_t vid)
{
	const struct az_use *u;
	size_t k, nu;

	nu = az_modref_uses(s->mr, vid, &u);
	for (k = 0; k < nu; k++, u++)
		if (!u->wr && s->set_pkt[u->set])
			return true;
	return false;
}

/* --- selection ------------------------------------------------------------- */

static const char *const az_sel_names[] = {
	[AZ_SEL_KEYED] = "keyed",
	[AZ_SEL_INDEXED] = "indexed",
	[AZ_SEL_ACCESSED] = "accessed",
};

static void
az_fs_select_obj(struct az_fs *s, struct az_robj *ro, az_hdrset_t t,
		 LLVMValueRef inst, enum az_sel how)
{
	char why[AZ_WHY_MAX], loc[AZ_WHY_MAX / 2];

	if (ro == NULL || !az_result_flow_news(ro, t, how))
		return;
	az_module_loc_str(s->m, inst, false, loc, sizeof(loc));
	snprintf(why, sizeof(why), "%s in %s (%s)", az_sel_names[how],
		 az_fn_label(s->r, LLVMGetBasicBlockParent(
			     LLVMGetInstructionParent(inst))), loc);
	az_result_flow(s->r, ro, t, why, how);
}

static void
az_fs_select_one(struct az_fs *s, az_obj_t o, az_hdrset_t t,
		 LLVMValueRef inst, enum az_sel how)
{
	size_t j;

	az_fs_select_obj(s, az_result_obj(s->r, o), t, inst, how);
	if (az_pta_obj(s->pta, o)->part != AZ_HEAP_TABLE)
		return;
	for (j = 0; j < s->r->n_objs; j++)
		if (az_pta_obj(s->pta, s->r->objs[j].obj)->table == o)
			az_fs_select_obj(s, &s->r->objs[j], t, inst, how);
}

/* The objects instruction @p vid accesses (its access sets' objects) are
 * selected by @p t; it acts once per new bit. */
void
az_fs_select(struct az_fs *s, uint32_t vid, az_hdrset_t t, enum az_sel how)
{
	LLVMValueRef inst = az_modref_value(s->mr, vid);
	const struct az_access *a;
	const struct az_use *u;
	size_t i, k, n, nu;

	if ((t & ~s->sel[vid]) == 0)
		return;
	s->sel[vid] |= t;
	nu = az_modref_uses(s->mr, vid, &u);
	for (k = 0; k < nu; k++, u++) {
		n = az_modref_set_raw(s->mr, u->set, &a);
		for (i = 0; i < n; i++)
			az_fs_select_one(s, a[i].obj, t, inst, how);
	}
}

/* Every persistent object @p ptr may point into is selected by @p t (for
 * a table, its keys and values with it), on behalf of instruction @p vid,
 * once per new bit. */
void
az_fs_select_ptr(struct az_fs *s, uint32_t vid, LLVMValueRef ptr,
		 az_hdrset_t t, enum az_sel how)
{
	LLVMValueRef inst = az_modref_value(s->mr, vid);
	size_t i;

	if ((t & ~s->sel[vid]) == 0 || ptr == NULL)
		return;
	s->sel[vid] |= t;
	if (az_pta_points_to(s->pta, ptr, &s->pts) == -ENOMEM) {
		s->err = -ENOMEM;
		return;
	}
	for (i = 0; i < s->pts.n; i++)
		az_fs_select_one(s, s->pts.v[i].obj, t, inst, how);
}

/* --- transfer ---------------------------------------------------------------- */

static void
az_fs_gep(struct az_fs *s, uint32_t vid, LLVMValueRef gep)
{
	unsigned int i, n = (unsigned int)LLVMGetNumOperands(gep);
	az_hdrset_t all = 0;
	bool var = false;

	/* The element chosen depends on the indices and on the base. */
	for (i = 0; i < n; i++) {
		all |= az_fs_of(s, LLVMGetOperand(gep, i));
		if (i != 0 && LLVMIsAConstant(LLVMGetOperand(gep, i)) == NULL)
			var = true;
	}
	az_fs_val(s, vid, all);
	if (var)
		az_fs_select_ptr(s, vid, LLVMGetOperand(gep, 0), all,
				 AZ_SEL_INDEXED);
}

static void
az_fs_load(struct az_fs *s, uint32_t vid, LLVMValueRef ld)
{
	LLVMValueRef ptr = LLVMGetOperand(ld, 0);
	az_hdrset_t t = az_fs_reads(s, vid);

	/* A load's source is fixed: found once. */
	if (!(s->src[vid] & AZ_SRC_DONE))
		s->src[vid] = AZ_SRC_DONE | az_fs_source(s, ptr,
			LLVMStoreSizeOfType(s->td, LLVMTypeOf(ld)),
			az_fs_reads_packet(s, vid));
	t |= s->src[vid] & ~AZ_SRC_DONE;
	if (LLVMGetTypeKind(LLVMTypeOf(ld)) == LLVMPointerTypeKind)
		t |= az_fs_of(s, ptr);
	az_fs_val(s, vid, t);
	az_fs_select(s, vid, az_fs_of(s, ptr), AZ_SEL_ACCESSED);
}

static void
az_fs_store(struct az_fs *s, uint32_t vid, LLVMValueRef st)
{
	LLVMValueRef ptr = LLVMGetOperand(st, 1);

	az_fs_writes(s, vid, az_fs_of(s, LLVMGetOperand(st, 0)));
	az_fs_select(s, vid, az_fs_of(s, ptr), AZ_SEL_ACCESSED);
}

static void
az_fs_update(struct az_fs *s, uint32_t vid)
{
	LLVMValueRef v = az_modref_value(s->mr, vid);
	unsigned int i, n;
	az_hdrset_t t = 0;

	if (az_modref_value_block(s->mr, vid) == AZ_NONE ||
	    !az_modref_per_packet(s->mr, vid) ||
	    s->skip[az_modref_value_fn(s->mr, vid)])
		return;
	switch (LLVMGetInstructionOpcode(v)) {
	case LLVMGetElementPtr:
		az_fs_gep(s, vid, v);
		return;
	case LLVMLoad:
		az_fs_load(s, vid, v);
		return;
	case LLVMStore:
		az_fs_store(s, vid, v);
		return;
	case LLVMCall:
	case LLVMInvoke:
		az_fs_call(s, vid, v);
		return;
	case LLVMRet:
		az_fs_ret(s, vid, v);
		return;
	case LLVMAtomicRMW:
	case LLVMAtomicCmpXchg:
		t = az_fs_reads(s, vid);
		az_fs_writes(s, vid, az_fs_of(s, LLVMGetOperand(v, 1)));
		break;
	case LLVMAlloca:
	case LLVMBr:
	case LLVMSwitch:
	case LLVMIndirectBr:
		return;
	default:
		n = (unsigned int)LLVMGetNumOperands(v);
		for (i = 0; i < n; i++)
			t |= az_fs_of(s, LLVMGetOperand(v, i));
		break;
	}
	az_fs_val(s, vid, t);
}

static void
az_fs_users(struct az_fs *s, uint32_t vid)
{
	LLVMValueRef v = az_modref_value(s->mr, vid), u;
	LLVMUseRef use;
	uint32_t uid;

	for (use = LLVMGetFirstUse(v); use != NULL; use = LLVMGetNextUse(use)) {
		u = LLVMGetUser(use);
		if (LLVMIsAInstruction(u) == NULL ||
		    (uid = az_modref_vid(s->mr, u)) == AZ_NONE)
			continue;
		az_fs_update(s, uid);
	}
}

static void
az_fs_readers(struct az_fs *s, az_loc_t l)
{
	const uint32_t *sets, *rd;
	size_t k, i, n, nr;

	n = az_modref_loc_sets(s->mr, l, false, &sets);
	for (k = 0; k < n; k++) {
		nr = az_modref_set_users(s->mr, sets[k], false, &rd);
		for (i = 0; i < nr; i++)
			az_fs_update(s, rd[i]);
	}
}

/* Bodies replaced by models: the parsers, the library functions with an
 * overriding model (sa_table), and whatever only they call. */
static void
az_fs_skip(struct az_fs *s)
{
	const struct az_cg *cg = az_modref_cg(s->mr);
	size_t nf = az_cg_n_funcs(cg), i, k, n;
	const struct az_model *model;
	const struct az_csite *cs;
	bool changed = true, all;
	LLVMValueRef fn;

	for (i = 0; i < nf; i++) {
		fn = az_cg_func(cg, (uint32_t)i);
		model = az_model_lookup(az_module_fn_name(fn));
		s->model_of[i] = model;
		if (model != NULL && (model->flags & AZ_MODEL_OVERRIDE))
			s->skip[i] = 1;
		for (k = 0; k < sizeof(az_parsers) / sizeof(az_parsers[0]); k++)
			if (strcmp(az_module_fn_name(fn), az_parsers[k]) == 0)
				s->skip[i] = 1;
	}
	while (changed) {
		changed = false;
		for (i = 0; i < nf; i++) {
			n = az_modref_csites(s->mr, (uint32_t)i, &cs);
			all = n != 0 && !s->skip[i];
			for (k = 0; k < n && all; k++)
				all = s->skip[az_modref_value_fn(s->mr,
							cs[k].call)];
			if (all) {
				s->skip[i] = 1;
				changed = true;
			}
		}
	}
}

/* Which access sets may touch packet bytes. */
static void
az_fs_packet_sets(struct az_fs *s)
{
	const struct az_access *a;
	size_t k, i, n;

	for (k = 0; k < az_modref_n_sets(s->mr); k++) {
		n = az_modref_set_raw(s->mr, (uint32_t)k, &a);
		for (i = 0; i < n && !s->set_pkt[k]; i++)
			s->set_pkt[k] = az_modref_obj_packet(s->mr, a[i].obj);
	}
}

static void
az_fs_solve(struct az_fs *s)
{
	size_t v, nv = az_modref_n_values(s->mr), done = 0;
	uint32_t id;

	az_progress_begin("flowspace", 0);
	for (v = 0; v < nv && s->err == 0; v++)
		az_fs_update(s, (uint32_t)v);
	while (s->err == 0 && (s->vq.n != 0 || s->lq.n != 0)) {
		if (s->vq.n != 0) {
			id = s->vq.v[--s->vq.n];
			s->vq_in[id] = 0;
			az_fs_users(s, id);
		} else {
			id = s->lq.v[--s->lq.n];
			s->lq_in[id] = 0;
			az_fs_readers(s, id);
		}
		az_progress_step(++done);
	}
	az_progress_end();
}

int
az_flowspace_run(const struct az_modref *mr, struct az_result *r)
{
	size_t nv = az_modref_n_values(mr), nl = az_modref_n_locs(mr);
	size_t nf = az_cg_n_funcs(az_modref_cg(mr));
	struct az_fs s;

	memset(&s, 0, sizeof(s));
	s.mr = mr;
	s.r = r;
	s.m = az_modref_module(mr);
	s.pta = az_modref_pta(mr);
	s.td = az_module_target_data(s.m);
	az_locset_init(&s.pts);
	s.vt = calloc(nv + 1, sizeof(*s.vt));
	s.lt = calloc(nl + 1, sizeof(*s.lt));
	s.vq_in = calloc(nv + 1, 1);
	s.lq_in = calloc(nl + 1, 1);
	s.skip = calloc(nf + 1, 1);
	s.pure = calloc(nf + 1, sizeof(*s.pure));
	s.src = calloc(nv + 1, sizeof(*s.src));
	s.sel = calloc(nv + 1, sizeof(*s.sel));
	s.set_pkt = calloc(az_modref_n_sets(mr) + 1, 1);
	s.set_rt = calloc(az_modref_n_sets(mr) + 1, sizeof(*s.set_rt));
	s.model_of = calloc(nf + 1, sizeof(*s.model_of));
	if (s.vt == NULL || s.lt == NULL || s.vq_in == NULL ||
	    s.lq_in == NULL || s.skip == NULL || s.pure == NULL ||
	    s.src == NULL || s.sel == NULL || s.set_pkt == NULL ||
	    s.set_rt == NULL || s.model_of == NULL)
		s.err = -ENOMEM;
	else
		az_fs_packet_sets(&s);
	if (s.err == 0) {
		az_fs_skip(&s);
		az_fs_pure(&s);
	}
	if (s.err == 0)
		az_fs_solve(&s);
	az_log(AZ_LOG_DEBUG, "flowspace: source walks: %zu memoized, at most "
	       "%zu for one load, %zu loads cut short", s.n_memo, s.max_steps,
	       s.n_cut);
	free(s.vt);
	free(s.lt);
	free(s.vq_in);
	free(s.lq_in);
	free(s.skip);
	free(s.pure);
	free(s.src);
	free(s.sel);
	free(s.set_pkt);
	free(s.set_rt);
	free(s.model_of);
	free(s.argt);
	az_fs_source_fini(&s);
	az_u32vec_fini(&s.vq);
	az_u32vec_fini(&s.lq);
	az_u32vec_fini(&s.tmp);
	az_locset_fini(&s.pts);
	if (s.err != 0)
		az_log(AZ_LOG_ERR, "flowspace: %s", strerror(-s.err));
	return s.err;
}
