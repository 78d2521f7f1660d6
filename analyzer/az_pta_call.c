/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constraints from calls: binding arguments, parameters and results to
 * the targets (direct, or found for an indirect call while solving),
 * library models, intrinsics, unknown external code, and the roots the
 * outside world calls.
 */

#include <stdio.h>
#include <string.h>

#include "az_pta_impl.h"

/* Key of "unknown code" in a call's target set (no function has it). */
#define AZ_UNKNOWN_TARGET(p)	((const void *)(p))

az_obj_t
az_pta_varargs_obj(struct az_pta *p, LLVMValueRef fn)
{
	uint32_t o = az_ptrmap_get(&p->varargs_of, fn);

	if (o != AZ_PTRMAP_NONE)
		return o;
	o = az_pta_new_obj(p, AZ_OBJ_VARARGS, NULL, fn, NULL);
	if (az_ptrmap_put(&p->varargs_of, fn, o) < 0)
		az_pta_nomem(p);
	return o;
}

static LLVMValueRef
az_arg(const struct az_call *c, int i)
{
	if (i < 0 || (unsigned int)i >= LLVMGetNumArgOperands(c->inst))
		return NULL;
	return LLVMGetOperand(c->inst, (unsigned int)i);
}

static uint32_t
az_arg_node(struct az_pta *p, uint32_t x, int i)
{
	LLVMValueRef a = az_arg(&p->calls[x], i);

	return a != NULL ? az_pta_node(p, a) : AZ_NODE_NONE;
}

static uint32_t
az_result_node(struct az_pta *p, uint32_t x)
{
	return az_pta_node(p, p->calls[x].inst);
}

/* Effects of code the analysis cannot see: every pointer it gets escapes,
 * and its result may be any escaped location. Once per call. */
static void
az_unknown_call(struct az_pta *p, uint32_t x)
{
	unsigned int i, n = LLVMGetNumArgOperands(p->calls[x].inst);
	uint32_t a, r;

	if (p->calls[x].unknown_bound)
		return;
	p->calls[x].unknown_bound = true;
	for (i = 0; i < n; i++) {
		a = az_arg_node(p, x, (int)i);
		if (a != AZ_NODE_NONE)
			az_pta_add_edge(p, a, p->esc);
	}
	r = az_result_node(p, x);
	if (r != AZ_NODE_NONE)
		az_pta_add_edge(p, p->esc, r);
}

static void
az_add_target(struct az_pta *p, uint32_t x, LLVMValueRef fn)
{
	struct az_call *c = &p->calls[x];

	if (az_ptrmap_get(&c->target_set, fn) != AZ_PTRMAP_NONE)
		return;
	if (az_ptrmap_put(&c->target_set, fn, 1) < 0 ||
	    az_ptrvec_push(&c->targets, fn) < 0)
		az_pta_nomem(p);
}

/* Argument @p i of call @p x flows into parameter @p param. */
static void
az_bind_one(struct az_pta *p, uint32_t x, int i, uint32_t src,
	    LLVMValueRef param)
{
	uint32_t dst = param != NULL ? az_pta_node(p, param) : AZ_NODE_NONE;

	p->cur_inst = p->calls[x].inst;
	if (az_pta_int_escapes(p, az_arg(&p->calls[x], i)) ||
	    src == AZ_NODE_NONE)
		return;
	if (dst == AZ_NODE_NONE) {
		/* A pointer into a non-pointer parameter (a prototype that
		 * does not match): it could be anything there. */
		az_pta_add_edge(p, src, p->esc);
		return;
	}
	az_pta_add_edge(p, src, dst);
}

