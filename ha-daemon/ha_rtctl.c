/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ha_rtctl.h"

/* The counters whose sum is the replicated state bytes (lag in bytes). */
static const char *const ha_state_counters[] = {
	"repl.range_bytes", "repl.snapshot_bytes",
};

void
ha_rtctl_init(struct ha_rtctl *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	strncpy(c->path, path, sizeof(c->path) - 1);
}

static int
open_conn(const char *path, int flags)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | flags, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

int
ha_rtctl_connect(struct ha_rtctl *c)
{
	int fd;

	if (c->fd >= 0)
		return 0;
	struct ucred cred;
	socklen_t len = sizeof(cred);

	fd = open_conn(c->path, SOCK_NONBLOCK);
	if (fd < 0)
		return fd;
	c->fd = fd;
	c->pending = 0;
	c->pid = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ?
		 cred.pid : 0;
	return 0;
}

void
ha_rtctl_close(struct ha_rtctl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->pid = 0;
	c->pending = 0;
}

static int
send_req(int fd, uint8_t *buf, Sa__Ha__ControlRequest *req)
{
	size_t len = sa__ha__control_request__get_packed_size(req);

	if (len > HA_RTCTL_MSG_MAX)
		return -EMSGSIZE;
	sa__ha__control_request__pack(req, buf);
	if (send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)len)
		return -errno;
	return 0;
}

int
ha_rtctl_poll_status(struct ha_rtctl *c, uint64_t now_ns)
{
	Sa__Ha__ControlRequest req = SA__HA__CONTROL_REQUEST__INIT;
	Sa__Ha__StatusRequest st = SA__HA__STATUS_REQUEST__INIT;
	int ret;

	if (c->fd < 0)
		return -ENOTCONN;
	if (c->pending)
		return 0;
	req.id = ++c->next_id;
	req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_STATUS;
	req.status = &st;
	ret = send_req(c->fd, c->buf, &req);
	if (ret == 0) {
		c->pending = 1;
		c->pending_since_ns = now_ns;
	}
	return ret;
}

void
ha_rtctl_invalidate(struct ha_rtctl *c)
{
	c->next_id++;
	c->pending = 0;
}

void
ha_local_from_status(const Sa__Ha__Status *st, struct ha_local *out)
{
	size_t i, j;

	memset(out, 0, sizeof(*out));
	out->up = 1;
	out->role = st->role;
	out->sync = st->sync;
	out->epoch = st->epoch;
	out->repl_connected = st->peer_connected;
	out->fenced = st->fenced;
	out->demoted = st->demoted;
	out->acked_seq = st->acked_seq;
	out->lag = st->lag;
	out->input_count = st->input_count;
	out->stalled = st->stall_us > 0;
	out->stall_us = st->stall_us;
	for (i = 0; i < st->n_counters; i++)
		for (j = 0; j < sizeof(ha_state_counters) /
			    sizeof(*ha_state_counters); j++)
			if (strcmp(st->counters[i]->name,
				   ha_state_counters[j]) == 0)
				out->state_bytes += st->counters[i]->value;
}

int
ha_rtctl_read(struct ha_rtctl *c, struct ha_local *out)
{
	Sa__Ha__ControlReply *rep;
	ssize_t n;
	int ret = 0;

	for (;;) {
		n = recv(c->fd, c->buf, sizeof(c->buf), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? ret :
			       -EPIPE;
		if (n == 0)
			return -EPIPE;
		rep = sa__ha__control_reply__unpack(NULL, (size_t)n, c->buf);
		if (rep == NULL)
			return -EBADMSG;
		if (rep->reply_case == SA__HA__CONTROL_REPLY__REPLY_STATUS &&
		    rep->id == c->next_id) {
			ha_local_from_status(rep->status, out);
			c->pending = 0;
			ret = 1;
		}
		sa__ha__control_reply__free_unpacked(rep, NULL);
	}
}

int
ha_rtctl_call(const char *path, Sa__Ha__ControlRequest *req, int timeout_ms,
	      Sa__Ha__ControlReply **rep)
{
	static uint8_t buf[HA_RTCTL_MSG_MAX];
	struct pollfd pfd = { .events = POLLIN };
	ssize_t n;
	int ret;

	*rep = NULL;
	pfd.fd = open_conn(path, 0);
	if (pfd.fd < 0)
		return pfd.fd;
	ret = send_req(pfd.fd, buf, req);
	if (ret == 0) {
		ret = poll(&pfd, 1, timeout_ms);
		ret = ret == 1 ? 0 : ret == 0 ? -ETIMEDOUT : -errno;
	}
	if (ret == 0) {
		n = recv(pfd.fd, buf, sizeof(buf), 0);
		*rep = n > 0 ? sa__ha__control_reply__unpack(NULL, (size_t)n,
							     buf) : NULL;
		ret = *rep != NULL ? 0 : n <= 0 ? -EPIPE : -EBADMSG;
	}
	close(pfd.fd);
	return ret;
}
