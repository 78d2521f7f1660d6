/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ha_ctl.h"
#include "ha_log.h"
#include "sa_ctl_reply.h"

#define HA_CTL_MODE	0600
#define HA_CTL_MSG_MAX	(64u << 10)
#define HA_CTL_BACKLOG	4

struct ha_ctl_client {
	struct ha_ctl *ctl;
	int fd;
	struct event *ev;
};

struct ha_ctl {
	int lfd;
	char path[108];
	struct event *lev;
	struct event_base *base;
	const struct ha_ctl_ops *ops;
	void *arg;
	uint64_t bad_requests;
	struct ha_ctl_client client[HA_CTL_CLIENTS];
	uint8_t buf[HA_CTL_MSG_MAX];
};

static void
client_close(struct ha_ctl_client *cl)
{
	if (cl->ev != NULL)
		event_free(cl->ev);
	if (cl->fd >= 0)
		close(cl->fd);
	cl->ev = NULL;
	cl->fd = -1;
}

static void
dispatch(struct ha_ctl *c, const Sa__Ha__ControlRequest *req,
	 Sa__Ha__ControlReply *rep, Sa__Ha__DaemonStatus *st,
	 Sa__Ha__PromoteReply *pr, Sa__Ha__FenceReply *fr, Sa__Ha__Error *err)
{
	Sa__Ha__ErrorCode code = SA__HA__ERROR_CODE__ERROR_BAD_REQUEST;
	const char *why = "refused";

	switch (req->request_case) {
	case SA__HA__CONTROL_REQUEST__REQUEST_STATUS:
		c->ops->status(c->arg, st);
		rep->reply_case = SA__HA__CONTROL_REPLY__REPLY_DAEMON;
		rep->daemon = st;
		return;
	case SA__HA__CONTROL_REQUEST__REQUEST_PROMOTE:
		if (c->ops->promote(c->arg, req->promote->force, pr, &why,
				    &code) == 0) {
			rep->reply_case = SA__HA__CONTROL_REPLY__REPLY_PROMOTE;
			rep->promote = pr;
		} else {
			sa_ctl_reply_error(rep, err, code, why);
		}
		return;
	case SA__HA__CONTROL_REQUEST__REQUEST_DEMOTE:
		if (c->ops->demote(c->arg, req->demote->force, fr, &why,
				   &code) == 0) {
			rep->reply_case = SA__HA__CONTROL_REPLY__REPLY_FENCE;
			rep->fence = fr;
		} else {
			sa_ctl_reply_error(rep, err, code, why);
		}
		return;
	default:
		c->bad_requests++;
		sa_ctl_reply_error(rep, err,
				   SA__HA__ERROR_CODE__ERROR_UNKNOWN_REQUEST,
				   "unknown request");
	}
}

static void
client_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ha_ctl_client *cl = arg;
	struct ha_ctl *c = cl->ctl;
	Sa__Ha__ControlReply rep = SA__HA__CONTROL_REPLY__INIT;
	Sa__Ha__DaemonStatus st = SA__HA__DAEMON_STATUS__INIT;
	Sa__Ha__PromoteReply pr = SA__HA__PROMOTE_REPLY__INIT;
	Sa__Ha__FenceReply fr = SA__HA__FENCE_REPLY__INIT;
	Sa__Ha__Error err = SA__HA__ERROR__INIT;
	Sa__Ha__ControlRequest *req;
	size_t len;
	ssize_t n;

	(void)what;
	n = recv(fd, c->buf, sizeof(c->buf), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		client_close(cl);
		return;
	}
	req = (size_t)n <= sizeof(c->buf) ?
	      sa__ha__control_request__unpack(NULL, (size_t)n, c->buf) : NULL;
	if (req == NULL) {
		c->bad_requests++;
		HA_LOG_RL(WARNING, "control: unreadable request (%zd bytes)",
			  n);
		sa_ctl_reply_error(&rep, &err,
				   SA__HA__ERROR_CODE__ERROR_BAD_REQUEST,
				   "unreadable request");
	} else {
		rep.id = req->id;
		dispatch(c, req, &rep, &st, &pr, &fr, &err);
	}
	len = sa__ha__control_reply__get_packed_size(&rep);
	if (len <= sizeof(c->buf))
		sa__ha__control_reply__pack(&rep, c->buf);
	if (rep.reply_case == SA__HA__CONTROL_REPLY__REPLY_DAEMON)
		c->ops->status_done(c->arg, &st);
	sa__ha__control_request__free_unpacked(req, NULL);
	if (len > sizeof(c->buf) ||
	    send(fd, c->buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)len)
		client_close(cl);
}

static void
accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct ha_ctl *c = arg;
	int fd, i;

	(void)what;
	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC))
	       >= 0) {
		for (i = 0; i < HA_CTL_CLIENTS && c->client[i].fd >= 0; i++)
			;
		if (i == HA_CTL_CLIENTS) {
			HA_LOG_RL(WARNING, "control: too many clients");
			close(fd);
			continue;
		}
		c->client[i].fd = fd;
		c->client[i].ev = event_new(c->base, fd, EV_READ | EV_PERSIST,
					    client_read_cb, &c->client[i]);
		if (c->client[i].ev == NULL ||
		    event_add(c->client[i].ev, NULL) != 0)
			client_close(&c->client[i]);
	}
}

/* A stale socket file nobody serves is removed; a live one is refused. */
static int
clear_stale(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, ret;

	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (ret == 0)
		return -EADDRINUSE;
	return unlink(path) == 0 ? 0 : -errno;
}

int
ha_ctl_create(struct event_base *base, const char *path,
	      const struct ha_ctl_ops *ops, void *arg, struct ha_ctl **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ha_ctl *c;
	mode_t old_mask;
	int ret, i;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	ret = clear_stale(path, &sa);
	if (ret < 0) {
		HA_LOG(ERR, "control socket %s: %s", path, strerror(-ret));
		return ret;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	strcpy(c->path, path);
	c->base = base;
	c->ops = ops;
	c->arg = arg;
	for (i = 0; i < HA_CTL_CLIENTS; i++)
		c->client[i] = (struct ha_ctl_client){ .ctl = c, .fd = -1 };
	c->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	old_mask = umask(0777 & ~HA_CTL_MODE);
	ret = c->lfd < 0 ? -1 : bind(c->lfd, (struct sockaddr *)&sa,
				     sizeof(sa));
	umask(old_mask);
	if (ret != 0 || listen(c->lfd, HA_CTL_BACKLOG) != 0)
		goto err;
	c->lev = event_new(base, c->lfd, EV_READ | EV_PERSIST, accept_cb, c);
	if (c->lev == NULL || event_add(c->lev, NULL) != 0)
		goto err;
	*out = c;
	return 0;
err:
	ret = errno != 0 ? -errno : -ENOMEM;
	HA_LOG(ERR, "control socket %s: %s", path, strerror(-ret));
	ha_ctl_free(c);
	return ret;
}

uint64_t
ha_ctl_bad_requests(const struct ha_ctl *c)
{
	return c->bad_requests;
}

void
ha_ctl_free(struct ha_ctl *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < HA_CTL_CLIENTS; i++)
		client_close(&c->client[i]);
	if (c->lev != NULL)
		event_free(c->lev);
	if (c->lfd >= 0) {
		close(c->lfd);
		unlink(c->path);
	}
	free(c);
}
