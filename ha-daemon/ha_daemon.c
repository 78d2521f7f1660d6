/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ha_daemon.h"
#include "ha_daemon_priv.h"
#include "ha_log.h"
#include "sa_ha_names.h"

#define HA_NS_PER_US		1000ULL
#define HA_NS_PER_MS		1000000ULL
/* A runtime that leaves a status request unanswered this long is logged
 * (it may be busy applying a snapshot); its death is the socket closing. */
#define HA_STATUS_TIMEOUT_NS	(1000 * HA_NS_PER_MS)
/* Promote, fence, demote: a standby runtime serves its socket as a request
 * arrives, a primary every TX drain interval. */
#define HA_ACTION_TIMEOUT_MS	1000
/* While the primary's heartbeat is late, the standby asks its runtime for
 * its status this often instead of every interval: a replication channel
 * closed by the primary's death is acted on within this, not up to an
 * interval later (and the quiet deadline of ha_peer.h is met as closely).
 * A status costs the idle standby a few tens of us. */
#define HA_WATCH_US		250
/* A heartbeat is late this far past its interval (in 1/4 intervals). */
#define HA_LATE_QUARTERS	5
/* Watching stops after this many dead-after times of silence: the peer's
 * daemon alone is gone, its runtime replicates on. */
#define HA_WATCH_MAX_DEAD	4
#define HA_RECV_BURST		16

uint64_t
ha_daemon_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct timeval
us_to_tv(uint64_t us)
{
	struct timeval tv = { .tv_sec = (time_t)(us / 1000000),
			      .tv_usec = (suseconds_t)(us % 1000000) };

	return tv;
}

/* The epoch this node stands for: its runtime's (the last known while
 * it is down). The store may hold more: a reservation (see reserve). */
uint64_t
ha_daemon_epoch(const struct ha_daemon *d)
{
	return d->local.epoch;
}

Sa__Ha__Role
ha_daemon_role(const struct ha_daemon *d)
{
	return d->local.up ? d->local.role : d->last_role;
}

static void
send_heartbeat(struct ha_daemon *d)
{
	Sa__Ha__Heartbeat hb = SA__HA__HEARTBEAT__INIT;
	uint8_t buf[HA_HB_DGRAM_MAX];
	size_t len;

	hb.node_id = d->cfg.node_id;
	hb.role = ha_daemon_role(d);
	hb.epoch = ha_daemon_epoch(d);
	hb.sync = d->local.sync;
	hb.acked_seq = d->local.acked_seq;
	hb.seq = ++d->hb_seq;
	hb.sent_ns = ha_daemon_mono_ns();
	hb.boot_id = d->boot_id;
	hb.runtime_up = d->local.up;
	hb.input_count = d->local.input_count;
	hb.lag = d->local.lag;
	hb.fenced = d->local.fenced;
	hb.state_bytes = d->local.state_bytes;
	hb.stalled = d->local.up && d->local.stalled;
	len = ha_hb_seal(&d->key, &hb, buf, sizeof(buf));
	if (len == 0 || sendto(d->udp_fd, buf, len, MSG_DONTWAIT,
			       (struct sockaddr *)&d->cfg.peer,
			       d->cfg.peer_len) != (ssize_t)len) {
		d->n.hb_send_errors++;
		HA_LOG_RL(WARNING, "heartbeat: send failed: %s",
			  len == 0 ? "sealing" : strerror(errno));
		return;
	}
	d->n.hb_sent++;
}

static void
announce_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ha_daemon *d = arg;
	struct timeval tv = us_to_tv(d->cfg.announce_interval_us);

	(void)fd;
	(void)what;
	d->n.announcements += ha_announce_send(&d->ann, d->cfg.vip,
					       d->cfg.n_vips);
	if (--d->announce_left > 0)
		evtimer_add(d->announce_timer, &tv);
}

static int
store_epoch(struct ha_daemon *d, uint64_t epoch)
{
	int ret = ha_epoch_store(&d->epoch, epoch);

	if (ret < 0) {
		d->n.epoch_store_errors++;
		HA_LOG_RL(ERR, "epoch %" PRIu64 ": cannot persist in %s: %s",
			  epoch, d->cfg.state_dir, strerror(-ret));
	}
	return ret;
}

/* Promotion: persist the raised epoch, have the runtime apply what it
 * received, take the epoch and transmit; then tell the peer and the
 * network. @return 0, or -errno with *why / *code for a manual request. */
