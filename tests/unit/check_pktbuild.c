/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for tools/pktbuild: every kind of frame it builds is read back
 * byte by byte at fixed offsets, checked against the shared parser, and its
 * checksums are recomputed here with a reference RFC 1071 sum, so neither
 * the builder nor sa/cksum.h vouches for itself.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include <sa/headers.h>

#include "check_main.h"
#include "pktbuild.h"

#define TEST_TIMEOUT	30
#define FRAME_MAX	2048
#define ETH_LEN		14
#define VLAN_LEN	4
#define IP4_LEN		20
#define IP6_LEN		40
#define TCP_LEN		20
#define UDP_LEN		8
#define ICMP_LEN	8
#define MIN_FRAME	60
#define PAYLOAD_LEN	37	/* odd, so the checksum's last byte is padded */
#define BIG_PAYLOAD	65535
#define CKSUM_OK	0xffff	/* folded sum over data with a right checksum */
#define PORT_SPAN	65536

/* Offsets inside the headers, from the RFCs rather than the structs. */
#define IP4_TOTLEN	2
#define IP4_ID		4
#define IP4_FRAG	6
#define IP4_TTL		8
#define IP4_PROTO	9
#define IP4_CKSUM	10
#define IP4_SRC		12
#define IP4_DST		16
#define IP6_PLEN	4
#define IP6_NXT		6
#define IP6_HLIM	7
#define IP6_SRC		8
#define IP6_DST		24
#define L4_SPORT	0
#define L4_DPORT	2
#define TCP_SEQ		4
#define TCP_ACK		8
#define TCP_DOFF	12
#define TCP_FLAGS	13
#define TCP_WIN		14
#define TCP_CKSUM	16
#define UDP_LEN_OFF	4
#define UDP_CKSUM	6
#define ICMP_CKSUM	2
#define ICMP_ID		4
#define ICMP_SEQ	6

#define SRC4		0x0a000005u	/* 10.0.0.5 */
#define DST4		0xc6120007u	/* 198.18.0.7 */
#define SPORT		40000
#define DPORT		443
#define SEQ		0x11223344u
#define ACK		0x55667788u
#define ICMP_IDENT	0x1234
#define ICMP_SEQNO	7
#define VLAN_OUTER	0x2064	/* PCP 1, VID 100 */
#define VLAN_INNER	0x00c8	/* VID 200 */
#define TTL_CUSTOM	17
#define WIN_CUSTOM	1000

static const uint8_t src6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				  0, 0, 0, 0, 0, 0, 0, 0x05 };
static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				  0, 0, 0, 0, 0, 0, 0, 0x07 };

static uint8_t frame[FRAME_MAX];

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

/* Sum of the IPv4 or IPv6 pseudo-header of the datagram at @p l3. */
static uint32_t
ref_pseudo(const uint8_t *l3, int family, uint8_t proto, uint32_t l4_len)
{
	uint32_t acc;

	if (family == 4)
		acc = sa_ref_sum(l3 + IP4_SRC, 8, 0);
	else
		acc = sa_ref_sum(l3 + IP6_SRC, 32, 0);
	return acc + proto + (l4_len >> 16) + (l4_len & 0xffff);
}

static void
check_l4_cksum(const uint8_t *l3, int family, uint8_t proto,
	       const uint8_t *l4, uint32_t l4_len)
{
	uint32_t acc = 0;

	/* ICMP over IPv4 is the one L4 checksum without a pseudo-header. */
	if (!(family == 4 && proto == SA_IPPROTO_ICMP))
		acc = ref_pseudo(l3, family, proto, l4_len);
	ck_assert_uint_eq(sa_ref_sum(l4, l4_len, acc), CKSUM_OK);
}

/* Parses @p len bytes of frame and checks the layout the builder promises. */
static void
check_parsed(size_t len, int family, uint8_t proto, uint32_t l3_off,
	     uint32_t payload_len, struct sa_parsed *p)
{
	uint32_t l4_hdr = proto == SA_IPPROTO_TCP ? TCP_LEN : UDP_LEN;

	ck_assert_uint_eq(sa_parse(frame, (uint32_t)len, p), SA_DROP_NONE);
	ck_assert_uint_eq(p->l3, family == 4 ? SA_L3_IPV4 : SA_L3_IPV6);
	ck_assert_uint_eq(p->l4_proto, proto);
	ck_assert(p->has_l4);
	ck_assert_uint_eq(p->frag, SA_FRAG_NONE);
	ck_assert_uint_eq(p->l3_off, l3_off);
	ck_assert_uint_eq(p->l3_hdr_len, family == 4 ? IP4_LEN : IP6_LEN);
	ck_assert_uint_eq(p->l4_off, p->l3_off + p->l3_hdr_len);
	ck_assert_uint_eq(p->l4_hdr_len, l4_hdr);
	ck_assert_uint_eq(sa_l4_payload_len(p), payload_len);
}

