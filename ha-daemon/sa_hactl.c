/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sa-hactl: the operator's view of an HA pair, from one sa-hadaemon's
 * control socket (the conntrackd -s of this product).
 *
 *   sa-hactl (--socket PATH | --config FILE) status [--kv]
 *   sa-hactl (--socket PATH | --config FILE) promote|demote [--force]
 *
 * promote: this node's standby takes over (refused while it is SYNCING,
 * unless --force). demote: this node's primary steps down (refused
 * without a synced standby to take over, unless --force). Exit status 1
 * with the daemon's reason when refused.
 */
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ha.pb-c.h"
#include "ha_config.h"
#include "sa_ha_names.h"

#define HACTL_MSG_MAX		(64u << 10)
#define HACTL_TIMEOUT_MS	5000

static void
usage(void)
{
	fprintf(stderr, "usage: sa-hactl (--socket PATH | --config FILE) "
		"status [--kv] | promote [--force] | demote [--force]\n");
}

static Sa__Ha__ControlReply *
call(const char *path, const Sa__Ha__ControlRequest *req)
{
	static uint8_t buf[HACTL_MSG_MAX];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd pfd = { .events = POLLIN };
	size_t len = sa__ha__control_request__get_packed_size(req);
	ssize_t n;

	if (strlen(path) >= sizeof(sa.sun_path))
		return NULL;
	strcpy(sa.sun_path, path);
	pfd.fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (pfd.fd < 0 ||
	    connect(pfd.fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror(path);
		return NULL;
	}
	sa__ha__control_request__pack(req, buf);
	n = send(pfd.fd, buf, len, MSG_NOSIGNAL);
	if (n == (ssize_t)len && poll(&pfd, 1, HACTL_TIMEOUT_MS) == 1)
		n = recv(pfd.fd, buf, sizeof(buf), 0);
	else
		n = -1;
	close(pfd.fd);
	if (n <= 0) {
		fprintf(stderr, "sa-hactl: no reply from %s\n", path);
		return NULL;
	}
	return sa__ha__control_reply__unpack(NULL, (size_t)n, buf);
}

static void
print_kv(const Sa__Ha__DaemonStatus *st)
{
	size_t i;

	printf("node_id=%u\nrole=%s\nepoch=%" PRIu64 "\nsync=%s\n"
	       "runtime_up=%d\nfenced=%d\ninput_count=%" PRIu64 "\n",
	       st->node_id, sa_ha_role_name(st->role), st->epoch,
	       sa_ha_sync_name(st->sync), st->runtime_up, st->fenced,
	       st->input_count);
	printf("peer_node_id=%u\npeer_state=%s\npeer_role=%s\npeer_epoch=%"
	       PRIu64 "\nlast_heartbeat_age_us=%" PRId64 "\nlag_batches=%u\n"
	       "lag_bytes=%" PRIu64 "\n", st->peer_node_id,
	       sa_ha_peer_state_name(st->peer_state),
	       sa_ha_role_name(st->peer_role), st->peer_epoch, st->last_heartbeat_age_us, st->lag_batches,
	       st->lag_bytes);
	for (i = 0; i < st->n_counters; i++)
		printf("counter.%s=%" PRIu64 "\n", st->counters[i]->name,
		       st->counters[i]->value);
}

static void
print_human(const Sa__Ha__DaemonStatus *st)
{
	size_t i;

	printf("node %u: %s, epoch %" PRIu64 "\n", st->node_id,
	       st->role == SA__HA__ROLE__ROLE_STANDBY &&
	       st->sync != SA__HA__SYNC_STATE__SYNC_SYNCED ?
	       sa_ha_sync_name(st->sync) :
	       sa_ha_role_name(st->role), st->epoch);
	printf("  runtime:     %s, sync %s%s, input %" PRIu64 " packets\n",
	       st->runtime_up ? "up" : "DOWN", sa_ha_sync_name(st->sync),
	       st->fenced ? ", TX FENCED" : "", st->input_count);
	if (st->last_heartbeat_age_us < 0)
		printf("  peer:        never heard\n");
	else
		printf("  peer:        node %u %s, %s, epoch %" PRIu64 ", last "
		       "heartbeat %.3f ms ago\n", st->peer_node_id,
		       sa_ha_peer_state_name(st->peer_state),
		       sa_ha_role_name(st->peer_role), st->peer_epoch,
		       (double)st->last_heartbeat_age_us / 1000.0);
	printf("  replication: lag %u batches, %" PRIu64 " bytes\n",
	       st->lag_batches, st->lag_bytes);
	printf("  counters:\n");
	for (i = 0; i < st->n_counters; i++)
		printf("    %-28s %20" PRIu64 "\n", st->counters[i]->name,
		       st->counters[i]->value);
}

static const char *
socket_of(const char *config)
{
	static struct ha_config c;

	if (ha_config_load(config, &c) < 0)
		return NULL;
	return c.control_socket;
}

int
main(int argc, char **argv)
{
	Sa__Ha__ControlRequest req = SA__HA__CONTROL_REQUEST__INIT;
	Sa__Ha__StatusRequest sr = SA__HA__STATUS_REQUEST__INIT;
	Sa__Ha__PromoteRequest pr = SA__HA__PROMOTE_REQUEST__INIT;
	Sa__Ha__DemoteRequest dr = SA__HA__DEMOTE_REQUEST__INIT;
	const char *path = NULL, *config = NULL, *cmd = NULL;
	int i, kv = 0, force = 0, ret = 0;
	Sa__Ha__ControlReply *rep;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--kv") == 0)
			kv = 1;
		else if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (cmd == NULL && argv[i][0] != '-')
			cmd = argv[i];
		else
			cmd = "";
	}
	if (path == NULL && config != NULL)
		path = socket_of(config);
	req.id = 1;
	if (cmd != NULL && strcmp(cmd, "status") == 0) {
		req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_STATUS;
		req.status = &sr;
	} else if (cmd != NULL && strcmp(cmd, "promote") == 0) {
		pr.force = force;
		req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_PROMOTE;
		req.promote = &pr;
	} else if (cmd != NULL && strcmp(cmd, "demote") == 0) {
		dr.force = force;
		req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_DEMOTE;
		req.demote = &dr;
	}
	if (path == NULL ||
	    req.request_case == SA__HA__CONTROL_REQUEST__REQUEST__NOT_SET) {
		usage();
		return 2;
	}
	rep = call(path, &req);
	if (rep == NULL)
		return 1;
	switch (rep->reply_case) {
	case SA__HA__CONTROL_REPLY__REPLY_DAEMON:
		(kv ? print_kv : print_human)(rep->daemon);
		break;
	case SA__HA__CONTROL_REPLY__REPLY_PROMOTE:
		printf("promoted: epoch %" PRIu64 ", state as of input packet "
		       "%" PRIu64 "\n", rep->promote->epoch,
		       rep->promote->input_count);
		break;
	case SA__HA__CONTROL_REPLY__REPLY_FENCE:
		printf("demoted: TX fenced, epoch %" PRIu64 "\n",
		       rep->fence->epoch_seen);
		break;
	case SA__HA__CONTROL_REPLY__REPLY_ERROR:
		fprintf(stderr, "sa-hactl: refused: %s\n", rep->error->message);
		ret = 1;
		break;
	default:
		fprintf(stderr, "sa-hactl: unexpected reply\n");
		ret = 1;
	}
	sa__ha__control_reply__free_unpacked(rep, NULL);
	return ret;
}
