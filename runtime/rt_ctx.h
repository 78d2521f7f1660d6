/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_CTX_H
#define RT_CTX_H

/*
 * struct sa_ctx as the DPDK runtime implements it: the per-instance state
 * the middlebox API calls (sa_emit, sa_drop, sa_now_ns, ...) act on.
 * Single-threaded: only the datapath lcore touches it, apart from the
 * telemetry thread reading counters.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include <sa/mbox.h>

#include "rt_arena.h"
#include "rt_stats.h"

enum rt_verdict {
	RT_VERDICT_NONE = 0,
	RT_VERDICT_EMIT,
	RT_VERDICT_DROP,
};

struct sa_ctx {
	const struct sa_middlebox *mb;
	/* Verdict of the packet being processed. */
	uint8_t verdict;
	uint8_t arm;
	uint16_t reason;
	uint64_t now_ns;	/* trace clock; unused with the TSC clock */
	int trace_clock;
	uint64_t tsc_hz;
	uint64_t tsc_base;
	FILE *alert_log;
	/* sa_log() rate limit: a budget of lines per second. */
	uint64_t log_window_tsc;
	uint32_t log_lines;
	struct rt_stats *stats;
} __rte_cache_aligned;

/** Prepares @p ctx; opens the alert log (append) if @p alert_log.
 *  @return 0, or -errno when the log cannot be opened. */
int rt_ctx_init(struct sa_ctx *ctx, const struct sa_middlebox *mb,
		struct rt_stats *stats, int trace_clock, const char *alert_log);

void rt_ctx_fini(struct sa_ctx *ctx);

/** Where sa_state_alloc() takes memory from (all middlebox heap state);
 *  before it is set, sa_state_alloc() returns NULL. */
void rt_ctx_set_arena(struct rt_arena *a);

#endif /* RT_CTX_H */
