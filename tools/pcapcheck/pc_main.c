/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * sa-pcapcheck: checks a middlebox's output capture against its input,
 * for the integration tests. Usage errors exit 2, check failures and
 * unreadable files 1 (their message goes to stdout, next to the summary
 * a test script captures).
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_check.h"

#define PC_PROG			"sa-pcapcheck"
#define PC_EXIT_USAGE		2

enum pc_opt_id {
	PC_OPT_IN = 256,
	PC_OPT_OUT,
	PC_OPT_POOL,
	PC_OPT_INSIDE,
	PC_OPT_CONFIG,
	PC_OPT_COMMANDS,
};

static const struct option pc_long_opts[] = {
	{ "in",		required_argument, NULL, PC_OPT_IN },
	{ "out",	required_argument, NULL, PC_OPT_OUT },
	{ "pool",	required_argument, NULL, PC_OPT_POOL },
	{ "inside",	required_argument, NULL, PC_OPT_INSIDE },
	{ "config",	required_argument, NULL, PC_OPT_CONFIG },
	{ "commands",	required_argument, NULL, PC_OPT_COMMANDS },
	{ NULL, 0, NULL, 0 },
};

struct pc_args {
	const char *in, *out, *pool, *inside, *config, *commands;
};

static int
pc_usage(void)
{
	fprintf(stderr,
"usage: " PC_PROG " nat --in IN.pcap --out OUT.pcap --pool LIST --inside LIST\n"
"       " PC_PROG " lb --in IN.pcap --out OUT.pcap --config LB.INI\n"
"          [--commands FILE]\n"
"       " PC_PROG " subset --in IN.pcap --out OUT.pcap\n"
"       " PC_PROG " count FILE.pcap\n"
"  nat     OUT is IN as translated by the nat middlebox: sources from\n"
"          inside are in the pool, mappings are stable and unique,\n"
"          return traffic reaches the mapped inside host, checksums hold\n"
"  lb      OUT is IN as balanced by the lb middlebox configured by the\n"
"          [lb] section of LB.INI: client packets to a service reach an\n"
"          up backend of it, the same one for the whole flow, replies\n"
"          leave from the VIP, nothing else changes, checksums hold, no\n"
"          client packet to a service or reply of a flow is lost;\n"
"          with sa-runtime's --commands FILE, backends change state at\n"
"          their input positions: new flows avoid drained and down\n"
"          backends, a flow moves only off a backend that is down\n"
"  subset  every OUT frame equals an IN frame, in the same order\n"
"  count   prints packets=N\n"
"  LIST    pool: a.b.c.d and a.b.c.d/len, comma-separated (every address\n"
"          of a prefix, in order); inside: prefixes\n");
	return PC_EXIT_USAGE;
}

static int
pc_parse_args(int argc, char **argv, struct pc_args *a)
{
	int id;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 1;
	/* A leading ':' makes getopt tell a missing value from an unknown
	 * option. */
	while ((id = getopt_long(argc, argv, ":", pc_long_opts, NULL)) != -1) {
		switch (id) {
		case PC_OPT_IN:
			a->in = optarg;
			break;
		case PC_OPT_OUT:
			a->out = optarg;
			break;
		case PC_OPT_POOL:
			a->pool = optarg;
			break;
		case PC_OPT_INSIDE:
			a->inside = optarg;
			break;
		case PC_OPT_CONFIG:
			a->config = optarg;
			break;
		case PC_OPT_COMMANDS:
			a->commands = optarg;
			break;
		default:
			fprintf(stderr, PC_PROG " %s: %s: %s\n", argv[0],
				argv[optind - 1], id == ':' ? "missing value" :
				"unknown option");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PC_PROG " %s: unexpected argument '%s'\n",
			argv[0], argv[optind]);
		return -1;
	}
	if (a->in == NULL || a->out == NULL) {
		fprintf(stderr, PC_PROG " %s: --in and --out are required\n",
			argv[0]);
		return -1;
	}
	return 0;
}

static int
pc_main_nat(int argc, char **argv)
{
	struct sa_prefix_set inside;
	struct tl_pool pool;
	const char *err = NULL;
	struct pc_args a;
	int bad = 0, rc;

	if (pc_parse_args(argc, argv, &a) < 0)
		return pc_usage();
	if (a.pool == NULL || a.inside == NULL || a.config != NULL ||
	    a.commands != NULL) {
		fprintf(stderr, PC_PROG " nat: takes --pool and --inside, "
			"not --config\n");
		return pc_usage();
	}
	rc = sa_prefix_set_parse(a.inside, &inside, &bad);
	if (rc == -E2BIG) {
		fprintf(stderr, PC_PROG " nat: --inside '%s': more than %d "
			"prefixes\n", a.inside, SA_PREFIX_SET_MAX);
		return PC_EXIT_USAGE;
	}
	if (rc < 0) {
		fprintf(stderr, PC_PROG " nat: --inside '%s': element %d is "
			"not a prefix\n", a.inside, bad + 1);
		return PC_EXIT_USAGE;
	}
	if (tl_pool_parse(a.pool, &pool, &err) < 0) {
		fprintf(stderr, PC_PROG " nat: --pool '%s': %s\n", a.pool,
			err);
		return PC_EXIT_USAGE;
	}
	rc = pc_check_nat(a.in, a.out, &pool, &inside);
	tl_pool_free(&pool);
	return rc;
}

static int
pc_main_lb(int argc, char **argv)
{
	static struct pc_lbconf cfg;
	struct pc_args a;
	int rc;

	if (pc_parse_args(argc, argv, &a) < 0)
		return pc_usage();
	if (a.config == NULL || a.pool != NULL || a.inside != NULL) {
		fprintf(stderr, PC_PROG " lb: takes --config, not --pool or "
			"--inside\n");
		return pc_usage();
	}
	if (pc_lbconf_load(a.config, &cfg) < 0)
		return 1;
	if (a.commands != NULL && pc_lbconf_commands(a.commands, &cfg) < 0) {
		pc_lbconf_free(&cfg);
		return 1;
	}
	rc = pc_check_lb(a.in, a.out, &cfg);
	pc_lbconf_free(&cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	struct pc_args a;

	if (argc < 2)
		return pc_usage();
	if (strcmp(argv[1], "nat") == 0)
		return pc_main_nat(argc - 1, argv + 1);
	if (strcmp(argv[1], "lb") == 0)
		return pc_main_lb(argc - 1, argv + 1);
	if (strcmp(argv[1], "subset") == 0) {
		if (pc_parse_args(argc - 1, argv + 1, &a) < 0)
			return pc_usage();
		if (a.pool != NULL || a.inside != NULL || a.config != NULL ||
		    a.commands != NULL) {
			fprintf(stderr, PC_PROG " subset: takes no --pool, "
				"--inside or --config\n");
			return pc_usage();
		}
		return pc_check_subset(a.in, a.out);
	}
	if (strcmp(argv[1], "count") == 0) {
		if (argc != 3)
			return pc_usage();
		return pc_check_count(argv[2]);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		pc_usage();
		return EXIT_SUCCESS;
	}
	fprintf(stderr, PC_PROG ": unknown command '%s'\n", argv[1]);
	return pc_usage();
}
