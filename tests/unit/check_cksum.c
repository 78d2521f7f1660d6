/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for sa/cksum.h: published vectors, a byte-at-a-time reference
 * sum in network order (so the library's host-order trick is checked, not
 * repeated), pseudo-headers, the UDP zero rule, and RFC 1624 incremental
 * updates against full recomputation.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <check.h>

#include <sa/cksum.h>

#include "check_main.h"

#define TEST_TIMEOUT	30
#define RAND_SEED	0xc0ffeeu
#define RAND_ROUNDS	20000
#define BUF_MAX		256
#define BIG_LEN		65535
#define N_ELEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* An IPv4/UDP datagram, 192.168.0.1:1234 -> 192.168.0.199:53, 5 bytes of
 * payload (odd on purpose), both checksums zero. */
static const uint8_t udp4_dgram[] = {
	0x45, 0x00, 0x00, 0x21, 0x00, 0x00, 0x40, 0x00,
	0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	0x04, 0xd2, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00,
	0x68, 0x65, 0x6c, 0x6c, 0x6f,
};
#define U4_L4		20
#define U4_L4_LEN	13
#define U4_CKSUM	26

/* An IPv6/TCP segment, 2001:db8::1 -> 2001:db8::2, SYN, no payload. */
static const uint8_t tcp6_dgram[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x06, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x30, 0x39, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
};
#define T6_L4		40
#define T6_L4_LEN	20
#define T6_CKSUM	56

/* The library's (host-order) folded sum as a host value. */
static uint16_t
lib_sum(const void *b, size_t n)
{
	return ntohs(sa_cksum_fold(sa_cksum_sum(b, n, 0)));
}

