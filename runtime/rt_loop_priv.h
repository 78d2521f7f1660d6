/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_LOOP_PRIV_H
#define RT_LOOP_PRIV_H

/* The datapath's state, shared by rt_loop.c (packets) and rt_loop_repl.c
 * (replication, control socket, promotion). */

#include <rte_ethdev.h>

#include "rt_cmd.h"
#include "rt_commit.h"
#include "rt_control.h"
#include "rt_loop.h"
#include "rt_loop_ha.h"
#include "rt_repl.h"

#define RT_BURST_MAX	64

struct rt_loop {
	struct sa_ctx *ctx;
	const struct sa_middlebox *mb;
	struct rt_stats *stats;
	const struct rt_port_conf *conf;
	const struct rt_args *args;
	unsigned int n_rx_arms;
	/* One-armed: both arms share the one buffer of their port/queue. */
	struct rte_eth_dev_tx_buffer *txb[SA_ARM_COUNT];
	unsigned int n_txb;
	/* Sync commit: where this batch's packets wait; NULL: send. */
	struct rt_commit_batch *hold;
	struct rt_repl *repl;		/* NULL: solo */
	struct rt_control *ctl;		/* NULL: no control socket */
	uint64_t input_count;		/* packets received, all arms */
	uint64_t marker;		/* of the last packet received */
	uint64_t clock_off_ns;		/* TSC clock: continues a primary's */
	int ts_offset;
	uint64_t ts_flag;
	uint64_t ts_scale[SA_ARM_COUNT];	/* timestamp unit in ns */
	uint64_t next_tick_ns;
	uint64_t ns_mult;	/* ns per TSC cycle, 32.32 fixed point */
	uint64_t hz;
	uint64_t next_service;	/* TSC: replication and control */
	uint64_t service_tsc;
	uint64_t end_tsc;
	volatile bool *quit;
	struct rt_loop_ha ha;		/* fence, epochs, kept input */
	struct rt_cmd_sched *cmds;	/* --commands, or NULL */
	uint64_t next_cmd_at;		/* its next position, or UINT64_MAX */
} __rte_cache_aligned;

static inline uint64_t
rt_loop_tsc_to_ns(const struct rt_loop *l, uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)(tsc - l->ctx->tsc_base) *
			   l->ns_mult) >> 32);
}

/* rt_loop.c */
void rt_loop_tx_drain(struct rt_loop *l);
void rt_loop_tx_cb(void *arg, struct rte_mbuf *m, unsigned int arm);
/** process() for @p nb packets received on @p arm, in order. */
void rt_loop_process_burst(struct rt_loop *l, struct rte_mbuf **pkts,
			   uint16_t nb, unsigned int arm);

/* rt_loop_cmd.c */
/** Runs the scheduled commands of positions up to @p pos. */
void rt_loop_cmd_due(struct rt_loop *l, uint64_t pos);
/** Before the datapath runs: skips what a promoted standby's state
 *  covers, arms the schedule. */
void rt_loop_cmd_start(struct rt_loop *l);
/** Standby: runs replicated commands through the middlebox. */
void rt_loop_cmd_attach(struct rt_loop *l);
int rt_loop_command_cb(void *arg, const char *line,
		       Sa__Ha__MbCommandReply *rep, char *msg, size_t len,
		       Sa__Ha__ErrorCode *code);

/* rt_loop_repl.c */
void rt_loop_repl_start(struct rt_loop *l);
/** Standby: serves replication and control until promoted or told to
 *  quit. @return 1 when promoted (run the datapath), 0 to stop. */
int rt_loop_standby(struct rt_loop *l);
/** --await-standby: waits for the standby's snapshot to be acked. */
void rt_loop_await_standby(struct rt_loop *l);
/** Before RX: 0 to receive, -EAGAIN when the commit window is full. */
int rt_loop_repl_pre_rx(struct rt_loop *l, uint64_t now);
void rt_loop_repl_batch_end(struct rt_loop *l);
/** Periodic (and, with held batches, every iteration) service. */
void rt_loop_service(struct rt_loop *l, uint64_t now);
void rt_loop_repl_stop(struct rt_loop *l);

#endif /* RT_LOOP_PRIV_H */
