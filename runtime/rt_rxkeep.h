/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_RXKEEP_H
#define RT_RXKEEP_H

/*
 * What a standby keeps of its input for a takeover. Both instances of a
 * pair see the same input stream; the standby receives it too, numbers
 * each packet (its RX index, counted from 0 as the primary's input_count
 * is) and keeps it until a delta whose input_count covers it has been
 * applied. On promotion it processes what it kept from the applied
 * input_count on, so no packet the primary had not yet replicated is lost.
 *
 * A bounded FIFO of opaque packet pointers with their arm; overflow drops
 * the oldest (counted: a takeover then misses them). No DPDK here: the
 * caller gives the function that frees a packet, so Check tests it alone.
 */

#include <stdint.h>

typedef void (*rt_rxkeep_free_fn)(void *pkt);

struct rt_rxkeep_slot {
	void *pkt;
	unsigned int arm;
};

struct rt_rxkeep {
	struct rt_rxkeep_slot *slot;
	uint32_t mask;		/* capacity - 1 (a power of two) */
	uint64_t head;		/* RX index of the oldest kept packet */
	uint64_t tail;		/* RX index the next packet gets */
	rt_rxkeep_free_fn free_pkt;
	uint64_t overflows;	/* kept packets dropped for room */
	uint64_t trimmed;	/* released: their state was applied */
};

/** @p capacity is rounded down to a power of two (at least 2).
 *  @return 0 or -ENOMEM / -EINVAL. */
int rt_rxkeep_init(struct rt_rxkeep *k, uint32_t capacity,
		   rt_rxkeep_free_fn free_pkt);

/** Frees every kept packet and the ring. */
void rt_rxkeep_fini(struct rt_rxkeep *k);

/** Keeps @p pkt as RX index tail; drops the oldest when full. */
void rt_rxkeep_push(struct rt_rxkeep *k, void *pkt, unsigned int arm);

/** Frees the packets with RX index below @p input_count. */
void rt_rxkeep_trim(struct rt_rxkeep *k, uint64_t input_count);

/** Takes the oldest packet (its RX index in *index). @return NULL when
 *  empty. */
void *rt_rxkeep_pop(struct rt_rxkeep *k, unsigned int *arm, uint64_t *index);

static inline uint64_t
rt_rxkeep_count(const struct rt_rxkeep *k)
{
	return k->tail - k->head;
}

#endif /* RT_RXKEEP_H */
