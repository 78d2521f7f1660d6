/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The primary's export of state: the one place where replicated bytes
 * leave. After each batch the mode says what was dirtied; the ranges are
 * packed from live memory into frames (one StateDelta, or several
 * when the batch exceeds RT_FRAME_DATA_MAX), so the copy is taken between
 * two batches and is consistent. A standby that (re)connects first gets a
 * snapshot the same way. Acks release held packets; a standby that stays
 * silent for ack_timeout is dropped and the primary goes on alone.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_debug.h>

#include "rt_ident.h"
#include "rt_log.h"
#include "rt_repl_priv.h"

/* Async commit sends once this much is buffered, or once the oldest
 * queued delta is about RT_ASYNC_FLUSH_US old (the next poll after): one
 * send per TX drain interval (100 us) cost a loopback primary a tenth of
 * its time in the kernel, and nothing waits for these acks. */
#define RT_SEND_BATCH_BYTES	(64u << 10)
#define RT_ASYNC_FLUSH_US	1000
/* Async commit also lets consecutive batches share one delta: their
 * dirty ranges accumulate and are packed at a later batch end (so the
 * delta is still the state between two batches), one MAC and one frame
 * for them all, a range written by several of them packed once. A delta
 * is cut once this many batches wait, the first of them waited
 * RT_ASYNC_FLUSH_US, the dirty log is half full, or an operator command
 * waits: the standby's state lags as long as the queued deltas did
 * before. */
#define RT_ASYNC_COALESCE_MAX	64u
#define RT_US_PER_S		1000000
/* Past this much unsent, the datapath waits for the socket: a primary
 * cannot outrun its replication stream for long. */
#define RT_SEND_HIGH_WATER	(64u << 20)
#define RT_VERIFY_BLOCK_MIN	4096u
#define RT_NS_PER_MS		UINT64_C(1000000)
/* Reads of the standby's unread acks before closing (send_bye). */
#define RT_BYE_DRAIN_MAX	16u

struct rt_cursor {
	const struct rt_range *r;
	unsigned int n;
	unsigned int i;
	uint64_t off;		/* into r[i] */
};

/* Packs the next frame's ranges from @p c, which are sorted and disjoint,
 * into e->blob (proto/replication.proto, RANGES). */
static void
cut_frame(struct rt_enc *e, struct rt_cursor *c)
{
	uint64_t room = RT_FRAME_DATA_MAX, take, addr, end = 0;
	uint8_t *p = e->blob;

	e->n_ranges = 0;
	e->range_bytes = 0;
	while (c->i < c->n && room > 0 && e->n_ranges < RT_FRAME_RANGES_MAX) {
		take = RTE_MIN(c->r[c->i].len - c->off, room);
		addr = c->r[c->i].addr + c->off;
		RTE_ASSERT(addr >= end && take > 0);
		p = rt_ranges_put(p, &end, addr,
				  (const void *)(uintptr_t)addr, take);
		e->n_ranges++;
		e->range_bytes += take;
		room -= take;
		c->off += take;
		if (c->off == c->r[c->i].len) {
			c->i++;
			c->off = 0;
		}
	}
	e->blob_len = (size_t)(p - e->blob);
}

/* Frames the ranges take: cut by data and by count as cut_frame() cuts
 * them, without packing. */
static unsigned int
count_frames(const struct rt_range *r, unsigned int n)
{
	uint64_t room = RT_FRAME_DATA_MAX, left, take;
	unsigned int frames = 1, k = 0, i;

	for (i = 0; i < n; i++) {
		for (left = r[i].len; left > 0; left -= take) {
			if (room == 0 || k == RT_FRAME_RANGES_MAX) {
				frames++;
				room = RT_FRAME_DATA_MAX;
				k = 0;
			}
			take = RTE_MIN(left, room);
			room -= take;
			k++;
		}
	}
	return frames;
}

static void
span_cb(void *arg, uint64_t addr, uint64_t len)
{
	struct rt_enc *e = arg;

	if (e->n_spans < e->cap_spans && len > 0) {
		e->spans[e->n_spans].addr = addr;
		e->spans[e->n_spans++].len = len;
	}
}

