/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdlib.h>

#include "tg_sched.h"

static inline int
tg_before(const struct tg_sched *s, uint32_t a, uint32_t b)
{
	uint64_t ta = s->flows[a].next_us, tb = s->flows[b].next_us;

	return ta < tb || (ta == tb && a < b);
}

static void
tg_sift_up(struct tg_sched *s, uint64_t i)
{
	uint32_t v = s->heap[i];

	while (i > 0) {
		uint64_t parent = (i - 1) / 2;

		if (!tg_before(s, v, s->heap[parent]))
			break;
		s->heap[i] = s->heap[parent];
		i = parent;
	}
	s->heap[i] = v;
}

static void
tg_sift_down(struct tg_sched *s, uint64_t i)
{
	uint32_t v = s->heap[i];

	for (;;) {
		uint64_t c = 2 * i + 1;

		if (c >= s->n)
			break;
		if (c + 1 < s->n && tg_before(s, s->heap[c + 1], s->heap[c]))
			c++;
		if (!tg_before(s, s->heap[c], v))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	s->heap[i] = v;
}

int
tg_sched_init(struct tg_sched *s, struct tg_flow *flows, uint64_t n)
{
	s->flows = flows;
	s->n_flows = n;
	s->next_new = 0;
	s->n = 0;
	/* Sized for the worst case up front: no reallocation mid-trace. */
	s->heap = malloc((n ? n : 1) * sizeof(*s->heap));
	return s->heap == NULL ? -1 : 0;
}

void
tg_sched_fini(struct tg_sched *s)
{
	free(s->heap);
	s->heap = NULL;
}

struct tg_flow *
tg_sched_peek(struct tg_sched *s)
{
	/* Flows start in index order, so a new flow whose first packet is
	 * not strictly earlier than the heap's top would lose the tie and
	 * can wait. */
	while (s->next_new < s->n_flows &&
	       (s->n == 0 || s->flows[s->next_new].next_us <
			     s->flows[s->heap[0]].next_us)) {
		s->heap[s->n] = (uint32_t)s->next_new++;
		tg_sift_up(s, s->n++);
	}
	return s->n == 0 ? NULL : &s->flows[s->heap[0]];
}

void
tg_sched_done(struct tg_sched *s, int more)
{
	if (!more)
		s->heap[0] = s->heap[--s->n];
	if (s->n > 0)
		tg_sift_down(s, 0);
}
