/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for sa_parse(). Frames are written out byte by byte (two
 * literal frames, and header arrays put together by the small helpers
 * below) so the parser is checked against the wire format, not against
 * another parser. Every parse runs on a heap copy of exactly the frame's
 * length, so valgrind reports any read past it.
 */

#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include <sa/headers.h>

#include "check_main.h"

#define TEST_TIMEOUT	30
#define FRAME_MAX	1024
#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define TCP_LEN		20
#define UDP_LEN		8
#define ICMP_LEN	8
#define FUZZ_ROUNDS	20000
#define FUZZ_SEED	0x5a17a1u
#define N_ELEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* TCP SYN 10.0.0.1:12345 -> 192.0.2.1:80 with 4 payload bytes. */
static const uint8_t tcp4_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01,
	0x30, 0x39, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xde, 0xad, 0xbe, 0xef,
};
#define T4_VER		14
#define T4_TOTLEN	16
#define T4_FRAG		20
#define T4_L4		34
#define T4_DOFF		46

/* UDP [2001:db8::1]:1234 -> [2001:db8::2]:53 with 4 payload bytes. */
static const uint8_t udp6_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x04, 0xd2, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00,
	0xde, 0xad, 0xbe, 0xef,
};
#define U6_VER		14
#define U6_PLEN		18
#define U6_NH		20
#define U6_L4		54
#define U6_ULEN		58

/* Header templates cut from the frames above. */
#define MACS		tcp4_frame
#define IP4_HDR		(tcp4_frame + ETH_LEN)
#define TCP_HDR		(tcp4_frame + T4_L4)
#define IP6_HDR		(udp6_frame + ETH_LEN)
#define UDP_HDR		(udp6_frame + U6_L4)
#define PAYLOAD		(tcp4_frame + T4_L4 + TCP_LEN)

static const uint8_t type_ip4[2] = { 0x08, 0x00 };
static const uint8_t type_ip6[2] = { 0x86, 0xdd };
static const uint8_t type_arp[2] = { 0x08, 0x06 };
/* TPID + TCI: an 802.1ad S-tag for VLAN 200, and an 802.1Q C-tag for
 * VLAN 100 with PCP 7, to see that the TCI is kept whole. */
static const uint8_t tag_s[4] = { 0x88, 0xa8, 0x00, 0xc8 };
static const uint8_t tag_c[4] = { 0x81, 0x00, 0xe0, 0x64 };
/* MSS 1460, SACK permitted, then the start of a timestamp option. */
static const uint8_t tcp_opts[12] = {
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x01,
};
static const uint8_t icmp4_echo[ICMP_LEN] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1 };
static const uint8_t icmp6_echo[ICMP_LEN] = { 128, 0, 0, 0, 0x12, 0x34, 0, 1 };
static const uint8_t ip4_opts[4] = { 0x01, 0x01, 0x01, 0x00 }; /* NOPs, EOL */
static const uint8_t arp_body[28] = { 0x00, 0x01, 0x08, 0x00, 0x06, 0x04 };

/* A frame being put together; l3 and udp say where to patch lengths. */
struct frame {
	uint8_t b[FRAME_MAX];
	uint32_t len;
	uint32_t l3;
	uint32_t udp;	/* offset of a UDP header, 0 if none */
};