/* Every span of replicated memory, now. */
static const struct rt_range *
all_spans(struct rt_repl *r, unsigned int *n)
{
	r->enc->n_spans = 0;
	rt_rmap_walk(r->rmap, span_cb, r->enc);
	*n = r->enc->n_spans;
	return r->enc->spans;
}

static int
digest_reserve(struct rt_enc *e, unsigned int n)
{
	Sa__Repl__Digest *d;
	Sa__Repl__Digest **p;

	if (n <= e->cap_dig)
		return 0;
	d = realloc(e->dig, n * sizeof(*d));
	if (d != NULL)
		e->dig = d;
	p = realloc(e->digp, n * sizeof(*p));
	if (p != NULL)
		e->digp = p;
	if (d == NULL || p == NULL)
		return -ENOMEM;
	e->cap_dig = n;
	return 0;
}

/* --verify-replica: a hash per block of replicated memory, blocks as
 * small as the digest budget allows. @return the number of digests. */
static unsigned int
make_digests(struct rt_repl *r)
{
	struct rt_enc *e = r->enc;
	uint64_t block = RT_VERIFY_BLOCK_MIN, total, off, len;
	const struct rt_range *s;
	unsigned int n_spans, i, k = 0;

	total = rt_rmap_total(r->rmap);
	while (total / block + r->rmap->n_regions + 1 > RT_VERIFY_DIGESTS_MAX)
		block *= 2;
	if (digest_reserve(e, RT_VERIFY_DIGESTS_MAX) < 0)
		return 0;
	s = all_spans(r, &n_spans);
	for (i = 0; i < n_spans; i++) {
		for (off = 0; off < s[i].len && k < RT_VERIFY_DIGESTS_MAX;
		     off += len) {
			len = RTE_MIN(block, s[i].len - off);
			sa__repl__digest__init(&e->dig[k]);
			e->dig[k].addr = s[i].addr + off;
			e->dig[k].len = (uint32_t)len;
			e->dig[k].hash = rt_ident_hash(
				(const void *)(uintptr_t)(s[i].addr + off), len);
			e->digp[k] = &e->dig[k];
			k++;
		}
	}
	return k;
}

static void
note_sent(struct rt_repl *r, long bytes, int snapshot)
{
	if (r->seq == r->acked)
		r->wait_since_tsc = r->now_tsc;
	r->seq++;
	r->stats->frames++;
	r->stats->wire_bytes += (uint64_t)bytes;
	if (snapshot)
		r->stats->sync_wire_bytes += (uint64_t)bytes;
}

static long
put_delta(struct rt_repl *r, int more, unsigned int n_dig)
{
	Sa__Repl__StateDelta d = SA__REPL__STATE_DELTA__INIT;

	d.epoch = r->epoch;
	d.seq = r->seq + 1;
	d.input_count = r->input_count;
	d.clock_ns = r->clock_ns;
	d.input_marker = r->input_marker;
	d.ranges.data = r->enc->blob;
	d.ranges.len = r->enc->blob_len;
	d.more = more;
	d.n_digests = more ? 0 : n_dig;
	d.digests = r->enc->digp;
	d.n_commands = more ? 0 : r->cmds.n;	/* run before the ranges */
	d.commands = r->cmds.ptr;
	return rt_chan_put_msg(&r->chan, &r->auth, RT_MSG_DELTA, &d.base);
}

static long
put_chunk(struct rt_repl *r, unsigned int index, unsigned int count)
{
	Sa__Repl__SnapshotChunk c = SA__REPL__SNAPSHOT_CHUNK__INIT;

	c.epoch = r->epoch;
	c.seq = r->seq + 1;
	c.index = index;
	c.count = count;
	c.ranges.data = r->enc->blob;
	c.ranges.len = r->enc->blob_len;
	c.input_count = r->input_count;
	c.clock_ns = r->clock_ns;
	c.input_marker = r->input_marker;
	return rt_chan_put_msg(&r->chan, &r->auth, RT_MSG_SNAPSHOT, &c.base);
}