static void
az_bind_args(struct az_pta *p, uint32_t x, LLVMValueRef fn,
	     const struct az_model *m)
{
	unsigned int i, np = LLVMCountParams(fn);
	unsigned int na = LLVMGetNumArgOperands(p->calls[x].inst);
	uint32_t src;

	for (i = 0; i < na; i++) {
		if (m != NULL && i < 32 && (m->nobind & (1u << i)))
			continue;
		src = m != NULL && i < 32 && (m->bind_table & (1u << i)) ?
		      az_arg_node(p, x, m->table_arg) :
		      az_arg_node(p, x, (int)i);
		if (i < np) {
			az_bind_one(p, x, (int)i, src, LLVMGetParam(fn, i));
		} else if (src != AZ_NODE_NONE) {
			az_pta_add_edge(p, src, az_pta_obj_node(p,
				az_pta_varargs_obj(p, fn), AZ_OFF_ANY));
		}
	}
}

static void
az_bind_ret(struct az_pta *p, uint32_t x, LLVMValueRef fn)
{
	uint32_t r = az_result_node(p, x);

	if (r != AZ_NODE_NONE)
		az_pta_add_edge(p, az_pta_ret_node(p, fn), r);
}

static void az_apply_model(struct az_pta *p, uint32_t x,
			   const struct az_model *m);

void
az_pta_bind(struct az_pta *p, uint32_t x, LLVMValueRef fn)
{
	const struct az_model *m;
	const void *key = fn != NULL ? (const void *)fn : AZ_UNKNOWN_TARGET(p);
	char what[128];

	if (az_ptrmap_get(&p->calls[x].target_set, key) != AZ_PTRMAP_NONE)
		return;
	if (az_ptrmap_put(&p->calls[x].target_set, key, 1) < 0)
		az_pta_nomem(p);
	if (fn == NULL) {
		p->calls[x].unresolved = true;
		az_unknown_call(p, x);
		az_pta_add_approx(p, AZ_APPROX_UNRESOLVED_CALL,
				  "indirect call", p->calls[x].inst,
				  "may call unknown code: arguments escape");
		return;
	}
	if (az_ptrvec_push(&p->calls[x].targets, fn) < 0)
		az_pta_nomem(p);
	if (!LLVMIsAFunction(LLVMGetCalledValue(p->calls[x].inst)))
		p->stats.indirect_edges++;
	m = az_model_lookup(az_module_fn_name(fn));
	if (!LLVMIsDeclaration(fn) && (m == NULL ||
				       !(m->flags & AZ_MODEL_OVERRIDE))) {
		az_bind_args(p, x, fn, NULL);
		az_bind_ret(p, x, fn);
		return;
	}
	if (m != NULL) {
		p->calls[x].model = m;
		if (!LLVMIsDeclaration(fn))
			az_bind_args(p, x, fn, m);
		az_apply_model(p, x, m);
		return;
	}
	az_unknown_call(p, x);
	snprintf(what, sizeof(what), "%s", az_module_fn_name(fn));
	az_pta_add_approx(p, AZ_APPROX_UNKNOWN_EXTERNAL, what,
			  p->calls[x].inst, "pointer arguments escape; the "
			  "result may point to any escaped memory");
}

/* --- model effects --------------------------------------------------- */

/* The IR type a call's result is cast to, if one (what the allocation
 * holds: `struct s *p = malloc(...)`). */
static LLVMTypeRef
az_result_type(LLVMValueRef call)
{
	LLVMUseRef u;
	LLVMValueRef user;
	LLVMTypeRef el;

	for (u = LLVMGetFirstUse(call); u; u = LLVMGetNextUse(u)) {
		user = LLVMGetUser(u);
		if (!LLVMIsABitCastInst(user) ||
		    LLVMGetTypeKind(LLVMTypeOf(user)) != LLVMPointerTypeKind)
			continue;
		el = LLVMGetElementType(LLVMTypeOf(user));
		if (LLVMTypeIsSized(el))
			return el;
	}
	return NULL;
}

static uint64_t
az_const_arg(const struct az_call *c, int i)
{
	LLVMValueRef a = az_arg(c, i);

	return a != NULL && LLVMIsAConstantInt(a) ?
	       LLVMConstIntGetZExtValue(a) : 0;
}

