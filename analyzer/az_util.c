/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Containers shared by the analyzer phases. The pointer map hashes with a
 * multiplicative hash of the address: LLVM objects are 8- or 16-byte
 * aligned, so the low bits carry nothing and are shifted out first.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_util.h"

#define AZ_PTRMAP_MIN_CAP	64
/* Kept at most half full so that probes stay short. */
#define AZ_PTRMAP_LOAD_SHIFT	1
#define AZ_HASH_MUL		UINT64_C(0x9e3779b97f4a7c15)
#define AZ_HASH_MUL2		UINT64_C(0xc2b2ae3d27d4eb4f)
#define AZ_HASH_ALIGN_SHIFT	4
#define AZ_STRPOOL_CHUNK	65536

struct az_strpool_chunk {
	struct az_strpool_chunk *next;
	size_t used;
	size_t size;
	char data[];
};

int
az_grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 8;
	void *nv;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	nv = realloc(*v, ncap * size);
	if (nv == NULL)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

int
az_u32vec_push(struct az_u32vec *vec, uint32_t x)
{
	if (az_grow((void **)&vec->v, &vec->cap, vec->n + 1, sizeof(*vec->v)))
		return -ENOMEM;
	vec->v[vec->n++] = x;
	return 0;
}

void
az_u32vec_fini(struct az_u32vec *vec)
{
	free(vec->v);
	memset(vec, 0, sizeof(*vec));
}

int
az_ptrvec_push(struct az_ptrvec *vec, void *p)
{
	if (az_grow((void **)&vec->v, &vec->cap, vec->n + 1, sizeof(*vec->v)))
		return -ENOMEM;
	vec->v[vec->n++] = p;
	return 0;
}

void
az_ptrvec_fini(struct az_ptrvec *vec)
{
	free(vec->v);
	memset(vec, 0, sizeof(*vec));
}

static inline size_t
az_ptrmap_slot(const void *key, size_t cap)
{
	uint64_t h = ((uint64_t)(uintptr_t)key >> AZ_HASH_ALIGN_SHIFT) *
		     AZ_HASH_MUL;

	return (size_t)(h >> 32) & (cap - 1);
}

