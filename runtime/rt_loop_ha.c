/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "rt_log.h"
#include "rt_loop_priv.h"

/* At most this many kept packets, and at most half the mbuf pool, so the
 * standby's RX never starves for mbufs. */
#define RT_KEEP_MAX		8192u
/* RX bursts per arm per keep poll: drains a full af_packet ring. */
#define RT_KEEP_BURSTS		16

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
	return 0;
}

void
rt_loop_ha_fini(struct rt_loop *l)
{
	if (l->ha.keeping)
		rt_rxkeep_fini(&l->ha.keep);
	l->ha.keeping = 0;
}

void
rt_loop_keep_poll(struct rt_loop *l)
{
	struct rte_mbuf *pkts[RT_BURST_MAX];
	struct rt_repl_status rs;
	unsigned int a, b;
	uint16_t nb, i;

	if (!l->ha.keeping)
		return;
	for (a = 0; a < l->n_rx_arms; a++) {
		const struct rt_arm_conf *ac = &l->conf->arm[a];

		for (b = 0; b < RT_KEEP_BURSTS; b++) {
			nb = rte_eth_rx_burst(ac->rx_port, ac->rxq, pkts,
					      (uint16_t)l->conf->burst);
			if (nb == 0)
				break;
			l->stats->rx[a] += nb;
			for (i = 0; i < nb; i++)
				rt_rxkeep_push(&l->ha.keep, pkts[i], a);
		}
	}
	rt_repl_status(l->repl, &rs);
	rt_rxkeep_trim(&l->ha.keep, rs.input_count);
}

void
rt_loop_ha_promoted(struct rt_loop *l)
{
	struct rte_mbuf *pkts[RT_BURST_MAX];
	unsigned int arm, cur = 0;
	uint64_t index, first = 0;
	uint16_t n = 0;
	struct rte_mbuf *m;

	l->ha.fenced = 0;
	if (!l->ha.keeping)
		return;
	/* The kept packets the applied state does not cover, in RX order,
	 * in bursts of one arm each, as the primary would have. */
	rt_rxkeep_trim(&l->ha.keep, l->input_count);
	for (;;) {
		m = rt_rxkeep_pop(&l->ha.keep, &arm, &index);
		if (n > 0 && (m == NULL || arm != cur ||
			      n == l->conf->burst)) {
			rt_loop_process_burst(l, pkts, n, cur);
			l->input_count += n;
			l->ha.replayed += n;
			rt_loop_repl_batch_end(l);
			n = 0;
		}
		if (m == NULL)
			break;
		if (n == 0 && first == 0)
			first = index;
		cur = arm;
		pkts[n++] = m;
	}
	rt_loop_tx_drain(l);
	rt_loop_ha_fini(l);
	RT_LOG(NOTICE, "takeover: processed %" PRIu64 " kept input packets "
	       "from packet %" PRIu64 "; %" PRIu64 " lost to keep overflow\n",
	       l->ha.replayed, first, l->ha.keep.overflows);
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
	fn(arg, "ha.tx_fenced", l->ha.tx_fenced);
	fn(arg, "ha.rx_kept", st->rx_kept);
	fn(arg, "ha.keep_overflows", l->ha.keep.overflows);
	fn(arg, "ha.replayed", l->ha.replayed);
	if (l->ctl != NULL)
		fn(arg, "ha.control_bad_requests",
		   rt_control_bad_requests(l->ctl));
}