START_TEST(test_tcp4)
{
	uint8_t *ip = frame + ETH_LEN, *tcp = ip + IP4_LEN;
	struct sa_parsed p;
	struct pb_spec s;
	size_t len;
	uint32_t i;

	pb_spec_init4(&s, SA_IPPROTO_TCP, SRC4, DST4, SPORT, DPORT);
	s.tcp_flags = SA_TCP_PSH | SA_TCP_ACK;
	s.seq = SEQ;
	s.ack = ACK;
	s.payload_len = PAYLOAD_LEN;
	len = pb_build(frame, sizeof(frame), &s);
	ck_assert_uint_eq(len, ETH_LEN + IP4_LEN + TCP_LEN + PAYLOAD_LEN);
	check_parsed(len, 4, SA_IPPROTO_TCP, ETH_LEN, PAYLOAD_LEN, &p);
	ck_assert_uint_eq(p.ip_end, len);

	ck_assert_uint_eq(rd16(frame + 12), SA_ETHER_TYPE_IPV4);
	ck_assert_uint_eq(ip[0], 0x45);
	ck_assert_uint_eq(rd16(ip + IP4_TOTLEN),
			  IP4_LEN + TCP_LEN + PAYLOAD_LEN);
	ck_assert_uint_eq(rd16(ip + IP4_ID), 0);
	ck_assert_uint_eq(rd16(ip + IP4_FRAG), 0x4000);	/* DF, offset 0 */
	ck_assert_uint_eq(ip[IP4_TTL], 64);
	ck_assert_uint_eq(ip[IP4_PROTO], SA_IPPROTO_TCP);
	ck_assert_uint_eq(rd32(ip + IP4_SRC), SRC4);
	ck_assert_uint_eq(rd32(ip + IP4_DST), DST4);
	ck_assert_uint_eq(sa_ref_sum(ip, IP4_LEN, 0), CKSUM_OK);

	ck_assert_uint_eq(rd16(tcp + L4_SPORT), SPORT);
	ck_assert_uint_eq(rd16(tcp + L4_DPORT), DPORT);
	ck_assert_uint_eq(rd32(tcp + TCP_SEQ), SEQ);
	ck_assert_uint_eq(rd32(tcp + TCP_ACK), ACK);
	ck_assert_uint_eq(tcp[TCP_DOFF], 0x50);
	ck_assert_uint_eq(tcp[TCP_FLAGS], SA_TCP_PSH | SA_TCP_ACK);
	ck_assert_uint_eq(rd16(tcp + TCP_WIN), 65535);
	check_l4_cksum(ip, 4, SA_IPPROTO_TCP, tcp, TCP_LEN + PAYLOAD_LEN);
	/* No payload given: a counting pattern. */
	for (i = 0; i < PAYLOAD_LEN; i++)
		ck_assert_uint_eq(tcp[TCP_LEN + i], (uint8_t)i);
}
END_TEST

START_TEST(test_udp4_payload)
{
	static const uint8_t data[] = "a DNS-ish query, odd length";
	uint8_t *ip = frame + ETH_LEN, *udp = ip + IP4_LEN;
	struct sa_parsed p;
	struct pb_spec s;
	size_t len;

	pb_spec_init4(&s, SA_IPPROTO_UDP, SRC4, DST4, SPORT, 53);
	s.payload = data;
	s.payload_len = sizeof(data);
	len = pb_build(frame, sizeof(frame), &s);
	ck_assert_uint_eq(len, ETH_LEN + IP4_LEN + UDP_LEN + sizeof(data));
	check_parsed(len, 4, SA_IPPROTO_UDP, ETH_LEN, sizeof(data), &p);
	ck_assert_uint_eq(ip[IP4_PROTO], SA_IPPROTO_UDP);
	ck_assert_uint_eq(rd16(udp + L4_DPORT), 53);
	ck_assert_uint_eq(rd16(udp + UDP_LEN_OFF), UDP_LEN + sizeof(data));
	ck_assert_mem_eq(udp + UDP_LEN, data, sizeof(data));
	ck_assert_uint_eq(sa_ref_sum(ip, IP4_LEN, 0), CKSUM_OK);
	check_l4_cksum(ip, 4, SA_IPPROTO_UDP, udp, UDP_LEN + sizeof(data));
}
END_TEST

