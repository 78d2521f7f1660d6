/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Backward slice from the output statements. Facts are values (vid),
 * locations, blocks and functions; each fact records the output call it
 * was reached from (its origin), which is both the "visited" mark and the
 * last hop of the reason chain. One queue per kind of fact; the loop
 * drains them until none has work.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_dom.h"
#include "az_slice.h"

#define AZ_NONE		UINT32_MAX
#define AZ_REASON_MAX	768

/* Arguments of an output that carry its data: the others (the context,
 * the packet whose verdict it is) carry none. */
struct az_out_policy {
	const char *name;
	int8_t arg;		/**< the one relevant argument, -1: all */
	int8_t mem_arg;		/**< memory reached from it, -1: none */
	bool all_mem;		/**< memory reached from every argument */
};

static const struct az_out_policy az_out_policies[] = {
	{ "sa_emit", 2, 1, false },
	{ "sa_drop", 2, -1, false },
};

static const struct az_out_policy az_out_default = { NULL, -1, -1, true };

struct az_slice {
	const struct az_modref *mr;
	struct az_result *r;
	struct az_module *m;
	const struct az_pta *pta;
	uint32_t *vorig, *lorig, *borig, *forig;
	struct az_u32vec vq, lq, bq, fq;
	struct az_dom **pdom;		/* per function, built on demand */
	/* per access set: its locations were made relevant as read / its
	 * writers were */
	uint8_t *set_read, *set_written;
	uint8_t *reached;		/* per object: output memory visited */
	bool escaped_reached;		/* ... and all escaped objects were */
	bool wild_done;			/* wild calls are relevant */
	bool escaped_done;		/* escaped locations are relevant */
	struct az_locset pts;
	int err;
};

static void
az_sl_push(struct az_slice *s, struct az_u32vec *q, uint32_t *orig,
	   uint32_t id, uint32_t origin)
{
	if (id == AZ_NONE || orig[id] != AZ_NONE)
		return;
	orig[id] = origin;
	if (az_u32vec_push(q, id) != 0)
		s->err = -ENOMEM;
}

static void
az_sl_value(struct az_slice *s, LLVMValueRef v, uint32_t origin)
{
	if (v == NULL || (LLVMIsAInstruction(v) == NULL &&
			  LLVMIsAArgument(v) == NULL))
		return;
	az_sl_push(s, &s->vq, s->vorig, az_modref_vid(s->mr, v), origin);
}

static void
az_sl_loc(struct az_slice *s, az_loc_t l, uint32_t origin)
{
	az_sl_push(s, &s->lq, s->lorig, l, origin);
}

static void
az_sl_block(struct az_slice *s, uint32_t bid, uint32_t origin)
{
	if (bid != AZ_NONE && az_modref_block_per_packet(s->mr, bid))
		az_sl_push(s, &s->bq, s->borig, bid, origin);
}

static void
az_sl_operands(struct az_slice *s, LLVMValueRef inst, unsigned int from,
	       unsigned int to, uint32_t origin)
{
	unsigned int i;

	for (i = from; i < to; i++)
		az_sl_value(s, LLVMGetOperand(inst, i), origin);
}

/* --- reasons ---------------------------------------------------------- */

static const char *
az_callee_name(struct az_slice *s, LLVMValueRef call)
{
	LLVMValueRef c = LLVMGetCalledValue(call);

	return LLVMIsAFunction(c) != NULL ? az_fn_label(s->r, c) :
					    "an indirect call";
}

