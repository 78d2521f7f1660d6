/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The result model: persistent objects, their fields and flags. Fields
 * come from the type's leaves with arrays folded, which is exactly how the
 * pointer analysis normalizes offsets, so a phase can mark a field from a
 * location without knowing the type.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/DebugInfo.h>

#include "az_result.h"

/* A type with more leaves than this is reported as one field: such an
 * object is a buffer, not a record anybody reads field by field. */
#define AZ_FIELDS_MAX	4096

static const char *const az_hdr_names[AZ_HDR_COUNT] = {
#define AZ_HDR_NAME_(id, str) str,
	AZ_HDR_FIELDS(AZ_HDR_NAME_)
#undef AZ_HDR_NAME_
};

const char *
az_hdr_name(enum az_hdr_field f)
{
	return (unsigned int)f < AZ_HDR_COUNT ? az_hdr_names[f] : "?";
}

const char *
az_pobj_kind_name(enum az_pobj_kind k)
{
	switch (k) {
	case AZ_POBJ_GLOBAL:
		return "global";
	case AZ_POBJ_STATIC:
		return "static";
	case AZ_POBJ_LOOP_LOCAL:
		return "loop-local";
	case AZ_POBJ_HEAP:
		return "heap";
	}
	return "?";
}

const char *
az_scope_name(enum az_scope s)
{
	switch (s) {
	case AZ_SCOPE_PER_FLOW:
		return "per-flow";
	case AZ_SCOPE_MULTI_FLOW:
		return "multi-flow";
	case AZ_SCOPE_ALL_FLOWS:
	case AZ_SCOPE_COUNT:
		break;
	}
	return "all-flows";
}

/* Per-flow: both addresses of one family and both ports, or the ICMP
 * identifier that stands for the ports of an echo flow. */
enum az_scope
az_scope_of(az_hdrset_t fs)
{
	const az_hdrset_t v4 = AZ_HDR_BIT(IPV4_SRC) | AZ_HDR_BIT(IPV4_DST);
	const az_hdrset_t v6 = AZ_HDR_BIT(IPV6_SRC) | AZ_HDR_BIT(IPV6_DST);
	const az_hdrset_t ports = AZ_HDR_BIT(L4_SPORT) | AZ_HDR_BIT(L4_DPORT);
	bool addrs = (fs & v4) == v4 || (fs & v6) == v6;
	bool l4 = (fs & ports) == ports || (fs & AZ_HDR_BIT(ICMP_ID)) != 0;

	if (fs == 0)
		return AZ_SCOPE_ALL_FLOWS;
	return addrs && l4 ? AZ_SCOPE_PER_FLOW : AZ_SCOPE_MULTI_FLOW;
}

/* Operand of a DISubprogram that holds its name. */
#define AZ_DI_SP_NAME	2

static const char *
az_di_fn_name(struct az_result *r, LLVMValueRef fn)
{
	LLVMMetadataRef sp = LLVMGetSubprogram(fn);
	LLVMValueRef node, *ops;
	const char *name = NULL;
	unsigned int n, len = 0;
	const char *str;

	if (sp == NULL)
		return NULL;
	node = LLVMMetadataAsValue(az_module_context(r->m), sp);
	n = LLVMGetMDNodeNumOperands(node);
	if (n <= AZ_DI_SP_NAME)
		return NULL;
	ops = calloc(n, sizeof(*ops));
	if (ops == NULL)
		return NULL;
	LLVMGetMDNodeOperands(node, ops);
	str = ops[AZ_DI_SP_NAME] != NULL ?
		LLVMGetMDString(ops[AZ_DI_SP_NAME], &len) : NULL;
	if (str != NULL && len != 0)
		name = az_strpool_add(&r->strs, str, len);
	free(ops);
	return name;
}

const char *
az_fn_label(struct az_result *r, LLVMValueRef fn)
{
	uint32_t i = az_ptrmap_get(&r->fn_label, fn);
	const char *name;

	if (i != AZ_PTRMAP_NONE)
		return r->fn_labels.v[i];
	name = az_di_fn_name(r, fn);
	if (name == NULL)
		name = az_module_fn_name(fn);
	/* Out of memory only costs the cache. */
	if (az_ptrvec_push(&r->fn_labels, (void *)name) == 0 &&
	    az_ptrmap_put(&r->fn_label, fn, (uint32_t)(r->fn_labels.n - 1)))
		r->fn_labels.n--;
	return name;
}

