/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dominators and post-dominators: Cooper, Harvey and Kennedy, "A Simple,
 * Fast Dominance Algorithm" (2001): iterate idom(b) = intersect of the
 * processed predecessors in reverse postorder until stable; intersect
 * walks up the tree by postorder number. Frontiers follow the same paper.
 * Post-dominators are the same computation on the reversed CFG rooted at
 * a virtual exit.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "az_dom.h"
#include "az_util.h"

struct az_dom {
	enum az_dom_dir dir;
	uint32_t n;			/* real blocks; root of POST is n */
	LLVMBasicBlockRef *bb;
	struct az_ptrmap index;
	struct az_u32vec *succ;		/* CFG, real blocks */
	struct az_u32vec *pred;
	struct az_u32vec *gsucc;	/* the direction's graph, n + 1 */
	struct az_u32vec *gpred;
	uint32_t *order;		/* reverse postorder from the root */
	uint32_t n_order;
	uint32_t *rpo;			/* position in order, NONE if unreached */
	uint32_t *idom;
	uint32_t *pre;			/* dominator tree DFS numbers */
	uint32_t *post;
	struct az_u32vec *df;
};

static int
az_dom_alloc(struct az_dom *d, uint32_t n)
{
	size_t m = (size_t)n + 1;

	d->bb = calloc(m, sizeof(*d->bb));
	d->succ = calloc(m, sizeof(*d->succ));
	d->pred = calloc(m, sizeof(*d->pred));
	d->gsucc = calloc(m, sizeof(*d->gsucc));
	d->gpred = calloc(m, sizeof(*d->gpred));
	d->order = calloc(m, sizeof(*d->order));
	d->rpo = malloc(m * sizeof(*d->rpo));
	d->idom = malloc(m * sizeof(*d->idom));
	d->pre = calloc(m, sizeof(*d->pre));
	d->post = calloc(m, sizeof(*d->post));
	d->df = calloc(m, sizeof(*d->df));
	if (!d->bb || !d->succ || !d->pred || !d->gsucc || !d->gpred ||
	    !d->order || !d->rpo || !d->idom || !d->pre || !d->post || !d->df)
		return -ENOMEM;
	memset(d->rpo, 0xff, m * sizeof(*d->rpo));
	memset(d->idom, 0xff, m * sizeof(*d->idom));
	return 0;
}

