/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memcpy constraints: copying memory copies what it may point to, field
 * by field (source field at offset f lands at the destination's f, both
 * relative to where the pointers point). Like everything in the solver
 * they run on differences: new sources with all destinations, old
 * sources with new destinations; an object that gains a location makes
 * the copies reading it run again for it; and a collapsed source that
 * holds no pointer yet (the packet, a byte buffer) is only paired once it
 * does, which keeps copies of packet bytes into keys and sessions cheap.
 */

#include <stdlib.h>
#include <string.h>

#include "az_pta_impl.h"

void
az_pta_memcpy_cons(struct az_pta *p, uint32_t dst, uint32_t src,
		   uint64_t len)
{
	uint32_t id;

	if (dst == AZ_NODE_NONE || src == AZ_NODE_NONE)
		return;
	if (az_grow((void **)&p->mcs, &p->cap_mcs, p->n_mcs + 1,
		    sizeof(*p->mcs)) < 0) {
		az_pta_nomem(p);
		return;
	}
	memset(&p->mcs[p->n_mcs], 0, sizeof(p->mcs[p->n_mcs]));
	id = az_pta_add_cons(p, &(struct az_cons){ .kind = AZ_C_MEMCPY,
						   .a = dst, .b = src,
						   .x = (uint32_t)p->n_mcs++,
						   .off = (int64_t)len,
						   .inst = p->cur_inst });
	az_pta_attach(p, src, id);
}

static void
az_watch(struct az_pta *p, az_obj_t o, uint32_t id)
{
	if (p->objs[o].last_watch == id ||
	    az_pairmap_get(&p->watched, o, id) != AZ_PAIRMAP_NONE)
		return;
	p->objs[o].last_watch = id;
	if (az_pairmap_put(&p->watched, o, id, 1) < 0 ||
	    az_u32vec_push(&p->objs[o].watch, id) < 0)
		az_pta_nomem(p);
}

/* Fields of @p o in [off, off + len), copied out into buffer @p which
 * (creating locations may move the object's array). */
static size_t
az_fields_in(struct az_pta *p, az_obj_t o, uint64_t off, uint64_t len,
	     int which, struct az_field_ref **out)
{
	const struct az_obj *ob = &p->objs[o];
	uint32_t i, lo, hi;
	size_t n = 0;

	*out = NULL;
	if (az_grow((void **)&p->fbuf[which], &p->fcap[which],
		    ob->n_fields ? ob->n_fields : 1, sizeof(**out)) < 0) {
		az_pta_nomem(p);
		return 0;
	}
	*out = p->fbuf[which];
	if (ob->info.collapsed || off == AZ_OFF_ANY) {
		memcpy(*out, ob->fields, ob->n_fields * sizeof(**out));
		return ob->n_fields;
	}
	/* Fields are sorted by offset: the range starts at the first one
	 * at or after off. */
	lo = 0;
	hi = ob->n_fields;
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (ob->fields[i].off < off)
			lo = i + 1;
		else
			hi = i;
	}
	for (i = lo; i < ob->n_fields &&
	     (len == AZ_OFF_ANY || ob->fields[i].off - off < len); i++)
		(*out)[n++] = ob->fields[i];
	return n;
}

/* The fields a memcpy of @p len bytes reads from source location @p sl,
 * in fbuf[0]. The same source is paired with every destination in turn:
 * the list is kept while the object's fields stay as they were. */
static size_t
az_src_fields(struct az_pta *p, uint32_t sl, uint64_t len,
	      struct az_field_ref **out)
{
	const struct az_obj *ob = &p->objs[p->locs[sl].obj];

	if (p->fsrc.valid && p->fsrc.loc == sl && p->fsrc.len == len &&
	    p->fsrc.n_fields == ob->n_fields &&
	    p->fsrc.collapsed == ob->info.collapsed) {
		*out = p->fbuf[0];
		return p->fsrc.count;
	}
	p->fsrc.count = az_fields_in(p, p->locs[sl].obj, p->locs[sl].off, len,
				     0, out);
	p->fsrc.valid = *out != NULL;
	p->fsrc.loc = sl;
	p->fsrc.len = len;
	p->fsrc.n_fields = ob->n_fields;
	p->fsrc.collapsed = ob->info.collapsed;
	return p->fsrc.count;
}

