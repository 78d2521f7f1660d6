/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <rte_common.h>

#include "rt_chan.h"
#include "rt_log.h"

/* Room for the largest frame plus one socket read. */
#define RT_CHAN_READ_CHUNK	(256u << 10)
#define RT_CHAN_RCAP		(RT_WIRE_OVERHEAD + RT_WIRE_PAYLOAD_MAX + \
				 RT_CHAN_READ_CHUNK)
#define RT_CHAN_WCAP_INIT	(1u << 20)
#define RT_CHAN_HOST_MAX	256
/* A dead peer (no FIN) is noticed after idle + count * interval s. */
#define RT_CHAN_KEEPIDLE_S	1
#define RT_CHAN_KEEPINTVL_S	1
#define RT_CHAN_KEEPCNT		3
/* Where a connection's descriptor is moved (see raise_fd), if the
 * descriptor limit allows: above anything else the process opens. */
#define RT_CHAN_FD_FLOOR	960

int
rt_chan_addr_parse(const char *what, const char *text,
		   struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	char host[RT_CHAN_HOST_MAX];
	const char *colon, *h = host;
	struct addrinfo *res;
	size_t hlen;

	colon = strrchr(text, ':');
	if (colon == NULL || colon[1] == '\0' || colon == text)
		goto bad;
	hlen = (size_t)(colon - text);
	if (text[0] == '[' && colon[-1] == ']') {
		text++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		goto bad;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (getaddrinfo(h, colon + 1, &hints, &res) != 0)
		goto bad;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
bad:
	RT_LOG(ERR, "%s: '%s' is not HOST:PORT or [IPV6]:PORT\n", what, text);
	return -EINVAL;
}

void
rt_chan_init(struct rt_chan *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->lfd = -1;
}

/* The drained buffer's whole pages past RT_CHAN_WCAP_INIT go back to the
 * kernel (they read as zeros when touched again); only after a burst:
 * deltas stay far below, and cost one comparison. */
static void
wbuf_release(struct rt_chan *c)
{
	uintptr_t pg, from, to;

	if (c->whigh <= RT_CHAN_WCAP_INIT)
		return;
	pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	from = RTE_ALIGN_CEIL((uintptr_t)c->wbuf + RT_CHAN_WCAP_INIT, pg);
	to = RTE_ALIGN_FLOOR((uintptr_t)c->wbuf + c->whigh, pg);
	if (to > from)
		(void)madvise((void *)from, to - from, MADV_DONTNEED);
	c->whigh = 0;
}

void
rt_chan_close(struct rt_chan *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->connecting = 0;
	c->roff = c->rlen = 0;
	c->woff = 0;
	c->wlen = 0;
	wbuf_release(c);
}

void
rt_chan_fini(struct rt_chan *c)
{
	rt_chan_close(c);
	if (c->lfd >= 0)
		close(c->lfd);
	c->lfd = -1;
	free(c->rbuf);
	free(c->wbuf);
	c->rbuf = NULL;
	c->wbuf = NULL;
}

static void
tune_socket(int fd)
{
	int one = 1, idle = RT_CHAN_KEEPIDLE_S, intvl = RT_CHAN_KEEPINTVL_S;
	int cnt = RT_CHAN_KEEPCNT;

	/* Deltas are small and latency-bound (sync commit waits for the
	 * ack): no Nagle. Keepalive notices a peer that vanished. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

/*
 * Moves a connection above every other descriptor. When the runtime is
 * killed, Linux queues the release of its files in descriptor order and
 * runs the queue last-in first (the 6.x kernels here; the 'both'
 * scenario of tools/ha-failover.sh measures it), and releasing an
 * af_packet socket waits for RCU grace periods: tens of milliseconds
 * during which a lower-numbered connection stays open and the standby
 * does not know its primary is dead. The highest descriptor is closed,
 * and the peer sent its FIN, first. Where the limit is too low for the
 * move, the connection keeps its number.
 */
static int
raise_fd(int fd)
{
	struct rlimit rl;
	int hi;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 ||
	    rl.rlim_cur <= RT_CHAN_FD_FLOOR + 1)
		return fd;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, RT_CHAN_FD_FLOOR);
	if (hi < 0)
		return fd;
	close(fd);
	return hi;
}

static int
buffers_alloc(struct rt_chan *c)
{
	if (c->rbuf == NULL) {
		c->rbuf = malloc(RT_CHAN_RCAP);
		c->rcap = RT_CHAN_RCAP;
	}
	if (c->wbuf == NULL) {
		c->wbuf = malloc(RT_CHAN_WCAP_INIT);
		c->wcap = RT_CHAN_WCAP_INIT;
	}
	return c->rbuf != NULL && c->wbuf != NULL ? 0 : -ENOMEM;
}

