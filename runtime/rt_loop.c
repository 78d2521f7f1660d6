/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_prefetch.h>

#include "rt_dirty.h"
#include "rt_log.h"
#include "rt_loop_priv.h"

#define RT_NS_PER_US	1000ULL
#define RT_NS_PER_S	1000000000ULL

static void
tx_error_cb(struct rte_mbuf **unsent, uint16_t count, void *userdata)
{
	uint64_t *dropped = userdata;

	rte_pktmbuf_free_bulk(unsent, count);
	*dropped += count;
}

static int
tx_buffers_init(struct rt_loop *l)
{
	unsigned int a;

	l->n_txb = l->conf->two_armed ? SA_ARM_COUNT : 1;
	for (a = 0; a < l->n_txb; a++) {
		l->txb[a] = rte_zmalloc_socket("sa_txbuf",
			RTE_ETH_TX_BUFFER_SIZE(RT_BURST_MAX), 0,
			rte_eth_dev_socket_id(l->conf->arm[a].tx_port));
		if (l->txb[a] == NULL)
			return -ENOMEM;
		rte_eth_tx_buffer_init(l->txb[a], l->conf->burst);
		rte_eth_tx_buffer_set_err_callback(l->txb[a], tx_error_cb,
						   &l->stats->tx_dropped[a]);
	}
	if (!l->conf->two_armed)
		l->txb[SA_ARM_OUTSIDE] = l->txb[SA_ARM_INSIDE];
	return 0;
}

static void
tx_buffers_free(struct rt_loop *l)
{
	unsigned int a;

	for (a = 0; a < l->n_txb; a++)
		rte_free(l->txb[a]);
}

void
rt_loop_tx_drain(struct rt_loop *l)
{
	unsigned int a;

	for (a = 0; a < l->n_txb; a++)
		l->stats->tx[a] += rte_eth_tx_buffer_flush(l->conf->arm[a].tx_port,
			l->conf->arm[a].txq, l->txb[a]);
}

static inline void
tx_one(struct rt_loop *l, struct rte_mbuf *m, unsigned int arm)
{
	/* Fenced (HA daemon, stale epoch): nothing leaves; counted. */
	if (unlikely(l->ha.fenced)) {
		rte_pktmbuf_free(m);
		l->ha.tx_fenced++;
		return;
	}
	l->stats->tx[l->conf->two_armed ? arm : 0] +=
		rte_eth_tx_buffer(l->conf->arm[arm].tx_port,
				  l->conf->arm[arm].txq, l->txb[arm], m);
}

/* Packets released by an ack (sync commit). */
void
rt_loop_tx_cb(void *arg, struct rte_mbuf *m, unsigned int arm)
{
	tx_one(arg, m, arm);
}

/* Trace time: tick before the first packet of every tick-sized cell of
 * capture time, so a given trace sees the same ticks on every run. */
static inline void
trace_clock_advance(struct rt_loop *l, const struct rte_mbuf *m,
		    unsigned int arm)
{
	struct sa_ctx *ctx = l->ctx;
	uint64_t ts;

	if (unlikely(!(m->ol_flags & l->ts_flag))) {
		l->stats->rx_no_timestamp++;
		return;
	}
	ts = *RTE_MBUF_DYNFIELD(m, l->ts_offset, rte_mbuf_timestamp_t *) *
	     l->ts_scale[arm];
	if (ts > ctx->now_ns)
		ctx->now_ns = ts;
	if (ctx->now_ns >= l->next_tick_ns) {
		if (l->mb->tick != NULL)
			l->mb->tick(ctx, ctx->now_ns);
		l->stats->ticks++;
		l->next_tick_ns = (ctx->now_ns / l->conf->tick_ns + 1) *
				  l->conf->tick_ns;
	}
}

