/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>

#include "rt_dirty.h"
#include "rt_repl_stats.h"

#define RT_STAT_NAME_MAX	96

#define RT_REFUSE_NAME_(name, str) str,
static const char *const rt_refuse_names[RT_REFUSE_COUNT] = {
	"none",
	RT_REFUSE_REASONS(RT_REFUSE_NAME_)
};
#undef RT_REFUSE_NAME_

const char *
rt_refuse_name(unsigned int r)
{
	return r < RT_REFUSE_COUNT ? rt_refuse_names[r] : "?";
}

void
rt_repl_stats_visit(const struct rt_repl_stats *s, rt_counter_fn fn,
		    void *arg)
{
	const struct rt_dirty_stats *d = rt_dirty_stats();
	char key[RT_STAT_NAME_MAX];
	unsigned int i;

#define RT_REPL_VISIT_(name) fn(arg, "repl." #name, s->name);
	RT_REPL_COUNTERS(RT_REPL_VISIT_)
#undef RT_REPL_VISIT_
	for (i = 1; i < RT_REJECT_COUNT; i++) {
		snprintf(key, sizeof(key), "repl.reject.%s", rt_reject_name(i));
		fn(arg, key, s->reject[i]);
	}
	for (i = 1; i < RT_REFUSE_COUNT; i++) {
		snprintf(key, sizeof(key), "repl.refused.%s",
			 rt_refuse_name(i));
		fn(arg, key, s->refused[i]);
	}
	fn(arg, "repl.dirty.hooks", d->hooks);
	fn(arg, "repl.dirty.ignored", d->ignored);
	fn(arg, "repl.dirty.clipped", d->clipped);
	fn(arg, "repl.dirty.overflows", d->overflows);
	fn(arg, "repl.dirty.flow_updates", d->flow_updates);
}
