/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_SCHED_H
#define TG_SCHED_H

/**
 * @file
 * Merges the packets of concurrent flows by time: a binary min-heap of
 * the flows that have started, ordered by (next packet time, flow index)
 * so equal timestamps always come out in the same order. Flows enter in
 * start order when their first packet is due, so memory follows the
 * number of concurrent flows, not of packets.
 */

#include <stdint.h>

#include "tg_model.h"

struct tg_sched {
	struct tg_flow *flows;
	uint64_t n_flows;
	uint64_t next_new;	/**< first flow not yet admitted */
	uint32_t *heap;		/**< flow indices */
	uint64_t n;
};

int tg_sched_init(struct tg_sched *s, struct tg_flow *flows, uint64_t n);
void tg_sched_fini(struct tg_sched *s);

/** The flow whose packet is due next, or NULL when all have ended. */
struct tg_flow *tg_sched_peek(struct tg_sched *s);

/** After the peeked flow produced its packet: @p more says whether it has
 *  another one (its next_us already advanced). */
void tg_sched_done(struct tg_sched *s, int more);

#endif /* TG_SCHED_H */
