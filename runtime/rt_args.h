/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_ARGS_H
#define RT_ARGS_H

/*
 * sa-runtime's own command line (what follows EAL's "--"). Parsing only
 * validates syntax; whether the middlebox exists or the config is sound is
 * checked by main() once logging is up.
 */

#include <stdint.h>

#include "rt_repl.h"

enum rt_clock {
	RT_CLOCK_TSC = 0,	/* production: time from the TSC */
	RT_CLOCK_TRACE,		/* time from RX capture timestamps */
};

/* --test-kill-when: where in batch B's life the primary dies. */
enum rt_test_kill_when {
	RT_TEST_KILL_DELTA_SENT = 0,	/* delta on the socket, TX held */
	RT_TEST_KILL_TX_RELEASED,	/* the batch's TX has left */
};

/* --stall-timeout: with sync commit a live primary sends a delta within
 * one RX batch (tens of us here), and the standby looks at its input
 * every 1 ms (RT_STANDBY_WAIT_MS): 2 ms is one missed look of slack.
 * A stall alone never promotes (the daemons confirm it), so a short
 * value costs at most a liveness check on the primary's side. */
#define RT_STALL_DEFAULT_MS	2

struct rt_args {
	const char *mb;		/* --mb NAME */
	const char *config;	/* --config FILE */
	enum rt_role role;
	enum rt_clock clock;
	const char *peer;	/* --peer HOST:PORT (primary) */
	const char *listen;	/* --listen HOST:PORT (standby) */
	enum rt_repl_mode replicate;
	enum rt_commit_mode commit;
	int verify;		/* --verify-replica */
	const char *control;	/* --control PATH, or NULL */
	uint64_t await_ms;	/* --await-standby MS: 0, do not wait */
	uint64_t test_kill_batch;	/* --test-kill-at-batch B: 0, never */
	enum rt_test_kill_when test_kill_when;
	uint64_t idle_exit_ms;	/* 0: never */
	uint64_t run_time_ms;	/* 0: until signalled */
	const char *stats_file;	/* final counters as JSON, or NULL */
	const char *alert_log;	/* alert lines, or NULL */
	int list;		/* --list: print middleboxes and exit */
	int quiet;		/* no final counters on stdout */
	int keep_input;		/* --keep-input: standby keeps its RX */
	uint64_t stall_ms;	/* --stall-timeout MS (RT_STALL_DEFAULT_MS) */
	const char *commands;	/* --commands FILE (rt_cmd.h), or NULL */
};

/** Parses argv (after EAL's); prints usage or the bad option on stderr.
 *  @return 0, 1 when --help was given, or -EINVAL. */
int rt_args_parse(int argc, char **argv, struct rt_args *args);

void rt_args_usage(const char *prog);

#endif /* RT_ARGS_H */
