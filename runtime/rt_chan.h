/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_CHAN_H
#define RT_CHAN_H

/*
 * The replication channel's transport: one non-blocking TCP connection
 * with a read buffer that holds at least one whole frame and a send buffer
 * that frames are packed into directly. Nothing here blocks except
 * rt_chan_wait(), which the caller uses only when it has nothing else to do.
 * The send buffer grows to a whole snapshot (tens of MB for 64K flows) and
 * keeps that size, but once drained gives the pages past RT_CHAN_WCAP_INIT
 * back: a killed runtime's sockets close only after the kernel has unmapped
 * its memory, and that close is what a standby waits for when the
 * primary's runtime and daemon die together.
 */

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <protobuf-c/protobuf-c.h>

#include "rt_wire.h"

struct rt_chan {
	int fd;			/* the connection, -1 if none */
	int lfd;		/* listening socket (standby), -1 if none */
	int connecting;		/* non-blocking connect in progress */
	uint8_t *rbuf;
	size_t roff;		/* first byte not yet consumed */
	size_t rlen;		/* end of the bytes in rbuf */
	size_t rcap;
	uint8_t *wbuf;
	size_t woff;		/* first byte not yet sent */
	size_t wlen;		/* bytes in wbuf */
	size_t wcap;
	size_t whigh;		/* most bytes held since pages were released */
};

/** Parses "HOST:PORT" or "[IPV6]:PORT" (numeric or resolvable host).
 *  @return 0 or -EINVAL (logged with @p what, e.g. "--peer"). */
int rt_chan_addr_parse(const char *what, const char *text,
		       struct sockaddr_storage *ss, socklen_t *len);

void rt_chan_init(struct rt_chan *c);

/** Closes the connection and empties the buffers (the listener stays). */
void rt_chan_close(struct rt_chan *c);

/** Closes everything and frees the buffers. */
void rt_chan_fini(struct rt_chan *c);

/** Listens on @p ss. @return 0 or -errno (logged). */
int rt_chan_listen(struct rt_chan *c, const struct sockaddr_storage *ss,
		   socklen_t len);

/** Accepts a pending connection if there is one and no connection yet.
 *  A connection attempt while one is served is closed at once.
 *  @return 1 accepted, 0 none, 2 one refused as busy, -errno. */
int rt_chan_accept(struct rt_chan *c);

/** Starts connecting to @p ss. @return 0 (connected or in progress) or
 *  -errno. */
int rt_chan_connect(struct rt_chan *c, const struct sockaddr_storage *ss,
		    socklen_t len);

/** @return 1 once connected, 0 while in progress, -errno if it failed. */
int rt_chan_connect_done(struct rt_chan *c);

/**
 * Packs @p msg into a sealed frame of @p type at the end of the send
 * buffer. @return the frame's length, or -ENOMEM / -EMSGSIZE / -EIO.
 */
long rt_chan_put_msg(struct rt_chan *c, struct rt_wire_auth *a, uint8_t type,
		     const ProtobufCMessage *msg);

/** Sends what the send buffer holds, as far as the socket takes it.
 *  @return 0 all sent, -EAGAIN some left, -EPIPE or -errno if dead. */
int rt_chan_flush(struct rt_chan *c);

/** Bytes waiting in the send buffer. */
static inline size_t
rt_chan_pending(const struct rt_chan *c)
{
	return c->wlen - c->woff;
}

/** Reads what the socket has. @return bytes read (> 0), -EAGAIN, -EPIPE
 *  (closed by the peer) or -errno. */
long rt_chan_fill(struct rt_chan *c);

/** Unconsumed bytes read, and how many. */
static inline const uint8_t *
rt_chan_rdata(const struct rt_chan *c)
{
	return c->rbuf + c->roff;
}

static inline size_t
rt_chan_ravail(const struct rt_chan *c)
{
	return c->rlen - c->roff;
}

/** Consumes @p n bytes of the read buffer. */
static inline void
rt_chan_consume(struct rt_chan *c, size_t n)
{
	c->roff += n;
}

/** Waits up to @p timeout_ms for the connection (or listener, or connect
 *  in progress) to be ready: readable, or writable if @p want_write.
 *  @return > 0 ready, 0 timeout, -errno. */
int rt_chan_wait(struct rt_chan *c, int want_write, int timeout_ms);

/** What rt_chan_wait() waits on, for a caller that waits on more fds.
 *  @return 1 with @p p filled, 0 when there is no socket. */
int rt_chan_pollfd(const struct rt_chan *c, int want_write,
		   struct pollfd *p);

#endif /* RT_CHAN_H */
