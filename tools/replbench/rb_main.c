/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_parse.h"

#include "rb.h"

#define RB_DEFAULT_MEM_MB	512
#define RB_DEFAULT_TIMEOUT_S	900
#define RB_MEM_MAX_MB		65536
#define RB_TIMEOUT_MAX_S	86400
#define RB_LCORE_MAX		1023

enum rb_opt_id {
	RB_OPT_MB = 256,
	RB_OPT_TRACE,
	RB_OPT_CONFIG,
	RB_OPT_CSV,
	RB_OPT_PLOT,
	RB_OPT_MODES,
	RB_OPT_BUILD,
	RB_OPT_LCORES,
	RB_OPT_MEM,
	RB_OPT_TIMEOUT,
	RB_OPT_KEEP,
	RB_OPT_HELP,
};

static const struct option rb_long_opts[] = {
	{ "mb",		required_argument, NULL, RB_OPT_MB },
	{ "trace",	required_argument, NULL, RB_OPT_TRACE },
	{ "config",	required_argument, NULL, RB_OPT_CONFIG },
	{ "csv",	required_argument, NULL, RB_OPT_CSV },
	{ "plot",	required_argument, NULL, RB_OPT_PLOT },
	{ "modes",	required_argument, NULL, RB_OPT_MODES },
	{ "build",	required_argument, NULL, RB_OPT_BUILD },
	{ "lcores",	required_argument, NULL, RB_OPT_LCORES },
	{ "mem",	required_argument, NULL, RB_OPT_MEM },
	{ "timeout",	required_argument, NULL, RB_OPT_TIMEOUT },
	{ "keep",	no_argument,	   NULL, RB_OPT_KEEP },
	{ "help",	no_argument,	   NULL, RB_OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static const char *const rb_mode_names[RB_MODE_COUNT] = {
	[RB_ANALYZED] = "analyzed",
	[RB_UPDATEABLE] = "updateable",
	[RB_PAGES] = "pages",
	[RB_SNAPSHOT] = "snapshot",
	[RB_OFF] = "off",
};

const char *
rb_mode_name(enum rb_mode m)
{
	return (unsigned int)m < RB_MODE_COUNT ? rb_mode_names[m] : "?";
}

static void
rb_usage(FILE *f)
{
	fprintf(f,
"usage: " RB_PROG " --mb NAME --trace FILE [options]\n"
"Replays FILE through a primary sa-runtime (net_pcap RX, --clock trace,\n"
"--commit sync: one delta per batch) with a standby attached on loopback\n"
"TCP, once per replication mode, and prints what each mode put on the\n"
"wire.\n"
"  --mb NAME        middlebox (sa-runtime --list)\n"
"  --trace FILE     pcap to replay\n"
"  --config FILE    one-armed INI with a net_pcap port\n"
"                   (default " RB_CONFIG_DIR "/NAME.ini); its\n"
"                   [replication] section is replaced\n"
"  --modes LIST     comma-separated, in run order\n"
"                   (analyzed,updateable,pages,snapshot,off)\n"
"  --csv FILE       one row per mode\n"
"  --plot FILE.svg  bars of bytes per packet, log scale\n"
"  --build DIR      build directory holding runtime/sa-runtime\n"
"                   (default: the one this program was built in)\n"
"  --lcores P,S     cores of the primary and the standby (0,1)\n"
"  --mem MB         EAL memory of each instance (%u)\n"
"  --timeout SEC    give up on a run after SEC seconds (%u)\n"
"  --keep           keep the work directory (configs, logs, stats)\n"
"Columns, per mode (bytes are replication frames the primary sent, each\n"
"counted whole: 6-byte header, protobuf payload, 32-byte HMAC; TCP/IP\n"
"headers not included; the standby's acks are the CSV's ack_bytes):\n"
"  sync B      the Hello and the standby's initial snapshot: paid once\n"
"              per standby (re)join, the same in every mode but off\n"
"  delta B     the StateDelta frames: one (or more) per RX batch\n"
"  messages    all frames: Hello, snapshot chunks, deltas\n"
"  B/packet    delta B / packets received\n"
"  B/batch     delta B / RX batches replicated\n"
"  B/update    delta B / flow updates. A flow update is a packet whose\n"
"              processing made at least one instrumented\n"
"              OUTPUT_IMPACTING write (a dirty-hook call of that class,\n"
"              counted by the runtime in every mode as\n"
"              repl.dirty.flow_updates); the analyzed run's count is the\n"
"              denominator of every mode. n/a when the middlebox called\n"
"              no hook: it is not instrumented (see tracking)\n"
"  x analyzed  delta B / analyzed's delta B\n"
"  all B/pkt   (sync B + delta B) / packets: depends on the trace's\n"
"              length, as the snapshot is amortized over it\n"
"  tracking    what the runtime did for the mode: hooks (dirty hooks of\n"
"              an instrumented build), pages (dirty pages; analyzed and\n"
"              updateable fall back to it without a manifest),\n"
"              snapshot, off\n"
"The last line is 'analyzed vs snapshot: <ratio>x': snapshot's delta B over\n"
"analyzed's. Exit status: 0; 1 when a run failed (the log tail of the\n"
"failing instance is printed); 2 on bad usage.\n", RB_DEFAULT_MEM_MB, RB_DEFAULT_TIMEOUT_S);
}

static int
rb_bad(const char *opt, const char *arg, const char *why)
{
	fprintf(stderr, RB_PROG ": --%s: '%s': %s\n", opt, arg, why);
	return -1;
}

static int
rb_parse_modes(const char *arg, struct rb_opts *o)
{
	char buf[128], *save = NULL, *tok;
	unsigned int seen = 0, m;

	if (strlen(arg) >= sizeof(buf))
		return rb_bad("modes", arg, "too long");
	strcpy(buf, arg);
	o->n_modes = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		for (m = 0; m < RB_MODE_COUNT; m++)
			if (strcmp(tok, rb_mode_names[m]) == 0)
				break;
		if (m == RB_MODE_COUNT)
			return rb_bad("modes", tok, "not analyzed, updateable, "
				      "pages, snapshot or off");
		if (seen & (1u << m))
			return rb_bad("modes", tok, "given twice");
		seen |= 1u << m;
		o->modes[o->n_modes++] = (enum rb_mode)m;
	}
	if (o->n_modes == 0)
		return rb_bad("modes", arg, "no mode");
	return 0;
}

static int
rb_parse_uint(const char *opt, const char *arg, uint64_t min, uint64_t max,
	      unsigned int *out)
{
	uint64_t v;

	if (tl_parse_u64(arg, min, max, &v) < 0)
		return rb_bad(opt, arg, "not a number in range");
	*out = (unsigned int)v;
	return 0;
}

static int
rb_parse_lcores(const char *arg, struct rb_opts *o)
{
	char buf[32], *comma;

	if (strlen(arg) >= sizeof(buf) || (comma = strchr(arg, ',')) == NULL)
		return rb_bad("lcores", arg, "expected P,S");
	strcpy(buf, arg);
	buf[comma - arg] = '\0';
	if (rb_parse_uint("lcores", buf, 0, RB_LCORE_MAX,
			  &o->lcore_primary) < 0 ||
	    rb_parse_uint("lcores", buf + (comma - arg) + 1, 0, RB_LCORE_MAX,
			  &o->lcore_standby) < 0)
		return -1;
	return 0;
}

/* sa-runtime of --build DIR, else of the build this program is in
 * (BUILD/tools/sa-replbench -> BUILD/runtime/sa-runtime). */
static int
rb_find_runtime(const char *build, char *out, size_t len)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (build == NULL) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			return -1;
		exe[n] = '\0';
		/* Strip the program, then tools/. */
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		build = exe;
	}
	if ((size_t)snprintf(out, len, "%s/runtime/sa-runtime", build) >= len)
		return -1;
	return access(out, X_OK);
}

