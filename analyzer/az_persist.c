/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Persistent objects: the roots (globals, function statics, loop-locals)
 * and the heap objects reachable from them through the pointer analysis'
 * contents, breadth first so that the order, and with it every reason
 * string later, does not depend on anything but the module.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_dom.h"
#include "az_modref.h"
#include "az_persist.h"

#define AZ_LOC_BUF	512
#define AZ_NAME_BUF	512
/* Deeper chains of casts and GEPs over one local: give up, it carries. */
#define AZ_LIVE_DEPTH	16

static const char *
az_loc_text(char *buf, size_t size, const struct az_srcloc *loc)
{
	if (loc->file == NULL)
		return NULL;
	snprintf(buf, size, "%s:%u", loc->file, loc->line);
	return buf;
}

/* Only what a packet could change or read as state: not constants, not
 * other libraries' variables, not what the compiler made up. */
static bool
az_global_is_state(struct az_module *m, const struct az_obj_info *in,
		   const struct az_var *var)
{
	size_t len = 0;
	const char *name = LLVMGetValueName2(in->site, &len);

	if (in->is_const || in->is_extern || LLVMIsGlobalConstant(in->site))
		return false;
	if (len >= 5 && strncmp(name, "llvm.", 5) == 0)
		return false;
	return !az_module_has_debug_info(m) || var->from_debug_info;
}

static uint64_t
az_var_size(struct az_module *m, const struct az_var *var, LLVMTypeRef ty)
{
	if (var->type->size != 0)
		return var->type->size;
	if (ty == NULL || !LLVMTypeIsSized(ty))
		return 0;
	return LLVMABISizeOfType(az_module_target_data(m), ty);
}

static int
az_add_var(struct az_result *r, az_obj_t o, enum az_pobj_kind kind,
	   LLVMValueRef site, LLVMTypeRef ty, LLVMValueRef owner)
{
	struct az_robj_desc d;
	char loc[AZ_LOC_BUF];
	struct az_var var;

	az_module_var(r->m, site, &var);
	if (kind == AZ_POBJ_GLOBAL &&
	    !az_global_is_state(r->m, az_pta_obj(r->pta, o), &var))
		return 0;
	if (kind == AZ_POBJ_GLOBAL && var.func != NULL) {
		kind = AZ_POBJ_STATIC;
		owner = var.func;
	}
	memset(&d, 0, sizeof(d));
	d.obj = o;
	d.kind = kind;
	d.name = var.name;
	d.func = owner != NULL ? az_fn_label(r, owner) : NULL;
	d.location = az_loc_text(loc, sizeof(loc), &var.loc);
	d.type = var.type;
	d.type_name = var.type->kind != AZ_TYPE_UNKNOWN ? var.type->name : NULL;
	d.size = az_var_size(r->m, &var, ty);
	return az_result_add(r, &d);
}

static int
az_add_heap(struct az_result *r, az_obj_t o)
{
	const struct az_obj_info *in = az_pta_obj(r->pta, o);
	const struct az_type *t = NULL;
	char name[AZ_NAME_BUF];
	char loc[AZ_LOC_BUF];
	struct az_robj_desc d;

	if (in->type != NULL)
		t = az_module_ir_type(r->m, in->type);
	memset(&d, 0, sizeof(d));
	d.obj = o;
	d.kind = AZ_POBJ_HEAP;
	d.name = az_pta_obj_name(r->pta, o, name, sizeof(name));
	d.func = in->func != NULL ? az_fn_label(r, in->func) : NULL;
	d.location = in->site != NULL ?
		az_module_loc_str(r->m, in->site, false, loc, sizeof(loc)) :
		NULL;
	d.type = t;
	d.type_name = t != NULL && t->kind != AZ_TYPE_UNKNOWN ? t->name : NULL;
	d.size = in->size;
	return az_result_add(r, &d);
}

/* Uses of a loop procedure's local, for az_live_across(). */
struct az_live {
	const struct az_entry *e;
	LLVMTargetDataRef td;
	uint64_t size;
	bool escaped;		/* unknown code may keep its address */
	bool live;		/* decided: it carries values */
	struct az_ptrvec kills;	/* stores of all of it, in the loop */
	struct az_ptrvec reads;	/* what may read it, in the loop */
};

/* Offset meaning "not known": such an access kills nothing. */
#define AZ_LIVE_OFF_UNKNOWN	INT64_MIN

static void
az_live_note(struct az_live *lv, struct az_ptrvec *v, LLVMValueRef i)
{
	if (az_entry_in_loop(lv->e, LLVMGetInstructionParent(i)) &&
	    az_ptrvec_push(v, i) != 0)
		lv->live = true;
}