int
rt_chan_listen(struct rt_chan *c, const struct sockaddr_storage *ss,
	       socklen_t len)
{
	int one = 1, err;

	if (buffers_alloc(c) < 0)
		return -ENOMEM;
	c->lfd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
			SOCK_CLOEXEC, 0);
	if (c->lfd < 0)
		goto err;
	setsockopt(c->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(c->lfd, (const struct sockaddr *)ss, len) != 0 ||
	    listen(c->lfd, 1) != 0)
		goto err;
	return 0;
err:
	err = errno;
	RT_LOG(ERR, "--listen: %s\n", strerror(err));
	if (c->lfd >= 0)
		close(c->lfd);
	c->lfd = -1;
	return -err;
}

int
rt_chan_accept(struct rt_chan *c)
{
	int fd = accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		       errno == ECONNABORTED ? 0 : -errno;
	if (c->fd >= 0) {
		close(fd);
		return 2;
	}
	tune_socket(fd);
	c->fd = raise_fd(fd);
	c->roff = c->rlen = 0;
	c->woff = c->wlen = 0;
	return 1;
}

int
rt_chan_connect(struct rt_chan *c, const struct sockaddr_storage *ss,
		socklen_t len)
{
	int err;

	if (buffers_alloc(c) < 0)
		return -ENOMEM;
	rt_chan_close(c);
	c->fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		       SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	c->fd = raise_fd(c->fd);
	tune_socket(c->fd);
	if (connect(c->fd, (const struct sockaddr *)ss, len) == 0 ||
	    errno == EINPROGRESS) {
		c->connecting = 1;
		return 0;
	}
	err = errno;
	rt_chan_close(c);
	return -err;
}

int
rt_chan_connect_done(struct rt_chan *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	if (!c->connecting)
		return c->fd >= 0 ? 1 : -ENOTCONN;
	if (poll(&pfd, 1, 0) == 0)
		return 0;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err != 0)
		return -err;
	c->connecting = 0;
	return 1;
}

/* Makes room for @p n more bytes at the end of the send buffer. */
static int
wbuf_reserve(struct rt_chan *c, size_t n)
{
	uint8_t *p;
	size_t cap;

	if (c->woff > 0 && c->wlen + n > c->wcap) {
		memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
		c->wlen -= c->woff;
		c->woff = 0;
	}
	if (c->wlen + n > c->wcap) {
		for (cap = c->wcap * 2; cap < c->wlen + n; cap *= 2)
			;
		p = realloc(c->wbuf, cap);
		if (p == NULL)
			return -ENOMEM;
		c->wbuf = p;
		c->wcap = cap;
	}
	if (c->wlen + n > c->whigh)
		c->whigh = c->wlen + n;
	return 0;
}

long
rt_chan_put_msg(struct rt_chan *c, struct rt_wire_auth *a, uint8_t type,
		const ProtobufCMessage *msg)
{
	size_t plen = protobuf_c_message_get_packed_size(msg), flen;
	uint8_t *frame;

	if (plen > RT_WIRE_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (wbuf_reserve(c, RT_WIRE_OVERHEAD + plen) < 0)
		return -ENOMEM;
	frame = c->wbuf + c->wlen;
	protobuf_c_message_pack(msg, frame + RT_WIRE_HDR_LEN);
	flen = rt_wire_seal(a, type, frame, (uint32_t)plen);
	if (flen == 0)
		return -EIO;
	c->wlen += flen;
	return (long)flen;
}

int
rt_chan_flush(struct rt_chan *c)
{
	ssize_t n;

	while (c->woff < c->wlen) {
		n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return -EAGAIN;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c->woff += (size_t)n;
	}
	c->woff = c->wlen = 0;
	wbuf_release(c);
	return 0;
}

long
rt_chan_fill(struct rt_chan *c)
{
	ssize_t n;

	/* Compact lazily: only a partial frame is ever left at the end. */
	if (c->roff > 0 && (c->roff == c->rlen ||
			    c->rcap - c->rlen < RT_CHAN_READ_CHUNK)) {
		memmove(c->rbuf, c->rbuf + c->roff, c->rlen - c->roff);
		c->rlen -= c->roff;
		c->roff = 0;
	}
	if (c->rlen == c->rcap)
		return -ENOBUFS;
	n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, MSG_DONTWAIT);
	if (n > 0) {
		c->rlen += (size_t)n;
		return n;
	}
	if (n == 0)
		return -EPIPE;
	return errno == EWOULDBLOCK || errno == EINTR ? -EAGAIN : -errno;
}

int
rt_chan_pollfd(const struct rt_chan *c, int want_write, struct pollfd *p)
{
	p->fd = c->fd >= 0 ? c->fd : c->lfd;
	p->events = POLLIN;
	p->revents = 0;
	if (c->fd >= 0 && (want_write || c->connecting))
		p->events |= POLLOUT;
	return p->fd >= 0;
}

int
rt_chan_wait(struct rt_chan *c, int want_write, int timeout_ms)
{
	struct pollfd pfd;

	if (!rt_chan_pollfd(c, want_write, &pfd))
		return 0;
	if (poll(&pfd, 1, timeout_ms) < 0)
		return errno == EINTR ? 0 : -errno;
	return pfd.revents != 0;
}
