/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "rt_log.h"
#include "rt_stats.h"
#include "sa_registry.h"

/*
 * Every consumer (report, JSON, telemetry, control status) walks the
 * counters through one visitor, so all show the same names.
 */
typedef rt_counter_fn rt_visit_fn;

#define RT_STAT_NAME_MAX 96

struct rt_prefixed {
	rt_visit_fn fn;
	void *arg;
	const char *prefix;
};

static void
prefixed_cb(void *arg, const char *name, uint64_t value)
{
	struct rt_prefixed *p = arg;
	char full[RT_STAT_NAME_MAX];

	snprintf(full, sizeof(full), "%s%s", p->prefix, name);
	p->fn(p->arg, full, value);
}

static void
visit_arm(const struct rt_stats *s, unsigned int arm, const char *name,
	  rt_visit_fn fn, void *arg)
{
	char key[RT_STAT_NAME_MAX];

	snprintf(key, sizeof(key), "%s.rx", name);
	fn(arg, key, s->rx[arm]);
	snprintf(key, sizeof(key), "%s.tx", name);
	fn(arg, key, s->tx[arm]);
	snprintf(key, sizeof(key), "%s.tx_dropped", name);
	fn(arg, key, s->tx_dropped[arm]);
}

void
rt_stats_visit(const struct rt_stats *s, const struct sa_middlebox *mb,
	       int two_armed, rt_visit_fn fn, void *arg)
{
	struct rt_prefixed p = { .fn = fn, .arg = arg, .prefix = "mb." };
	char key[RT_STAT_NAME_MAX];
	unsigned int r;

	if (two_armed) {
		visit_arm(s, SA_ARM_INSIDE, "inside", fn, arg);
		visit_arm(s, SA_ARM_OUTSIDE, "outside", fn, arg);
	} else {
		/* One port serves both arms: report it once. */
		fn(arg, "port.rx", s->rx[SA_ARM_INSIDE] + s->rx[SA_ARM_OUTSIDE]);
		fn(arg, "port.tx", s->tx[SA_ARM_INSIDE] + s->tx[SA_ARM_OUTSIDE]);
		fn(arg, "port.tx_dropped",
		   s->tx_dropped[SA_ARM_INSIDE] + s->tx_dropped[SA_ARM_OUTSIDE]);
	}
	fn(arg, "emitted", s->emitted);
	fn(arg, "dropped", s->dropped);
	for (r = 1; r < RT_DROP_SLOTS; r++) {
		const char *name = sa_registry_reason_name(mb, r);

		if (name == NULL)
			continue;
		snprintf(key, sizeof(key), "drop.%s", name);
		fn(arg, key, s->drops[r]);
	}
	fn(arg, "alerts", s->alerts);
	fn(arg, "extra_verdicts", s->extra_verdicts);
	fn(arg, "bad_arm", s->bad_arm);
	fn(arg, "ticks", s->ticks);
	fn(arg, "rx_no_timestamp", s->rx_no_timestamp);
	fn(arg, "rx_bursts", s->rx_bursts);
	fn(arg, "logs_suppressed", s->logs_suppressed);
	fn(arg, "commands.run", s->cmds_run);
	fn(arg, "commands.failed", s->cmds_failed);
	fn(arg, "commands.skipped", s->cmds_skipped);
	if (s->arena != NULL) {
		fn(arg, "arena.used", rt_arena_used(s->arena));
		fn(arg, "arena.in_use", rt_arena_in_use(s->arena));
		fn(arg, "arena.bad_frees", rt_arena_bad_puts(s->arena));
	}
	if (s->repl != NULL)
		rt_repl_stats_visit(s->repl, fn, arg);
	if (mb->stats != NULL)
		mb->stats(prefixed_cb, &p);
}

struct rt_tel {
	struct rt_stats *stats;
	const struct sa_middlebox *mb;
	int two_armed;
};

static struct rt_tel rt_tel;

static void
tel_cb(void *arg, const char *name, uint64_t value)
{
	char key[RT_STAT_NAME_MAX];
	size_t i;

	/* rte_telemetry accepts only [A-Za-z0-9_/] in names, and refuses
	 * entries past its dict limit (all are in the exit report and the
	 * JSON file). */
	for (i = 0; name[i] != '\0' && i + 1 < sizeof(key); i++)
		key[i] = isalnum((unsigned char)name[i]) ? name[i] : '_';
	key[i] = '\0';
	rte_tel_data_add_dict_u64(arg, key, value);
}

static int
tel_stats_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "middlebox", rt_tel.mb->name);
	rt_stats_visit(rt_tel.stats, rt_tel.mb, rt_tel.two_armed, tel_cb, d);
	return 0;
}

int
rt_stats_telemetry_init(struct rt_stats *stats, const struct sa_middlebox *mb,
			int two_armed)
{
	rt_tel.stats = stats;
	rt_tel.mb = mb;
	rt_tel.two_armed = two_armed;
	return rte_telemetry_register_cmd("/sa/stats", tel_stats_cmd,
		"Runtime and middlebox counters. Takes no parameters");
}

static void
print_cb(void *arg, const char *name, uint64_t value)
{
	/* Zero drop and rejection counters would bury the few that
	 * matter. */
	if (value == 0 && (strncmp(name, "drop.", 5) == 0 ||
			   strncmp(name, "repl.reject.", 12) == 0 ||
			   strncmp(name, "repl.refused.", 13) == 0))
		return;
	fprintf(arg, "  %-40s %20" PRIu64 "\n", name, value);
}

void
rt_stats_print(const struct rt_stats *s, const struct sa_middlebox *mb,
	       int two_armed, FILE *out)
{
	uint64_t tsc = s->end_tsc - s->start_tsc;
	uint64_t rx = s->rx[SA_ARM_INSIDE] + s->rx[SA_ARM_OUTSIDE];
	double secs = (double)tsc / (double)rte_get_tsc_hz();

	fprintf(out, "sa-runtime: middlebox %s, %.3f s, %.3f Mpps\n", mb->name,
		secs, secs > 0 ? (double)rx / secs / 1e6 : 0.0);
	rt_stats_visit(s, mb, two_armed, print_cb, out);
}

struct rt_json {
	FILE *f;
	int first;
};

static void
json_cb(void *arg, const char *name, uint64_t value)
{
	struct rt_json *j = arg;

	fprintf(j->f, "%s\n  \"%s\": %" PRIu64, j->first ? "" : ",", name,
		value);
	j->first = 0;
}

int
rt_stats_write_json(const struct rt_stats *s, const struct sa_middlebox *mb,
		    int two_armed, const char *path)
{
	struct rt_json j = { .first = 1 };
	int err;

	j.f = fopen(path, "w");
	if (j.f == NULL) {
		err = errno;
		RT_LOG(ERR, "%s: cannot write stats: %s\n", path, strerror(err));
		return -err;
	}
	fprintf(j.f, "{\n  \"middlebox\": \"%s\",\n  \"seconds\": %.6f",
		mb->name, (double)(s->end_tsc - s->start_tsc) /
			  (double)rte_get_tsc_hz());
	j.first = 0;
	rt_stats_visit(s, mb, two_armed, json_cb, &j);
	fprintf(j.f, "\n}\n");
	if (fclose(j.f) != 0) {
		err = errno;
		RT_LOG(ERR, "%s: cannot write stats: %s\n", path, strerror(err));
		return -err;
	}
	return 0;
}