/* "read by f (x.c:1) -> sa_emit (y.c:2)": the first and the last hop. */
static void
az_sl_reason(struct az_slice *s, const char *verb, uint32_t vid,
	     uint32_t origin, char *buf, size_t size)
{
	LLVMValueRef inst = az_modref_value(s->mr, vid);
	LLVMValueRef out = az_modref_value(s->mr, origin);
	char l1[AZ_REASON_MAX / 3], l2[AZ_REASON_MAX / 3];
	const char *fn = az_fn_label(s->r, az_cg_func(az_modref_cg(s->mr),
				     az_modref_value_fn(s->mr, vid)));

	az_module_loc_str(s->m, inst, false, l1, sizeof(l1));
	az_module_loc_str(s->m, out, false, l2, sizeof(l2));
	if (vid == origin)
		snprintf(buf, size, "%s %s (%s)", verb, az_callee_name(s, out), l2);
	else
		snprintf(buf, size, "%s %s (%s) -> %s (%s)", verb, fn, l1,
			 az_callee_name(s, out), l2);
}

struct az_sl_mark {
	struct az_slice *s;
	struct az_robj *ro;
	const char *reason;
};

static void
az_sl_mark_cb(void *arg, uint64_t lo, uint64_t hi)
{
	struct az_sl_mark *mk = arg;

	az_result_mark(mk->s->r, mk->ro, AZ_FLAG_OUTPUT, lo, hi, mk->reason);
}

/* What relevant instruction @p vid may read: its read sets' locations,
 * each set once, and the persistent fields among them, marked with the
 * first reason that reaches them. */
static void
az_sl_reads(struct az_slice *s, uint32_t vid, uint32_t origin)
{
	char reason[AZ_REASON_MAX];
	struct az_sl_mark mk = { s, NULL, NULL };
	const struct az_access *raw;
	const struct az_use *u;
	const az_loc_t *locs;
	size_t k, i, n, nu;

	nu = az_modref_uses(s->mr, vid, &u);
	for (k = 0; k < nu; k++, u++) {
		if (u->wr || s->set_read[u->set])
			continue;
		s->set_read[u->set] = 1;
		n = az_modref_set_locs(s->mr, u->set, false, &locs);
		for (i = 0; i < n; i++)
			az_sl_loc(s, locs[i], origin);
		n = az_modref_set_raw(s->mr, u->set, &raw);
		for (i = 0; i < n; i++) {
			mk.ro = az_result_obj(s->r, raw[i].obj);
			if (mk.ro == NULL)
				continue;
			if (mk.reason == NULL) {
				az_sl_reason(s, "read by", vid, origin, reason,
					     sizeof(reason));
				mk.reason = reason;
			}
			az_modref_fold(s->mr, &raw[i], az_sl_mark_cb, &mk);
		}
	}
}

/* --- unknown code ------------------------------------------------------ */

static void
az_sl_escaped(struct az_slice *s, uint32_t origin)
{
	char reason[AZ_REASON_MAX];
	size_t l, i;

	if (s->escaped_done)
		return;
	s->escaped_done = true;
	for (l = 0; l < az_modref_n_locs(s->mr); l++)
		if (az_modref_loc_escaped(s->mr, (az_loc_t)l))
			az_sl_loc(s, (az_loc_t)l, origin);
	snprintf(reason, sizeof(reason), "escaped: may be read by unknown code "
		 "that reaches %s", az_callee_name(s, az_modref_value(s->mr,
								   origin)));
	for (i = 0; i < s->r->n_objs; i++)
		if (az_pta_obj(s->pta, s->r->objs[i].obj)->escaped)
			az_result_mark(s->r, &s->r->objs[i], AZ_FLAG_OUTPUT,
				       AZ_OFF_ANY, AZ_OFF_ANY, reason);
}

static void
az_sl_wild_writers(struct az_slice *s, uint32_t origin)
{
	const uint32_t *w;
	size_t i, n;

	if (s->wild_done)
		return;
	s->wild_done = true;
	n = az_modref_wild(s->mr, &w);
	for (i = 0; i < n; i++)
		az_sl_push(s, &s->vq, s->vorig, w[i], origin);
}

/* --- output criteria ------------------------------------------------------ */

static const struct az_out_policy *
az_out_policy(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(az_out_policies) / sizeof(az_out_policies[0]);
	     i++)
		if (strcmp(az_out_policies[i].name, name) == 0)
			return &az_out_policies[i];
	return &az_out_default;
}

