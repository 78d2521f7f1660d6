/* SPDX-License-Identifier: BSD-3-Clause */
/* The heartbeat codec: round trip, each rejection in its checking order,
 * replays within and across boots. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check_main.h"
#include "ha_hb.h"

static const uint8_t key1[HA_HB_KEY_LEN] = { 1, 2, 3 };
static const uint8_t key2[HA_HB_KEY_LEN] = { 9, 9, 9 };
static struct ha_hb_key k1, k2;

static void
setup(void)
{
	ck_assert_int_eq(ha_hb_key_init(&k1, key1), 0);
	ck_assert_int_eq(ha_hb_key_init(&k2, key2), 0);
}

static void
teardown(void)
{
	ha_hb_key_fini(&k1);
	ha_hb_key_fini(&k2);
}

static size_t
make(struct ha_hb_key *k, uint32_t node, uint64_t boot, uint64_t seq,
     uint8_t *buf)
{
	Sa__Ha__Heartbeat hb = SA__HA__HEARTBEAT__INIT;

	hb.node_id = node;
	hb.role = SA__HA__ROLE__ROLE_PRIMARY;
	hb.epoch = 7;
	hb.boot_id = boot;
	hb.seq = seq;
	hb.runtime_up = 1;
	return ha_hb_seal(k, &hb, buf, HA_HB_DGRAM_MAX);
}

static enum ha_hb_reject
open_one(struct ha_hb_replay *rp, const uint8_t *buf, size_t len)
{
	Sa__Ha__Heartbeat *hb = NULL;
	enum ha_hb_reject why;
	int ret = ha_hb_open(&k1, rp, 1, buf, len, &hb, &why);

	if (ret == 0) {
		ck_assert_uint_eq(hb->epoch, 7);
		sa__ha__heartbeat__free_unpacked(hb, NULL);
		return HA_HB_REJECT_NONE;
	}
	ck_assert_ptr_null(hb);
	return why;
}

START_TEST(round_trip)
{
	struct ha_hb_replay rp = { 0 };
	uint8_t buf[HA_HB_DGRAM_MAX];
	size_t n = make(&k1, 2, 100, 1, buf);

	ck_assert_uint_gt(n, HA_HB_HDR_LEN + HA_HB_MAC_LEN);
	ck_assert_int_eq(open_one(&rp, buf, n), HA_HB_REJECT_NONE);
}
END_TEST

START_TEST(malformed)
{
	struct ha_hb_replay rp = { 0 };
	uint8_t buf[HA_HB_DGRAM_MAX], bad[HA_HB_DGRAM_MAX];
	size_t n = make(&k1, 2, 100, 1, buf);

	ck_assert_int_eq(open_one(&rp, buf, 10), HA_HB_REJECT_SHORT);
	memcpy(bad, buf, n);
	bad[0] = 'X';
	ck_assert_int_eq(open_one(&rp, bad, n), HA_HB_REJECT_BAD_MAGIC);
	memcpy(bad, buf, n);
	bad[4] = 2;
	ck_assert_int_eq(open_one(&rp, bad, n), HA_HB_REJECT_BAD_VERSION);
	memcpy(bad, buf, n);
	bad[5] = 9;
	ck_assert_int_eq(open_one(&rp, bad, n), HA_HB_REJECT_BAD_TYPE);
	ck_assert_int_eq(open_one(&rp, buf, n - 1), HA_HB_REJECT_BAD_LENGTH);
	memcpy(bad, buf, n);
	bad[HA_HB_HDR_LEN] ^= 1;	/* payload changed: MAC fails */
	ck_assert_int_eq(open_one(&rp, bad, n), HA_HB_REJECT_BAD_HMAC);
	/* Another key: unauthenticated. */
	n = make(&k2, 2, 100, 1, buf);
	ck_assert_int_eq(open_one(&rp, buf, n), HA_HB_REJECT_BAD_HMAC);
	/* Our own node id (a loop). */
	n = make(&k1, 1, 100, 1, buf);
	ck_assert_int_eq(open_one(&rp, buf, n), HA_HB_REJECT_OWN_NODE);
	/* Node 0 is no node. */
	n = make(&k1, 0, 100, 1, buf);
	ck_assert_int_eq(open_one(&rp, buf, n), HA_HB_REJECT_MALFORMED);
	/* Nothing was accepted: the replay state is untouched. */
	ck_assert_uint_eq(rp.n, 0);
}
END_TEST

START_TEST(replay)
{
	struct ha_hb_replay rp = { 0 };
	uint8_t b1[HA_HB_DGRAM_MAX], b2[HA_HB_DGRAM_MAX], b3[HA_HB_DGRAM_MAX];
	size_t n1 = make(&k1, 2, 100, 1, b1), n2 = make(&k1, 2, 100, 2, b2);
	size_t n3 = make(&k1, 2, 200, 1, b3);

	ck_assert_int_eq(open_one(&rp, b1, n1), HA_HB_REJECT_NONE);
	ck_assert_int_eq(open_one(&rp, b1, n1), HA_HB_REJECT_REPLAYED);
	ck_assert_int_eq(open_one(&rp, b2, n2), HA_HB_REJECT_NONE);
	ck_assert_int_eq(open_one(&rp, b1, n1), HA_HB_REJECT_REPLAYED);
	/* A new boot (restart) is taken ... */
	ck_assert_int_eq(open_one(&rp, b3, n3), HA_HB_REJECT_NONE);
	/* ... and does not unblock the old boot's replays, nor block its
	 * newer heartbeats (a forged boot cannot silence the peer). */
	ck_assert_int_eq(open_one(&rp, b2, n2), HA_HB_REJECT_REPLAYED);
	n2 = make(&k1, 2, 100, 3, b2);
	ck_assert_int_eq(open_one(&rp, b2, n2), HA_HB_REJECT_NONE);
}
END_TEST

/* The MAC is HMAC-SHA256 exactly (proto/ha.proto): what one-shot HMAC()
 * computes over the label, the header and the payload. */
START_TEST(matches_hmac)
{
	uint8_t msg[sizeof(HA_HB_LABEL) + HA_HB_DGRAM_MAX];
	uint8_t buf[HA_HB_DGRAM_MAX], mac[HA_HB_MAC_LEN];
	size_t lab = sizeof(HA_HB_LABEL) - 1;
	size_t n = make(&k1, 2, 100, 1, buf);
	unsigned int mlen;

	memcpy(msg, HA_HB_LABEL, lab);
	memcpy(msg + lab, buf, n - HA_HB_MAC_LEN);
	ck_assert_ptr_nonnull(HMAC(EVP_sha256(), key1, HA_HB_KEY_LEN, msg,
				   lab + n - HA_HB_MAC_LEN, mac, &mlen));
	ck_assert_mem_eq(buf + n - HA_HB_MAC_LEN, mac, HA_HB_MAC_LEN);
}
END_TEST

START_TEST(too_big)
{
	Sa__Ha__Heartbeat hb = SA__HA__HEARTBEAT__INIT;
	uint8_t buf[16];

	hb.node_id = 2;
	ck_assert_uint_eq(ha_hb_seal(&k1, &hb, buf, sizeof(buf)), 0);
}
END_TEST

static Suite *
ha_hb_suite(void)
{
	Suite *s = suite_create("ha_hb");
	TCase *tc;

	tc = sa_tcase(s, "core", 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, matches_hmac);
	tcase_add_test(tc, too_big);
	tc = sa_tcase(s, "malformed", 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, malformed);
	tc = sa_tcase(s, "replay", 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, replay);
	return s;
}

SA_CHECK_MAIN(ha_hb_suite)
