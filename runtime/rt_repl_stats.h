/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_REPL_STATS_H
#define RT_REPL_STATS_H

/*
 * Replication counters, shown as repl.<name> in the exit report, the JSON
 * stats file, /sa/stats and the control socket's status. Written only by
 * the datapath lcore. A primary counts what it sends, a standby what it
 * applies, under the same names.
 */

#include <stdint.h>

#include "rt_wire.h"

#define RT_REPL_COUNTERS(X)						\
	X(connects)		/* sessions past both Hellos */		\
	X(disconnects)							\
	X(snapshots)		/* full snapshots sent / applied */	\
	X(snapshot_bytes)	/* state bytes in them */		\
	X(batches)		/* batches replicated / applied */	\
	X(deltas)		/* StateDelta frames */			\
	X(ranges)							\
	X(range_bytes)		/* state bytes in deltas */		\
	X(frames)		/* frames sent, Hellos included */	\
	X(wire_bytes)		/* their bytes: header, payload, HMAC */ \
	X(sync_wire_bytes)	/* of them in Hellos and snapshots */	\
	X(full_batches)		/* sent whole: log overflow, snapshot */ \
	X(acks)								\
	X(ack_timeouts)		/* silent standby: degraded to solo */	\
	X(held_batches)		/* --commit sync: TX held for an ack */	\
	X(commit_stalls)	/* RX paused: commit window full */	\
	X(backpressure_stalls)	/* send buffer full: waited */		\
	X(page_scans)		/* pages mode: tracker scans */		\
	X(dirty_pages)							\
	X(verify_checked)	/* digests compared (standby) */	\
	X(verify_mismatches)						\
	X(commands)		/* operator commands sent / run */	\
	X(promotions)							\
	X(busy_refused)		/* a second primary while one is served */ \
	X(byes)			/* standbys dropped on purpose */

/* Why a Hello was refused: repl.refused.<name>. */
#define RT_REFUSE_REASONS(X)						\
	X(BUILD_ID,	"build-id")					\
	X(MANIFEST,	"manifest-hash")				\
	X(ARENA,	"arena")					\
	X(MIDDLEBOX,	"middlebox")					\
	X(INIT_STATE,	"init-state")					\
	X(STALE_EPOCH,	"stale-epoch")					\
	X(ROLE,		"role")						\
	X(MALFORMED,	"malformed")

#define RT_REFUSE_ENUM_(name, str) RT_REFUSE_##name,
enum rt_refuse {
	RT_REFUSE_NONE = 0,
	RT_REFUSE_REASONS(RT_REFUSE_ENUM_)
	RT_REFUSE_COUNT,
};
#undef RT_REFUSE_ENUM_

#define RT_REPL_FIELD_(name) uint64_t name;
struct rt_repl_stats {
	RT_REPL_COUNTERS(RT_REPL_FIELD_)
	uint64_t reject[RT_REJECT_COUNT];
	uint64_t refused[RT_REFUSE_COUNT];
};
#undef RT_REPL_FIELD_

const char *rt_refuse_name(unsigned int r);

typedef void (*rt_counter_fn)(void *arg, const char *name, uint64_t value);

/** Visits every replication counter (and the dirty log's) as repl.*. */
void rt_repl_stats_visit(const struct rt_repl_stats *s, rt_counter_fn fn,
			 void *arg);

#endif /* RT_REPL_STATS_H */
