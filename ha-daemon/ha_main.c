/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sa-hadaemon: one beside each sa-runtime of an HA pair. Exchanges
 * heartbeats with the peer daemon, drives its runtime over the runtime's
 * control socket (promote, fence, demote, status), persists the epoch and
 * announces the virtual addresses after a promotion.
 *
 *   sa-hadaemon --config FILE [--check]
 *
 * Runs in the foreground (systemd: Type=simple, configs/sa-hadaemon@.service).
 * --check loads and checks the configuration, then exits.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_daemon.h"
#include "ha_log.h"

static void
usage(void)
{
	fprintf(stderr, "usage: sa-hadaemon --config FILE [--check]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct ha_daemon d;
	const char *config = NULL;
	int opt, check = 0, ret;

	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		if (opt == 'c') {
			config = optarg;
		} else if (opt == 'k') {
			check = 1;
		} else {
			usage();
			return opt == 'h' ? EXIT_SUCCESS : 2;
		}
	}
	if (config == NULL || optind != argc) {
		usage();
		return 2;
	}
	if (ha_config_load(config, &d.cfg) < 0)
		return EXIT_FAILURE;
	if (check) {
		printf("%s: ok\n", config);
		return EXIT_SUCCESS;
	}
	ha_log_open(d.cfg.log, "sa-hadaemon", d.cfg.debug);
	ret = ha_daemon_init(&d);
	if (ret == 0)
		ret = ha_daemon_run(&d);
	else
		HA_LOG(ERR, "cannot start: %s", strerror(-ret));
	ha_daemon_fini(&d);
	ha_log_close();
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