START_TEST(test_icmp4_echo)
{
	uint8_t *ip = frame + ETH_LEN, *icmp = ip + IP4_LEN;
	struct sa_parsed p;
	struct pb_spec s;
	size_t len;

	/* init4 makes an echo request whose identifier is the "sport". */
	pb_spec_init4(&s, SA_IPPROTO_ICMP, SRC4, DST4, ICMP_IDENT, 0);
	s.icmp_seq = ICMP_SEQNO;
	s.payload_len = PAYLOAD_LEN;
	len = pb_build(frame, sizeof(frame), &s);
	ck_assert_uint_eq(len, ETH_LEN + IP4_LEN + ICMP_LEN + PAYLOAD_LEN);
	check_parsed(len, 4, SA_IPPROTO_ICMP, ETH_LEN, PAYLOAD_LEN, &p);
	ck_assert_uint_eq(icmp[0], SA_ICMP_ECHO_REQUEST);
	ck_assert_uint_eq(icmp[1], 0);
	ck_assert_uint_eq(rd16(icmp + ICMP_ID), ICMP_IDENT);
	ck_assert_uint_eq(rd16(icmp + ICMP_SEQ), ICMP_SEQNO);
	check_l4_cksum(ip, 4, SA_IPPROTO_ICMP, icmp, ICMP_LEN + PAYLOAD_LEN);

	s.icmp_type = SA_ICMP_ECHO_REPLY;
	len = pb_build(frame, sizeof(frame), &s);
	ck_assert_uint_eq(icmp[0], SA_ICMP_ECHO_REPLY);
	check_l4_cksum(ip, 4, SA_IPPROTO_ICMP, icmp, ICMP_LEN + PAYLOAD_LEN);
}
END_TEST

/* Every source port: the computed UDP checksum is never sent as zero,
 * which would mean "no checksum" (RFC 768). */
START_TEST(test_udp4_never_zero)
{
	uint8_t *ip = frame + ETH_LEN, *udp = ip + IP4_LEN;
	struct pb_spec s;
	unsigned int port, ones = 0;

	pb_spec_init4(&s, SA_IPPROTO_UDP, SRC4, DST4, 0, DPORT);
	for (port = 0; port < PORT_SPAN; port++) {
		s.sport = (uint16_t)port;
		ck_assert_uint_ne(pb_build(frame, sizeof(frame), &s), 0);
		ck_assert_uint_ne(rd16(udp + UDP_CKSUM), 0);
		ones += rd16(udp + UDP_CKSUM) == 0xffff;
	}
	/* Some port makes the sum come out as zero: that case was hit. */
	ck_assert_uint_gt(ones, 0);
	check_l4_cksum(ip, 4, SA_IPPROTO_UDP, udp, UDP_LEN);
}
END_TEST

static void
build6(uint8_t proto, uint32_t payload_len, size_t *len)
{
	struct pb_spec s;

	pb_spec_init6(&s, proto, src6, dst6, SPORT, DPORT);
	s.payload_len = payload_len;
	s.tcp_flags = SA_TCP_SYN;
	s.seq = SEQ;
	*len = pb_build(frame, sizeof(frame), &s);
}

START_TEST(test_ipv6)
{
	static const uint8_t protos[] = {
		SA_IPPROTO_TCP, SA_IPPROTO_UDP, SA_IPPROTO_ICMPV6,
	};
	uint8_t proto = protos[_i];
	uint32_t l4_hdr = proto == SA_IPPROTO_TCP ? TCP_LEN : UDP_LEN;
	uint8_t *ip = frame + ETH_LEN, *l4 = ip + IP6_LEN;
	struct sa_parsed p;
	size_t len;

	build6(proto, PAYLOAD_LEN, &len);
	ck_assert_uint_eq(len, ETH_LEN + IP6_LEN + l4_hdr + PAYLOAD_LEN);
	check_parsed(len, 6, proto, ETH_LEN, PAYLOAD_LEN, &p);
	ck_assert_uint_eq(rd16(frame + 12), SA_ETHER_TYPE_IPV6);
	ck_assert_uint_eq(ip[0] >> 4, 6);
	ck_assert_uint_eq(rd16(ip + IP6_PLEN), l4_hdr + PAYLOAD_LEN);
	ck_assert_uint_eq(ip[IP6_NXT], proto);
	ck_assert_uint_eq(ip[IP6_HLIM], 64);
	ck_assert_mem_eq(ip + IP6_SRC, src6, sizeof(src6));
	ck_assert_mem_eq(ip + IP6_DST, dst6, sizeof(dst6));
	if (proto == SA_IPPROTO_ICMPV6) {
		ck_assert_uint_eq(l4[0], SA_ICMP6_ECHO_REQUEST);
		ck_assert_uint_eq(rd16(l4 + ICMP_ID), SPORT);
	} else {
		ck_assert_uint_eq(rd16(l4 + L4_SPORT), SPORT);
		ck_assert_uint_eq(rd16(l4 + L4_DPORT), DPORT);
	}
	check_l4_cksum(ip, 6, proto, l4, l4_hdr + PAYLOAD_LEN);
}
END_TEST

