/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sa-ctl: a minimal client of sa-runtime's control socket (proto/ha.proto),
 * for tests and operators; sa-hadaemon speaks the same requests.
 *
 *   sa-ctl --socket PATH status|stats|promote|fence|unfence|demote
 *          [--epoch N] [--timeout MS]
 *   sa-ctl --socket PATH mb 'COMMAND'   (an operator command for the
 *          middlebox, e.g. mb 'backend 192.0.2.10:80/tcp 10.1.0.2:80 down')
 *
 * Prints the reply as KEY=VALUE lines; exits 1 with the runtime's error
 * message when the request fails.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ha.pb-c.h"
#include "sa_ha_names.h"

#define CTL_MSG_MAX		(64u << 10)
#define CTL_TIMEOUT_MS		5000
#define CTL_REQUEST_ID		1

static void
usage(void)
{
	fprintf(stderr, "usage: sa-ctl --socket PATH status|stats|promote|"
		"fence|unfence|demote [--epoch N] [--timeout MS]\n"
		"       sa-ctl --socket PATH mb 'COMMAND' [--timeout MS]\n");
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "sa-ctl: %s: path too long\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "sa-ctl: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static Sa__Ha__ControlReply *
ctl_call(int fd, const Sa__Ha__ControlRequest *req, int timeout_ms)
{
	static uint8_t buf[CTL_MSG_MAX];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = sa__ha__control_request__get_packed_size(req);
	ssize_t n;

	sa__ha__control_request__pack(req, buf);
	if (send(fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len) {
		fprintf(stderr, "sa-ctl: send: %s\n", strerror(errno));
		return NULL;
	}
	if (poll(&pfd, 1, timeout_ms) != 1) {
		fprintf(stderr, "sa-ctl: no reply within %d ms\n", timeout_ms);
		return NULL;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n <= 0) {
		fprintf(stderr, "sa-ctl: no reply: %s\n",
			n == 0 ? "connection closed" : strerror(errno));
		return NULL;
	}
	return sa__ha__control_reply__unpack(NULL, (size_t)n, buf);
}

static void
print_counters(Sa__Ha__Counter **c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("counter.%s=%" PRIu64 "\n", c[i]->name, c[i]->value);
}

static void
print_status(const Sa__Ha__Status *st)
{
	printf("role=%s\n", sa_ha_role_name(st->role));
	printf("epoch=%" PRIu64 "\nseq=%" PRIu32 "\nacked_seq=%" PRIu32
	       "\nlag=%" PRIu32 "\ninput_count=%" PRIu64 "\n", st->epoch,
	       st->seq, st->acked_seq, st->lag, st->input_count);
	printf("sync=%s\npeer_connected=%d\n",
	       sa_ha_sync_name(st->sync),
	       st->peer_connected);
	printf("middlebox=%s\nreplicate=%s\ncommit=%s\n", st->middlebox,
	       st->replicate, st->commit);
	printf("fenced=%d\nepoch_seen=%" PRIu64 "\ndemoted=%d\nrx_kept=%"
	       PRIu64 "\n", st->fenced, st->epoch_seen, st->demoted,
	       st->rx_kept);
	print_counters(st->counters, st->n_counters);
}

static int
print_reply(const Sa__Ha__ControlReply *rep)
{
	switch (rep->reply_case) {
	case SA__HA__CONTROL_REPLY__REPLY_STATUS:
		print_status(rep->status);
		return 0;
	case SA__HA__CONTROL_REPLY__REPLY_PROMOTE:
		printf("epoch=%" PRIu64 "\ninput_count=%" PRIu64 "\n",
		       rep->promote->epoch, rep->promote->input_count);
		return 0;
	case SA__HA__CONTROL_REPLY__REPLY_FENCE:
		printf("fenced=%d\nepoch=%" PRIu64 "\nepoch_seen=%" PRIu64
		       "\ntx_fenced=%" PRIu64 "\n", rep->fence->fenced,
		       rep->fence->epoch, rep->fence->epoch_seen,
		       rep->fence->tx_fenced);
		return 0;
	case SA__HA__CONTROL_REPLY__REPLY_STATS:
		print_counters(rep->stats->counters, rep->stats->n_counters);
		return 0;
	case SA__HA__CONTROL_REPLY__REPLY_MB_COMMAND:
		printf("result=%d\ninput_count=%" PRIu64 "\nmessage=%s\n",
		       rep->mb_command->result, rep->mb_command->input_count,
		       rep->mb_command->message);
		if (rep->mb_command->result == 0)
			return 0;
		fprintf(stderr, "sa-ctl: command failed: %s\n",
			rep->mb_command->message);
		return -1;
	case SA__HA__CONTROL_REPLY__REPLY_ERROR:
		fprintf(stderr, "sa-ctl: refused: %s\n", rep->error->message);
		return -1;
	default:
		fprintf(stderr, "sa-ctl: unexpected reply\n");
		return -1;
	}
}

int
main(int argc, char **argv)
{
	Sa__Ha__ControlRequest req = SA__HA__CONTROL_REQUEST__INIT;
	Sa__Ha__StatusRequest status = SA__HA__STATUS_REQUEST__INIT;
	Sa__Ha__PromoteRequest promote = SA__HA__PROMOTE_REQUEST__INIT;
	Sa__Ha__FenceRequest fence = SA__HA__FENCE_REQUEST__INIT;
	Sa__Ha__DemoteRequest demote = SA__HA__DEMOTE_REQUEST__INIT;
	Sa__Ha__StatsRequest stats = SA__HA__STATS_REQUEST__INIT;
	Sa__Ha__MbCommandRequest mbc = SA__HA__MB_COMMAND_REQUEST__INIT;
	const char *path = NULL, *cmd = NULL, *line = NULL;
	uint64_t epoch = 0;
	int timeout = CTL_TIMEOUT_MS, i, fd, ret;
	Sa__Ha__ControlReply *rep;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			timeout = atoi(argv[++i]);
		else if (strcmp(argv[i], "--epoch") == 0 && i + 1 < argc)
			epoch = strtoull(argv[++i], NULL, 10);
		else if (cmd == NULL && argv[i][0] != '-')
			cmd = argv[i];
		else if (cmd != NULL && strcmp(cmd, "mb") == 0 &&
			 line == NULL)
			line = argv[i];
		else
			cmd = "";
	}
	req.id = CTL_REQUEST_ID;
	if (cmd != NULL && strcmp(cmd, "status") == 0) {
		req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_STATUS;
		req.status = &status;
	} else if (cmd != NULL && strcmp(cmd, "stats") == 0) {
		req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_STATS;
		req.stats = &stats;
	} else if (cmd != NULL && strcmp(cmd, "promote") == 0) {
		promote.epoch = epoch;
		req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_PROMOTE;
		req.promote = &promote;
	} else if (cmd != NULL && (strcmp(cmd, "fence") == 0 ||
				   strcmp(cmd, "unfence") == 0)) {
		fence.epoch = epoch;
		fence.lift = cmd[0] == 'u';
		req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_FENCE;
		req.fence = &fence;
	} else if (cmd != NULL && strcmp(cmd, "demote") == 0) {
		demote.epoch = epoch;
		req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_DEMOTE;
		req.demote = &demote;
	} else if (cmd != NULL && strcmp(cmd, "mb") == 0 && line != NULL) {
		mbc.line = (char *)(uintptr_t)line;
		req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_MB_COMMAND;
		req.mb_command = &mbc;
	}
	if (path == NULL || req.request_case ==
	    SA__HA__CONTROL_REQUEST__REQUEST__NOT_SET || timeout <= 0) {
		usage();
		return 2;
	}
	fd = ctl_connect(path);
	if (fd < 0)
		return 1;
	rep = ctl_call(fd, &req, timeout);
	close(fd);
	if (rep == NULL)
		return 1;
	ret = print_reply(rep);
	sa__ha__control_reply__free_unpacked(rep, NULL);
	return ret < 0 ? 1 : 0;
}
