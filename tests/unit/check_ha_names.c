/* SPDX-License-Identifier: BSD-3-Clause */
/* The words of proto/ha.proto's enums that sa-ctl, sa-hactl and the
 * scripts parsing their output share; "?" outside the enums. */
#include "check_main.h"
#include "sa_ha_names.h"

START_TEST(names)
{
	ck_assert_str_eq(sa_ha_role_name(SA__HA__ROLE__ROLE_UNKNOWN),
			 "unknown");
	ck_assert_str_eq(sa_ha_role_name(SA__HA__ROLE__ROLE_SOLO), "solo");
	ck_assert_str_eq(sa_ha_role_name(SA__HA__ROLE__ROLE_PRIMARY),
			 "primary");
	ck_assert_str_eq(sa_ha_role_name(SA__HA__ROLE__ROLE_STANDBY),
			 "standby");
	ck_assert_str_eq(sa_ha_sync_name(SA__HA__SYNC_STATE__SYNC_NONE),
			 "none");
	ck_assert_str_eq(sa_ha_sync_name(SA__HA__SYNC_STATE__SYNC_SYNCING),
			 "syncing");
	ck_assert_str_eq(sa_ha_sync_name(SA__HA__SYNC_STATE__SYNC_SYNCED),
			 "synced");
	ck_assert_str_eq(sa_ha_sync_name(SA__HA__SYNC_STATE__SYNC_STALE),
			 "stale");
	ck_assert_str_eq(sa_ha_peer_state_name(
			 SA__HA__PEER_STATE__PEER_UNKNOWN), "unknown");
	ck_assert_str_eq(sa_ha_peer_state_name(
			 SA__HA__PEER_STATE__PEER_ALIVE), "alive");
	ck_assert_str_eq(sa_ha_peer_state_name(
			 SA__HA__PEER_STATE__PEER_DEAD), "dead");
}
END_TEST

/* A reply carries any integer in an enum field (protobuf-c keeps it). */
START_TEST(out_of_range)
{
	ck_assert_str_eq(sa_ha_role_name((Sa__Ha__Role)4), "?");
	ck_assert_str_eq(sa_ha_role_name((Sa__Ha__Role)-1), "?");
	ck_assert_str_eq(sa_ha_sync_name((Sa__Ha__SyncState)4), "?");
	ck_assert_str_eq(sa_ha_peer_state_name((Sa__Ha__PeerState)3), "?");
}
END_TEST

static Suite *
ha_names_suite(void)
{
	Suite *s = suite_create("ha_names");
	TCase *tc = sa_tcase(s, "core", 10);

	tcase_add_test(tc, names);
	tcase_add_test(tc, out_of_range);
	return s;
}

SA_CHECK_MAIN(ha_names_suite)
