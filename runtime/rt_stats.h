/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_STATS_H
#define RT_STATS_H

/*
 * Runtime counters: per arm, per drop reason (common and the middlebox's
 * own), and the middlebox's own counters through its stats() callback.
 * Written only by the datapath lcore; read by the /sa/stats telemetry
 * command and printed at exit.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include <sa/mbox.h>

#include "rt_arena.h"
#include "rt_repl_stats.h"

#define RT_DROP_SLOTS (SA_DROP_MB_BASE + SA_DROP_MB_MAX)

struct rt_stats {
	uint64_t rx[SA_ARM_COUNT];
	uint64_t tx[SA_ARM_COUNT];
	uint64_t tx_dropped[SA_ARM_COUNT];	/* TX queue full */
	uint64_t rx_bursts;
	uint64_t emitted;
	uint64_t dropped;
	uint64_t drops[RT_DROP_SLOTS];
	uint64_t alerts;
	uint64_t extra_verdicts;	/* a second verdict on one packet */
	uint64_t bad_arm;		/* sa_emit to a nonexistent arm */
	uint64_t ticks;
	uint64_t rx_no_timestamp;	/* --clock trace: time did not move */
	uint64_t logs_suppressed;
	uint64_t cmds_run;		/* operator commands that succeeded */
	uint64_t cmds_failed;		/* refused, or failed in the mb */
	uint64_t cmds_skipped;		/* scheduled, covered by replication */
	uint64_t start_tsc;
	uint64_t end_tsc;
	const struct rt_arena *arena;	/* its usage is reported */
	struct rt_repl_stats *repl;	/* NULL when solo */
} __rte_cache_aligned;

/** Visits every counter under the names all reports use. */
void rt_stats_visit(const struct rt_stats *s, const struct sa_middlebox *mb,
		    int two_armed, rt_counter_fn fn, void *arg);

/** Registers /sa/stats with rte_telemetry for @p stats of @p mb. */
int rt_stats_telemetry_init(struct rt_stats *stats,
			    const struct sa_middlebox *mb, int two_armed);

/** Prints a readable report of all counters to @p out. */
void rt_stats_print(const struct rt_stats *stats,
		    const struct sa_middlebox *mb, int two_armed, FILE *out);

/** Writes the counters as one JSON object to @p path.
 *  @return 0 or -errno (logged). */
int rt_stats_write_json(const struct rt_stats *stats,
			const struct sa_middlebox *mb, int two_armed,
			const char *path);

#endif /* RT_STATS_H */