static int
rb_parse_args(int argc, char **argv, struct rb_opts *o, char *runtime,
	      size_t runtime_len)
{
	const char *build = NULL;
	static char config[PATH_MAX];
	int opt, rc = 0;

	memset(o, 0, sizeof(*o));
	o->lcore_standby = 1;
	o->mem_mb = RB_DEFAULT_MEM_MB;
	o->timeout_s = RB_DEFAULT_TIMEOUT_S;
	for (o->n_modes = 0; o->n_modes < RB_MODE_COUNT; o->n_modes++)
		o->modes[o->n_modes] = (enum rb_mode)o->n_modes;
	opterr = 0;
	while (rc == 0 &&
	       (opt = getopt_long(argc, argv, "", rb_long_opts, NULL)) != -1) {
		switch (opt) {
		case RB_OPT_MB: o->mb = optarg; break;
		case RB_OPT_TRACE: o->trace = optarg; break;
		case RB_OPT_CONFIG: o->config = optarg; break;
		case RB_OPT_CSV: o->csv = optarg; break;
		case RB_OPT_PLOT: o->plot = optarg; break;
		case RB_OPT_BUILD: build = optarg; break;
		case RB_OPT_KEEP: o->keep = 1; break;
		case RB_OPT_MODES: rc = rb_parse_modes(optarg, o); break;
		case RB_OPT_LCORES: rc = rb_parse_lcores(optarg, o); break;
		case RB_OPT_MEM:
			rc = rb_parse_uint("mem", optarg, 64, RB_MEM_MAX_MB,
					   &o->mem_mb);
			break;
		case RB_OPT_TIMEOUT:
			rc = rb_parse_uint("timeout", optarg, 1,
					   RB_TIMEOUT_MAX_S, &o->timeout_s);
			break;
		case RB_OPT_HELP:
			rb_usage(stdout);
			exit(0);
		default:
			fprintf(stderr, RB_PROG ": unknown option or missing "
				"value: '%s'\n", argv[optind - 1]);
			rc = -1;
		}
	}
	if (rc == 0 && optind < argc) {
		fprintf(stderr, RB_PROG ": unexpected argument '%s'\n",
			argv[optind]);
		rc = -1;
	}
	if (rc == 0 && (o->mb == NULL || o->trace == NULL)) {
		fprintf(stderr, RB_PROG ": --mb and --trace are required\n");
		rc = -1;
	}
	if (rc == 0 && o->lcore_primary == o->lcore_standby) {
		fprintf(stderr, RB_PROG ": --lcores: the primary and the "
			"standby need a core each\n");
		rc = -1;
	}
	if (rc == 0 && o->config == NULL) {
		snprintf(config, sizeof(config), "%s/%s.ini", RB_CONFIG_DIR,
			 o->mb);
		o->config = config;
	}
	if (rc == 0 && rb_find_runtime(build, runtime, runtime_len) < 0) {
		fprintf(stderr, RB_PROG ": no executable sa-runtime at %s: "
			"build it, or give --build DIR\n", runtime);
		rc = -1;
	}
	if (rc < 0) {
		fprintf(stderr, "Try '" RB_PROG " --help'.\n");
		return -1;
	}
	o->runtime = runtime;
	return 0;
}

