/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cycles of nonzero offset ("positive weight cycles", Pearce, Kelly and
 * Hankin, TOPLAS 2007). `while (...) p++;` is a copy cycle through a GEP
 * of offset 1, and every time round it the pointer gets one more location
 * of what it points to. In an object whose type folds offsets (arrays)
 * that ends after a few rounds; in a flat object (untyped heap memory, a
 * raw buffer: az_pta_flat()) it ends only when the offset leaves the
 * object or passes the bound on raw offsets, which collapses the object,
 * after one wave or so per byte: a million waves for a parser that walks
 * a malloc'ed buffer.
 *
 * Here the end is foreseen instead of reached. Take the graph of copy
 * edges (offset 0) and GEP constraints (their constant offset). In one of
 * its strongly connected components, either every cycle's offsets sum to
 * zero, and then each node has a consistent potential (offset from a root
 * of the component), or some cycle's do not. In the latter case every
 * location that reaches the component goes round that cycle again and
 * again, and a location of a flat object moves by the same nonzero amount
 * each time until it leaves the object: the object collapses, whatever
 * else happens. So the GEP constraints of such a component are flagged,
 * and a flagged GEP collapses a flat object as soon as it sees one of its
 * locations (az_pta_solve.c): the fixpoint is the same, without the walk.
 * A GEP with a variable index collapses a flat object anyway, so only the
 * constant part of the offset counts. Edges that other constraints make
 * (memcpy, model effects) are left out: a cycle missed only costs time.
 *
 * The search runs when a GEP has just made a new location in a flat
 * object, so a program that never walks memory pays nothing for it.
 */

#include <stdlib.h>
#include <string.h>

#include "az_pta_impl.h"

#define AZ_PWC_UNVISITED	UINT32_MAX
/* Not an edge: a constraint of the node's list other than a GEP. */
#define AZ_PWC_SKIP		AZ_NODE_NONE

/* Scratch of one search, per node. */
struct az_pwc {
	uint32_t *index;
	uint32_t *low;
	uint32_t *stack;	/* Tarjan's stack */
	uint32_t *frames;	/* DFS: node */
	uint32_t *next;		/* DFS: next edge to visit, per node */
	uint32_t *comp;		/* component id once popped */
	int64_t *pot;		/* potential: offset from the component root */
	uint8_t *on;
	uint8_t *has_pot;
	uint32_t sp;
	uint32_t counter;
	uint32_t n_comp;
	size_t flagged;
};

/* Edge @p k of representative @p v: its copy edges, then the entries of
 * its constraint list (GEPs are edges, the others AZ_PWC_SKIP). False
 * past the last one. */
static bool
az_pwc_edge(struct az_pta *p, uint32_t v, uint32_t k, uint32_t *to,
	    int64_t *off)
{
	const struct az_nodecx *cx = p->cx[v];
	const struct az_cons *c;

	*off = 0;
	if (k < p->succ[v].n) {
		*to = az_pta_find(p, p->succ[v].v[k]);
		return true;
	}
	k -= (uint32_t)p->succ[v].n;
	if (cx == NULL || k >= cx->cons.n)
		return false;
	c = &p->cons[cx->cons.v[k]];
	if (c->kind != AZ_C_GEP || az_pta_find(p, c->a) != v) {
		*to = AZ_PWC_SKIP;
		return true;
	}
	*to = az_pta_find(p, c->b);
	*off = c->off;
	return true;
}

/* Do the offsets of component @p id (members @p mem, @p n of them) sum
 * to zero round every cycle? Breadth-first from the first member, giving
 * each node its offset from it; an edge that disagrees closes a cycle of
 * nonzero offset. */
static bool
az_pwc_consistent(struct az_pta *p, struct az_pwc *w, const uint32_t *mem,
		  uint32_t n, uint32_t id, uint32_t *queue)
{
	uint32_t head = 0, tail = 0, u, to, k, i;
	bool ok = true;
	int64_t off;

	queue[tail++] = mem[0];
	w->pot[mem[0]] = 0;
	w->has_pot[mem[0]] = 1;
	while (head < tail && ok) {
		u = queue[head++];
		for (k = 0; ok && az_pwc_edge(p, u, k, &to, &off); k++) {
			if (to == AZ_PWC_SKIP || w->comp[to] != id)
				continue;
			if (!w->has_pot[to]) {
				w->pot[to] = w->pot[u] + off;
				w->has_pot[to] = 1;
				queue[tail++] = to;
			} else if (w->pot[to] != w->pot[u] + off) {
				ok = false;
			}
		}
	}
	for (i = 0; i < n; i++)
		w->has_pot[mem[i]] = 0;
	return ok;
}