int
ha_daemon_promote(struct ha_daemon *d, int force, const char *reason,
		  const char **why, Sa__Ha__ErrorCode *code)
{
	Sa__Ha__ControlRequest req = SA__HA__CONTROL_REQUEST__INIT;
	Sa__Ha__PromoteRequest pr = SA__HA__PROMOTE_REQUEST__INIT;
	Sa__Ha__ControlReply *rep = NULL;
	uint64_t epoch = ha_daemon_epoch(d), t0 = ha_daemon_mono_ns();
	int ret;

	if (d->peer.epoch > epoch)
		epoch = d->peer.epoch;
	epoch++;
	/* Usually reserved already, off the critical path: an fsync here
	 * costs 3-12 ms on this kind of disk. */
	if (epoch > d->epoch.value && store_epoch(d, epoch) < 0) {
		*why = "cannot persist the new epoch";
		*code = SA__HA__ERROR_CODE__ERROR_UNAVAILABLE;
		return -EIO;
	}
	pr.epoch = epoch;
	pr.force = force;
	req.id = 1;
	req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_PROMOTE;
	req.promote = &pr;
	ret = ha_rtctl_call(d->rt.path, &req, HA_ACTION_TIMEOUT_MS, &rep);
	if (ret < 0 || rep->reply_case != SA__HA__CONTROL_REPLY__REPLY_PROMOTE) {
		d->n.promotion_failures++;
		*why = ret < 0 ? "the runtime does not answer" :
		       rep->reply_case == SA__HA__CONTROL_REPLY__REPLY_ERROR ?
		       "the runtime refused" : "unexpected reply";
		*code = ret < 0 ? SA__HA__ERROR_CODE__ERROR_UNAVAILABLE :
			rep->reply_case == SA__HA__CONTROL_REPLY__REPLY_ERROR ?
			rep->error->code : SA__HA__ERROR_CODE__ERROR_BAD_REQUEST;
		HA_LOG_RL(ERR, "promotion failed: %s%s%s", *why,
			  ret == 0 && rep->reply_case ==
			  SA__HA__CONTROL_REPLY__REPLY_ERROR ? ": " : "",
			  ret == 0 && rep->reply_case ==
			  SA__HA__CONTROL_REPLY__REPLY_ERROR ?
			  rep->error->message : "");
		sa__ha__control_reply__free_unpacked(rep, NULL);
		return -EIO;
	}
	ha_rtctl_invalidate(&d->rt);
	d->local.role = d->last_role = SA__HA__ROLE__ROLE_PRIMARY;
	d->local.epoch = rep->promote->epoch;
	d->local.fenced = 0;
	d->n.promotions++;
	d->last_failover_us = (ha_daemon_mono_ns() - t0) / HA_NS_PER_US;
	HA_LOG(NOTICE, "promoted to primary (%s): epoch %" PRIu64 ", state "
	       "as of input packet %" PRIu64 ", runtime took %" PRIu64 " us",
	       reason, rep->promote->epoch, rep->promote->input_count,
	       d->last_failover_us);
	sa__ha__control_reply__free_unpacked(rep, NULL);
	send_heartbeat(d);
	if (d->ann.fd >= 0 && d->cfg.n_vips > 0) {
		d->announce_left = d->cfg.announce_count;
		announce_cb(-1, 0, d);
	}
	return 0;
}

static void
run_on_demote(struct ha_daemon *d, uint64_t epoch)
{
	char text[32];
	pid_t pid;

	if (d->cfg.on_demote[0] == '\0')
		return;
	snprintf(text, sizeof(text), "%" PRIu64, epoch);
	pid = fork();
	if (pid == 0) {
		setenv("SA_HA_EPOCH", text, 1);
		execl("/bin/sh", "sh", "-c", d->cfg.on_demote, (char *)NULL);
		_exit(127);
	}
	if (pid < 0) {
		HA_LOG(ERR, "on_demote: fork: %s", strerror(errno));
		return;
	}
	/* The runtime it stops is no loss to act on again. */
	d->restarting = 1;
	d->rt_lost = 0;
	HA_LOG(NOTICE, "on_demote: started '%s' (pid %d)", d->cfg.on_demote,
	       (int)pid);
}

/* Demotion: fence at once, then demote; the runtime must be restarted as
 * a standby (on_demote). */
