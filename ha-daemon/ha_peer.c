/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "ha_peer.h"

void
ha_peer_init(struct ha_peer *p, uint32_t own_node, uint64_t interval_ns,
	     unsigned int miss_count, uint64_t now_ns)
{
	memset(p, 0, sizeof(*p));
	p->own_node = own_node;
	p->dead_after_ns = interval_ns * miss_count;
	p->quiet_ns = miss_count < HA_QUIET_INTERVALS ? p->dead_after_ns :
		      interval_ns * HA_QUIET_INTERVALS;
	p->start_ns = now_ns;
	p->state = SA__HA__PEER_STATE__PEER_UNKNOWN;
}

void
ha_peer_heard(struct ha_peer *p, const Sa__Ha__Heartbeat *hb, uint64_t now_ns)
{
	p->heard = 1;
	p->last_ns = now_ns;
	p->node_id = hb->node_id;
	p->role = hb->role;
	p->epoch = hb->epoch;
	p->sync = hb->sync;
	p->runtime_up = hb->runtime_up;
	p->fenced = hb->fenced;
	p->acked_seq = hb->acked_seq;
	p->input_count = hb->input_count;
	p->state_bytes = hb->state_bytes;
	p->lag = hb->lag;
	p->stalled = hb->stalled;
	ha_peer_update(p, now_ns);
}

static int
silent_for(const struct ha_peer *p, uint64_t now_ns, uint64_t ns)
{
	uint64_t since = p->heard ? p->last_ns : p->start_ns;

	return now_ns > since && now_ns - since > ns;
}

static int
missed(const struct ha_peer *p, uint64_t now_ns)
{
	return silent_for(p, now_ns, p->dead_after_ns);
}

Sa__Ha__PeerState
ha_peer_update(struct ha_peer *p, uint64_t now_ns)
{
	if (!p->heard)
		p->state = missed(p, now_ns) ? SA__HA__PEER_STATE__PEER_DEAD :
			   SA__HA__PEER_STATE__PEER_UNKNOWN;
	else if (missed(p, now_ns) || !p->runtime_up)
		p->state = SA__HA__PEER_STATE__PEER_DEAD;
	else
		p->state = SA__HA__PEER_STATE__PEER_ALIVE;
	return p->state;
}

/* The primary is gone: see the rules in ha_peer.h. */
static int
primary_failed(const struct ha_peer *p, const struct ha_local *local,
	       uint64_t now_ns, const char **why)
{
	if (p->heard && !missed(p, now_ns) && p->role ==
	    SA__HA__ROLE__ROLE_PRIMARY && !p->runtime_up) {
		*why = "the peer reports its runtime down";
		return 1;
	}
	if (p->heard && !missed(p, now_ns) && p->role ==
	    SA__HA__ROLE__ROLE_PRIMARY && p->fenced) {
		*why = "the peer primary is fenced (demoted)";
		return 1;
	}
	if (silent_for(p, now_ns, p->quiet_ns) && !local->repl_connected) {
		*why = "heartbeats quiet and the replication channel closed";
		return 1;
	}
	if (silent_for(p, now_ns, HA_HOST_DOWN_STALL_US * 1000ULL) &&
	    local->stalled && local->stall_us >= HA_HOST_DOWN_STALL_US) {
		*why = "heartbeats and replication silent past "
		       "HA_HOST_DOWN_STALL_US (the primary's host is down)";
		return 1;
	}
	return 0;
}

static enum ha_action
decide_standby(struct ha_peer *p, const struct ha_local *local,
	       uint64_t now_ns, const char **why)
{
	if (!primary_failed(p, local, now_ns, why))
		return HA_ACT_NONE;
	if (local->sync != SA__HA__SYNC_STATE__SYNC_SYNCED) {
		*why = local->sync == SA__HA__SYNC_STATE__SYNC_SYNCING ?
		       "bulk sync unfinished: not promotable" :
		       local->sync == SA__HA__SYNC_STATE__SYNC_STALE ?
		       "stale (dropped by the primary, not resynced since): "
		       "promote by hand with --force" :
		       "never synced: not promotable";
		return HA_ACT_REFUSED;
	}
	return HA_ACT_PROMOTE;
}

static enum ha_action
decide_primary(struct ha_peer *p, const struct ha_local *local,
	       uint64_t now_ns, const char **why)
{
	if (!p->heard || missed(p, now_ns) || !p->runtime_up || p->fenced ||
	    p->role != SA__HA__ROLE__ROLE_PRIMARY)
		return HA_ACT_NONE;
	if (p->epoch > local->epoch ||
	    (p->epoch == local->epoch && p->node_id < p->own_node)) {
		*why = p->epoch > local->epoch ?
		       "two primaries: the peer's epoch is higher" :
		       "two primaries, equal epochs: the lower node id stays";
		return HA_ACT_DEMOTE;
	}
	return HA_ACT_NONE;
}

enum ha_action
ha_peer_decide(struct ha_peer *p, const struct ha_local *local,
	       uint64_t now_ns, const char **why)
{
	*why = "";
	ha_peer_update(p, now_ns);
	if (!local->up || local->demoted)
		return HA_ACT_NONE;
	if (local->role == SA__HA__ROLE__ROLE_STANDBY)
		return decide_standby(p, local, now_ns, why);
	if (local->role == SA__HA__ROLE__ROLE_PRIMARY && !local->fenced)
		return decide_primary(p, local, now_ns, why);
	return HA_ACT_NONE;
}

int
ha_peer_should_rejoin(struct ha_peer *p, const struct ha_local *local,
		      Sa__Ha__Role last_role, uint64_t now_ns)
{
	if (local->up || ha_peer_update(p, now_ns) !=
	    SA__HA__PEER_STATE__PEER_ALIVE ||
	    p->role != SA__HA__ROLE__ROLE_PRIMARY || p->fenced)
		return 0;
	if (last_role == SA__HA__ROLE__ROLE_PRIMARY)
		return p->epoch > local->epoch;
	return last_role == SA__HA__ROLE__ROLE_STANDBY;
}