/* Packs @p n ranges as one batch: deltas, or the chunks of a snapshot.
 * @return 0 or -errno (the session is then broken). */
static int
send_ranges(struct rt_repl *r, int snapshot, const struct rt_range *rg,
	    unsigned int n, unsigned int n_dig)
{
	struct rt_cursor c = { .r = rg, .n = n };
	unsigned int frames = count_frames(rg, n), f;
	struct rt_enc *e = r->enc;
	long ret;

	for (f = 0; f < frames; f++) {
		cut_frame(e, &c);
		ret = snapshot ? put_chunk(r, f, frames) :
				 put_delta(r, f + 1 < frames, n_dig);
		if (ret < 0)
			return (int)ret;
		note_sent(r, ret, snapshot);
		if (snapshot) {
			r->stats->snapshot_bytes += e->range_bytes;
		} else {
			r->stats->deltas++;
			r->stats->ranges += e->n_ranges;
			r->stats->range_bytes += e->range_bytes;
		}
	}
	return 0;
}

/* Tells a standby dropped on purpose that this primary lives on (see
 * Bye in proto/replication.proto), best effort: what the socket takes
 * now. What the standby sent is read first, so the close sends a FIN
 * after the Bye, not a reset that would discard it. */
static void
send_bye(struct rt_repl *r, const char *why)
{
	Sa__Repl__Bye b = SA__REPL__BYE__INIT;
	unsigned int i;

	b.epoch = r->epoch;
	b.reason = (char *)(uintptr_t)why;
	if (rt_chan_put_msg(&r->chan, &r->auth, RT_MSG_BYE, &b.base) < 0 ||
	    rt_chan_flush(&r->chan) != 0)
		return;
	r->stats->byes++;
	for (i = 0; i < RT_BYE_DRAIN_MAX && rt_chan_fill(&r->chan) > 0; i++)
		rt_chan_consume(&r->chan, rt_chan_ravail(&r->chan));
}

/* The standby is gone or silent: go on alone, try again later. */
static void
drop_standby(struct rt_repl *r, const char *why, int on_purpose)
{
	unsigned int released = rt_commit_release_all(r->commit, r->tx,
							 r->tx_arg);

	r->released += released;
	if (on_purpose && r->sess == RT_SESS_UP)
		send_bye(r, why);
	/* A standby that is not there yet is retried quietly. */
	if (r->sess == RT_SESS_UP) {
		RT_LOG(WARNING, "standby %s: %s; continuing without it (%u "
		       "held packets released), reconnecting every %" PRIu64
		       " ms\n", r->conf.addr_text, why, released,
		       r->conf.reconnect_ns / RT_NS_PER_MS);
		r->stats->disconnects++;
	} else {
		RT_LOG(DEBUG, "standby %s: %s\n", r->conf.addr_text, why);
	}
	rt_chan_close(&r->chan);
	rt_wire_auth_end_session(&r->auth);
	r->sess = RT_SESS_DOWN;
	r->sync = RT_SYNC_NONE;
	r->holding = 0;
	r->next_connect_tsc = r->now_tsc + r->reconnect_tsc;
}

/* Between two batches: everything, as the snapshot the standby starts
 * from; then the mode forgets what is dirty. off sends an empty one. */
static int
send_snapshot(struct rt_repl *r)
{
	const struct rt_range *s = NULL;
	unsigned int n = 0;
	int ret;

	if (r->conf.mode != RT_REPL_OFF)
		s = all_spans(r, &n);
	ret = send_ranges(r, 1, s, n, 0);
	if (ret < 0)
		return ret;
	r->snapshot_seq = r->seq;
	r->sync = RT_SYNC_SYNCING;
	r->stats->snapshots++;
	r->mode.ops->reset(&r->mode);
	rt_dirty_reset();
	r->coalesced = 0;
	r->cmds.n = 0;		/* what they did is in the snapshot */
	RT_LOG(INFO, "standby %s: sending a snapshot of %" PRIu64 " bytes "
	       "(frames %" PRIu32 "..%" PRIu32 ")\n", r->conf.addr_text,
	       r->stats->snapshot_bytes, r->acked + 1, r->seq);
	return 0;
}

