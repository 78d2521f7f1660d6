/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet-processing entries (DESIGN 4.2): --entry, --loop, the
 * sa_middlebox descriptor, pcap_loop/pcap_dispatch callbacks, and natural
 * loops that reach a receive function. Natural loops come from the
 * dominator tree: an edge t -> h where h dominates t is a back edge, and
 * the loop is h plus what reaches t backwards without passing h.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "az_dom.h"
#include "az_entry.h"
#include "az_util.h"

#define AZ_DESC_MAX	16

static const char *const az_entry_kinds[] = {
	[AZ_ENTRY_DESCRIPTOR] = "descriptor",
	[AZ_ENTRY_FN] = "entry",
	[AZ_ENTRY_LOOP] = "loop",
	[AZ_ENTRY_PCAP_LOOP] = "pcap_loop",
	[AZ_ENTRY_DETECTED] = "detected",
};

/* One natural loop: its header and body (a flag per block). */
struct az_loop {
	uint32_t header;
	uint8_t *body;
};

struct az_loops {
	struct az_dom *dom;
	struct az_loop *v;
	size_t n;
};

const char *
az_entry_kind_name(enum az_entry_kind kind)
{
	if ((unsigned int)kind >= sizeof(az_entry_kinds) /
				  sizeof(az_entry_kinds[0]))
		return "unknown";
	return az_entry_kinds[kind];
}

/* pcap_loop and pcap_dispatch hold their own loop: their callback, not a
 * loop around them, is the entry. */
static bool
az_is_loop_recv(const char *name)
{
	return az_model_is_recv(name) && strcmp(name, "pcap_loop") != 0 &&
	       strcmp(name, "pcap_dispatch") != 0;
}

static void
az_loops_fini(struct az_loops *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].body);
	free(l->v);
	az_dom_free(l->dom);
	memset(l, 0, sizeof(*l));
}

/* Adds to @p body what reaches @p t backwards without passing the
 * header (already in body). */
static int
az_loop_fill(const struct az_dom *d, uint8_t *body, uint32_t t)
{
	struct az_u32vec work = { 0 };
	const uint32_t *pr;
	size_t k, np;
	uint32_t v;

	if (body[t])
		return 0;
	body[t] = 1;
	if (az_u32vec_push(&work, t) < 0)
		return -ENOMEM;
	while (work.n != 0) {
		v = work.v[--work.n];
		np = az_dom_preds(d, v, &pr);
		for (k = 0; k < np; k++) {
			if (body[pr[k]] || !az_dom_reachable(d, pr[k]))
				continue;
			body[pr[k]] = 1;
			if (az_u32vec_push(&work, pr[k]) < 0) {
				az_u32vec_fini(&work);
				return -ENOMEM;
			}
		}
	}
	az_u32vec_fini(&work);
	return 0;
}

static struct az_loop *
az_loop_of(struct az_loops *l, uint32_t header, uint32_t n)
{
	struct az_loop *nv;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].header == header)
			return &l->v[i];
	nv = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	if (nv == NULL)
		return NULL;
	l->v = nv;
	l->v[l->n].header = header;
	l->v[l->n].body = calloc(n, 1);
	if (l->v[l->n].body == NULL)
		return NULL;
	l->v[l->n].body[header] = 1;
	return &l->v[l->n++];
}

/* Drops loops nested in another (header inside the other's body, not
 * the other way round). */
static int
az_loops_outermost(struct az_loops *l)
{
	uint8_t *keep = calloc(l->n ? l->n : 1, 1);
	size_t i, j, m = 0;

	if (keep == NULL)
		return -ENOMEM;
	for (i = 0; i < l->n; i++) {
		keep[i] = 1;
		for (j = 0; j < l->n; j++)
			if (j != i && l->v[j].body[l->v[i].header] &&
			    !l->v[i].body[l->v[j].header])
				keep[i] = 0;
	}
	for (i = 0; i < l->n; i++) {
		if (keep[i])
			l->v[m++] = l->v[i];
		else
			free(l->v[i].body);
	}
	l->n = m;
	free(keep);
	return 0;
}

