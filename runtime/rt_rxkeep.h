/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_RXKEEP_H
#define RT_RXKEEP_H

/*
 * What a standby keeps of its input for a takeover. Both instances of a
 * pair see the same input stream; the standby receives it too and keeps
 * each packet, with its marker (a hash of the frame as received) and the
 * time it was received, until the state it has applied covers it.
 *
 * Alignment is by input marker, not by count (proto/replication.proto,
 * StateDelta.input_marker): each applied batch names the last packet the
 * primary had received; the standby finds that packet among what it kept
 * (or among what it receives next, when the delta overtook the input) and
 * releases it and everything before it. A frame that one side's kernel
 * ring dropped therefore shifts nothing. When the marked packet never
 * shows up (the standby's ring dropped it), the next batch's marker
 * realigns; at a takeover a marker still unfound falls back to counting
 * from the last packet that matched (the anchor), and is counted.
 *
 * Markers are compared near where counting expects them first (the
 * anchor plus the primary's count since), so identical frames in the
 * window (a hash of the same bytes) resolve to the expected one.
 *
 * A bounded FIFO of opaque packet pointers; overflow drops the oldest
 * (counted: a takeover then misses them). No DPDK here: the caller gives
 * the function that frees a packet, the marker and the time, so Check
 * tests it alone.
 */

#include <stdint.h>

typedef void (*rt_rxkeep_free_fn)(void *pkt);

struct rt_rxkeep_slot {
	void *pkt;
	uint64_t marker;
	uint64_t stamp;		/* the caller's clock when received */
	unsigned int arm;
};

/* How a takeover lined the kept input up with the applied state. */
enum rt_rxkeep_align {
	RT_RXKEEP_ALIGN_MARKER = 0,	/* the last marker was found */
	RT_RXKEEP_ALIGN_COUNT,		/* not found: counted from the anchor */
	RT_RXKEEP_ALIGN_NONE,		/* nothing matched ever: all kept */
};

struct rt_rxkeep {
	struct rt_rxkeep_slot *slot;
	uint32_t mask;		/* capacity - 1 (a power of two) */
	uint64_t head;		/* RX index of the oldest kept packet */
	uint64_t tail;		/* RX index the next packet gets */
	rt_rxkeep_free_fn free_pkt;
	/* The applied state's last marker while not found yet. */
	int want;
	uint64_t want_marker;
	uint64_t want_count;	/* the primary's input_count with it */
	uint64_t last_count;	/* of the last cover() */
	/* The last packet that matched a marker: its RX index here and the
	 * primary's input_count it ends. */
	int anchored;
	uint64_t anchor_index;
	uint64_t anchor_count;
	/* Counters. */
	uint64_t overflows;	/* kept packets dropped for room */
	uint64_t trimmed;	/* released: their state was applied */
	uint64_t matched;	/* markers found */
	uint64_t fallbacks;	/* takeovers that counted from the anchor */
};

/** @p capacity is rounded down to a power of two (at least 2).
 *  @return 0 or -ENOMEM / -EINVAL. */
int rt_rxkeep_init(struct rt_rxkeep *k, uint32_t capacity,
		   rt_rxkeep_free_fn free_pkt);

/** Frees every kept packet and the ring. */
void rt_rxkeep_fini(struct rt_rxkeep *k);

/** Keeps @p pkt as RX index tail, or releases it with everything before
 *  it when it is the packet the applied state waits for; drops the
 *  oldest when full. @p marker is never 0 (rt_rxkeep_marker_fix). */
void rt_rxkeep_push(struct rt_rxkeep *k, void *pkt, unsigned int arm,
		    uint64_t marker, uint64_t stamp);

/**
 * The applied state covers the primary's input up to its packet number
 * @p input_count, the last of which has marker @p marker (0: none yet):
 * releases the kept packets it covers, or remembers the marker until the
 * packet arrives.
 */
void rt_rxkeep_cover(struct rt_rxkeep *k, uint64_t input_count,
		     uint64_t marker);

/**
 * Takeover: releases what the last cover() names (searching the whole
 * keep, then counting from the anchor), so that what is left starts
 * right after the last packet the primary covered. @return how.
 */
enum rt_rxkeep_align rt_rxkeep_resume(struct rt_rxkeep *k);

/** Takes the oldest packet (its RX index in *index). @return NULL when
 *  empty. */
void *rt_rxkeep_pop(struct rt_rxkeep *k, unsigned int *arm, uint64_t *index);

/** Reception time of the oldest kept packet; 0 when none is kept. */
static inline uint64_t
rt_rxkeep_oldest(const struct rt_rxkeep *k)
{
	return k->head == k->tail ? 0 : k->slot[k->head & k->mask].stamp;
}

static inline uint64_t
rt_rxkeep_count(const struct rt_rxkeep *k)
{
	return k->tail - k->head;
}

/** 0 means "no marker": a hash of 0 is taken as 1. */
static inline uint64_t
rt_rxkeep_marker_fix(uint64_t hash)
{
	return hash != 0 ? hash : 1;
}

#endif /* RT_RXKEEP_H */
