/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_LOOP_HA_H
#define RT_LOOP_HA_H

/*
 * The datapath's side of the HA daemon's requests (proto/ha.proto): the
 * TX fence, epochs seen, demotion, and the standby's kept input
 * (rt_rxkeep) with its replay on promotion. All on the datapath lcore,
 * like the rest of struct rt_loop.
 *
 * The kept input is also the standby's data-plane failure detector: a
 * SYNCED standby whose oldest kept packet has waited --stall-timeout with
 * no batch applied since reports a replication stall (Status.stall_us).
 * With sync commit a live primary sends a delta within one batch of its
 * RX, so a stall means the primary, or the replication link, stopped;
 * the daemons tell which (heartbeats), the runtime never acts alone.
 *
 * Epoch rule (DESIGN.md 4.4): a runtime never transmits with an epoch
 * lower than the highest it has seen. Epochs are seen in Promote, Fence
 * and Demote requests; a PRIMARY below the highest is fenced at once, and
 * a lift is refused until its own epoch has caught up (it never does: a
 * stale primary is demoted and restarted as a standby).
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "ha.pb-c.h"
#include "rt_ident.h"
#include "rt_rxkeep.h"

struct rt_loop;

struct rt_loop_ha {
	int fenced;
	int demoted;
	uint64_t epoch_seen;
	uint64_t tx_fenced;	/* packets dropped by the fence */
	int keeping;		/* standby: keeps its RX */
	struct rt_rxkeep keep;
	uint64_t replayed;	/* kept packets processed at promotion */
	uint64_t stall_tsc;	/* --stall-timeout */
	uint64_t stall_us;	/* current stall, 0: none */
	uint64_t stalls;	/* stall episodes */
	int align;		/* enum rt_rxkeep_align of the takeover */
};

/** The input marker of a received packet (StateDelta.input_marker): a
 *  64-bit CRC of its bytes, never 0. */
static inline uint64_t
rt_loop_pkt_marker(const struct rte_mbuf *m)
{
	return rt_rxkeep_marker_fix(rt_ident_hash(
		rte_pktmbuf_mtod(m, const void *), m->data_len));
}

/** Standby: starts keeping RX (capacity from the mbuf pool).
 *  @return 0 or -ENOMEM (logged; the standby then keeps nothing). */
int rt_loop_ha_init(struct rt_loop *l);
void rt_loop_ha_fini(struct rt_loop *l);

/** Standby: receives what is waiting on every arm into the keep,
 *  releases what the applied state covers, and updates the stall. */
void rt_loop_keep_poll(struct rt_loop *l);

/** Just promoted: lifts a fence, processes the kept input from right
 *  after the packet whose marker the applied state carries (l->marker),
 *  drains TX. */
void rt_loop_ha_promoted(struct rt_loop *l);

/** Drops the packets waiting in the TX buffers (a fence begins). */
void rt_loop_ha_discard_tx(struct rt_loop *l);

/* rt_control_ops members (see rt_control.h). */
uint64_t rt_loop_epoch_cb(void *arg, uint64_t epoch, int raise);
int rt_loop_fence_cb(void *arg, int lift, Sa__Ha__FenceReply *rep,
		     const char **why, Sa__Ha__ErrorCode *code);
int rt_loop_demote_cb(void *arg, Sa__Ha__FenceReply *rep, const char **why,
		      Sa__Ha__ErrorCode *code);

/** Fills the HA fields of a Status and visits the ha.* counters. */
void rt_loop_ha_status(struct rt_loop *l, Sa__Ha__Status *st,
		       void (*fn)(void *arg, const char *name, uint64_t value),
		       void *arg);

#endif /* RT_LOOP_HA_H */