static bool
az_sl_is_escaped(struct az_slice *s, az_obj_t o)
{
	const struct az_obj_info *in = az_pta_obj(s->pta, o);

	return in->escaped || in->kind == AZ_OBJ_UNKNOWN;
}

/* Queues every escaped object not reached yet (their locations become
 * relevant when the queue gets to them; their contents are escaped). */
static void
az_sl_escaped_objs(struct az_slice *s, struct az_u32vec *q)
{
	size_t o, n = az_pta_n_objects(s->pta);

	if (s->escaped_reached)
		return;
	s->escaped_reached = true;
	for (o = 0; o < n; o++)
		if (az_sl_is_escaped(s, (az_obj_t)o) && !s->reached[o]++ &&
		    az_u32vec_push(q, (uint32_t)o) != 0)
			s->err = -ENOMEM;
}

/* Every location of every object reachable from @p ptr, and the
 * persistent ones among those objects whole. An object is visited once
 * per slice: what an earlier output reached is relevant already. */
static void
az_sl_reach_mem(struct az_slice *s, LLVMValueRef ptr, uint32_t origin)
{
	struct az_u32vec q = { NULL, 0, 0 };
	char reason[AZ_REASON_MAX];
	az_loc_t first, k;
	size_t i, j, n;

	if (az_pta_points_to(s->pta, ptr, &s->pts) == -ENOMEM) {
		s->err = -ENOMEM;
		return;
	}
	for (i = 0; i < s->pts.n; i++)
		if (!s->reached[s->pts.v[i].obj]++ &&
		    az_u32vec_push(&q, s->pts.v[i].obj) != 0)
			s->err = -ENOMEM;
	if (q.n != 0)
		az_sl_reason(s, "read by", origin, origin, reason,
			     sizeof(reason));
	for (i = 0; i < q.n && s->err == 0; i++) {
		struct az_robj *ro = az_result_obj(s->r, q.v[i]);

		if (ro != NULL)
			az_result_mark(s->r, ro, AZ_FLAG_OUTPUT, AZ_OFF_ANY,
				       AZ_OFF_ANY, reason);
		n = az_modref_obj_locs(s->mr, q.v[i], &first);
		for (k = first; k < first + n; k++)
			az_sl_loc(s, k, origin);
		/* Escaped memory reaches only escaped memory, all of which
		 * unknown code may link together: taken whole, once. */
		if (az_sl_is_escaped(s, q.v[i])) {
			az_sl_escaped_objs(s, &q);
			continue;
		}
		if (az_pta_contents(s->pta, q.v[i], AZ_OFF_ANY, &s->pts) != 0)
			s->err = -ENOMEM;
		for (j = 0; j < s->pts.n; j++)
			if (!s->reached[s->pts.v[j].obj]++ &&
			    az_u32vec_push(&q, s->pts.v[j].obj) != 0)
				s->err = -ENOMEM;
	}
	az_u32vec_fini(&q);
}

/* Writers to the standard output, outputs like fprintf, besides what the
 * models flag. */
static const char *const az_stdout_writers[] = {
	"printf", "__printf_chk", "vprintf", "__vprintf_chk", "puts",
	"putchar", "fputs", "fputc", "putc", "fwrite", "vfprintf",
	"__vfprintf_chk", "dprintf", "__dprintf_chk", "perror",
};

static bool
az_sl_output_name(const char *name)
{
	size_t i;

	if (az_model_is_output(name))
		return true;
	for (i = 0; i < sizeof(az_stdout_writers) /
			sizeof(az_stdout_writers[0]); i++)
		if (strcmp(az_stdout_writers[i], name) == 0)
			return true;
	return false;
}

