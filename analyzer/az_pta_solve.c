/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Andersen solver: wave propagation (Pereira and Berlin, CGO 2009)
 * with difference propagation.
 *
 * Each wave (1) finds the strongly connected components of the copy-edge
 * graph with an iterative Tarjan and collapses each cycle into one node
 * (all nodes of a cycle end with the same points-to set, so they may as
 * well share it: union-find), which also yields a topological order;
 * (2) pushes each node's new elements (pts - old) to its successors in
 * that order, so one pass settles the whole acyclic graph; (3) runs the
 * complex constraints (loads, stores, field offsets, indirect calls, the
 * escape watch) on the elements they have not seen yet, which adds edges
 * and elements; (4) re-runs the model effects that were triggered. Waves
 * repeat until nothing changes. Cycle detection only runs after a wave
 * added edges, and only nodes with new elements do any work. In step (3)
 * a node's GEPs with the same offset share one result (a pointer merged
 * from thousands of others has thousands of field accesses but a few
 * dozen offsets), and memcpys that only waited for the node to hold a
 * pointer leave its list once it does.
 */

#include <stdlib.h>
#include <string.h>

#include "az_pta_impl.h"

/* Duplicate edges are caught cheaply at insertion by scanning this many
 * recent successors; the rest are removed at the next cycle detection. */
#define AZ_EDGE_DUP_SCAN	8
#define AZ_UNVISITED		UINT32_MAX
/* Told apart from any stride in the GEP memo's key: flagged GEPs give
 * other results. */
#define AZ_GEP_PWC_KEY		(1ull << 62)
/* Steps a walk (az_pta_pwc.c) takes before the object is collapsed: what
 * stops it within a few steps anyway (a variable index, a step out of
 * the object elsewhere) stays the reason the report gives, as it was
 * before walks were cut short. */
#define AZ_PWC_GRACE		64

static struct az_nodecx *
az_node_cx(struct az_pta *p, uint32_t n)
{
	if (p->cx[n] == NULL) {
		p->cx[n] = calloc(1, sizeof(*p->cx[n]));
		if (p->cx[n] == NULL) {
			az_pta_nomem(p);
			return NULL;
		}
		if (az_u32vec_push(&p->cx_nodes, n) < 0)
			az_pta_nomem(p);
	}
	return p->cx[n];
}

void
az_pta_add_edge(struct az_pta *p, uint32_t from, uint32_t to)
{
	struct az_u32vec *s;
	size_t i, lo;

	from = az_pta_find(p, from);
	to = az_pta_find(p, to);
	if (from == to)
		return;
	s = &p->succ[from];
	lo = s->n > AZ_EDGE_DUP_SCAN ? s->n - AZ_EDGE_DUP_SCAN : 0;
	for (i = lo; i < s->n; i++)
		if (s->v[i] == to)
			return;
	if (az_u32vec_push(s, to) < 0) {
		az_pta_nomem(p);
		return;
	}
	/* The set flows at the next propagation, once cycles through
	 * the new edge are collapsed. */
	p->edges_added = true;
	p->changed = true;
}

void
az_pta_add_pts(struct az_pta *p, uint32_t node, uint32_t loc)
{
	if (az_bits_set(&p->pts[az_pta_find(p, node)], loc))
		p->changed = true;
}

uint32_t
az_pta_add_cons(struct az_pta *p, const struct az_cons *c)
{
	uint32_t id = (uint32_t)p->n_cons, n = az_pta_find(p, c->a);
	struct az_nodecx *cx;
	size_t cap = p->cap_pending_mark;

	if (az_grow((void **)&p->cons, &p->cap_cons, p->n_cons + 1,
		    sizeof(*p->cons)) < 0 ||
	    az_grow((void **)&p->pending_mark, &cap, p->n_cons + 1, 1) < 0) {
		az_pta_nomem(p);
		return id;
	}
	memset(p->pending_mark + p->cap_pending_mark, 0,
	       cap - p->cap_pending_mark);
	p->cap_pending_mark = cap;
	p->cons[p->n_cons++] = *c;
	cx = az_node_cx(p, n);
	if (cx == NULL || az_u32vec_push(&cx->cons, id) < 0) {
		az_pta_nomem(p);
		return id;
	}
	/* A constraint added to a node that already has seen elements
	 * must see them too: let all of the node's constraints start over
	 * (they are idempotent). */
	az_bits_clear(&cx->done);
	p->changed = true;
	return id;
}

