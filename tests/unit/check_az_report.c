/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the report module's self-contained parts: SHA-256
 * against the FIPS 180-4 example vectors (one block, two blocks, a
 * million bytes fed in odd pieces), the flowspace scope rule and the
 * schema's names.
 */

#include <stdio.h>
#include <string.h>

#include "check_main.h"

#include "az_report.h"
#include "az_result.h"

#define TEST_TIMEOUT	10

static void
sha_hex(const void *data, size_t len, size_t piece, char out[65])
{
	const unsigned char *p = data;
	uint8_t md[AZ_SHA256_LEN];
	struct az_sha256 c;
	size_t k;
	int i;

	az_sha256_init(&c);
	while (len > 0) {
		k = piece < len ? piece : len;
		az_sha256_update(&c, p, k);
		p += k;
		len -= k;
	}
	az_sha256_final(&c, md);
	for (i = 0; i < AZ_SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

START_TEST(sha256_vectors)
{
	static const char two[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static char million[1000000];
	char hex[65];

	sha_hex("", 0, 1, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb924"
			      "27ae41e4649b934ca495991b7852b855");
	sha_hex("abc", 3, 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
			      "b00361a396177a9cb410ff61f20015ad");
	sha_hex(two, strlen(two), 7, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039"
			      "a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	sha_hex(million, sizeof(million), 4093, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
			      "f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(scope_rule)
{
	const az_hdrset_t v4 = AZ_HDR_BIT(IPV4_SRC) | AZ_HDR_BIT(IPV4_DST);
	const az_hdrset_t v6 = AZ_HDR_BIT(IPV6_SRC) | AZ_HDR_BIT(IPV6_DST);
	const az_hdrset_t ports = AZ_HDR_BIT(L4_SPORT) | AZ_HDR_BIT(L4_DPORT);

	ck_assert_int_eq(az_scope_of(0), AZ_SCOPE_ALL_FLOWS);
	ck_assert_int_eq(az_scope_of(v4 | ports), AZ_SCOPE_PER_FLOW);
	ck_assert_int_eq(az_scope_of(v6 | ports | AZ_HDR_BIT(IPV6_NEXT)),
			 AZ_SCOPE_PER_FLOW);
	ck_assert_int_eq(az_scope_of(v4 | AZ_HDR_BIT(ICMP_ID)),
			 AZ_SCOPE_PER_FLOW);
	ck_assert_int_eq(az_scope_of(AZ_HDR_BIT(IPV4_SRC) | ports),
			 AZ_SCOPE_MULTI_FLOW);
	ck_assert_int_eq(az_scope_of(AZ_HDR_BIT(IPV4_SRC) |
				     AZ_HDR_BIT(IPV6_DST) | ports),
			 AZ_SCOPE_MULTI_FLOW);
	ck_assert_int_eq(az_scope_of(AZ_HDR_BIT(PAYLOAD)),
			 AZ_SCOPE_MULTI_FLOW);
}
END_TEST

START_TEST(schema_names)
{
	ck_assert_str_eq(az_hdr_name(AZ_HDR_ETH_SRC), "eth.src");
	ck_assert_str_eq(az_hdr_name(AZ_HDR_L4_DPORT), "l4.dport");
	ck_assert_str_eq(az_hdr_name(AZ_HDR_PAYLOAD), "payload");
	ck_assert_str_eq(az_scope_name(AZ_SCOPE_PER_FLOW), "per-flow");
	ck_assert_str_eq(az_scope_name(AZ_SCOPE_MULTI_FLOW), "multi-flow");
	ck_assert_str_eq(az_scope_name(AZ_SCOPE_ALL_FLOWS), "all-flows");
	ck_assert_str_eq(az_pobj_kind_name(AZ_POBJ_LOOP_LOCAL), "loop-local");
	ck_assert_str_eq(az_pobj_kind_name(AZ_POBJ_HEAP), "heap");
}
END_TEST

static Suite *
az_report_suite(void)
{
	Suite *s = suite_create("az_report");
	TCase *tc;

	tc = sa_tcase(s, "hash", TEST_TIMEOUT);
	tcase_add_test(tc, sha256_vectors);
	tc = sa_tcase(s, "names", TEST_TIMEOUT);
	tcase_add_test(tc, scope_rule);
	tcase_add_test(tc, schema_names);
	return s;
}

SA_CHECK_MAIN(az_report_suite)