static inline void
process_one(struct rt_loop *l, struct rte_mbuf *m, unsigned int rx_arm,
	    uint8_t tag)
{
	struct sa_ctx *ctx = l->ctx;
	struct sa_pkt pkt;

	if (ctx->trace_clock)
		trace_clock_advance(l, m, rx_arm);
	ctx->verdict = RT_VERDICT_NONE;
	if (unlikely(m->nb_segs != 1)) {
		ctx->verdict = RT_VERDICT_DROP;
		ctx->reason = SA_DROP_MULTI_SEG;
	} else {
		pkt.data = rte_pktmbuf_mtod(m, uint8_t *);
		pkt.len = m->data_len;
		pkt.arm = tag;
		rt_dirty_packet_begin();
		l->mb->process(ctx, &pkt);
		rt_dirty_packet_end();
	}
	if (likely(ctx->verdict == RT_VERDICT_EMIT)) {
		/* A middlebox may shorten a frame, never lengthen it. */
		if (unlikely(pkt.len < m->data_len)) {
			m->data_len = (uint16_t)pkt.len;
			m->pkt_len = pkt.len;
		}
		l->stats->emitted++;
		if (unlikely(l->hold != NULL))
			rt_commit_add(l->hold, m, ctx->arm);
		else
			tx_one(l, m, ctx->arm);
		return;
	}
	if (ctx->verdict == RT_VERDICT_NONE)
		ctx->reason = SA_DROP_NO_VERDICT;
	l->stats->dropped++;
	l->stats->drops[ctx->reason]++;
	rte_pktmbuf_free(m);
}

/* @return the number of packets received. */
static unsigned int
rx_arm(struct rt_loop *l, unsigned int arm)
{
	const struct rt_arm_conf *ac = &l->conf->arm[arm];
	struct rte_mbuf *pkts[RT_BURST_MAX];
	uint16_t nb;

	nb = rte_eth_rx_burst(ac->rx_port, ac->rxq, pkts,
			      (uint16_t)l->conf->burst);
	if (unlikely(nb == 0))
		return 0;
	l->stats->rx_bursts++;
	l->stats->rx[arm] += nb;
	/* Replicated: the last packet names the batch's input (before the
	 * middlebox rewrites it), for a standby that keeps its own. */
	if (l->repl != NULL)
		l->marker = rt_loop_pkt_marker(pkts[nb - 1]);
	rt_loop_process_burst(l, pkts, nb, arm);
	return nb;
}

/* The packets are input packets l->input_count ... + nb - 1: a command
 * scheduled among them runs right before its packet (rt_cmd.h). */
void
rt_loop_process_burst(struct rt_loop *l, struct rte_mbuf **pkts, uint16_t nb,
		      unsigned int arm)
{
	uint8_t tag = l->conf->two_armed ? (uint8_t)arm : SA_ARM_ANY;
	int cmds = unlikely(l->next_cmd_at < l->input_count + nb);
	uint16_t i;

	for (i = 0; i < nb; i++) {
		if (i + 1 < nb)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (unlikely(cmds) && l->next_cmd_at <= l->input_count + i)
			rt_loop_cmd_due(l, l->input_count + i);
		process_one(l, pkts[i], arm, tag);
	}
}

/* The timestamp field's unit is the driver's choice: net_pcap stores
 * the capture time in microseconds, NICs with the offload nanoseconds. */
static void
ts_scale_init(struct rt_loop *l)
{
	struct rte_eth_dev_info info;
	unsigned int a;

	for (a = 0; a < SA_ARM_COUNT; a++) {
		l->ts_scale[a] = 1;
		if (rte_eth_dev_info_get(l->conf->arm[a].rx_port, &info) == 0 &&
		    strcmp(info.driver_name, "net_pcap") == 0)
			l->ts_scale[a] = RT_NS_PER_US;
	}
}

static int
loop_init(struct rt_loop *l, const struct rt_loop_params *p)
{
	int ret;

	/* One batch's packets fit one commit batch, whatever the arms. */
	RTE_BUILD_BUG_ON(RT_COMMIT_BATCH_MAX < SA_ARM_COUNT * RT_BURST_MAX);
	memset(l, 0, sizeof(*l));
	l->ctx = p->ctx;
	l->mb = p->ctx->mb;
	l->stats = p->ctx->stats;
	l->conf = p->conf;
	l->args = p->args;
	l->repl = p->repl;
	l->ctl = p->ctl;
	l->cmds = p->cmds;
	l->next_cmd_at = UINT64_MAX;
	l->quit = p->quit;
	l->hz = rte_get_tsc_hz();
	l->n_rx_arms = p->conf->two_armed ? SA_ARM_COUNT : 1;
	l->ns_mult = (RT_NS_PER_S << 32) / p->ctx->tsc_hz;
	if (p->ctx->trace_clock) {
		ret = rte_mbuf_dyn_rx_timestamp_register(&l->ts_offset,
							 &l->ts_flag);
		if (ret < 0) {
			RT_LOG(ERR, "cannot register the RX timestamp field: "
			       "%s\n", rte_strerror(rte_errno));
			return -rte_errno;
		}
		ts_scale_init(l);
	}
	ret = tx_buffers_init(l);
	if (ret < 0)
		RT_LOG(ERR, "cannot allocate TX buffers\n");
	return ret;
}

