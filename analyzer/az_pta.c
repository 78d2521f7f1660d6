/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pointer analysis: objects, locations and nodes, offset normalization,
 * the queries, and the run (generate, solve, infer heap types).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_pta_impl.h"

#define AZ_NS_PER_S		1e9

static const char *const az_approx_names[] = {
	[AZ_APPROX_UNKNOWN_EXTERNAL] = "unknown-external",
	[AZ_APPROX_UNRESOLVED_CALL] = "unresolved-indirect-call",
	[AZ_APPROX_INT_TO_PTR] = "int-to-ptr",
	[AZ_APPROX_PTR_TO_INT] = "ptr-to-int",
	[AZ_APPROX_COLLAPSE] = "field-collapse",
	[AZ_APPROX_INLINE_ASM] = "inline-asm",
	[AZ_APPROX_ESCAPED_ROOT] = "escaped-root",
};

static bool az_pta_oom;

int
az_pta_nomem(struct az_pta *p)
{
	(void)p;
	az_pta_oom = true;
	return -ENOMEM;
}

static void *
az_pta_grow(void *v, size_t *cap, size_t need, size_t size)
{
	if (az_grow(&v, cap, need, size) < 0) {
		fputs("statealyzr: error: out of memory in the pointer "
		      "analysis\n", stderr);
		abort();
	}
	return v;
}

uint32_t
az_pta_new_node(struct az_pta *p)
{
	uint32_t n = p->n_nodes;
	size_t cap = p->cap_nodes, c;

	if (n == p->cap_nodes) {
		cap = cap ? cap * 2 : 1024;
		c = p->cap_nodes;
		p->rep = az_pta_grow(p->rep, &c, cap, sizeof(*p->rep));
		c = p->cap_nodes;
		p->loc_of = az_pta_grow(p->loc_of, &c, cap, sizeof(*p->loc_of));
		c = p->cap_nodes;
		p->pts = az_pta_grow(p->pts, &c, cap, sizeof(*p->pts));
		c = p->cap_nodes;
		p->old = az_pta_grow(p->old, &c, cap, sizeof(*p->old));
		c = p->cap_nodes;
		p->succ = az_pta_grow(p->succ, &c, cap, sizeof(*p->succ));
		c = p->cap_nodes;
		p->cx = az_pta_grow(p->cx, &c, cap, sizeof(*p->cx));
		c = p->cap_nodes;
		p->nold = az_pta_grow(p->nold, &c, cap, sizeof(*p->nold));
		p->cap_nodes = (uint32_t)cap;
	}
	p->rep[n] = n;
	p->loc_of[n] = AZ_LOC_NONE;
	memset(&p->pts[n], 0, sizeof(p->pts[n]));
	memset(&p->old[n], 0, sizeof(p->old[n]));
	memset(&p->succ[n], 0, sizeof(p->succ[n]));
	p->cx[n] = NULL;
	p->nold[n] = 0;
	p->n_nodes++;
	return n;
}

uint32_t
az_pta_find(struct az_pta *p, uint32_t n)
{
	/* Path halving: every other node on the way points to its
	 * grandparent, which keeps trees flat without recursion. */
	while (p->rep[n] != n) {
		p->rep[n] = p->rep[p->rep[n]];
		n = p->rep[n];
	}
	return n;
}

/* --- objects -------------------------------------------------------- */

static bool
az_kind_collapsed(enum az_obj_kind kind)
{
	return kind == AZ_OBJ_FUNCTION || kind == AZ_OBJ_LIBSTATIC ||
	       kind == AZ_OBJ_VARARGS || kind == AZ_OBJ_PACKET ||
	       kind == AZ_OBJ_UNKNOWN;
}

az_obj_t
az_pta_new_obj(struct az_pta *p, enum az_obj_kind kind, LLVMValueRef site,
	       LLVMValueRef func, LLVMTypeRef type)
{
	struct az_obj *o;
	az_obj_t id = (az_obj_t)p->n_objs;

	p->objs = az_pta_grow(p->objs, &p->cap_objs, p->n_objs + 1,
			      sizeof(*p->objs));
	o = &p->objs[p->n_objs++];
	memset(o, 0, sizeof(*o));
	o->info.kind = kind;
	o->info.site = site;
	o->info.func = func;
	o->info.table = AZ_OBJ_NONE;
	o->keys = AZ_OBJ_NONE;
	o->values = AZ_OBJ_NONE;
	o->last_watch = UINT32_MAX;
	if (type != NULL && LLVMTypeIsSized(type)) {
		o->info.type = type;
		o->info.size = LLVMABISizeOfType(p->td, type);
	}
	if (site != NULL && az_ptrmap_get(&p->obj_of_site, site) ==
	    AZ_PTRMAP_NONE && az_ptrmap_put(&p->obj_of_site, site, id) < 0)
		az_pta_nomem(p);
	if (az_kind_collapsed(kind) || p->opts.field_insensitive)
		az_pta_collapse(p, id, NULL);
	return id;
}

