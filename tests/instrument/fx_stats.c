/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixture: global counters only stats() reads: UPDATE_ONLY hooks. */
#include <stdint.h>

#include <sa/mbox.h>

static uint64_t fx_stats_pkts;
static uint64_t fx_stats_bytes;

static void
fx_stats_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	fx_stats_pkts++;
	fx_stats_bytes += pkt->len;
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
fx_stats_report(sa_stat_fn fn, void *arg)
{
	fn(arg, "pkts", fx_stats_pkts);
}

const struct sa_middlebox fx_stats_mb = {
	.name = "fx_stats",
	.desc = "instrument fixture: statistics counters",
	.process = fx_stats_process,
	.stats = fx_stats_report,
};
SA_MIDDLEBOX_REGISTER(fx_stats_mb)