static az_obj_t
az_heap_obj(struct az_pta *p, uint32_t x, const struct az_model *m,
	    const struct az_effect *e)
{
	struct az_call *c = &p->calls[x];
	LLVMValueRef in = c->inst;
	LLVMTypeRef ty = e->kind == AZ_EFF_RET_ALLOC ? az_result_type(in) : NULL;
	az_obj_t o;

	if (c->heap != AZ_OBJ_NONE)
		return c->heap;
	o = az_pta_new_obj(p, AZ_OBJ_HEAP, in,
			   LLVMGetBasicBlockParent(LLVMGetInstructionParent(in)),
			   ty);
	p->objs[o].info.is_array = ty != NULL;
	p->objs[o].info.model = m->name;
	az_pta_hint_type(p, o);
	/* Untyped: a constant size still bounds the offsets. */
	if (ty == NULL && strcmp(m->name, "calloc") == 0)
		p->objs[o].info.size = az_const_arg(c, 0) * az_const_arg(c, 1);
	else if (ty == NULL && strcmp(m->name, "realloc") == 0)
		p->objs[o].info.size = az_const_arg(c, 1);
	else if (ty == NULL)
		p->objs[o].info.size = az_const_arg(c, 0);
	p->calls[x].heap = o;
	return o;
}

static az_obj_t
az_libstatic_obj(struct az_pta *p, const struct az_model *m)
{
	uint32_t o = az_ptrmap_get(&p->libstatic_of, m);
	uint32_t n;

	if (o != AZ_PTRMAP_NONE)
		return o;
	o = az_pta_new_obj(p, AZ_OBJ_LIBSTATIC, NULL, NULL, NULL);
	p->objs[o].info.model = m->name;
	/* Library memory may lead to more library memory (FILE buffers,
	 * addrinfo lists, the string strtok keeps). */
	n = az_pta_obj_node(p, o, AZ_OFF_ANY);
	az_pta_add_pts(p, n, az_pta_loc(p, o, AZ_OFF_ANY));
	if (az_ptrmap_put(&p->libstatic_of, m, o) < 0)
		az_pta_nomem(p);
	return o;
}

az_obj_t
az_pta_pktdesc_obj(struct az_pta *p)
{
	if (p->pktdesc == AZ_OBJ_NONE) {
		p->pktdesc = az_pta_new_obj(p, AZ_OBJ_ENV, NULL, NULL, NULL);
		p->objs[p->pktdesc].info.model = "packet descriptor";
		az_pta_collapse(p, p->pktdesc, NULL);
		az_pta_add_pts(p, az_pta_obj_node(p, p->pktdesc, AZ_OFF_ANY),
			       az_pta_loc(p, p->packet, AZ_OFF_ANY));
	}
	return p->pktdesc;
}

/* sa_table_create: the table, its keys and its values, per call site. */
static az_obj_t
az_table_objs(struct az_pta *p, uint32_t x, const struct az_model *m)
{
	struct az_call *c = &p->calls[x];
	LLVMValueRef in = c->inst, fn;
	LLVMTypeRef ty = NULL, at;
	az_obj_t t, k, v;

	if (c->heap != AZ_OBJ_NONE)
		return c->heap;
	fn = LLVMGetBasicBlockParent(LLVMGetInstructionParent(in));
	at = az_arg(c, 1) != NULL ? LLVMTypeOf(az_arg(c, 1)) : NULL;
	if (at != NULL && LLVMGetTypeKind(at) == LLVMPointerTypeKind &&
	    LLVMGetTypeKind(LLVMGetElementType(at)) == LLVMPointerTypeKind)
		ty = LLVMGetElementType(LLVMGetElementType(at));
	t = az_pta_new_obj(p, AZ_OBJ_HEAP, in, fn, ty);
	k = az_pta_new_obj(p, AZ_OBJ_HEAP, in, fn, NULL);
	v = az_pta_new_obj(p, AZ_OBJ_HEAP, in, fn, NULL);
	p->objs[t].info.part = AZ_HEAP_TABLE;
	p->objs[k].info.part = AZ_HEAP_TABLE_KEYS;
	p->objs[v].info.part = AZ_HEAP_TABLE_VALUES;
	p->objs[k].info.table = p->objs[v].info.table = t;
	p->objs[k].info.is_array = p->objs[v].info.is_array = true;
	p->objs[t].info.model = p->objs[k].info.model =
		p->objs[v].info.model = m->name;
	p->objs[t].keys = k;
	p->objs[t].values = v;
	az_pta_hint_type(p, k);
	az_pta_hint_type(p, v);
	p->calls[x].heap = t;
	return t;
}