static bool
az_sl_is_output(struct az_slice *s, LLVMValueRef call, const char **name)
{
	const LLVMValueRef *fns;
	size_t i, n;

	n = az_pta_callees(s->pta, call, &fns, NULL);
	for (i = 0; i < n; i++) {
		if (az_sl_output_name(az_module_fn_name(fns[i]))) {
			*name = az_module_fn_name(fns[i]);
			return true;
		}
	}
	return false;
}

static void
az_sl_seed(struct az_slice *s, uint32_t vid, const char *name)
{
	const struct az_out_policy *p = az_out_policy(name);
	LLVMValueRef call = az_modref_value(s->mr, vid);
	unsigned int i, nargs = LLVMGetNumArgOperands(call);

	az_sl_block(s, az_modref_value_block(s->mr, vid), vid);
	if (LLVMIsAFunction(LLVMGetCalledValue(call)) == NULL)
		az_sl_value(s, LLVMGetCalledValue(call), vid);
	for (i = 0; i < nargs; i++) {
		if (p->arg < 0 || (unsigned int)p->arg == i)
			az_sl_value(s, LLVMGetOperand(call, i), vid);
		if (p->all_mem || (unsigned int)p->mem_arg == i)
			az_sl_reach_mem(s, LLVMGetOperand(call, i), vid);
	}
}

static void
az_sl_seeds(struct az_slice *s)
{
	size_t v, n = az_modref_n_values(s->mr);
	const char *name;
	LLVMValueRef inst;

	for (v = 0; v < n && s->err == 0; v++) {
		inst = az_modref_value(s->mr, (uint32_t)v);
		if (!az_modref_per_packet(s->mr, (uint32_t)v) ||
		    (LLVMIsACallInst(inst) == NULL &&
		     LLVMIsAInvokeInst(inst) == NULL))
			continue;
		if (az_sl_is_output(s, inst, &name))
			az_sl_seed(s, (uint32_t)v, name);
	}
}

/* --- expansion ------------------------------------------------------------- */

static unsigned int
az_param_index(LLVMValueRef arg)
{
	LLVMValueRef p = LLVMGetFirstParam(LLVMGetParamParent(arg));
	unsigned int i = 0;

	while (p != NULL && p != arg) {
		p = LLVMGetNextParam(p);
		i++;
	}
	return i;
}

static void
az_sl_param(struct az_slice *s, uint32_t vid, uint32_t origin)
{
	LLVMValueRef arg = az_modref_value(s->mr, vid);
	unsigned int idx = az_param_index(arg);
	const struct az_csite *cs;
	size_t i, n;

	n = az_modref_csites(s->mr, az_modref_value_fn(s->mr, vid), &cs);
	for (i = 0; i < n; i++)
		az_sl_value(s, az_modref_csite_arg(s->mr, &cs[i], idx), origin);
}

/* A relevant call: what its result and its writes depend on. */
static void
az_sl_call(struct az_slice *s, uint32_t vid, uint32_t origin)
{
	LLVMValueRef call = az_modref_value(s->mr, vid);
	LLVMValueRef callee = LLVMGetCalledValue(call);
	unsigned int nargs = LLVMGetNumArgOperands(call);
	const struct az_use *uses;
	const LLVMValueRef *fns;
	const uint32_t *rets;
	size_t i, k, n, nr;
	int32_t f;

	if (LLVMIsAFunction(callee) == NULL)
		az_sl_value(s, callee, origin);
	n = az_pta_callees(s->pta, call, &fns, NULL);
	for (i = 0; i < n; i++) {
		f = az_cg_index(az_modref_cg(s->mr), fns[i]);
		if (f < 0 || LLVMIsDeclaration(fns[i]))
			continue;
		nr = az_modref_rets(s->mr, (uint32_t)f, &rets);
		for (k = 0; k < nr; k++)
			az_sl_push(s, &s->vq, s->vorig, rets[k], origin);
	}
	/* Memory effects (models, intrinsics) and unknown code depend on
	 * all arguments; a call to a body only through its parameters. */
	if (az_modref_uses(s->mr, vid, &uses) != 0 ||
	    az_modref_is_wild(s->mr, vid) ||
	    (LLVMIsAFunction(callee) != NULL && LLVMIsDeclaration(callee)))
		az_sl_operands(s, call, 0, nargs, origin);
	if (az_modref_is_wild(s->mr, vid))
		az_sl_escaped(s, origin);
}

