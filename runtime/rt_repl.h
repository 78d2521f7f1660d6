/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_REPL_H
#define RT_REPL_H

/*
 * Replication between a PRIMARY and a STANDBY sa-runtime (DESIGN.md 4.3;
 * wire format in proto/replication.proto). The datapath lcore drives it:
 * the primary calls rt_repl_batch_begin()/rt_repl_batch_end() around each
 * RX batch and rt_repl_poll() to service the channel; the standby only
 * polls (it processes no packets) until rt_repl_promote(). Single-threaded
 * by design: no locks, no hand-off, nothing shared with other threads.
 */

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>

#include "rt_apply.h"
#include "rt_commit.h"
#include "rt_ident.h"
#include "rt_mode.h"
#include "rt_repl_stats.h"
#include "rt_rmap.h"

enum rt_role {
	RT_ROLE_SOLO = 0,
	RT_ROLE_PRIMARY,
	RT_ROLE_STANDBY,
};

enum rt_commit_mode {
	RT_COMMIT_SYNC = 0,	/* hold a batch's TX until its ack */
	RT_COMMIT_ASYNC,	/* transmit at once */
};

struct rt_repl_conf {
	enum rt_role role;
	enum rt_repl_mode mode;
	enum rt_commit_mode commit;
	int verify;			/* --verify-replica */
	const char *addr_text;		/* --peer or --listen */
	struct sockaddr_storage addr;
	socklen_t addr_len;
	const char *key_file;		/* [replication] key_file */
	uint64_t ack_timeout_ns;	/* [replication] ack_timeout */
	uint64_t reconnect_ns;		/* [replication] reconnect */
	uint64_t epoch;			/* starting epoch (in memory) */
	/* Standby: where to replicate once promoted (--peer beside
	 * --listen: the other node's listen address, so the pair fails
	 * back); NULL: a promoted standby runs alone. */
	const char *promote_addr_text;
	struct sockaddr_storage promote_addr;
	socklen_t promote_addr_len;
};

struct rt_repl;

/**
 * Sets up replication for role primary or standby: loads the key, starts
 * the mode's tracking (primary) or listens (standby).
 * @return 0 or -errno (logged).
 */
int rt_repl_create(const struct rt_repl_conf *conf, const struct rt_rmap *m,
		   const struct rt_ident *id, struct rt_repl_stats *stats,
		   struct rt_repl **out);

/** How packets whose TX was held (sync commit) are sent when released;
 *  set by the datapath before its first batch. */
void rt_repl_set_tx(struct rt_repl *r, rt_commit_tx_fn tx, void *arg);

/** Closes the channel, releases held packets, frees; NULL is ignored. */
void rt_repl_free(struct rt_repl *r);

enum rt_role rt_repl_role(const struct rt_repl *r);

/**
 * Before an RX batch: *hold is where the batch's packets must wait for
 * their ack (sync commit with a synced standby), or NULL to transmit.
 * @return 0, or -EAGAIN when RT_COMMIT_DEPTH batches already wait: do not
 *   receive now, poll.
 */
int rt_repl_batch_begin(struct rt_repl *r, struct rt_commit_batch **hold);

/** After an RX batch (and after a tick that may have changed state):
 *  sends the batch's delta. @p input_count counts packets received so
 *  far, @p clock_ns is sa_now_ns(). */
void rt_repl_batch_end(struct rt_repl *r, uint64_t input_count,
		       uint64_t clock_ns);

/**
 * Primary: operator command @p line succeeded at input position
 * @p input_count; it goes to the standby with the next delta (without a
 * session it is dropped: the next session starts with a snapshot).
 * Call rt_repl_command_room() before running the command.
 * @return 0, or -ENOMEM.
 */
int rt_repl_command(struct rt_repl *r, uint64_t input_count,
		    const char *line);

/** Primary: whether one more command fits the next delta. */
int rt_repl_command_room(const struct rt_repl *r);

/** Standby: how the replicated commands are run (rt_apply). */
void rt_repl_set_command(struct rt_repl *r, rt_apply_cmd_fn fn, void *arg);

/** The input marker of the last packet received (rt_loop_pkt_marker),
 *  carried by the next StateDelta or snapshot. */
void rt_repl_set_marker(struct rt_repl *r, uint64_t marker);

/** True once the primary's standby is synced (the session is up and the
 *  snapshot acknowledged). */
int rt_repl_synced(const struct rt_repl *r);

/** True when so many batches wait for their acks that the datapath should
 *  poll each iteration, not only on the service interval. */
int rt_repl_urgent(const struct rt_repl *r);

/**
 * Services the channel: connects or accepts, exchanges Hellos, sends the
 * snapshot, reads acks (primary) or frames to apply (standby), enforces
 * the ack timeout. May block up to @p wait_ms waiting for the peer.
 * @return the number of held packets released (the caller drains TX).
 */
unsigned int rt_repl_poll(struct rt_repl *r, uint64_t now_tsc, int wait_ms);

/** The socket a standby's rt_repl_poll() would wait on, for a caller
 *  that waits on it with others and then polls with wait_ms 0.
 *  @return 1 with @p p filled, 0 when there is none. */
int rt_repl_pollfd(const struct rt_repl *r, struct pollfd *p);

/** Async commit: the batches whose state waits for a later delta (see
 *  README, Replication) get it now; nothing else leaves. */
void rt_repl_delta_now(struct rt_repl *r);

/**
 * Puts every queued frame on the socket now (the coalesced batches' delta
 * included), waiting up to @p wait_ms for
 * room; reads nothing, so no ack is taken and nothing is released (the
 * --test-kill-at-batch hook: a delta sent, its TX still held).
 * @return 0 when nothing is left queued, -EAGAIN, or -errno.
 */
int rt_repl_flush(struct rt_repl *r, int wait_ms);

/** Before exit: waits up to ack_timeout for the acks of held batches and
 *  releases them; unacknowledged packets are then dropped at free. */
void rt_repl_shutdown(struct rt_repl *r);

struct rt_promotion {
	uint64_t epoch;		/* raised */
	uint64_t input_count;	/* of the last batch applied */
	uint64_t clock_ns;	/* the primary's clock then */
	uint64_t clock_tsc;	/* local TSC when it was applied */
	uint64_t input_marker;	/* its StateDelta.input_marker */
};

/**
 * Standby: applies every complete delta already received, drops the
 * connection, raises the epoch and becomes a primary without peer.
 * @return 0; -EINVAL (not a standby), -EAGAIN (bulk sync unfinished:
 *   never promoted), with *why for the reply.
 */
int rt_repl_promote(struct rt_repl *r, struct rt_promotion *p,
		    const char **why);

/** Raises the epoch to @p epoch if that is higher (the HA daemon's
 *  persisted epoch at promotion). */
void rt_repl_raise_epoch(struct rt_repl *r, uint64_t epoch);

struct rt_repl_status {
	enum rt_role role;
	uint64_t epoch;
	uint32_t seq;
	uint32_t acked;
	uint64_t input_count;
	int sync;		/* enum rt_sync */
	int connected;
	uint64_t input_marker;	/* of input_count's last packet */
	uint64_t applied_tsc;	/* standby: TSC of the last batch applied */
};

void rt_repl_status(const struct rt_repl *r, struct rt_repl_status *st);

#endif /* RT_REPL_H */