/* The outermost natural loops of @p fn (loops with one header merged). */
static int
az_loops_find(LLVMValueRef fn, struct az_loops *l)
{
	const uint32_t *s;
	struct az_loop *lp;
	uint32_t t, n;
	size_t k, ns;
	int rc;

	memset(l, 0, sizeof(*l));
	rc = az_dom_build(fn, AZ_DOM_FORWARD, &l->dom);
	if (rc < 0)
		return rc;
	n = az_dom_n_blocks(l->dom);
	for (t = 0; t < n; t++) {
		ns = az_dom_succs(l->dom, t, &s);
		for (k = 0; k < ns; k++) {
			if (!az_dom_reachable(l->dom, t) ||
			    !az_dom_dominates(l->dom, s[k], t))
				continue;
			lp = az_loop_of(l, s[k], n);
			if (lp == NULL || az_loop_fill(l->dom, lp->body, t) < 0)
				return -ENOMEM;
		}
	}
	return az_loops_outermost(l);
}

/* --- reaching a receive function ------------------------------------ */

/* Which functions reach a receive function; indexed like the call
 * graph, or by module order for the direct-call version. */
struct az_recv {
	struct az_ptrmap index;
	uint8_t *reaches;
	const struct az_pta *pta;	/* NULL: direct calls only */
};

static LLVMValueRef
az_direct_callee(LLVMValueRef call)
{
	LLVMValueRef v = LLVMGetCalledValue(call);

	while (v != NULL && LLVMIsAConstantExpr(v) &&
	       LLVMGetConstOpcode(v) == LLVMBitCast)
		v = LLVMGetOperand(v, 0);
	return v != NULL && LLVMIsAFunction(v) ? v : NULL;
}

static bool
az_is_call_inst(LLVMValueRef in)
{
	return LLVMIsACallInst(in) || LLVMIsAInvokeInst(in);
}

static size_t
az_call_targets(const struct az_recv *r, LLVMValueRef call,
		const LLVMValueRef **t, LLVMValueRef *one)
{
	if (r->pta != NULL)
		return az_pta_callees(r->pta, call, t, NULL);
	*one = az_direct_callee(call);
	*t = one;
	return *one != NULL;
}

static bool
az_call_reaches(const struct az_recv *r, LLVMValueRef call)
{
	const LLVMValueRef *t;
	LLVMValueRef one;
	size_t i, n = az_call_targets(r, call, &t, &one);
	uint32_t f;

	for (i = 0; i < n; i++) {
		f = az_ptrmap_get(&r->index, t[i]);
		if (f != AZ_PTRMAP_NONE && r->reaches[f])
			return true;
	}
	return false;
}

/* Callers of each function (by index), from the calls of @p fn. */
static int
az_recv_callers(struct az_recv *r, LLVMValueRef fn, uint32_t f,
		struct az_u32vec *callers)
{
	const LLVMValueRef *t;
	LLVMBasicBlockRef bb;
	LLVMValueRef in, one;
	size_t k, n;
	uint32_t g;

	for (bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
		for (in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			if (!az_is_call_inst(in))
				continue;
			n = az_call_targets(r, in, &t, &one);
			for (k = 0; k < n; k++) {
				g = az_ptrmap_get(&r->index, t[k]);
				if (g != AZ_PTRMAP_NONE &&
				    az_u32vec_push(&callers[g], f) < 0)
					return -ENOMEM;
			}
		}
	}
	return 0;
}

