/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdlib.h>
#include <string.h>

#include "pc_map.h"

#define PC_MAP_INIT_CAP		1024
/* Linear probing stays short below half full. */
#define PC_MAP_MAX_LOAD_DEN	2
#define PC_HASH_MUL		0x9e3779b97f4a7c15ull

static uint64_t
pc_hash(const struct pc_key *k)
{
	uint64_t h = ((uint64_t)k->a << 32 | k->b) * PC_HASH_MUL;

	h ^= ((uint64_t)k->pa << 24 | (uint64_t)k->pb << 8 | k->proto);
	h *= PC_HASH_MUL;
	return h ^ (h >> 29);
}

static struct pc_slot *
pc_probe(struct pc_slot *slots, uint64_t cap, const struct pc_key *k)
{
	uint64_t i = pc_hash(k) & (cap - 1);

	while (slots[i].used &&
	       memcmp(&slots[i].key, k, sizeof(*k)) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

int
pc_map_init(struct pc_map *m)
{
	m->cap = PC_MAP_INIT_CAP;
	m->n = 0;
	m->slots = calloc(m->cap, sizeof(*m->slots));
	return m->slots == NULL ? -1 : 0;
}

void
pc_map_fini(struct pc_map *m)
{
	free(m->slots);
	m->slots = NULL;
}

const struct pc_val *
pc_map_find(const struct pc_map *m, const struct pc_key *k)
{
	struct pc_slot *s = pc_probe(m->slots, m->cap, k);

	return s->used ? &s->val : NULL;
}

static int
pc_map_grow(struct pc_map *m)
{
	uint64_t cap = m->cap * 2, i;
	struct pc_slot *slots = calloc(cap, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (i = 0; i < m->cap; i++)
		if (m->slots[i].used)
			*pc_probe(slots, cap, &m->slots[i].key) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int
pc_map_add(struct pc_map *m, const struct pc_key *k, const struct pc_val *v)
{
	struct pc_slot *s;

	if ((m->n + 1) * PC_MAP_MAX_LOAD_DEN > m->cap && pc_map_grow(m) < 0)
		return -1;
	s = pc_probe(m->slots, m->cap, k);
	s->key = *k;
	s->val = *v;
	s->used = 1;
	m->n++;
	return 0;
}