int
ha_daemon_demote(struct ha_daemon *d, uint64_t epoch, const char *reason,
		 Sa__Ha__FenceReply *out, const char **why,
		 Sa__Ha__ErrorCode *code)
{
	Sa__Ha__ControlRequest req = SA__HA__CONTROL_REQUEST__INIT;
	Sa__Ha__FenceRequest fr = SA__HA__FENCE_REQUEST__INIT;
	Sa__Ha__DemoteRequest dr = SA__HA__DEMOTE_REQUEST__INIT;
	Sa__Ha__ControlReply *rep = NULL;
	int ret;

	fr.epoch = epoch;
	req.id = 1;
	req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_FENCE;
	req.fence = &fr;
	ret = ha_rtctl_call(d->rt.path, &req, HA_ACTION_TIMEOUT_MS, &rep);
	sa__ha__control_reply__free_unpacked(rep, NULL);
	dr.epoch = epoch;
	req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_DEMOTE;
	req.demote = &dr;
	if (ret == 0)
		ret = ha_rtctl_call(d->rt.path, &req, HA_ACTION_TIMEOUT_MS,
				    &rep);
	if (ret < 0 || rep->reply_case != SA__HA__CONTROL_REPLY__REPLY_FENCE) {
		*why = ret < 0 ? "the runtime does not answer" :
		       "the runtime refused";
		*code = ret < 0 ? SA__HA__ERROR_CODE__ERROR_UNAVAILABLE :
			SA__HA__ERROR_CODE__ERROR_NOT_PRIMARY;
		HA_LOG_RL(ERR, "demotion failed: %s", *why);
		sa__ha__control_reply__free_unpacked(rep, NULL);
		return -EIO;
	}
	if (out != NULL) {
		out->fenced = rep->fence->fenced;
		out->epoch = rep->fence->epoch;
		out->epoch_seen = rep->fence->epoch_seen;
		out->tx_fenced = rep->fence->tx_fenced;
	}
	sa__ha__control_reply__free_unpacked(rep, NULL);
	ha_rtctl_invalidate(&d->rt);
	d->local.fenced = d->local.demoted = 1;
	d->n.demotions++;
	HA_LOG(WARNING, "demoted (%s): TX fenced; epoch %" PRIu64 " wins",
	       reason, epoch);
	send_heartbeat(d);
	run_on_demote(d, epoch);
	return 0;
}

/* The pair is redundant again without an operator: once per loss (the
 * flag clears when a runtime connects), and never for a runtime that
 * has not come up since the daemon started. */
static void
rejoin(struct ha_daemon *d)
{
	if (!d->rt_lost || d->cfg.on_demote[0] == '\0' ||
	    !ha_peer_should_rejoin(&d->peer, &d->local, d->last_role,
				   ha_daemon_mono_ns()))
		return;
	d->n.rejoins++;
	HA_LOG(NOTICE, "runtime down and node %u is the primary (epoch %"
	       PRIu64 "): restarting it as a standby", d->peer.node_id,
	       d->peer.epoch);
	run_on_demote(d, d->peer.epoch);
}

static void
decide(struct ha_daemon *d)
{
	const char *why, *mwhy;
	Sa__Ha__ErrorCode code;
	uint64_t now;

	rejoin(d);
	now = ha_daemon_mono_ns();
	if (!d->local.up && d->last_role == SA__HA__ROLE__ROLE_STANDBY &&
	    d->peer.heard && d->peer.role == SA__HA__ROLE__ROLE_PRIMARY &&
	    ha_peer_update(&d->peer, now) != SA__HA__PEER_STATE__PEER_ALIVE)
		HA_LOG_RL(WARNING, "the primary failed, but this node's runtime "
			  "is down: no takeover");
	switch (ha_peer_decide(&d->peer, &d->local, now, &why)) {
	case HA_ACT_PROMOTE:
		ha_daemon_promote(d, 0, why, &mwhy, &code);
		break;
	case HA_ACT_DEMOTE:
		ha_daemon_demote(d, d->peer.epoch, why, NULL, &mwhy, &code);
		break;
	case HA_ACT_REFUSED:
		d->n.promotions_refused++;
		HA_LOG_RL(WARNING, "the primary failed but this standby is "
			  "not promotable: %s", why);
		break;
	default:
		break;
	}
}