/* Receive functions, then their callers, transitively. */
static int
az_recv_init(struct az_recv *r, LLVMModuleRef mod, const struct az_pta *pta)
{
	struct az_u32vec *callers, work = { 0 };
	LLVMValueRef fn;
	uint32_t i, n = 0, v;
	size_t k;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->pta = pta;
	for (fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
		if (az_ptrmap_put(&r->index, fn, n++) < 0)
			return -ENOMEM;
	r->reaches = calloc(n ? n : 1, 1);
	callers = calloc(n ? n : 1, sizeof(*callers));
	if (r->reaches == NULL || callers == NULL) {
		free(callers);
		return -ENOMEM;
	}
	for (i = 0, fn = LLVMGetFirstFunction(mod); fn && rc == 0;
	     fn = LLVMGetNextFunction(fn), i++) {
		if (!LLVMIsDeclaration(fn))
			rc = az_recv_callers(r, fn, i, callers);
		else if (az_is_loop_recv(az_module_fn_name(fn)))
			rc = az_u32vec_push(&work, i);
	}
	for (k = 0; k < work.n; k++)
		r->reaches[work.v[k]] = 1;
	while (rc == 0 && work.n != 0) {
		v = work.v[--work.n];
		for (k = 0; k < callers[v].n && rc == 0; k++) {
			if (r->reaches[callers[v].v[k]])
				continue;
			r->reaches[callers[v].v[k]] = 1;
			rc = az_u32vec_push(&work, callers[v].v[k]);
		}
	}
	for (i = 0; i < n; i++)
		az_u32vec_fini(&callers[i]);
	free(callers);
	az_u32vec_fini(&work);
	return rc;
}

static void
az_recv_fini(struct az_recv *r)
{
	az_ptrmap_fini(&r->index);
	free(r->reaches);
}

/* A call in loop @p lp that reaches a receive function, or NULL. */
static LLVMValueRef
az_loop_recv_call(const struct az_recv *r, const struct az_loops *l,
		  const struct az_loop *lp)
{
	uint32_t b, n = az_dom_n_blocks(l->dom);
	LLVMValueRef in;

	for (b = 0; b < n; b++) {
		if (!lp->body[b])
			continue;
		for (in = LLVMGetFirstInstruction(az_dom_block(l->dom, b)); in;
		     in = LLVMGetNextInstruction(in))
			if (az_is_call_inst(in) && az_call_reaches(r, in))
				return in;
	}
	return NULL;
}

/* --- entries ---------------------------------------------------------- */

static struct az_entry *
az_entry_push(struct az_entry_list *out, enum az_entry_kind kind,
	      LLVMValueRef fn)
{
	struct az_entry *nv = realloc(out->v, (out->n + 1) * sizeof(*nv));

	if (nv == NULL)
		return NULL;
	out->v = nv;
	memset(&nv[out->n], 0, sizeof(nv[out->n]));
	nv[out->n].kind = kind;
	nv[out->n].func = fn;
	return &nv[out->n++];
}

static bool
az_block_in(const struct az_dom *d, const uint8_t *body, LLVMValueRef in)
{
	uint32_t b = az_dom_index(d, LLVMGetInstructionParent(in));

	return b != AZ_DOM_NONE && body[b];
}

/* Is @p a (an alloca outside the loop) used in it, directly or through
 * pointers derived from it? */
static bool
az_used_in(const struct az_dom *d, const uint8_t *body, LLVMValueRef a)
{
	struct az_ptrvec work = { 0 };
	struct az_ptrmap seen = { 0 };
	LLVMValueRef v, u;
	LLVMUseRef use;
	bool found = false;

	az_ptrvec_push(&work, a);
	while (work.n != 0 && !found) {
		v = work.v[--work.n];
		for (use = LLVMGetFirstUse(v); use && !found;
		     use = LLVMGetNextUse(use)) {
			u = LLVMGetUser(use);
			if (!LLVMIsAInstruction(u))
				continue;
			if (az_block_in(d, body, u)) {
				found = true;
			} else if ((LLVMIsABitCastInst(u) ||
				    LLVMIsAGetElementPtrInst(u) ||
				    LLVMIsAAddrSpaceCastInst(u)) &&
				   az_ptrmap_get(&seen, u) == AZ_PTRMAP_NONE &&
				   az_ptrmap_put(&seen, u, 1) == 0) {
				az_ptrvec_push(&work, u);
			}
		}
	}
	az_ptrvec_fini(&work);
	az_ptrmap_fini(&seen);
	return found;
}

static int
az_entry_loop_fill(struct az_entry *e, const struct az_dom *d,
		   const struct az_loop *lp)
{
	struct az_ptrvec locals = { 0 };
	struct az_ptrmap *set = calloc(1, sizeof(*set));
	uint32_t b, n = az_dom_n_blocks(d), k = 0;
	LLVMValueRef in;

	e->blocks = calloc(n ? n : 1, sizeof(*e->blocks));
	e->priv = set;
	if (set == NULL || e->blocks == NULL)
		return -ENOMEM;
	e->header = az_dom_block(d, lp->header);
	e->blocks[k++] = e->header;
	for (b = 0; b < n; b++)
		if (lp->body[b] && b != lp->header)
			e->blocks[k++] = az_dom_block(d, b);
	e->n_blocks = k;
	for (b = 0; b < k; b++)
		if (az_ptrmap_put(set, e->blocks[b], b) < 0)
			return -ENOMEM;
	for (b = 0; b < n; b++) {
		if (lp->body[b])
			continue;
		for (in = LLVMGetFirstInstruction(az_dom_block(d, b)); in;
		     in = LLVMGetNextInstruction(in))
			if (LLVMIsAAllocaInst(in) && az_used_in(d, lp->body, in) &&
			    az_ptrvec_push(&locals, in) < 0)
				return -ENOMEM;
	}
	e->loop_locals = (LLVMValueRef *)locals.v;
	e->n_loop_locals = locals.n;
	return 0;
}

/* Entries for the outermost loops of @p fn that reach a receive function;
 * with @p any, all its outermost loops when none does. */
static int
az_entry_loops(struct az_entry_list *out, const struct az_recv *r,
	       LLVMValueRef fn, enum az_entry_kind kind, bool any,
	       size_t *added)
{
	struct az_loops l;
	struct az_entry *e;
	LLVMValueRef call;
	size_t i, pass;
	int rc;

	*added = 0;
	rc = az_loops_find(fn, &l);
	for (pass = 0; pass < 2 && rc == 0 && *added == 0; pass++) {
		if (pass == 1 && !any)
			break;
		for (i = 0; i < l.n && rc == 0; i++) {
			call = az_loop_recv_call(r, &l, &l.v[i]);
			if (call == NULL && pass == 0)
				continue;
			e = az_entry_push(out, kind, fn);
			if (e == NULL) {
				rc = -ENOMEM;
				break;
			}
			e->recv_call = call;
			rc = az_entry_loop_fill(e, l.dom, &l.v[i]);
			(*added)++;
		}
	}
	az_loops_fini(&l);
	return rc;
}

static LLVMValueRef
az_named_fn(struct az_module *m, const char *name, const char *opt)
{
	LLVMValueRef fn = LLVMGetNamedFunction(az_module_llvm(m), name);

	if (fn == NULL || LLVMIsDeclaration(fn)) {
		az_log(AZ_LOG_ERR, "%s %s: %s", opt, name, fn == NULL ?
		       "no such function in the module" :
		       "declared but not defined in the module");
		return NULL;
	}
	return fn;
}

int
az_entry_loop_procs(struct az_module *m, const struct az_entry_opts *opts,
		    LLVMValueRef **fns, size_t *n)
{
	struct az_ptrvec v = { 0 };
	struct az_entry_list tmp = { 0 };
	struct az_recv r;
	LLVMValueRef fn;
	size_t added;
	int rc = 0;

	*fns = NULL;
	*n = 0;
	if (opts != NULL && opts->entry_fn != NULL)
		return 0;
	if (opts != NULL && opts->loop_fn != NULL) {
		fn = az_named_fn(m, opts->loop_fn, "--loop");
		if (fn == NULL)
			return -ENOENT;
		if (az_ptrvec_push(&v, fn) < 0)
			return -ENOMEM;
		*fns = (LLVMValueRef *)v.v;
		*n = 1;
		return 0;
	}
	rc = az_recv_init(&r, az_module_llvm(m), NULL);
	for (fn = LLVMGetFirstFunction(az_module_llvm(m)); fn && rc == 0;
	     fn = LLVMGetNextFunction(fn)) {
		if (LLVMIsDeclaration(fn))
			continue;
		rc = az_entry_loops(&tmp, &r, fn, AZ_ENTRY_DETECTED, false,
				    &added);
		if (rc == 0 && added != 0)
			rc = az_ptrvec_push(&v, fn);
	}
	az_recv_fini(&r);
	az_entry_list_free(&tmp);
	if (rc < 0) {
		az_ptrvec_fini(&v);
		return rc;
	}
	*fns = (LLVMValueRef *)v.v;
	*n = v.n;
	return 0;
}

static int
az_entry_descriptors(struct az_module *m, struct az_entry_list *out)
{
	struct az_descriptor d[AZ_DESC_MAX];
	size_t i, nd = az_module_descriptors(m, d, AZ_DESC_MAX);
	struct az_entry *e;

	for (i = 0; i < nd && i < AZ_DESC_MAX; i++) {
		if (d[i].process == NULL)
			continue;
		e = az_entry_push(out, AZ_ENTRY_DESCRIPTOR, d[i].process);
		if (e == NULL)
			return -ENOMEM;
		e->desc = d[i];
	}
	return 0;
}

static bool
az_entry_has(const struct az_entry_list *l, LLVMValueRef fn)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].func == fn)
			return true;
	return false;
}

