/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters of the IDS and their report through the stats callback. They
 * are updated per packet but never decide a verdict.
 */

#include <stdio.h>
#include <string.h>

#include "ids.h"

#define IDS_STAT_NAME_MAX	64

#define IDS_DROP_NAME_(name, str) str,
const char *const ids_drop_names[IDS_DROP_COUNT] = {
	IDS_DROPS(IDS_DROP_NAME_)
};
#undef IDS_DROP_NAME_

_Static_assert(IDS_DROP_COUNT <= SA_DROP_MB_MAX,
	       "more ids drop reasons than a descriptor may name");

void
ids_stats_reset(void)
{
	memset(&ids_stats, 0, sizeof(ids_stats));
}

void
ids_stats_drop(unsigned int reason)
{
	if (reason >= SA_DROP_MB_BASE &&
	    reason < SA_DROP_MB_BASE + IDS_DROP_COUNT)
		ids_stats.drops[reason - SA_DROP_MB_BASE]++;
	else if (reason < SA_DROP_COMMON_COUNT)
		ids_stats.drops_common[reason]++;
}

static void
ids_stats_named(sa_stat_fn fn, void *arg, const char *fmt, const char *what,
		uint64_t value)
{
	char name[IDS_STAT_NAME_MAX];

	snprintf(name, sizeof(name), fmt, what);
	fn(arg, name, value);
}

static uint64_t
ids_table_count(const struct sa_table *t)
{
	return t != NULL ? sa_table_count(t) : 0;
}

/*
 * Reports every counter: the totals of IDS_COUNTERS; gauges of live
 * flows and tracker entries; the size of the rule set (rules, patterns,
 * automaton states, per-flow state bytes); "drop_<reason>" per drop
 * reason; "sid_<sid>" matches per rule.
 */
void
ids_stats_report(sa_stat_fn fn, void *arg)
{
	char name[IDS_STAT_NAME_MAX];
	unsigned int i;

#define IDS_REPORT_(field) fn(arg, #field, ids_stats.field);
	IDS_COUNTERS(IDS_REPORT_)
#undef IDS_REPORT_
	fn(arg, "flows_active", ids_table_count(ids_flows));
	fn(arg, "scan_sources", ids_table_count(ids_scans));
	fn(arg, "flood_targets", ids_table_count(ids_floods));
	fn(arg, "rules", ids_rs.n_rules);
	fn(arg, "patterns", ids_rs.n_patterns);
	fn(arg, "ac_states", (uint64_t)ids_rs.ac[IDS_AC_FOLD].n_states +
			     ids_rs.ac[IDS_AC_EXACT].n_states);
	fn(arg, "flow_state_bytes", ids_flows != NULL ?
	   ids_flow_value_size() : 0);
	for (i = 0; i < IDS_DROP_COUNT; i++)
		ids_stats_named(fn, arg, "drop_%s", ids_drop_names[i],
				ids_stats.drops[i]);
	for (i = SA_DROP_NONE + 1; i < SA_DROP_COMMON_COUNT; i++) {
		const char *n = sa_drop_common_name(i);

		if (n != NULL)
			ids_stats_named(fn, arg, "drop_%s", n,
					ids_stats.drops_common[i]);
	}
	for (i = 0; i < ids_rs.n_rules && ids_rule_matches != NULL; i++) {
		snprintf(name, sizeof(name), "sid_%u", ids_rs.rules[i].sid);
		fn(arg, name, ids_rule_matches[i]);
	}
}