static void
rb_signal_cb(int sig)
{
	rb_run_kill_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

int
main(int argc, char **argv)
{
	static char runtime[PATH_MAX];
	struct rb_result res[RB_MODE_COUNT];
	struct rb_report rep;
	struct rb_opts o;
	struct rb_env env;
	unsigned int i;
	int rc;

	if (rb_parse_args(argc, argv, &o, runtime, sizeof(runtime)) < 0)
		return RB_EXIT_USAGE;
	rc = rb_env_init(&env, &o);
	if (rc != 0)
		return rc;
	signal(SIGINT, rb_signal_cb);
	signal(SIGTERM, rb_signal_cb);
	for (i = 0; i < o.n_modes && rc == 0; i++) {
		fprintf(stderr, RB_PROG ": %s: --replicate %s...\n", o.mb,
			rb_mode_name(o.modes[i]));
		rc = rb_run_mode(&env, &o, o.modes[i], &res[i]);
	}
	if (rc == 0) {
		rb_report_init(&rep, &o, res, o.n_modes);
		rb_report_print(&rep);
		if ((o.csv != NULL && rb_report_csv(&rep, o.csv) < 0) ||
		    (o.plot != NULL && rb_report_svg(&rep, o.plot) < 0))
			rc = RB_EXIT_FAIL;
	}
	rb_env_fini(&env, o.keep);
	return rc;
}
