/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_log.h>

#include <sa/replica.h>

#include "rt_ctx.h"
#include "state_alloc.h"
#include "rt_log.h"

RTE_LOG_REGISTER(rt_logtype, sa.runtime, INFO);
RTE_LOG_REGISTER(rt_mb_logtype, sa.mb, INFO);

/* A middlebox that logs per packet must not flood: this many lines per
 * second, the rest only counted. */
#define RT_LOG_LINES_PER_SEC	20
#define RT_LOG_LINE_MAX		512

/* sa_log(NULL, ...) during init still needs the rate limiter. */
static struct sa_ctx *rt_ctx_current;

int
rt_ctx_init(struct sa_ctx *ctx, const struct sa_middlebox *mb,
	    struct rt_stats *stats, int trace_clock, const char *alert_log)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->mb = mb;
	ctx->stats = stats;
	ctx->trace_clock = trace_clock;
	ctx->tsc_hz = rte_get_tsc_hz();
	ctx->tsc_base = rte_rdtsc();
	if (alert_log != NULL) {
		ctx->alert_log = fopen(alert_log, "a");
		if (ctx->alert_log == NULL) {
			int err = errno;

			RT_LOG(ERR, "--alert-log %s: %s\n", alert_log,
			       strerror(err));
			return -err;
		}
	}
	rt_ctx_current = ctx;
	return 0;
}

void
rt_ctx_fini(struct sa_ctx *ctx)
{
	if (ctx->alert_log != NULL)
		fclose(ctx->alert_log);
	ctx->alert_log = NULL;
	rt_ctx_current = NULL;
}

void
sa_emit(struct sa_ctx *ctx, struct sa_pkt *pkt, enum sa_arm arm)
{
	(void)pkt;
	if (unlikely(ctx->verdict != RT_VERDICT_NONE)) {
		ctx->stats->extra_verdicts++;
		return;
	}
	if (unlikely((unsigned int)arm >= SA_ARM_COUNT)) {
		ctx->stats->bad_arm++;
		ctx->verdict = RT_VERDICT_DROP;
		ctx->reason = SA_DROP_NO_VERDICT;
		return;
	}
	ctx->verdict = RT_VERDICT_EMIT;
	ctx->arm = (uint8_t)arm;
}

void
sa_drop(struct sa_ctx *ctx, struct sa_pkt *pkt, unsigned int reason)
{
	(void)pkt;
	if (unlikely(ctx->verdict != RT_VERDICT_NONE)) {
		ctx->stats->extra_verdicts++;
		return;
	}
	if (unlikely(reason == SA_DROP_NONE ||
		     (reason >= SA_DROP_COMMON_COUNT &&
		      reason < SA_DROP_MB_BASE) ||
		     reason >= SA_DROP_MB_BASE + ctx->mb->n_drop_names))
		reason = SA_DROP_NO_VERDICT;
	ctx->verdict = RT_VERDICT_DROP;
	ctx->reason = (uint16_t)reason;
}

void
sa_alert(struct sa_ctx *ctx, const struct sa_pkt *pkt, uint32_t id,
	 const char *fmt, ...)
{
	va_list ap;

	(void)pkt;
	ctx->stats->alerts++;
	if (ctx->alert_log == NULL)
		return;
	fprintf(ctx->alert_log, "%" PRIu64 " %" PRIu32 " ", sa_now_ns(ctx),
		id);
	va_start(ap, fmt);
	vfprintf(ctx->alert_log, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->alert_log);
}

static int
log_allowed(struct sa_ctx *ctx)
{
	uint64_t now = rte_rdtsc();

	if (ctx == NULL)
		return 1;
	if (now - ctx->log_window_tsc >= ctx->tsc_hz) {
		if (ctx->stats->logs_suppressed > 0 && ctx->log_lines > 0)
			RT_LOG(WARNING, "%" PRIu64 " log lines suppressed so "
			       "far\n", ctx->stats->logs_suppressed);
		ctx->log_window_tsc = now;
		ctx->log_lines = 0;
	}
	if (ctx->log_lines >= RT_LOG_LINES_PER_SEC) {
		ctx->stats->logs_suppressed++;
		return 0;
	}
	ctx->log_lines++;
	return 1;
}

void
sa_log(struct sa_ctx *ctx, enum sa_log_level level, const char *fmt, ...)
{
	char line[RT_LOG_LINE_MAX];
	va_list ap;

	if (ctx == NULL)
		ctx = rt_ctx_current;
	if (!log_allowed(ctx))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* sa_log levels are syslog's; rte_log's are shifted by one. */
	rte_log((uint32_t)level + 1, rt_mb_logtype, "%s%s%s\n",
		ctx != NULL && ctx->mb != NULL ? ctx->mb->name : "",
		ctx != NULL && ctx->mb != NULL ? ": " : "", line);
}

uint64_t
sa_now_ns(struct sa_ctx *ctx)
{
	return ctx->now_ns;
}

/* The state arena behind sa_state_alloc(): set once before the middlebox
 * starts, and only the datapath lcore allocates. */
static struct rt_arena *rt_state_arena;

void
rt_ctx_set_arena(struct rt_arena *a)
{
	rt_state_arena = a;
}

void *
sa_state_alloc(size_t size)
{
	return rt_state_arena != NULL ? rt_arena_get(rt_state_arena, size) :
					NULL;
}

void
sa_state_free(void *p)
{
	if (rt_state_arena != NULL)
		rt_arena_put(rt_state_arena, p);
}

/* What libsa's C-allocator contracts (state_alloc.h) need of the arena. */
size_t
sa_state_block_size(const void *p)
{
	return rt_state_arena != NULL ?
	       rt_arena_block_size(rt_state_arena, p) : 0;
}

size_t
sa_state_block_align(void)
{
	return RT_ARENA_ALIGN;
}
