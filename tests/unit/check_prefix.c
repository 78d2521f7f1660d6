/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for sa/prefix.h: parsing tables (what an operator may type and
 * what must be refused), matching at the edges (/0, host prefixes, odd bit
 * boundaries, v4 against v6), set limits, and packet direction.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <check.h>

#include <sa/prefix.h>

#include "check_main.h"

#define TEST_TIMEOUT	10
#define N_ELEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define LIST_MAX	2048

struct good_prefix {
	const char *text;
	uint8_t family;
	uint8_t len;
	uint8_t addr[16];
};

static const struct good_prefix good[] = {
	{ "10.0.0.0/8", 4, 8, { 10 } },
	{ "192.0.2.1", 4, 32, { 192, 0, 2, 1 } },
	{ "192.0.2.1/32", 4, 32, { 192, 0, 2, 1 } },
	{ "192.0.2.128/25", 4, 25, { 192, 0, 2, 128 } },
	{ "0.0.0.0/0", 4, 0, { 0 } },
	{ "255.255.255.254/31", 4, 31, { 255, 255, 255, 254 } },
	{ "fd00::/8", 6, 8, { 0xfd } },
	{ "2001:db8::/32", 6, 32, { 0x20, 0x01, 0x0d, 0xb8 } },
	{ "2001:db8::1", 6, 128,
	  { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
	{ "2001:DB8:0:1::/64", 6, 64, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 } },
	{ "2001:db8::8000/113", 6, 113,
	  { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0 } },
	{ "::/0", 6, 0, { 0 } },
	{ "::ffff:10.0.0.0/104", 6, 104,
	  { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10 } },
};

static const char *const bad[] = {
	"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/8x", "10.0.0.0/x",
	"10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0 /8",
	" 10.0.0.0/8", "10.0.0.0/8 ", "10.0.0.0/8/8", "10.0.0.0/0008",
	"10.0.0/8", "10.0.0.256", "256.0.0.0/8", "10.0.0.0.0/8", "abc",
	"10.0.0.0,", "fd00::/129", "fd00::/1000", "2001:db8:::/48", "fd00::g",
	":::/0", "10.0.0.0/8,10.1.0.0/16",
	/* Host bits set. */
	"10.0.0.1/8", "192.0.2.129/25", "255.255.255.255/31", "fd00::1/8",
	"2001:db8::8000/112", "::ffff:10.0.0.1/104", "::1/0",
	/* Longer than any address could be. */
	"1111111111111111111111111111111111111111111111111111111111111/8",
};

static uint32_t
ip4(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static const uint8_t *
ip6(const char *s, uint8_t buf[16])
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, buf), 1);
	return buf;
}

static struct sa_prefix
prefix(const char *s)
{
	struct sa_prefix p;

	ck_assert_int_eq(sa_prefix_parse(s, &p), 0);
	return p;
}

/* core ----------------------------------------------------------------- */

START_TEST(test_parse_good)
{
	const struct good_prefix *g = &good[_i];
	struct sa_prefix p;

	memset(&p, 0xa5, sizeof(p));
	ck_assert_msg(sa_prefix_parse(g->text, &p) == 0, "%s", g->text);
	ck_assert_uint_eq(p.family, g->family);
	ck_assert_uint_eq(p.len, g->len);
	/* Unused address bytes are cleared, so prefixes compare whole. */
	ck_assert_mem_eq(p.addr, g->addr, sizeof(p.addr));
}
END_TEST

