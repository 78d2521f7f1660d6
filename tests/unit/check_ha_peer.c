/* SPDX-License-Identifier: BSD-3-Clause */
/* The peer state machine: liveness, when a standby promotes (and when it
 * must not), split-brain resolution by epoch. */
#include <string.h>

#include "check_main.h"
#include "ha_peer.h"

#define MS	1000000ULL
#define T0	(1000 * MS)

static struct ha_peer p;

static void
setup(void)
{
	ha_peer_init(&p, 2, 2 * MS, 4, T0);	/* dead after 8 ms */
}

static void
hear(uint64_t now, Sa__Ha__Role role, uint64_t epoch, int up, int fenced)
{
	Sa__Ha__Heartbeat hb = SA__HA__HEARTBEAT__INIT;

	hb.node_id = 1;
	hb.role = role;
	hb.epoch = epoch;
	hb.runtime_up = up;
	hb.fenced = fenced;
	hb.sync = SA__HA__SYNC_STATE__SYNC_SYNCED;
	ha_peer_heard(&p, &hb, now);
}

static struct ha_local
standby(int synced, int repl_up)
{
	struct ha_local l = { .up = 1, .role = SA__HA__ROLE__ROLE_STANDBY,
			      .epoch = 1, .repl_connected = repl_up };

	l.sync = synced ? SA__HA__SYNC_STATE__SYNC_SYNCED :
			  SA__HA__SYNC_STATE__SYNC_SYNCING;
	return l;
}

START_TEST(liveness)
{
	ck_assert_int_eq(ha_peer_update(&p, T0 + MS),
			 SA__HA__PEER_STATE__PEER_UNKNOWN);
	ck_assert_int_eq(ha_peer_update(&p, T0 + 9 * MS),
			 SA__HA__PEER_STATE__PEER_DEAD);
	hear(T0 + 10 * MS, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	ck_assert_int_eq(p.state, SA__HA__PEER_STATE__PEER_ALIVE);
	ck_assert_int_eq(ha_peer_update(&p, T0 + 18 * MS),
			 SA__HA__PEER_STATE__PEER_ALIVE);
	ck_assert_int_eq(ha_peer_update(&p, T0 + 19 * MS),
			 SA__HA__PEER_STATE__PEER_DEAD);
	hear(T0 + 20 * MS, SA__HA__ROLE__ROLE_PRIMARY, 1, 0, 0);
	ck_assert_int_eq(p.state, SA__HA__PEER_STATE__PEER_DEAD);
}
END_TEST

START_TEST(promote_fast_path)
{
	struct ha_local l = standby(1, 1);
	const char *why;

	hear(T0, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + MS, &why), HA_ACT_NONE);
	/* The peer daemon says its runtime died: promote at once, even
	 * before our replication channel notices. */
	hear(T0 + 2 * MS, SA__HA__ROLE__ROLE_PRIMARY, 1, 0, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 2 * MS, &why),
			 HA_ACT_PROMOTE);
}
END_TEST

START_TEST(promote_missed)
{
	struct ha_local l = standby(1, 1);
	const char *why;

	hear(T0, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	/* Heartbeats missed but replication alive: the peer's daemon alone
	 * is gone; its runtime forwards. No takeover. */
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 20 * MS, &why),
			 HA_ACT_NONE);
	l.repl_connected = 0;
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 20 * MS, &why),
			 HA_ACT_PROMOTE);
}
END_TEST

START_TEST(promote_quiet)
{
	struct ha_local l = standby(1, 0);
	const char *why;

	/* Runtime and daemon killed together: the channel closed without
	 * a Bye. A heartbeat still due (2 ms interval) may yet say the
	 * runtime lives; one that did not come (4 ms) is the daemon gone
	 * too: promote, without waiting for the 8 ms of missed ones. */
	hear(T0, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 3 * MS, &why),
			 HA_ACT_NONE);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 4 * MS + 1, &why),
			 HA_ACT_PROMOTE);
	ck_assert_ptr_nonnull(strstr(why, "closed"));
	/* Quiet as long, the channel up: the daemon alone. */
	l.repl_connected = 1;
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 7 * MS, &why),
			 HA_ACT_NONE);
}
END_TEST

