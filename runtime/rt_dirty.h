/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_DIRTY_H
#define RT_DIRTY_H

/*
 * The batch's dirty log: what sa_dirty_hook() (instrumented stores) and
 * the runtime's own writes to replicated memory (the arena allocator,
 * rt_dirty_note) report between two collects: one batch, or with async
 * commit the several batches one delta covers. Appends are cheap: a range
 * that extends the last one (or falls inside it) is merged into it, and
 * a range already logged since the reset with the same start and at
 * least its length is not logged again (a small direct-mapped table of
 * start addresses: a flow's fields written packet after packet); at
 * collect the log is sorted and coalesced. The log is bounded: once it is full the
 * batch is marked overflowed and the sender replicates everything instead.
 * Ranges outside the arena and the manifest regions are ignored, ranges
 * partly outside are clipped; both are counted. One log per process: the
 * datapath lcore is the only writer.
 */

#include <stdint.h>

#include <sa/replica.h>

#include "rt_rmap.h"

/** Ranges one batch may log before it overflows. */
#define RT_DIRTY_LOG_MAX	8192

struct rt_range {
	uint64_t addr;
	uint64_t len;
};

struct rt_dirty_stats {
	uint64_t hooks;		/* calls of a logged class */
	uint64_t ignored;	/* wholly outside replicated memory */
	uint64_t clipped;	/* partly outside: the inside part logged */
	uint64_t overflows;	/* batches whose log overflowed */
	uint64_t flow_updates;	/* see rt_dirty_packet_end() */
};

/*
 * Flow updates: packets whose processing made at least one
 * OUTPUT_IMPACTING store. Counted whatever the mode logs (instrumented
 * code marks the packet in sa_dirty_gate before it looks at the mask), so every --replicate
 * mode counts the same packets for the same trace; sa-replbench divides
 * wire bytes by it. Inline: the datapath marks every packet.
 */
struct rt_dirty_pkt {
	uint64_t flow_updates;
};

extern struct rt_dirty_pkt rt_dirty_pkt;

/** The middlebox is about to process one packet. */
static inline void
rt_dirty_packet_begin(void)
{
	sa_dirty_gate.output_impacting = 0;
}

/** It is done with that packet: counts it if it was a flow update. */
static inline void
rt_dirty_packet_end(void)
{
	rt_dirty_pkt.flow_updates += sa_dirty_gate.output_impacting;
}

/** Bit of @p cls (enum sa_dirty_class) in a class mask. */
#define RT_DIRTY_CLASS(cls)	(1u << (cls))

/** Starts logging hook ranges of the classes in @p class_mask, and the
 *  runtime's notes, inside @p m. Clears the log. */
void rt_dirty_enable(const struct rt_rmap *m, uint32_t class_mask);

/** Stops logging; hooks and notes return at once. */
void rt_dirty_disable(void);

/** The runtime wrote [addr, addr + len): logged whatever the classes. */
void rt_dirty_note(const void *addr, uint64_t len);

/**
 * Sorts and coalesces the log and returns it (valid until the next
 * reset). @return the number of ranges; *overflow set if the log
 * overflowed, in which case the ranges are incomplete.
 */
unsigned int rt_dirty_collect(const struct rt_range **out, int *overflow);

/** Ranges logged since the last reset (before coalescing). */
unsigned int rt_dirty_pending(void);

/** Empties the log: the next batch starts. */
void rt_dirty_reset(void);

const struct rt_dirty_stats *rt_dirty_stats(void);

#endif /* RT_DIRTY_H */
