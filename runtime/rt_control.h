/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_CONTROL_H
#define RT_CONTROL_H

/*
 * The control socket (DESIGN.md 4.4): a Unix SOCK_SEQPACKET socket, mode
 * 0600, carrying one protobuf ControlRequest per record (proto/ha.proto)
 * and answering each with one ControlReply. It is served from the datapath
 * lcore by rt_control_poll(), non-blocking, at a coarse interval: status
 * reads the counters and promote changes the role on the one thread that
 * owns them, so there is no lock and no hand-off, and the datapath pays a
 * few syscalls every RT_CONTROL_POLL_MS.
 *
 * Requests: status, stats (the status's counters alone), promote (with
 * the epoch to take), fence (epoch, lift), demote (epoch), mb_command (an
 * operator command for the middlebox, run right away: the socket is
 * served between batches). A record that
 * does not parse, or a request this runtime does not know, is answered
 * with an Error (ERROR_BAD_REQUEST, ERROR_UNKNOWN_REQUEST) and counted.
 */

#include <poll.h>
#include <stddef.h>

#include "ha.pb-c.h"

/** How often the active datapath serves the socket. */
#define RT_CONTROL_POLL_MS	10

struct rt_control;

struct rt_control_ops {
	/** Fills @p st; its strings and counters stay valid until
	 *  status_done(). */
	void (*status)(void *arg, Sa__Ha__Status *st);
	void (*status_done)(void *arg, Sa__Ha__Status *st);
	/** @return 0 with @p rep filled, or -errno with *why and *code. */
	int (*promote)(void *arg, Sa__Ha__PromoteReply *rep, const char **why,
		       Sa__Ha__ErrorCode *code);
	/** Records @p epoch as seen (a primary below it fences itself);
	 *  with @p raise, also raises the runtime's own epoch to it.
	 *  @return the runtime's own epoch after. */
	uint64_t (*epoch)(void *arg, uint64_t epoch, int raise);
	/** Fences TX (@p lift 0) or lifts the fence.
	 *  @return 0 with @p rep filled, or -errno with *why and *code. */
	int (*fence)(void *arg, int lift, Sa__Ha__FenceReply *rep,
		     const char **why, Sa__Ha__ErrorCode *code);
	/** A primary fences itself for good (see DemoteRequest). */
	int (*demote)(void *arg, Sa__Ha__FenceReply *rep, const char **why,
		      Sa__Ha__ErrorCode *code);
	/** Runs operator command @p line (MbCommandRequest); the message
	 *  goes to @p msg (@p len bytes), which @p rep may point at.
	 *  @return 0 with @p rep filled (the middlebox's own result, failed
	 *  or not), or -errno when it was refused before the middlebox saw
	 *  it, the reason in @p msg and *code. */
	int (*command)(void *arg, const char *line,
		       Sa__Ha__MbCommandReply *rep, char *msg, size_t len,
		       Sa__Ha__ErrorCode *code);
};

/**
 * Creates the socket at @p path (mode 0600). A stale socket file nobody
 * serves is replaced; one that answers is another runtime's.
 * @return 0; -EADDRINUSE (served by someone), -EEXIST (not a socket),
 *   -ENAMETOOLONG, -errno; each logged.
 */
int rt_control_create(const char *path, struct rt_control **out);

/** Sets what the requests act on (the datapath, once it runs). */
void rt_control_attach(struct rt_control *c, const struct rt_control_ops *ops,
		       void *arg);

/** Accepts clients and answers their pending requests; never blocks. */
void rt_control_poll(struct rt_control *c);

/** Largest count rt_control_pollfds() fills. */
#define RT_CONTROL_POLLFDS	5

/** The listener and the open connections, POLLIN, for a caller that
 *  sleeps and must wake when a request comes (a standby: its promotion
 *  must not wait for the next look). @return the count filled. */
unsigned int rt_control_pollfds(const struct rt_control *c, struct pollfd *p,
				unsigned int max);

/** Requests refused as unreadable or unknown since creation. */
uint64_t rt_control_bad_requests(const struct rt_control *c);

/** Closes every connection and removes the socket file; NULL ignored. */
void rt_control_free(struct rt_control *c);

#endif /* RT_CONTROL_H */
