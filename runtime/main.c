/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sa-runtime: runs one middlebox instance on DPDK ports, alone or as the
 * primary or standby of a replicated pair.
 *
 *   sa-runtime [EAL options] -- --mb NAME --config FILE
 *              [--role solo|primary|standby] ...
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

#include "rt_arena.h"
#include "rt_args.h"
#include "rt_chan.h"
#include "rt_cmd.h"
#include "rt_config.h"
#include "rt_control.h"
#include "rt_ctx.h"
#include "rt_ident.h"
#include "rt_log.h"
#include "rt_loop.h"
#include "rt_port.h"
#include "rt_rconf.h"
#include "rt_repl.h"
#include "rt_rmap.h"
#include "rt_stats.h"
#include "sa_registry.h"

/* The epoch a fresh instance starts with, in memory only: the HA daemon
 * will persist and raise it. A standby takes its primary's. */
#define RT_EPOCH_PRIMARY	1
#define RT_EPOCH_STANDBY	0

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
static struct rt_repl_stats repl_stats;
static struct rt_rmap rmap;
static struct rt_ident ident;
static struct rt_cmd_sched cmds;

static void
report(const struct rt_args *args, const struct sa_middlebox *mb,
       int two_armed)
{
	if (!args->quiet)
		rt_stats_print(&stats, mb, two_armed, stdout);
	if (args->stats_file != NULL)
		rt_stats_write_json(&stats, mb, two_armed, args->stats_file);
}

static void
setup_config(const struct rt_args *args, struct rt_config **cfg,
	     struct rt_port_conf *conf, struct rt_rconf *rconf)
{
	const struct sa_config *runtime;

	if (rt_config_load(args->config, cfg) < 0)
		rte_exit(EXIT_FAILURE, "bad configuration\n");
	runtime = rt_config_section(*cfg, "runtime");
	if (!rt_config_has_section(*cfg, "runtime") ||
	    rt_port_conf_parse(runtime, conf) < 0)
		rte_exit(EXIT_FAILURE, "%s: bad or missing [runtime] section\n",
			 args->config);
	if (rt_rconf_parse(runtime, rt_config_section(*cfg, "replication"),
			   args->role != RT_ROLE_SOLO, rconf) < 0)
		rte_exit(EXIT_FAILURE, "%s: bad replication settings\n",
			 args->config);
}

/* After the middlebox's init: its state is what the standby must hold. */
static struct rt_repl *
setup_replication(const struct rt_args *args, const struct rt_rconf *rc,
		  const struct sa_middlebox *mb, struct rt_config *cfg,
		  struct rt_arena *arena)
{
	struct rt_repl_conf rconf = {
		.role = args->role,
		.mode = args->replicate,
		.commit = args->commit,
		.verify = args->verify,
		.addr_text = args->role == RT_ROLE_PRIMARY ? args->peer :
							     args->listen,
		.key_file = rc->key_file,
		.ack_timeout_ns = rc->ack_timeout_ns,
		.reconnect_ns = rc->reconnect_ns,
		.epoch = args->role == RT_ROLE_PRIMARY ? RT_EPOCH_PRIMARY :
							 RT_EPOCH_STANDBY,
		.promote_addr_text = args->role == RT_ROLE_STANDBY ?
				     args->peer : NULL,
	};
	struct rt_repl *repl;

	if (rt_rmap_init(&rmap, arena, mb->manifest) < 0)
		rte_exit(EXIT_FAILURE, "%s: bad manifest\n", mb->name);
	if (args->role == RT_ROLE_SOLO)
		return NULL;
	if (rt_chan_addr_parse(args->role == RT_ROLE_PRIMARY ? "--peer" :
			       "--listen", rconf.addr_text, &rconf.addr,
			       &rconf.addr_len) < 0 ||
	    (rconf.promote_addr_text != NULL &&
	     rt_chan_addr_parse("--peer", rconf.promote_addr_text,
				&rconf.promote_addr,
				&rconf.promote_addr_len) < 0) ||
	    rt_ident_init(&ident, mb, rt_config_section(cfg, mb->name),
			  &rmap) < 0 ||
	    rt_repl_create(&rconf, &rmap, &ident, &repl_stats, &repl) < 0)
		rte_exit(EXIT_FAILURE, "cannot set up replication\n");
	stats.repl = &repl_stats;
	return repl;
}

