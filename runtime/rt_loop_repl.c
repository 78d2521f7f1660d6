/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath's side of replication and control: batch hooks, the
 * standby's wait, promotion (clock hand-over included) and the control
 * socket's requests, all on the datapath lcore.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>

#include "rt_log.h"
#include "rt_loop_priv.h"

#define RT_NS_PER_S		1000000000ULL
#define RT_MS_PER_S		1000ULL
/* A standby sleeps in poll() at most this long between checks. */
#define RT_STANDBY_WAIT_MS	1
/* --test-kill-at-batch: the batches remembered for the report, more than
 * can wait for their acks; and how long the delta may take to leave. */
#define RT_KILL_MARKS		(2 * RT_COMMIT_DEPTH)
#define RT_KILL_FLUSH_MS	1000

static uint64_t
ms_to_tsc(const struct rt_loop *l, uint64_t ms)
{
	return ms * l->hz / RT_MS_PER_S;
}

static void status_cb(void *arg, Sa__Ha__Status *st);
static void status_done_cb(void *arg, Sa__Ha__Status *st);
static int promote_cb(void *arg, Sa__Ha__PromoteReply *rep, const char **why,
		      Sa__Ha__ErrorCode *code);

static const struct rt_control_ops rt_loop_control_ops = {
	.status = status_cb,
	.status_done = status_done_cb,
	.promote = promote_cb,
	.epoch = rt_loop_epoch_cb,	/* rt_loop_ha.c */
	.fence = rt_loop_fence_cb,
	.demote = rt_loop_demote_cb,
	.command = rt_loop_command_cb,	/* rt_loop_cmd.c */
};

/*
 * --test-kill-at-batch B (failover harness, DESIGN.md 5): the primary dies
 * by SIGKILL at a precise point of its B-th batch. Before dying it logs
 * its counters and, for each recent batch, the counters as of its end, so
 * that the harness knows exactly which outputs precede the input count the
 * standby resumes from. One datapath lcore: the state is the file's own.
 */
struct rt_kill_mark {
	uint64_t input_count;
	uint64_t emitted;
	uint64_t alerts;
};

static struct {
	uint64_t batches;		/* ended so far */
	uint32_t seq;			/* batch B's last frame */
	int armed;			/* B ended; waiting for its TX */
	struct rt_kill_mark mark[RT_KILL_MARKS];
} rt_kill;

static uint64_t
tx_total(const struct rt_loop *l)
{
	return l->stats->tx[SA_ARM_INSIDE] + l->stats->tx[SA_ARM_OUTSIDE];
}

static void __rte_noreturn
kill_now(struct rt_loop *l, const struct rt_repl_status *rs)
{
	uint64_t i, first;
	const struct rt_kill_mark *m;

	first = rt_kill.batches > RT_KILL_MARKS ?
		rt_kill.batches - RT_KILL_MARKS : 0;
	for (i = first; i < rt_kill.batches; i++) {
		m = &rt_kill.mark[i % RT_KILL_MARKS];
		RT_LOG(NOTICE, "test-kill: mark batch=%" PRIu64 " input_count=%"
		       PRIu64 " emitted=%" PRIu64 " alerts=%" PRIu64 "\n",
		       i + 1, m->input_count, m->emitted, m->alerts);
	}
	RT_LOG(NOTICE, "test-kill: batch=%" PRIu64 " when=%s input_count=%"
	       PRIu64 " emitted=%" PRIu64 " tx=%" PRIu64 " alerts=%" PRIu64
	       " seq=%" PRIu32 " acked=%" PRIu32 " unacked_frames=%u\n",
	       l->args->test_kill_batch,
	       l->args->test_kill_when == RT_TEST_KILL_DELTA_SENT ?
	       "delta-sent" : "tx-released", l->input_count,
	       l->stats->emitted, tx_total(l), l->stats->alerts, rs->seq,
	       rs->acked, rs->seq - rs->acked);
	/* Alerts are not held for acks: all that were raised count, and a
	 * stdio buffer is lost by any crash, replicated or not. */
	if (l->ctx->alert_log != NULL)
		fflush(l->ctx->alert_log);
	raise(SIGKILL);
	abort();
}

