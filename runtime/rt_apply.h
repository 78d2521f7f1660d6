/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_APPLY_H
#define RT_APPLY_H

/*
 * The standby's import of state: the one place where replicated bytes are
 * written. Each frame, already opened by rt_wire (length, version, type,
 * HMAC), is checked in the documented fixed order — protobuf, type allowed
 * now, epoch, sequence, every range and digest inside replicated memory,
 * total size — before a single byte is written; a failing frame is
 * rejected whole and its reason returned for counting. A batch split over
 * several deltas is staged and applied only when its last delta arrives,
 * so the state always equals the primary's at some batch boundary. The
 * operator commands a delta carries run before its ranges are written.
 * No sockets here: the unit tests drive it with frames they seal.
 */

#include <stddef.h>
#include <stdint.h>

#include "replication.pb-c.h"

#include "rt_repl_stats.h"
#include "rt_rmap.h"
#include "rt_wire.h"

/** Range bytes one frame may carry; the primary splits larger batches. */
#define RT_FRAME_DATA_MAX	(1u << 20)
/** Ranges one frame may carry. */
#define RT_FRAME_RANGES_MAX	16384
/** Digests one delta may carry (--verify-replica). */
#define RT_VERIFY_DIGESTS_MAX	16384

/** Runs one replicated operator command (the middlebox's command
 *  callback); returns 0 or -errno with the reason in @p reply. */
typedef int (*rt_apply_cmd_fn)(void *arg, const char *line, char *reply,
			       size_t reply_len);

enum rt_sync {
	RT_SYNC_NONE = 0,	/* values as ha.proto's SyncState */
	RT_SYNC_SYNCING = 1,
	RT_SYNC_SYNCED = 2,
	RT_SYNC_STALE = 3,	/* dropped by a live primary (Bye) */
};

struct rt_apply {
	const struct rt_rmap *rmap;
	struct rt_repl_stats *stats;
	uint64_t epoch;		/* of the session */
	uint32_t seq;		/* last frame accepted */
	enum rt_sync sync;
	uint32_t snap_count;	/* chunks of the snapshot being applied */
	uint32_t snap_next;
	Sa__Repl__StateDelta **stage;	/* a split batch so far */
	unsigned int n_stage;
	unsigned int cap_stage;
	uint64_t stage_bytes;
	/* The last complete batch (or snapshot) applied. */
	uint64_t input_count;
	uint64_t clock_ns;
	uint64_t input_marker;	/* its StateDelta.input_marker */
	uint32_t done_seq;
	int done;		/* completed since the caller last looked */
	uint64_t verify_mismatches;
	unsigned int mismatches_logged;
	rt_apply_cmd_fn cmd;	/* NULL: a delta with commands is refused */
	void *cmd_arg;
	unsigned int cmd_failures_logged;
};

void rt_apply_init(struct rt_apply *ap, const struct rt_rmap *m,
		   struct rt_repl_stats *stats);

/** How the commands of a delta are run (see proto/replication.proto,
 *  COMMANDS): before its ranges are written. */
void rt_apply_set_command(struct rt_apply *ap, rt_apply_cmd_fn fn,
			  void *arg);

/** A session with @p epoch starts; the next frame must have seq 1. */
void rt_apply_session(struct rt_apply *ap, uint64_t epoch);

/** The session ended: a staged, incomplete batch is dropped, and an
 *  unfinished snapshot leaves the state SYNCING (never promoted). */
void rt_apply_end_session(struct rt_apply *ap);

/**
 * Checks and applies (or stages) one opened frame. A Bye (the primary
 * drops this standby and lives on) turns a SYNCED state STALE.
 * @return 0; RT_APPLY_BYE after a Bye: the session is over; -EBADMSG
 * with *why set (nothing was written); -ENOMEM.
 */
#define RT_APPLY_BYE	1
int rt_apply_frame(struct rt_apply *ap, const struct rt_wire_frame *f,
		   enum rt_reject *why);

void rt_apply_fini(struct rt_apply *ap);

#endif /* RT_APPLY_H */