void
az_pta_attach(struct az_pta *p, uint32_t node, uint32_t id)
{
	struct az_nodecx *cx = az_node_cx(p, az_pta_find(p, node));

	if (cx == NULL || az_u32vec_push(&cx->cons, id) < 0) {
		az_pta_nomem(p);
		return;
	}
	az_bits_clear(&cx->done);
	p->changed = true;
}

void
az_pta_trigger(struct az_pta *p, uint32_t cons)
{
	if (p->pending_mark[cons])
		return;
	p->pending_mark[cons] = 1;
	if (az_u32vec_push(&p->pending, cons) < 0)
		az_pta_nomem(p);
	p->changed = true;
}

void
az_pta_merge(struct az_pta *p, uint32_t a, uint32_t b)
{
	struct az_nodecx *ca, *cb;
	size_t i;

	a = az_pta_find(p, a);
	b = az_pta_find(p, b);
	if (a == b)
		return;
	p->rep[b] = a;
	p->stats.merged++;
	az_bits_or(&p->pts[a], &p->pts[b]);
	/* Only what both had pushed is pushed to all successors now. */
	az_bits_and(&p->old[a], &p->old[b]);
	az_bits_free(&p->pts[b]);
	az_bits_free(&p->old[b]);
	for (i = 0; i < p->succ[b].n; i++)
		if (az_u32vec_push(&p->succ[a], p->succ[b].v[i]) < 0)
			az_pta_nomem(p);
	az_u32vec_fini(&p->succ[b]);
	cb = p->cx[b];
	if (cb != NULL) {
		ca = az_node_cx(p, a);
		for (i = 0; ca != NULL && i < cb->cons.n; i++)
			if (az_u32vec_push(&ca->cons, cb->cons.v[i]) < 0)
				az_pta_nomem(p);
		if (ca != NULL)
			az_bits_and(&ca->done, &cb->done);
		az_u32vec_fini(&cb->cons);
		az_bits_free(&cb->done);
		free(cb);
		p->cx[b] = NULL;
	}
	p->edges_added = true;
	p->changed = true;
}

/* Scratch of one cycle detection, per node. */
struct az_scc {
	uint32_t *index;
	uint32_t *low;
	uint32_t *stack;	/* Tarjan's stack */
	uint32_t *frames;	/* DFS: node */
	uint32_t *next;		/* DFS: next successor to visit, per node */
	uint8_t *on;
	uint32_t *order;	/* representatives, topological */
	uint32_t n_order;
	uint32_t sp;
	uint32_t counter;
};

/* Successors as representatives, without self-loops and duplicates; a
 * new edge to a node an old edge already reaches is dropped. */
static void
az_canon_succ(struct az_pta *p, uint32_t n, uint32_t *stamp)
{
	struct az_u32vec *s = &p->succ[n];
	size_t i, k = 0;
	uint32_t t, nold = 0;

	for (i = 0; i < s->n; i++) {
		if (i == p->nold[n])
			nold = (uint32_t)k;
		t = az_pta_find(p, s->v[i]);
		if (t == n || stamp[t] == n)
			continue;
		stamp[t] = n;
		s->v[k++] = t;
	}
	if (p->nold[n] >= s->n)
		nold = (uint32_t)k;
	s->n = k;
	p->nold[n] = nold;
}

/* Pops one component off Tarjan's stack: merges it into its root. */
static void
az_scc_pop(struct az_pta *p, struct az_scc *c, uint32_t root)
{
	uint32_t w;

	do {
		w = c->stack[--c->sp];
		c->on[w] = 0;
		if (w != root)
			az_pta_merge(p, root, w);
	} while (w != root);
	c->order[c->n_order++] = az_pta_find(p, root);
}

static void
az_scc_visit(struct az_pta *p, struct az_scc *c, uint32_t start)
{
	uint32_t depth = 0, v, w;

	c->frames[depth++] = start;
	c->index[start] = c->low[start] = c->counter++;
	c->next[start] = 0;
	c->stack[c->sp++] = start;
	c->on[start] = 1;
	while (depth > 0) {
		v = c->frames[depth - 1];
		if (c->next[v] < p->succ[v].n) {
			w = p->succ[v].v[c->next[v]++];
			if (c->index[w] == AZ_UNVISITED) {
				c->index[w] = c->low[w] = c->counter++;
				c->next[w] = 0;
				c->stack[c->sp++] = w;
				c->on[w] = 1;
				c->frames[depth++] = w;
			} else if (c->on[w] && c->index[w] < c->low[v]) {
				c->low[v] = c->index[w];
			}
			continue;
		}
		depth--;
		if (depth > 0 && c->low[v] < c->low[c->frames[depth - 1]])
			c->low[c->frames[depth - 1]] = c->low[v];
		if (c->low[v] == c->index[v])
			az_scc_pop(p, c, v);
	}
}

