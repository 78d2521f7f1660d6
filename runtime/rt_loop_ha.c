/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "rt_log.h"
#include "rt_loop_priv.h"

/* At most this many kept packets, and at most half the mbuf pool, so the
 * standby's RX never starves for mbufs. */
#define RT_KEEP_MAX		32768u
/* RX bursts per arm per keep poll: drains a full af_packet ring. */
#define RT_KEEP_BURSTS		16
#define RT_MS_PER_S		1000ULL
#define RT_US_PER_S		1000000ULL

static void
keep_free_cb(void *pkt)
{
	rte_pktmbuf_free(pkt);
}

int
rt_loop_ha_init(struct rt_loop *l)
{
	uint32_t cap = RTE_MIN(RT_KEEP_MAX, l->conf->mbufs / 2);
	int ret;

	if (l->repl == NULL || rt_repl_role(l->repl) != RT_ROLE_STANDBY)
		return 0;
	ret = rt_rxkeep_init(&l->ha.keep, cap, keep_free_cb);
	if (ret < 0) {
		RT_LOG(ERR, "standby: cannot keep input for a takeover: %s\n",
		       strerror(-ret));
		return ret;
	}
	l->ha.keeping = 1;
	l->ha.stall_tsc = l->args->stall_ms * l->hz / RT_MS_PER_S;
	return 0;
}

void
rt_loop_ha_fini(struct rt_loop *l)
{
	if (l->ha.keeping)
		rt_rxkeep_fini(&l->ha.keep);
	l->ha.keeping = 0;
}

/* Everything waiting on every arm into the keep, stamped now. */
static void
keep_rx(struct rt_loop *l, uint64_t now)
{
	struct rte_mbuf *pkts[RT_BURST_MAX];
	unsigned int a, b;
	uint16_t nb, i;

	for (a = 0; a < l->n_rx_arms; a++) {
		const struct rt_arm_conf *ac = &l->conf->arm[a];

		for (b = 0; b < RT_KEEP_BURSTS; b++) {
			nb = rte_eth_rx_burst(ac->rx_port, ac->rxq, pkts,
					      (uint16_t)l->conf->burst);
			if (nb == 0)
				break;
			l->stats->rx[a] += nb;
			for (i = 0; i < nb; i++)
				rt_rxkeep_push(&l->ha.keep, pkts[i], a,
					       rt_loop_pkt_marker(pkts[i]), now);
		}
	}
}

/* Kept input older than the stall timeout, and no batch applied for as
 * long: both must hold (a delta may overtake the input it covers). */
static void
stall_update(struct rt_loop *l, const struct rt_repl_status *rs,
	     uint64_t now)
{
	uint64_t oldest = rt_rxkeep_oldest(&l->ha.keep), since;

	if (oldest == 0 || rs->sync != RT_SYNC_SYNCED) {
		l->ha.stall_us = 0;
		return;
	}
	since = RTE_MAX(oldest, rs->applied_tsc);
	if (now <= since || now - since < l->ha.stall_tsc) {
		l->ha.stall_us = 0;
		return;
	}
	if (l->ha.stall_us == 0)
		l->ha.stalls++;
	l->ha.stall_us = RTE_MAX((now - since) * RT_US_PER_S / l->hz, 1ULL);
}

void
rt_loop_keep_poll(struct rt_loop *l)
{
	struct rt_repl_status rs;
	uint64_t now = rte_rdtsc();

	if (!l->ha.keeping)
		return;
	keep_rx(l, now);
	rt_repl_status(l->repl, &rs);
	rt_rxkeep_cover(&l->ha.keep, rs.input_count, rs.input_marker);
	stall_update(l, &rs, now);
}

void
rt_loop_ha_promoted(struct rt_loop *l)
{
	struct rte_mbuf *pkts[RT_BURST_MAX];
	unsigned int arm, cur = 0;
	uint64_t index, first = UINT64_MAX;
	uint16_t n = 0;
	struct rte_mbuf *m;

	l->ha.fenced = 0;
	l->ha.stall_us = 0;
	if (!l->ha.keeping)
		return;
	/* What reached the ring since the last look, then the kept packets
	 * after the last one the applied state covers, in RX order, in
	 * bursts of one arm each, as the primary would have. */
	keep_rx(l, rte_rdtsc());
	rt_rxkeep_cover(&l->ha.keep, l->input_count, l->marker);
	l->ha.align = rt_rxkeep_resume(&l->ha.keep);
	for (;;) {
		m = rt_rxkeep_pop(&l->ha.keep, &arm, &index);
		if (n > 0 && (m == NULL || arm != cur ||
			      n == l->conf->burst)) {
			l->marker = rt_loop_pkt_marker(pkts[n - 1]);
			rt_loop_process_burst(l, pkts, n, cur);
			l->input_count += n;
			l->ha.replayed += n;
			rt_loop_repl_batch_end(l);
			n = 0;
		}
		if (m == NULL)
			break;
		if (first == UINT64_MAX)
			first = index;
		cur = arm;
		pkts[n++] = m;
	}
	rt_loop_tx_drain(l);
	rt_loop_ha_fini(l);
	RT_LOG(NOTICE, "takeover: processed %" PRIu64 " kept input packets "
	       "from RX index %" PRIu64 ", aligned by %s; %" PRIu64 " lost to "
	       "keep overflow\n", l->ha.replayed, first,
	       l->ha.align == RT_RXKEEP_ALIGN_MARKER ? "input marker" :
	       l->ha.align == RT_RXKEEP_ALIGN_COUNT ?
	       "count from the last marker found (marker missing)" :
	       "nothing (no marker ever matched: all kept input)",
	       l->ha.keep.overflows);
}

