/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters of the firewall and their report through the stats callback.
 * They are updated per packet but never decide a verdict.
 */

#include <stdio.h>
#include <string.h>

#include "fw.h"

#define FW_STAT_NAME_MAX	64

#define FW_DROP_NAME_(name, str) str,
const char *const fw_drop_names[FW_DROP_COUNT] = {
	FW_DROPS(FW_DROP_NAME_)
};
#undef FW_DROP_NAME_

_Static_assert(FW_DROP_COUNT <= SA_DROP_MB_MAX,
	       "more firewall drop reasons than a descriptor may name");

#define FW_STATE_STAT_(name, stat, key, def) stat,
static const char *const fw_state_names[FW_STATE_COUNT] = {
	FW_STATES(FW_STATE_STAT_)
};
#undef FW_STATE_STAT_

void
fw_stats_reset(void)
{
	memset(&fw_stats, 0, sizeof(fw_stats));
}

void
fw_stats_drop(unsigned int reason)
{
	if (reason >= SA_DROP_MB_BASE &&
	    reason < SA_DROP_MB_BASE + FW_DROP_COUNT)
		fw_stats.drops[reason - SA_DROP_MB_BASE]++;
	else if (reason < SA_DROP_COMMON_COUNT)
		fw_stats.drops_common[reason]++;
}

static void
fw_stats_named(sa_stat_fn fn, void *arg, const char *fmt, const char *what,
	       uint64_t value)
{
	char name[FW_STAT_NAME_MAX];

	snprintf(name, sizeof(name), fmt, what);
	fn(arg, name, value);
}

/*
 * Reports every counter: the totals of FW_COUNTERS, "states" (live
 * entries), "state_<state>" gauges, "rule_<i>_hits" per configured rule
 * and "drop_<reason>" per drop reason the firewall gives.
 */
void
fw_stats_report(sa_stat_fn fn, void *arg)
{
	char name[FW_STAT_NAME_MAX];
	unsigned int i;

#define FW_REPORT_(field) fn(arg, #field, fw_stats.field);
	FW_COUNTERS(FW_REPORT_)
#undef FW_REPORT_
	fn(arg, "states", fw_conns != NULL ? sa_table_count(fw_conns) : 0);
	for (i = 0; i < FW_STATE_COUNT; i++)
		fw_stats_named(fn, arg, "state_%s", fw_state_names[i],
			       fw_stats.state_gauge[i]);
	for (i = 0; i < fw_cfg.n_rules; i++) {
		snprintf(name, sizeof(name), "rule_%u_hits", i);
		fn(arg, name, fw_stats.rule_hits[i]);
	}
	for (i = 0; i < FW_DROP_COUNT; i++)
		fw_stats_named(fn, arg, "drop_%s", fw_drop_names[i],
			       fw_stats.drops[i]);
	for (i = SA_DROP_NONE + 1; i < SA_DROP_COMMON_COUNT; i++) {
		const char *n = sa_drop_common_name(i);

		if (n != NULL)
			fw_stats_named(fn, arg, "drop_%s", n,
				       fw_stats.drops_common[i]);
	}
}