/* Callbacks given to pcap_loop / pcap_dispatch: the call's defined
 * targets besides the library function itself. */
static int
az_entry_pcap(const struct az_pta *pta, const struct az_cg *cg,
	      struct az_entry_list *out)
{
	const LLVMValueRef *calls, *t;
	const char *name;
	struct az_entry *e;
	size_t f, c, nc, k, nt;
	bool is_pcap;

	for (f = 0; f < az_cg_n_funcs(cg); f++) {
		nc = az_cg_calls(cg, (uint32_t)f, &calls);
		for (c = 0; c < nc; c++) {
			nt = az_pta_callees(pta, calls[c], &t, NULL);
			is_pcap = false;
			for (k = 0; k < nt; k++) {
				name = az_module_fn_name(t[k]);
				if (strcmp(name, "pcap_loop") == 0 ||
				    strcmp(name, "pcap_dispatch") == 0)
					is_pcap = true;
			}
			for (k = 0; is_pcap && k < nt; k++) {
				if (LLVMIsDeclaration(t[k]) ||
				    az_entry_has(out, t[k]))
					continue;
				e = az_entry_push(out, AZ_ENTRY_PCAP_LOOP, t[k]);
				if (e == NULL)
					return -ENOMEM;
				e->recv_call = calls[c];
			}
		}
	}
	return 0;
}