/* Collapses copy cycles and returns the representatives in topological
 * order (sources first) in *order; count in *n. */
static int
az_scc_run(struct az_pta *p, uint32_t **order, uint32_t *n)
{
	struct az_scc c = { 0 };
	uint32_t i, nn = p->n_nodes, *stamp;

	c.index = malloc(nn * sizeof(*c.index));
	c.low = malloc(nn * sizeof(*c.low));
	c.stack = malloc(nn * sizeof(*c.stack));
	c.frames = malloc(nn * sizeof(*c.frames));
	c.next = malloc(nn * sizeof(*c.next));
	c.on = calloc(nn, 1);
	c.order = malloc(nn * sizeof(*c.order));
	stamp = malloc(nn * sizeof(*stamp));
	if (!c.index || !c.low || !c.stack || !c.frames || !c.next || !c.on ||
	    !c.order || !stamp) {
		free(c.order);
		c.order = NULL;
		goto out;
	}
	memset(c.index, 0xff, nn * sizeof(*c.index));
	memset(stamp, 0xff, nn * sizeof(*stamp));
	for (i = 0; i < nn; i++)
		if (p->rep[i] == i)
			az_canon_succ(p, i, stamp);
	for (i = 0; i < nn; i++)
		if (p->rep[i] == i && c.index[i] == AZ_UNVISITED)
			az_scc_visit(p, &c, i);
	/* Tarjan emits components sinks first. */
	for (i = 0; i < c.n_order / 2; i++) {
		uint32_t t = c.order[i];

		c.order[i] = c.order[c.n_order - 1 - i];
		c.order[c.n_order - 1 - i] = t;
	}
out:
	free(c.index);
	free(c.low);
	free(c.stack);
	free(c.frames);
	free(c.next);
	free(c.on);
	free(stamp);
	*order = c.order;
	*n = c.n_order;
	return c.order != NULL ? 0 : az_pta_nomem(p);
}

/* Pushes each node's new elements to its successors, in topological
 * order. Returns true if anything moved. */
static bool
az_propagate(struct az_pta *p, const uint32_t *order, uint32_t n)
{
	struct az_bits *delta = &p->tmp;
	bool moved = false;
	uint32_t i, v, s;
	size_t k;

	for (i = 0; i < n; i++) {
		v = az_pta_find(p, order[i]);
		if (p->succ[v].n == 0)
			continue;
		az_bits_diff(delta, &p->pts[v], &p->old[v]);
		if (az_bits_empty(delta) && p->nold[v] == p->succ[v].n)
			continue;
		for (k = 0; k < p->succ[v].n; k++) {
			s = az_pta_find(p, p->succ[v].v[k]);
			if (s != v && az_bits_or(&p->pts[s], k < p->nold[v] ?
						 delta : &p->pts[v]))
				moved = true;
		}
		p->nold[v] = (uint32_t)p->succ[v].n;
		az_bits_or(&p->old[v], delta);
		az_progress_step(p->stats.waves);
	}
	return moved;
}

/* The location constraint GEP @p c makes of @p loc. */
static uint32_t
az_cons_gep(struct az_pta *p, const struct az_cons *c, uint32_t loc)
{
	az_obj_t o = p->locs[loc].obj;
	size_t n_locs = p->n_locs;
	uint32_t r;

	/* A collapsed object has one location, at AZ_OFF_ANY. */
	if (p->objs[o].info.collapsed)
		return p->objs[o].fields[0].loc;
	if (c->stride != 0 &&
	    !az_pta_folds(p, o, p->locs[loc].off + (uint64_t)c->off,
			  c->stride))
		az_pta_collapse(p, o, c->inst);
	else if (c->pwc && az_pta_flat(p, o) &&
		 p->objs[o].walked >= AZ_PWC_GRACE)
		/* It would walk off the end: az_pta_pwc.c. */
		az_pta_collapse(p, o, c->inst);
	r = az_pta_loc_at(p, loc, c->off, c->inst);
	if (p->n_locs != n_locs && !p->objs[o].info.collapsed &&
	    az_pta_flat(p, o)) {
		p->pwc_check = true;
		p->objs[o].walked += c->pwc;
	}
	return r;
}