static void
start_middlebox(const struct rt_args *args, const struct sa_middlebox *mb,
		struct rt_config *cfg, struct rt_arena *arena)
{
	rt_ctx_set_arena(arena);
	stats.arena = arena;
	if (rt_ctx_init(&ctx, mb, &stats, args->clock == RT_CLOCK_TRACE,
			args->alert_log) < 0)
		rte_exit(EXIT_FAILURE, "cannot set up the runtime context\n");
	if (mb->init != NULL &&
	    mb->init(&ctx, rt_config_section(cfg, mb->name)) < 0)
		rte_exit(EXIT_FAILURE, "%s: middlebox '%s' failed to start\n",
			 args->config, mb->name);
}

int
main(int argc, char **argv)
{
	const struct sa_middlebox *mb;
	struct rt_port_conf conf;
	struct rt_pool pool = { 0 };
	struct rt_config *cfg = NULL;
	struct rt_control *ctl = NULL;
	struct rt_arena *arena = NULL;
	struct rt_repl *repl = NULL;
	struct rt_loop_params lp;
	struct rt_rconf rconf;
	const char *ctl_path;
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
	if (args.commands != NULL && mb->command == NULL)
		rte_exit(EXIT_FAILURE, "--commands: middlebox '%s' takes no "
			 "commands\n", mb->name);
	if (args.commands != NULL && rt_cmd_sched_load(args.commands,
						       &cmds) < 0)
		rte_exit(EXIT_FAILURE, "--commands: bad schedule\n");
	setup_config(&args, &cfg, &conf, &rconf);
	if (rt_arena_create(rconf.arena_base, rconf.arena_size, &arena) < 0)
		rte_exit(EXIT_FAILURE, "%s: cannot map the state arena\n",
			 args.config);
	if (rt_port_setup(&conf, args.clock == RT_CLOCK_TRACE, &pool) < 0)
		rte_exit(EXIT_FAILURE, "port setup failed\n");
	start_middlebox(&args, mb, cfg, arena);
	repl = setup_replication(&args, &rconf, mb, cfg, arena);
	ctl_path = args.control != NULL ? args.control : rconf.control_socket;
	if (ctl_path != NULL && rt_control_create(ctl_path, &ctl) < 0)
		rte_exit(EXIT_FAILURE, "cannot create the control socket\n");
	if (rt_stats_telemetry_init(&stats, mb, conf.two_armed) < 0)
		RT_LOG(WARNING, "/sa/stats telemetry command unavailable\n");

	signal(SIGINT, signal_handler);
	signal(SIGTERM, signal_handler);
	RT_LOG(INFO, "%s running on lcore %u (%s, %s clock, role %s)\n",
	       mb->name, rte_lcore_id(),
	       conf.two_armed ? "two-armed" : "one-armed",
	       args.clock == RT_CLOCK_TRACE ? "trace" : "tsc",
	       args.role == RT_ROLE_PRIMARY ? "primary" :
	       args.role == RT_ROLE_STANDBY ? "standby" : "solo");
	lp = (struct rt_loop_params){ .ctx = &ctx, .conf = &conf,
				      .args = &args, .quit = &force_quit,
				      .repl = repl, .ctl = ctl,
				      .cmds = args.commands ? &cmds : NULL };
	ret = rt_loop_run(&lp);

	report(&args, mb, conf.two_armed);
	rt_control_free(ctl);
	rt_repl_free(repl);
	stats.repl = NULL;
	if (mb->fini != NULL)
		mb->fini(&ctx);
	rt_ctx_fini(&ctx);
	rt_rmap_fini(&rmap);
	rt_port_teardown(&conf, &pool);
	rt_ctx_set_arena(NULL);
	rt_arena_free(arena);
	rt_config_free(cfg);
	rt_cmd_sched_free(&cmds);
	rte_eal_cleanup();
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
