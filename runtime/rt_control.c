/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_common.h>

#include "rt_control.h"
#include "rt_log.h"
#include "sa_ctl_reply.h"

#define RT_CONTROL_CLIENTS	4
_Static_assert(RT_CONTROL_POLLFDS == RT_CONTROL_CLIENTS + 1,
	       "rt_control_pollfds() fills the listener and every client");
#define RT_CONTROL_BACKLOG	4
#define RT_CONTROL_MSG_MAX	(64u << 10)
#define RT_CONTROL_MODE		0600
/* Any request this side does not know gets this in its reply. */
#define RT_CONTROL_UNKNOWN	"unknown request"
#define RT_CONTROL_BAD		"unreadable request"
/* Room for a command's reply message. */
#define RT_CONTROL_TEXT_MAX	256

struct rt_control {
	int lfd;
	int cfd[RT_CONTROL_CLIENTS];
	char *path;
	const struct rt_control_ops *ops;
	void *arg;
	uint64_t bad_requests;
	uint8_t buf[RT_CONTROL_MSG_MAX];
};

static int
make_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		RT_LOG(ERR, "control socket %s: path too long\n", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

/* An existing file at path: a dead runtime's socket is removed. */
static int
clear_stale(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, ret;

	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		RT_LOG(ERR, "control socket %s: exists and is not a socket\n",
		       path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (ret == 0) {
		RT_LOG(ERR, "control socket %s: another runtime serves it\n",
		       path);
		return -EADDRINUSE;
	}
	return unlink(path) == 0 ? 0 : -errno;
}

int
rt_control_create(const char *path, struct rt_control **out)
{
	struct sockaddr_un sa;
	struct rt_control *c;
	mode_t old_mask;
	int ret, i;

	ret = make_addr(path, &sa);
	if (ret == 0)
		ret = clear_stale(path, &sa);
	if (ret < 0)
		return ret;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->path = strdup(path)) == NULL) {
		free(c);
		return -ENOMEM;
	}
	for (i = 0; i < RT_CONTROL_CLIENTS; i++)
		c->cfd[i] = -1;
	c->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	/* Created 0600 from the start: no window where others connect. */
	old_mask = umask(0777 & ~RT_CONTROL_MODE);
	ret = c->lfd < 0 ? -1 : bind(c->lfd, (struct sockaddr *)&sa,
				     sizeof(sa));
	umask(old_mask);
	if (ret != 0 || chmod(path, RT_CONTROL_MODE) != 0 ||
	    listen(c->lfd, RT_CONTROL_BACKLOG) != 0) {
		ret = -errno;
		RT_LOG(ERR, "control socket %s: %s\n", path, strerror(-ret));
		if (c->lfd >= 0)
			close(c->lfd);
		c->lfd = -1;
		rt_control_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void
rt_control_attach(struct rt_control *c, const struct rt_control_ops *ops,
		  void *arg)
{
	c->ops = ops;
	c->arg = arg;
}

static void
answer_promote(struct rt_control *c, const Sa__Ha__PromoteRequest *req,
	       Sa__Ha__ControlReply *rep, Sa__Ha__PromoteReply *pr,
	       Sa__Ha__Error *err)
{
	Sa__Ha__ErrorCode code = SA__HA__ERROR_CODE__ERROR_BAD_REQUEST;
	const char *why = NULL;

	/* A refused promotion notes no epoch: it would fence a primary
	 * that was asked twice. */
	if (c->ops->promote(c->arg, pr, &why, &code) != 0) {
		sa_ctl_reply_error(rep, err, code, why);
		return;
	}
	/* The daemon's persisted epoch wins over the runtime's +1. */
	if (req->epoch > pr->epoch)
		pr->epoch = c->ops->epoch(c->arg, req->epoch, 1);
	rep->reply_case = SA__HA__CONTROL_REPLY__REPLY_PROMOTE;
	rep->promote = pr;
}

static void
answer_fence(struct rt_control *c, const Sa__Ha__ControlRequest *req,
	     Sa__Ha__ControlReply *rep, Sa__Ha__FenceReply *fr,
	     Sa__Ha__Error *err)
{
	Sa__Ha__ErrorCode code = SA__HA__ERROR_CODE__ERROR_BAD_REQUEST;
	const char *why = NULL;
	uint64_t epoch;
	int ret;

	if (req->request_case == SA__HA__CONTROL_REQUEST__REQUEST_FENCE) {
		epoch = req->fence->epoch;
		/* Seen first: a stale primary stays fenced even if lifted. */
		c->ops->epoch(c->arg, epoch, 0);
		ret = c->ops->fence(c->arg, req->fence->lift, fr, &why, &code);
	} else {
		c->ops->epoch(c->arg, req->demote->epoch, 0);
		ret = c->ops->demote(c->arg, fr, &why, &code);
	}
	if (ret != 0) {
		sa_ctl_reply_error(rep, err, code, why);
		return;
	}
	rep->reply_case = SA__HA__CONTROL_REPLY__REPLY_FENCE;
	rep->fence = fr;
}

static void
answer_command(struct rt_control *c, const Sa__Ha__MbCommandRequest *req,
	       Sa__Ha__ControlReply *rep, Sa__Ha__MbCommandReply *mr,
	       Sa__Ha__Error *err, char *msg, size_t len)
{
	Sa__Ha__ErrorCode code = SA__HA__ERROR_CODE__ERROR_BAD_REQUEST;

	if (c->ops->command == NULL || req->line == NULL) {
		sa_ctl_reply_error(rep, err, code, RT_CONTROL_BAD);
		return;
	}
	if (c->ops->command(c->arg, req->line, mr, msg, len, &code) != 0) {
		sa_ctl_reply_error(rep, err, code, msg);
		return;
	}
	rep->reply_case = SA__HA__CONTROL_REPLY__REPLY_MB_COMMAND;
	rep->mb_command = mr;
}

/* @return 0, or -1 when the client must be dropped. */
static int
answer(struct rt_control *c, int fd, const Sa__Ha__ControlRequest *req)
{
	Sa__Ha__ControlReply rep = SA__HA__CONTROL_REPLY__INIT;
	Sa__Ha__Status st = SA__HA__STATUS__INIT;
	Sa__Ha__Stats stats = SA__HA__STATS__INIT;
	Sa__Ha__PromoteReply pr = SA__HA__PROMOTE_REPLY__INIT;
	Sa__Ha__FenceReply fr = SA__HA__FENCE_REPLY__INIT;
	Sa__Ha__Error err = SA__HA__ERROR__INIT;
	Sa__Ha__MbCommandReply mr = SA__HA__MB_COMMAND_REPLY__INIT;
	char msg[RT_CONTROL_TEXT_MAX];
	int have_status = 0;
	size_t len;
	ssize_t n;

	rep.id = req != NULL ? req->id : 0;
	switch (req != NULL ? req->request_case :
		SA__HA__CONTROL_REQUEST__REQUEST__NOT_SET) {
	case SA__HA__CONTROL_REQUEST__REQUEST_STATUS:
		c->ops->status(c->arg, &st);
		have_status = 1;
		rep.reply_case = SA__HA__CONTROL_REPLY__REPLY_STATUS;
		rep.status = &st;
		break;
	case SA__HA__CONTROL_REQUEST__REQUEST_STATS:
		c->ops->status(c->arg, &st);
		have_status = 1;
		stats.n_counters = st.n_counters;
		stats.counters = st.counters;
		rep.reply_case = SA__HA__CONTROL_REPLY__REPLY_STATS;
		rep.stats = &stats;
		break;
	case SA__HA__CONTROL_REQUEST__REQUEST_PROMOTE:
		answer_promote(c, req->promote, &rep, &pr, &err);
		break;
	case SA__HA__CONTROL_REQUEST__REQUEST_FENCE:
	case SA__HA__CONTROL_REQUEST__REQUEST_DEMOTE:
		answer_fence(c, req, &rep, &fr, &err);
		break;
	case SA__HA__CONTROL_REQUEST__REQUEST_MB_COMMAND:
		answer_command(c, req->mb_command, &rep, &mr, &err, msg,
			       sizeof(msg));
		break;
	default:
		c->bad_requests++;
		sa_ctl_reply_error(&rep, &err, req == NULL ?
				   SA__HA__ERROR_CODE__ERROR_BAD_REQUEST :
				   SA__HA__ERROR_CODE__ERROR_UNKNOWN_REQUEST,
				   req == NULL ? RT_CONTROL_BAD :
				   RT_CONTROL_UNKNOWN);
		break;
	}
	len = sa__ha__control_reply__get_packed_size(&rep);
	if (len <= sizeof(c->buf))
		sa__ha__control_reply__pack(&rep, c->buf);
	if (have_status)
		c->ops->status_done(c->arg, &st);
	if (len > sizeof(c->buf))
		return -1;
	n = send(fd, c->buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	return n == (ssize_t)len ? 0 : -1;
}

static int
serve(struct rt_control *c, int fd)
{
	Sa__Ha__ControlRequest *req;
	ssize_t n;
	int ret;

	n = recv(fd, c->buf, sizeof(c->buf), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	if (n == 0)
		return -1;
	req = (size_t)n <= sizeof(c->buf) ?
	      sa__ha__control_request__unpack(NULL, (size_t)n, c->buf) : NULL;
	/* An unreadable request (NULL) gets an error reply. */
	ret = answer(c, fd, req);
	sa__ha__control_request__free_unpacked(req, NULL);
	return ret;
}

void
rt_control_poll(struct rt_control *c)
{
	int fd, i;

	if (c->ops == NULL)
		return;
	while ((fd = accept4(c->lfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < RT_CONTROL_CLIENTS && c->cfd[i] >= 0; i++)
			;
		if (i == RT_CONTROL_CLIENTS)
			close(fd);
		else
			c->cfd[i] = fd;
	}
	for (i = 0; i < RT_CONTROL_CLIENTS; i++) {
		if (c->cfd[i] >= 0 && serve(c, c->cfd[i]) < 0) {
			close(c->cfd[i]);
			c->cfd[i] = -1;
		}
	}
}

unsigned int
rt_control_pollfds(const struct rt_control *c, struct pollfd *p,
		   unsigned int max)
{
	unsigned int n = 0;
	int i;

	if (c->lfd >= 0 && n < max)
		p[n++] = (struct pollfd){ .fd = c->lfd, .events = POLLIN };
	for (i = 0; i < RT_CONTROL_CLIENTS && n < max; i++)
		if (c->cfd[i] >= 0)
			p[n++] = (struct pollfd){ .fd = c->cfd[i],
						  .events = POLLIN };
	return n;
}

uint64_t
rt_control_bad_requests(const struct rt_control *c)
{
	return c->bad_requests;
}

void
rt_control_free(struct rt_control *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < RT_CONTROL_CLIENTS; i++)
		if (c->cfd[i] >= 0)
			close(c->cfd[i]);
	if (c->lfd >= 0) {
		close(c->lfd);
		unlink(c->path);
	}
	free(c->path);
	free(c);
}