uint32_t
az_ptrmap_get(const struct az_ptrmap *m, const void *key)
{
	size_t i;

	if (m->cap == 0 || key == NULL)
		return AZ_PTRMAP_NONE;
	for (i = az_ptrmap_slot(key, m->cap); m->keys[i] != NULL;
	     i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return m->vals[i];
	return AZ_PTRMAP_NONE;
}

static void
az_ptrmap_insert(const void **keys, uint32_t *vals, size_t cap,
		 const void *key, uint32_t val)
{
	size_t i;

	for (i = az_ptrmap_slot(key, cap); keys[i] != NULL && keys[i] != key;
	     i = (i + 1) & (cap - 1))
		;
	keys[i] = key;
	vals[i] = val;
}

static int
az_ptrmap_rehash(struct az_ptrmap *m, size_t cap)
{
	const void **keys = calloc(cap, sizeof(*keys));
	uint32_t *vals = malloc(cap * sizeof(*vals));
	size_t i;

	if (keys == NULL || vals == NULL) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (i = 0; i < m->cap; i++)
		if (m->keys[i] != NULL)
			az_ptrmap_insert(keys, vals, cap, m->keys[i],
					 m->vals[i]);
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

int
az_ptrmap_put(struct az_ptrmap *m, const void *key, uint32_t val)
{
	size_t i;

	if (key == NULL || val == AZ_PTRMAP_NONE)
		return -EINVAL;
	if ((m->n + 1) << AZ_PTRMAP_LOAD_SHIFT > m->cap &&
	    az_ptrmap_rehash(m, m->cap ? m->cap * 2 : AZ_PTRMAP_MIN_CAP))
		return -ENOMEM;
	for (i = az_ptrmap_slot(key, m->cap); m->keys[i] != NULL;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return 0;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

void
az_ptrmap_fini(struct az_ptrmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static inline size_t
az_pair_slot(uint64_t a, uint64_t b, size_t cap)
{
	uint64_t h = (a * AZ_HASH_MUL) ^ (b + 0x7f4a7c15u) * AZ_HASH_MUL2;

	return (size_t)(h >> 32) & (cap - 1);
}

uint64_t
az_pairmap_get(const struct az_pairmap *m, uint64_t a, uint64_t b)
{
	size_t i;

	if (m->cap == 0)
		return AZ_PAIRMAP_NONE;
	for (i = az_pair_slot(a, b, m->cap); m->val[i] != AZ_PAIRMAP_NONE;
	     i = (i + 1) & (m->cap - 1))
		if (m->k[2 * i] == a && m->k[2 * i + 1] == b)
			return m->val[i];
	return AZ_PAIRMAP_NONE;
}

static void
az_pairmap_insert(uint64_t *k, uint64_t *val, size_t cap, uint64_t a,
		  uint64_t b, uint64_t v)
{
	size_t i;

	for (i = az_pair_slot(a, b, cap); val[i] != AZ_PAIRMAP_NONE &&
	     (k[2 * i] != a || k[2 * i + 1] != b); i = (i + 1) & (cap - 1))
		;
	k[2 * i] = a;
	k[2 * i + 1] = b;
	val[i] = v;
}

static int
az_pairmap_rehash(struct az_pairmap *m, size_t cap)
{
	uint64_t *k = malloc(2 * cap * sizeof(*k));
	uint64_t *val = malloc(cap * sizeof(*val));
	size_t i;

	if (k == NULL || val == NULL) {
		free(k);
		free(val);
		return -ENOMEM;
	}
	memset(val, 0xff, cap * sizeof(*val));
	for (i = 0; i < m->cap; i++)
		if (m->val[i] != AZ_PAIRMAP_NONE)
			az_pairmap_insert(k, val, cap, m->k[2 * i],
					  m->k[2 * i + 1], m->val[i]);
	free(m->k);
	free(m->val);
	m->k = k;
	m->val = val;
	m->cap = cap;
	return 0;
}

int
az_pairmap_put(struct az_pairmap *m, uint64_t a, uint64_t b, uint64_t val)
{
	if (val == AZ_PAIRMAP_NONE)
		return -EINVAL;
	if ((m->n + 1) << AZ_PTRMAP_LOAD_SHIFT > m->cap &&
	    az_pairmap_rehash(m, m->cap ? m->cap * 2 : AZ_PTRMAP_MIN_CAP) < 0)
		return -ENOMEM;
	if (az_pairmap_get(m, a, b) == AZ_PAIRMAP_NONE)
		m->n++;
	az_pairmap_insert(m->k, m->val, m->cap, a, b, val);
	return 0;
}

void
az_pairmap_fini(struct az_pairmap *m)
{
	free(m->k);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* FNV-1a: names are short and this needs no seed. */
static uint64_t
az_str_hash(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return h;
}

void *
az_strmap_get(const struct az_strmap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = az_str_hash(key) & (m->cap - 1); m->keys[i] != NULL;
	     i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], key) == 0)
			return m->vals[i];
	return NULL;
}

static int
az_strmap_grow(struct az_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : AZ_PTRMAP_MIN_CAP, i, j;
	const char **keys = calloc(cap, sizeof(*keys));
	void **vals = calloc(cap, sizeof(*vals));

	if (keys == NULL || vals == NULL) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (m->keys[i] == NULL)
			continue;
		for (j = az_str_hash(m->keys[i]) & (cap - 1); keys[j] != NULL;
		     j = (j + 1) & (cap - 1))
			;
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

int
az_strmap_put(struct az_strmap *m, const char *key, void *val, bool replace)
{
	size_t i;

	if ((m->n + 1) << AZ_PTRMAP_LOAD_SHIFT > m->cap &&
	    az_strmap_grow(m) < 0)
		return -ENOMEM;
	for (i = az_str_hash(key) & (m->cap - 1); m->keys[i] != NULL;
	     i = (i + 1) & (m->cap - 1)) {
		if (strcmp(m->keys[i], key) == 0) {
			if (replace)
				m->vals[i] = val;
			return 0;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

void
az_strmap_fini(struct az_strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static char *
az_strpool_reserve(struct az_strpool *p, size_t len)
{
	struct az_strpool_chunk *c = p->head;
	size_t size;
	char *s;

	if (c == NULL || c->size - c->used < len) {
		size = len > AZ_STRPOOL_CHUNK ? len : AZ_STRPOOL_CHUNK;
		c = malloc(sizeof(*c) + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = p->head;
		p->head = c;
	}
	s = c->data + c->used;
	c->used += len;
	return s;
}

char *
az_strpool_add(struct az_strpool *p, const char *s, size_t len)
{
	char *d = az_strpool_reserve(p, len + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *
az_strpool_printf(struct az_strpool *p, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *d;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof(small))
		return az_strpool_add(p, small, (size_t)n);
	d = az_strpool_reserve(p, (size_t)n + 1);
	if (d == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

void
az_strpool_fini(struct az_strpool *p)
{
	struct az_strpool_chunk *c, *next;

	for (c = p->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	p->head = NULL;
}