static void
az_live_call(struct az_live *lv, LLVMValueRef call, LLVMValueRef ptr,
	     int64_t off)
{
	LLVMValueRef callee = LLVMGetCalledValue(call);
	const char *name;
	uint64_t len;

	if (callee == ptr) {
		lv->live = true;
		return;
	}
	name = LLVMIsAFunction(callee) != NULL ? az_module_fn_name(callee) : "";
	if (strncmp(name, "llvm.dbg.", 9) == 0 ||
	    strncmp(name, "llvm.lifetime.", 14) == 0)
		return;
	if ((strncmp(name, "llvm.memset", 11) == 0 ||
	     strncmp(name, "llvm.memcpy", 11) == 0) &&
	    LLVMGetOperand(call, 0) == ptr) {
		len = LLVMIsAConstantInt(LLVMGetOperand(call, 2)) != NULL ?
			LLVMConstIntGetZExtValue(LLVMGetOperand(call, 2)) : 0;
		if (off == 0 && len >= lv->size)
			az_live_note(lv, &lv->kills, call);
		if (strncmp(name, "llvm.memset", 11) == 0)
			return;
	}
	/* A callee reads through the pointer, or keeps it where code
	 * outside the loop's sight may read it. */
	if (lv->escaped && strncmp(name, "llvm.", 5) != 0)
		lv->live = true;
	az_live_note(lv, &lv->reads, call);
}

/* Collects the kills and reads of the local through @p ptr, which is
 * @p off bytes into it. */
static void
az_live_uses(struct az_live *lv, LLVMValueRef ptr, int64_t off,
	     unsigned int depth)
{
	LLVMValueRef u;
	LLVMUseRef use;
	int64_t k;

	for (use = LLVMGetFirstUse(ptr); use != NULL && !lv->live &&
	     depth < AZ_LIVE_DEPTH; use = LLVMGetNextUse(use)) {
		u = LLVMGetUser(use);
		if (LLVMIsAStoreInst(u) != NULL) {
			if (LLVMGetOperand(u, 0) == ptr)
				lv->live = true;
			else if (off == 0 && LLVMStoreSizeOfType(lv->td,
				 LLVMTypeOf(LLVMGetOperand(u, 0))) >= lv->size)
				az_live_note(lv, &lv->kills, u);
		} else if (LLVMIsALoadInst(u) != NULL) {
			az_live_note(lv, &lv->reads, u);
		} else if (LLVMIsABitCastInst(u) != NULL ||
			   LLVMIsAAddrSpaceCastInst(u) != NULL) {
			az_live_uses(lv, u, off, depth + 1);
		} else if (LLVMIsAGetElementPtrInst(u) != NULL) {
			if (off == AZ_LIVE_OFF_UNKNOWN ||
			    !az_modref_gep_offset(lv->td, u, &k))
				k = AZ_LIVE_OFF_UNKNOWN;
			else
				k += off;
			az_live_uses(lv, u, k, depth + 1);
		} else if (LLVMIsACallInst(u) != NULL) {
			az_live_call(lv, u, ptr, off);
		} else {
			lv->live = true;
		}
	}
	if (depth >= AZ_LIVE_DEPTH)
		lv->live = true;
}

/* True if instruction @p a comes first in every iteration's path to
 * @p b: it dominates b's block, or precedes b in the same block. */
static bool
az_live_before(struct az_dom *dom, LLVMValueRef a, LLVMValueRef b)
{
	LLVMBasicBlockRef ab = LLVMGetInstructionParent(a);
	LLVMBasicBlockRef bb = LLVMGetInstructionParent(b);
	LLVMValueRef i;

	if (ab != bb)
		return az_dom_dominates(dom, az_dom_index(dom, ab),
					az_dom_index(dom, bb));
	for (i = a; i != NULL && i != b; i = LLVMGetNextInstruction(i))
		;
	return i == b;
}

/*
 * Whether a local of the loop procedure carries a value from one
 * iteration to the next: it does unless every read of it in the loop
 * (loads, calls given its address) comes after a store of all of it in
 * the same iteration. Its address kept anywhere else counts as carrying.
 */
static bool
az_live_across(struct az_result *r, const struct az_entry *e,
	       struct az_dom *dom, LLVMValueRef a)
{
	struct az_live lv;
	size_t i, k;
	bool killed;

	memset(&lv, 0, sizeof(lv));
	lv.e = e;
	lv.td = az_module_target_data(r->m);
	lv.size = LLVMABISizeOfType(lv.td, LLVMGetAllocatedType(a));
	lv.escaped = az_pta_obj(r->pta, az_pta_obj_of(r->pta, a))->escaped;
	az_live_uses(&lv, a, 0, 0);
	for (i = 0; i < lv.reads.n && !lv.live; i++) {
		for (k = 0, killed = false; k < lv.kills.n && !killed; k++)
			killed = lv.kills.v[k] != lv.reads.v[i] &&
				 az_live_before(dom, lv.kills.v[k],
						lv.reads.v[i]);
		lv.live = !killed;
	}
	az_ptrvec_fini(&lv.kills);
	az_ptrvec_fini(&lv.reads);
	return lv.live;
}

