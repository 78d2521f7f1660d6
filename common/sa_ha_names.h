/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_HA_NAMES_H
#define SA_HA_NAMES_H

/*
 * The words sa-ctl, sa-hactl and the daemon's log use for proto/ha.proto's
 * enums ("primary", "synced", "alive"): one table each, so the tools and
 * the scripts that parse their KEY=VALUE output agree. A value outside
 * the enum is "?".
 */

#include "ha.pb-c.h"

const char *sa_ha_role_name(Sa__Ha__Role r);
const char *sa_ha_sync_name(Sa__Ha__SyncState s);
const char *sa_ha_peer_state_name(Sa__Ha__PeerState s);

#endif /* SA_HA_NAMES_H */
