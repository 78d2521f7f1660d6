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
#include "az_persist.h"

#define AZ_LOC_BUF	512
#define AZ_NAME_BUF	512

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

/* Whether load @p ld of alloca @p a is preceded, in every iteration, by
 * a store that overwrites all of @p a: a store in the loop that dominates
 * it (within its block: comes before it). */
static bool
az_load_killed(const struct az_entry *e, struct az_dom *dom, LLVMValueRef a,
	       LLVMValueRef ld, struct az_module *m)
{
	LLVMBasicBlockRef lb = LLVMGetInstructionParent(ld), sb;
	uint64_t size = LLVMABISizeOfType(az_module_target_data(m),
					  LLVMGetAllocatedType(a));
	LLVMValueRef st, i;
	LLVMUseRef use;

	for (use = LLVMGetFirstUse(a); use != NULL; use = LLVMGetNextUse(use)) {
		st = LLVMGetUser(use);
		if (LLVMIsAStoreInst(st) == NULL || LLVMGetOperand(st, 1) != a ||
		    LLVMStoreSizeOfType(az_module_target_data(m), LLVMTypeOf(
			LLVMGetOperand(st, 0))) < size)
			continue;
		sb = LLVMGetInstructionParent(st);
		if (!az_entry_in_loop(e, sb))
			continue;
		if (sb != lb) {
			if (az_dom_dominates(dom, az_dom_index(dom, sb),
					     az_dom_index(dom, lb)))
				return true;
			continue;
		}
		for (i = st; i != NULL && i != ld; i = LLVMGetNextInstruction(i))
			;
		if (i == ld)
			return true;
	}
	return false;
}

/*
 * Whether a local of the loop procedure carries a value from one
 * iteration to the next: it does unless it is only loaded and stored
 * directly, and every load in the loop is preceded in its iteration by a
 * store of the whole variable. Anything else (its address taken, partial
 * stores) counts as carrying.
 */
static bool
az_live_across(const struct az_entry *e, struct az_dom *dom, LLVMValueRef a,
	       struct az_module *m)
{
	LLVMValueRef u;
	LLVMUseRef use;

	for (use = LLVMGetFirstUse(a); use != NULL; use = LLVMGetNextUse(use)) {
		u = LLVMGetUser(use);
		if (LLVMIsAStoreInst(u) != NULL && LLVMGetOperand(u, 1) == a)
			continue;
		if (LLVMIsADbgInfoIntrinsic(u) != NULL)
			continue;
		if (LLVMIsALoadInst(u) == NULL)
			return true;
		if (az_entry_in_loop(e, LLVMGetInstructionParent(u)) &&
		    !az_load_killed(e, dom, a, u, m))
			return true;
	}
	return false;
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
		    !az_live_across(e, dom, a, r->m))
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
