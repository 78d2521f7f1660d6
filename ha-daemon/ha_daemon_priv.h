/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_DAEMON_PRIV_H
#define HA_DAEMON_PRIV_H

/*
 * What ha_daemon.c (the event loop and the decisions) shares with
 * ha_daemon_ctl.c (sa-hactl's requests): the same daemon, one thread.
 */

#include <stdint.h>

#include "ha.pb-c.h"
#include "ha_ctl.h"
#include "ha_daemon.h"

/** CLOCK_MONOTONIC in ns. */
uint64_t ha_daemon_mono_ns(void);

/** The epoch this node stands for: its runtime's (the last known while
 *  it is down). */
uint64_t ha_daemon_epoch(const struct ha_daemon *d);

/** The runtime's role, or the last known while it is down. */
Sa__Ha__Role ha_daemon_role(const struct ha_daemon *d);

/** Promotes the local runtime (see ha_daemon.c); @p reason is logged.
 *  @return 0, or -errno with *why and *code. */
int ha_daemon_promote(struct ha_daemon *d, int force, const char *reason,
		      const char **why, Sa__Ha__ErrorCode *code);

/** Fences, then demotes the local runtime at @p epoch; fills @p out.
 *  @return 0, or -errno with *why and *code. */
int ha_daemon_demote(struct ha_daemon *d, uint64_t epoch, const char *reason,
		     Sa__Ha__FenceReply *out, const char **why,
		     Sa__Ha__ErrorCode *code);

/** sa-hactl's requests (ha_daemon_ctl.c). */
extern const struct ha_ctl_ops ha_daemon_ctl_ops;

#endif /* HA_DAEMON_PRIV_H */
