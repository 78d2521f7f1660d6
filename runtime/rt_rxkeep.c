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

/* Frees the kept packets with RX index below @p end. */
static void
release_below(struct rt_rxkeep *k, uint64_t end)
{
	if (end > k->tail)
		end = k->tail;
	while (k->head < end) {
		k->free_pkt(k->slot[k->head & k->mask].pkt);
		k->head++;
		k->trimmed++;
	}
}

void
rt_rxkeep_fini(struct rt_rxkeep *k)
{
	if (k->slot == NULL)
		return;
	release_below(k, k->tail);
	free(k->slot);
	k->slot = NULL;
}

/* RX index @p i carries the wanted marker: it and all before it are
 * covered, and it is the new anchor. */
static void
matched(struct rt_rxkeep *k, uint64_t i)
{
	release_below(k, i + 1);
	k->anchored = 1;
	k->anchor_index = i;
	k->anchor_count = k->want_count;
	k->want = 0;
	k->matched++;
}

/* Where counting from the anchor expects the wanted packet (the anchor
 * itself when there is none). */
static uint64_t
expected(const struct rt_rxkeep *k)
{
	return k->anchored ? k->anchor_index + (k->want_count -
						k->anchor_count) : k->head;
}

/* The kept packet with the wanted marker nearest to expected(), or
 * UINT64_MAX. */
static uint64_t
find(const struct rt_rxkeep *k)
{
	uint64_t exp = expected(k), best = UINT64_MAX, i, dist, bdist = 0;

	for (i = k->head; i < k->tail; i++) {
		if (k->slot[i & k->mask].marker != k->want_marker)
			continue;
		dist = i > exp ? i - exp : exp - i;
		if (best == UINT64_MAX || dist < bdist) {
			best = i;
			bdist = dist;
		}
	}
	return best;
}

void
rt_rxkeep_push(struct rt_rxkeep *k, void *pkt, unsigned int arm,
	       uint64_t marker, uint64_t stamp)
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
	s->marker = marker;
	s->stamp = stamp;
	k->tail++;
	/* The delta overtook its input: this is the packet it names. */
	if (k->want && marker == k->want_marker)
		matched(k, k->tail - 1);
}

void
rt_rxkeep_cover(struct rt_rxkeep *k, uint64_t input_count, uint64_t marker)
{
	int was_waiting = k->want;
	uint64_t exp, i;

	if (marker == 0 || (!k->want && input_count == k->last_count))
		return;		/* no input yet, or nothing new */
	k->last_count = input_count;
	k->want = 1;
	k->want_marker = marker;
	k->want_count = input_count;
	exp = expected(k);
	if (k->anchored && exp >= k->head && exp < k->tail &&
	    k->slot[exp & k->mask].marker == marker) {
		matched(k, exp);
		return;
	}
	/* Behind an unfound marker the standby's input lags (or lost that
	 * packet): what arrives next is checked in push(), and a takeover
	 * searches everything. Otherwise only packets after the last match
	 * are kept: a short scan. */
	if (was_waiting)
		return;
	i = find(k);
	if (i != UINT64_MAX)
		matched(k, i);
}

enum rt_rxkeep_align
rt_rxkeep_resume(struct rt_rxkeep *k)
{
	uint64_t i;

	if (!k->want)
		return k->anchored || k->matched ? RT_RXKEEP_ALIGN_MARKER :
		       RT_RXKEEP_ALIGN_NONE;
	i = find(k);
	if (i != UINT64_MAX) {
		matched(k, i);
		return RT_RXKEEP_ALIGN_MARKER;
	}
	k->want = 0;
	if (!k->anchored)
		return RT_RXKEEP_ALIGN_NONE;
	k->fallbacks++;
	release_below(k, expected(k) + 1);
	return RT_RXKEEP_ALIGN_COUNT;
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