/* After a poll: batch B's TX is released once its last frame is acked
 * (or the standby is dropped, which releases everything). */
static void
kill_check_released(struct rt_loop *l)
{
	struct rt_repl_status rs;

	if (likely(!rt_kill.armed))
		return;
	rt_repl_status(l->repl, &rs);
	if (rs.connected && !rt_seq_le(rt_kill.seq, rs.acked))
		return;
	rt_loop_tx_drain(l);
	kill_now(l, &rs);
}

static void
kill_batch_end(struct rt_loop *l)
{
	struct rt_kill_mark *m = &rt_kill.mark[rt_kill.batches %
					       RT_KILL_MARKS];
	struct rt_repl_status rs;

	m->input_count = l->input_count;
	m->emitted = l->stats->emitted;
	m->alerts = l->stats->alerts;
	if (++rt_kill.batches != l->args->test_kill_batch)
		return;
	/* Batch B's own delta, not a later one's (async coalesces). */
	rt_repl_delta_now(l->repl);
	rt_repl_status(l->repl, &rs);
	rt_kill.seq = rs.seq;
	if (l->args->test_kill_when == RT_TEST_KILL_DELTA_SENT) {
		if (rt_repl_flush(l->repl, RT_KILL_FLUSH_MS) != 0)
			RT_LOG(WARNING, "test-kill: the delta of batch %"
			       PRIu64 " did not leave\n", rt_kill.batches);
		kill_now(l, &rs);
	}
	rt_kill.armed = 1;
	kill_check_released(l);
}

void
rt_loop_repl_start(struct rt_loop *l)
{
	/* The replication channel is serviced on the TX drain interval;
	 * the control socket alone, on its own coarser one. */
	l->service_tsc = l->repl != NULL ?
		l->conf->drain_ns * l->hz / RT_NS_PER_S :
		ms_to_tsc(l, RT_CONTROL_POLL_MS);
	l->next_service = l->repl != NULL || l->ctl != NULL ?
			  rte_rdtsc() : UINT64_MAX;
	if (l->repl != NULL)
		rt_repl_set_tx(l->repl, rt_loop_tx_cb, l);
	rt_loop_cmd_attach(l);
	if (l->ctl != NULL)
		rt_control_attach(l->ctl, &rt_loop_control_ops, l);
}

void
rt_loop_repl_stop(struct rt_loop *l)
{
	if (l->repl != NULL && rt_repl_role(l->repl) == RT_ROLE_PRIMARY) {
		rt_repl_shutdown(l->repl);
		rt_loop_tx_drain(l);
		kill_check_released(l);
	}
	if (l->ctl != NULL)
		rt_control_attach(l->ctl, NULL, NULL);
}

void
rt_loop_service(struct rt_loop *l, uint64_t now)
{
	if (l->repl != NULL && rt_repl_poll(l->repl, now, 0) > 0)
		rt_loop_tx_drain(l);	/* released packets leave now */
	if (l->repl != NULL)
		kill_check_released(l);
	if (now >= l->next_service) {
		if (l->ctl != NULL)
			rt_control_poll(l->ctl);
		l->next_service = now + l->service_tsc;
	}
}

void
rt_loop_await_standby(struct rt_loop *l)
{
	uint64_t now = rte_rdtsc();
	uint64_t end = now + ms_to_tsc(l, l->args->await_ms);

	if (l->repl == NULL || rt_repl_role(l->repl) != RT_ROLE_PRIMARY ||
	    l->args->await_ms == 0)
		return;
	while (!*l->quit && !rt_repl_synced(l->repl) && now < end) {
		rt_repl_poll(l->repl, now, RT_STANDBY_WAIT_MS);
		if (l->ctl != NULL)
			rt_control_poll(l->ctl);
		now = rte_rdtsc();
	}
	if (!rt_repl_synced(l->repl))
		RT_LOG(WARNING, "--await-standby: no synced standby after %"
		       PRIu64 " ms; starting without\n", l->args->await_ms);
	l->stats->start_tsc = rte_rdtsc();
}

