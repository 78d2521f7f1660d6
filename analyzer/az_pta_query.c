/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pointer analysis queries: what the analyses above ask once solving is
 * done. Sets come back as sorted, duplicate-free (object, offset) pairs,
 * with the locations a collapsed object had before it collapsed read as
 * its one AZ_OFF_ANY location.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "az_pta_impl.h"

void
az_locset_init(struct az_locset *s)
{
	memset(s, 0, sizeof(*s));
}

void
az_locset_fini(struct az_locset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
az_locset_push(struct az_locset *s, az_obj_t o, uint64_t off)
{
	if (az_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0)
		return -ENOMEM;
	s->v[s->n].obj = o;
	s->v[s->n++].off = off;
	return 0;
}

static int
az_ploc_cmp(const void *a, const void *b)
{
	const struct az_ploc *x = a, *y = b;

	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

/* Sorts and drops duplicates; a collapsed object's old locations all
 * read as AZ_OFF_ANY and fold into one. */
static void
az_locset_norm(struct az_locset *s)
{
	size_t i, k = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), az_ploc_cmp);
	for (i = 1; i < s->n; i++)
		if (az_ploc_cmp(&s->v[i], &s->v[k]) != 0)
			s->v[++k] = s->v[i];
	s->n = k + 1;
}

bool
az_locset_has_obj(const struct az_locset *s, az_obj_t o)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].obj == o)
			return true;
	return false;
}

static int
az_locset_add_bits(const struct az_pta *p, const struct az_bits *b,
		   struct az_locset *out)
{
	const struct az_loc *l;
	uint32_t x;
	int rc = 0;

	AZ_BITS_FOREACH(b, x, {
		l = &p->locs[x];
		if (rc == 0)
			rc = az_locset_push(out, l->obj,
					    p->objs[l->obj].info.collapsed ?
					    AZ_OFF_ANY : l->off);
	});
	return rc;
}

/* Locations of a constant the constraints never saw as an operand. */
static int
az_const_locs(const struct az_pta *p, LLVMValueRef c, struct az_locset *out)
{
	uint32_t o = az_ptrmap_get(&p->obj_of_site, c);

	if (o != AZ_PTRMAP_NONE)
		return az_locset_push(out, o, p->objs[o].info.collapsed ?
						AZ_OFF_ANY : 0);
	if (LLVMIsAConstantPointerNull(c) || LLVMIsAUndefValue(c))
		return 0;
	return -ENOENT;
}

int
az_pta_points_to(const struct az_pta *cp, LLVMValueRef v,
		 struct az_locset *out)
{
	struct az_pta *p = (struct az_pta *)cp;
	uint32_t n = az_ptrmap_get(&p->node_of, v);
	int rc;

	out->n = 0;
	if (n == AZ_PTRMAP_NONE)
		return LLVMIsAConstant(v) ? az_const_locs(p, v, out) : -ENOENT;
	rc = az_locset_add_bits(p, &p->pts[az_pta_find(p, n)], out);
	az_locset_norm(out);
	return rc;
}

int
az_pta_contents(const struct az_pta *cp, az_obj_t o, uint64_t off,
		struct az_locset *out)
{
	struct az_pta *p = (struct az_pta *)cp;
	const struct az_obj *ob = &p->objs[o];
	uint32_t i;
	int rc = 0;

	out->n = 0;
	if (off != AZ_OFF_ANY)
		off = ob->info.collapsed ? AZ_OFF_ANY : az_pta_norm(p, o, off);
	for (i = 0; i < ob->n_fields && rc == 0; i++)
		if (off == AZ_OFF_ANY || ob->fields[i].off == off ||
		    ob->fields[i].off == AZ_OFF_ANY)
			rc = az_locset_add_bits(p, &p->pts[az_pta_find(p,
				p->locs[ob->fields[i].loc].node)], out);
	az_locset_norm(out);
	return rc;
}

int
az_pta_obj_locations(const struct az_pta *p, az_obj_t o,
		     struct az_locset *out)
{
	const struct az_obj *ob = &p->objs[o];
	uint32_t i;
	int rc = 0;

	out->n = 0;
	for (i = 0; i < ob->n_fields && rc == 0; i++)
		rc = az_locset_push(out, o, ob->fields[i].off);
	return rc;
}

uint64_t
az_pta_norm_off(const struct az_pta *p, az_obj_t o, uint64_t off)
{
	return az_pta_norm((struct az_pta *)p, o, off);
}

size_t
az_pta_n_objects(const struct az_pta *p)
{
	return p->n_objs;
}

const struct az_obj_info *
az_pta_obj(const struct az_pta *p, az_obj_t o)
{
	return o < p->n_objs ? &p->objs[o].info : NULL;
}

az_obj_t
az_pta_obj_of(const struct az_pta *p, LLVMValueRef site)
{
	uint32_t o = az_ptrmap_get(&p->obj_of_site, site);

	return o == AZ_PTRMAP_NONE ? AZ_OBJ_NONE : o;
}

az_obj_t
az_pta_packet_obj(const struct az_pta *p)
{
	return p->packet;
}

az_obj_t
az_pta_unknown_obj(const struct az_pta *p)
{
	return p->unknown;
}

struct az_module *
az_pta_module(const struct az_pta *p)
{
	return p->m;
}

const struct az_pta_stats *
az_pta_stats(const struct az_pta *p)
{
	return &p->stats;
}

size_t
az_pta_callees(const struct az_pta *p, LLVMValueRef call,
	       const LLVMValueRef **fns, bool *unresolved)
{
	uint32_t i = az_ptrmap_get(&p->call_of, call);

	if (unresolved != NULL)
		*unresolved = i != AZ_PTRMAP_NONE && p->calls[i].unresolved;
	if (i == AZ_PTRMAP_NONE) {
		*fns = NULL;
		return 0;
	}
	*fns = (const LLVMValueRef *)p->calls[i].targets.v;
	return p->calls[i].targets.n;
}

const struct az_model *
az_pta_call_model(const struct az_pta *p, LLVMValueRef call)
{
	uint32_t i = az_ptrmap_get(&p->call_of, call);

	return i == AZ_PTRMAP_NONE ? NULL : p->calls[i].model;
}

size_t
az_pta_approx(const struct az_pta *p, const struct az_approx **list)
{
	*list = p->approx;
	return p->n_approx;
}