/* *node(arg) >= { address of o at off } */
static void
az_store_addr(struct az_pta *p, uint32_t ptr, az_obj_t o, uint64_t off)
{
	if (ptr == AZ_NODE_NONE)
		return;
	az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_STORE, .a = ptr,
			.b = az_pta_addr_node(p, o, off) });
}

/* A node for "somewhere inside what @p src points to". */
static uint32_t
az_inside(struct az_pta *p, uint32_t src)
{
	uint32_t t;

	if (src == AZ_NODE_NONE)
		return AZ_NODE_NONE;
	t = az_pta_new_node(p);
	az_pta_gep_cons(p, src, t, 0, 1);
	return t;
}

static uint64_t
az_effect_len(const struct az_call *c, const struct az_effect *e)
{
	switch (e->len) {
	case AZ_LEN_ARG:
		if (az_arg(c, e->len_arg) != NULL &&
		    LLVMIsAConstantInt(az_arg(c, e->len_arg)))
			return az_const_arg(c, e->len_arg);
		return AZ_OFF_ANY;
	case AZ_LEN_CONST:
		return (uint64_t)e->len_arg;
	default:
		return AZ_OFF_ANY;
	}
}

/* Effects that only add constraints once, at the call. */
static void
az_static_effect(struct az_pta *p, uint32_t x, const struct az_model *m,
		 const struct az_effect *e)
{
	uint32_t r = az_result_node(p, x), a = az_arg_node(p, x, e->arg);
	uint32_t kept;

	switch (e->kind) {
	case AZ_EFF_COPY:
		az_pta_memcpy_cons(p, e->arg == AZ_ARG_RET ? r : a,
				   az_arg_node(p, x, e->arg2),
				   az_effect_len(&p->calls[x], e));
		break;
	case AZ_EFF_RET_ARG:
		if (a != AZ_NODE_NONE && r != AZ_NODE_NONE)
			az_pta_add_edge(p, a, r);
		break;
	case AZ_EFF_RET_INSIDE:
		az_pta_gep_cons(p, a, r, 0, 1);
		break;
	case AZ_EFF_RET_ALLOC:
		if (r != AZ_NODE_NONE)
			az_pta_add_pts(p, r, az_pta_loc(p,
					az_heap_obj(p, x, m, e), 0));
		break;
	case AZ_EFF_RET_STATIC:
		if (r != AZ_NODE_NONE)
			az_pta_add_pts(p, r, az_pta_loc(p,
					az_libstatic_obj(p, m), AZ_OFF_ANY));
		break;
	case AZ_EFF_RET_PACKET:
		if (r != AZ_NODE_NONE)
			az_pta_add_pts(p, r, az_pta_loc(p, p->packet,
							AZ_OFF_ANY));
		break;
	case AZ_EFF_OUT_ALLOC:
		az_store_addr(p, a, az_heap_obj(p, x, m, e), 0);
		break;
	case AZ_EFF_OUT_STATIC:
		az_store_addr(p, a, az_libstatic_obj(p, m), AZ_OFF_ANY);
		break;
	case AZ_EFF_OUT_PACKET:
		az_store_addr(p, a, p->packet, AZ_OFF_ANY);
		break;
	case AZ_EFF_OUT_PKTDESC:
		az_store_addr(p, a, az_pta_pktdesc_obj(p), AZ_OFF_ANY);
		break;
	case AZ_EFF_OUT_TABLE:
		az_store_addr(p, a, az_table_objs(p, x, m), 0);
		break;
	case AZ_EFF_OUT_INSIDE:
		kept = az_inside(p, az_arg_node(p, x, e->arg2));
		if (a != AZ_NODE_NONE && kept != AZ_NODE_NONE)
			az_pta_add_cons(p, &(struct az_cons){
				.kind = AZ_C_STORE, .a = a, .b = kept });
		break;
	case AZ_EFF_KEEP_ARG:
	case AZ_EFF_RET_KEPT:
	case AZ_EFF_OUT_KEPT:
		kept = az_pta_obj_node(p, az_libstatic_obj(p, m), AZ_OFF_ANY);
		if (e->kind == AZ_EFF_KEEP_ARG && a != AZ_NODE_NONE)
			az_pta_add_edge(p, az_inside(p, a), kept);
		else if (e->kind == AZ_EFF_RET_KEPT && r != AZ_NODE_NONE)
			az_pta_add_edge(p, kept, r);
		else if (a != AZ_NODE_NONE)
			az_pta_add_cons(p, &(struct az_cons){
				.kind = AZ_C_STORE, .a = a, .b = kept });
		break;
	default:
		break;
	}
}

