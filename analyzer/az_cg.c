/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The call graph, read off the pointer analysis' callees, with Tarjan's
 * strongly connected components for bottom-up order and recursion.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "az_cg.h"
#include "az_util.h"

struct az_cg {
	const struct az_pta *pta;
	uint32_t n;
	LLVMValueRef *fn;
	struct az_ptrmap index;
	struct az_u32vec *callees;
	struct az_u32vec *callers;
	struct az_ptrvec *calls;
	uint8_t *unresolved;
	uint8_t *recursive;
	uint32_t *scc;
	uint32_t n_scc;
	uint32_t *bottom_up;
};

static int
az_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
az_u32_uniq(struct az_u32vec *v)
{
	size_t i, m = 0;

	qsort(v->v, v->n, sizeof(*v->v), az_u32_cmp);
	for (i = 0; i < v->n; i++)
		if (m == 0 || v->v[m - 1] != v->v[i])
			v->v[m++] = v->v[i];
	v->n = m;
}

static bool
az_is_call(LLVMValueRef in)
{
	LLVMValueRef callee;
	const char *name;
	size_t len;

	if (!LLVMIsACallInst(in) && !LLVMIsAInvokeInst(in) &&
	    !LLVMIsACallBrInst(in))
		return false;
	/* Debug-info records are not calls anyone cares about. */
	callee = LLVMGetCalledValue(in);
	if (callee != NULL && LLVMIsAFunction(callee)) {
		name = LLVMGetValueName2(callee, &len);
		if (len > 9 && strncmp(name, "llvm.dbg.", 9) == 0)
			return false;
	}
	return true;
}

static int
az_cg_function(struct az_cg *cg, const struct az_pta *pta, uint32_t f)
{
	const LLVMValueRef *t;
	LLVMBasicBlockRef bb;
	LLVMValueRef in;
	bool unres;
	size_t i, k;
	uint32_t g;

	for (bb = LLVMGetFirstBasicBlock(cg->fn[f]); bb;
	     bb = LLVMGetNextBasicBlock(bb)) {
		for (in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			if (!az_is_call(in))
				continue;
			if (az_ptrvec_push(&cg->calls[f], in) < 0)
				return -ENOMEM;
			k = az_pta_callees(pta, in, &t, &unres);
			if (unres)
				cg->unresolved[f] = 1;
			for (i = 0; i < k; i++) {
				g = az_ptrmap_get(&cg->index, t[i]);
				if (g == AZ_PTRMAP_NONE)
					continue;
				if (az_u32vec_push(&cg->callees[f], g) < 0 ||
				    az_u32vec_push(&cg->callers[g], f) < 0)
					return -ENOMEM;
			}
		}
	}
	return 0;
}