/* One RX batch over every arm. @return packets received. */
static unsigned int
rx_batch(struct rt_loop *l, uint64_t now)
{
	unsigned int a, n, got = 0;

	if (l->repl != NULL && rt_loop_repl_pre_rx(l, now) < 0)
		return 0;
	for (a = 0; a < l->n_rx_arms; a++) {
		n = rx_arm(l, a);
		got += n;
		l->input_count += n;
	}
	if (got != 0 && l->repl != NULL)
		rt_loop_repl_batch_end(l);
	return got;
}

static void
tsc_tick(struct rt_loop *l)
{
	if (l->mb->tick != NULL)
		l->mb->tick(l->ctx, l->ctx->now_ns);
	l->stats->ticks++;
	/* Expiry changes state outside any batch: ship it. */
	if (l->repl != NULL)
		rt_loop_repl_batch_end(l);
}

static void
datapath(struct rt_loop *l, uint64_t idle_tsc, uint64_t now)
{
	uint64_t drain_tsc = l->conf->drain_ns * l->hz / RT_NS_PER_S;
	uint64_t tick_tsc = l->conf->tick_ns * l->hz / RT_NS_PER_S;
	uint64_t next_drain = now + drain_tsc, next_tick = now + tick_tsc;
	uint64_t last_rx = now;

	while (!*l->quit) {
		now = rte_rdtsc();
		if (!l->ctx->trace_clock)
			l->ctx->now_ns = rt_loop_tsc_to_ns(l, now) +
					 l->clock_off_ns;
		if (rx_batch(l, now) != 0)
			last_rx = now;
		if (unlikely(now >= next_drain)) {
			rt_loop_tx_drain(l);
			next_drain = now + drain_tsc;
		}
		if (unlikely(now >= l->next_service))
			rt_loop_service(l, now);
		else if (l->repl != NULL && rt_repl_urgent(l->repl))
			rt_loop_service(l, now);
		if (unlikely(now >= next_tick) && !l->ctx->trace_clock) {
			tsc_tick(l);
			next_tick = now + tick_tsc;
		}
		if (unlikely(now >= l->end_tsc))
			break;
		if (unlikely(idle_tsc != 0 && now - last_rx >= idle_tsc)) {
			/* The idle wait is not part of the run's rate. */
			l->end_tsc = last_rx;
			break;
		}
	}
}

int
rt_loop_run(const struct rt_loop_params *p)
{
	const struct rt_args *args = p->args;
	uint64_t start, idle_tsc;
	struct rt_loop l;
	int ret;

	ret = loop_init(&l, p);
	if (ret < 0) {
		tx_buffers_free(&l);
		return ret;
	}
	idle_tsc = args->idle_exit_ms * l.hz / 1000;
	start = rte_rdtsc();
	l.end_tsc = args->run_time_ms ? start + args->run_time_ms * l.hz / 1000 :
					UINT64_MAX;
	l.stats->start_tsc = start;
	rt_loop_repl_start(&l);
	if (args->keep_input)
		rt_loop_ha_init(&l);
	rt_loop_await_standby(&l);
	if (l.repl == NULL || rt_repl_role(l.repl) != RT_ROLE_STANDBY) {
		rt_loop_cmd_start(&l);
		datapath(&l, idle_tsc, rte_rdtsc());
	} else if (rt_loop_standby(&l)) {
		rt_loop_cmd_start(&l);
		rt_loop_ha_promoted(&l);
		datapath(&l, idle_tsc, rte_rdtsc());
	}
	rt_loop_ha_fini(&l);
	rt_loop_repl_stop(&l);
	rt_loop_tx_drain(&l);
	l.stats->end_tsc = RTE_MIN(l.end_tsc, rte_rdtsc());
	tx_buffers_free(&l);
	return 0;
}
