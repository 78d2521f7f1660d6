/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * monitor: the descriptor and the verdict. Every frame is emitted
 * unchanged to the other arm (one-armed: the one port), whatever it
 * holds: a passive monitor must never alter the traffic it watches, so
 * even frames sa_parse() rejects cross, counted under their reason as
 * "malformed_<reason>". The monitor therefore names no drop reasons.
 * Observation (mon_observe.c) only reads the frame.
 */

#include <stdio.h>
#include <string.h>

#include "mon.h"

#define MON_STAT_NAME_MAX	64

struct mon_config mon_cfg;
struct mon_stats mon_stats;

#define MON_STAT_NAME_(name, str) str,
static const char *const mon_stat_names[MON_STAT_COUNT] = {
	MON_STATS(MON_STAT_NAME_)
};
#undef MON_STAT_NAME_

static inline enum sa_arm
mon_arm_across(uint8_t rx_arm)
{
	return rx_arm == SA_ARM_OUTSIDE ? SA_ARM_INSIDE : SA_ARM_OUTSIDE;
}

static void
mon_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct sa_parsed p;
	unsigned int err;

	mon_stat_inc(MON_STAT_PACKETS);
	mon_stats.c[MON_STAT_BYTES] += pkt->len;
	err = sa_parse(pkt->data, pkt->len, &p);
	if (MON_UNLIKELY(err != SA_DROP_NONE)) {
		mon_stat_inc(MON_STAT_MALFORMED);
		if (err < SA_DROP_COMMON_COUNT)
			mon_stats.malformed[err]++;
	} else if (MON_UNLIKELY(p.l3 == SA_L3_NONE)) {
		mon_stat_inc(MON_STAT_NON_IP);
	} else {
		mon_observe(ctx, pkt, &p);
	}
	sa_emit(ctx, pkt, mon_arm_across(pkt->arm));
}

static void
mon_tick(struct sa_ctx *ctx MON_UNUSED, uint64_t now_ns)
{
	mon_asset_expire(now_ns);
}

static void
mon_fini(struct sa_ctx *ctx MON_UNUSED)
{
	mon_asset_fini();
}

static int
mon_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	int rc;

	/* A previous instance in this process (tests) may have left
	 * counters and databases behind. */
	mon_asset_fini();
	memset(&mon_stats, 0, sizeof(mon_stats));
	rc = mon_config_parse(ctx, cfg, &mon_cfg);
	if (rc < 0)
		return rc;
	rc = mon_asset_init(cfg);
	if (rc < 0)
		return rc;
	sa_log(ctx, SA_LOG_INFO, "tracking %s, %u OS and %u service "
	       "signatures, %u hosts, %u services", mon_cfg.track_all ?
	       "all hosts" : "inside hosts", mon_os_db.n, mon_svc_db.n,
	       mon_cfg.max_hosts, mon_cfg.max_services);
	return 0;
}

/*
 * Reports the MON_STATS totals, the gauges hosts/services/banner_flows
 * _active, the signature counts, and "malformed_<reason>" per reason
 * sa_parse() gives.
 */
static void
mon_stats_report(sa_stat_fn fn, void *arg)
{
	char name[MON_STAT_NAME_MAX];
	const char *reason;
	unsigned int i;

	for (i = 0; i < MON_STAT_COUNT; i++)
		fn(arg, mon_stat_names[i], mon_stats.c[i]);
	fn(arg, "hosts_active", mon_hosts_active());
	fn(arg, "services_active", mon_services_active());
	fn(arg, "banner_flows_active", mon_flows_active());
	fn(arg, "os_signatures", mon_os_db.n);
	fn(arg, "service_signatures", mon_svc_db.n);
	for (i = SA_DROP_NONE + 1; i < SA_DROP_COMMON_COUNT; i++) {
		reason = sa_drop_common_name(i);
		if (reason == NULL)
			continue;
		snprintf(name, sizeof(name), "malformed_%s", reason);
		fn(arg, name, mon_stats.malformed[i]);
	}
}

const struct sa_middlebox mon_middlebox = {
	.name = "monitor",
	.desc = "passive asset monitor: hosts, OS guesses from TCP "
		"fingerprints, services from ports and banners",
	.init = mon_init,
	.process = mon_process,
	.tick = mon_tick,
	.fini = mon_fini,
	.stats = mon_stats_report,
	.drop_names = NULL,
	.n_drop_names = 0,
};

SA_MIDDLEBOX_REGISTER(mon_middlebox)