static void
az_pwc_flag(struct az_pta *p, struct az_pwc *w, const uint32_t *mem,
	    uint32_t n)
{
	const struct az_nodecx *cx;
	struct az_cons *c;
	uint32_t i, k;

	for (i = 0; i < n; i++) {
		cx = p->cx[mem[i]];
		for (k = 0; cx != NULL && k < cx->cons.n; k++) {
			c = &p->cons[cx->cons.v[k]];
			if (c->kind == AZ_C_GEP && !c->pwc) {
				c->pwc = 1;
				w->flagged++;
			}
		}
	}
}

/* Pops the component of @p root off Tarjan's stack and checks it;
 * @p queue is scratch for the check. */
static void
az_pwc_pop(struct az_pta *p, struct az_pwc *w, uint32_t root,
	   uint32_t *queue)
{
	uint32_t top = w->sp, id = w->n_comp++;

	do {
		w->sp--;
		w->on[w->stack[w->sp]] = 0;
		w->comp[w->stack[w->sp]] = id;
	} while (w->stack[w->sp] != root);
	if (!az_pwc_consistent(p, w, w->stack + w->sp, top - w->sp, id,
			       queue))
		az_pwc_flag(p, w, w->stack + w->sp, top - w->sp);
}

static void
az_pwc_push(struct az_pwc *w, uint32_t v, uint32_t *depth)
{
	w->index[v] = w->low[v] = w->counter++;
	w->next[v] = 0;
	w->stack[w->sp++] = v;
	w->on[v] = 1;
	w->frames[(*depth)++] = v;
}

static void
az_pwc_visit(struct az_pta *p, struct az_pwc *w, uint32_t start,
	     uint32_t *queue)
{
	uint32_t depth = 0, v, to;
	int64_t off;

	az_pwc_push(w, start, &depth);
	while (depth > 0) {
		v = w->frames[depth - 1];
		if (az_pwc_edge(p, v, w->next[v]++, &to, &off)) {
			if (to == AZ_PWC_SKIP)
				continue;
			if (w->index[to] == AZ_PWC_UNVISITED)
				az_pwc_push(w, to, &depth);
			else if (w->on[to] && w->index[to] < w->low[v])
				w->low[v] = w->index[to];
			continue;
		}
		depth--;
		if (depth > 0 && w->low[v] < w->low[w->frames[depth - 1]])
			w->low[w->frames[depth - 1]] = w->low[v];
		if (w->low[v] == w->index[v])
			az_pwc_pop(p, w, v, queue);
	}
}

int
az_pta_pwc(struct az_pta *p)
{
	struct az_pwc w = { 0 };
	uint32_t i, nn = p->n_nodes, *queue;
	int rc = 0;

	w.index = malloc(nn * sizeof(*w.index));
	w.low = malloc(nn * sizeof(*w.low));
	w.stack = malloc(nn * sizeof(*w.stack));
	w.frames = malloc(nn * sizeof(*w.frames));
	w.next = malloc(nn * sizeof(*w.next));
	w.comp = malloc(nn * sizeof(*w.comp));
	w.pot = malloc(nn * sizeof(*w.pot));
	w.on = calloc(nn, 1);
	w.has_pot = calloc(nn, 1);
	queue = malloc(nn * sizeof(*queue));
	if (!w.index || !w.low || !w.stack || !w.frames || !w.next ||
	    !w.comp || !w.pot || !w.on || !w.has_pot || !queue) {
		rc = az_pta_nomem(p);
		goto out;
	}
	memset(w.index, 0xff, nn * sizeof(*w.index));
	for (i = 0; i < nn; i++)
		if (p->rep[i] == i && w.index[i] == AZ_PWC_UNVISITED)
			az_pwc_visit(p, &w, i, queue);
	if (w.flagged != 0)
		az_log(AZ_LOG_DEBUG, "pointer analysis: %zu GEP constraints on "
		       "cycles of nonzero offset", w.flagged);
out:
	free(w.index);
	free(w.low);
	free(w.stack);
	free(w.frames);
	free(w.next);
	free(w.comp);
	free(w.pot);
	free(w.on);
	free(w.has_pot);
	free(queue);
	return rc;
}
