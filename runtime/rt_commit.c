/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_errno.h>
#include <rte_malloc.h>

#include "rt_commit.h"

/* A ring of RT_COMMIT_DEPTH + 1 slots: the waiting batches from tail,
 * then the open one at head. */
#define RT_COMMIT_SLOTS		(RT_COMMIT_DEPTH + 1)

struct rt_commit {
	unsigned int head;	/* the open batch */
	unsigned int tail;	/* the oldest waiting batch */
	struct rt_commit_batch b[RT_COMMIT_SLOTS];
};

struct rt_commit *
rt_commit_create(void)
{
	struct rt_commit *c;

	c = rte_zmalloc("sa_commit", sizeof(*c), RTE_CACHE_LINE_SIZE);
	if (c == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	return c;
}

void
rt_commit_free(struct rt_commit *c)
{
	rte_free(c);
}

unsigned int
rt_commit_waiting(const struct rt_commit *c)
{
	return (c->head + RT_COMMIT_SLOTS - c->tail) % RT_COMMIT_SLOTS;
}

struct rt_commit_batch *
rt_commit_open(struct rt_commit *c)
{
	if (rt_commit_waiting(c) == RT_COMMIT_DEPTH)
		return NULL;
	return &c->b[c->head];
}

void
rt_commit_seal(struct rt_commit *c, uint32_t seq)
{
	struct rt_commit_batch *b = &c->b[c->head];

	if (b->n == 0)
		return;
	b->seq = seq;
	c->head = (c->head + 1) % RT_COMMIT_SLOTS;
	c->b[c->head].n = 0;
}

static unsigned int
emit(struct rt_commit_batch *b, rt_commit_tx_fn tx, void *arg)
{
	unsigned int i, n = b->n;

	for (i = 0; i < n; i++)
		tx(arg, b->m[i], b->arm[i]);
	b->n = 0;
	return n;
}

unsigned int
rt_commit_release(struct rt_commit *c, uint32_t acked, rt_commit_tx_fn tx,
		  void *arg)
{
	unsigned int n = 0;

	while (c->tail != c->head && rt_seq_le(c->b[c->tail].seq, acked)) {
		n += emit(&c->b[c->tail], tx, arg);
		c->tail = (c->tail + 1) % RT_COMMIT_SLOTS;
	}
	return n;
}

unsigned int
rt_commit_release_all(struct rt_commit *c, rt_commit_tx_fn tx, void *arg)
{
	unsigned int n = 0;

	while (c->tail != c->head) {
		n += emit(&c->b[c->tail], tx, arg);
		c->tail = (c->tail + 1) % RT_COMMIT_SLOTS;
	}
	return n + emit(&c->b[c->head], tx, arg);
}

void
rt_commit_drop_all(struct rt_commit *c)
{
	unsigned int i;

	for (i = 0; i < RT_COMMIT_SLOTS; i++) {
		rte_pktmbuf_free_bulk(c->b[i].m, c->b[i].n);
		c->b[i].n = 0;
	}
	c->tail = c->head;
}