static bool
az_effect_dynamic(const struct az_effect *e)
{
	return e->kind == AZ_EFF_CALLBACK || e->kind == AZ_EFF_OUT_TVAL ||
	       e->kind == AZ_EFF_OUT_TKEY || e->kind == AZ_EFF_RET_TVAL ||
	       e->kind == AZ_EFF_RET_TKEY;
}

/* Effects that depend on what arguments point to run as EFFECT
 * constraints, driven by those arguments' nodes. */
static void
az_dynamic_effect(struct az_pta *p, uint32_t x, uint32_t y,
		  const struct az_model *m)
{
	const struct az_effect *e = &m->eff[y];
	uint32_t a = az_arg_node(p, x, e->arg);
	uint32_t b = az_arg_node(p, x, e->arg2), id;

	if (a == AZ_NODE_NONE)
		return;
	id = az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_EFFECT,
			.a = a, .x = x, .y = y, .inst = p->calls[x].inst,
			.model = m });
	if (b != AZ_NODE_NONE)
		az_pta_attach(p, b, id);
	az_pta_trigger(p, id);
}

static void
az_apply_model(struct az_pta *p, uint32_t x, const struct az_model *m)
{
	unsigned int y;

	p->cur_inst = p->calls[x].inst;
	for (y = 0; y < m->n_eff; y++) {
		if (az_effect_dynamic(&m->eff[y]))
			az_dynamic_effect(p, x, y, m);
		else
			az_static_effect(p, x, m, &m->eff[y]);
	}
}

/* Objects of kind @p part (keys / values) of the tables @p t points to,
 * each as an address node, passed to @p fn. */
static void
az_each_table_part(struct az_pta *p, uint32_t t, bool values,
		   void (*fn)(struct az_pta *, uint32_t, uint32_t),
		   uint32_t arg)
{
	struct az_bits s = { 0 };
	az_obj_t o, part;
	uint32_t l;

	if (t == AZ_NODE_NONE)
		return;
	az_bits_copy(&s, &p->pts[az_pta_find(p, t)]);
	AZ_BITS_FOREACH(&s, l, {
		o = p->locs[l].obj;
		part = values ? p->objs[o].values : p->objs[o].keys;
		if (part != AZ_OBJ_NONE)
			fn(p, az_pta_addr_node(p, part, 0), arg);
	});
	az_bits_free(&s);
}

static void
az_flow_cb(struct az_pta *p, uint32_t from, uint32_t to)
{
	if (to != AZ_NODE_NONE)
		az_pta_add_edge(p, from, to);
}

