/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * statealyzr: the command line. "analyze" runs the phases in order
 * (load, prepare, pointer analysis, call graph, entries, persistent
 * objects, mod/ref, slice, flowspace) and writes the reports. Exit status:
 * 0 done, 1 the input could not be analyzed, 2 bad usage.
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
	const char *in;
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
	      "       statealyzr --help\n\n"
	      "Finds the state of a packet-processing program that must be\n"
	      "replicated: persistent objects, which of them packets update,\n"
	      "which influence output, and by which header fields they are\n"
	      "keyed. Prints a readable report; --json writes SCHEMA.md's\n"
	      "JSON (\"-\": to stdout, instead of the readable report).\n\n"
	      "  --entry FN     FN is called once per packet\n"
	      "  --loop FN      FN holds the packet loop\n"
	      "  --recv F,...   more receive functions (loop detection)\n"
	      "  --output F,... more output functions (slicing criteria)\n"
	      "  --json OUT     write the JSON report to OUT\n"
	      "  --quiet        no readable report, no notes, no progress\n"
	      "  -v             more messages (twice: solver statistics)\n",
	      f);
}

static int
az_parse(int argc, char **argv, struct az_opts *o)
{
	static const struct option longopts[] = {
		{ "entry", required_argument, NULL, 'e' },
		{ "loop", required_argument, NULL, 'l' },
		{ "recv", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': o->entry = optarg; break;
		case 'l': o->loop = optarg; break;
		case 'r': o->recv = optarg; break;
		case 'o': o->output = optarg; break;
		case 'j': o->json = optarg; break;
		case 'q': o->quiet = true; break;
		case 'v': o->verbose++; break;
		case 'h': return 1;
		default:
			az_log(AZ_LOG_ERR, "bad option '%s' (see --help)",
			       argv[optind - 1]);
			return -EINVAL;
		}
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

static int
az_write(struct az_run *x, const struct az_opts *o, uint64_t t0)
{
	char opts[AZ_OPTSTR_MAX];
	struct rusage ru;
	FILE *f;
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
	if (rc != 0) {
		az_log(AZ_LOG_ERR, "%s: %s", o->in, strerror(-rc));
		return rc;
	}
	if (!o->quiet && (o->json == NULL || strcmp(o->json, "-") != 0))
		az_report_text(stdout, &x->r);
	if (o->json == NULL)
		return 0;
	f = strcmp(o->json, "-") == 0 ? stdout : fopen(o->json, "w");
	if (f == NULL) {
		az_log(AZ_LOG_ERR, "cannot write %s: %s", o->json,
		       strerror(errno));
		return -errno;
	}
	rc = az_report_json(f, &x->r);
	if (f != stdout && fclose(f) != 0)
		rc = -EIO;
	if (rc != 0)
		az_log(AZ_LOG_ERR, "cannot write %s: %s", o->json,
		       strerror(-rc));
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

static int
az_analyze(int argc, char **argv)
{
	uint64_t t0 = az_log_now_ns();
	struct az_run x;
	struct az_opts o;
	int rc;

	rc = az_parse(argc, argv, &o);
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
		rc = az_write(&x, &o, t0);
	az_run_free(&x);
	return rc == 0 ? 0 : AZ_EXIT_FAIL;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "analyze") == 0)
		return az_analyze(argc - 1, argv + 1);
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