static void
az_sl_phi(struct az_slice *s, LLVMValueRef phi, uint32_t origin)
{
	unsigned int i, n = LLVMCountIncoming(phi);
	LLVMBasicBlockRef bb;

	for (i = 0; i < n; i++) {
		az_sl_value(s, LLVMGetIncomingValue(phi, i), origin);
		bb = LLVMGetIncomingBlock(phi, i);
		az_sl_value(s, LLVMGetBasicBlockTerminator(bb), origin);
	}
}

static void
az_sl_expand_value(struct az_slice *s, uint32_t vid)
{
	LLVMValueRef v = az_modref_value(s->mr, vid);
	uint32_t origin = s->vorig[vid];

	if (!az_modref_per_packet(s->mr, vid))
		return;
	if (az_modref_value_block(s->mr, vid) == AZ_NONE) {
		az_sl_param(s, vid, origin);
		return;
	}
	az_sl_block(s, az_modref_value_block(s->mr, vid), origin);
	az_sl_reads(s, vid, origin);
	switch (LLVMGetInstructionOpcode(v)) {
	case LLVMCall:
	case LLVMInvoke:
		az_sl_call(s, vid, origin);
		break;
	case LLVMPHI:
		az_sl_phi(s, v, origin);
		break;
	case LLVMAlloca:
		break;
	default:
		az_sl_operands(s, v, 0, (unsigned int)LLVMGetNumOperands(v),
			       origin);
		break;
	}
}

/* Writers of a relevant location, and for varargs the extra arguments of
 * every call to the variadic function. */
static void
az_sl_expand_loc(struct az_slice *s, az_loc_t l)
{
	const struct az_obj_info *in;
	const struct az_csite *cs;
	const uint32_t *w, *sets;
	uint32_t origin = s->lorig[l];
	size_t k, n, nw, i;
	unsigned int np, a;
	int32_t f;

	n = az_modref_loc_sets(s->mr, l, true, &sets);
	for (k = 0; k < n; k++) {
		if (s->set_written[sets[k]])
			continue;
		s->set_written[sets[k]] = 1;
		nw = az_modref_set_users(s->mr, sets[k], true, &w);
		for (i = 0; i < nw; i++)
			az_sl_push(s, &s->vq, s->vorig, w[i], origin);
	}
	if (az_modref_loc_escaped(s->mr, l))
		az_sl_wild_writers(s, origin);
	in = az_pta_obj(s->pta, az_modref_loc(s->mr, l)->obj);
	if (in->kind != AZ_OBJ_VARARGS ||
	    (f = az_cg_index(az_modref_cg(s->mr), in->func)) < 0)
		return;
	np = LLVMCountParams(in->func);
	n = az_modref_csites(s->mr, (uint32_t)f, &cs);
	for (k = 0; k < n; k++) {
		LLVMValueRef call = az_modref_value(s->mr, cs[k].call);

		for (a = np; cs[k].cb == NULL &&
			     a < LLVMGetNumArgOperands(call); a++)
			az_sl_value(s, LLVMGetOperand(call, a), origin);
	}
}

static struct az_dom *
az_sl_pdom(struct az_slice *s, uint32_t fn)
{
	if (s->pdom[fn] == NULL &&
	    az_dom_build(az_cg_func(az_modref_cg(s->mr), fn), AZ_DOM_POST,
			 &s->pdom[fn]) == -ENOMEM)
		s->err = -ENOMEM;
	return s->pdom[fn];
}

