/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Field names within a type, the way the report names the fields of an
 * object: members joined with ".", arrays folded to their element with
 * "[]" (so every element of an array of structs shares its field names,
 * matching the pointer analysis' normalized offsets).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "az_module.h"

#define AZ_NAME_MAX	512
/* Deeper nesting is a type cycle, or absurd. */
#define AZ_TYPE_DEPTH_MAX	64

struct az_namebuf {
	char *s;
	size_t size;
	size_t used;
	bool truncated;
};

static void
az_namebuf_add(struct az_namebuf *nb, const char *sep, const char *part)
{
	int n;

	if (nb->size == 0)
		return;
	n = snprintf(nb->s + nb->used, nb->size - nb->used, "%s%s",
		     nb->used != 0 ? sep : "", part);
	if (n < 0 || (size_t)n >= nb->size - nb->used) {
		nb->truncated = true;
		nb->used = nb->size - 1;
		return;
	}
	nb->used += (size_t)n;
}

static const struct az_field *
az_field_covering(const struct az_type *t, uint64_t off)
{
	unsigned int i;

	for (i = 0; i < t->n_fields; i++) {
		const struct az_field *f = &t->fields[i];

		/* A trailing flexible array has size 0 but covers the rest. */
		if (off >= f->offset && (off < f->offset + f->size ||
		    (f->size == 0 && i + 1 == t->n_fields)))
			return f;
	}
	return NULL;
}

int
az_type_field_at(const struct az_type *t, uint64_t off, char *name,
		 size_t size, uint64_t *field_off, uint64_t *field_size)
{
	struct az_namebuf nb = { name, size, 0, false };
	const struct az_field *f;
	uint64_t base = 0;
	unsigned int depth;

	if (size != 0)
		name[0] = '\0';
	if (t->size != 0 && off >= t->size && t->kind != AZ_TYPE_ARRAY)
		return -ERANGE;
	for (depth = 0; depth < AZ_TYPE_DEPTH_MAX; depth++) {
		if (t->kind == AZ_TYPE_ARRAY && t->elem != NULL &&
		    t->elem->size != 0) {
			az_namebuf_add(&nb, "", "[]");
			off %= t->elem->size;
			t = t->elem;
			continue;
		}
		if ((t->kind != AZ_TYPE_STRUCT && t->kind != AZ_TYPE_UNION) ||
		    (f = az_field_covering(t, off)) == NULL)
			break;
		az_namebuf_add(&nb, ".", f->name);
		base += f->offset;
		off -= f->offset;
		t = f->type;
	}
	if (field_off != NULL)
		*field_off = base;
	if (field_size != NULL)
		*field_size = t->size;
	return nb.truncated ? -ENOSPC : 0;
}

static int
az_leaves_walk(const struct az_type *t, uint64_t base, struct az_namebuf *nb,
	       az_type_leaf_cb cb, void *arg, unsigned int depth)
{
	size_t used = nb->used;
	unsigned int i;
	int rc = 0;

	if (depth > AZ_TYPE_DEPTH_MAX)
		return 0;
	if (t->kind == AZ_TYPE_ARRAY && t->elem != NULL) {
		az_namebuf_add(nb, "", "[]");
		rc = az_leaves_walk(t->elem, base, nb, cb, arg, depth + 1);
	} else if ((t->kind == AZ_TYPE_STRUCT || t->kind == AZ_TYPE_UNION) &&
		   t->n_fields != 0) {
		for (i = 0; i < t->n_fields && rc == 0; i++) {
			nb->used = used;
			nb->s[used] = '\0';
			az_namebuf_add(nb, ".", t->fields[i].name);
			rc = az_leaves_walk(t->fields[i].type,
					    base + t->fields[i].offset, nb, cb,
					    arg, depth + 1);
		}
	} else {
		rc = cb(arg, nb->s, base, t->size, t);
	}
	nb->used = used;
	nb->s[used] = '\0';
	return rc;
}

int
az_type_leaves(const struct az_type *t, az_type_leaf_cb cb, void *arg)
{
	char name[AZ_NAME_MAX] = "";
	struct az_namebuf nb = { name, sizeof(name), 0, false };

	return az_leaves_walk(t, 0, &nb, cb, arg, 0);
}