/* *ptr >= from, for every location ptr points to now (re-run when it
 * grows, as an EFFECT). */
static void
az_store_now_cb(struct az_pta *p, uint32_t from, uint32_t ptr)
{
	struct az_bits s = { 0 };
	uint32_t l;

	if (ptr == AZ_NODE_NONE)
		return;
	az_bits_copy(&s, &p->pts[az_pta_find(p, ptr)]);
	AZ_BITS_FOREACH(&s, l, {
		az_pta_add_edge(p, from, p->locs[l].node);
	});
	az_bits_free(&s);
}

/* The library calls back @p fn with the parameters the model names. */
static void
az_callback_fn(struct az_pta *p, uint32_t x, const struct az_effect *e,
	       LLVMValueRef fn)
{
	unsigned int i, np = LLVMCountParams(fn);
	uint32_t pn, src;

	az_add_target(p, x, fn);
	for (i = 0; i < AZ_CB_MAX && i < np; i++) {
		pn = az_pta_node(p, LLVMGetParam(fn, i));
		if (pn == AZ_NODE_NONE)
			continue;
		src = AZ_NODE_NONE;
		if (e->cb[i] >= 0)
			src = az_arg_node(p, x, e->cb[i]);
		else if (e->cb[i] == AZ_SRC_PACKET)
			src = az_pta_addr_node(p, p->packet, AZ_OFF_ANY);
		else if (e->cb[i] == AZ_SRC_ENV)
			src = az_pta_addr_node(p, p->env, AZ_OFF_ANY);
		else if (e->cb[i] == AZ_SRC_TKEY || e->cb[i] == AZ_SRC_TVAL)
			az_each_table_part(p, az_arg_node(p, x, e->arg2),
					   e->cb[i] == AZ_SRC_TVAL, az_flow_cb,
					   pn);
		if (src != AZ_NODE_NONE)
			az_pta_add_edge(p, src, pn);
	}
}

void
az_pta_run_effect(struct az_pta *p, uint32_t id)
{
	const struct az_cons *c = &p->cons[id];
	const struct az_effect *e = &c->model->eff[c->y];
	uint32_t x = c->x, a = az_arg_node(p, x, e->arg), l;
	bool vals = e->kind == AZ_EFF_RET_TVAL || e->kind == AZ_EFF_OUT_TVAL;
	struct az_bits s = { 0 };
	const struct az_obj_info *in;

	p->cur_inst = p->calls[x].inst;
	switch (e->kind) {
	case AZ_EFF_CALLBACK:
		az_bits_copy(&s, &p->pts[az_pta_find(p, a)]);
		AZ_BITS_FOREACH(&s, l, {
			in = &p->objs[p->locs[l].obj].info;
			if (in->kind == AZ_OBJ_FUNCTION &&
			    !LLVMIsDeclaration(in->site))
				az_callback_fn(p, x, e, in->site);
		});
		az_bits_free(&s);
		break;
	case AZ_EFF_RET_TVAL:
	case AZ_EFF_RET_TKEY:
		az_each_table_part(p, a, vals, az_flow_cb,
				   az_result_node(p, x));
		break;
	case AZ_EFF_OUT_TVAL:
	case AZ_EFF_OUT_TKEY:
		az_each_table_part(p, a, vals, az_store_now_cb,
				   az_arg_node(p, x, e->arg2));
		break;
	default:
		break;
	}
}

/* --- call instructions ------------------------------------------------- */

static uint32_t
az_call_new(struct az_pta *p, LLVMValueRef in)
{
	uint32_t x = (uint32_t)p->n_calls;

	if (az_grow((void **)&p->calls, &p->cap_calls, p->n_calls + 1,
		    sizeof(*p->calls)) < 0) {
		az_pta_nomem(p);
		return x;
	}
	memset(&p->calls[x], 0, sizeof(p->calls[x]));
	p->calls[x].inst = in;
	p->calls[x].heap = AZ_OBJ_NONE;
	p->n_calls++;
	if (az_ptrmap_put(&p->call_of, in, x) < 0)
		az_pta_nomem(p);
	return x;
}

