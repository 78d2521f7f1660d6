/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "rt_log.h"
#include "rt_repl_priv.h"

#define RT_NS_PER_S		1000000000ULL
/* Rejections logged per process; the rest are counted. */
#define RT_REJECT_LOG_MAX	20
#define RT_SHUTDOWN_WAIT_MS	1
#define RT_NS_PER_MS		1000000ULL
/* Commands a fresh command log has room for. */
#define RT_CMD_LOG_MIN		8

static unsigned int rt_rejects_logged;

void
rt_repl_reject(struct rt_repl *r, enum rt_reject why, const char *what)
{
	r->stats->reject[why]++;
	if (rt_rejects_logged++ < RT_REJECT_LOG_MAX)
		RT_LOG(WARNING, "replication: rejected %s from %s: %s\n", what,
		       r->role == RT_ROLE_STANDBY ? "the primary" :
		       "the standby", rt_reject_name(why));
}

int
rt_repl_next_frame(struct rt_repl *r, struct rt_wire_frame *f)
{
	enum rt_reject why = RT_REJECT_NONE;
	int ret;

	ret = rt_wire_open(&r->auth, rt_chan_rdata(&r->chan),
			   rt_chan_ravail(&r->chan), f, &why);
	if (ret == -EAGAIN)
		return 0;
	if (ret < 0) {
		rt_repl_reject(r, why, "a frame");
		return -1;
	}
	/* The payload stays valid until the next rt_chan_fill(). */
	rt_chan_consume(&r->chan, f->frame_len);
	return 1;
}

static uint64_t
ns_to_tsc(uint64_t hz, uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * hz / RT_NS_PER_S);
}

int
rt_repl_create(const struct rt_repl_conf *conf, const struct rt_rmap *m,
	       const struct rt_ident *id, struct rt_repl_stats *stats,
	       struct rt_repl **out)
{
	struct rt_repl *r = calloc(1, sizeof(*r));
	int ret;