static int
az_entry_detect(struct az_module *m, const struct az_pta *pta,
		struct az_entry_list *out)
{
	struct az_recv r;
	LLVMValueRef fn;
	size_t added;
	int rc;

	rc = az_recv_init(&r, az_module_llvm(m), pta);
	for (fn = LLVMGetFirstFunction(az_module_llvm(m)); fn && rc == 0;
	     fn = LLVMGetNextFunction(fn))
		if (!LLVMIsDeclaration(fn))
			rc = az_entry_loops(out, &r, fn, AZ_ENTRY_DETECTED,
					    false, &added);
	az_recv_fini(&r);
	return rc;
}

static int
az_entry_loop_opt(struct az_module *m, const struct az_pta *pta,
		  const char *name, struct az_entry_list *out)
{
	LLVMValueRef fn = az_named_fn(m, name, "--loop");
	struct az_recv r;
	size_t added;
	int rc;

	if (fn == NULL)
		return -ENOENT;
	rc = az_recv_init(&r, az_module_llvm(m), pta);
	if (rc == 0)
		rc = az_entry_loops(out, &r, fn, AZ_ENTRY_LOOP, true, &added);
	az_recv_fini(&r);
	if (rc == 0 && added == 0) {
		az_module_diag(m, AZ_LOG_ERR, fn, "--loop %s: the function "
			       "has no loop", name);
		return -ENOENT;
	}
	if (rc == 0 && out->v[0].recv_call == NULL)
		az_module_diag(m, AZ_LOG_WARN, fn, "--loop %s: no loop reaches "
			       "a receive function; taking its outermost "
			       "loops", name);
	return rc;
}