/* When the frames just queued leave. Async: in bulk, by size or at the
 * first service RT_ASYNC_FLUSH_US after the last (exchange_due). Sync: at once when the pipeline was idle (the batch's
 * packets wait for this very ack); behind earlier batches they join the
 * next service, so one send and one ack cover several batches. */
static void
send_policy(struct rt_repl *r, int pipeline_idle)
{
	size_t pending = rt_chan_pending(&r->chan);
	int ret;

	if (pending < RT_SEND_BATCH_BYTES &&
	    (r->conf.commit == RT_COMMIT_ASYNC || !pipeline_idle))
		return;
	ret = rt_chan_flush(&r->chan);
	while ((ret == 0 || ret == -EAGAIN) &&
	       rt_chan_pending(&r->chan) > RT_SEND_HIGH_WATER) {
		r->stats->backpressure_stalls++;
		if (rt_chan_wait(&r->chan, 1, (int)(r->conf.ack_timeout_ns /
						    RT_NS_PER_MS)) <= 0) {
			drop_standby(r, "not reading (send buffer full)", 1);
			return;
		}
		ret = rt_chan_flush(&r->chan);
	}
	if (ret != 0 && ret != -EAGAIN)
		drop_standby(r, "connection lost while sending", 0);
}

/* Async: whether the batch just ended leaves its state to a later
 * delta (RT_ASYNC_COALESCE_MAX). */
static int
delta_waits(struct rt_repl *r)
{
	if (r->conf.commit != RT_COMMIT_ASYNC)
		return 0;
	if (r->coalesced++ == 0)
		r->coalesce_since_tsc = r->now_tsc;
	return r->coalesced < RT_ASYNC_COALESCE_MAX && r->cmds.n == 0 &&
	       r->now_tsc - r->coalesce_since_tsc < r->async_flush_tsc &&
	       rt_dirty_pending() < RT_DIRTY_LOG_MAX / 2;
}

/* The delta of the batches ended since the last one, packed from live
 * memory now, between two batches. */
static void
send_delta(struct rt_repl *r)
{
	const struct rt_range *rg;
	unsigned int n, n_dig = 0;
	int all = 0, ret, idle;

	r->coalesced = 0;
	n = r->mode.ops->collect(&r->mode, &rg, &all);
	if (all) {
		rg = all_spans(r, &n);
		r->stats->full_batches++;
	}
	if (r->conf.verify)
		n_dig = make_digests(r);
	ret = send_ranges(r, 0, rg, n, n_dig);
	r->stats->commands += ret < 0 ? 0 : r->cmds.n;
	r->cmds.n = 0;
	if (ret < 0) {
		drop_standby(r, "cannot queue a delta", 1);
		return;
	}
	idle = rt_commit_waiting(r->commit) == 0;
	if (r->holding) {
		rt_commit_seal(r->commit, r->seq);
		r->stats->held_batches++;
		r->holding = 0;
	}
	send_policy(r, idle);
}

void
rt_primary_batch_end(struct rt_repl *r, uint64_t input_count,
		     uint64_t clock_ns)
{
	r->input_count = input_count;
	r->clock_ns = clock_ns;
	if (r->sess != RT_SESS_UP) {
		/* No standby: keep the hook log from filling up; the next
		 * session starts with a snapshot anyway. */
		rt_dirty_reset();
		r->cmds.n = 0;
		r->coalesced = 0;
		return;
	}
	r->stats->batches++;
	if (!delta_waits(r))
		send_delta(r);
}

