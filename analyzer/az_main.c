/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * statealyzr: the command line. "analyze" runs the phases in order
 * (load, prepare, pointer analysis, call graph, entries, persistent
 * objects, mod/ref, slice, flowspace) and writes the reports;
 * "instrument" runs the same phases, then rewrites the module
 * (az_instr.h) and writes it. Exit status: 0 done, 1 the input could not
 * be analyzed or the output not written, 2 bad usage.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "az_cg.h"
#include "az_entry.h"
#include "az_flowspace.h"
#include "az_instr.h"
#include "az_modref.h"
#include "az_module.h"
#include "az_persist.h"
#include "az_pta.h"
#include "az_report.h"
#include "az_result.h"
#include "az_slice.h"

#define AZ_EXIT_FAIL	1
#define AZ_EXIT_USAGE	2
#define AZ_OPTSTR_MAX	4096
#define AZ_LOC_MAX	512
#define AZ_NS_PER_S	1e9

struct az_opts {
	bool instrument;	/* the instrument command */
	const char *in;
	const char *out;	/* instrument: -o */
	const char *report;	/* instrument: --report */
	const char *entry;
	const char *loop;
	const char *recv;
	const char *output;
	const char *json;
	bool quiet;
	int verbose;
};

struct az_run {
	struct az_module *m;
	struct az_pta *pta;
	struct az_cg *cg;
	struct az_entry_list el;
	struct az_modref *mr;
	struct az_result r;
	bool have_result;
	char entry_loc[AZ_LOC_MAX];
};

static void
az_usage(FILE *f)
{
	fputs("usage: statealyzr analyze IN.bc|IN.ll [--entry FN | --loop FN]\n"
	      "                  [--recv F,...] [--output F,...] [--json OUT]"
	      " [--quiet] [-v]\n"
	      "       statealyzr instrument IN.bc|IN.ll -o OUT.bc [analyze's"
	      " options]\n"
	      "                  [--report R.txt]\n"
	      "       statealyzr --help\n\n"
	      "analyze finds the state of a packet-processing program that\n"
	      "must be replicated: persistent objects, which of them packets\n"
	      "update, which influence output, and by which header fields\n"
	      "they are keyed. Prints a readable report; --json writes\n"
	      "SCHEMA.md's JSON (\"-\": to stdout, instead of the readable\n"
	      "report).\n\n"
	      "instrument analyzes the same way, then writes OUT.bc: a dirty\n"
	      "hook after every per-packet store that may write persistent\n"
	      "state, heap allocation redirected to the state arena, and the\n"
	      "manifest of replicated globals (sa/replica.h). It prints one\n"
	      "summary line on stderr; the reports only on request.\n\n"
	      "  --entry FN     FN is called once per packet\n"
	      "  --loop FN      FN holds the packet loop\n"
	      "  --recv F,...   more receive functions (loop detection)\n"
	      "  --output F,... more output functions (slicing criteria)\n"
	      "  --json OUT     write the JSON report to OUT\n"
	      "  -o OUT.bc      instrument: the instrumented module\n"
	      "  --report R.txt instrument: the readable report (\"-\": stdout)\n"
	      "  --quiet        no readable report, no notes, no progress\n"
	      "  -v             more messages (twice: solver statistics)\n",
	      f);
}