static int
az_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The locations GEP constraint @p c makes of @p delta. Computed once per
 * (offset, stride) in a node's pass: a pointer that many field accesses
 * go through (one merged by cycle collapsing above all) has thousands of
 * GEPs but a few dozen distinct offsets. Valid until the next call. */
static const struct az_bits *
az_gep_result(struct az_pta *p, const struct az_cons *c,
	      const struct az_bits *delta)
{
	uint64_t kb = c->stride ^ (c->pwc ? AZ_GEP_PWC_KEY : 0), hit;
	struct az_bits *res;
	uint32_t loc;
	size_t i;

	hit = az_pairmap_get(&p->gep_memo, (uint64_t)c->off, kb);
	if (hit != AZ_PAIRMAP_NONE && hit >> 32 == p->gep_gen)
		return &p->gep_res[(uint32_t)hit];
	i = p->cap_gep_res;
	if (az_grow((void **)&p->gep_res, &p->cap_gep_res, p->n_gep_res + 1,
		    sizeof(*p->gep_res)) < 0 ||
	    az_pairmap_put(&p->gep_memo, (uint64_t)c->off, kb,
			   (uint64_t)p->gep_gen << 32 | p->n_gep_res) < 0) {
		az_pta_nomem(p);
		return &p->tmp_gep;
	}
	memset(p->gep_res + i, 0, (p->cap_gep_res - i) * sizeof(*p->gep_res));
	/* Targets gathered, then sorted: one union instead of many
	 * out-of-order inserts. */
	p->gep_buf.n = 0;
	AZ_BITS_FOREACH(delta, loc, {
		if (az_u32vec_push(&p->gep_buf, az_cons_gep(p, c, loc)) < 0)
			az_pta_nomem(p);
	});
	qsort(p->gep_buf.v, p->gep_buf.n, sizeof(*p->gep_buf.v), az_u32_cmp);
	res = &p->gep_res[p->n_gep_res++];
	az_bits_clear(res);
	for (i = 0; i < p->gep_buf.n; i++)
		az_bits_set(res, p->gep_buf.v[i]);
	return res;
}

static void
az_cons_icall(struct az_pta *p, const struct az_cons *c, uint32_t loc)
{
	const struct az_obj_info *in = &p->objs[p->locs[loc].obj].info;

	if (in->kind == AZ_OBJ_FUNCTION)
		az_pta_bind(p, c->x, in->site);
	else
		az_pta_bind(p, c->x, NULL);
}

/* Runs constraint @p id on the elements in @p delta. */
static void
az_cons_run(struct az_pta *p, uint32_t id, const struct az_bits *delta)
{
	struct az_cons c = p->cons[id];
	uint32_t loc;

	if (c.kind == AZ_C_EFFECT || c.kind == AZ_C_MEMCPY) {
		az_pta_trigger(p, id);
		return;
	}
	if (c.kind == AZ_C_GEP) {
		if (az_bits_or(&p->pts[az_pta_find(p, c.b)],
			       az_gep_result(p, &c, delta)))
			p->changed = true;
		return;
	}
	AZ_BITS_FOREACH(delta, loc, {
		switch (c.kind) {
		case AZ_C_LOAD:
			az_pta_add_edge(p, p->locs[loc].node, c.b);
			break;
		case AZ_C_STORE:
			az_pta_add_edge(p, c.b, p->locs[loc].node);
			break;
		case AZ_C_ICALL:
			az_cons_icall(p, &c, loc);
			break;
		case AZ_C_ESCAPE_WATCH:
			az_pta_escape_obj(p, p->locs[loc].obj);
			break;
		default:
			break;
		}
	});
}