static int
take_ack(struct rt_repl *r, const struct rt_wire_frame *f)
{
	Sa__Repl__Ack *a;
	enum rt_reject why = RT_REJECT_NONE;

	a = f->type == RT_MSG_ACK ?
	    sa__repl__ack__unpack(NULL, f->len, f->payload) : NULL;
	if (f->type != RT_MSG_ACK)
		why = RT_REJECT_UNEXPECTED;
	else if (a == NULL)
		why = RT_REJECT_MALFORMED;
	else if (a->epoch != r->epoch)
		why = RT_REJECT_BAD_EPOCH;
	else if (!rt_seq_lt(r->acked, a->seq) || !rt_seq_le(a->seq, r->seq))
		why = RT_REJECT_BAD_SEQ;
	if (why != RT_REJECT_NONE) {
		sa__repl__ack__free_unpacked(a, NULL);
		rt_repl_reject(r, why, "ack");
		return -EPROTO;
	}
	r->acked = a->seq;
	r->stats->acks++;
	r->wait_since_tsc = r->now_tsc;
	if (a->verify_mismatches > r->peer_mismatches) {
		RT_LOG(ERR, "standby reports %" PRIu64 " replica mismatches "
		       "so far (see its log)\n", a->verify_mismatches);
		r->peer_mismatches = a->verify_mismatches;
	}
	sa__repl__ack__free_unpacked(a, NULL);
	if (r->sync == RT_SYNC_SYNCING && rt_seq_le(r->snapshot_seq, r->acked)) {
		r->sync = RT_SYNC_SYNCED;
		RT_LOG(INFO, "standby %s synced (epoch %" PRIu64 ")\n",
		       r->conf.addr_text, r->epoch);
	}
	return 0;
}

/* Reads what the standby sent: its Hello, then acks. */
static int
read_frames(struct rt_repl *r)
{
	struct rt_wire_frame f;
	long got;
	int ret;

	for (;;) {
		got = rt_chan_fill(&r->chan);
		while ((ret = rt_repl_next_frame(r, &f)) > 0) {
			if (r->sess == RT_SESS_HELLO) {
				if (rt_hello_take(r, &f) < 0 ||
				    send_snapshot(r) < 0)
					return -EPROTO;
				r->sess = RT_SESS_UP;
				r->stats->connects++;
				continue;
			}
			if (take_ack(r, &f) < 0)
				return -EPROTO;
		}
		if (ret < 0)
			return -EPROTO;
		if (got == -EAGAIN)
			return 0;
		if (got < 0)
			return (int)got;
	}
}

static void
try_connect(struct rt_repl *r)
{
	int ret;

	if (r->sess == RT_SESS_DOWN) {
		if (!r->may_connect || r->now_tsc < r->next_connect_tsc)
			return;
		r->next_connect_tsc = r->now_tsc + r->reconnect_tsc;
		if (rt_chan_connect(&r->chan, &r->conf.addr,
				    r->conf.addr_len) < 0)
			return;
		r->sess = RT_SESS_CONNECTING;
		r->wait_since_tsc = r->now_tsc;
	}
	ret = rt_chan_connect_done(&r->chan);
	if (ret == 0)
		return;
	if (ret < 0 || rt_hello_send(r) < 0) {
		rt_chan_close(&r->chan);
		r->sess = RT_SESS_DOWN;
		return;
	}
	r->sess = RT_SESS_HELLO;
	r->seq = r->acked = 0;
	r->wait_since_tsc = r->now_tsc;
}

static int
silent_too_long(const struct rt_repl *r)
{
	int waiting = r->sess == RT_SESS_HELLO || r->seq != r->acked ||
		      r->sess == RT_SESS_CONNECTING;

	return waiting && r->now_tsc > r->wait_since_tsc &&
	       r->now_tsc - r->wait_since_tsc > r->ack_timeout_tsc;
}

/* Sends what is queued and reads what the standby sent; a broken
 * connection drops the standby. */
static void
exchange(struct rt_repl *r, int wait_ms)
{
	size_t before = rt_chan_pending(&r->chan);
	int ret = rt_chan_flush(&r->chan);

	/* While a snapshot streams out, progress is bytes, not acks. */
	if (rt_chan_pending(&r->chan) < before && r->sync != RT_SYNC_SYNCED)
		r->wait_since_tsc = r->now_tsc;
	if (ret != 0 && ret != -EAGAIN) {
		drop_standby(r, "connection lost", 0);
		return;
	}
	if (wait_ms > 0)
		rt_chan_wait(&r->chan, rt_chan_pending(&r->chan) > 0, wait_ms);
	ret = read_frames(r);
	if (ret < 0) {
		/* A standby that misbehaves is dropped on purpose: the Bye
		 * tells it this primary lives (it must not take over). */
		drop_standby(r, ret == -EPIPE ? "closed the connection" :
			     ret == -EPROTO ? "refused or misbehaved" :
			     "connection lost", ret == -EPROTO);
		return;
	}
	if (rt_chan_pending(&r->chan) > 0)
		rt_chan_flush(&r->chan);
}