static void
runtime_lost(struct ha_daemon *d, const char *why)
{
	if (d->rt_ev != NULL)
		event_free(d->rt_ev);
	d->rt_ev = NULL;
	ha_rtctl_close(&d->rt);
	if (d->local.up) {
		d->n.runtime_losses++;
		d->rt_lost = !d->restarting;
		HA_LOG(WARNING, "runtime %s: %s", d->rt.path, why);
	}
	d->local.up = 0;
	/* What a dead runtime last said of its replica is void: status and
	 * heartbeats must not call this node synced (a caller waiting for
	 * a synced standby would go on while none runs). */
	d->local.sync = SA__HA__SYNC_STATE__SYNC_NONE;
	d->local.repl_connected = 0;
	d->local.stalled = 0;
	/* The peer learns now, not at the next interval. */
	send_heartbeat(d);
}

/*
 * A synced standby persists the epoch it would take if promoted now (one
 * above every epoch it knows) while nothing is urgent, so a promotion uses
 * an epoch that is already durable and pays no fsync. Epochs only have to
 * grow and never be reused: persisting one early is as safe as persisting
 * it at the moment of use, and a node that restarts starts above it.
 */
static void
reserve(struct ha_daemon *d)
{
	uint64_t want = d->local.epoch;

	if (d->local.role != SA__HA__ROLE__ROLE_STANDBY ||
	    d->local.sync != SA__HA__SYNC_STATE__SYNC_SYNCED)
		return;
	if (d->peer.epoch > want)
		want = d->peer.epoch;
	if (want + 1 > d->epoch.value)
		store_epoch(d, want + 1);
}

static void
local_updated(struct ha_daemon *d)
{
	d->last_role = d->local.role;
	/* A stall starts: the primary's daemon checks its runtime when it
	 * hears of it, so it hears of it now. */
	if (d->local.stalled && !d->stalled) {
		d->n.stalls++;
		HA_LOG_RL(INFO, "replication stalled: input waits %" PRIu64
			  " us with no delta; asking the peer", d->local.stall_us);
		send_heartbeat(d);
	}
	d->stalled = d->local.stalled;
	if (d->local.epoch > d->epoch.value)
		store_epoch(d, d->local.epoch);
	decide(d);
	reserve(d);
}

static void
rt_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ha_daemon *d = arg;
	int ret;

	(void)fd;
	(void)what;
	ret = ha_rtctl_read(&d->rt, &d->local);
	if (ret == 1)
		local_updated(d);
	else if (ret < 0)
		runtime_lost(d, ret == -EPIPE ? "control connection closed "
			     "(runtime down)" : "unreadable reply");
}

/* The runtime's process: a fatal signal is a death now, not when the
 * kernel has finished tearing it down and its socket closes. */
static void
check_runtime(struct ha_daemon *d)
{
	enum ha_proc_state s;
	pid_t pid = d->rt.pid;

	if (d->rt.fd < 0 || pid <= 0)
		return;
	s = ha_rtproc_check(pid);
	if (s == HA_PROC_ALIVE)
		return;
	d->dead_pid = pid;
	if (d->local.up)
		d->n.runtime_dying++;
	runtime_lost(d, s == HA_PROC_DYING ? "process dying (fatal signal)" :
		     "process gone");
}

static void
rt_connect(struct ha_daemon *d)
{
	if (ha_rtctl_connect(&d->rt) < 0)
		return;
	/* A dying runtime's socket still accepts until it is torn down. */
	if (d->rt.pid > 0 && (d->rt.pid == d->dead_pid ||
			      ha_rtproc_check(d->rt.pid) != HA_PROC_ALIVE)) {
		ha_rtctl_close(&d->rt);
		return;
	}
	d->rt_ev = event_new(d->base, d->rt.fd, EV_READ | EV_PERSIST,
			     rt_read_cb, d);
	if (d->rt_ev == NULL || event_add(d->rt_ev, NULL) != 0) {
		runtime_lost(d, "cannot watch the control connection");
		return;
	}
	d->rt_lost = d->restarting = 0;
	HA_LOG(INFO, "runtime %s: connected", d->rt.path);
}

static void
hb_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ha_daemon *d = arg;
	uint64_t now = ha_daemon_mono_ns();

	(void)fd;
	(void)what;
	if (d->rt.fd < 0)
		rt_connect(d);
	if (d->rt.fd >= 0) {
		if (d->rt.pending &&
		    now - d->rt.pending_since_ns > HA_STATUS_TIMEOUT_NS) {
			d->n.runtime_status_timeouts++;
			HA_LOG_RL(WARNING, "runtime: status unanswered for "
				  "%" PRIu64 " ms", (uint64_t)((now -
				  d->rt.pending_since_ns) / HA_NS_PER_MS));
			d->rt.pending_since_ns = now;
		}
		if (ha_rtctl_poll_status(&d->rt, now) < 0)
			runtime_lost(d, "status request failed");
	}
	check_runtime(d);
	decide(d);
	send_heartbeat(d);
}