	if (r == NULL)
		return -ENOMEM;
	r->conf = *conf;
	r->role = conf->role;
	r->rmap = m;
	r->id = id;
	r->stats = stats;
	r->epoch = conf->epoch;
	r->hz = rte_get_tsc_hz();
	r->ack_timeout_tsc = ns_to_tsc(r->hz, conf->ack_timeout_ns);
	r->reconnect_tsc = ns_to_tsc(r->hz, conf->reconnect_ns);
	rt_chan_init(&r->chan);
	ret = rt_wire_auth_load(&r->auth, conf->key_file);
	if (ret == 0)
		ret = r->role == RT_ROLE_PRIMARY ? rt_primary_init(r) :
						   rt_standby_init(r);
	if (ret < 0) {
		rt_repl_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

void
rt_repl_free(struct rt_repl *r)
{
	if (r == NULL)
		return;
	rt_primary_fini(r);
	rt_standby_fini(r);
	free(r->cmds.cmd);
	free(r->cmds.ptr);
	free(r->cmds.line);
	rt_chan_fini(&r->chan);
	rt_wire_auth_fini(&r->auth);
	free(r);
}

void
rt_repl_set_tx(struct rt_repl *r, rt_commit_tx_fn tx, void *arg)
{
	r->tx = tx;
	r->tx_arg = arg;
}

enum rt_role
rt_repl_role(const struct rt_repl *r)
{
	return r->role;
}

int
rt_repl_batch_begin(struct rt_repl *r, struct rt_commit_batch **hold)
{
	*hold = NULL;
	if (r->conf.commit != RT_COMMIT_SYNC || r->sess != RT_SESS_UP ||
	    r->sync != RT_SYNC_SYNCED)
		return 0;
	*hold = rt_commit_open(r->commit);
	if (*hold == NULL) {
		r->stats->commit_stalls++;
		return -EAGAIN;
	}
	r->holding = 1;
	return 0;
}

void
rt_repl_batch_end(struct rt_repl *r, uint64_t input_count, uint64_t clock_ns)
{
	r->now_tsc = rte_rdtsc();
	rt_primary_batch_end(r, input_count, clock_ns);
}

int
rt_repl_command_room(const struct rt_repl *r)
{
	return r->cmds.n < RT_CMD_BATCH_MAX;
}

static int
cmd_log_grow(struct rt_cmd_log *c)
{
	unsigned int cap = c->cap ? 2 * c->cap : RT_CMD_LOG_MIN, i;
	void *p;

	if (cap > RT_CMD_BATCH_MAX)
		return -ENOMEM;
	p = realloc(c->cmd, cap * sizeof(*c->cmd));
	if (p != NULL)
		c->cmd = p;
	p = p == NULL ? NULL : realloc(c->ptr, cap * sizeof(*c->ptr));
	if (p != NULL)
		c->ptr = p;
	p = p == NULL ? NULL : realloc(c->line, cap * sizeof(*c->line));
	if (p == NULL)
		return -ENOMEM;
	c->line = p;
	c->cap = cap;
	/* The arrays may have moved: point the entries again. */
	for (i = 0; i < c->n; i++) {
		c->cmd[i].line = c->line[i];
		c->ptr[i] = &c->cmd[i];
	}
	return 0;
}

int
rt_repl_command(struct rt_repl *r, uint64_t input_count, const char *line)
{
	struct rt_cmd_log *c = &r->cmds;
	unsigned int i;

	if (r->role != RT_ROLE_PRIMARY || r->sess != RT_SESS_UP)
		return 0;
	if (c->n == c->cap && cmd_log_grow(c) < 0)
		return -ENOMEM;
	i = c->n++;
	snprintf(c->line[i], sizeof(c->line[i]), "%s", line);
	sa__repl__command__init(&c->cmd[i]);
	c->cmd[i].input_count = input_count;
	c->cmd[i].line = c->line[i];
	c->ptr[i] = &c->cmd[i];
	return 0;
}

void
rt_repl_set_command(struct rt_repl *r, rt_apply_cmd_fn fn, void *arg)
{
	rt_apply_set_command(&r->apply, fn, arg);
}

void
rt_repl_set_marker(struct rt_repl *r, uint64_t marker)
{
	r->input_marker = marker;
}

int
rt_repl_synced(const struct rt_repl *r)
{
	return r->sess == RT_SESS_UP && r->sync == RT_SYNC_SYNCED;
}

int
rt_repl_urgent(const struct rt_repl *r)
{
	/* Half the window in flight: fetch acks now, not at the next
	 * service, or RX soon stalls. */
	return r->commit != NULL &&
	       rt_commit_waiting(r->commit) >= RT_COMMIT_DEPTH / 2;
}

unsigned int
rt_repl_poll(struct rt_repl *r, uint64_t now_tsc, int wait_ms)
{
	/* The caller's time may predate a batch end's: never go back. */
	if (now_tsc > r->now_tsc)
		r->now_tsc = now_tsc;
	if (r->role == RT_ROLE_STANDBY) {
		rt_standby_poll(r, wait_ms);
		return 0;
	}
	/* A promoted standby has no export side. */
	if (r->commit == NULL)
		return 0;
	return rt_primary_poll(r, wait_ms);
}

int
rt_repl_pollfd(const struct rt_repl *r, struct pollfd *p)
{
	return rt_chan_pollfd(&r->chan, 0, p);
}

void
rt_repl_delta_now(struct rt_repl *r)
{
	if (r->role == RT_ROLE_PRIMARY && r->commit != NULL)
		rt_primary_delta_now(r);
}

int
rt_repl_flush(struct rt_repl *r, int wait_ms)
{
	uint64_t end = rte_rdtsc() + ns_to_tsc(r->hz, (uint64_t)wait_ms *
					       RT_NS_PER_MS);
	int ret;

	if (r->sess != RT_SESS_UP)
		return 0;
	rt_repl_delta_now(r);
	while ((ret = rt_chan_flush(&r->chan)) == -EAGAIN &&
	       rte_rdtsc() < end)
		rt_chan_wait(&r->chan, 1, RT_SHUTDOWN_WAIT_MS);
	return ret;
}

void
rt_repl_shutdown(struct rt_repl *r)
{
	uint64_t end = rte_rdtsc() + r->ack_timeout_tsc;

	/* Give the acks of held batches a chance; what stays unacked is
	 * dropped, never sent without its state on the standby. */
	while (r->commit != NULL && rt_commit_waiting(r->commit) > 0 &&
	       r->sess == RT_SESS_UP && rte_rdtsc() < end)
		rt_repl_poll(r, rte_rdtsc(), RT_SHUTDOWN_WAIT_MS);
	/* Async deltas still queued, and the coalesced batches' one, leave
	 * now (best effort). */
	if (r->role == RT_ROLE_PRIMARY && r->sess == RT_SESS_UP) {
		rt_repl_delta_now(r);
		rt_chan_flush(&r->chan);
	}
}

int
rt_repl_promote(struct rt_repl *r, struct rt_promotion *p, const char **why)
{
	r->now_tsc = rte_rdtsc();
	return rt_standby_promote(r, p, why);
}

void
rt_repl_raise_epoch(struct rt_repl *r, uint64_t epoch)
{
	if (epoch > r->epoch)
		r->epoch = epoch;
}

void
rt_repl_status(const struct rt_repl *r, struct rt_repl_status *st)
{
	memset(st, 0, sizeof(*st));
	st->role = r->role;
	st->epoch = r->epoch;
	st->connected = r->sess == RT_SESS_UP;
	if (r->role == RT_ROLE_STANDBY) {
		st->seq = r->apply.seq;
		st->acked = r->apply.done_seq;
		st->input_count = r->apply.input_count;
		st->input_marker = r->apply.input_marker;
		st->applied_tsc = r->apply_tsc;
		st->sync = r->apply.sync;
	} else {
		st->seq = r->seq;
		st->acked = r->acked;
		st->input_count = r->input_count;
		st->input_marker = r->input_marker;
		st->sync = r->sync;
	}
}
