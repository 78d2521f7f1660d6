/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_COMMIT_H
#define RT_COMMIT_H

/*
 * Output commit (--commit sync): the packets a batch emits are held here
 * until the standby acknowledges the delta that carries the batch's state,
 * so no packet leaves whose state the standby lacks. Batches are pipelined:
 * the next batch is processed while earlier ones wait, up to
 * RT_COMMIT_DEPTH batches; then RX pauses until an ack frees a slot.
 * Released packets go out in batch order through the caller's callback.
 */

#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "rt_wire.h"

/** Batches that may wait for their ack at once. */
#define RT_COMMIT_DEPTH		128
/** Packets one batch may emit: one full burst on each of two arms. */
#define RT_COMMIT_BATCH_MAX	128

struct rt_commit_batch {
	uint32_t seq;		/* the batch's last frame */
	uint16_t n;
	uint8_t arm[RT_COMMIT_BATCH_MAX];
	struct rte_mbuf *m[RT_COMMIT_BATCH_MAX];
} __rte_cache_aligned;

struct rt_commit;

/** Sends one released packet out of arm @p arm. */
typedef void (*rt_commit_tx_fn)(void *arg, struct rte_mbuf *m,
				unsigned int arm);

/** @return a queue, or NULL with rte_errno set (ENOMEM). */
struct rt_commit *rt_commit_create(void);

/** Frees the queue; held packets must have been released. */
void rt_commit_free(struct rt_commit *c);

/** The batch to fill next, or NULL when RT_COMMIT_DEPTH batches wait. */
struct rt_commit_batch *rt_commit_open(struct rt_commit *c);

static inline void
rt_commit_add(struct rt_commit_batch *b, struct rte_mbuf *m, unsigned int arm)
{
	b->arm[b->n] = (uint8_t)arm;
	b->m[b->n++] = m;
}

/** Queues the open batch under @p seq; an empty one is simply reused. */
void rt_commit_seal(struct rt_commit *c, uint32_t seq);

/** Releases, in order, the batches whose seq is at or before @p acked
 *  (modulo 2^32). @return the number of packets released. */
unsigned int rt_commit_release(struct rt_commit *c, uint32_t acked,
			       rt_commit_tx_fn tx, void *arg);

/** Releases every waiting batch (the standby is gone) and the open one's
 *  packets. @return the number of packets released. */
unsigned int rt_commit_release_all(struct rt_commit *c, rt_commit_tx_fn tx,
				   void *arg);

/** Frees every held packet unsent (shutdown without the acks). */
void rt_commit_drop_all(struct rt_commit *c);

/** Batches waiting for their ack. */
unsigned int rt_commit_waiting(const struct rt_commit *c);

#endif /* RT_COMMIT_H */