/* Runs complex constraints on what their nodes have not seen. */
static bool
az_complex(struct az_pta *p)
{
	struct az_bits delta = { 0 };
	struct az_u32vec ids = { 0 };
	struct az_nodecx *cx;
	bool work = false;
	size_t i, j, k = 0;
	uint32_t n;

	/* Drop nodes merged away since the last pass. */
	for (i = 0; i < p->cx_nodes.n; i++) {
		n = p->cx_nodes.v[i];
		if (p->rep[n] == n && p->cx[n] != NULL)
			p->cx_nodes.v[k++] = n;
	}
	p->cx_nodes.n = k;
	for (i = 0; i < p->cx_nodes.n; i++) {
		n = az_pta_find(p, p->cx_nodes.v[i]);
		cx = p->cx[n];
		if (cx == NULL)
			continue;
		az_bits_diff(&delta, &p->pts[n], &cx->done);
		if (az_bits_empty(&delta))
			continue;
		az_bits_or(&cx->done, &delta);
		/* Constraints may merge this node away meanwhile: iterate a
		 * copy of its list, leaving out (for good) the memcpys that
		 * no longer wait for this node. */
		ids.n = 0;
		for (j = 0, k = 0; j < cx->cons.n; j++) {
			if (p->cons[cx->cons.v[j]].kind == AZ_C_MEMCPY &&
			    az_pta_memcpy_done_with(p, cx->cons.v[j], n))
				continue;
			cx->cons.v[k++] = cx->cons.v[j];
			if (az_u32vec_push(&ids, cx->cons.v[j]) < 0)
				az_pta_nomem(p);
		}
		cx->cons.n = k;
		p->gep_gen++;
		for (j = 0; j < ids.n; j++)
			az_cons_run(p, ids.v[j], &delta);
		work = true;
	}
	az_bits_free(&delta);
	az_u32vec_fini(&ids);
	return work;
}

static bool
az_effects(struct az_pta *p)
{
	const struct az_cons *c;
	bool work = false;
	uint32_t id;

	while (p->mc_redo.n >= 2) {
		p->mc_redo.n -= 2;
		az_pta_redo_memcpy(p, p->mc_redo.v[p->mc_redo.n],
				   p->mc_redo.v[p->mc_redo.n + 1]);
		work = true;
	}
	while (p->pending.n != 0) {
		id = p->pending.v[--p->pending.n];
		p->pending_mark[id] = 0;
		c = &p->cons[id];
		if (c->kind == AZ_C_MEMCPY)
			az_pta_run_memcpy(p, id);
		else
			az_pta_run_effect(p, id);
		work = true;
	}
	return work;
}

static void
az_solve_stats(struct az_pta *p)
{
	size_t i, edges = 0, bytes = 0;

	for (i = 0; i < p->n_nodes; i++) {
		if (p->rep[i] != i)
			continue;
		edges += p->succ[i].n;
		bytes += (size_t)(p->pts[i].cap + p->old[i].cap) *
			 sizeof(struct az_bword);
		if (p->cx[i] != NULL)
			bytes += (size_t)p->cx[i]->done.cap *
				 sizeof(struct az_bword);
	}
	p->stats.copy_edges = edges;
	p->stats.set_bytes = bytes;
}

/* What only solving needs (the sets already pushed or seen, memcpy
 * progress) goes once it is done: the phases after the pointer analysis
 * run beside its result, and these would be a second copy of it. */
static void
az_solve_release(struct az_pta *p)
{
	size_t i;

	for (i = 0; i < p->n_nodes; i++) {
		az_bits_free(&p->old[i]);
		if (p->cx[i] != NULL)
			az_bits_free(&p->cx[i]->done);
	}
	for (i = 0; i < p->n_mcs; i++) {
		az_bits_free(&p->mcs[i].src);
		az_bits_free(&p->mcs[i].dst);
		az_bits_free(&p->mcs[i].deferred);
	}
	for (i = 0; i < p->cap_gep_res; i++)
		az_bits_free(&p->gep_res[i]);
	az_pairmap_fini(&p->gep_memo);
	az_u32vec_fini(&p->gep_buf);
	az_pairmap_fini(&p->watched);
}

int
az_pta_solve(struct az_pta *p)
{
	uint32_t *order = NULL, n_order = 0;
	bool work = true;
	int rc = 0;

	az_progress_begin("pointer analysis: solving", 0);
	while (work && rc == 0) {
		p->stats.waves++;
		if (p->pwc_check) {
			p->pwc_check = false;
			rc = az_pta_pwc(p);
			if (rc < 0)
				break;
		}
		if (order == NULL || p->edges_added) {
			free(order);
			p->edges_added = false;
			rc = az_scc_run(p, &order, &n_order);
			if (rc < 0)
				break;
		}
		p->changed = false;
		work = az_propagate(p, order, n_order);
		work |= az_complex(p);
		work |= az_effects(p);
		work |= p->changed;
	}
	free(order);
	az_progress_end();
	az_solve_stats(p);
	az_solve_release(p);
	return rc;
}
