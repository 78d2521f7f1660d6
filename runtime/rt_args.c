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
	OPT_PEER,
	OPT_LISTEN,
	OPT_REPLICATE,
	OPT_COMMIT,
	OPT_VERIFY,
	OPT_CONTROL,
	OPT_AWAIT,
	OPT_TEST_KILL,
	OPT_TEST_KILL_WHEN,
	OPT_KEEP_INPUT,
	OPT_STALL,
	OPT_COMMANDS,
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
	{ "peer", required_argument, NULL, OPT_PEER },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "replicate", required_argument, NULL, OPT_REPLICATE },
	{ "commit", required_argument, NULL, OPT_COMMIT },
	{ "verify-replica", no_argument, NULL, OPT_VERIFY },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "await-standby", required_argument, NULL, OPT_AWAIT },
	{ "test-kill-at-batch", required_argument, NULL, OPT_TEST_KILL },
	{ "test-kill-when", required_argument, NULL, OPT_TEST_KILL_WHEN },
	{ "keep-input", no_argument, NULL, OPT_KEEP_INPUT },
	{ "stall-timeout", required_argument, NULL, OPT_STALL },
	{ "commands", required_argument, NULL, OPT_COMMANDS },
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
		"  --role solo|primary|standby\n"
		"                     run alone (default), or replicate state\n"
		"  --peer HOST:PORT   primary: the standby to replicate to;\n"
		"                     standby: the same once promoted (the\n"
		"                     other node's --listen: fail-back)\n"
		"  --listen HOST:PORT standby: where the primary connects\n"
		"  --replicate MODE   analyzed (default), updateable, pages,\n"
		"                     snapshot or off\n"
		"  --commit sync|async  hold a batch's TX until the standby\n"
		"                     acknowledges its state (default), or not\n"
		"  --verify-replica   test mode: the standby checks after each\n"
		"                     batch that its replica equals the primary's\n"
		"  --test-kill-at-batch B\n"
		"                     test mode (failover harness): the primary\n"
		"                     raises SIGKILL at its B-th batch (from 1)\n"
		"  --test-kill-when delta-sent|tx-released\n"
		"                     right after batch B's StateDelta is on the\n"
		"                     socket, before its TX is released (default),\n"
		"                     or, receiving nothing more, right after\n"
		"                     its TX left\n"
		"  --control PATH     control socket (else [runtime]\n"
		"                     control_socket)\n"
		"  --await-standby MS primary: wait up to MS ms for the standby\n"
		"                     to be synced before the first packet\n"
		"  --clock tsc|trace  time from the TSC (default) or from the\n"
		"                     packets' capture timestamps\n"
		"  --idle-exit MS     exit after MS ms without any RX\n"
		"  --run-time MS      exit after MS ms\n"
		"  --stats-file FILE  write the final counters there as JSON\n"
		"  --alert-log FILE   append one line per sa_alert() there\n"
		"  --quiet            do not print the final counters\n"
		"  --keep-input       standby: receive the input it sees (the\n"
		"                     primary's, same stream) and keep what the\n"
		"                     applied state does not cover; processed\n"
		"                     at promotion (HA pairs)\n"
		"  --stall-timeout MS with --keep-input: kept input no delta\n"
		"                     covers for MS (default 2) while none is\n"
		"                     applied is a replication stall, reported\n"
		"                     in the status (stall_us) to the HA daemon\n"
		"  --commands FILE    operator commands to run at input\n"
		"                     positions, lines 'INPUT_COUNT COMMAND'\n"
		"                     (traces, tests; a promoted standby runs\n"
		"                     those from its resume point on)\n"
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
parse_count(const char *opt, const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	if (*s < '1' || *s > '9')
		goto bad;
	*out = strtoull(s, &end, 10);
	if (errno == 0 && *end == '\0')
		return 0;
bad:
	fprintf(stderr, "--%s: '%s' is not a positive number\n", opt, s);
	return -EINVAL;
}