START_TEST(test_match4)
{
	struct sa_prefix p = prefix("10.0.0.0/8");
	uint8_t a6[16];

	ck_assert(sa_prefix_match4(&p, ip4("10.0.0.0")));
	ck_assert(sa_prefix_match4(&p, ip4("10.255.255.255")));
	ck_assert(!sa_prefix_match4(&p, ip4("11.0.0.0")));
	ck_assert(!sa_prefix_match4(&p, ip4("9.255.255.255")));
	ck_assert(!sa_prefix_match6(&p, ip6("a00::", a6)));

	p = prefix("192.0.2.128/25");
	ck_assert(sa_prefix_match4(&p, ip4("192.0.2.200")));
	ck_assert(!sa_prefix_match4(&p, ip4("192.0.2.127")));

	p = prefix("192.0.2.1/32");
	ck_assert(sa_prefix_match4(&p, ip4("192.0.2.1")));
	ck_assert(!sa_prefix_match4(&p, ip4("192.0.2.0")));
	ck_assert(!sa_prefix_match4(&p, ip4("192.0.2.3")));

	p = prefix("0.0.0.0/0");
	ck_assert(sa_prefix_match4(&p, ip4("0.0.0.0")));
	ck_assert(sa_prefix_match4(&p, ip4("255.255.255.255")));
	ck_assert(!sa_prefix_match6(&p, ip6("::", a6)));
}
END_TEST

START_TEST(test_match6)
{
	struct sa_prefix p = prefix("fd00::/8");
	uint8_t a[16];

	ck_assert(sa_prefix_match6(&p, ip6("fd12:3456::1", a)));
	ck_assert(sa_prefix_match6(&p, ip6("fdff:ffff:ffff:ffff::", a)));
	ck_assert(!sa_prefix_match6(&p, ip6("fe00::", a)));
	ck_assert(!sa_prefix_match6(&p, ip6("fc00::", a)));
	ck_assert(!sa_prefix_match4(&p, ip4("253.0.0.0")));

	p = prefix("2001:db8::8000/113");
	ck_assert(sa_prefix_match6(&p, ip6("2001:db8::ffff", a)));
	ck_assert(!sa_prefix_match6(&p, ip6("2001:db8::7fff", a)));

	p = prefix("2001:db8::1");
	ck_assert(sa_prefix_match6(&p, ip6("2001:db8::1", a)));
	ck_assert(!sa_prefix_match6(&p, ip6("2001:db8::", a)));
	ck_assert(!sa_prefix_match6(&p, ip6("2001:db8::1:1", a)));
	ck_assert(!sa_prefix_match6(&p, ip6("3001:db8::1", a)));

	p = prefix("::/0");
	ck_assert(sa_prefix_match6(&p, ip6("::", a)));
	ck_assert(sa_prefix_match6(&p, ip6("ffff:ffff:ffff:ffff:ffff:ffff:"
					   "ffff:ffff", a)));
	ck_assert(!sa_prefix_match4(&p, ip4("0.0.0.0")));

	/* An IPv4-mapped prefix is IPv6: it does not match the bare v4. */
	p = prefix("::ffff:10.0.0.0/104");
	ck_assert(sa_prefix_match6(&p, ip6("::ffff:10.1.2.3", a)));
	ck_assert(!sa_prefix_match4(&p, ip4("10.1.2.3")));
}
END_TEST