static void
put(struct frame *f, const void *p, size_t n)
{
	ck_assert_uint_le(f->len + n, FRAME_MAX);
	if (n)
		memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void
set16(uint8_t *b, uint32_t off, uint16_t v)
{
	b[off] = (uint8_t)(v >> 8);
	b[off + 1] = (uint8_t)v;
}

/* Ethernet with @p n_tags tags, S-tags outside the one C-tag. */
static void
f_eth(struct frame *f, unsigned int n_tags, const uint8_t type[2])
{
	unsigned int i;

	memset(f, 0, sizeof(*f));
	put(f, MACS, 12);
	for (i = 0; i < n_tags; i++)
		put(f, i + 1 < n_tags ? tag_s : tag_c, sizeof(tag_c));
	put(f, type, 2);
}

static void
f_ip4(struct frame *f, unsigned int n_tags, uint8_t proto,
      const uint8_t *opts, size_t n_opts)
{
	f_eth(f, n_tags, type_ip4);
	f->l3 = f->len;
	put(f, IP4_HDR, IP4_LEN);
	put(f, opts, n_opts);
	f->b[f->l3] = (uint8_t)(0x40 | (IP4_LEN + n_opts) / 4);
	f->b[f->l3 + 9] = proto;
}

static void
f_ip6(struct frame *f, unsigned int n_tags, uint8_t nh)
{
	f_eth(f, n_tags, type_ip6);
	f->l3 = f->len;
	put(f, IP6_HDR, IP6_LEN);
	f->b[f->l3 + 6] = nh;
}

/* Hop-by-hop, routing or destination options, padded with Pad1. */
static void
f_ext(struct frame *f, uint8_t nh, uint8_t hdr_len)
{
	uint8_t ext[2048] = { nh, hdr_len };

	put(f, ext, ((size_t)hdr_len + 1) * 8);
}

static void
f_frag6(struct frame *f, uint8_t nh, uint16_t frag_data)
{
	uint8_t fh[8] = { nh, 0, 0, 0, 0xca, 0xfe, 0xf0, 0x0d };

	set16(fh, 2, frag_data);
	put(f, fh, sizeof(fh));
}

static void
f_udp(struct frame *f)
{
	f->udp = f->len;
	put(f, UDP_HDR, UDP_LEN);
}

/* Makes the IP (and UDP) length fields cover everything put so far. */
static void
f_done(struct frame *f)
{
	if (f->b[f->l3] >> 4 == 4)
		set16(f->b, f->l3 + 2, (uint16_t)(f->len - f->l3));
	else
		set16(f->b, f->l3 + 4, (uint16_t)(f->len - f->l3 - IP6_LEN));
	if (f->udp)
		set16(f->b, f->udp + 4, (uint16_t)(f->len - f->udp));
}

/* Ethernet padding after the datagram, up to @p to bytes. */
static void
f_pad(struct frame *f, uint32_t to)
{
	static const uint8_t zero[FRAME_MAX];

	if (f->len < to)
		put(f, zero, to - f->len);
}

/* What sa/headers.h promises of every result. */
static void
check_invariants(unsigned int rc, uint32_t len, const struct sa_parsed *p)
{
	ck_assert_uint_le(p->n_vlan, SA_VLAN_MAX_TAGS);
	ck_assert(p->l3 == SA_L3_NONE || p->l3 == SA_L3_IPV4 ||
		  p->l3 == SA_L3_IPV6);
	if (!p->has_l4)
		ck_assert_uint_eq(p->l4_hdr_len, 0);
	if (rc != SA_DROP_NONE || p->l3 == SA_L3_NONE) {
		ck_assert(!p->has_l4);
		return;
	}
	ck_assert_uint_le(p->ip_end, len);
	ck_assert_uint_le(p->l3_off + p->l3_hdr_len, p->ip_end);
	ck_assert_uint_eq(p->l4_off, p->l3_off + p->l3_hdr_len);
	if (p->frag == SA_FRAG_LATER)
		ck_assert(!p->has_l4);
	if (p->has_l4) {
		ck_assert_uint_ge(p->l4_hdr_len, 8);
		ck_assert_uint_le(p->l4_off + p->l4_hdr_len, p->ip_end);
	}
}

/*
 * Parses a heap copy exactly @p len bytes long into an uninitialised
 * result, then checks the invariants. The first test branches on every
 * field, so valgrind also flags any field sa_parse() left unwritten.
 */
static unsigned int
parse_exact(const uint8_t *frame, uint32_t len, struct sa_parsed *out)
{
	struct sa_parsed *p = malloc(sizeof(*p));
	uint8_t *copy = malloc(len);
	unsigned int rc;

	ck_assert_ptr_nonnull(p);
	ck_assert(len == 0 || copy != NULL);
	if (len)
		memcpy(copy, frame, len);
	rc = sa_parse(copy, len, p);
	ck_assert(p->ether_type + p->vlan_tci[0] + p->vlan_tci[1] + p->n_vlan +
		  p->l3 + p->l4_proto + p->frag + p->has_l4 + p->l3_off +
		  p->l3_hdr_len + p->l4_off + p->l4_hdr_len + p->ip_end + 1);
	check_invariants(rc, len, p);
	*out = *p;
	free(copy);
	free(p);
	return rc;
}

static struct sa_parsed
parse_ok(const uint8_t *frame, uint32_t len)
{
	struct sa_parsed p;
	unsigned int rc = parse_exact(frame, len, &p);

	ck_assert_msg(rc == SA_DROP_NONE, "parse failed with %u", rc);
	return p;
}

/* Fixes the lengths of a built frame and parses it. */
static struct sa_parsed
parse_built(struct frame *f)
{
	f_done(f);
	return parse_ok(f->b, f->len);
}

/* The layout of a parsed frame; l4_hdr_len 0 means no L4 header. A macro
 * so that a failure names the caller's line. */
#define EXPECT(p, l3_, l3_off_, l3_hdr_len_, l4_proto_, frag_, l4_hdr_len_) \
	do {								\
		ck_assert_uint_eq((p).l3, SA_L3_##l3_);			\
		ck_assert_uint_eq((p).l3_off, (l3_off_));		\
		ck_assert_uint_eq((p).l3_hdr_len, (l3_hdr_len_));	\
		ck_assert_uint_eq((p).l4_proto, (l4_proto_));		\
		ck_assert_uint_eq((p).frag, SA_FRAG_##frag_);		\
		ck_assert_uint_eq((p).has_l4, (l4_hdr_len_) != 0);	\
		ck_assert_uint_eq((p).l4_hdr_len, (l4_hdr_len_));	\
	} while (0)

#define DROP(x) SA_DROP_##x

/* core ----------------------------------------------------------------- */

START_TEST(test_basic)
{
	struct sa_parsed p = parse_ok(tcp4_frame, sizeof(tcp4_frame));

	EXPECT(p, IPV4, ETH_LEN, IP4_LEN, SA_IPPROTO_TCP, NONE, TCP_LEN);
	ck_assert_uint_eq(p.ether_type, SA_ETHER_TYPE_IPV4);
	ck_assert_uint_eq(p.n_vlan, 0);
	ck_assert_uint_eq(p.l4_off, T4_L4);
	ck_assert_uint_eq(p.ip_end, sizeof(tcp4_frame));
	ck_assert_uint_eq(sa_l4_payload_len(&p), 4);

	p = parse_ok(udp6_frame, sizeof(udp6_frame));
	EXPECT(p, IPV6, ETH_LEN, IP6_LEN, SA_IPPROTO_UDP, NONE, UDP_LEN);
	ck_assert_uint_eq(p.ether_type, SA_ETHER_TYPE_IPV6);
	ck_assert_uint_eq(p.l4_off, U6_L4);
	ck_assert_uint_eq(p.ip_end, sizeof(udp6_frame));
	ck_assert_uint_eq(sa_l4_payload_len(&p), 4);
}
END_TEST

START_TEST(test_vlan_tags)
{
	static const uint16_t tci[2][2] = { { 0xe064, 0 }, { 0x00c8, 0xe064 } };
	struct sa_parsed p;
	struct frame f;
	unsigned int n, i;

	for (n = 0; n <= SA_VLAN_MAX_TAGS; n++) {
		f_ip4(&f, n, SA_IPPROTO_TCP, NULL, 0);
		put(&f, TCP_HDR, TCP_LEN);
		p = parse_built(&f);
		EXPECT(p, IPV4, ETH_LEN + 4 * n, IP4_LEN, SA_IPPROTO_TCP, NONE,
		       TCP_LEN);
		ck_assert_uint_eq(p.n_vlan, n);
		ck_assert_uint_eq(p.ether_type, SA_ETHER_TYPE_IPV4);
		for (i = 0; i < n; i++)
			ck_assert_uint_eq(p.vlan_tci[i], tci[n - 1][i]);
	}

	/* Not IP, tagged or not: only the L2 fields mean anything, and a
	 * bare Ethernet header is a whole frame. */
	for (n = 0; n <= SA_VLAN_MAX_TAGS; n += 2) {
		f_eth(&f, n, type_arp);
		put(&f, arp_body, sizeof(arp_body));
		p = parse_ok(f.b, f.len);
		ck_assert_uint_eq(p.l3, SA_L3_NONE);
		ck_assert_uint_eq(p.n_vlan, n);
		ck_assert_uint_eq(p.ether_type, SA_ETHER_TYPE_ARP);
		p = parse_ok(f.b, ETH_LEN + 4 * n);
		ck_assert_uint_eq(p.l3, SA_L3_NONE);
	}
}
END_TEST

START_TEST(test_options)
{
	uint8_t opts40[40];
	struct sa_parsed p;
	struct frame f;

	f_ip4(&f, 0, SA_IPPROTO_TCP, ip4_opts, sizeof(ip4_opts));
	put(&f, TCP_HDR, TCP_LEN);
	p = parse_built(&f);
	EXPECT(p, IPV4, ETH_LEN, IP4_LEN + 4, SA_IPPROTO_TCP, NONE, TCP_LEN);

	/* The largest IPv4 header, IHL 15. */
	memset(opts40, 0x01, sizeof(opts40));
	f_ip4(&f, 0, SA_IPPROTO_UDP, opts40, sizeof(opts40));
	f_udp(&f);
	p = parse_built(&f);
	EXPECT(p, IPV4, ETH_LEN, 60, SA_IPPROTO_UDP, NONE, UDP_LEN);

	/* The largest TCP header, data offset 15. */
	f_ip6(&f, 0, SA_IPPROTO_TCP);
	put(&f, TCP_HDR, TCP_LEN);
	put(&f, opts40, sizeof(opts40));
	f.b[U6_L4 + 12] = 0xf0;
	p = parse_built(&f);
	EXPECT(p, IPV6, ETH_LEN, IP6_LEN, SA_IPPROTO_TCP, NONE, 60);
	ck_assert_uint_eq(sa_l4_payload_len(&p), 0);
}
END_TEST

/* Frames under 60 bytes arrive padded: ip_end, not the frame length, ends
 * the datagram, and L4 lengths are checked against it. */
START_TEST(test_eth_padding)
{
	struct sa_parsed p;
	struct frame f;

	f_ip4(&f, 0, SA_IPPROTO_TCP, NULL, 0);
	put(&f, TCP_HDR, TCP_LEN);
	f_done(&f);
	f_pad(&f, 60);
	p = parse_ok(f.b, f.len);
	ck_assert_uint_eq(p.ip_end, ETH_LEN + IP4_LEN + TCP_LEN);
	ck_assert_uint_eq(sa_l4_payload_len(&p), 0);

	f_ip4(&f, 0, SA_IPPROTO_UDP, NULL, 0);
	f_udp(&f);
	put(&f, PAYLOAD, 1);
	f_done(&f);
	f_pad(&f, 60);
	p = parse_ok(f.b, f.len);
	ck_assert_uint_eq(p.ip_end, ETH_LEN + IP4_LEN + UDP_LEN + 1);
	ck_assert_uint_eq(sa_l4_payload_len(&p), 1);
	/* A UDP length reaching into the padding is still wrong. */
	set16(f.b, f.udp + 4, UDP_LEN + 2);
	ck_assert_uint_eq(parse_exact(f.b, f.len, &p), DROP(UDP_BAD_LEN));

	f_ip6(&f, 0, SA_IPPROTO_UDP);
	f_udp(&f);
	f_done(&f);
	f_pad(&f, 80);
	p = parse_ok(f.b, f.len);
	ck_assert_uint_eq(p.ip_end, ETH_LEN + IP6_LEN + UDP_LEN);
}
END_TEST

/* IPv6 extension headers ---------------------------------------------- */

static void
build_ext_n(struct frame *f, unsigned int n)
{
	unsigned int i;

	f_ip6(f, 0, SA_IPPROTO_DSTOPTS);
	for (i = 0; i < n; i++)
		f_ext(f, i + 1 < n ? SA_IPPROTO_DSTOPTS : SA_IPPROTO_UDP, 0);
	f_udp(f);
	f_done(f);
}

START_TEST(test_ext_chain)
{
	struct sa_parsed p;
	struct frame f;

	f_ip6(&f, 1, SA_IPPROTO_HOPOPTS);
	f_ext(&f, SA_IPPROTO_ROUTING, 0);
	f_ext(&f, SA_IPPROTO_DSTOPTS, 1);
	f_ext(&f, SA_IPPROTO_TCP, 0);
	put(&f, TCP_HDR, TCP_LEN);
	put(&f, PAYLOAD, 4);
	p = parse_built(&f);
	EXPECT(p, IPV6, ETH_LEN + 4, IP6_LEN + 8 + 16 + 8, SA_IPPROTO_TCP,
	       NONE, TCP_LEN);
	ck_assert_uint_eq(sa_l4_payload_len(&p), 4);

	/* Headers walked before an opaque one count into l3_hdr_len. */
	f_ip6(&f, 0, SA_IPPROTO_HOPOPTS);
	f_ext(&f, SA_IPPROTO_ESP, 0);
	put(&f, PAYLOAD, 4);
	p = parse_built(&f);
	EXPECT(p, IPV6, ETH_LEN, IP6_LEN + 8, SA_IPPROTO_ESP, NONE, 0);

	f_ip6(&f, 0, SA_IPPROTO_DSTOPTS);
	f_ext(&f, SA_IPPROTO_FRAGMENT, 0);
	f_frag6(&f, SA_IPPROTO_TCP, 0x0001);
	put(&f, TCP_HDR, TCP_LEN);
	p = parse_built(&f);
	EXPECT(p, IPV6, ETH_LEN, IP6_LEN + 16, SA_IPPROTO_TCP, FIRST, TCP_LEN);

	build_ext_n(&f, SA_IP6_EXT_MAX);
	p = parse_ok(f.b, f.len);
	EXPECT(p, IPV6, ETH_LEN, IP6_LEN + 8 * SA_IP6_EXT_MAX, SA_IPPROTO_UDP,
	       NONE, UDP_LEN);
	build_ext_n(&f, SA_IP6_EXT_MAX + 1);
	ck_assert_uint_eq(parse_exact(f.b, f.len, &p), DROP(IP6_EXT_TOO_MANY));
}
END_TEST

/* tables ------------------------------------------------------------------
 * A base frame, a length to parse (0: all of it), up to two bytes to
 * overwrite, and the result: a drop reason, or success with the fragment
 * kind, L4 protocol and L4 header length (0: no L4 header).
 */

enum base {
	B_TCP4, B_UDP4, B_ICMP4, B_UDP6, B_ICMP6, B_FRAG6, B_VLAN1, B_VLAN3,
	B_EXT9,
	B_CHAIN,	/* 2 tags, hop-by-hop, first fragment, TCP options */
};

/* Offsets in bases other than the literal frames. */
#define T4_PROTO	23
#define U4_ULEN		38
#define F6_FD		56	/* fragment header: offset and M */
#define F6_ULEN		66

struct mut_case {
	const char *name;
	enum base base;
	uint32_t len;
	int off[2];		/* -1: none */
	uint8_t val[2];
	unsigned int want;
	uint8_t frag, proto, l4_len;
};

#define KEEP { -1, -1 }, { 0 }
#define SET1(o, v) { (o), -1 }, { (v) }
#define SET2(o1, v1, o2, v2) { (o1), (o2) }, { (v1), (v2) }
#define BAD(x) SA_DROP_##x, 0, 0, 0
#define OK(frag, proto, l4_len) SA_DROP_NONE, SA_FRAG_##frag, proto, l4_len

/* ICMP is only an L4 header under its own IP version; elsewhere, and for
 * protocols the parser does not know, the payload stays opaque. */
static const struct mut_case l4_cases[] = {
	{ "icmp", B_ICMP4, 0, KEEP, OK(NONE, 1, ICMP_LEN) },
	{ "icmp6", B_ICMP6, 0, KEEP, OK(NONE, 58, ICMP_LEN) },
	{ "gre", B_TCP4, 0, SET1(T4_PROTO, 47), OK(NONE, 47, 0) },
	{ "sctp", B_TCP4, 0, SET1(T4_PROTO, 132), OK(NONE, 132, 0) },
	{ "icmp6 in v4", B_TCP4, 0, SET1(T4_PROTO, 58), OK(NONE, 58, 0) },
	{ "esp", B_UDP6, 0, SET1(U6_NH, 50), OK(NONE, 50, 0) },
	{ "ah", B_UDP6, 0, SET1(U6_NH, 51), OK(NONE, 51, 0) },
	{ "no next", B_UDP6, 0, SET1(U6_NH, 59), OK(NONE, 59, 0) },
	{ "mobility", B_UDP6, 0, SET1(U6_NH, 135), OK(NONE, 135, 0) },
	{ "icmp in v6", B_UDP6, 0, SET1(U6_NH, 1), OK(NONE, 1, 0) },
};

static const struct mut_case frag_cases[] = {
	{ "mf", B_TCP4, 0, SET1(T4_FRAG, 0x20), OK(FIRST, 6, TCP_LEN) },
	{ "df", B_TCP4, 0, SET1(T4_FRAG, 0x40), OK(NONE, 6, TCP_LEN) },
	{ "reserved flag", B_TCP4, 0, SET1(T4_FRAG, 0x80), OK(NONE, 6, 20) },
	/* No L4 header to check: a zero data offset does not matter. */
	{ "offset", B_TCP4, 0, SET2(T4_FRAG + 1, 185, T4_DOFF, 0),
	  OK(LATER, 6, 0) },
	{ "offset + mf", B_TCP4, 0, SET2(T4_FRAG, 0x20, T4_FRAG + 1, 1),
	  OK(LATER, 6, 0) },
	{ "offset, 3 bytes", B_TCP4, 0, SET2(T4_FRAG, 0x1f, T4_TOTLEN + 1, 23),
	  OK(LATER, 6, 0) },
	/* A first fragment carries only part of the UDP datagram. */
	{ "udp first", B_UDP4, 0, SET2(T4_FRAG, 0x20, U4_ULEN, 0x05),
	  OK(FIRST, 17, UDP_LEN) },
	{ "udp whole", B_UDP4, 0, SET1(U4_ULEN, 0x05), BAD(UDP_BAD_LEN) },
	{ "v6 atomic", B_FRAG6, 0, KEEP, OK(NONE, 17, UDP_LEN) },
	{ "v6 atomic, reserved", B_FRAG6, 0, SET1(F6_FD + 1, 0x06),
	  OK(NONE, 17, UDP_LEN) },
	{ "v6 atomic, udp len", B_FRAG6, 0, SET1(F6_ULEN, 0x05),
	  BAD(UDP_BAD_LEN) },
	{ "v6 m", B_FRAG6, 0, SET2(F6_FD + 1, 0x01, F6_ULEN, 0x05),
	  OK(FIRST, 17, UDP_LEN) },
	{ "v6 offset", B_FRAG6, 0, SET1(F6_FD, 0x05), OK(LATER, 17, 0) },
	{ "v6 offset + m", B_FRAG6, 0, SET2(F6_FD, 0x05, F6_FD + 1, 0x09),
	  OK(LATER, 17, 0) },
	{ "v6 offset, 0 bytes", B_FRAG6, U6_L4 + 8,
	  SET2(F6_FD + 1, 0x08, U6_PLEN + 1, 8), OK(LATER, 17, 0) },
};

static const struct mut_case bad_cases[] = {
	{ "eth short", B_TCP4, 13, KEEP, BAD(L2_TRUNC) },
	{ "tpid only", B_VLAN1, 14, KEEP, BAD(VLAN_TRUNC) },
	{ "tag short", B_VLAN1, 17, KEEP, BAD(VLAN_TRUNC) },
	{ "3 tags", B_VLAN3, 0, KEEP, BAD(VLAN_TOO_MANY) },
	{ "3rd tpid, end", B_VLAN3, 22, KEEP, BAD(VLAN_TOO_MANY) },
	{ "ip4 short", B_TCP4, 33, KEEP, BAD(IP4_TRUNC) },
	{ "ihl past frame", B_TCP4, 40, SET1(T4_VER, 0x4f), BAD(IP4_TRUNC) },
	{ "totlen past", B_TCP4, 0, SET1(T4_TOTLEN + 1, 45), BAD(IP4_TRUNC) },
	{ "totlen 65535", B_TCP4, 0, SET2(T4_TOTLEN, 0xff, T4_TOTLEN + 1, 0xff),
	  BAD(IP4_TRUNC) },
	{ "ip4 ver 6", B_TCP4, 0, SET1(T4_VER, 0x65), BAD(IP4_BAD_VERSION) },
	{ "ip4 ver 0", B_TCP4, 0, SET1(T4_VER, 0x05), BAD(IP4_BAD_VERSION) },
	{ "ihl 4", B_TCP4, 0, SET1(T4_VER, 0x44), BAD(IP4_BAD_IHL) },
	{ "ihl 0", B_TCP4, 0, SET1(T4_VER, 0x40), BAD(IP4_BAD_IHL) },
	{ "totlen 19", B_TCP4, 0, SET1(T4_TOTLEN + 1, 19), BAD(IP4_BAD_LEN) },
	{ "totlen 0", B_TCP4, 0, SET1(T4_TOTLEN + 1, 0), BAD(IP4_BAD_LEN) },
	{ "options > totlen", B_TCP4, 0, SET2(T4_VER, 0x46, T4_TOTLEN + 1, 20),
	  BAD(IP4_BAD_LEN) },
	{ "ip6 short", B_UDP6, 53, KEEP, BAD(IP6_TRUNC) },
	{ "plen past", B_UDP6, 0, SET1(U6_PLEN + 1, 13), BAD(IP6_TRUNC) },
	{ "ip6 ver 4", B_UDP6, 0, SET1(U6_VER, 0x40), BAD(IP6_BAD_VERSION) },
	{ "jumbogram", B_UDP6, 0, SET1(U6_PLEN + 1, 0), BAD(IP6_BAD_LEN) },
	{ "hbh past plen", B_UDP6, 0, SET1(U6_NH, SA_IPPROTO_HOPOPTS),
	  BAD(IP6_EXT_TRUNC) },
	/* Under 8 bytes to ip_end; the 8 bytes of frame after it are only
	 * padding. */
	{ "frag hdr past plen", B_UDP6, 0,
	  SET2(U6_NH, SA_IPPROTO_FRAGMENT, U6_PLEN + 1, 4),
	  BAD(IP6_EXT_TRUNC) },
	{ "rthdr past plen", B_UDP6, 0,
	  SET2(U6_NH, SA_IPPROTO_ROUTING, U6_PLEN + 1, 4), BAD(IP6_EXT_TRUNC) },
	{ "9 ext headers", B_EXT9, 0, KEEP, BAD(IP6_EXT_TOO_MANY) },
	{ "tcp short", B_TCP4, 0, SET1(T4_TOTLEN + 1, 39), BAD(L4_TRUNC) },
	{ "tcp absent", B_TCP4, 0, SET1(T4_TOTLEN + 1, 20), BAD(L4_TRUNC) },
	{ "tcp options past", B_TCP4, 0, SET1(T4_DOFF, 0x70), BAD(L4_TRUNC) },
	{ "doff 15", B_TCP4, 0, SET1(T4_DOFF, 0xf0), BAD(L4_TRUNC) },
	{ "udp short", B_UDP6, 0, SET1(U6_PLEN + 1, 7), BAD(L4_TRUNC) },
	{ "tcp in ip6 short", B_UDP6, 0, SET1(U6_NH, SA_IPPROTO_TCP),
	  BAD(L4_TRUNC) },
	{ "icmp short", B_ICMP4, 0, SET1(T4_TOTLEN + 1, 27), BAD(L4_TRUNC) },
	{ "icmp6 short", B_ICMP6, 0, SET1(U6_PLEN + 1, 7), BAD(L4_TRUNC) },
	{ "first frag short", B_TCP4, 0, SET2(T4_FRAG, 0x20, T4_TOTLEN + 1, 30),
	  BAD(L4_TRUNC) },
	{ "doff 4", B_TCP4, 0, SET1(T4_DOFF, 0x40), BAD(TCP_BAD_DOFF) },
	{ "doff 0", B_TCP4, 0, SET1(T4_DOFF, 0x0f), BAD(TCP_BAD_DOFF) },
	{ "udp len 7", B_UDP6, 0, SET1(U6_ULEN + 1, 7), BAD(UDP_BAD_LEN) },
	{ "udp len 0", B_UDP6, 0, SET1(U6_ULEN + 1, 0), BAD(UDP_BAD_LEN) },
	{ "udp len past", B_UDP6, 0, SET1(U6_ULEN + 1, 13), BAD(UDP_BAD_LEN) },
	{ "udp len 65535", B_UDP6, 0, SET2(U6_ULEN, 0xff, U6_ULEN + 1, 0xff),
	  BAD(UDP_BAD_LEN) },
};

static void
build_base(struct frame *f, enum base base)
{
	switch (base) {
	case B_TCP4:
	case B_UDP6:
		memset(f, 0, sizeof(*f));
		put(f, base == B_TCP4 ? tcp4_frame : udp6_frame,
		    base == B_TCP4 ? sizeof(tcp4_frame) : sizeof(udp6_frame));
		return;
	case B_EXT9:
		build_ext_n(f, SA_IP6_EXT_MAX + 1);
		return;
	case B_UDP4:
		f_ip4(f, 0, SA_IPPROTO_UDP, NULL, 0);
		f_udp(f);
		break;
	case B_ICMP4:
		f_ip4(f, 0, SA_IPPROTO_ICMP, NULL, 0);
		put(f, icmp4_echo, ICMP_LEN);
		break;
	case B_ICMP6:
		f_ip6(f, 0, SA_IPPROTO_ICMPV6);
		put(f, icmp6_echo, ICMP_LEN);
		break;
	case B_FRAG6:
		f_ip6(f, 0, SA_IPPROTO_FRAGMENT);
		f_frag6(f, SA_IPPROTO_UDP, 0);
		f_udp(f);
		break;
	case B_VLAN1:
	case B_VLAN3:
		f_ip4(f, base == B_VLAN1 ? 1 : 3, SA_IPPROTO_TCP, NULL, 0);
		put(f, TCP_HDR, TCP_LEN);
		break;
	case B_CHAIN:
		f_ip6(f, 2, SA_IPPROTO_HOPOPTS);
		f_ext(f, SA_IPPROTO_FRAGMENT, 1);
		f_frag6(f, SA_IPPROTO_TCP, 0x0001);
		put(f, TCP_HDR, TCP_LEN);
		put(f, tcp_opts, sizeof(tcp_opts));
		f->b[f->len - sizeof(tcp_opts) - TCP_LEN + 12] = 0x80;
		break;
	}
	put(f, PAYLOAD, 4);
	f_done(f);
}

static void
run_case(const struct mut_case *c)
{
	struct sa_parsed p;
	struct frame f;
	unsigned int rc, k;

	build_base(&f, c->base);
	for (k = 0; k < 2; k++)
		if (c->off[k] >= 0)
			f.b[c->off[k]] = c->val[k];
	rc = parse_exact(f.b, c->len ? c->len : f.len, &p);
	ck_assert_msg(rc == c->want, "%s: got %u, want %u", c->name, rc,
		      c->want);
	if (rc == SA_DROP_NONE)
		ck_assert_msg(p.frag == c->frag && p.l4_proto == c->proto &&
			      p.l4_hdr_len == c->l4_len,
			      "%s: frag %u proto %u l4_hdr_len %u", c->name,
			      p.frag, p.l4_proto, p.l4_hdr_len);
}

START_TEST(test_l4)
{
	run_case(&l4_cases[_i]);
}
END_TEST

START_TEST(test_frag)
{
	run_case(&frag_cases[_i]);
}
END_TEST

START_TEST(test_malformed)
{
	run_case(&bad_cases[_i]);
}
END_TEST

/* Every reason the parser can give has a row above: the parser's are the
 * ones from L2_TRUNC to UDP_BAD_LEN in sa/mbox.h. */
START_TEST(test_malformed_covers_all)
{
	unsigned int code;
	size_t j;

	for (code = DROP(L2_TRUNC); code <= DROP(UDP_BAD_LEN); code++) {
		bool found = false;

		for (j = 0; j < N_ELEMS(bad_cases); j++)
			found |= bad_cases[j].want == code;
		ck_assert_msg(found, "no case for reason %u", code);
	}
}
END_TEST

/* limits --------------------------------------------------------------- */

static bool
is_trunc(unsigned int rc)
{
	return rc == DROP(L2_TRUNC) || rc == DROP(VLAN_TRUNC) ||
	       rc == DROP(IP4_TRUNC) || rc == DROP(IP6_TRUNC) ||
	       rc == DROP(IP6_EXT_TRUNC) || rc == DROP(L4_TRUNC);
}

START_TEST(test_trunc_every_byte)
{
	struct sa_parsed p;
	struct frame f;
	uint32_t len;

	for (len = 0; len < sizeof(tcp4_frame); len++)
		ck_assert_uint_eq(parse_exact(tcp4_frame, len, &p),
				  len < ETH_LEN ? DROP(L2_TRUNC) :
						  DROP(IP4_TRUNC));
	parse_ok(tcp4_frame, sizeof(tcp4_frame));
	for (len = 0; len < sizeof(udp6_frame); len++)
		ck_assert_uint_eq(parse_exact(udp6_frame, len, &p),
				  len < ETH_LEN ? DROP(L2_TRUNC) :
						  DROP(IP6_TRUNC));
	parse_ok(udp6_frame, sizeof(udp6_frame));

	build_base(&f, B_CHAIN);
	p = parse_ok(f.b, f.len);
	EXPECT(p, IPV6, ETH_LEN + 8, IP6_LEN + 24, SA_IPPROTO_TCP, FIRST, 32);
	ck_assert_uint_eq(sa_l4_payload_len(&p), 4);
	for (len = 0; len < f.len; len++) {
		unsigned int rc = parse_exact(f.b, len, &p);

		ck_assert_msg(is_trunc(rc), "len %u: got %u", len, rc);
	}
}
END_TEST

/* The datagram cut short with its length field agreeing: the inner
 * headers report the truncation until their last byte is there. */
START_TEST(test_trunc_consistent)
{
	uint32_t hdrs = ETH_LEN + IP6_LEN + 8 + 24 + TCP_LEN;
	struct sa_parsed p;
	struct frame f;
	uint32_t len;

	f_ip6(&f, 0, SA_IPPROTO_DSTOPTS);
	f_ext(&f, SA_IPPROTO_ROUTING, 0);
	f_ext(&f, SA_IPPROTO_TCP, 2);
	put(&f, TCP_HDR, TCP_LEN);
	put(&f, PAYLOAD, 4);
	for (len = ETH_LEN + IP6_LEN + 1; len <= f.len; len++) {
		unsigned int rc;

		set16(f.b, U6_PLEN, (uint16_t)(len - ETH_LEN - IP6_LEN));
		rc = parse_exact(f.b, len, &p);
		if (len < hdrs)
			ck_assert_msg(rc == DROP(IP6_EXT_TRUNC) ||
				      rc == DROP(L4_TRUNC),
				      "len %u: got %u", len, rc);
		else
			ck_assert_uint_eq(rc, SA_DROP_NONE);
	}
}
END_TEST

static uint32_t
xorshift32(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random damage to valid frames, biased towards the values that steer the
 * parser: whatever comes back must keep the invariants parse_exact()
 * checks, and no read may leave the frame. */
START_TEST(test_fuzz)
{
	static const uint8_t steer[] = {
		0x81, 0x88, 0xa8, 0x86, 0xdd, 0x08, 0x00, 0x45, 0x4f, 0x60,
		SA_IPPROTO_HOPOPTS, SA_IPPROTO_ROUTING, SA_IPPROTO_FRAGMENT,
		SA_IPPROTO_DSTOPTS, SA_IPPROTO_TCP, SA_IPPROTO_UDP, 0xff,
	};
	uint32_t seed = FUZZ_SEED;
	static const enum base kinds[] = {
		B_TCP4, B_UDP4, B_ICMP4, B_UDP6, B_ICMP6, B_FRAG6, B_CHAIN,
	};
	struct frame bases[N_ELEMS(kinds)];
	unsigned int i, n_ok = 0;

	for (i = 0; i < N_ELEMS(kinds); i++)
		build_base(&bases[i], kinds[i]);

	for (i = 0; i < FUZZ_ROUNDS; i++) {
		struct frame f = bases[xorshift32(&seed) % N_ELEMS(bases)];
		unsigned int k, n_mut = 1 + xorshift32(&seed) % 4;
		struct sa_parsed p;
		uint32_t cut;

		for (k = 0; k < n_mut; k++) {
			uint32_t r = xorshift32(&seed);

			f.b[r % f.len] = (r >> 16) & 1 ?
				steer[(r >> 8) % sizeof(steer)] :
				(uint8_t)(r >> 24);
		}
		cut = xorshift32(&seed) % 16;
		if (cut < 8)
			f.len -= cut;
		n_ok += parse_exact(f.b, f.len, &p) == SA_DROP_NONE;
	}
	/* Some damage is harmless; none passing would mean the mutations
	 * never reach the success paths. */
	ck_assert_uint_gt(n_ok, FUZZ_ROUNDS / 20);
}
END_TEST

Suite *
parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc;

	tc = sa_tcase(s, "core", TEST_TIMEOUT);
	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_vlan_tags);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_eth_padding);
	tcase_add_loop_test(tc, test_l4, 0, N_ELEMS(l4_cases));

	tc = sa_tcase(s, "fragments", TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_frag, 0, N_ELEMS(frag_cases));

	tc = sa_tcase(s, "ipv6-ext", TEST_TIMEOUT);
	tcase_add_test(tc, test_ext_chain);

	tc = sa_tcase(s, "malformed", TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_malformed, 0, N_ELEMS(bad_cases));
	tcase_add_test(tc, test_malformed_covers_all);

	tc = sa_tcase(s, "limits", TEST_TIMEOUT);
	tcase_add_test(tc, test_trunc_every_byte);
	tcase_add_test(tc, test_trunc_consistent);
	tcase_add_test(tc, test_fuzz);

	return s;
}

SA_CHECK_MAIN(parse_suite)
