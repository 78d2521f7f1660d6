/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>

#include "sa_ha_names.h"

#define SA_NAME_OF(table, v)						\
	((size_t)(v) < sizeof(table) / sizeof((table)[0]) ? (table)[v] : "?")

/* Indexed by the enum values of proto/ha.proto. */
static const char *const roles[] = {
	"unknown", "solo", "primary", "standby",
};
static const char *const syncs[] = {
	"none", "syncing", "synced", "stale",
};
static const char *const peer_states[] = {
	"unknown", "alive", "dead",
};

const char *
sa_ha_role_name(Sa__Ha__Role r)
{
	return SA_NAME_OF(roles, r);
}

const char *
sa_ha_sync_name(Sa__Ha__SyncState s)
{
	return SA_NAME_OF(syncs, s);
}

const char *
sa_ha_peer_state_name(Sa__Ha__PeerState s)
{
	return SA_NAME_OF(peer_states, s);
}