/* A SYNCED standby whose live primary's heartbeat is late. */
static int
suspect(const struct ha_daemon *d, uint64_t now)
{
	uint64_t silent = now - d->peer.last_ns;

	return d->local.up && d->local.role == SA__HA__ROLE__ROLE_STANDBY &&
	       d->local.sync == SA__HA__SYNC_STATE__SYNC_SYNCED &&
	       d->peer.heard && d->peer.role == SA__HA__ROLE__ROLE_PRIMARY &&
	       now > d->peer.last_ns &&
	       silent > d->cfg.interval_us * HA_NS_PER_US &&
	       silent < d->peer.dead_after_ns * HA_WATCH_MAX_DEAD;
}

static void
watch_after(struct ha_daemon *d, uint64_t us)
{
	struct timeval tv = us_to_tv(us);

	evtimer_add(d->watch_timer, &tv);
}

static void
watch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ha_daemon *d = arg;
	uint64_t now = ha_daemon_mono_ns();

	(void)fd;
	(void)what;
	if (!suspect(d, now))
		return;
	if (d->rt.fd >= 0 && ha_rtctl_poll_status(&d->rt, now) < 0)
		runtime_lost(d, "status request failed");
	decide(d);
	watch_after(d, HA_WATCH_US);
}

static void
udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ha_daemon *d = arg;
	uint8_t buf[HA_HB_DGRAM_MAX + 1];
	Sa__Ha__Heartbeat *hb;
	enum ha_hb_reject why;
	int i, heard = 0;
	ssize_t n;

	(void)what;
	for (i = 0; i < HA_RECV_BURST; i++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			break;
		if (ha_hb_open(&d->key, &d->replay, d->cfg.node_id, buf,
			       (size_t)n, &hb, &why) < 0) {
			d->n.hb_reject[why]++;
			HA_LOG_RL(WARNING, "heartbeat rejected: %s",
				  ha_hb_reject_name(why));
			continue;
		}
		if (d->peer.heard && d->peer.state !=
		    SA__HA__PEER_STATE__PEER_ALIVE && hb->runtime_up)
			HA_LOG(INFO, "peer node %u alive: %s, epoch %" PRIu64,
			       hb->node_id, sa_ha_role_name(hb->role), hb->epoch);
		ha_peer_heard(&d->peer, hb, ha_daemon_mono_ns());
		/* Our standby sees input no delta covers: is our runtime
		 * still there? Answered by the next heartbeat, or at once
		 * (runtime_lost) when it is not. */
		if (hb->stalled && d->local.up &&
		    d->local.role == SA__HA__ROLE__ROLE_PRIMARY) {
			d->n.stall_checks++;
			check_runtime(d);
		}
		sa__ha__heartbeat__free_unpacked(hb, NULL);
		d->n.hb_received++;
		heard = 1;
	}
	if (heard) {
		/* The next heartbeat is due in an interval: if it is late,
		 * watch_cb looks closer. */
		watch_after(d, d->cfg.interval_us * HA_LATE_QUARTERS / 4);
		decide(d);
	}
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct ha_daemon *d = arg;

	(void)what;
	if (sig == SIGHUP) {
		HA_LOG(NOTICE, "role %s, epoch %" PRIu64 ", runtime %s, peer "
		       "%s", sa_ha_role_name(ha_daemon_role(d)),
		       ha_daemon_epoch(d),
		       d->local.up ? "up" : "down",
		       sa_ha_peer_state_name(d->peer.state));
		return;
	}
	HA_LOG(NOTICE, "signal %d: stopping", (int)sig);
	event_base_loopbreak(d->base);
}

static int
udp_open(struct ha_daemon *d)
{
	d->udp_fd = socket(d->cfg.listen.ss_family,
			   SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->udp_fd < 0 ||
	    bind(d->udp_fd, (struct sockaddr *)&d->cfg.listen,
		 d->cfg.listen_len) != 0) {
		HA_LOG(ERR, "%s: heartbeat listen address: %s", d->cfg.path,
		       strerror(errno));
		return -errno;
	}
	return 0;
}

