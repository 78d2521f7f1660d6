/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_PEER_H
#define HA_PEER_H

/*
 * The peer state machine: what the daemon knows of its peer (from
 * heartbeats) and of its own runtime (from its status), and the one
 * decision made from them: promote, demote, or nothing. Pure: times are
 * passed in (CLOCK_MONOTONIC ns), no I/O, so Check drives every case.
 *
 * Rules (DESIGN.md 4.4):
 * - The peer is DEAD after miss_count intervals without a heartbeat, or
 *   when its heartbeats say its runtime is down.
 * - A STANDBY promotes when its primary has failed:
 *   - the peer's daemon reports its runtime down (fast path: a fatal
 *     signal seen in /proc, ha_rtproc.h, or the runtime's control socket
 *     closed) or fenced (demoted by hand);
 *   - or heartbeats have been quiet for HA_QUIET_INTERVALS (one due
 *     heartbeat did not come) AND the local runtime's replication
 *     channel is closed: a live primary runtime drops a standby only
 *     with a Bye (the standby is then STALE, below), so a close without
 *     one is its process gone, and a quiet daemon went with it (a live
 *     one would have reported the death within an interval). This is
 *     runtime and daemon killed together, seen when the kernel has
 *     torn the runtime down;
 *   - or heartbeats AND replication have both been silent for
 *     HA_HOST_DOWN_STALL_US (the local runtime reports kept input no
 *     delta covers for that long): the primary's host is gone and no
 *     TCP reset will come. Shorter silences are no proof: a primary
 *     whose daemon alone died, while its runtime hiccups for a few ms
 *     on a busy host, looks just the same, and a takeover then would
 *     leave two transmitters and no daemon to fence the old one; and a
 *     heartbeat gap of 8 ms during a replication cut is routine on a
 *     loaded host.
 *   Missed heartbeats with replication alive mean the peer daemon alone
 *   is gone while its runtime forwards: no takeover. A replication
 *   channel lost, or a stall, while heartbeats say the primary's runtime
 *   lives is a link cut or a slow primary: no takeover either (the
 *   standby goes stale, or catches up).
 * - A standby not SYNCED is never promoted on its own: SYNCING (bulk
 *   sync unfinished), or STALE (its primary dropped it with a Bye and
 *   lives on, so the close of the channel that follows is no death; its
 *   state is behind until a new session resyncs it).
 * - Two live PRIMARY runtimes: the lower epoch demotes (equal epochs: the
 *   higher node id), after the heartbeat that shows it.
 */

#include <stdint.h>

#include "ha.pb-c.h"

/* A replication stall this long, with heartbeats missed, is a host down
 * (a few ms of stall are routine on a loaded host; 100 ms are not). */
#define HA_HOST_DOWN_STALL_US	100000u

/* Heartbeat intervals of silence that, with the replication channel
 * closed, make the primary dead: one due heartbeat did not come. */
#define HA_QUIET_INTERVALS	2u

/* The local runtime as its last status showed it. */
struct ha_local {
	int up;				/* answers its control socket */
	Sa__Ha__Role role;
	Sa__Ha__SyncState sync;
	uint64_t epoch;
	int repl_connected;
	int fenced;
	int demoted;
	uint32_t acked_seq;
	uint32_t lag;
	uint64_t input_count;
	uint64_t state_bytes;
	int stalled;			/* standby: replication stall */
	uint64_t stall_us;
};

struct ha_peer {
	uint32_t own_node;
	uint64_t dead_after_ns;		/* interval * miss_count */
	uint64_t quiet_ns;		/* HA_QUIET_INTERVALS, at most that */
	uint64_t start_ns;
	int heard;
	uint64_t last_ns;		/* when the last heartbeat arrived */
	Sa__Ha__PeerState state;
	/* From the last heartbeat. */
	uint32_t node_id;
	Sa__Ha__Role role;
	uint64_t epoch;
	Sa__Ha__SyncState sync;
	int runtime_up;
	int fenced;
	uint32_t acked_seq;
	uint64_t input_count;
	uint64_t state_bytes;
	uint32_t lag;
	int stalled;			/* standby: its runtime sees a stall */
};

enum ha_action {
	HA_ACT_NONE = 0,
	HA_ACT_PROMOTE,
	HA_ACT_DEMOTE,
	HA_ACT_REFUSED,		/* would promote, but not SYNCED: *why */
};

void ha_peer_init(struct ha_peer *p, uint32_t own_node, uint64_t interval_ns,
		  unsigned int miss_count, uint64_t now_ns);

/** Takes an authenticated, fresh heartbeat. */
void ha_peer_heard(struct ha_peer *p, const Sa__Ha__Heartbeat *hb,
		   uint64_t now_ns);

/** Re-evaluates liveness at @p now_ns. @return the new state. */
Sa__Ha__PeerState ha_peer_update(struct ha_peer *p, uint64_t now_ns);

/** The decision for @p local at @p now_ns; *why says why (for the log). */
enum ha_action ha_peer_decide(struct ha_peer *p, const struct ha_local *local,
			      uint64_t now_ns, const char **why);

/**
 * Whether this node's runtime, lost (it was up, now down) and last seen
 * in @p last_role, should be restarted as a standby: the peer runs as a
 * live, unfenced primary, of a higher epoch when ours was the primary (it
 * took over). A crashed primary or standby so rejoins by itself.
 */
int ha_peer_should_rejoin(struct ha_peer *p, const struct ha_local *local,
			  Sa__Ha__Role last_role, uint64_t now_ns);

#endif /* HA_PEER_H */