/* The fields of destination location @p dl that a copy of @p len bytes
 * from a collapsed source reaches (the object watched, its location at
 * dl made). Every collapsed source of a cross pairs with every
 * destination: the list is kept for the cross (az_memcpy_cross() starts
 * a new generation) while the object's fields stay as they were. */
static size_t
az_dst_fields(struct az_pta *p, uint32_t id, uint32_t dl, uint64_t len,
	      struct az_field_ref **out)
{
	az_obj_t od = p->locs[dl].obj;
	const struct az_obj *ob = &p->objs[od];
	uint64_t hit = az_pairmap_get(&p->fdst_of, dl, 0);
	struct az_fdst *e;
	struct az_field_ref *f;
	size_t n;

	if (hit != AZ_PAIRMAP_NONE && hit >> 32 == p->fdst_gen) {
		e = &p->fdst[(uint32_t)hit];
		if (e->n_fields == ob->n_fields &&
		    e->collapsed == ob->info.collapsed) {
			*out = p->fdst_pool + e->first;
			return e->count;
		}
	}
	az_watch(p, od, id);
	az_pta_loc(p, od, p->locs[dl].off);
	n = az_fields_in(p, od, p->locs[dl].off, len, 1, &f);
	ob = &p->objs[od];
	if (az_grow((void **)&p->fdst, &p->cap_fdst, p->n_fdst + 1,
		    sizeof(*p->fdst)) < 0 ||
	    az_grow((void **)&p->fdst_pool, &p->cap_fdst_pool,
		    p->n_fdst_pool + n + 1, sizeof(*p->fdst_pool)) < 0 ||
	    az_pairmap_put(&p->fdst_of, dl, 0, (uint64_t)p->fdst_gen << 32 |
			   p->n_fdst) < 0) {
		az_pta_nomem(p);
		*out = f;
		return n;
	}
	e = &p->fdst[p->n_fdst++];
	e->first = p->n_fdst_pool;
	e->count = n;
	e->n_fields = ob->n_fields;
	e->collapsed = ob->info.collapsed;
	memcpy(p->fdst_pool + p->n_fdst_pool, f, n * sizeof(*f));
	p->n_fdst_pool += n;
	*out = p->fdst_pool + e->first;
	return n;
}

/* One (destination, source) pair of a memcpy: each source field's
 * content flows to the destination field at the same relative offset;
 * from a collapsed source, to every destination field in range.
 * *@p full: the source's contents are known not to be empty (they only
 * grow). Returns true if the source was deferred: then it is for every
 * other destination too, as deferring changes nothing they see. */
static bool
az_memcpy_pair(struct az_pta *p, uint32_t id, uint32_t dl, uint32_t sl,
	       bool *full)
{
	const struct az_cons *c = &p->cons[id];
	uint64_t len = (uint64_t)c->off, soff = p->locs[sl].off;
	az_obj_t os = p->locs[sl].obj;
	LLVMValueRef why = c->inst;
	struct az_field_ref *src = NULL, *dst = NULL;
	size_t ns, nd, i, j;
	uint32_t to;

	ns = az_src_fields(p, sl, len, &src);
	if (!p->objs[os].info.collapsed && soff != AZ_OFF_ANY) {
		for (i = 0; i < ns; i++) {
			to = az_pta_loc_at(p, dl, (int64_t)(src[i].off - soff),
					   why);
			az_pta_add_edge(p, p->locs[src[i].loc].node,
					p->locs[to].node);
		}
		return false;
	}
	/* Byte buffers (the packet, strings) hold no pointer: nothing to
	 * copy until they do, and then their node runs this again. */
	if (!*full &&
	    az_bits_empty(&p->pts[az_pta_find(p, p->locs[sl].node)])) {
		az_bits_set(&p->mcs[c->x].deferred, sl);
		if (az_pairmap_get(&p->watched, (uint64_t)os | 1ull << 63, id) ==
		    AZ_PAIRMAP_NONE) {
			az_pairmap_put(&p->watched, (uint64_t)os | 1ull << 63,
				       id, 1);
			az_pta_attach(p, p->locs[sl].node, id);
		}
		return true;
	}
	*full = true;
	nd = az_dst_fields(p, id, dl, len, &dst);
	for (i = 0; i < ns; i++)
		for (j = 0; j < nd; j++)
			az_pta_add_edge(p, p->locs[src[i].loc].node,
					p->locs[dst[j].loc].node);
	return false;
}