int
az_entry_find(struct az_module *m, const struct az_pta *pta,
	      const struct az_cg *cg, const struct az_entry_opts *opts,
	      struct az_entry_list *out)
{
	LLVMValueRef fn;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (opts != NULL && opts->entry_fn != NULL) {
		fn = az_named_fn(m, opts->entry_fn, "--entry");
		if (fn == NULL)
			return -ENOENT;
		return az_entry_push(out, AZ_ENTRY_FN, fn) ? 0 : -ENOMEM;
	}
	if (opts != NULL && opts->loop_fn != NULL)
		rc = az_entry_loop_opt(m, pta, opts->loop_fn, out);
	else
		rc = az_entry_descriptors(m, out);
	if (rc == 0 && out->n == 0)
		rc = az_entry_pcap(pta, cg, out);
	if (rc == 0 && out->n == 0)
		rc = az_entry_detect(m, pta, out);
	if (rc < 0) {
		az_entry_list_free(out);
		return rc;
	}
	if (out->n == 0) {
		az_log(AZ_LOG_ERR, "%s: no packet-processing entry: no "
		       "sa_middlebox descriptor, no pcap_loop/pcap_dispatch "
		       "callback, and no loop reaching a receive function "
		       "(pcap_next, pcap_next_ex, recv, recvfrom, recvmsg, "
		       "read, rte_eth_rx_burst or --recv); name one with "
		       "--entry FN or --loop FN", az_module_path(m));
		return -ENOENT;
	}
	return 0;
}

void
az_entry_list_free(struct az_entry_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].blocks);
		free(l->v[i].loop_locals);
		if (l->v[i].priv != NULL)
			az_ptrmap_fini(l->v[i].priv);
		free(l->v[i].priv);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

bool
az_entry_in_loop(const struct az_entry *e, LLVMBasicBlockRef bb)
{
	return e->priv != NULL &&
	       az_ptrmap_get(e->priv, bb) != AZ_PTRMAP_NONE;
}

void
az_entry_per_packet(const struct az_entry *e, const struct az_cg *cg,
		    uint8_t *reach)
{
	const struct az_pta *pta = az_cg_pta(cg);
	struct az_u32vec roots = { 0 };
	const LLVMValueRef *t;
	LLVMValueRef in;
	size_t b, k, nt;
	int32_t f;

	if (e->priv == NULL) {
		f = az_cg_index(cg, e->func);
		if (f >= 0)
			az_u32vec_push(&roots, (uint32_t)f);
	}
	for (b = 0; e->priv != NULL && b < e->n_blocks; b++) {
		for (in = LLVMGetFirstInstruction(e->blocks[b]); in;
		     in = LLVMGetNextInstruction(in)) {
			if (!az_is_call_inst(in))
				continue;
			nt = az_pta_callees(pta, in, &t, NULL);
			for (k = 0; k < nt; k++) {
				f = az_cg_index(cg, t[k]);
				if (f >= 0)
					az_u32vec_push(&roots, (uint32_t)f);
			}
		}
	}
	az_cg_reachable(cg, roots.v, roots.n, reach);
	az_u32vec_fini(&roots);
}