int
az_result_init(struct az_result *r, struct az_module *m,
	       const struct az_pta *pta)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->m = m;
	r->pta = pta;
	r->n_pta_objs = az_pta_n_objects(pta);
	r->by_obj = malloc((r->n_pta_objs + 1) * sizeof(*r->by_obj));
	if (r->by_obj == NULL)
		return -ENOMEM;
	for (i = 0; i < r->n_pta_objs; i++)
		r->by_obj[i] = AZ_ROBJ_NONE;
	return 0;
}

void
az_result_fini(struct az_result *r)
{
	size_t i;

	for (i = 0; i < r->n_objs; i++)
		free(r->objs[i].fields);
	free(r->objs);
	free(r->by_obj);
	az_ptrmap_fini(&r->fn_label);
	az_ptrvec_fini(&r->fn_labels);
	az_strpool_fini(&r->strs);
	memset(r, 0, sizeof(*r));
}

const char *
az_result_str(struct az_result *r, const char *s)
{
	if (s == NULL)
		return NULL;
	return az_strpool_add(&r->strs, s, strlen(s));
}

struct az_leaf_acc {
	struct az_result *r;
	struct az_robj *ro;
	size_t cap;
};

/* The report names a field by its path inside the object; a path that is
 * empty (a scalar) or starts with an index reads better after the name. */
static const char *
az_field_name(struct az_result *r, const struct az_robj *ro, const char *path)
{
	if (path[0] == '\0')
		return ro->name;
	if (path[0] == '[')
		return az_strpool_printf(&r->strs, "%s%s", ro->name, path);
	return az_result_str(r, path);
}

static int
az_leaf_add(void *arg, const char *name, uint64_t off, uint64_t size,
	    const struct az_type *type)
{
	struct az_leaf_acc *a = arg;
	struct az_robj *ro = a->ro;
	struct az_rfield *f;

	(void)type;
	if (ro->n_fields == AZ_FIELDS_MAX)
		return -E2BIG;
	if (az_grow((void **)&ro->fields, &a->cap, ro->n_fields + 1,
		    sizeof(*ro->fields)) != 0)
		return -ENOMEM;
	f = &ro->fields[ro->n_fields];
	memset(f, 0, sizeof(*f));
	f->name = az_field_name(a->r, ro, name);
	if (f->name == NULL)
		return -ENOMEM;
	f->off = off;
	f->size = size;
	ro->n_fields++;
	return 0;
}

static int
az_fields_build(struct az_result *r, struct az_robj *ro,
		const struct az_type *type)
{
	struct az_leaf_acc a = { r, ro, 0 };
	int rc = -E2BIG;

	if (type != NULL && (type->kind == AZ_TYPE_STRUCT ||
			     type->kind == AZ_TYPE_UNION ||
			     type->kind == AZ_TYPE_ARRAY))
		rc = az_type_leaves(type, az_leaf_add, &a);
	if (rc == -ENOMEM)
		return rc;
	if (rc == 0 && ro->n_fields != 0)
		return 0;
	/* Scalar, unknown or too big: one field covering the object. */
	ro->n_fields = 0;
	rc = az_leaf_add(&a, "", 0, ro->size, NULL);
	return rc;
}

int
az_result_add(struct az_result *r, const struct az_robj_desc *d)
{
	struct az_robj *ro;
	int rc;

	if (d->obj >= r->n_pta_objs)
		return -EINVAL;
	if (r->by_obj[d->obj] != AZ_ROBJ_NONE)
		return -EEXIST;
	if (az_grow((void **)&r->objs, &r->cap, r->n_objs + 1,
		    sizeof(*r->objs)) != 0)
		return -ENOMEM;
	ro = &r->objs[r->n_objs];
	memset(ro, 0, sizeof(*ro));
	ro->obj = d->obj;
	ro->kind = d->kind;
	ro->name = az_result_str(r, d->name);
	ro->func = az_result_str(r, d->func);
	ro->location = az_result_str(r, d->location);
	ro->type_name = az_result_str(r, d->type_name);
	ro->size = d->size;
	if (ro->name == NULL)
		return -ENOMEM;
	rc = az_fields_build(r, ro, d->type);
	if (rc != 0) {
		free(ro->fields);
		return rc;
	}
	r->by_obj[d->obj] = (uint32_t)r->n_objs;
	r->n_objs++;
	return 0;
}