static int
az_parse(int argc, char **argv, bool instrument, struct az_opts *o)
{
	static const struct option longopts[] = {
		{ "entry", required_argument, NULL, 'e' },
		{ "loop", required_argument, NULL, 'l' },
		{ "recv", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'O' },
		{ "json", required_argument, NULL, 'j' },
		{ "report", required_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->instrument = instrument;
	opterr = 0;
	while ((c = getopt_long(argc, argv, instrument ? "o:vh" : "vh",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'e': o->entry = optarg; break;
		case 'l': o->loop = optarg; break;
		case 'r': o->recv = optarg; break;
		case 'O': o->output = optarg; break;
		case 'o': o->out = optarg; break;
		case 'j': o->json = optarg; break;
		case 'R':
			if (!instrument)
				goto bad;
			o->report = optarg;
			break;
		case 'q': o->quiet = true; break;
		case 'v': o->verbose++; break;
		case 'h': return 1;
		default:
bad:
			az_log(AZ_LOG_ERR, "bad option '%s' (see --help)",
			       argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (instrument && o->out == NULL) {
		az_log(AZ_LOG_ERR, "instrument: no output file (-o OUT.bc)");
		return -EINVAL;
	}
	if (optind + 1 != argc) {
		az_log(AZ_LOG_ERR, optind == argc ? "no input file (see --help)"
		       : "more than one input file (see --help)");
		return -EINVAL;
	}
	o->in = argv[optind];
	if (o->entry != NULL && o->loop != NULL) {
		az_log(AZ_LOG_ERR, "--entry and --loop exclude each other");
		return -EINVAL;
	}
	return 0;
}

/* Adds each name of a comma-separated list. */
static int
az_add_names(const char *list, int (*add)(const char *), const char *what)
{
	char *copy, *name, *save = NULL;
	size_t n = 0;
	int rc = 0;

	if (list == NULL)
		return 0;
	copy = strdup(list);
	if (copy == NULL)
		return -ENOMEM;
	for (name = strtok_r(copy, ",", &save); name != NULL && rc == 0;
	     name = strtok_r(NULL, ",", &save), n++)
		rc = add(name);
	if (rc == 0 && n == 0)
		rc = -EINVAL;
	if (rc != 0)
		az_log(AZ_LOG_ERR, "bad %s list '%s'", what, list);
	free(copy);
	return rc;
}

/* -v: how long each phase took, from @p *t (then reset to now). */
static void
az_phase_done(const char *phase, uint64_t *t)
{
	uint64_t now = az_log_now_ns();

	az_log(AZ_LOG_INFO, "%s: %.3f s", phase, (double)(now - *t) /
	       AZ_NS_PER_S);
	*t = now;
}

static int
az_run_engine(struct az_run *x, const struct az_opts *o)
{
	struct az_entry_opts eo = { o->entry, o->loop };
	uint64_t t = az_log_now_ns();
	LLVMValueRef *keep = NULL;
	size_t n_keep = 0;
	int rc;

	rc = az_module_load(o->in, &x->m);
	if (rc == 0)
		rc = az_entry_loop_procs(x->m, &eo, &keep, &n_keep);
	if (rc == 0)
		rc = az_module_prepare(x->m, keep, n_keep);
	free(keep);
	az_phase_done("load and prepare", &t);
	if (rc == 0)
		rc = az_pta_run(x->m, NULL, &x->pta);
	az_phase_done("pointer analysis", &t);
	if (rc == 0)
		rc = az_cg_build(x->pta, &x->cg);
	if (rc == 0)
		rc = az_entry_find(x->m, x->pta, x->cg, &eo, &x->el);
	az_phase_done("call graph and entries", &t);
	return rc;
}

static void
az_set_entry(struct az_run *x)
{
	const struct az_entry *e = &x->el.v[0];

	x->r.entry_kind = az_entry_kind_name(e->kind);
	x->r.entry_func = az_fn_label(&x->r, e->func);
	if (az_module_loc(x->m, e->func, &(struct az_srcloc){ 0 }) == 0)
		x->r.entry_loc = az_module_loc_str(x->m, e->func, false,
						   x->entry_loc,
						   sizeof(x->entry_loc));
}

static int
az_run_phases(struct az_run *x, const struct az_opts *o)
{
	uint64_t t = az_log_now_ns();
	int rc;

	rc = az_result_init(&x->r, x->m, x->pta);
	if (rc != 0)
		return rc;
	x->have_result = true;
	x->r.input = o->in;
	x->r.debug_info = az_module_has_debug_info(x->m);
	if (x->el.n != 0)
		az_set_entry(x);
	rc = az_persist_find(&x->r, &x->el);
	az_phase_done("persistent objects", &t);
	if (rc == 0)
		rc = az_modref_build(x->m, x->pta, x->cg, &x->el, &x->mr);
	if (rc == 0)
		rc = az_modref_mark(x->mr, &x->r);
	az_phase_done("mod/ref", &t);
	if (rc == 0)
		rc = az_slice_run(x->mr, &x->r);
	az_phase_done("slice", &t);
	if (rc == 0)
		rc = az_flowspace_run(x->mr, &x->r);
	az_phase_done("flowspace", &t);
	if (rc == 0)
		az_result_finish(&x->r);
	return rc;
}

/* Summary counts and the analysis hash, once the phases are done. */
static int
az_finish(struct az_run *x, const struct az_opts *o, uint64_t t0)
{
	char opts[AZ_OPTSTR_MAX];
	struct rusage ru;
	int rc;

	x->r.sum.functions = az_module_n_functions(x->m);
	x->r.sum.reachable_functions = az_modref_n_per_packet_fns(x->mr);
	x->r.sum.instructions = az_module_n_instructions(x->m);
	x->r.sum.seconds = (double)(az_log_now_ns() - t0) / AZ_NS_PER_S;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		x->r.sum.peak_rss_kib = ru.ru_maxrss;
	snprintf(opts, sizeof(opts), "entry=%s;loop=%s;recv=%s;output=%s",
		 o->entry != NULL ? o->entry : "", o->loop != NULL ? o->loop : "",
		 o->recv != NULL ? o->recv : "",
		 o->output != NULL ? o->output : "");
	rc = az_report_hash(&x->r, o->in, opts);
	if (rc != 0)
		az_log(AZ_LOG_ERR, "%s: %s", o->in, strerror(-rc));
	return rc;
}

/* The readable report (@p text, "-": stdout) or the JSON (@p json). */
static int
az_write_one(struct az_run *x, const char *path, bool json)
{
	FILE *f;
	int rc;

	f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (f == NULL) {
		rc = -errno;
		az_log(AZ_LOG_ERR, "cannot write %s: %s", path, strerror(-rc));
		return rc;
	}
	rc = 0;
	if (json)
		rc = az_report_json(f, &x->r);
	else
		az_report_text(f, &x->r);
	if (ferror(f))
		rc = -EIO;
	if (f != stdout && fclose(f) != 0)
		rc = -EIO;
	if (rc != 0)
		az_log(AZ_LOG_ERR, "cannot write %s: %s", path, strerror(-rc));
	return rc;
}

static int
az_write(struct az_run *x, const struct az_opts *o)
{
	const char *text = o->report;
	int rc = 0;

	/* analyze prints the readable report unless told otherwise;
	 * instrument only when asked (its output is the module). */
	if (!o->instrument && !o->quiet &&
	    (o->json == NULL || strcmp(o->json, "-") != 0))
		text = "-";
	if (text != NULL)
		rc = az_write_one(x, text, false);
	if (rc == 0 && o->json != NULL)
		rc = az_write_one(x, o->json, true);
	return rc;
}

/* instrument: rewrite, report, write the module. */
static int
az_instrument(struct az_run *x, const struct az_opts *o)
{
	const struct az_instr_summary *s = &x->r.instr;
	int rc;

	rc = az_instr_hooks(x->mr, &x->r);
	if (rc == 0)
		rc = az_instr_module(x->m, &x->r);
	if (rc == 0)
		rc = az_write(x, o);
	if (rc == 0)
		rc = az_instr_write(x->m, o->out);
	if (rc == 0 && !o->quiet)
		fprintf(stderr, "statealyzr: instrumented %zu of %zu stores "
			"(%zu output-impacting, %zu update-only), %zu "
			"allocation calls redirected, %zu manifest regions\n",
			s->stores_instrumented, s->stores_total,
			s->output_impacting, s->update_only,
			s->allocs_redirected, s->manifest_regions);
	return rc;
}

static void
az_run_free(struct az_run *x)
{
	az_modref_free(x->mr);
	if (x->have_result)
		az_result_fini(&x->r);
	az_entry_list_free(&x->el);
	az_cg_free(x->cg);
	az_pta_free(x->pta);
	az_module_free(x->m);
}

/* analyze and instrument: the same phases, different outputs. */
static int
az_command(int argc, char **argv, bool instrument)
{
	uint64_t t0 = az_log_now_ns();
	struct az_run x;
	struct az_opts o;
	int rc;

	rc = az_parse(argc, argv, instrument, &o);
	if (rc > 0) {
		az_usage(stdout);
		return 0;
	}
	if (rc == 0)
		rc = az_add_names(o.recv, az_models_add_recv, "--recv");
	if (rc == 0)
		rc = az_add_names(o.output, az_models_add_output, "--output");
	if (rc != 0)
		return AZ_EXIT_USAGE;
	/* -v asks for more even with --quiet (phase times in scripts). */
	az_log_set_level(o.quiet && o.verbose == 0 ? AZ_LOG_WARN :
			 (enum az_log_level)(AZ_LOG_NOTE +
					     (o.verbose > 2 ? 2 : o.verbose)));
	az_log_set_progress(!o.quiet);
	memset(&x, 0, sizeof(x));
	rc = az_run_engine(&x, &o);
	if (rc == 0)
		rc = az_run_phases(&x, &o);
	if (rc == 0)
		rc = az_finish(&x, &o, t0);
	if (rc == 0)
		rc = instrument ? az_instrument(&x, &o) : az_write(&x, &o);
	az_run_free(&x);
	return rc == 0 ? 0 : AZ_EXIT_FAIL;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "analyze") == 0)
		return az_command(argc - 1, argv + 1, false);
	if (argc >= 2 && strcmp(argv[1], "instrument") == 0)
		return az_command(argc - 1, argv + 1, true);
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0)) {
		az_usage(stdout);
		return 0;
	}
	if (argc < 2)
		az_log(AZ_LOG_ERR, "no command (see --help)");
	else
		az_log(AZ_LOG_ERR, "unknown command '%s' (see --help)",
		       argv[1]);
	return AZ_EXIT_USAGE;
}
