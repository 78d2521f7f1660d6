/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_REPL_PRIV_H
#define RT_REPL_PRIV_H

/* Layout of struct rt_repl, shared by rt_repl.c (common), rt_hello.c,
 * rt_primary.c (export) and rt_standby.c (import). */

#include "replication.pb-c.h"

#include "rt_apply.h"
#include "rt_chan.h"
#include "rt_cmd.h"
#include "rt_ranges.h"
#include "rt_repl.h"
#include "rt_wire.h"

enum rt_sess {
	RT_SESS_DOWN = 0,	/* no connection */
	RT_SESS_CONNECTING,	/* primary: TCP connect in progress */
	RT_SESS_HELLO,		/* connected, waiting for the peer's Hello */
	RT_SESS_UP,		/* Hellos done, session key in use */
};

/* Encoding scratch of the primary: one frame's packed ranges (rt_ranges)
 * and digests. */
#define RT_ENC_BLOB_MAX	(RT_FRAME_DATA_MAX + \
			 RT_FRAME_RANGES_MAX * RT_RANGES_ENTRY_OVERHEAD)

struct rt_enc {
	uint8_t *blob;			/* RT_ENC_BLOB_MAX bytes */
	size_t blob_len;
	unsigned int n_ranges;
	uint64_t range_bytes;
	Sa__Repl__Digest *dig;
	Sa__Repl__Digest **digp;
	unsigned int cap_dig;
	struct rt_range *spans;		/* all replicated memory */
	unsigned int n_spans;
	unsigned int cap_spans;
};

/* Primary: the operator commands run since the last delta, sent with
 * the next (proto/replication.proto, COMMANDS). */
struct rt_cmd_log {
	Sa__Repl__Command *cmd;
	Sa__Repl__Command **ptr;
	char (*line)[RT_CMD_LINE_MAX];
	unsigned int n;
	unsigned int cap;
};

struct rt_repl {
	struct rt_repl_conf conf;
	enum rt_role role;
	const struct rt_rmap *rmap;
	const struct rt_ident *id;
	struct rt_repl_stats *stats;
	struct rt_chan chan;
	struct rt_wire_auth auth;
	enum rt_sess sess;
	uint64_t epoch;
	uint8_t nonce[RT_WIRE_NONCE_LEN];	/* ours, this connection */
	uint64_t hz;
	uint64_t ack_timeout_tsc;
	uint64_t reconnect_tsc;
	uint64_t now_tsc;		/* of the current poll */
	uint64_t wait_since_tsc;	/* waiting for the peer since */
	uint64_t next_connect_tsc;
	uint64_t exchanged_tsc;		/* primary: last flush and read */
	uint64_t async_flush_tsc;	/* RT_ASYNC_FLUSH_US in TSC */
	unsigned int coalesced;		/* async: batches since the last
					 * delta, whose state waits for the
					 * next */
	uint64_t coalesce_since_tsc;	/* end of the first of them */
	unsigned int refusals_logged;
	unsigned int last_refusal;	/* enum rt_refuse */
	/* Primary (export). */
	int may_connect;		/* 1 once the export side is set up */
	enum rt_sync sync;		/* of our standby */
	struct rt_mode mode;
	struct rt_commit *commit;
	rt_commit_tx_fn tx;
	void *tx_arg;
	int holding;			/* the open commit batch is in use */
	unsigned int released;		/* held packets released this poll */
	uint32_t seq;			/* last frame sent */
	uint32_t acked;
	uint32_t snapshot_seq;		/* last frame of the snapshot */
	uint64_t input_count;
	uint64_t clock_ns;
	uint64_t input_marker;		/* of the last packet received */
	uint64_t peer_mismatches;	/* reported in acks */
	struct rt_enc *enc;
	struct rt_cmd_log cmds;
	/* Standby (import). */
	struct rt_apply apply;
	uint64_t apply_tsc;		/* when the last batch was applied */
};

/* rt_hello.c */
int rt_hello_send(struct rt_repl *r);
/** Checks the peer's Hello in @p f; on success derives the session key.
 *  @return 0, or -EPROTO (refused: counted and logged). */
int rt_hello_take(struct rt_repl *r, const struct rt_wire_frame *f);

/* rt_repl.c */
void rt_repl_reject(struct rt_repl *r, enum rt_reject why, const char *what);
int rt_repl_next_frame(struct rt_repl *r, struct rt_wire_frame *f);

/* rt_primary.c */
int rt_primary_init(struct rt_repl *r);
void rt_primary_fini(struct rt_repl *r);
void rt_primary_batch_end(struct rt_repl *r, uint64_t input_count,
			  uint64_t clock_ns);
unsigned int rt_primary_poll(struct rt_repl *r, int wait_ms);
void rt_primary_delta_now(struct rt_repl *r);

/* rt_standby.c */
int rt_standby_init(struct rt_repl *r);
void rt_standby_fini(struct rt_repl *r);
void rt_standby_poll(struct rt_repl *r, int wait_ms);
int rt_standby_promote(struct rt_repl *r, struct rt_promotion *p,
		       const char **why);

#endif /* RT_REPL_PRIV_H */