START_TEST(test_set_parse)
{
	struct sa_prefix_set s;
	uint8_t a[16];
	int bad_idx;

	ck_assert_int_eq(sa_prefix_set_parse("10.0.0.0/8, fd00::/8", &s,
					     &bad_idx), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_int_eq(bad_idx, -1);
	ck_assert(sa_prefix_set_match4(&s, ip4("10.9.8.7")));
	ck_assert(!sa_prefix_set_match4(&s, ip4("11.9.8.7")));
	ck_assert(sa_prefix_set_match6(&s, ip6("fd00::1", a)));
	ck_assert(!sa_prefix_set_match6(&s, ip6("2001:db8::1", a)));

	ck_assert_int_eq(sa_prefix_set_parse(" 10.0.0.0/8\t192.168.0.0/16 ,"
					     "172.16.0.0/12 ", &s, NULL), 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert(sa_prefix_set_match4(&s, ip4("172.31.255.255")));
	ck_assert(!sa_prefix_set_match4(&s, ip4("172.32.0.0")));

	/* An empty list is a valid, empty set. */
	ck_assert_int_eq(sa_prefix_set_parse("", &s, NULL), 0);
	ck_assert_uint_eq(s.n, 0);
	ck_assert(!sa_prefix_set_match4(&s, ip4("10.0.0.1")));
	ck_assert_int_eq(sa_prefix_set_parse(" \t ", &s, NULL), 0);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

/* malformed ------------------------------------------------------------ */

START_TEST(test_parse_bad)
{
	struct sa_prefix p, before;

	memset(&p, 0xa5, sizeof(p));
	before = p;
	ck_assert_msg(sa_prefix_parse(bad[_i], &p) == -EINVAL, "'%s'",
		      bad[_i]);
	ck_assert_mem_eq(&p, &before, sizeof(p));
}
END_TEST

START_TEST(test_set_parse_bad)
{
	static const struct {
		const char *text;
		int bad;
	} cases[] = {
		{ "10.0.0.0/8,,fd00::/8", 1 },
		{ ",10.0.0.0/8", 0 },
		{ "10.0.0.0/8,", 1 },
		{ "10.0.0.0/8 , ,fd00::/8", 1 },
		{ "10.0.0.0/8, 10.0.0.1/8", 1 },
		{ "10.0.0.0/8;fd00::/8", 0 },
		{ "fd00::/8 10.0.0.0/8 nonsense", 2 },
	};
	struct sa_prefix_set s;
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		int bad_idx = 99;

		s.n = 77;
		ck_assert_msg(sa_prefix_set_parse(cases[i].text, &s,
						  &bad_idx) == -EINVAL,
			      "'%s'", cases[i].text);
		ck_assert_int_eq(bad_idx, cases[i].bad);
		/* The set is left as it was. */
		ck_assert_uint_eq(s.n, 77);
	}
	ck_assert_int_eq(sa_prefix_parse(NULL, &s.p[0]), -EINVAL);
	ck_assert_int_eq(sa_prefix_set_parse(NULL, &s, NULL), -EINVAL);
}
END_TEST

/* limits --------------------------------------------------------------- */

/* "10.0.0.0/24, 10.0.1.0/24, ..." with @p n elements, @p sep between. */
static void
make_list(char *buf, unsigned int n, const char *sep)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		int w = snprintf(buf + off, LIST_MAX - off, "%s10.0.%u.0/24",
				 i ? sep : "", i);

		ck_assert(w > 0 && (size_t)w < LIST_MAX - off);
		off += (size_t)w;
	}
}

START_TEST(test_set_limits)
{
	char buf[LIST_MAX];
	struct sa_prefix_set s;
	int bad_idx;

	make_list(buf, SA_PREFIX_SET_MAX, ", ");
	ck_assert_int_eq(sa_prefix_set_parse(buf, &s, &bad_idx), 0);
	ck_assert_uint_eq(s.n, SA_PREFIX_SET_MAX);
	ck_assert(sa_prefix_set_match4(&s, ip4("10.0.31.9")));
	ck_assert(!sa_prefix_set_match4(&s, ip4("10.0.32.9")));

	make_list(buf, SA_PREFIX_SET_MAX + 1, " ");
	s.n = 77;
	ck_assert_int_eq(sa_prefix_set_parse(buf, &s, &bad_idx), -E2BIG);
	ck_assert_uint_eq(s.n, 77);

	/* Hand-made prefixes longer than their address never match. */
	s.p[0] = (struct sa_prefix){ .family = 4, .len = 33 };
	ck_assert(!sa_prefix_match4(&s.p[0], 0));
	s.p[0] = (struct sa_prefix){ .family = 6, .len = 129 };
	ck_assert(!sa_prefix_match6(&s.p[0], s.p[1].addr));

	/* Trailing blanks after the last allowed element are not one more. */
	make_list(buf, SA_PREFIX_SET_MAX, ",");
	strcat(buf, "  ");
	ck_assert_int_eq(sa_prefix_set_parse(buf, &s, NULL), 0);
	ck_assert_uint_eq(s.n, SA_PREFIX_SET_MAX);
}
END_TEST

/* direction ------------------------------------------------------------ */

/* Ethernet + IPv4 10.1.2.3 -> 8.8.8.8, and + IPv6 fd00::5 -> 2001:db8::1;
 * only the headers sa_pkt_dir() reads. */
