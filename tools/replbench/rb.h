/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RB_H
#define RB_H

/*
 * sa-replbench: replication bytes per packet, per batch and per flow
 * update of each --replicate mode, measured by running a trace through a
 * primary sa-runtime with an attached standby once per mode and reading
 * the primary's counters (--stats-file). One file per concern:
 * rb_main.c (options, order of runs), rb_run.c (one primary/standby
 * pair), rb_stats.c (counters and logs), rb_report.c (table, CSV, SVG).
 */

#include <stdint.h>

#define RB_PROG		"sa-replbench"
#define RB_EXIT_FAIL	1	/* a run failed */
#define RB_EXIT_USAGE	2	/* bad usage: nothing was run */

#define RB_DIM(a)	(sizeof(a) / sizeof((a)[0]))

enum rb_mode {
	RB_ANALYZED = 0,
	RB_UPDATEABLE,
	RB_PAGES,
	RB_SNAPSHOT,
	RB_OFF,
	RB_MODE_COUNT,
};

struct rb_opts {
	const char *mb;
	const char *trace;
	const char *config;
	const char *csv;
	const char *plot;
	const char *runtime;		/* sa-runtime binary */
	enum rb_mode modes[RB_MODE_COUNT];	/* in run order */
	unsigned int n_modes;
	unsigned int lcore_primary;
	unsigned int lcore_standby;
	unsigned int mem_mb;		/* EAL -m of each instance */
	unsigned int timeout_s;		/* of one run */
	int keep;			/* keep the work directory */
};

/* What one mode's run produced: the primary's counters, except ack_bytes
 * (the standby's, which flow the other way). */
struct rb_result {
	enum rb_mode mode;
	char tracking[16];	/* how the runtime tracked it: hooks, pages.. */
	uint64_t packets;	/* port.rx */
	uint64_t batches;	/* repl.batches */
	uint64_t frames;	/* repl.frames: Hello, snapshot chunks, deltas */
	uint64_t wire_bytes;	/* repl.wire_bytes: all of those frames */
	uint64_t sync_bytes;	/* of which the Hello and the snapshot */
	uint64_t delta_bytes;	/* and the StateDeltas: the rest */
	uint64_t snapshot_bytes;	/* state bytes of the initial snapshot */
	uint64_t range_bytes;	/* state bytes in deltas */
	uint64_t flow_updates;	/* repl.dirty.flow_updates */
	uint64_t ack_bytes;	/* standby -> primary */
};

/** --replicate name of @p m. */
const char *rb_mode_name(enum rb_mode m);

/* rb_run.c */

/** Work directory, key and per-run files; set up once. */
struct rb_env {
	char dir[64];
	char key[96];
	char config[96];	/* the user's config plus [replication] */
	char empty_pcap[96];	/* the standby's RX: no packets */
	char port_name[64];	/* [runtime] port of the config */
	uint64_t trace_packets;
};

/** Checks the trace and the config, writes the work files.
 *  @return 0, or RB_EXIT_USAGE / RB_EXIT_FAIL with a message printed. */
int rb_env_init(struct rb_env *env, const struct rb_opts *o);

void rb_env_fini(struct rb_env *env, int keep);

/** Runs the trace through a primary in @p mode with a standby attached.
 *  @return 0, or RB_EXIT_FAIL with the failing instance's log tail printed. */
int rb_run_mode(const struct rb_env *env, const struct rb_opts *o,
		enum rb_mode mode, struct rb_result *res);

/** Stops the instances still running (signal or error path). */
void rb_run_kill_all(void);

/* rb_stats.c */

/** The integer counter @p key of a flat JSON stats file. @return 0, -1. */
int rb_json_counter(const char *json, const char *key, uint64_t *out);

/** Reads a whole file (NUL-terminated) or NULL. */
char *rb_slurp(const char *path);

/** How the primary of @p log tracked its mode ("hooks", "pages", ...). */
void rb_log_tracking(const char *log, char *out, size_t len);

/** Prints the last @p lines lines of @p path to stderr, indented. */
void rb_log_tail(const char *path, unsigned int lines);

/* rb_report.c */

struct rb_report {
	const struct rb_opts *opts;
	const struct rb_result *res;	/* one per mode, in run order */
	unsigned int n;
	uint64_t flow_updates;	/* the denominator: analyzed's count */
};

void rb_report_init(struct rb_report *r, const struct rb_opts *o,
		    const struct rb_result *res, unsigned int n);
void rb_report_print(const struct rb_report *r);
/** @return 0, or -1 (message printed). */
int rb_report_csv(const struct rb_report *r, const char *path);
int rb_report_svg(const struct rb_report *r, const char *path);

#endif /* RB_H */
