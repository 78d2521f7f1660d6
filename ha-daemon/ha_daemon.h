/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_DAEMON_H
#define HA_DAEMON_H

/*
 * sa-hadaemon's event loop (libevent): a heartbeat timer (CLOCK_MONOTONIC,
 * every interval: poll the runtime's status, check its process for a
 * fatal signal (ha_rtproc.h), decide, send a heartbeat),
 * the heartbeat UDP socket, the runtime's status connection (its close is
 * a runtime death, acted on at once), the daemon's control socket, and
 * SIGTERM/SIGINT (stop) and SIGHUP (log the status) as signal events.
 */

#include <stdint.h>

#include <event2/event.h>

#include "ha_announce.h"
#include "ha_config.h"
#include "ha_ctl.h"
#include "ha_epoch.h"
#include "ha_hb.h"
#include "ha_peer.h"
#include "ha_rtctl.h"
#include "ha_rtproc.h"

/* Daemon counters, printed by sa-hactl status as NAME VALUE. */
#define HA_COUNTERS(X)							\
	X(hb_sent)		/* heartbeats sent */			\
	X(hb_send_errors)						\
	X(hb_received)		/* accepted */				\
	X(promotions)							\
	X(promotion_failures)	/* the runtime refused or timed out */	\
	X(promotions_refused)	/* not SYNCED: never promoted */	\
	X(demotions)							\
	X(rejoins)		/* lost runtime restarted as a standby */ \
	X(runtime_losses)	/* status connection closed */		\
	X(runtime_dying)	/* fatal signal seen in /proc first */	\
	X(stalls)		/* local runtime: stall episodes */	\
	X(stall_checks)		/* peer's stall: runtime checked now */	\
	X(runtime_status_timeouts)					\
	X(epoch_store_errors)						\
	X(announcements)	/* frames sent */

#define HA_COUNTER_FIELD_(n) uint64_t n;
struct ha_counters {
	HA_COUNTERS(HA_COUNTER_FIELD_)
	uint64_t hb_reject[HA_HB_REJECT_COUNT];
};
#undef HA_COUNTER_FIELD_

struct ha_daemon {
	struct ha_config cfg;
	struct event_base *base;
	struct event *hb_timer;
	struct event *udp_ev;
	struct event *rt_ev;
	struct event *announce_timer;
	struct event *watch_timer;	/* a heartbeat is late: look closer */
	struct event *sig[3];
	int udp_fd;
	struct ha_ctl *ctl;
	struct ha_hb_key key;
	struct ha_hb_replay replay;
	struct ha_peer peer;
	struct ha_epoch epoch;
	struct ha_rtctl rt;
	struct ha_local local;
	Sa__Ha__Role last_role;		/* while the runtime is down */
	pid_t dead_pid;			/* seen dying: not reconnected to */
	int rt_lost;			/* was up, is down, not restarted */
	int restarting;			/* on_demote run, no runtime since */
	int stalled;			/* the last status reported a stall */
	struct ha_announce ann;
	unsigned int announce_left;
	uint64_t boot_id;
	uint64_t hb_seq;
	uint64_t last_failover_us;	/* decision -> runtime promoted */
	struct ha_counters n;
};

/** Everything after the config: sockets, key, epoch, events.
 *  @return 0 or -errno (logged). */
int ha_daemon_init(struct ha_daemon *d);

/** Runs until SIGTERM/SIGINT. @return 0 or -errno. */
int ha_daemon_run(struct ha_daemon *d);

void ha_daemon_fini(struct ha_daemon *d);

#endif /* HA_DAEMON_H */
