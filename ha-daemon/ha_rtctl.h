/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_RTCTL_H
#define HA_RTCTL_H

/*
 * The daemon's client of its runtime's control socket (runtime/rt_control.h:
 * SOCK_SEQPACKET, one ControlRequest per record). One long-lived
 * connection carries the periodic status polls; its closing is how the
 * daemon learns at once that its runtime died. Actions (promote, fence,
 * demote) use a short connection of their own with a deadline, so their
 * replies never mix with a status in flight.
 */

#include <stdint.h>
#include <sys/types.h>

#include "ha.pb-c.h"
#include "ha_peer.h"

#define HA_RTCTL_MSG_MAX	(64u << 10)

struct ha_rtctl {
	char path[108];
	int fd;			/* -1: not connected */
	pid_t pid;		/* the runtime's (SO_PEERCRED); 0: unknown */
	uint32_t next_id;
	int pending;		/* a status request awaits its reply */
	uint64_t pending_since_ns;
	uint8_t buf[HA_RTCTL_MSG_MAX];
};

void ha_rtctl_init(struct ha_rtctl *c, const char *path);

/** Connects the status connection (non-blocking socket) and learns
 *  the runtime's pid (c->pid).
 *  @return 0 or -errno (the runtime is not there). */
int ha_rtctl_connect(struct ha_rtctl *c);

void ha_rtctl_close(struct ha_rtctl *c);

/** Sends a status request unless one is pending. @return 0, -errno. */
int ha_rtctl_poll_status(struct ha_rtctl *c, uint64_t now_ns);

/** Forgets a status request in flight: its reply, which predates an
 *  action just taken, will be ignored. */
void ha_rtctl_invalidate(struct ha_rtctl *c);

/**
 * Reads what arrived on the status connection.
 * @return 1 with @p out filled, 0 when nothing complete arrived, -EPIPE
 *   when the runtime closed the connection (it died), -EBADMSG.
 */
int ha_rtctl_read(struct ha_rtctl *c, struct ha_local *out);

/** The fields the daemon uses from a Status (pure; tested). */
void ha_local_from_status(const Sa__Ha__Status *st, struct ha_local *out);

/**
 * One request on its own connection, waiting up to @p timeout_ms.
 * @return 0 with *rep (free with sa__ha__control_reply__free_unpacked),
 *   or -errno (-ETIMEDOUT, -ECONNREFUSED, ...).
 */
int ha_rtctl_call(const char *path, Sa__Ha__ControlRequest *req,
		  int timeout_ms, Sa__Ha__ControlReply **rep);

#endif /* HA_RTCTL_H */
