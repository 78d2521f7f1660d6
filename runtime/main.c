/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sa-runtime: runs one middlebox instance on DPDK ports.
 *
 *   sa-runtime [EAL options] -- --mb NAME --config FILE [--role solo] ...
 *
 * Start-up errors end in rte_exit() here and nowhere else; everything
 * below main() returns 0 / -errno.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "rt_args.h"
#include "rt_config.h"
#include "rt_ctx.h"
#include "rt_log.h"
#include "rt_loop.h"
#include "rt_port.h"
#include "rt_stats.h"
#include "sa_registry.h"

static volatile bool force_quit;

static void
signal_handler(int signum)
{
	(void)signum;
	force_quit = true;
}

static void
list_middleboxes(FILE *out)
{
	unsigned int i;

	for (i = 0; i < sa_registry_count(); i++) {
		const struct sa_middlebox *mb = sa_registry_get(i);

		fprintf(out, "  %-14s %s\n", mb->name,
			mb->desc != NULL ? mb->desc : "");
	}
}

static const struct sa_middlebox *
find_middlebox(const char *name)
{
	const struct sa_middlebox *mb = sa_registry_find(name);

	if (mb == NULL) {
		fprintf(stderr, "--mb: no middlebox '%s'; available:\n", name);
		list_middleboxes(stderr);
	}
	return mb;
}

static struct rt_stats stats;
static struct sa_ctx ctx;

static void
report(const struct rt_args *args, const struct sa_middlebox *mb,
       int two_armed)
{
	if (!args->quiet)
		rt_stats_print(&stats, mb, two_armed, stdout);
	if (args->stats_file != NULL)
		rt_stats_write_json(&stats, mb, two_armed, args->stats_file);
}

int
main(int argc, char **argv)
{
	const struct sa_middlebox *mb;
	struct rt_port_conf conf;
	struct rte_mempool *pool = NULL;
	struct rt_config *cfg = NULL;
	struct rt_loop_params lp;
	struct rt_args args;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL initialisation failed: %s\n",
			 rte_strerror(rte_errno));
	argc -= ret;
	argv += ret;
	argv[0] = "sa-runtime";
	ret = rt_args_parse(argc, argv, &args);
	if (ret != 0)
		rte_exit(ret > 0 ? EXIT_SUCCESS : EXIT_FAILURE, "\n");
	if (args.list) {
		list_middleboxes(stdout);
		rte_eal_cleanup();
		return EXIT_SUCCESS;
	}
	mb = find_middlebox(args.mb);
	if (mb == NULL)
		rte_exit(EXIT_FAILURE, "unknown middlebox\n");
	if (rt_config_load(args.config, &cfg) < 0)
		rte_exit(EXIT_FAILURE, "bad configuration\n");
	if (!rt_config_has_section(cfg, "runtime") ||
	    rt_port_conf_parse(rt_config_section(cfg, "runtime"), &conf) < 0)
		rte_exit(EXIT_FAILURE, "%s: bad or missing [runtime] section\n",
			 args.config);
	if (rt_port_setup(&conf, args.clock == RT_CLOCK_TRACE, &pool) < 0)
		rte_exit(EXIT_FAILURE, "port setup failed\n");
	if (rt_ctx_init(&ctx, mb, &stats, args.clock == RT_CLOCK_TRACE,
			args.alert_log) < 0)
		rte_exit(EXIT_FAILURE, "cannot set up the runtime context\n");
	if (mb->init != NULL &&
	    mb->init(&ctx, rt_config_section(cfg, mb->name)) < 0)
		rte_exit(EXIT_FAILURE, "%s: middlebox '%s' failed to start\n",
			 args.config, mb->name);
	if (rt_stats_telemetry_init(&stats, mb, conf.two_armed) < 0)
		RT_LOG(WARNING, "/sa/stats telemetry command unavailable\n");

	signal(SIGINT, signal_handler);
	signal(SIGTERM, signal_handler);
	RT_LOG(INFO, "%s running on lcore %u (%s, %s clock)\n", mb->name,
	       rte_lcore_id(), conf.two_armed ? "two-armed" : "one-armed",
	       args.clock == RT_CLOCK_TRACE ? "trace" : "tsc");
	lp = (struct rt_loop_params){ .ctx = &ctx, .conf = &conf,
				      .args = &args, .quit = &force_quit };
	ret = rt_loop_run(&lp);

	report(&args, mb, conf.two_armed);
	if (mb->fini != NULL)
		mb->fini(&ctx);
	rt_ctx_fini(&ctx);
	rt_port_teardown(&conf, pool);
	rt_config_free(cfg);
	rte_eal_cleanup();
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