static int
az_dom_cfg(struct az_dom *d, LLVMValueRef fn)
{
	LLVMBasicBlockRef bb;
	LLVMValueRef term;
	uint32_t i = 0, k, ns, s;

	for (bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
		d->bb[i] = bb;
		if (az_ptrmap_put(&d->index, bb, i++) < 0)
			return -ENOMEM;
	}
	for (i = 0; i < d->n; i++) {
		term = LLVMGetBasicBlockTerminator(d->bb[i]);
		ns = term != NULL ? LLVMGetNumSuccessors(term) : 0;
		for (k = 0; k < ns; k++) {
			s = az_ptrmap_get(&d->index, LLVMGetSuccessor(term, k));
			if (s == AZ_PTRMAP_NONE)
				continue;
			if (az_u32vec_push(&d->succ[i], s) < 0 ||
			    az_u32vec_push(&d->pred[s], i) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int
az_dom_gedge(struct az_dom *d, uint32_t a, uint32_t b)
{
	if (az_u32vec_push(&d->gsucc[a], b) < 0 ||
	    az_u32vec_push(&d->gpred[b], a) < 0)
		return -ENOMEM;
	return 0;
}

/* Iterative DFS from @p root over gsucc, appending the postorder of what
 * it newly reaches to @p post (rpo[] marks visited). */
static int
az_dom_dfs(struct az_dom *d, uint32_t root, uint32_t *post, uint32_t *np,
	   uint32_t *stack, uint32_t *next)
{
	uint32_t sp = 0, v, w;

	d->rpo[root] = 0;
	stack[sp++] = root;
	next[root] = 0;
	while (sp > 0) {
		v = stack[sp - 1];
		if (next[v] < d->gsucc[v].n) {
			w = d->gsucc[v].v[next[v]++];
			if (d->rpo[w] == AZ_DOM_NONE) {
				d->rpo[w] = 0;
				next[w] = 0;
				stack[sp++] = w;
			}
			continue;
		}
		post[(*np)++] = v;
		sp--;
	}
	return 0;
}

/* The direction's graph. POST: reversed CFG from the virtual exit, with
 * an extra exit edge into each region that cannot reach a real exit
 * (the last unreached block in function order, usually the bottom of an
 * endless loop), until every block is reached. */
static int
az_dom_graph(struct az_dom *d, uint32_t *stack, uint32_t *next,
	     uint32_t *post)
{
	uint32_t i, k, np = 0, u;

	if (d->dir == AZ_DOM_FORWARD) {
		for (i = 0; i < d->n; i++)
			for (k = 0; k < d->succ[i].n; k++)
				if (az_dom_gedge(d, i, d->succ[i].v[k]) < 0)
					return -ENOMEM;
		return 0;
	}
	for (i = 0; i < d->n; i++) {
		for (k = 0; k < d->succ[i].n; k++)
			if (az_dom_gedge(d, d->succ[i].v[k], i) < 0)
				return -ENOMEM;
		if (d->succ[i].n == 0 && az_dom_gedge(d, d->n, i) < 0)
			return -ENOMEM;
	}
	az_dom_dfs(d, d->n, post, &np, stack, next);
	for (;;) {
		for (u = d->n; u > 0 && d->rpo[u - 1] != AZ_DOM_NONE; u--)
			;
		if (u == 0)
			break;
		if (az_dom_gedge(d, d->n, u - 1) < 0)
			return -ENOMEM;
		az_dom_dfs(d, u - 1, post, &np, stack, next);
	}
	return 0;
}

static uint32_t
az_dom_intersect(const struct az_dom *d, uint32_t a, uint32_t b)
{
	while (a != b) {
		while (d->rpo[a] > d->rpo[b])
			a = d->idom[a];
		while (d->rpo[b] > d->rpo[a])
			b = d->idom[b];
	}
	return a;
}

static void
az_dom_iterate(struct az_dom *d, uint32_t root)
{
	uint32_t i, k, b, pr, nd;
	bool changed = true;

	d->idom[root] = root;
	while (changed) {
		changed = false;
		for (i = 1; i < d->n_order; i++) {
			b = d->order[i];
			nd = AZ_DOM_NONE;
			for (k = 0; k < d->gpred[b].n; k++) {
				pr = d->gpred[b].v[k];
				if (d->idom[pr] == AZ_DOM_NONE)
					continue;
				nd = nd == AZ_DOM_NONE ? pr :
				     az_dom_intersect(d, pr, nd);
			}
			if (d->idom[b] != nd) {
				d->idom[b] = nd;
				changed = true;
			}
		}
	}
}

/* Pre/post numbers of the tree, for O(1) dominance queries. */
static int
az_dom_number(struct az_dom *d, uint32_t root, uint32_t *stack,
	      uint32_t *next)
{
	struct az_u32vec *kids = calloc((size_t)d->n + 1, sizeof(*kids));
	uint32_t i, sp = 0, v, clock = 1;
	int rc = 0;

	if (kids == NULL)
		return -ENOMEM;
	for (i = 0; i <= d->n && rc == 0; i++)
		if (i != root && d->idom[i] != AZ_DOM_NONE)
			rc = az_u32vec_push(&kids[d->idom[i]], i);
	stack[sp++] = root;
	next[root] = 0;
	d->pre[root] = clock++;
	while (sp > 0 && rc == 0) {
		v = stack[sp - 1];
		if (next[v] < kids[v].n) {
			i = kids[v].v[next[v]++];
			d->pre[i] = clock++;
			next[i] = 0;
			stack[sp++] = i;
			continue;
		}
		d->post[v] = clock++;
		sp--;
	}
	for (i = 0; i <= d->n; i++)
		az_u32vec_fini(&kids[i]);
	free(kids);
	return rc;
}

static int
az_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
az_dom_frontiers(struct az_dom *d)
{
	uint32_t b, k, r, j, m;
	struct az_u32vec *f;

	for (b = 0; b <= d->n; b++) {
		if (d->rpo[b] == AZ_DOM_NONE || d->gpred[b].n < 2)
			continue;
		for (k = 0; k < d->gpred[b].n; k++) {
			r = d->gpred[b].v[k];
			if (d->rpo[r] == AZ_DOM_NONE)
				continue;
			for (; r != d->idom[b] && r != AZ_DOM_NONE;
			     r = d->idom[r]) {
				f = &d->df[r];
				if ((f->n == 0 || f->v[f->n - 1] != b) &&
				    az_u32vec_push(f, b) < 0)
					return -ENOMEM;
				if (r == d->idom[r])
					break;
			}
		}
	}
	for (b = 0; b <= d->n; b++) {
		f = &d->df[b];
		qsort(f->v, f->n, sizeof(*f->v), az_u32_cmp);
		for (j = 0, m = 0; j < f->n; j++)
			if (m == 0 || f->v[m - 1] != f->v[j])
				f->v[m++] = f->v[j];
		f->n = m;
	}
	return 0;
}

static int
az_dom_compute(struct az_dom *d)
{
	size_t m = (size_t)d->n + 1;
	uint32_t *stack = malloc(m * sizeof(*stack));
	uint32_t *next = malloc(m * sizeof(*next));
	uint32_t *post = malloc(m * sizeof(*post));
	uint32_t root = d->dir == AZ_DOM_POST ? d->n : 0, i, np = 0;
	int rc = -ENOMEM;

	if (stack == NULL || next == NULL || post == NULL)
		goto out;
	rc = az_dom_graph(d, stack, next, post);
	if (rc < 0)
		goto out;
	memset(d->rpo, 0xff, m * sizeof(*d->rpo));
	az_dom_dfs(d, root, post, &np, stack, next);
	for (i = 0; i < np; i++) {
		d->order[i] = post[np - 1 - i];
		d->rpo[d->order[i]] = i;
	}
	d->n_order = np;
	az_dom_iterate(d, root);
	rc = az_dom_number(d, root, stack, next);
	if (rc == 0)
		rc = az_dom_frontiers(d);
	d->idom[root] = AZ_DOM_NONE;
out:
	free(stack);
	free(next);
	free(post);
	return rc;
}

int
az_dom_build(LLVMValueRef fn, enum az_dom_dir dir, struct az_dom **out)
{
	struct az_dom *d;
	int rc;

	*out = NULL;
	if (fn == NULL || LLVMIsDeclaration(fn))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -ENOMEM;
	d->dir = dir;
	d->n = LLVMCountBasicBlocks(fn);
	rc = az_dom_alloc(d, d->n);
	if (rc == 0)
		rc = az_dom_cfg(d, fn);
	if (rc == 0)
		rc = az_dom_compute(d);
	if (rc < 0) {
		az_dom_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void
az_dom_free(struct az_dom *d)
{
	uint32_t i;

	if (d == NULL)
		return;
	for (i = 0; d->succ != NULL && i <= d->n; i++) {
		az_u32vec_fini(&d->succ[i]);
		az_u32vec_fini(&d->pred[i]);
		az_u32vec_fini(&d->gsucc[i]);
		az_u32vec_fini(&d->gpred[i]);
		az_u32vec_fini(&d->df[i]);
	}
	az_ptrmap_fini(&d->index);
	free(d->bb);
	free(d->succ);
	free(d->pred);
	free(d->gsucc);
	free(d->gpred);
	free(d->order);
	free(d->rpo);
	free(d->idom);
	free(d->pre);
	free(d->post);
	free(d->df);
	free(d);
}

uint32_t
az_dom_n_blocks(const struct az_dom *d)
{
	return d->n;
}

LLVMBasicBlockRef
az_dom_block(const struct az_dom *d, uint32_t idx)
{
	return idx < d->n ? d->bb[idx] : NULL;
}

uint32_t
az_dom_index(const struct az_dom *d, LLVMBasicBlockRef bb)
{
	uint32_t i = az_ptrmap_get(&d->index, bb);

	return i == AZ_PTRMAP_NONE ? AZ_DOM_NONE : i;
}

uint32_t
az_dom_idom(const struct az_dom *d, uint32_t idx)
{
	return idx <= d->n ? d->idom[idx] : AZ_DOM_NONE;
}

bool
az_dom_reachable(const struct az_dom *d, uint32_t idx)
{
	return idx <= d->n && d->rpo[idx] != AZ_DOM_NONE;
}

bool
az_dom_dominates(const struct az_dom *d, uint32_t a, uint32_t b)
{
	if (a == b)
		return true;
	if (!az_dom_reachable(d, a) || !az_dom_reachable(d, b))
		return false;
	return d->pre[a] <= d->pre[b] && d->post[b] <= d->post[a];
}

size_t
az_dom_frontier(const struct az_dom *d, uint32_t idx, const uint32_t **out)
{
	if (idx > d->n) {
		*out = NULL;
		return 0;
	}
	*out = d->df[idx].v;
	return d->df[idx].n;
}

size_t
az_dom_cdeps(const struct az_dom *d, uint32_t idx, const uint32_t **out)
{
	size_t n;

	if (d->dir != AZ_DOM_POST || idx >= d->n) {
		*out = NULL;
		return 0;
	}
	n = az_dom_frontier(d, idx, out);
	/* Sorted: the virtual exit, index n, can only be last. */
	if (n != 0 && (*out)[n - 1] == d->n)
		n--;
	return n;
}

size_t
az_dom_succs(const struct az_dom *d, uint32_t idx, const uint32_t **out)
{
	if (idx >= d->n) {
		*out = NULL;
		return 0;
	}
	*out = d->succ[idx].v;
	return d->succ[idx].n;
}

size_t
az_dom_preds(const struct az_dom *d, uint32_t idx, const uint32_t **out)
{
	if (idx >= d->n) {
		*out = NULL;
		return 0;
	}
	*out = d->pred[idx].v;
	return d->pred[idx].n;
}
