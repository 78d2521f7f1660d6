/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_CTL_H
#define HA_CTL_H

/*
 * The daemon's own control socket ([daemon] control_socket, mode 0600),
 * for sa-hactl: the runtime's protocol (SOCK_SEQPACKET, one
 * ControlRequest per record, proto/ha.proto), where status is answered
 * with a DaemonStatus and promote / demote act on the pair (with force).
 * Unreadable or unknown requests get an Error and are counted.
 */

#include <stdint.h>

#include <event2/event.h>

#include "ha.pb-c.h"

#define HA_CTL_CLIENTS	4

struct ha_ctl_ops {
	/** Fills @p st; strings and counters valid until status_done. */
	void (*status)(void *arg, Sa__Ha__DaemonStatus *st);
	void (*status_done)(void *arg, Sa__Ha__DaemonStatus *st);
	int (*promote)(void *arg, int force, Sa__Ha__PromoteReply *rep,
		       const char **why, Sa__Ha__ErrorCode *code);
	int (*demote)(void *arg, int force, Sa__Ha__FenceReply *rep,
		      const char **why, Sa__Ha__ErrorCode *code);
};

struct ha_ctl;

/** Listens at @p path (a stale socket nobody serves is replaced).
 *  @return 0 or -errno (logged). */
int ha_ctl_create(struct event_base *base, const char *path,
		  const struct ha_ctl_ops *ops, void *arg, struct ha_ctl **out);

uint64_t ha_ctl_bad_requests(const struct ha_ctl *c);

void ha_ctl_free(struct ha_ctl *c);

#endif /* HA_CTL_H */