static void
az_sl_expand_block(struct az_slice *s, uint32_t bid)
{
	uint32_t fn = az_modref_block_fn(s->mr, bid);
	uint32_t first = az_modref_fn_first_block(s->mr, fn);
	uint32_t origin = s->borig[bid];
	struct az_dom *pd = az_sl_pdom(s, fn);
	const uint32_t *cd;
	size_t i, n;

	az_sl_push(s, &s->fq, s->forig, fn, origin);
	if (pd == NULL)
		return;
	n = az_dom_cdeps(pd, bid - first, &cd);
	for (i = 0; i < n; i++)
		az_sl_value(s, LLVMGetBasicBlockTerminator(
				az_modref_block(s->mr, first + cd[i])), origin);
}

static void
az_sl_expand_fn(struct az_slice *s, uint32_t fn)
{
	const struct az_csite *cs;
	size_t i, n;

	n = az_modref_csites(s->mr, fn, &cs);
	for (i = 0; i < n; i++)
		az_sl_block(s, az_modref_value_block(s->mr, cs[i].call),
			    s->forig[fn]);
}

static void
az_sl_drain(struct az_slice *s)
{
	size_t done = 0;

	az_progress_begin("slice", 0);
	while (s->err == 0) {
		if (s->vq.n != 0)
			az_sl_expand_value(s, s->vq.v[--s->vq.n]);
		else if (s->lq.n != 0)
			az_sl_expand_loc(s, s->lq.v[--s->lq.n]);
		else if (s->bq.n != 0)
			az_sl_expand_block(s, s->bq.v[--s->bq.n]);
		else if (s->fq.n != 0)
			az_sl_expand_fn(s, s->fq.v[--s->fq.n]);
		else
			break;
		az_progress_step(++done);
	}
	az_progress_end();
}

static uint32_t *
az_sl_alloc_orig(size_t n)
{
	uint32_t *v = malloc((n + 1) * sizeof(*v));
	size_t i;

	for (i = 0; v != NULL && i < n + 1; i++)
		v[i] = AZ_NONE;
	return v;
}

int
az_slice_run(const struct az_modref *mr, struct az_result *r)
{
	size_t nf = az_cg_n_funcs(az_modref_cg(mr)), i;
	struct az_slice s;

	memset(&s, 0, sizeof(s));
	s.mr = mr;
	s.r = r;
	s.m = az_modref_module(mr);
	s.pta = az_modref_pta(mr);
	az_locset_init(&s.pts);
	s.vorig = az_sl_alloc_orig(az_modref_n_values(mr));
	s.lorig = az_sl_alloc_orig(az_modref_n_locs(mr));
	s.borig = az_sl_alloc_orig(az_modref_n_blocks(mr));
	s.forig = az_sl_alloc_orig(nf);
	s.pdom = calloc(nf + 1, sizeof(*s.pdom));
	s.set_read = calloc(az_modref_n_sets(mr) + 1, 1);
	s.set_written = calloc(az_modref_n_sets(mr) + 1, 1);
	s.reached = calloc(az_pta_n_objects(s.pta) + 1, 1);
	if (s.vorig == NULL || s.lorig == NULL || s.borig == NULL ||
	    s.forig == NULL || s.pdom == NULL || s.set_read == NULL ||
	    s.set_written == NULL || s.reached == NULL)
		s.err = -ENOMEM;
	if (s.err == 0)
		az_sl_seeds(&s);
	az_sl_drain(&s);
	for (i = 0; s.pdom != NULL && i < nf; i++)
		az_dom_free(s.pdom[i]);
	free(s.pdom);
	free(s.set_read);
	free(s.set_written);
	free(s.reached);
	free(s.vorig);
	free(s.lorig);
	free(s.borig);
	free(s.forig);
	az_u32vec_fini(&s.vq);
	az_u32vec_fini(&s.lq);
	az_u32vec_fini(&s.bq);
	az_u32vec_fini(&s.fq);
	az_locset_fini(&s.pts);
	if (s.err != 0)
		az_log(AZ_LOG_ERR, "slice: %s", strerror(-s.err));
	return s.err;
}