static int
az_add_loop_locals(struct az_result *r, const struct az_entry *e)
{
	struct az_dom *dom = NULL;
	az_obj_t o;
	size_t j;
	int rc;

	if (e->n_loop_locals != 0) {
		rc = az_dom_build(e->func, AZ_DOM_FORWARD, &dom);
		if (rc != 0)
			return rc;
	}
	for (j = 0, rc = 0; j < e->n_loop_locals && rc == 0; j++) {
		LLVMValueRef a = e->loop_locals[j];

		o = az_pta_obj_of(r->pta, a);
		if (o == AZ_OBJ_NONE || az_result_obj(r, o) != NULL ||
		    !az_live_across(r, e, dom, a))
			continue;
		rc = az_add_var(r, o, AZ_POBJ_LOOP_LOCAL, a,
				LLVMGetAllocatedType(a), e->func);
	}
	az_dom_free(dom);
	return rc;
}

/* The frame of the function that calls pcap_loop outlives every packet:
 * its locals that the callback can reach through the user pointer (or
 * any other argument) are state like a loop procedure's. */
static int
az_add_pcap_locals(struct az_result *r, const struct az_entry *e)
{
	LLVMValueRef caller = LLVMGetBasicBlockParent(
		LLVMGetInstructionParent(e->recv_call));
	const struct az_obj_info *in;
	struct az_locset pts;
	unsigned int i, n = LLVMGetNumArgOperands(e->recv_call);
	size_t k;
	int rc = 0;

	az_locset_init(&pts);
	for (i = 0; i < n && rc == 0; i++) {
		rc = az_pta_points_to(r->pta, LLVMGetOperand(e->recv_call, i),
				      &pts);
		if (rc == -ENOENT)
			rc = 0;
		for (k = 0; k < pts.n && rc == 0; k++) {
			in = az_pta_obj(r->pta, pts.v[k].obj);
			if (in->kind != AZ_OBJ_STACK || in->func != caller ||
			    az_result_obj(r, pts.v[k].obj) != NULL)
				continue;
			rc = az_add_var(r, pts.v[k].obj, AZ_POBJ_LOOP_LOCAL,
					in->site, LLVMGetAllocatedType(in->site),
					caller);
		}
	}
	az_locset_fini(&pts);
	return rc;
}

static int
az_add_roots(struct az_result *r, const struct az_entry_list *entries)
{
	size_t i, n = az_pta_n_objects(r->pta);
	const struct az_obj_info *in;
	az_obj_t o;
	int rc;

	for (o = 0; o < n; o++) {
		in = az_pta_obj(r->pta, o);
		if (in->kind != AZ_OBJ_GLOBAL || in->site == NULL)
			continue;
		rc = az_add_var(r, o, AZ_POBJ_GLOBAL, in->site,
				LLVMGlobalGetValueType(in->site), NULL);
		if (rc != 0)
			return rc;
	}
	for (i = 0, rc = 0; i < entries->n && rc == 0; i++) {
		const struct az_entry *e = &entries->v[i];

		rc = az_add_loop_locals(r, e);
		if (rc == 0 && e->kind == AZ_ENTRY_PCAP_LOOP &&
		    e->recv_call != NULL)
			rc = az_add_pcap_locals(r, e);
	}
	return rc;
}

/* A table's keys and values are reached through its model, not through
 * pointers stored in memory. */
static int
az_add_table_parts(struct az_result *r, az_obj_t table)
{
	size_t o, n = az_pta_n_objects(r->pta);
	int rc = 0;

	for (o = 0; o < n && rc == 0; o++)
		if (az_pta_obj(r->pta, (az_obj_t)o)->table == table &&
		    az_result_obj(r, (az_obj_t)o) == NULL)
			rc = az_add_heap(r, (az_obj_t)o);
	return rc;
}

/* Breadth first over "may point to": the result's object array is the
 * queue, since every object enters it exactly once. */
static int
az_add_reachable_heap(struct az_result *r)
{
	struct az_locset pts;
	size_t head, i;
	int rc = 0;

	az_locset_init(&pts);
	for (head = 0; head < r->n_objs && rc == 0; head++) {
		rc = az_pta_contents(r->pta, r->objs[head].obj, AZ_OFF_ANY,
				     &pts);
		for (i = 0; i < pts.n && rc == 0; i++) {
			az_obj_t o = pts.v[i].obj;

			if (az_pta_obj(r->pta, o)->kind != AZ_OBJ_HEAP ||
			    az_result_obj(r, o) != NULL)
				continue;
			rc = az_add_heap(r, o);
		}
		if (rc == 0 && az_pta_obj(r->pta, r->objs[head].obj)->part ==
		    AZ_HEAP_TABLE)
			rc = az_add_table_parts(r, r->objs[head].obj);
	}
	az_locset_fini(&pts);
	return rc;
}

int
az_persist_find(struct az_result *r, const struct az_entry_list *entries)
{
	int rc;

	rc = az_add_roots(r, entries);
	if (rc == 0)
		rc = az_add_reachable_heap(r);
	if (rc != 0)
		az_log(AZ_LOG_ERR, "persistent objects: %s", strerror(-rc));
	return rc;
}
