/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_args.h"

enum {
	OPT_MB = 256,
	OPT_CONFIG,
	OPT_ROLE,
	OPT_CLOCK,
	OPT_IDLE_EXIT,
	OPT_RUN_TIME,
	OPT_STATS_FILE,
	OPT_ALERT_LOG,
	OPT_LIST,
	OPT_QUIET,
	OPT_HELP,
};

static const struct option rt_options[] = {
	{ "mb", required_argument, NULL, OPT_MB },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "clock", required_argument, NULL, OPT_CLOCK },
	{ "idle-exit", required_argument, NULL, OPT_IDLE_EXIT },
	{ "run-time", required_argument, NULL, OPT_RUN_TIME },
	{ "stats-file", required_argument, NULL, OPT_STATS_FILE },
	{ "alert-log", required_argument, NULL, OPT_ALERT_LOG },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

void
rt_args_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [EAL options] -- --mb NAME --config FILE [options]\n"
		"  --mb NAME          middlebox to run (--list shows them)\n"
		"  --config FILE      INI file: [runtime] and [NAME] sections\n"
		"  --role solo        run alone (the only role so far)\n"
		"  --clock tsc|trace  time from the TSC (default) or from the\n"
		"                     packets' capture timestamps\n"
		"  --idle-exit MS     exit after MS ms without any RX\n"
		"  --run-time MS      exit after MS ms\n"
		"  --stats-file FILE  write the final counters there as JSON\n"
		"  --alert-log FILE   append one line per sa_alert() there\n"
		"  --quiet            do not print the final counters\n"
		"  --list             list the middleboxes and exit\n",
		prog);
}

static int
parse_ms(const char *opt, const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	*out = strtoull(s, &end, 10);
	if (errno == 0 && *end == '\0')
		return 0;
bad:
	fprintf(stderr, "--%s: '%s' is not a number of milliseconds\n", opt,
		s);
	return -EINVAL;
}

static int
parse_one(int opt, const char *arg, struct rt_args *a)
{
	switch (opt) {
	case OPT_MB:
		a->mb = arg;
		return 0;
	case OPT_CONFIG:
		a->config = arg;
		return 0;
	case OPT_ROLE:
		if (strcmp(arg, "solo") == 0)
			return 0;
		fprintf(stderr, "--role: '%s' is not supported (solo)\n", arg);
		return -EINVAL;
	case OPT_CLOCK:
		if (strcmp(arg, "tsc") == 0)
			a->clock = RT_CLOCK_TSC;
		else if (strcmp(arg, "trace") == 0)
			a->clock = RT_CLOCK_TRACE;
		else {
			fprintf(stderr, "--clock: '%s' is not tsc or trace\n",
				arg);
			return -EINVAL;
		}
		return 0;
	case OPT_IDLE_EXIT:
		return parse_ms("idle-exit", arg, &a->idle_exit_ms);
	case OPT_RUN_TIME:
		return parse_ms("run-time", arg, &a->run_time_ms);
	case OPT_STATS_FILE:
		a->stats_file = arg;
		return 0;
	case OPT_ALERT_LOG:
		a->alert_log = arg;
		return 0;
	case OPT_LIST:
		a->list = 1;
		return 0;
	case OPT_QUIET:
		a->quiet = 1;
		return 0;
	default:
		return -EINVAL;
	}
}

int
rt_args_parse(int argc, char **argv, struct rt_args *a)
{
	const char *prog = argv[0];
	int opt, ret;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", rt_options, NULL)) != -1) {
		if (opt == OPT_HELP) {
			rt_args_usage(prog);
			return 1;
		}
		if (opt == '?') {
			rt_args_usage(prog);
			return -EINVAL;
		}
		ret = parse_one(opt, optarg, a);
		if (ret < 0)
			return ret;
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (a->list)
		return 0;
	if (a->mb == NULL || a->config == NULL) {
		fprintf(stderr, "--mb and --config are required\n");
		rt_args_usage(prog);
		return -EINVAL;
	}
	return 0;
}