START_TEST(quiet_bounded_by_miss)
{
	struct ha_local l = standby(1, 0);
	const char *why;

	/* miss_count 1: dead after one interval, and quiet no later. */
	ha_peer_init(&p, 2, 2 * MS, 1, T0);
	hear(T0, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 2 * MS + 1, &why),
			 HA_ACT_PROMOTE);
}
END_TEST

START_TEST(stall)
{
	struct ha_local l = standby(1, 1);
	const char *why;

	hear(T0, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	/* A short stall with heartbeats missed: the peer's daemon may be
	 * dead while its runtime hiccups. No takeover. */
	l.stalled = 1;
	l.stall_us = 5000;
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 20 * MS, &why),
			 HA_ACT_NONE);
	/* A stall with heartbeats that say the runtime lives: a slow
	 * primary or a cut replication link. No takeover either. */
	l.stall_us = 2 * HA_HOST_DOWN_STALL_US;
	hear(T0 + 21 * MS, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 22 * MS, &why),
			 HA_ACT_NONE);
	/* Heartbeats missed (a gap of a loaded host) while the link is
	 * cut: no takeover. The replcut scenario of tools/ha-failover.sh
	 * once promoted on a gap like this. */
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 40 * MS, &why),
			 HA_ACT_NONE);
	/* Both silent that long while TCP looks up: host down. */
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 21 * MS +
					HA_HOST_DOWN_STALL_US * 1000ULL - MS,
					&why), HA_ACT_NONE);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 22 * MS +
					HA_HOST_DOWN_STALL_US * 1000ULL, &why),
			 HA_ACT_PROMOTE);
}
END_TEST

START_TEST(stale)
{
	struct ha_local l = standby(1, 0);
	const char *why;

	/* Dropped by its primary (Bye), then the channel closed and
	 * heartbeats paused: not a death. It was the replcut scenario's
	 * false takeover. */
	l.sync = SA__HA__SYNC_STATE__SYNC_STALE;
	hear(T0, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 20 * MS, &why),
			 HA_ACT_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "stale"));
	/* Even a primary that then dies leaves it behind: by hand only. */
	hear(T0 + 21 * MS, SA__HA__ROLE__ROLE_PRIMARY, 1, 0, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 21 * MS, &why),
			 HA_ACT_REFUSED);
}
END_TEST

START_TEST(link_cut)
{
	struct ha_local l = standby(1, 0);
	const char *why;

	/* Replication lost while heartbeats say the primary forwards. */
	hear(T0, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + MS, &why), HA_ACT_NONE);
}
END_TEST

START_TEST(syncing_never)
{
	struct ha_local l = standby(0, 0);
	const char *why;

	hear(T0, SA__HA__ROLE__ROLE_PRIMARY, 1, 0, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + MS, &why),
			 HA_ACT_REFUSED);
	l.sync = SA__HA__SYNC_STATE__SYNC_NONE;
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 50 * MS, &why),
			 HA_ACT_REFUSED);
}
END_TEST

