/* SPDX-License-Identifier: BSD-3-Clause */
/* Announcement frames: a gratuitous ARP and an unsolicited NA, byte for
 * byte where it matters, with the ICMPv6 checksum verified independently
 * (sa_ref_sum over the pseudo-header). */
#include <string.h>

#include "check_main.h"
#include "ha_announce.h"

static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

START_TEST(garp)
{
	static const uint8_t ip[4] = { 192, 0, 2, 1 };
	uint8_t f[HA_GARP_LEN];

	ck_assert_uint_eq(ha_garp_build(f, mac, ip), 60);
	ck_assert_int_eq(memcmp(f, "\xff\xff\xff\xff\xff\xff", 6), 0);
	ck_assert_int_eq(memcmp(f + 6, mac, 6), 0);
	ck_assert_uint_eq(f[12] << 8 | f[13], 0x0806);
	ck_assert_uint_eq(f[20] << 8 | f[21], 1);	/* request */
	ck_assert_int_eq(memcmp(f + 22, mac, 6), 0);
	ck_assert_int_eq(memcmp(f + 28, ip, 4), 0);	/* sender IP */
	ck_assert_int_eq(memcmp(f + 38, ip, 4), 0);	/* target IP */
}
END_TEST

START_TEST(una)
{
	static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t f[HA_UNA_LEN], pseudo[40];
	const uint8_t *ip = f + 14, *na = ip + 40;

	ck_assert_uint_eq(ha_una_build(f, mac, ip6), HA_UNA_LEN);
	ck_assert_int_eq(memcmp(f, "\x33\x33\x00\x00\x00\x01", 6), 0);
	ck_assert_uint_eq(ip[6], 58);
	ck_assert_uint_eq(ip[7], 255);
	ck_assert_uint_eq(na[0], 136);
	ck_assert_uint_eq(na[4], 0x20);			/* Override */
	ck_assert_int_eq(memcmp(na + 8, ip6, 16), 0);
	ck_assert_int_eq(memcmp(na + 26, mac, 6), 0);
	memcpy(pseudo, ip + 8, 32);
	memset(pseudo + 32, 0, 8);
	pseudo[35] = 32;
	pseudo[39] = 58;
	ck_assert_uint_eq(sa_ref_sum(na, 32, sa_ref_sum(pseudo, 40, 0)),
			  0xffff);
}
END_TEST

static Suite *
ha_announce_suite(void)
{
	Suite *s = suite_create("ha_announce");
	TCase *tc = sa_tcase(s, "frames", 10);

	tcase_add_test(tc, garp);
	tcase_add_test(tc, una);
	return s;
}

SA_CHECK_MAIN(ha_announce_suite)