int
rt_loop_repl_pre_rx(struct rt_loop *l, uint64_t now)
{
	/* --test-kill-when tx-released: batch B is the last one received;
	 * the primary only waits for its ack, then dies. */
	if (unlikely(rt_kill.armed)) {
		if (rt_repl_poll(l->repl, now, 0) > 0)
			rt_loop_tx_drain(l);
		kill_check_released(l);
		return -EAGAIN;
	}
	if (rt_repl_batch_begin(l->repl, &l->hold) == 0)
		return 0;
	/* Commit window full: wait for acks instead of receiving. */
	if (rt_repl_poll(l->repl, now, 0) > 0)
		rt_loop_tx_drain(l);
	kill_check_released(l);
	return -EAGAIN;
}

void
rt_loop_repl_batch_end(struct rt_loop *l)
{
	rt_repl_set_marker(l->repl, l->marker);
	rt_repl_batch_end(l->repl, l->input_count, l->ctx->now_ns);
	l->hold = NULL;
	if (unlikely(l->args->test_kill_batch != 0))
		kill_batch_end(l);
}

/* Time continues from the primary's: with the trace clock its value and
 * tick schedule; with the TSC clock its value plus the time since the
 * last batch arrived. Never backwards. */
static void
adopt_clock(struct rt_loop *l, const struct rt_promotion *p)
{
	struct sa_ctx *ctx = l->ctx;
	uint64_t now = rte_rdtsc(), target, cur;

	if (ctx->trace_clock) {
		if (p->clock_ns > ctx->now_ns)
			ctx->now_ns = p->clock_ns;
		/* The primary's next tick: the cell after the current one,
		 * or at the first packet if it never saw one. */
		l->next_tick_ns = ctx->now_ns == 0 ? 0 :
			(ctx->now_ns / l->conf->tick_ns + 1) * l->conf->tick_ns;
		return;
	}
	if (p->clock_tsc == 0)
		return;
	target = p->clock_ns + (uint64_t)(((unsigned __int128)(now -
			p->clock_tsc) * l->ns_mult) >> 32);
	cur = rt_loop_tsc_to_ns(l, now);
	l->clock_off_ns = target > cur ? target - cur : 0;
	ctx->now_ns = cur + l->clock_off_ns;
}

/* The standby sleeps on its channel and its control socket together: a
 * Promote is served when it arrives, not at the next look. @return 1
 * when the control socket has something to read. */
static int
standby_wait(struct rt_loop *l)
{
	struct pollfd pfd[1 + RT_CONTROL_POLLFDS];
	unsigned int n = (unsigned int)rt_repl_pollfd(l->repl, pfd), i, c;

	c = n;
	if (l->ctl != NULL)
		n += rt_control_pollfds(l->ctl, pfd + n, RT_CONTROL_POLLFDS);
	if (n == 0 || poll(pfd, n, RT_STANDBY_WAIT_MS) <= 0)
		return 0;
	for (i = c; i < n; i++)
		if (pfd[i].revents != 0)
			return 1;
	return 0;
}

int
rt_loop_standby(struct rt_loop *l)
{
	uint64_t now, next_ctl = 0;
	int ctl_ready;

	while (!*l->quit && rt_repl_role(l->repl) == RT_ROLE_STANDBY) {
		now = rte_rdtsc();
		if (now >= l->end_tsc)
			return 0;
		ctl_ready = standby_wait(l);
		rt_repl_poll(l->repl, rte_rdtsc(), 0);
		rt_loop_keep_poll(l);	/* --keep-input: rt_loop_ha.c */
		if (l->ctl != NULL && (ctl_ready || now >= next_ctl)) {
			rt_control_poll(l->ctl);
			next_ctl = now + ms_to_tsc(l, RT_STANDBY_WAIT_MS);
		}
	}
	/* The run's rate counts from promotion. */
	l->stats->start_tsc = rte_rdtsc();
	return !*l->quit;
}