int
ha_daemon_init(struct ha_daemon *d)
{
	static const int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	struct event_config *ec;
	struct timeval tv;
	int ret, i;

	d->udp_fd = -1;
	ha_rtctl_init(&d->rt, d->cfg.runtime_socket);
	if (getrandom(&d->boot_id, sizeof(d->boot_id), 0) !=
	    sizeof(d->boot_id))
		return -EIO;
	ret = ha_hb_key_load(&d->key, d->cfg.key_file);
	if (ret < 0)
		return ret;
	ret = ha_epoch_open(&d->epoch, d->cfg.state_dir);
	if (ret < 0) {
		HA_LOG(ERR, "%s: epoch store: %s", d->cfg.state_dir,
		       strerror(-ret));
		return ret;
	}
	ret = ha_announce_open(&d->ann, &d->cfg);
	if (ret < 0)
		return ret;
	ret = udp_open(d);
	if (ret < 0)
		return ret;
	/* Precise timers: CLOCK_MONOTONIC, not its coarse variant. */
	ec = event_config_new();
	if (ec == NULL)
		return -ENOMEM;
	event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER);
	d->base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (d->base == NULL)
		return -ENOMEM;
	ret = ha_ctl_create(d->base, d->cfg.control_socket,
			    &ha_daemon_ctl_ops, d, &d->ctl);
	if (ret < 0)
		return ret;
	d->hb_timer = event_new(d->base, -1, EV_PERSIST, hb_timer_cb, d);
	d->udp_ev = event_new(d->base, d->udp_fd, EV_READ | EV_PERSIST,
			      udp_read_cb, d);
	d->announce_timer = evtimer_new(d->base, announce_cb, d);
	d->watch_timer = evtimer_new(d->base, watch_cb, d);
	for (i = 0; i < 3; i++) {
		d->sig[i] = evsignal_new(d->base, sigs[i], signal_cb, d);
		if (d->sig[i] == NULL || evsignal_add(d->sig[i], NULL) != 0)
			return -ENOMEM;
	}
	tv = us_to_tv(d->cfg.interval_us);
	if (d->hb_timer == NULL || d->udp_ev == NULL ||
	    d->announce_timer == NULL || d->watch_timer == NULL ||
	    event_add(d->hb_timer, &tv) != 0 ||
	    event_add(d->udp_ev, NULL) != 0)
		return -ENOMEM;
	ha_peer_init(&d->peer, d->cfg.node_id,
		     d->cfg.interval_us * HA_NS_PER_US, d->cfg.miss_count,
		     ha_daemon_mono_ns());
	if (d->cfg.rt_priority > 0) {
		struct sched_param sp = { .sched_priority = d->cfg.rt_priority };

		/* The daemon shares cores with busy-polling runtimes: under
		 * the time-sharing scheduler its 2 ms timer and heartbeat
		 * reads wait for their slice (keepalived: vrrp_rt_priority).
		 * Not inherited: an on_demote child starts a runtime. */
		if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK,
				       &sp) != 0) {
			HA_LOG(ERR, "%s: realtime_priority %d: %s", d->cfg.path,
			       d->cfg.rt_priority, strerror(errno));
			return -errno;
		}
	}
	/* on_demote children are not waited for. */
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int
ha_daemon_run(struct ha_daemon *d)
{
	HA_LOG(NOTICE, "node %u: heartbeats every %" PRIu64 " us, dead after "
	       "%u missed; epoch %" PRIu64 "; runtime %s", d->cfg.node_id,
	       d->cfg.interval_us, d->cfg.miss_count, d->epoch.value,
	       d->cfg.runtime_socket);
	rt_connect(d);
	return event_base_dispatch(d->base) < 0 ? -EIO : 0;
}

void
ha_daemon_fini(struct ha_daemon *d)
{
	int i;

	for (i = 0; i < 3; i++)
		if (d->sig[i] != NULL)
			event_free(d->sig[i]);
	if (d->announce_timer != NULL)
		event_free(d->announce_timer);
	if (d->watch_timer != NULL)
		event_free(d->watch_timer);
	if (d->udp_ev != NULL)
		event_free(d->udp_ev);
	if (d->hb_timer != NULL)
		event_free(d->hb_timer);
	if (d->rt_ev != NULL)
		event_free(d->rt_ev);
	ha_ctl_free(d->ctl);
	if (d->base != NULL)
		event_base_free(d->base);
	ha_rtctl_close(&d->rt);
	if (d->udp_fd >= 0)
		close(d->udp_fd);
	ha_announce_close(&d->ann);
	ha_hb_key_fini(&d->key);
}