START_TEST(test_vlan)
{
	uint8_t n_vlan = (uint8_t)(_i + 1);
	uint32_t l3_off = ETH_LEN + n_vlan * VLAN_LEN;
	struct sa_parsed p;
	struct pb_spec s;
	size_t len;

	pb_spec_init4(&s, SA_IPPROTO_UDP, SRC4, DST4, SPORT, DPORT);
	s.n_vlan = n_vlan;
	s.vlan_tci[0] = VLAN_OUTER;
	s.vlan_tci[1] = VLAN_INNER;
	len = pb_build(frame, sizeof(frame), &s);
	ck_assert_uint_eq(len, l3_off + IP4_LEN + UDP_LEN);
	/* 802.1ad: the outer of two tags is an S-tag. */
	ck_assert_uint_eq(rd16(frame + 12), n_vlan == 2 ? SA_ETHER_TYPE_QINQ :
							  SA_ETHER_TYPE_VLAN);
	ck_assert_uint_eq(rd16(frame + 14), VLAN_OUTER);
	if (n_vlan == 2) {
		ck_assert_uint_eq(rd16(frame + 16), SA_ETHER_TYPE_VLAN);
		ck_assert_uint_eq(rd16(frame + 18), VLAN_INNER);
	}
	ck_assert_uint_eq(rd16(frame + l3_off - 2), SA_ETHER_TYPE_IPV4);
	check_parsed(len, 4, SA_IPPROTO_UDP, l3_off, 0, &p);
	ck_assert_uint_eq(p.n_vlan, n_vlan);
	ck_assert_uint_eq(p.vlan_tci[0], VLAN_OUTER);
	if (n_vlan == 2)
		ck_assert_uint_eq(p.vlan_tci[1], VLAN_INNER);
	check_l4_cksum(frame + l3_off, 4, SA_IPPROTO_UDP,
		       frame + l3_off + IP4_LEN, UDP_LEN);
}
END_TEST

START_TEST(test_padding)
{
	uint8_t *ip = frame + ETH_LEN;
	struct sa_parsed p;
	struct pb_spec s;
	size_t len, i;

	memset(frame, 0xaa, sizeof(frame));
	pb_spec_init4(&s, SA_IPPROTO_TCP, SRC4, DST4, SPORT, DPORT);
	s.tcp_flags = SA_TCP_SYN;
	s.min_frame_len = MIN_FRAME;
	len = pb_build(frame, sizeof(frame), &s);
	ck_assert_uint_eq(len, MIN_FRAME);
	/* The datagram keeps its own length; the rest is zero padding. */
	ck_assert_uint_eq(rd16(ip + IP4_TOTLEN), IP4_LEN + TCP_LEN);
	check_parsed(len, 4, SA_IPPROTO_TCP, ETH_LEN, 0, &p);
	ck_assert_uint_eq(p.ip_end, ETH_LEN + IP4_LEN + TCP_LEN);
	for (i = p.ip_end; i < len; i++)
		ck_assert_uint_eq(frame[i], 0);
	check_l4_cksum(ip, 4, SA_IPPROTO_TCP, ip + IP4_LEN, TCP_LEN);

	/* A frame already longer than the minimum is not padded. */
	s.payload_len = MIN_FRAME;
	len = pb_build(frame, sizeof(frame), &s);
	ck_assert_uint_eq(len, ETH_LEN + IP4_LEN + TCP_LEN + MIN_FRAME);
}
END_TEST

