/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The standby's session: listens, takes one primary at a time, answers
 * its Hello, hands every frame to rt_apply (the import) and acknowledges
 * each batch or snapshot once applied. It processes no packets: its RX
 * queues are not polled until promotion (see README, Replication).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>

#include "rt_log.h"
#include "rt_repl_priv.h"

static void
end_session(struct rt_repl *r, const char *why)
{
	if (r->sess == RT_SESS_UP) {
		r->stats->disconnects++;
		RT_LOG(WARNING, "primary connection ended: %s (state as of "
		       "input packet %" PRIu64 ", %s)\n", why,
		       r->apply.input_count,
		       r->apply.sync == RT_SYNC_SYNCED ? "synced" :
		       r->apply.sync == RT_SYNC_SYNCING ?
		       "snapshot unfinished: not promotable" :
		       r->apply.sync == RT_SYNC_STALE ? "stale" :
		       "never synced");
	}
	rt_apply_end_session(&r->apply);
	rt_chan_close(&r->chan);
	rt_wire_auth_end_session(&r->auth);
	r->sess = RT_SESS_DOWN;
}

static int
send_ack(struct rt_repl *r)
{
	Sa__Repl__Ack a = SA__REPL__ACK__INIT;
	long ret;

	a.epoch = r->epoch;
	a.seq = r->apply.done_seq;
	a.verify_mismatches = r->apply.verify_mismatches;
	ret = rt_chan_put_msg(&r->chan, &r->auth, RT_MSG_ACK, &a.base);
	if (ret < 0)
		return (int)ret;
	r->stats->acks++;
	r->stats->frames++;
	r->stats->wire_bytes += (uint64_t)ret;
	return 0;
}

static int
take_frame(struct rt_repl *r, const struct rt_wire_frame *f)
{
	enum rt_reject why;
	int ret;

	if (r->sess == RT_SESS_HELLO) {
		/* Answer first, so the primary can log a refusal too. */
		if (rt_hello_send(r) < 0)
			return -EIO;
		rt_chan_flush(&r->chan);
		if (rt_hello_take(r, f) < 0)
			return -EPROTO;
		rt_apply_session(&r->apply, r->epoch);
		r->sess = RT_SESS_UP;
		r->stats->connects++;
		RT_LOG(INFO, "primary connected (epoch %" PRIu64 ")\n",
		       r->epoch);
		return 0;
	}
	ret = rt_apply_frame(&r->apply, f, &why);
	if (ret == RT_APPLY_BYE)
		return -ESHUTDOWN;
	if (ret < 0) {
		rt_repl_reject(r, why, "frame");
		return -EPROTO;
	}
	if (r->apply.done)
		r->apply_tsc = rte_rdtsc();
	return 0;
}

/* Applies every complete frame received so far; acks once at the end.
 * @return 0, or -errno when the session must end. */
static int
drain(struct rt_repl *r)
{
	struct rt_wire_frame f;
	long got;
	int ret;

	do {
		got = rt_chan_fill(&r->chan);
		while ((ret = rt_repl_next_frame(r, &f)) > 0) {
			ret = take_frame(r, &f);
			if (ret < 0)
				return ret == -ESHUTDOWN ? ret : -EPROTO;
		}
		if (ret < 0)
			return -EPROTO;
	} while (got > 0);
	if (r->apply.done) {
		r->apply.done = 0;
		if (send_ack(r) < 0)
			return -EIO;
	}
	ret = rt_chan_flush(&r->chan);
	if (ret != 0 && ret != -EAGAIN)
		return ret;
	if (got == -EPIPE && rt_chan_ravail(&r->chan) > 0)
		rt_repl_reject(r, RT_REJECT_TRUNCATED, "connection end");
	return got == -EAGAIN ? 0 : (int)got;
}

void
rt_standby_poll(struct rt_repl *r, int wait_ms)
{
	int ret;

	if (r->role != RT_ROLE_STANDBY)
		return;
	if (wait_ms > 0)
		rt_chan_wait(&r->chan, 0, wait_ms);
	ret = rt_chan_accept(&r->chan);
	if (ret == 2)
		r->stats->busy_refused++;
	if (ret == 1) {
		r->sess = RT_SESS_HELLO;
		r->wait_since_tsc = r->now_tsc;
	}
	if (r->chan.fd < 0)
		return;
	ret = drain(r);
	if (ret < 0)
		end_session(r, ret == -EPIPE ? "closed by the primary" :
			    ret == -ESHUTDOWN ? "dropped by the primary" :
			    ret == -EPROTO ? "refused or bad frame" :
			    strerror(-ret));
	else if (r->sess == RT_SESS_HELLO && r->now_tsc > r->wait_since_tsc &&
		 r->now_tsc - r->wait_since_tsc > r->ack_timeout_tsc)
		end_session(r, "no Hello");
}

/* A promoted standby replicates to the other node once that returns as a
 * standby (fail-back), when it was given its address; else it runs
 * alone. Its first session starts with a snapshot, as any primary's. */
static void
export_side(struct rt_repl *r)
{
	int ret;

	if (r->conf.promote_addr_text == NULL)
		return;
	r->conf.addr = r->conf.promote_addr;
	r->conf.addr_len = r->conf.promote_addr_len;
	r->conf.addr_text = r->conf.promote_addr_text;
	ret = rt_primary_init(r);
	if (ret < 0) {
		RT_LOG(ERR, "promoted: cannot replicate to %s: %s; running "
		       "alone\n", r->conf.addr_text, strerror(-ret));
		rt_primary_fini(r);
		r->may_connect = 0;
	}
}

int
rt_standby_promote(struct rt_repl *r, struct rt_promotion *p,
		   const char **why)
{
	if (r->role != RT_ROLE_STANDBY) {
		*why = "not a standby";
		return -EINVAL;
	}
	/* Finish applying what has arrived; a partial batch is dropped. */
	if (r->chan.fd >= 0 && r->sess == RT_SESS_UP && drain(r) < 0)
		RT_LOG(WARNING, "promotion: the primary's last frames were "
		       "unusable\n");
	if (r->apply.sync == RT_SYNC_SYNCING) {
		*why = "bulk sync unfinished: state incomplete";
		return -EAGAIN;
	}
	end_session(r, "promoted");
	rt_chan_fini(&r->chan);
	rt_chan_init(&r->chan);
	r->role = RT_ROLE_PRIMARY;
	r->may_connect = 0;
	r->epoch++;
	r->stats->promotions++;
	p->epoch = r->epoch;
	p->input_count = r->apply.input_count;
	p->clock_ns = r->apply.clock_ns;
	p->clock_tsc = r->apply_tsc;
	p->input_marker = r->apply.input_marker;
	r->input_count = p->input_count;
	r->input_marker = p->input_marker;
	RT_LOG(NOTICE, "promoted to primary: epoch %" PRIu64 ", state as of "
	       "input packet %" PRIu64 "\n", r->epoch, p->input_count);
	export_side(r);
	return 0;
}

int
rt_standby_init(struct rt_repl *r)
{
	int ret;

	rt_apply_init(&r->apply, r->rmap, r->stats);
	ret = rt_chan_listen(&r->chan, &r->conf.addr, r->conf.addr_len);
	if (ret < 0)
		return ret;
	RT_LOG(INFO, "standby: listening on %s for the primary; RX is not "
	       "polled until promotion\n", r->conf.addr_text);
	return 0;
}

void
rt_standby_fini(struct rt_repl *r)
{
	rt_apply_fini(&r->apply);
}