static int
parse_kill_when(const char *arg, struct rt_args *a)
{
	if (strcmp(arg, "delta-sent") == 0)
		a->test_kill_when = RT_TEST_KILL_DELTA_SENT;
	else if (strcmp(arg, "tx-released") == 0)
		a->test_kill_when = RT_TEST_KILL_TX_RELEASED;
	else {
		fprintf(stderr, "--test-kill-when: '%s' is not delta-sent or "
			"tx-released\n", arg);
		return -EINVAL;
	}
	return 0;
}

static int
parse_role(const char *arg, struct rt_args *a)
{
	if (strcmp(arg, "solo") == 0)
		a->role = RT_ROLE_SOLO;
	else if (strcmp(arg, "primary") == 0)
		a->role = RT_ROLE_PRIMARY;
	else if (strcmp(arg, "standby") == 0)
		a->role = RT_ROLE_STANDBY;
	else {
		fprintf(stderr, "--role: '%s' is not solo, primary or "
			"standby\n", arg);
		return -EINVAL;
	}
	return 0;
}

static int
parse_replicate(const char *arg, struct rt_args *a)
{
	int m = rt_repl_mode_parse(arg);

	if (m < 0) {
		fprintf(stderr, "--replicate: '%s' is not analyzed, "
			"updateable, pages, snapshot or off\n", arg);
		return -EINVAL;
	}
	a->replicate = (enum rt_repl_mode)m;
	return 0;
}

/* Each role takes its own address option and no other's. */
static int
check_role(const struct rt_args *a)
{
	if (a->role == RT_ROLE_PRIMARY && (a->peer == NULL || a->listen)) {
		fprintf(stderr, "--role primary needs --peer HOST:PORT (and "
			"no --listen)\n");
		return -EINVAL;
	}
	/* A standby's --peer is where it replicates once promoted. */
	if (a->role == RT_ROLE_STANDBY && a->listen == NULL) {
		fprintf(stderr, "--role standby needs --listen HOST:PORT\n");
		return -EINVAL;
	}
	if (a->test_kill_batch != 0 && a->role != RT_ROLE_PRIMARY) {
		fprintf(stderr, "--test-kill-at-batch needs --role primary\n");
		return -EINVAL;
	}
	if (a->role == RT_ROLE_SOLO && (a->peer || a->listen)) {
		fprintf(stderr, "--peer and --listen need --role primary or "
			"standby\n");
		return -EINVAL;
	}
	return 0;
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
		return parse_role(arg, a);
	case OPT_PEER:
		a->peer = arg;
		return 0;
	case OPT_LISTEN:
		a->listen = arg;
		return 0;
	case OPT_REPLICATE:
		return parse_replicate(arg, a);
	case OPT_COMMIT:
		if (strcmp(arg, "sync") == 0)
			a->commit = RT_COMMIT_SYNC;
		else if (strcmp(arg, "async") == 0)
			a->commit = RT_COMMIT_ASYNC;
		else {
			fprintf(stderr, "--commit: '%s' is not sync or async\n",
				arg);
			return -EINVAL;
		}
		return 0;
	case OPT_VERIFY:
		a->verify = 1;
		return 0;
	case OPT_CONTROL:
		a->control = arg;
		return 0;
	case OPT_AWAIT:
		return parse_ms("await-standby", arg, &a->await_ms);
	case OPT_TEST_KILL:
		return parse_count("test-kill-at-batch", arg,
				   &a->test_kill_batch);
	case OPT_TEST_KILL_WHEN:
		return parse_kill_when(arg, a);
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
	case OPT_KEEP_INPUT:
		a->keep_input = 1;
		return 0;
	case OPT_STALL:
		return parse_ms("stall-timeout", arg, &a->stall_ms);
	case OPT_COMMANDS:
		a->commands = arg;
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
	a->replicate = RT_REPL_ANALYZED;
	a->commit = RT_COMMIT_SYNC;
	a->stall_ms = RT_STALL_DEFAULT_MS;
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
	return check_role(a);
}