/* Index of the first field with offset >= @p off. */
static uint32_t
az_field_lower(const struct az_obj *o, uint64_t off)
{
	uint32_t lo = 0, hi = o->n_fields, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (o->fields[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A new location and its node; escaped objects tie it to the escape
 * node, and memcpy constraints reading the object run again. */
static uint32_t
az_loc_create(struct az_pta *p, az_obj_t oid, uint64_t off, uint32_t at)
{
	struct az_obj *o = &p->objs[oid];
	uint32_t loc = (uint32_t)p->n_locs, node, i;
	size_t cap = o->cap_fields;

	node = az_pta_new_node(p);
	o = &p->objs[oid];
	p->locs = az_pta_grow(p->locs, &p->cap_locs, p->n_locs + 1,
			      sizeof(*p->locs));
	p->locs[loc].obj = oid;
	p->locs[loc].off = off;
	p->locs[loc].node = node;
	p->n_locs++;
	p->loc_of[node] = loc;
	o->fields = az_pta_grow(o->fields, &cap, o->n_fields + 1,
				sizeof(*o->fields));
	o->cap_fields = (uint32_t)cap;
	memmove(&o->fields[at + 1], &o->fields[at],
		(o->n_fields - at) * sizeof(*o->fields));
	o->fields[at].off = off;
	o->fields[at].loc = loc;
	o->n_fields++;
	if (o->info.escaped) {
		az_pta_add_edge(p, node, p->esc);
		az_pta_add_edge(p, p->esc, node);
	}
	for (i = 0; i < p->objs[oid].watch.n; i++) {
		if (az_u32vec_push(&p->mc_redo, p->objs[oid].watch.v[i]) < 0 ||
		    az_u32vec_push(&p->mc_redo, oid) < 0)
			az_pta_nomem(p);
		p->changed = true;
	}
	return loc;
}

uint32_t
az_pta_loc(struct az_pta *p, az_obj_t oid, uint64_t off)
{
	struct az_obj *o = &p->objs[oid];
	uint32_t at;

	off = az_pta_norm(p, oid, off);
	if (off == AZ_OFF_ANY && !o->info.collapsed)
		az_pta_collapse(p, oid, NULL);
	o = &p->objs[oid];
	if (o->info.collapsed)
		off = AZ_OFF_ANY;
	at = az_field_lower(o, off);
	if (at < o->n_fields && o->fields[at].off == off)
		return o->fields[at].loc;
	return az_loc_create(p, oid, off, at);
}

uint32_t
az_pta_obj_node(struct az_pta *p, az_obj_t o, uint64_t off)
{
	/* Not p->locs[az_pta_loc(...)]: creating the location may move
	 * the array before the index is applied. */
	uint32_t loc = az_pta_loc(p, o, off);

	return p->locs[loc].node;
}

uint32_t
az_pta_loc_at(struct az_pta *p, uint32_t loc, int64_t off, LLVMValueRef why)
{
	az_obj_t o = p->locs[loc].obj;
	uint64_t at, hit;
	uint32_t r;

	if (p->objs[o].info.collapsed)
		return az_pta_loc(p, o, AZ_OFF_ANY);
	hit = az_pairmap_get(&p->at_cache, loc, (uint64_t)off);
	if (hit != AZ_PAIRMAP_NONE)
		return (uint32_t)hit;
	at = p->locs[loc].off + (uint64_t)off;
	/* Out of the object (a pointer walked past its end): say where. */
	if (az_pta_norm(p, o, at) == AZ_OFF_ANY)
		az_pta_collapse(p, o, why);
	r = az_pta_loc(p, o, at);
	if (!p->objs[o].info.collapsed &&
	    az_pairmap_put(&p->at_cache, loc, (uint64_t)off, r) < 0)
		az_pta_nomem(p);
	return r;
}

void
az_pta_collapse(struct az_pta *p, az_obj_t oid, LLVMValueRef why)
{
	struct az_obj *o = &p->objs[oid];
	uint32_t any, i, n = o->n_fields, loc;
	struct az_field_ref *old = o->fields;
	char name[256];

	if (o->info.collapsed)
		return;
	o->info.collapsed = true;
	o->fields = NULL;
	o->n_fields = 0;
	o->cap_fields = 0;
	any = az_loc_create(p, oid, AZ_OFF_ANY, 0);
	for (i = 0; i < n; i++) {
		loc = old[i].loc;
		az_pta_merge(p, p->locs[any].node, p->locs[loc].node);
	}
	free(old);
	o = &p->objs[oid];
	if (!az_kind_collapsed(o->info.kind) && o->info.kind != AZ_OBJ_ENV &&
	    !p->opts.field_insensitive)
		az_pta_add_approx(p, AZ_APPROX_COLLAPSE,
				  az_pta_obj_name(p, oid, name, sizeof(name)),
				  why, "all fields of the object are one "
				  "location (unknown offset)");
}

void
az_pta_add_approx(struct az_pta *p, enum az_approx_kind kind,
		  const char *what, LLVMValueRef where, const char *effect)
{
	struct az_approx *a;

	p->approx = az_pta_grow(p->approx, &p->cap_approx, p->n_approx + 1,
				sizeof(*p->approx));
	a = &p->approx[p->n_approx++];
	a->kind = kind;
	a->what = az_strpool_add(&p->strs, what, strlen(what));
	a->where = where;
	a->effect = effect;
	if (a->what == NULL)
		a->what = "<out of memory>";
}

bool
az_pta_type_has_ptr(LLVMTypeRef ty)
{
	unsigned int i, n;

	switch (LLVMGetTypeKind(ty)) {
	case LLVMPointerTypeKind:
		return true;
	case LLVMArrayTypeKind:
	case LLVMVectorTypeKind:
		return az_pta_type_has_ptr(LLVMGetElementType(ty));
	case LLVMStructTypeKind:
		n = LLVMCountStructElementTypes(ty);
		for (i = 0; i < n; i++)
			if (az_pta_type_has_ptr(LLVMStructGetTypeAtIndex(ty, i)))
				return true;
		return false;
	default:
		return false;
	}
}

/* --- nodes of values ------------------------------------------------ */

static bool
az_value_tracked(struct az_pta *p, LLVMValueRef v)
{
	LLVMTypeKind k = LLVMGetTypeKind(LLVMTypeOf(v));

	if (k == LLVMPointerTypeKind)
		return true;
	if (k == LLVMIntegerTypeKind)
		return az_ptrmap_get(&p->tracked_int, v) != AZ_PTRMAP_NONE;
	return (k == LLVMStructTypeKind || k == LLVMArrayTypeKind ||
		k == LLVMVectorTypeKind) && az_pta_type_has_ptr(LLVMTypeOf(v));
}

uint32_t
az_pta_node(struct az_pta *p, LLVMValueRef v)
{
	uint32_t n = az_ptrmap_get(&p->node_of, v);

	if (n != AZ_PTRMAP_NONE)
		return n;
	if (LLVMIsAConstant(v))
		return az_pta_const_node(p, v);
	if (!az_value_tracked(p, v))
		return AZ_NODE_NONE;
	n = az_pta_new_node(p);
	if (az_ptrmap_put(&p->node_of, v, n) < 0)
		az_pta_nomem(p);
	return n;
}

uint32_t
az_pta_ret_node(struct az_pta *p, LLVMValueRef fn)
{
	uint32_t n = az_ptrmap_get(&p->ret_of, fn);

	if (n != AZ_PTRMAP_NONE)
		return n;
	n = az_pta_new_node(p);
	if (az_ptrmap_put(&p->ret_of, fn, n) < 0)
		az_pta_nomem(p);
	return n;
}

/* --- names ---------------------------------------------------------- */

static const char *
az_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

static const char *const az_part_prefix[] = {
	[AZ_HEAP_PLAIN] = "heap",
	[AZ_HEAP_TABLE] = "table",
	[AZ_HEAP_TABLE_KEYS] = "table-keys",
	[AZ_HEAP_TABLE_VALUES] = "table-values",
};

static char *
az_site_name(struct az_pta *p, const struct az_obj_info *in, char *buf,
	     size_t size)
{
	struct az_srcloc loc;

	if (az_module_loc(p->m, in->site, &loc) == 0)
		snprintf(buf, size, "%s@%s:%u", az_part_prefix[in->part],
			 az_basename(loc.file), loc.line);
	else
		snprintf(buf, size, "%s@%s", az_part_prefix[in->part],
			 in->func ? az_module_fn_name(in->func) : "?");
	return buf;
}

char *
az_pta_obj_name(const struct az_pta *cp, az_obj_t o, char *buf, size_t size)
{
	struct az_pta *p = (struct az_pta *)cp;
	const struct az_obj_info *in = &p->objs[o].info;
	struct az_var var;

	switch (in->kind) {
	case AZ_OBJ_GLOBAL:
	case AZ_OBJ_STACK:
		az_module_var(p->m, in->site, &var);
		snprintf(buf, size, "%s", var.name);
		break;
	case AZ_OBJ_HEAP:
		az_site_name(p, in, buf, size);
		break;
	case AZ_OBJ_FUNCTION:
		snprintf(buf, size, "fn:%s", az_module_fn_name(in->site));
		break;
	case AZ_OBJ_LIBSTATIC:
		snprintf(buf, size, "libstatic:%s", in->model);
		break;
	case AZ_OBJ_VARARGS:
		snprintf(buf, size, "varargs:%s", az_module_fn_name(in->func));
		break;
	case AZ_OBJ_PACKET:
		snprintf(buf, size, "packet");
		break;
	case AZ_OBJ_ENV:
		snprintf(buf, size, "env:%s", in->model ? in->model : "runtime");
		break;
	default:
		snprintf(buf, size, "unknown");
		break;
	}
	return buf;
}

const char *
az_approx_kind_name(enum az_approx_kind kind)
{
	if ((unsigned int)kind >= sizeof(az_approx_names) /
				  sizeof(az_approx_names[0]))
		return "unknown";
	return az_approx_names[kind];
}

/* --- the run --------------------------------------------------------- */

static void
az_pta_special_objects(struct az_pta *p)
{
	uint32_t env_node;

	p->packet = az_pta_new_obj(p, AZ_OBJ_PACKET, NULL, NULL, NULL);
	p->objs[p->packet].info.model = "packet";
	p->unknown = az_pta_new_obj(p, AZ_OBJ_UNKNOWN, NULL, NULL, NULL);
	p->env = az_pta_new_obj(p, AZ_OBJ_ENV, NULL, NULL, NULL);
	p->objs[p->env].info.model = "runtime";
	az_pta_collapse(p, p->env, NULL);
	/* Runtime memory may point to more runtime memory, never to ours. */
	env_node = az_pta_obj_node(p, p->env, 0);
	az_pta_add_pts(p, env_node, az_pta_loc(p, p->env, 0));
	p->esc = az_pta_new_node(p);
	az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_ESCAPE_WATCH,
					      .a = p->esc });
	az_pta_add_pts(p, p->esc, az_pta_loc(p, p->unknown, 0));
}

static int
az_pta_generate(struct az_pta *p)
{
	LLVMValueRef fn;
	uint64_t done = 0;
	int rc;

	az_progress_begin("pointer analysis: constraints",
			  az_module_n_functions(p->m));
	rc = az_pta_gen_globals(p);
	for (fn = LLVMGetFirstFunction(p->mod); fn && rc == 0;
	     fn = LLVMGetNextFunction(fn)) {
		if (LLVMIsDeclaration(fn))
			continue;
		rc = az_pta_gen_function(p, fn);
		az_progress_step(++done);
	}
	if (rc == 0)
		rc = az_pta_bind_roots(p);
	az_progress_end();
	return rc;
}

static int
az_pta_once(struct az_module *m, const struct az_pta_opts *opts,
	    const struct az_ptrvec *hints, const struct az_ptrmap *hint_of,
	    struct az_pta **out)
{
	struct az_pta *p = calloc(1, sizeof(*p));
	uint64_t t0, t1, t2;
	int rc;

	*out = NULL;
	if (p == NULL)
		return -ENOMEM;
	az_pta_oom = false;
	p->m = m;
	p->mod = az_module_llvm(m);
	p->td = az_module_target_data(m);
	p->hints = hints;
	p->hint_of = hint_of;
	p->pktdesc = AZ_OBJ_NONE;
	if (opts != NULL)
		p->opts = *opts;
	t0 = az_log_now_ns();
	az_pta_special_objects(p);
	rc = az_pta_generate(p);
	t1 = az_log_now_ns();
	p->stats.constraints = p->n_cons;
	if (rc == 0)
		rc = az_pta_solve(p);
	t2 = az_log_now_ns();
	if (rc == 0 && az_pta_oom)
		rc = -ENOMEM;
	p->stats.cons_seconds = (double)(t1 - t0) / AZ_NS_PER_S;
	p->stats.solve_seconds = (double)(t2 - t1) / AZ_NS_PER_S;
	*out = p;
	return rc;
}

int
az_pta_run(struct az_module *m, const struct az_pta_opts *opts,
	   struct az_pta **out)
{
	struct az_ptrvec hints = { 0 };
	struct az_ptrmap hint_of = { 0 };
	struct az_pta_stats first;
	struct az_pta *p;
	int rc;

	rc = az_pta_once(m, opts, NULL, NULL, &p);
	if (rc == 0 && az_pta_infer_types(p, &hints, &hint_of) != 0) {
		first = p->stats;
		az_pta_free(p);
		rc = az_pta_once(m, opts, &hints, &hint_of, &p);
		if (rc == 0)
			az_pta_infer_types(p, NULL, NULL);
		if (p != NULL) {
			p->stats.cons_seconds += first.cons_seconds;
			p->stats.solve_seconds += first.solve_seconds;
		}
	}
	az_ptrvec_fini(&hints);
	az_ptrmap_fini(&hint_of);
	if (rc < 0) {
		az_log(AZ_LOG_ERR, "%s: pointer analysis failed: %s",
		       az_module_path(m), strerror(-rc));
		az_pta_free(p);
		return rc;
	}
	p->hints = NULL;
	p->hint_of = NULL;
	p->stats.objects = p->n_objs;
	p->stats.nodes = p->n_nodes;
	p->stats.locations = p->n_locs;
	*out = p;
	return 0;
}

void
az_pta_free(struct az_pta *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_nodes; i++) {
		az_bits_free(&p->pts[i]);
		az_bits_free(&p->old[i]);
		az_u32vec_fini(&p->succ[i]);
		if (p->cx[i] != NULL) {
			az_u32vec_fini(&p->cx[i]->cons);
			az_bits_free(&p->cx[i]->done);
			free(p->cx[i]);
		}
	}
	for (i = 0; i < p->n_objs; i++) {
		free(p->objs[i].fields);
		az_u32vec_fini(&p->objs[i].watch);
	}
	for (i = 0; i < p->n_calls; i++) {
		az_ptrvec_fini(&p->calls[i].targets);
		az_ptrmap_fini(&p->calls[i].target_set);
	}
	free(p->rep);
	free(p->loc_of);
	free(p->pts);
	free(p->old);
	free(p->succ);
	free(p->nold);
	free(p->cx);
	free(p->objs);
	free(p->locs);
	free(p->cons);
	free(p->calls);
	free(p->approx);
	free(p->pending_mark);
	free(p->fbuf[0]);
	az_pairmap_fini(&p->fdst_of);
	free(p->fdst);
	free(p->fdst_pool);
	free(p->fbuf[1]);
	for (i = 0; i < p->n_mcs; i++) {
		az_bits_free(&p->mcs[i].src);
		az_bits_free(&p->mcs[i].dst);
		az_bits_free(&p->mcs[i].deferred);
	}
	free(p->mcs);
	az_ptrmap_fini(&p->mc_of);
	az_u32vec_fini(&p->mc_redo);
	az_pairmap_fini(&p->norm_cache);
	az_pairmap_fini(&p->at_cache);
	az_pairmap_fini(&p->watched);
	az_u32vec_fini(&p->cx_nodes);
	az_u32vec_fini(&p->pending);
	az_bits_free(&p->tmp);
	az_bits_free(&p->tmp_gep);
	for (i = 0; i < p->cap_gep_res; i++)
		az_bits_free(&p->gep_res[i]);
	free(p->gep_res);
	az_pairmap_fini(&p->gep_memo);
	az_u32vec_fini(&p->gep_buf);
	az_bits_free(&p->tmp_mc);
	az_ptrmap_fini(&p->obj_of_site);
	az_ptrmap_fini(&p->libstatic_of);
	az_ptrmap_fini(&p->varargs_of);
	az_ptrmap_fini(&p->node_of);
	az_ptrmap_fini(&p->ret_of);
	az_ptrmap_fini(&p->tracked_int);
	az_ptrmap_fini(&p->const_node_of);
	az_ptrmap_fini(&p->call_of);
	az_strpool_fini(&p->strs);
	free(p);
}