static uint8_t frame4[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00,
	0x40, 0x3b, 0x00, 0x00, 0x0a, 0x01, 0x02, 0x03, 0x08, 0x08, 0x08, 0x08,
};
static uint8_t frame6[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3b, 0x40,
	0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

static enum sa_dir
dir(uint8_t *frame, uint32_t len, uint8_t l3, uint8_t arm,
    const struct sa_prefix_set *inside)
{
	struct sa_pkt pkt = { .data = frame, .len = len, .arm = arm };
	struct sa_parsed p = { .l3 = l3, .l3_off = 14 };

	return sa_pkt_dir(&pkt, &p, inside);
}

START_TEST(test_pkt_dir)
{
	struct sa_prefix_set in, empty = { 0 };
	uint32_t l4 = sizeof(frame4), l6 = sizeof(frame6);

	ck_assert_int_eq(sa_prefix_set_parse("10.0.0.0/8 fd00::/8", &in,
					     NULL), 0);
	/* Two-armed: the arm decides, whatever the addresses say. */
	ck_assert_int_eq(dir(frame4, l4, SA_L3_IPV4, SA_ARM_INSIDE, &empty),
			 SA_DIR_IN2OUT);
	ck_assert_int_eq(dir(frame4, l4, SA_L3_IPV4, SA_ARM_OUTSIDE, &in),
			 SA_DIR_OUT2IN);
	ck_assert_int_eq(dir(frame6, l6, SA_L3_IPV6, SA_ARM_OUTSIDE, &in),
			 SA_DIR_OUT2IN);
	/* One-armed: the source address decides. */
	ck_assert_int_eq(dir(frame4, l4, SA_L3_IPV4, SA_ARM_ANY, &in),
			 SA_DIR_IN2OUT);
	ck_assert_int_eq(dir(frame6, l6, SA_L3_IPV6, SA_ARM_ANY, &in),
			 SA_DIR_IN2OUT);
	ck_assert_int_eq(dir(frame4, l4, SA_L3_IPV4, SA_ARM_ANY, &empty),
			 SA_DIR_OUT2IN);
	ck_assert_int_eq(dir(frame6, l6, SA_L3_IPV6, SA_ARM_ANY, NULL),
			 SA_DIR_OUT2IN);
	/* A reply: the destination is inside, the source is not. */
	ck_assert_int_eq(sa_prefix_set_parse("8.8.8.0/24 2001:db8::/32", &in,
					     NULL), 0);
	ck_assert_int_eq(dir(frame4, l4, SA_L3_IPV4, SA_ARM_ANY, &in),
			 SA_DIR_OUT2IN);
	ck_assert_int_eq(sa_prefix_set_parse("10.0.0.0/8 2001:db8::/32", &in,
					     NULL), 0);
	ck_assert_int_eq(dir(frame6, l6, SA_L3_IPV6, SA_ARM_ANY, &in),
			 SA_DIR_OUT2IN);
	/* Non-IP frames have no address to judge by. */
	ck_assert_int_eq(dir(frame4, 14, SA_L3_NONE, SA_ARM_ANY, &in),
			 SA_DIR_IN2OUT);
}
END_TEST

Suite *
prefix_suite(void)
{
	Suite *s = suite_create("prefix");
	TCase *tc;

	tc = sa_tcase(s, "core", TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_parse_good, 0, N_ELEMS(good));
	tcase_add_test(tc, test_match4);
	tcase_add_test(tc, test_match6);
	tcase_add_test(tc, test_set_parse);

	tc = sa_tcase(s, "malformed", TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_parse_bad, 0, N_ELEMS(bad));
	tcase_add_test(tc, test_set_parse_bad);

	tc = sa_tcase(s, "limits", TEST_TIMEOUT);
	tcase_add_test(tc, test_set_limits);

	tc = sa_tcase(s, "direction", TEST_TIMEOUT);
	tcase_add_test(tc, test_pkt_dir);

	return s;
}

SA_CHECK_MAIN(prefix_suite)