START_TEST(test_spec_fields)
{
	uint8_t *ip = frame + ETH_LEN;
	struct pb_spec s;

	pb_spec_init4(&s, SA_IPPROTO_TCP, SRC4, DST4, SPORT, DPORT);
	ck_assert_uint_eq(s.ttl, 64);
	ck_assert_uint_eq(s.win, 65535);
	ck_assert_uint_eq(s.family, 4);
	/* Locally administered unicast MACs. */
	ck_assert_uint_eq(s.eth_src[0] & 0x03, 0x02);
	ck_assert_uint_eq(s.eth_dst[0] & 0x03, 0x02);

	s.ttl = TTL_CUSTOM;
	s.win = WIN_CUSTOM;
	ck_assert_uint_ne(pb_build(frame, sizeof(frame), &s), 0);
	ck_assert_mem_eq(frame, s.eth_dst, 6);
	ck_assert_mem_eq(frame + 6, s.eth_src, 6);
	ck_assert_uint_eq(ip[IP4_TTL], TTL_CUSTOM);
	ck_assert_uint_eq(rd16(ip + IP4_LEN + TCP_WIN), WIN_CUSTOM);
	ck_assert_uint_eq(sa_ref_sum(ip, IP4_LEN, 0), CKSUM_OK);

	/* Zero means "default" in a hand-made spec. */
	s.ttl = 0;
	s.win = 0;
	ck_assert_uint_ne(pb_build(frame, sizeof(frame), &s), 0);
	ck_assert_uint_eq(ip[IP4_TTL], 64);
	ck_assert_uint_eq(rd16(ip + IP4_LEN + TCP_WIN), 65535);
}
END_TEST

START_TEST(test_too_small)
{
	struct pb_spec s;
	size_t need;

	pb_spec_init4(&s, SA_IPPROTO_TCP, SRC4, DST4, SPORT, DPORT);
	s.payload_len = PAYLOAD_LEN;
	need = pb_build(frame, sizeof(frame), &s);
	ck_assert_uint_eq(pb_build(frame, need, &s), need);
	ck_assert_uint_eq(pb_build(frame, need - 1, &s), 0);
	ck_assert_uint_eq(pb_build(frame, 0, &s), 0);
	/* Padding counts too. */
	s.min_frame_len = (uint32_t)need + 1;
	ck_assert_uint_eq(pb_build(frame, need, &s), 0);
	/* Bigger than an IP datagram can be. */
	s.min_frame_len = 0;
	s.payload_len = BIG_PAYLOAD;
	ck_assert_uint_eq(pb_build(frame, sizeof(frame), &s), 0);
}
END_TEST

START_TEST(test_invalid_spec)
{
	struct pb_spec s;

	pb_spec_init4(&s, SA_IPPROTO_TCP, SRC4, DST4, SPORT, DPORT);
	ck_assert_uint_eq(pb_build(NULL, FRAME_MAX, &s), 0);
	ck_assert_uint_eq(pb_build(frame, sizeof(frame), NULL), 0);
	s.family = 5;
	ck_assert_uint_eq(pb_build(frame, sizeof(frame), &s), 0);
	s.family = 4;
	s.n_vlan = 3;
	ck_assert_uint_eq(pb_build(frame, sizeof(frame), &s), 0);
	s.n_vlan = 0;
	s.proto = SA_IPPROTO_ICMPV6;	/* ICMPv6 over IPv4 */
	ck_assert_uint_eq(pb_build(frame, sizeof(frame), &s), 0);
	s.proto = SA_IPPROTO_ESP;
	ck_assert_uint_eq(pb_build(frame, sizeof(frame), &s), 0);
	pb_spec_init6(&s, SA_IPPROTO_ICMP, src6, dst6, SPORT, DPORT);
	ck_assert_uint_eq(pb_build(frame, sizeof(frame), &s), 0);
}
END_TEST

Suite *
pktbuild_suite(void)
{
	Suite *s = suite_create("pktbuild");
	TCase *tc;

	tc = tcase_create("ipv4");
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_tcp4);
	tcase_add_test(tc, test_udp4_payload);
	tcase_add_test(tc, test_icmp4_echo);
	tcase_add_test(tc, test_udp4_never_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv6");
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_ipv6, 0, 3);
	suite_add_tcase(s, tc);

	tc = tcase_create("l2");
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_vlan, 0, 2);
	tcase_add_test(tc, test_padding);
	tcase_add_test(tc, test_spec_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_too_small);
	tcase_add_test(tc, test_invalid_spec);
	suite_add_tcase(s, tc);
	return s;
}

SA_CHECK_MAIN(pktbuild_suite)