/* Pairs every element of @p s with every element of @p d. */
static void
az_memcpy_cross(struct az_pta *p, uint32_t id, const struct az_bits *s,
		const struct az_bits *d)
{
	bool full, deferred;
	uint32_t dl, sl;

	if (az_bits_empty(s) || az_bits_empty(d))
		return;
	p->fdst_gen++;
	p->n_fdst = 0;
	p->n_fdst_pool = 0;
	/* A source object that gains a location makes the copy run again
	 * for it. */
	AZ_BITS_FOREACH(s, sl, {
		az_watch(p, p->locs[sl].obj, id);
		full = deferred = false;
		AZ_BITS_FOREACH(d, dl, {
			if (!deferred)
				deferred = az_memcpy_pair(p, id, dl, sl, &full);
		});
	});
}

/* Deferred sources that now hold pointers, with every destination. */
static void
az_memcpy_undefer(struct az_pta *p, uint32_t id)
{
	struct az_bits ready = { 0 }, d = { 0 };
	uint32_t x = p->cons[id].x, sl;

	AZ_BITS_FOREACH(&p->mcs[x].deferred, sl, {
		if (!az_bits_empty(&p->pts[az_pta_find(p, p->locs[sl].node)]))
			az_bits_set(&ready, sl);
	});
	if (!az_bits_empty(&ready)) {
		az_bits_copy(&d, &p->mcs[x].dst);
		az_bits_diff(&p->tmp_mc, &p->mcs[x].deferred, &ready);
		az_bits_copy(&p->mcs[x].deferred, &p->tmp_mc);
		az_memcpy_cross(p, id, &ready, &d);
	}
	az_bits_free(&ready);
	az_bits_free(&d);
}

/* Difference propagation for memcpy: new sources with all destinations,
 * old sources with new destinations. */
void
az_pta_run_memcpy(struct az_pta *p, uint32_t id)
{
	struct az_bits d = { 0 }, s = { 0 }, nd = { 0 }, ns = { 0 };
	struct az_bits old_s = { 0 };
	uint32_t x = p->cons[id].x;

	az_bits_copy(&d, &p->pts[az_pta_find(p, p->cons[id].a)]);
	az_bits_copy(&s, &p->pts[az_pta_find(p, p->cons[id].b)]);
	az_bits_diff(&ns, &s, &p->mcs[x].src);
	az_bits_diff(&nd, &d, &p->mcs[x].dst);
	az_bits_copy(&old_s, &p->mcs[x].src);
	az_bits_or(&p->mcs[x].src, &s);
	az_bits_or(&p->mcs[x].dst, &d);
	az_memcpy_cross(p, id, &ns, &d);
	az_memcpy_cross(p, id, &old_s, &nd);
	az_memcpy_undefer(p, id);
	az_bits_free(&d);
	az_bits_free(&s);
	az_bits_free(&nd);
	az_bits_free(&ns);
	az_bits_free(&old_s);
}

bool
az_pta_memcpy_done_with(struct az_pta *p, uint32_t id, uint32_t n)
{
	const struct az_cons *c = &p->cons[id];
	uint32_t sl;

	if (az_pta_find(p, c->a) == n || az_pta_find(p, c->b) == n)
		return false;
	AZ_BITS_FOREACH(&p->mcs[c->x].deferred, sl, {
		if (az_pta_find(p, p->locs[sl].node) == n)
			return false;
	});
	return true;
}

/* Elements of @p b whose object is @p o. */
static void
az_bits_of_obj(struct az_pta *p, const struct az_bits *b, az_obj_t o,
	       struct az_bits *out)
{
	uint32_t l;

	az_bits_clear(out);
	AZ_BITS_FOREACH(b, l, {
		if (p->locs[l].obj == o)
			az_bits_set(out, l);
	});
}

void
az_pta_redo_memcpy(struct az_pta *p, uint32_t id, az_obj_t o)
{
	struct az_bits s = { 0 }, d = { 0 }, so = { 0 }, dob = { 0 };
	uint32_t x = p->cons[id].x;

	az_bits_copy(&s, &p->mcs[x].src);
	az_bits_copy(&d, &p->mcs[x].dst);
	az_bits_of_obj(p, &s, o, &so);
	az_bits_of_obj(p, &d, o, &dob);
	az_memcpy_cross(p, id, &so, &d);
	az_memcpy_cross(p, id, &s, &dob);
	az_bits_free(&s);
	az_bits_free(&d);
	az_bits_free(&so);
	az_bits_free(&dob);
}