START_TEST(rejoin)
{
	struct ha_local l = { .up = 0, .role = SA__HA__ROLE__ROLE_PRIMARY,
			      .epoch = 1 };

	/* Our primary runtime died; the peer has not taken over yet. */
	hear(T0, SA__HA__ROLE__ROLE_STANDBY, 1, 1, 0);
	ck_assert_int_eq(ha_peer_should_rejoin(&p, &l,
			 SA__HA__ROLE__ROLE_PRIMARY, T0), 0);
	/* A primary of our own epoch is no takeover (two primaries). */
	hear(T0 + MS, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	ck_assert_int_eq(ha_peer_should_rejoin(&p, &l,
			 SA__HA__ROLE__ROLE_PRIMARY, T0 + MS), 0);
	hear(T0 + 2 * MS, SA__HA__ROLE__ROLE_PRIMARY, 2, 1, 0);
	ck_assert_int_eq(ha_peer_should_rejoin(&p, &l,
			 SA__HA__ROLE__ROLE_PRIMARY, T0 + 2 * MS), 1);
	/* Not while ours runs, nor to a fenced, dead or silent primary. */
	l.up = 1;
	ck_assert_int_eq(ha_peer_should_rejoin(&p, &l,
			 SA__HA__ROLE__ROLE_PRIMARY, T0 + 2 * MS), 0);
	l.up = 0;
	ck_assert_int_eq(ha_peer_should_rejoin(&p, &l,
			 SA__HA__ROLE__ROLE_PRIMARY, T0 + 20 * MS), 0);
	hear(T0 + 21 * MS, SA__HA__ROLE__ROLE_PRIMARY, 2, 1, 1);
	ck_assert_int_eq(ha_peer_should_rejoin(&p, &l,
			 SA__HA__ROLE__ROLE_PRIMARY, T0 + 21 * MS), 0);
	hear(T0 + 22 * MS, SA__HA__ROLE__ROLE_PRIMARY, 2, 0, 0);
	ck_assert_int_eq(ha_peer_should_rejoin(&p, &l,
			 SA__HA__ROLE__ROLE_PRIMARY, T0 + 22 * MS), 0);
	/* A crashed standby rejoins its live primary, any epoch. */
	hear(T0 + 23 * MS, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	l.role = SA__HA__ROLE__ROLE_STANDBY;
	ck_assert_int_eq(ha_peer_should_rejoin(&p, &l,
			 SA__HA__ROLE__ROLE_STANDBY, T0 + 23 * MS), 1);
}
END_TEST

START_TEST(split_brain)
{
	struct ha_local l = { .up = 1, .role = SA__HA__ROLE__ROLE_PRIMARY,
			      .epoch = 2 };
	const char *why;

	hear(T0, SA__HA__ROLE__ROLE_PRIMARY, 3, 1, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0, &why), HA_ACT_DEMOTE);
	hear(T0 + MS, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + MS, &why), HA_ACT_NONE);
	/* Equal epochs: the higher node id (we are 2, the peer 1) yields. */
	hear(T0 + 2 * MS, SA__HA__ROLE__ROLE_PRIMARY, 2, 1, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 2 * MS, &why),
			 HA_ACT_DEMOTE);
	/* A fenced peer primary is not a rival. */
	hear(T0 + 3 * MS, SA__HA__ROLE__ROLE_PRIMARY, 3, 1, 1);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 3 * MS, &why),
			 HA_ACT_NONE);
	/* Already demoted: nothing more. */
	l.demoted = 1;
	hear(T0 + 4 * MS, SA__HA__ROLE__ROLE_PRIMARY, 3, 1, 0);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0 + 4 * MS, &why),
			 HA_ACT_NONE);
}
END_TEST

START_TEST(fenced_peer_primary)
{
	struct ha_local l = standby(1, 1);
	const char *why;

	/* The primary was demoted by hand: the standby takes over. */
	hear(T0, SA__HA__ROLE__ROLE_PRIMARY, 1, 1, 1);
	ck_assert_int_eq(ha_peer_decide(&p, &l, T0, &why), HA_ACT_PROMOTE);
}
END_TEST

static Suite *
ha_peer_suite(void)
{
	Suite *s = suite_create("ha_peer");
	TCase *tc;

	tc = sa_tcase(s, "liveness", 10);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, liveness);
	tc = sa_tcase(s, "promote", 10);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, promote_fast_path);
	tcase_add_test(tc, promote_missed);
	tcase_add_test(tc, promote_quiet);
	tcase_add_test(tc, quiet_bounded_by_miss);
	tcase_add_test(tc, link_cut);
	tcase_add_test(tc, stall);
	tcase_add_test(tc, stale);
	tcase_add_test(tc, rejoin);
	tcase_add_test(tc, syncing_never);
	tcase_add_test(tc, fenced_peer_primary);
	tc = sa_tcase(s, "split_brain", 10);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, split_brain);
	return s;
}

SA_CHECK_MAIN(ha_peer_suite)