/* Tarjan, iterative; components come out callees first. */
static int
az_cg_sccs(struct az_cg *cg)
{
	size_t m = cg->n ? cg->n : 1;
	uint32_t *index = malloc(m * sizeof(*index));
	uint32_t *low = malloc(m * sizeof(*low));
	uint32_t *stack = malloc(m * sizeof(*stack));
	uint32_t *frames = malloc(m * sizeof(*frames));
	uint32_t *next = malloc(m * sizeof(*next));
	uint8_t *on = calloc(m, 1);
	uint32_t i, v, w, sp = 0, depth, counter = 0, nb = 0;
	int rc = -ENOMEM;

	if (!index || !low || !stack || !frames || !next || !on)
		goto out;
	memset(index, 0xff, m * sizeof(*index));
	for (i = 0; i < cg->n; i++) {
		if (index[i] != UINT32_MAX)
			continue;
		depth = 0;
		frames[depth++] = i;
		index[i] = low[i] = counter++;
		next[i] = 0;
		stack[sp++] = i;
		on[i] = 1;
		while (depth > 0) {
			v = frames[depth - 1];
			if (next[v] < cg->callees[v].n) {
				w = cg->callees[v].v[next[v]++];
				if (index[w] == UINT32_MAX) {
					index[w] = low[w] = counter++;
					next[w] = 0;
					stack[sp++] = w;
					on[w] = 1;
					frames[depth++] = w;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			depth--;
			if (depth > 0 && low[v] < low[frames[depth - 1]])
				low[frames[depth - 1]] = low[v];
			if (low[v] != index[v])
				continue;
			do {
				w = stack[--sp];
				on[w] = 0;
				cg->scc[w] = cg->n_scc;
				cg->bottom_up[nb++] = w;
				if (w != v)
					cg->recursive[w] = cg->recursive[v] = 1;
			} while (w != v);
			cg->n_scc++;
		}
	}
	rc = 0;
out:
	free(index);
	free(low);
	free(stack);
	free(frames);
	free(next);
	free(on);
	return rc;
}

int
az_cg_build(const struct az_pta *pta, struct az_cg **out)
{
	LLVMModuleRef mod = az_module_llvm(az_pta_module(pta));
	struct az_cg *cg = calloc(1, sizeof(*cg));
	LLVMValueRef fn;
	uint32_t i, n = 0;
	int rc = -ENOMEM;

	*out = NULL;
	if (cg == NULL)
		return -ENOMEM;
	for (fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
		n++;
	cg->n = n;
	cg->pta = pta;
	cg->fn = calloc(n + 1, sizeof(*cg->fn));
	cg->callees = calloc(n + 1, sizeof(*cg->callees));
	cg->callers = calloc(n + 1, sizeof(*cg->callers));
	cg->calls = calloc(n + 1, sizeof(*cg->calls));
	cg->unresolved = calloc(n + 1, 1);
	cg->recursive = calloc(n + 1, 1);
	cg->scc = calloc(n + 1, sizeof(*cg->scc));
	cg->bottom_up = calloc(n + 1, sizeof(*cg->bottom_up));
	if (!cg->fn || !cg->callees || !cg->callers || !cg->calls ||
	    !cg->unresolved || !cg->recursive || !cg->scc || !cg->bottom_up)
		goto err;
	for (i = 0, fn = LLVMGetFirstFunction(mod); fn;
	     fn = LLVMGetNextFunction(fn), i++) {
		cg->fn[i] = fn;
		if (az_ptrmap_put(&cg->index, fn, i) < 0)
			goto err;
	}
	for (i = 0; i < n; i++)
		if (!LLVMIsDeclaration(cg->fn[i]) &&
		    az_cg_function(cg, pta, i) < 0)
			goto err;
	for (i = 0; i < n; i++) {
		az_u32_uniq(&cg->callees[i]);
		az_u32_uniq(&cg->callers[i]);
		if (cg->callees[i].n != 0 &&
		    bsearch(&i, cg->callees[i].v, cg->callees[i].n,
			    sizeof(i), az_u32_cmp) != NULL)
			cg->recursive[i] = 1;
	}
	rc = az_cg_sccs(cg);
	if (rc < 0)
		goto err;
	*out = cg;
	return 0;
err:
	az_cg_free(cg);
	return rc;
}

void
az_cg_free(struct az_cg *cg)
{
	uint32_t i;

	if (cg == NULL)
		return;
	for (i = 0; i < cg->n; i++) {
		if (cg->callees != NULL)
			az_u32vec_fini(&cg->callees[i]);
		if (cg->callers != NULL)
			az_u32vec_fini(&cg->callers[i]);
		if (cg->calls != NULL)
			az_ptrvec_fini(&cg->calls[i]);
	}
	az_ptrmap_fini(&cg->index);
	free(cg->fn);
	free(cg->callees);
	free(cg->callers);
	free(cg->calls);
	free(cg->unresolved);
	free(cg->recursive);
	free(cg->scc);
	free(cg->bottom_up);
	free(cg);
}

const struct az_pta *
az_cg_pta(const struct az_cg *cg)
{
	return cg->pta;
}

size_t
az_cg_n_funcs(const struct az_cg *cg)
{
	return cg->n;
}

LLVMValueRef
az_cg_func(const struct az_cg *cg, uint32_t idx)
{
	return idx < cg->n ? cg->fn[idx] : NULL;
}

int32_t
az_cg_index(const struct az_cg *cg, LLVMValueRef fn)
{
	uint32_t i = az_ptrmap_get(&cg->index, fn);

	return i == AZ_PTRMAP_NONE ? -1 : (int32_t)i;
}

size_t
az_cg_callees(const struct az_cg *cg, uint32_t idx, const uint32_t **out)
{
	*out = cg->callees[idx].v;
	return cg->callees[idx].n;
}

size_t
az_cg_callers(const struct az_cg *cg, uint32_t idx, const uint32_t **out)
{
	*out = cg->callers[idx].v;
	return cg->callers[idx].n;
}

size_t
az_cg_calls(const struct az_cg *cg, uint32_t idx, const LLVMValueRef **out)
{
	*out = (const LLVMValueRef *)cg->calls[idx].v;
	return cg->calls[idx].n;
}

bool
az_cg_has_unresolved(const struct az_cg *cg, uint32_t idx)
{
	return cg->unresolved[idx] != 0;
}

void
az_cg_reachable(const struct az_cg *cg, const uint32_t *roots,
		size_t n_roots, uint8_t *reach)
{
	struct az_u32vec work = { 0 };
	uint32_t v;
	size_t i;

	for (i = 0; i < n_roots; i++) {
		if (roots[i] < cg->n && !reach[roots[i]]) {
			reach[roots[i]] = 1;
			az_u32vec_push(&work, roots[i]);
		}
	}
	while (work.n != 0) {
		v = work.v[--work.n];
		for (i = 0; i < cg->callees[v].n; i++) {
			uint32_t w = cg->callees[v].v[i];

			if (!reach[w]) {
				reach[w] = 1;
				az_u32vec_push(&work, w);
			}
		}
	}
	az_u32vec_fini(&work);
}

uint32_t
az_cg_scc(const struct az_cg *cg, uint32_t idx)
{
	return cg->scc[idx];
}

size_t
az_cg_n_sccs(const struct az_cg *cg)
{
	return cg->n_scc;
}

const uint32_t *
az_cg_bottom_up(const struct az_cg *cg)
{
	return cg->bottom_up;
}

bool
az_cg_is_recursive(const struct az_cg *cg, uint32_t idx)
{
	return cg->recursive[idx] != 0;
}
