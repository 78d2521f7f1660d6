/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's answers to sa-hactl (ha_ctl.c's requests): status with
 * its counters, and promote / demote by hand with their refusals. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_daemon.h"
#include "ha_daemon_priv.h"

#define HA_NS_PER_US		1000ULL

static void
counter_add(Sa__Ha__DaemonStatus *st, const char *name, uint64_t value)
{
	Sa__Ha__Counter *c = malloc(sizeof(*c) + strlen(name) + 1);

	if (c == NULL)
		return;
	sa__ha__counter__init(c);
	c->name = strcpy((char *)(c + 1), name);
	c->value = value;
	st->counters[st->n_counters++] = c;
}

#define HA_N_COUNTERS_ (0 HA_COUNTERS(HA_COUNT_ONE_))
#define HA_COUNT_ONE_(n) + 1

static void
ctl_status_cb(void *arg, Sa__Ha__DaemonStatus *st)
{
	struct ha_daemon *d = arg;
	uint64_t now = ha_daemon_mono_ns();
	char name[64];
	unsigned int r;

	ha_peer_update(&d->peer, now);
	st->node_id = d->cfg.node_id;
	st->role = ha_daemon_role(d);
	st->epoch = ha_daemon_epoch(d);
	st->peer_state = d->peer.state;
	st->peer_role = d->peer.role;
	st->peer_epoch = d->peer.epoch;
	st->peer_node_id = d->peer.node_id;
	st->last_heartbeat_age_us = d->peer.heard ?
		(int64_t)((now - d->peer.last_ns) / HA_NS_PER_US) : -1;
	st->sync = d->local.sync;
	st->runtime_up = d->local.up;
	st->fenced = d->local.fenced;
	st->input_count = d->local.input_count;
	if (ha_daemon_role(d) == SA__HA__ROLE__ROLE_PRIMARY) {
		st->lag_batches = d->local.lag;
		st->lag_bytes = d->local.state_bytes > d->peer.state_bytes ?
			d->local.state_bytes - d->peer.state_bytes : 0;
	} else {
		st->lag_batches = d->peer.lag;
		st->lag_bytes = d->peer.state_bytes > d->local.state_bytes ?
			d->peer.state_bytes - d->local.state_bytes : 0;
	}
	st->counters = calloc(HA_N_COUNTERS_ + HA_HB_REJECT_COUNT + 2,
			      sizeof(*st->counters));
	if (st->counters == NULL)
		return;
#define HA_COUNTER_ADD_(c_) counter_add(st, #c_, d->n.c_);
	HA_COUNTERS(HA_COUNTER_ADD_)
#undef HA_COUNTER_ADD_
	for (r = 1; r < HA_HB_REJECT_COUNT; r++) {
		snprintf(name, sizeof(name), "hb_reject.%s",
			 ha_hb_reject_name(r));
		counter_add(st, name, d->n.hb_reject[r]);
	}
	counter_add(st, "control_bad_requests", ha_ctl_bad_requests(d->ctl));
	counter_add(st, "last_promotion_us", d->last_failover_us);
}

static void
ctl_status_done_cb(void *arg, Sa__Ha__DaemonStatus *st)
{
	size_t i;

	(void)arg;
	for (i = 0; i < st->n_counters; i++)
		free(st->counters[i]);
	free(st->counters);
}

static int
ctl_promote_cb(void *arg, int force, Sa__Ha__PromoteReply *rep,
	       const char **why, Sa__Ha__ErrorCode *code)
{
	struct ha_daemon *d = arg;

	if (!d->local.up) {
		*why = "the runtime is down";
		*code = SA__HA__ERROR_CODE__ERROR_UNAVAILABLE;
		return -EIO;
	}
	if (d->local.role != SA__HA__ROLE__ROLE_STANDBY) {
		*why = "not a standby";
		*code = SA__HA__ERROR_CODE__ERROR_NOT_STANDBY;
		return -EINVAL;
	}
	if (!force && d->local.sync != SA__HA__SYNC_STATE__SYNC_SYNCED) {
		d->n.promotions_refused++;
		*why = "this standby is SYNCING (state incomplete): refused "
		       "without --force";
		*code = SA__HA__ERROR_CODE__ERROR_NOT_SYNCED;
		return -EAGAIN;
	}
	if (ha_daemon_promote(d, force,
			      force ? "by hand, forced" : "by hand", why,
			      code) < 0)
		return -EIO;
	rep->epoch = d->local.epoch;
	rep->input_count = d->local.input_count;
	return 0;
}

static int
ctl_demote_cb(void *arg, int force, Sa__Ha__FenceReply *rep,
	      const char **why, Sa__Ha__ErrorCode *code)
{
	struct ha_daemon *d = arg;

	ha_peer_update(&d->peer, ha_daemon_mono_ns());
	if (!d->local.up || d->local.role != SA__HA__ROLE__ROLE_PRIMARY) {
		*why = "not a running primary";
		*code = SA__HA__ERROR_CODE__ERROR_NOT_PRIMARY;
		return -EINVAL;
	}
	if (!force && (d->peer.state != SA__HA__PEER_STATE__PEER_ALIVE ||
		       d->peer.role != SA__HA__ROLE__ROLE_STANDBY ||
		       d->peer.sync != SA__HA__SYNC_STATE__SYNC_SYNCED)) {
		*why = "no synced standby would take over: refused without "
		       "--force";
		*code = SA__HA__ERROR_CODE__ERROR_NOT_SYNCED;
		return -EAGAIN;
	}
	return ha_daemon_demote(d, ha_daemon_epoch(d), "by hand", rep, why,
				code);
}

const struct ha_ctl_ops ha_daemon_ctl_ops = {
	.status = ctl_status_cb,
	.status_done = ctl_status_done_cb,
	.promote = ctl_promote_cb,
	.demote = ctl_demote_cb,
};