struct az_robj *
az_result_obj(const struct az_result *r, az_obj_t o)
{
	if (o >= r->n_pta_objs || r->by_obj[o] == AZ_ROBJ_NONE)
		return NULL;
	return &r->objs[r->by_obj[o]];
}

static bool
az_field_overlaps(const struct az_rfield *f, uint64_t lo, uint64_t hi)
{
	uint64_t end = f->off + (f->size != 0 ? f->size : 1);

	if (lo == AZ_OFF_ANY)
		return true;
	return f->off < hi && lo < end;
}

size_t
az_result_mark(struct az_result *r, struct az_robj *ro, enum az_flag flag,
	       uint64_t lo, uint64_t hi, const char *reason)
{
	const char *copy = NULL;
	size_t i, n = 0;

	for (i = 0; i < ro->n_fields; i++) {
		struct az_rfield *f = &ro->fields[i];

		if (f->flag[flag] || !az_field_overlaps(f, lo, hi))
			continue;
		if (copy == NULL && reason != NULL)
			copy = az_result_str(r, reason);
		f->flag[flag] = true;
		f->reason[flag] = copy;
		n++;
	}
	return n;
}

bool
az_result_flow_news(const struct az_robj *ro, az_hdrset_t fs, unsigned int rank)
{
	if (fs == 0)
		return false;
	return (ro->flowspace | fs) != ro->flowspace || ro->flowspace == 0 ||
	       rank < ro->flow_rank;
}

void
az_result_flow(struct az_result *r, struct az_robj *ro, az_hdrset_t fs,
	       const char *why, unsigned int rank)
{
	if (!az_result_flow_news(ro, fs, rank))
		return;
	if ((ro->flowspace == 0 || rank < ro->flow_rank) && why != NULL) {
		ro->flow_reason = az_result_str(r, why);
		ro->flow_rank = rank;
	}
	ro->flowspace |= fs;
}

static int
az_robj_cmp(const void *a, const void *b)
{
	const struct az_robj *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	c = strcmp(x->name, y->name);
	if (c != 0)
		return c;
	c = strcmp(x->location != NULL ? x->location : "",
		   y->location != NULL ? y->location : "");
	if (c != 0)
		return c;
	return x->obj < y->obj ? -1 : x->obj > y->obj;
}

/* An object's reason for a flag is its first field's that has one. */
static void
az_robj_derive(struct az_robj *ro)
{
	size_t i;
	int f;

	for (f = 0; f < AZ_FLAG_COUNT; f++) {
		ro->flag[f] = false;
		ro->reason[f] = NULL;
		for (i = 0; i < ro->n_fields; i++) {
			if (!ro->fields[i].flag[f])
				continue;
			ro->flag[f] = true;
			if (ro->reason[f] == NULL)
				ro->reason[f] = ro->fields[i].reason[f];
		}
	}
	ro->scope = az_scope_of(ro->flowspace);
}

void
az_result_finish(struct az_result *r)
{
	size_t i;

	qsort(r->objs, r->n_objs, sizeof(*r->objs), az_robj_cmp);
	for (i = 0; i < r->n_objs; i++) {
		az_robj_derive(&r->objs[i]);
		r->by_obj[r->objs[i].obj] = (uint32_t)i;
	}
}

size_t
az_result_count_flag(const struct az_result *r, enum az_flag flag)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_objs; i++)
		n += r->objs[i].flag[flag];
	return n;
}

size_t
az_result_count_scope(const struct az_result *r, enum az_scope s)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_objs; i++)
		n += r->objs[i].scope == s;
	return n;
}