static uint16_t
get16(const uint8_t *b, size_t off)
{
	uint16_t v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static void
put16(uint8_t *b, size_t off, uint16_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

static uint32_t
xorshift32(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* core ----------------------------------------------------------------- */

START_TEST(test_rfc1071_example)
{
	/* RFC 1071 section 3: the sum of these words is ddf2. */
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };

	ck_assert_uint_eq(lib_sum(b, sizeof(b)), 0xddf2);
	ck_assert_uint_eq(sa_ref_sum(b, sizeof(b), 0), 0xddf2);
	ck_assert_uint_eq(lib_sum(b, 0), 0);
	/* Odd length: the last byte is the high half of a padded word. */
	ck_assert_uint_eq(lib_sum(b + 1, 3), 0x01f2 + 0x0300);
	ck_assert_uint_eq(lib_sum(b + 7, 1), 0xf700);
}
END_TEST

START_TEST(test_ipv4_hdr)
{
	/* A widely published capture; its header checksum is b861. */
	_Alignas(4) uint8_t h[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	const struct sa_ipv4_hdr *ip = (const struct sa_ipv4_hdr *)h;
	_Alignas(4) uint8_t opts[24];

	ck_assert_uint_eq(ntohs(sa_cksum_ipv4_hdr(ip)), 0xb861);
	ck_assert_uint_eq(lib_sum(h, sizeof(h)), 0xffff);
	/* The stored field does not take part. */
	h[10] = 0x12;
	h[11] = 0x34;
	ck_assert_uint_eq(ntohs(sa_cksum_ipv4_hdr(ip)), 0xb861);

	/* IHL 6: the option word is covered. */
	memcpy(opts, h, sizeof(h));
	opts[0] = 0x46;
	memcpy(opts + 20, "\x94\x04\x00\x00", 4);	/* router alert */
	ck_assert_uint_eq(ntohs(sa_cksum_ipv4_hdr(
				  (const struct sa_ipv4_hdr *)opts)),
			  (uint16_t)~sa_ref_sum(opts, 10, sa_ref_sum(opts + 12, 12,
							       0)));
}
END_TEST

START_TEST(test_ipv4_l4)
{
	_Alignas(4) uint8_t d[sizeof(udp4_dgram)];
	uint8_t ph[12];
	const struct sa_ipv4_hdr *ip = (const struct sa_ipv4_hdr *)d;
	uint16_t c;

	memcpy(d, udp4_dgram, sizeof(d));
	/* Pseudo-header: addresses, zero, protocol, L4 length. */
	memcpy(ph, d + 12, 8);
	ph[8] = 0;
	ph[9] = SA_IPPROTO_UDP;
	ph[10] = 0;
	ph[11] = U4_L4_LEN;
	c = sa_cksum_ipv4_l4(ip, d + U4_L4, U4_L4_LEN);
	ck_assert_uint_eq(ntohs(c), (uint16_t)~sa_ref_sum(d + U4_L4, U4_L4_LEN,
						       sa_ref_sum(ph, 12, 0)));
	/* Stored, it verifies as zero. */
	put16(d, U4_CKSUM, c);
	ck_assert_uint_eq(sa_cksum_ipv4_l4(ip, d + U4_L4, U4_L4_LEN), 0);
	d[U4_L4 + 9] ^= 1;
	ck_assert_uint_ne(sa_cksum_ipv4_l4(ip, d + U4_L4, U4_L4_LEN), 0);
}
END_TEST

START_TEST(test_ipv6_l4)
{
	_Alignas(4) uint8_t d[sizeof(tcp6_dgram)];
	uint8_t ph[40];
	const struct sa_ipv6_hdr *ip = (const struct sa_ipv6_hdr *)d;
	uint16_t c;

	memcpy(d, tcp6_dgram, sizeof(d));
	/* RFC 8200 8.1: addresses, 32-bit length, 3 zeros, next header. */
	memcpy(ph, d + 8, 32);
	memset(ph + 32, 0, 8);
	ph[35] = T6_L4_LEN;
	ph[39] = SA_IPPROTO_TCP;
	c = sa_cksum_ipv6_l4(ip, SA_IPPROTO_TCP, d + T6_L4, T6_L4_LEN);
	ck_assert_uint_eq(ntohs(c), (uint16_t)~sa_ref_sum(d + T6_L4, T6_L4_LEN,
						       sa_ref_sum(ph, 40, 0)));
	put16(d, T6_CKSUM, c);
	ck_assert_uint_eq(sa_cksum_ipv6_l4(ip, SA_IPPROTO_TCP, d + T6_L4,
					   T6_L4_LEN), 0);
	/* The protocol is part of the pseudo-header. */
	ck_assert_uint_ne(sa_cksum_ipv6_l4(ip, SA_IPPROTO_UDP, d + T6_L4,
					   T6_L4_LEN), 0);
}
END_TEST

/*
 * RFC 768: a zero UDP checksum means "none" and stays so through updates,
 * and a computed zero goes on the wire as ffff, which still verifies.
 */
START_TEST(test_udp_zero)
{
	_Alignas(4) uint8_t d[sizeof(udp4_dgram)];
	const struct sa_ipv4_hdr *ip = (const struct sa_ipv4_hdr *)d;
	uint16_t c, w, cks = 0x1234, old = 0xabcd, new;

	ck_assert_uint_eq(sa_cksum_update_udp16(0, 0x1111, 0x2222), 0);
	ck_assert_uint_eq(sa_cksum_update_udp32(0, 0x0a000001, 0x0a000002), 0);

	/* The new value that makes the plain update come out as zero. */
	new = (uint16_t)~sa_cksum_fold((uint16_t)~cks + (uint16_t)~old);
	ck_assert_uint_eq(sa_cksum_update16(cks, old, new), 0);
	ck_assert_uint_eq(sa_cksum_update_udp16(cks, old, new), 0xffff);

	/* A datagram whose checksum computes to zero: adding the checksum
	 * into a payload word makes the sum ffff. */
	memcpy(d, udp4_dgram, sizeof(d));
	c = sa_cksum_ipv4_l4(ip, d + U4_L4, U4_L4_LEN);
	w = get16(d, U4_L4 + 8);
	put16(d, U4_L4 + 8, sa_cksum_fold((uint32_t)w + c));
	ck_assert_uint_eq(sa_cksum_ipv4_l4(ip, d + U4_L4, U4_L4_LEN), 0);
	put16(d, U4_CKSUM, 0xffff);
	ck_assert_uint_eq(sa_cksum_ipv4_l4(ip, d + U4_L4, U4_L4_LEN), 0);
}
END_TEST

/* incremental ------------------------------------------------------------ */

/* A NAT rewrite of source address and port, updated the way a middlebox
 * does it, equals recomputation of both checksums. */
START_TEST(test_nat_rewrite)
{
	_Alignas(4) uint8_t d[sizeof(udp4_dgram)];
	struct sa_ipv4_hdr *ip = (struct sa_ipv4_hdr *)d;
	struct sa_udp_hdr *udp = (struct sa_udp_hdr *)(d + U4_L4);
	uint32_t new_src = htonl(0xcb007105);
	uint16_t new_port = htons(40000);

	memcpy(d, udp4_dgram, sizeof(d));
	ip->hdr_checksum = sa_cksum_ipv4_hdr(ip);
	udp->dgram_cksum = sa_cksum_ipv4_l4(ip, udp, U4_L4_LEN);

	ip->hdr_checksum = sa_cksum_update32(ip->hdr_checksum, ip->src_addr,
					     new_src);
	udp->dgram_cksum = sa_cksum_update_udp32(udp->dgram_cksum,
						 ip->src_addr, new_src);
	udp->dgram_cksum = sa_cksum_update_udp16(udp->dgram_cksum,
						 udp->src_port, new_port);
	ip->src_addr = new_src;
	udp->src_port = new_port;

	ck_assert_uint_eq(ip->hdr_checksum, sa_cksum_ipv4_hdr(ip));
	ck_assert_uint_eq(sa_cksum_ipv4_l4(ip, udp, U4_L4_LEN), 0);
}
END_TEST

/* Random 16- and 32-bit changes at random even offsets: the RFC 1624
 * update must equal the checksum computed afresh. The first word never
 * changes and is not zero, so the data never sums to zero and the two
 * encodings of zero (0000/ffff) cannot legitimately differ. */
START_TEST(test_incremental_random)
{
	uint32_t seed = RAND_SEED;
	uint8_t b[64];
	unsigned int i;
	uint16_t c;

	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)xorshift32(&seed);
	b[0] = 0x45;
	c = (uint16_t)~sa_cksum_fold(sa_cksum_sum(b, sizeof(b), 0));

	for (i = 0; i < RAND_ROUNDS; i++) {
		uint32_t r = xorshift32(&seed), v = xorshift32(&seed);
		size_t off = 2 + 2 * (r % ((sizeof(b) - 6) / 2));

		if (r & 0x10000) {
			uint32_t old;

			memcpy(&old, b + off, sizeof(old));
			c = sa_cksum_update32(c, old, v);
			memcpy(b + off, &v, sizeof(v));
		} else {
			c = sa_cksum_update16(c, get16(b, off), (uint16_t)v);
			put16(b, off, (uint16_t)v);
		}
		ck_assert_uint_eq(c, (uint16_t)~sa_cksum_fold(
					     sa_cksum_sum(b, sizeof(b), 0)));
	}
}
END_TEST

/* limits --------------------------------------------------------------- */

/* Every length and alignment against the reference, and sums chained over
 * even-length pieces equal the sum over the whole. */
START_TEST(test_sum_vs_reference)
{
	uint8_t buf[BUF_MAX + 8];
	uint32_t seed = RAND_SEED;
	size_t len, off, i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)xorshift32(&seed);
	for (off = 0; off < 8; off++)
		for (len = 0; len <= BUF_MAX; len++)
			ck_assert_uint_eq(lib_sum(buf + off, len),
					  sa_ref_sum(buf + off, len, 0));
	for (len = 0; len <= BUF_MAX; len += 2) {
		uint32_t s = sa_cksum_sum(buf, len, 0);

		s = sa_cksum_sum(buf + len, BUF_MAX + 1 - len, s);
		ck_assert_uint_eq(ntohs(sa_cksum_fold(s)),
				  sa_ref_sum(buf, BUF_MAX + 1, 0));
	}
}
END_TEST

/* The largest datagram of all-ones words: the carries must not be lost. */
START_TEST(test_sum_large)
{
	uint8_t *b = malloc(BIG_LEN);

	ck_assert_ptr_nonnull(b);
	memset(b, 0xff, BIG_LEN);
	ck_assert_uint_eq(lib_sum(b, BIG_LEN), sa_ref_sum(b, BIG_LEN, 0));
	ck_assert_uint_eq(ntohs(sa_cksum_fold(sa_cksum_sum(b, BIG_LEN,
							   0xffffffffu))),
			  sa_ref_sum(b, BIG_LEN, 0xffff));
	memset(b, 0, BIG_LEN);
	ck_assert_uint_eq(lib_sum(b, BIG_LEN), 0);
	free(b);
}
END_TEST

Suite *
cksum_suite(void)
{
	Suite *s = suite_create("cksum");
	TCase *tc;

	tc = sa_tcase(s, "core", TEST_TIMEOUT);
	tcase_add_test(tc, test_rfc1071_example);
	tcase_add_test(tc, test_ipv4_hdr);
	tcase_add_test(tc, test_ipv4_l4);
	tcase_add_test(tc, test_ipv6_l4);
	tcase_add_test(tc, test_udp_zero);

	tc = sa_tcase(s, "incremental", TEST_TIMEOUT);
	tcase_add_test(tc, test_nat_rewrite);
	tcase_add_test(tc, test_incremental_random);

	tc = sa_tcase(s, "limits", TEST_TIMEOUT);
	tcase_add_test(tc, test_sum_vs_reference);
	tcase_add_test(tc, test_sum_large);

	return s;
}

SA_CHECK_MAIN(cksum_suite)
