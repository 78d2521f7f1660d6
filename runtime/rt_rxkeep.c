/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt_rxkeep.h"

int
rt_rxkeep_init(struct rt_rxkeep *k, uint32_t capacity,
	       rt_rxkeep_free_fn free_pkt)
{
	uint32_t cap = 2;

	memset(k, 0, sizeof(*k));
	if (capacity < 2 || free_pkt == NULL)
		return -EINVAL;
	while (cap <= capacity / 2)
		cap *= 2;
	k->slot = calloc(cap, sizeof(*k->slot));
	if (k->slot == NULL)
		return -ENOMEM;
	k->mask = cap - 1;
	k->free_pkt = free_pkt;
	return 0;
}

void
rt_rxkeep_fini(struct rt_rxkeep *k)
{
	if (k->slot == NULL)
		return;
	rt_rxkeep_trim(k, k->tail);
	free(k->slot);
	k->slot = NULL;
}

void
rt_rxkeep_push(struct rt_rxkeep *k, void *pkt, unsigned int arm)
{
	struct rt_rxkeep_slot *s;

	if (k->tail - k->head > k->mask) {
		k->free_pkt(k->slot[k->head & k->mask].pkt);
		k->head++;
		k->overflows++;
	}
	s = &k->slot[k->tail & k->mask];
	s->pkt = pkt;
	s->arm = arm;
	k->tail++;
}

void
rt_rxkeep_trim(struct rt_rxkeep *k, uint64_t input_count)
{
	if (input_count > k->tail)
		input_count = k->tail;
	while (k->head < input_count) {
		k->free_pkt(k->slot[k->head & k->mask].pkt);
		k->head++;
		k->trimmed++;
	}
}

void *
rt_rxkeep_pop(struct rt_rxkeep *k, unsigned int *arm, uint64_t *index)
{
	struct rt_rxkeep_slot *s;

	if (k->head == k->tail)
		return NULL;
	s = &k->slot[k->head & k->mask];
	*arm = s->arm;
	*index = k->head;
	k->head++;
	return s->pkt;
}