/* Whether this poll sends and reads: always, but in a synced async
 * session, where deltas leave in bulk (RT_ASYNC_FLUSH_US). */
static int
exchange_due(struct rt_repl *r, int wait_ms)
{
	if (r->sess == RT_SESS_UP && r->sync == RT_SYNC_SYNCED &&
	    r->conf.commit == RT_COMMIT_ASYNC && wait_ms == 0 &&
	    r->now_tsc - r->exchanged_tsc < r->async_flush_tsc)
		return 0;
	r->exchanged_tsc = r->now_tsc;
	return 1;
}

unsigned int
rt_primary_poll(struct rt_repl *r, int wait_ms)
{
	unsigned int released;

	r->released = 0;
	if (r->sess == RT_SESS_DOWN || r->sess == RT_SESS_CONNECTING)
		try_connect(r);
	/* Traffic paused: coalesced batches do not wait for the next. */
	if (r->coalesced > 0 &&
	    r->now_tsc - r->coalesce_since_tsc >= r->async_flush_tsc)
		rt_primary_delta_now(r);
	if ((r->sess == RT_SESS_HELLO || r->sess == RT_SESS_UP) &&
	    exchange_due(r, wait_ms))
		exchange(r, wait_ms);
	if (r->sess != RT_SESS_DOWN && silent_too_long(r)) {
		if (r->sess != RT_SESS_CONNECTING)
			r->stats->ack_timeouts++;
		drop_standby(r, "silent past ack_timeout", 1);
	}
	released = rt_commit_release(r->commit, r->acked, r->tx, r->tx_arg);
	return r->released + released;
}

void
rt_primary_delta_now(struct rt_repl *r)
{
	if (r->sess == RT_SESS_UP && r->coalesced > 0)
		send_delta(r);
}

int
rt_primary_init(struct rt_repl *r)
{
	int ret;

	r->enc = calloc(1, sizeof(*r->enc));
	if (r->enc == NULL)
		return -ENOMEM;
	r->enc->blob = malloc(RT_ENC_BLOB_MAX);
	if (r->enc->blob == NULL)
		return -ENOMEM;
	r->enc->cap_spans = r->rmap->n_regions + 1;
	r->enc->spans = calloc(r->enc->cap_spans, sizeof(*r->enc->spans));
	if (r->enc->spans == NULL)
		return -ENOMEM;
	r->commit = rt_commit_create();
	if (r->commit == NULL)
		return -ENOMEM;
	ret = rt_mode_init(&r->mode, r->conf.mode, r->rmap, r->conf.verify,
			   r->stats);
	if (ret < 0)
		return ret;
	r->may_connect = 1;
	r->next_connect_tsc = 0;
	r->async_flush_tsc = r->hz * RT_ASYNC_FLUSH_US / RT_US_PER_S;
	RT_LOG(INFO, "primary: replicating to %s, --replicate %s (%s), "
	       "--commit %s, epoch %" PRIu64 "\n", r->conf.addr_text,
	       rt_repl_mode_name(r->conf.mode), r->mode.ops->name,
	       r->conf.commit == RT_COMMIT_SYNC ? "sync" : "async", r->epoch);
	return 0;
}

void
rt_primary_fini(struct rt_repl *r)
{
	if (r->commit != NULL) {
		rt_commit_drop_all(r->commit);
		rt_commit_free(r->commit);
		r->commit = NULL;
	}
	rt_mode_fini(&r->mode);
	if (r->enc != NULL) {
		free(r->enc->blob);
		free(r->enc->spans);
		free(r->enc->dig);
		free(r->enc->digp);
		free(r->enc);
		r->enc = NULL;
	}
}