void
rt_loop_ha_discard_tx(struct rt_loop *l)
{
	unsigned int a;

	for (a = 0; a < l->n_txb; a++) {
		struct rte_eth_dev_tx_buffer *b = l->txb[a];

		rte_pktmbuf_free_bulk(b->pkts, b->length);
		l->ha.tx_fenced += b->length;
		b->length = 0;
	}
}

static uint64_t
own_epoch(const struct rt_loop *l)
{
	struct rt_repl_status rs;

	if (l->repl == NULL)
		return 0;
	rt_repl_status(l->repl, &rs);
	return rs.epoch;
}

static int
is_primary(const struct rt_loop *l)
{
	return l->repl != NULL && rt_repl_role(l->repl) == RT_ROLE_PRIMARY;
}

static void
fence(struct rt_loop *l, const char *why)
{
	if (l->ha.fenced)
		return;
	l->ha.fenced = 1;
	rt_loop_ha_discard_tx(l);
	RT_LOG(WARNING, "TX fenced: %s\n", why);
}

uint64_t
rt_loop_epoch_cb(void *arg, uint64_t epoch, int raise)
{
	struct rt_loop *l = arg;

	if (epoch > l->ha.epoch_seen)
		l->ha.epoch_seen = epoch;
	if (raise && l->repl != NULL)
		rt_repl_raise_epoch(l->repl, epoch);
	if (is_primary(l) && own_epoch(l) < l->ha.epoch_seen)
		fence(l, "a higher epoch exists");
	return own_epoch(l);
}

static void
fill_fence_reply(const struct rt_loop *l, Sa__Ha__FenceReply *rep)
{
	rep->fenced = l->ha.fenced;
	rep->epoch = own_epoch(l);
	rep->epoch_seen = l->ha.epoch_seen;
	rep->tx_fenced = l->ha.tx_fenced;
}

int
rt_loop_fence_cb(void *arg, int lift, Sa__Ha__FenceReply *rep,
		 const char **why, Sa__Ha__ErrorCode *code)
{
	struct rt_loop *l = arg;

	if (!lift) {
		fence(l, "requested");
	} else if (l->ha.demoted ||
		   (is_primary(l) && own_epoch(l) < l->ha.epoch_seen)) {
		*why = l->ha.demoted ? "demoted: restart as a standby" :
				       "a higher epoch exists";
		*code = SA__HA__ERROR_CODE__ERROR_STALE_EPOCH;
		return -EPERM;
	} else if (l->ha.fenced) {
		l->ha.fenced = 0;
		RT_LOG(NOTICE, "TX fence lifted\n");
	}
	fill_fence_reply(l, rep);
	return 0;
}

int
rt_loop_demote_cb(void *arg, Sa__Ha__FenceReply *rep, const char **why,
		  Sa__Ha__ErrorCode *code)
{
	struct rt_loop *l = arg;

	if (!is_primary(l)) {
		*why = "not a primary";
		*code = SA__HA__ERROR_CODE__ERROR_NOT_PRIMARY;
		return -EINVAL;
	}
	fence(l, "demoted");
	if (!l->ha.demoted)
		RT_LOG(WARNING, "demoted: TX stays fenced until this runtime "
		       "is restarted as a standby\n");
	l->ha.demoted = 1;
	fill_fence_reply(l, rep);
	return 0;
}

void
rt_loop_ha_status(struct rt_loop *l, Sa__Ha__Status *st,
		  void (*fn)(void *arg, const char *name, uint64_t value),
		  void *arg)
{
	st->fenced = l->ha.fenced;
	st->demoted = l->ha.demoted;
	st->epoch_seen = l->ha.epoch_seen;
	st->rx_kept = l->ha.keeping ? rt_rxkeep_count(&l->ha.keep) : 0;
	st->stall_us = l->ha.stall_us;
	fn(arg, "ha.tx_fenced", l->ha.tx_fenced);
	fn(arg, "ha.stalls", l->ha.stalls);
	fn(arg, "ha.markers_matched", l->ha.keep.matched);
	fn(arg, "ha.marker_fallbacks", l->ha.keep.fallbacks);
	fn(arg, "ha.rx_kept", st->rx_kept);
	fn(arg, "ha.keep_overflows", l->ha.keep.overflows);
	fn(arg, "ha.replayed", l->ha.replayed);
	if (l->ctl != NULL)
		fn(arg, "ha.control_bad_requests",
		   rt_control_bad_requests(l->ctl));
}