static int
promote_cb(void *arg, Sa__Ha__PromoteReply *rep, const char **why,
	   Sa__Ha__ErrorCode *code)
{
	struct rt_loop *l = arg;
	struct rt_promotion p;
	int ret;

	if (l->repl == NULL) {
		*why = "solo: nothing to promote";
		*code = SA__HA__ERROR_CODE__ERROR_NOT_STANDBY;
		return -EINVAL;
	}
	ret = rt_repl_promote(l->repl, &p, why);
	if (ret < 0) {
		*code = ret == -EAGAIN ? SA__HA__ERROR_CODE__ERROR_NOT_SYNCED :
					 SA__HA__ERROR_CODE__ERROR_NOT_STANDBY;
		return ret;
	}
	adopt_clock(l, &p);
	l->input_count = p.input_count;
	l->marker = p.input_marker;	/* where the kept input resumes */
	rep->epoch = p.epoch;
	rep->input_count = p.input_count;
	return 0;
}

struct status_fill {
	Sa__Ha__Counter **p;
	size_t n;
	size_t cap;
};

static void
counter_cb(void *arg, const char *name, uint64_t value)
{
	struct status_fill *f = arg;
	size_t len = strlen(name) + 1;
	Sa__Ha__Counter *c;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 128;
		Sa__Ha__Counter **p = realloc(f->p, cap * sizeof(*p));

		if (p == NULL)
			return;
		f->p = p;
		f->cap = cap;
	}
	/* The name lives right after the counter: one block to free. */
	c = malloc(sizeof(*c) + len);
	if (c == NULL)
		return;
	sa__ha__counter__init(c);
	c->name = (char *)(c + 1);
	memcpy(c->name, name, len);
	c->value = value;
	f->p[f->n++] = c;
}

static Sa__Ha__Role
proto_role(enum rt_role role)
{
	switch (role) {
	case RT_ROLE_PRIMARY:
		return SA__HA__ROLE__ROLE_PRIMARY;
	case RT_ROLE_STANDBY:
		return SA__HA__ROLE__ROLE_STANDBY;
	default:
		return SA__HA__ROLE__ROLE_SOLO;
	}
}

static void
status_cb(void *arg, Sa__Ha__Status *st)
{
	struct rt_loop *l = arg;
	struct status_fill f = { 0 };
	struct rt_repl_status rs;

	st->middlebox = (char *)(uintptr_t)l->mb->name;
	st->replicate = (char *)(uintptr_t)rt_repl_mode_name(
		l->args->replicate);
	st->commit = (char *)(uintptr_t)(l->args->commit == RT_COMMIT_SYNC ?
					 "sync" : "async");
	if (l->repl != NULL) {
		rt_repl_status(l->repl, &rs);
		st->role = proto_role(rs.role);
		st->epoch = rs.epoch;
		st->seq = rs.seq;
		st->acked_seq = rs.acked;
		st->lag = rs.role == RT_ROLE_PRIMARY ? rs.seq - rs.acked : 0;
		st->input_count = rs.role == RT_ROLE_STANDBY ? rs.input_count :
				  l->input_count;
		st->sync = (Sa__Ha__SyncState)rs.sync;
		st->peer_connected = rs.connected;
	} else {
		st->role = SA__HA__ROLE__ROLE_SOLO;
		st->input_count = l->stats->rx[SA_ARM_INSIDE] +
				  l->stats->rx[SA_ARM_OUTSIDE];
	}
	rt_stats_visit(l->stats, l->mb, l->conf->two_armed, counter_cb, &f);
	rt_loop_ha_status(l, st, counter_cb, &f);
	st->n_counters = f.n;
	st->counters = f.p;
}

static void
status_done_cb(void *arg, Sa__Ha__Status *st)
{
	size_t i;

	(void)arg;
	for (i = 0; i < st->n_counters; i++)
		free(st->counters[i]);
	free(st->counters);
	st->counters = NULL;
	st->n_counters = 0;
}