static LLVMValueRef
az_strip_casts(LLVMValueRef v)
{
	while (v != NULL && LLVMIsAConstantExpr(v) &&
	       (LLVMGetConstOpcode(v) == LLVMBitCast ||
		LLVMGetConstOpcode(v) == LLVMAddrSpaceCast))
		v = LLVMGetOperand(v, 0);
	return v;
}

static bool
az_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Intrinsics that move pointers; the rest (debug info, lifetime, math,
 * memset) have no effect on what points where. */
static void
az_gen_intrinsic(struct az_pta *p, LLVMValueRef in, LLVMValueRef fn)
{
	const char *name = az_module_fn_name(fn);
	LLVMValueRef caller;
	uint32_t x, r, a, t;

	if (az_prefix(name, "llvm.dbg.") || az_prefix(name, "llvm.lifetime."))
		return;
	x = az_call_new(p, in);
	az_add_target(p, x, fn);
	a = az_arg_node(p, x, 0);
	if (az_prefix(name, "llvm.memcpy.") || az_prefix(name, "llvm.memmove.")) {
		p->calls[x].model = az_model_lookup(az_prefix(name,
				"llvm.memcpy.") ? "memcpy" : "memmove");
		az_pta_memcpy_cons(p, a, az_arg_node(p, x, 1),
				   LLVMIsAConstantInt(az_arg(&p->calls[x], 2)) ?
				   az_const_arg(&p->calls[x], 2) : AZ_OFF_ANY);
	} else if (az_prefix(name, "llvm.memset.")) {
		p->calls[x].model = az_model_lookup("memset");
	} else if (strcmp(name, "llvm.va_start") == 0 && a != AZ_NODE_NONE) {
		/* The va_list's layout is the target's: make it one location
		 * holding the variadic arguments. */
		caller = LLVMGetBasicBlockParent(LLVMGetInstructionParent(in));
		t = az_pta_new_node(p);
		az_pta_gep_cons(p, a, t, 0, AZ_STRIDE_ANY);
		az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_STORE,
				.a = t, .b = az_pta_addr_node(p,
				az_pta_varargs_obj(p, caller), AZ_OFF_ANY) });
	} else if (strcmp(name, "llvm.va_copy") == 0) {
		az_pta_memcpy_cons(p, a, az_arg_node(p, x, 1), AZ_OFF_ANY);
	} else if ((r = az_result_node(p, x)) != AZ_NODE_NONE) {
		/* ptrmask, launder/strip.invariant.group: the same object;
		 * frameaddress and the like: memory nobody models. */
		az_pta_add_edge(p, a != AZ_NODE_NONE ? a : p->esc, r);
	}
}

int
az_pta_gen_call(struct az_pta *p, LLVMValueRef in)
{
	LLVMValueRef callee = az_strip_casts(LLVMGetCalledValue(in));
	uint32_t x, n;

	if (LLVMIsAFunction(callee) && LLVMGetIntrinsicID(callee) != 0) {
		az_gen_intrinsic(p, in, callee);
		return 0;
	}
	x = az_call_new(p, in);
	if (LLVMIsAFunction(callee)) {
		az_pta_bind(p, x, callee);
		return 0;
	}
	if (LLVMIsAInlineAsm(callee)) {
		az_unknown_call(p, x);
		az_pta_add_approx(p, AZ_APPROX_INLINE_ASM, "inline assembly",
				  in, "pointer arguments escape");
		return 0;
	}
	p->stats.indirect_calls++;
	n = az_pta_node(p, callee);
	if (n == AZ_NODE_NONE) {
		az_pta_bind(p, x, NULL);
		return 0;
	}
	az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_ICALL, .a = n,
					      .x = x, .inst = in });
	return 0;
}
