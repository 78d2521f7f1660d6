/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Firewall middlebox through the shim: each test runs a configuration and
 * a table of steps (a packet with its expected verdict, a tick, or a
 * counter to check). Every packet must get exactly one verdict and leave
 * the frame untouched, whatever the verdict. Its length is tables, one
 * per concern: tests/meson.build builds one check_<module>.c per suite.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#include "check_main.h"
#include "pktbuild.h"
#include "sa_shim.h"

extern const struct sa_middlebox fw_middlebox;

#define NS_PER_S	1000000000ull
#define NS_PER_MS	1000000ull
#define SEC(s)		((uint64_t)(s) * NS_PER_S)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define FRAME_CAP	SA_SHIM_FRAME_MAX

#define IN_A	"10.0.0.1"
#define IN_B	"10.0.0.2"
#define EXT_A	"192.0.2.10"
#define EXT_B	"198.51.100.7"
#define IN6_A	"fd00::1"
#define EXT6_A	"2001:db8::10"

#define SYN	SA_TCP_SYN
#define ACK	SA_TCP_ACK
#define FIN	SA_TCP_FIN
#define RST	SA_TCP_RST
#define PSH	SA_TCP_PSH
#define URG	SA_TCP_URG

enum step_kind {
	STEP_PKT = 0,
	STEP_TICK,
	STEP_STAT,
};

/* ICMP type 0 is echo reply, so "set" needs its own bit. */
#define ICMP_TYPE_SET	0x100u
#define ICMPT(t)	(ICMP_TYPE_SET | (t))

typedef void (*mutate_fn)(uint8_t *buf, size_t *len);

/* A byte, or a big-endian 16-bit value, written over the built frame. */
struct patch {
	uint16_t off;
	uint8_t size;			/* 1 or 2; 0: unused */
	uint16_t val;
};

#define PATCHES_MAX	2

struct step {
	const char *name;
	enum step_kind kind;
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;		/* ICMP: sport is the echo id */
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;
	uint32_t len;
	uint8_t ws;			/* window scale option: shift + 1 */
	uint16_t icmp_type;		/* ICMPT(type) */
	mutate_fn mut;			/* then patch, then cut */
	struct patch patch[PATCHES_MAX];
	uint32_t cut;			/* frame length; 0: as built */
	uint8_t arm;
	uint64_t t;
	enum sa_shim_verdict verdict;
	unsigned int out_arm;
	const char *reason;
	const char *stat;		/* STEP_STAT */
	uint64_t value;
};

#define TCP(s, sp, d, dp) \
	.proto = SA_IPPROTO_TCP, .src = (s), .sport = (sp), .dst = (d), \
	.dport = (dp)
#define UDP(s, sp, d, dp) \
	.proto = SA_IPPROTO_UDP, .src = (s), .sport = (sp), .dst = (d), \
	.dport = (dp)
#define ICMP(s, d, id, type) \
	.proto = SA_IPPROTO_ICMP, .src = (s), .dst = (d), .sport = (id), \
	.icmp_type = ICMPT(type)
#define ICMP6(s, d, id, type) \
	.proto = SA_IPPROTO_ICMPV6, .src = (s), .dst = (d), .sport = (id), \
	.icmp_type = ICMPT(type)
#define FROM_IN		.arm = SA_ARM_INSIDE
#define FROM_OUT	.arm = SA_ARM_OUTSIDE
#define FROM_ANY	.arm = SA_ARM_ANY
#define TO_OUT		.verdict = SA_SHIM_EMIT, .out_arm = SA_ARM_OUTSIDE
#define TO_IN		.verdict = SA_SHIM_EMIT, .out_arm = SA_ARM_INSIDE
#define DROP(r)		.verdict = SA_SHIM_DROP, .reason = (r)
#define AT(s)		.t = SEC(s)
#define TICK(ns)	.kind = STEP_TICK, .t = (ns)
#define STAT(n, v)	.kind = STEP_STAT, .stat = (n), .value = (v)
#define SET8(o, v)	{ .off = (o), .size = 1, .val = (v) }
#define SET16(o, v)	{ .off = (o), .size = 2, .val = (v) }
#define PATCH(...)	.patch = { __VA_ARGS__ }
#define CUT(n)		.cut = (n)

/* ---- frame mutations --------------------------------------------------- */

#define ETHERTYPE_OFF		12
#define VLAN2_PROTO_OFF		(ETH_LEN + 4 + 2)
#define IP4_VER_OFF		ETH_LEN
#define IP4_TOTLEN_OFF		(ETH_LEN + 2)
#define IP4_FRAG_OFF		(ETH_LEN + 6)
#define IP4_PROTO_OFF		(ETH_LEN + 9)
#define IP6_PLEN_OFF		(ETH_LEN + 4)
#define IP6_NH_OFF		(ETH_LEN + 6)
#define IP6_EXT_OFF		(ETH_LEN + IP6_LEN)
#define L4_OFF4			(ETH_LEN + IP4_LEN)
#define TCP_DOFF_OFF4		(L4_OFF4 + 12)
#define UDP_LEN_OFF4		(L4_OFF4 + 4)
#define UDP_HDR_LEN		8
#define IP4_MF			0x2000
#define FRAG_LATER_UNITS	185	/* offset 1480: a second fragment */
#define IP6_FRAG_HDR_LEN	8
#define IP6_FRAG_MF		0x0001
#define IP6_FRAG_UNIT_SHIFT	3
#define IP_PROTO_GRE		47
#define IP6_EXT_CHAIN		10	/* more than SA_IP6_EXT_MAX */
#define IP4_VER5_IHL5		0x55	/* version 5 */
#define IP4_VER4_IHL4		0x44	/* 16-byte header */
#define IP6_AS_VER4		0x40	/* version 4 in an IPv6 frame */
#define IP6_EXT_LEN_48		5	/* (5 + 1) * 8 bytes */
#define TCP_DOFF_16		(4 << 4)
#define UDP_LEN_SHORT		4
#define L4_ROOM_10		10

#define FRAG4_LATER	PATCH(SET16(IP4_FRAG_OFF, FRAG_LATER_UNITS))
#define FRAG4_FIRST	PATCH(SET16(IP4_FRAG_OFF, IP4_MF))
#define AS_GRE		PATCH(SET8(IP4_PROTO_OFF, IP_PROTO_GRE))
#define AS_ARP		PATCH(SET16(ETHERTYPE_OFF, SA_ETHER_TYPE_ARP))

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
apply_patches(const struct step *st, uint8_t *buf, size_t *len)
{
	unsigned int i;

	for (i = 0; i < PATCHES_MAX; i++) {
		const struct patch *pt = &st->patch[i];

		if (pt->size == 1)
			buf[pt->off] = (uint8_t)pt->val;
		else if (pt->size == 2)
			put16(buf + pt->off, pt->val);
	}
	if (st->cut != 0)
		*len = st->cut;
}

/* Moves everything after the IPv6 header back to make room for a fragment
 * header carrying @frag_data. */
static void
insert_frag6(uint8_t *buf, size_t *len, uint16_t frag_data)
{
	uint8_t *fh = buf + IP6_EXT_OFF;

	memmove(fh + IP6_FRAG_HDR_LEN, fh, *len - IP6_EXT_OFF);
	memset(fh, 0, IP6_FRAG_HDR_LEN);
	fh[0] = buf[IP6_NH_OFF];
	put16(fh + 2, frag_data);
	buf[IP6_NH_OFF] = SA_IPPROTO_FRAGMENT;
	put16(buf + IP6_PLEN_OFF,
	      (uint16_t)(get16(buf + IP6_PLEN_OFF) + IP6_FRAG_HDR_LEN));
	*len += IP6_FRAG_HDR_LEN;
}

static void
mut_frag6_later(uint8_t *buf, size_t *len)
{
	insert_frag6(buf, len, FRAG_LATER_UNITS << IP6_FRAG_UNIT_SHIFT);
}

static void
mut_frag6_first(uint8_t *buf, size_t *len)
{
	insert_frag6(buf, len, IP6_FRAG_MF);
}

/* A chain of empty destination-options headers, longer than allowed. */
static void
mut_ip6_ext_many(uint8_t *buf, size_t *len)
{
	unsigned int i;

	(void)len;
	buf[IP6_NH_OFF] = SA_IPPROTO_DSTOPTS;
	for (i = 0; i < IP6_EXT_CHAIN; i++) {
		uint8_t *e = buf + IP6_EXT_OFF + i * IP6_FRAG_HDR_LEN;

		memset(e, 0, IP6_FRAG_HDR_LEN);
		e[0] = SA_IPPROTO_DSTOPTS;
	}
}

/* ---- frames and steps ------------------------------------------------- */

/* The TCP option block a SYN carries for a window scale of @shift. */
#define TCP_OPT_NOP		1
#define TCP_OPT_WSCALE		3
#define TCP_OPT_WSCALE_LEN	3
#define TCP_OPT_BLOCK		4
#define TCP_DOFF_WITH_OPT	((5 + 1) << 4)

static size_t
build_frame(const struct step *st, uint8_t *buf)
{
	uint8_t opt[TCP_OPT_BLOCK] = { TCP_OPT_NOP, TCP_OPT_WSCALE,
				       TCP_OPT_WSCALE_LEN, 0 };
	struct in_addr a4, b4;
	uint8_t a6[16], b6[16];
	struct pb_spec s;
	size_t len, l4;

	if (inet_pton(AF_INET, st->src, &a4) == 1) {
		ck_assert(inet_pton(AF_INET, st->dst, &b4) == 1);
		pb_spec_init4(&s, st->proto, ntohl(a4.s_addr),
			      ntohl(b4.s_addr), st->sport, st->dport);
		l4 = ETH_LEN + IP4_LEN;
	} else {
		ck_assert(inet_pton(AF_INET6, st->src, a6) == 1);
		ck_assert(inet_pton(AF_INET6, st->dst, b6) == 1);
		pb_spec_init6(&s, st->proto, a6, b6, st->sport, st->dport);
		l4 = ETH_LEN + IP6_LEN;
	}
	s.tcp_flags = st->flags;
	s.seq = st->seq;
	s.ack = st->ack;
	if (st->win != 0)
		s.win = st->win;
	s.payload_len = st->len;
	if (st->icmp_type & ICMP_TYPE_SET)
		s.icmp_type = (uint8_t)st->icmp_type;
	if (st->ws != 0) {
		opt[TCP_OPT_BLOCK - 1] = (uint8_t)(st->ws - 1);
		s.payload = opt;
		s.payload_len = sizeof(opt);
	}
	len = pb_build(buf, FRAME_CAP, &s);
	ck_assert_msg(len > 0, "%s: pb_build failed", st->name);
	/* The option block becomes part of the header: no payload left. */
	if (st->ws != 0)
		((struct sa_tcp_hdr *)(buf + l4))->data_off = TCP_DOFF_WITH_OPT;
	if (st->mut != NULL)
		st->mut(buf, &len);
	apply_patches(st, buf, &len);
	return len;
}

static void
run_packet(const struct step *st)
{
	uint8_t buf[FRAME_CAP];
	struct sa_shim_out out;
	size_t len = build_frame(st, buf);

	sa_shim_process(buf, (uint32_t)len, st->arm, st->t, &out);
	ck_assert_msg(out.n_verdicts == 1, "%s: %u verdicts", st->name,
		      out.n_verdicts);
	ck_assert_msg(out.len == len && memcmp(out.frame, buf, len) == 0,
		      "%s: frame modified", st->name);
	if (st->verdict == SA_SHIM_EMIT) {
		ck_assert_msg(out.verdict == SA_SHIM_EMIT,
			      "%s: dropped as %s, expected emit", st->name,
			      sa_shim_reason_name(out.reason));
		ck_assert_msg(out.arm == st->out_arm,
			      "%s: emitted on arm %u, expected %u", st->name,
			      out.arm, st->out_arm);
	} else {
		ck_assert_msg(out.verdict == SA_SHIM_DROP,
			      "%s: emitted, expected drop %s", st->name,
			      st->reason);
		ck_assert_msg(strcmp(sa_shim_reason_name(out.reason),
				     st->reason) == 0,
			      "%s: dropped as %s, expected %s", st->name,
			      sa_shim_reason_name(out.reason), st->reason);
	}
}

static void
run_steps(const struct step *steps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct step *st = &steps[i];

		switch (st->kind) {
		case STEP_PKT:
			run_packet(st);
			break;
		case STEP_TICK:
			sa_shim_tick(st->t);
			break;
		case STEP_STAT:
			ck_assert_msg(sa_shim_stat(st->stat) == st->value,
				      "step %zu: %s = %llu, expected %llu", i,
				      st->stat,
				      (unsigned long long)
				      sa_shim_stat(st->stat),
				      (unsigned long long)st->value);
			break;
		}
	}
}

static void
scenario(const char *ini, const struct step *steps, size_t n)
{
	int rc = sa_shim_init(&fw_middlebox, ini);

	ck_assert_msg(rc == 0, "init failed (%d): %s", rc,
		      sa_shim_last_log());
	run_steps(steps, n);
	sa_shim_fini();
}

#define SCENARIO(ini, steps) scenario((ini), (steps), ARRAY_SIZE(steps))

/* ---- configurations ---------------------------------------------------- */

static const char cfg_outbound[] =
	"[firewall]\n"
	"rule = allow any from 10.0.0.0/8 to any\n"
	"rule = allow any from fd00::/8 to any\n";

/* ---- core: TCP life cycle --------------------------------------------- */

/* Client 10.0.0.1:40000 (ISN 1000) talks to 192.0.2.10:80 (ISN 5000). */
#define C2S	TCP(IN_A, 40000, EXT_A, 80), FROM_IN
#define S2C	TCP(EXT_A, 80, IN_A, 40000), FROM_OUT

static const struct step tcp_handshake[] = {
	{ "syn", C2S, .flags = SYN, .seq = 1000, TO_OUT },
	{ "syn-ack", S2C, .flags = SYN | ACK, .seq = 5000, .ack = 1001,
	  TO_IN },
	{ "ack", C2S, .flags = ACK, .seq = 1001, .ack = 5001, TO_OUT },
};

static const struct step tcp_life[] = {
	{ "syn", C2S, .flags = SYN, .seq = 1000, TO_OUT },
	{ STAT("state_tcp_syn_sent", 1) },
	{ "syn retransmitted", C2S, .flags = SYN, .seq = 1000, AT(1),
	  TO_OUT },
	{ "syn-ack", S2C, .flags = SYN | ACK, .seq = 5000, .ack = 1001,
	  AT(1), TO_IN },
	{ STAT("state_tcp_syn_rcvd", 1) },
	{ STAT("state_tcp_syn_sent", 0) },
	{ "ack", C2S, .flags = ACK, .seq = 1001, .ack = 5001, AT(1),
	  TO_OUT },
	{ STAT("state_tcp_established", 1) },
	{ "data out", C2S, .flags = ACK | PSH, .seq = 1001, .ack = 5001,
	  .len = 100, AT(2), TO_OUT },
	{ "data in", S2C, .flags = ACK | PSH, .seq = 5001, .ack = 1101,
	  .len = 200, AT(2), TO_IN },
	{ "ack out", C2S, .flags = ACK, .seq = 1101, .ack = 5201, AT(2),
	  TO_OUT },
	{ "fin out", C2S, .flags = FIN | ACK, .seq = 1101, .ack = 5201,
	  AT(3), TO_OUT },
	{ STAT("state_tcp_fin_wait", 1) },
	{ "fin in", S2C, .flags = FIN | ACK, .seq = 5201, .ack = 1102,
	  AT(3), TO_IN },
	{ STAT("state_tcp_time_wait", 1) },
	{ "last ack", C2S, .flags = ACK, .seq = 1102, .ack = 5202, AT(3),
	  TO_OUT },
	{ STAT("states", 1) },
	{ STAT("states_created", 1) },
	{ STAT("states_tcp", 1) },
	{ STAT("state_hits", 9) },
	{ STAT("rule_0_hits", 1) },
	{ STAT("tcp", 10) },
	{ STAT("state_tcp_established", 0) },
};

START_TEST(test_tcp_life)
{
	SCENARIO(cfg_outbound, tcp_life);
}
END_TEST

static const struct step tcp_blocked[] = {
	{ "unsolicited syn in", TCP(EXT_A, 5555, IN_A, 22), FROM_OUT,
	  .flags = SYN, .seq = 1, DROP("default-deny") },
	{ "ack without state", TCP(EXT_A, 5555, IN_A, 22), FROM_OUT,
	  .flags = ACK, .seq = 1, .ack = 1, DROP("tcp-no-state") },
	{ "syn-ack without state", TCP(EXT_A, 5555, IN_A, 22), FROM_OUT,
	  .flags = SYN | ACK, .seq = 1, .ack = 1, DROP("tcp-no-state") },
	{ "rst without state", TCP(EXT_A, 5555, IN_A, 22), FROM_OUT,
	  .flags = RST, .seq = 1, DROP("tcp-no-state") },
	{ "fin-ack without state", TCP(IN_A, 5555, EXT_A, 22), FROM_IN,
	  .flags = FIN | ACK, .seq = 1, .ack = 1, DROP("tcp-no-state") },
	{ "ssh in denied", TCP(EXT_B, 5555, IN_B, 22), FROM_OUT,
	  .flags = SYN, .seq = 1, DROP("rule-deny") },
	{ "http in allowed", TCP(EXT_B, 5555, IN_B, 80), FROM_OUT,
	  .flags = SYN, .seq = 1, TO_IN },
	{ STAT("default_denied", 1) },
	{ STAT("drop_default-deny", 1) },
	{ STAT("drop_tcp-no-state", 4) },
	{ STAT("drop_rule-deny", 1) },
	{ STAT("states", 1) },
};

START_TEST(test_tcp_blocked)
{
	SCENARIO("[firewall]\n"
		 "default = deny\n"
		 "rule = deny tcp from any to 10.0.0.2 port 22\n"
		 "rule = allow tcp from any to 10.0.0.2\n"
		 "rule = allow tcp from 10.0.0.0/8 to any\n",
		 tcp_blocked);
}
END_TEST

static const struct step default_allow[] = {
	{ "syn in", TCP(EXT_A, 5555, IN_A, 22), FROM_OUT, .flags = SYN,
	  .seq = 1, TO_IN },
	{ "udp in", UDP(EXT_A, 5555, IN_A, 53), FROM_OUT, TO_IN },
	{ "denied by rule", TCP(EXT_A, 5555, IN_A, 23), FROM_OUT,
	  .flags = SYN, .seq = 1, DROP("rule-deny") },
	{ STAT("default_allowed", 2) },
};

START_TEST(test_default_allow)
{
	SCENARIO("[firewall]\n"
		 "default = allow\n"
		 "rule = deny tcp from any to any port 23\n",
		 default_allow);
}
END_TEST

/* ---- rules ------------------------------------------------------------- */

static const struct step first_match[] = {
	{ "deny before allow", TCP(IN_A, 1000, EXT_A, 22), FROM_IN,
	  .flags = SYN, DROP("rule-deny") },
	{ "allow after deny", TCP(IN_A, 1000, EXT_A, 80), FROM_IN,
	  .flags = SYN, TO_OUT },
	{ "other host", TCP(IN_A, 1000, "192.0.2.11", 22), FROM_IN,
	  .flags = SYN, TO_OUT },
	{ "from-to decide, not the arm", TCP(EXT_B, 1000, EXT_A, 443),
	  FROM_OUT, .flags = SYN, TO_IN },
	{ "dns allowed", UDP(IN_A, 5353, "8.8.8.8", 53), FROM_IN, TO_OUT },
	{ "blocked host", UDP("10.0.0.66", 1000, "8.8.8.8", 53), FROM_IN,
	  DROP("rule-deny") },
	{ "blocked host, earlier rule wins", UDP("10.0.0.66", 5000,
	  "8.8.8.8", 53), FROM_IN, TO_OUT },
	{ "catch-all", UDP(IN_A, 53, "8.8.8.8", 9), FROM_IN, TO_OUT },
	{ STAT("rule_0_hits", 1) },
	{ STAT("rule_1_hits", 3) },
	{ STAT("rule_2_hits", 2) },
	{ STAT("rule_3_hits", 1) },
	{ STAT("rule_4_hits", 1) },
};

START_TEST(test_first_match)
{
	SCENARIO("[firewall]\n"
		 "rule = deny tcp from any to 192.0.2.10 port 22\n"
		 "rule = allow tcp from any to 192.0.2.0/24\n"
		 "rule = allow udp from 10.0.0.0/8 port 1024-65535 to any "
		 "port 53\n"
		 "rule = deny any from 10.0.0.66 to any\n"
		 "rule = allow any from 10.0.0.0/8 to any\n",
		 first_match);
}
END_TEST

static const struct step port_ranges[] = {
	{ "range low", UDP(EXT_A, 7, IN_A, 5000), FROM_OUT, TO_IN },
	{ "range high", UDP(EXT_A, 7, IN_A, 5010), FROM_OUT, TO_IN },
	{ "above range", UDP(EXT_A, 7, IN_A, 5011), FROM_OUT,
	  DROP("default-deny") },
	{ "below range", UDP(EXT_A, 7, IN_A, 4999), FROM_OUT,
	  DROP("default-deny") },
	{ "single port, any source port", TCP(EXT_A, 65535, IN_A, 25),
	  FROM_OUT, .flags = SYN, TO_IN },
	{ "single port miss", TCP(EXT_A, 65535, IN_A, 26), FROM_OUT,
	  .flags = SYN, DROP("default-deny") },
	{ "source port range", TCP(IN_A, 999, EXT_A, 1), FROM_IN,
	  .flags = SYN, DROP("default-deny") },
	{ "source port range hit", TCP(IN_A, 1000, EXT_A, 1), FROM_IN,
	  .flags = SYN, TO_OUT },
	{ "any proto with ports: tcp", TCP(EXT_A, 1, IN_A, 53), FROM_OUT,
	  .flags = SYN, TO_IN },
	{ "any proto with ports: udp", UDP(EXT_A, 1, IN_A, 53), FROM_OUT,
	  TO_IN },
	{ "any proto with ports: not icmp", ICMP(EXT_A, IN_A, 53,
	  SA_ICMP_ECHO_REQUEST), FROM_OUT, DROP("default-deny") },
};

START_TEST(test_port_ranges)
{
	SCENARIO("[firewall]\n"
		 "rule = allow udp from any port any to any port 5000-5010\n"
		 "rule = allow tcp from any to 10.0.0.1 port 25\n"
		 "rule = allow tcp from any port 1000-2000 to any port any\n"
		 "rule = allow any from any to any port 53\n",
		 port_ranges);
}
END_TEST

/* ---- IPv6 -------------------------------------------------------------- */

#define C2S6	TCP(IN6_A, 40000, EXT6_A, 443), FROM_IN
#define S2C6	TCP(EXT6_A, 443, IN6_A, 40000), FROM_OUT

static const struct step ipv6[] = {
	{ "v6 syn", C2S6, .flags = SYN, .seq = 7, TO_OUT },
	{ "v6 syn-ack", S2C6, .flags = SYN | ACK, .seq = 70, .ack = 8,
	  TO_IN },
	{ "v6 ack", C2S6, .flags = ACK, .seq = 8, .ack = 71, TO_OUT },
	{ "v6 data in", S2C6, .flags = ACK, .seq = 71, .ack = 8,
	  .len = 1000, TO_IN },
	{ "v6 far data", S2C6, .flags = ACK, .seq = 71 + 100000, .ack = 8,
	  .len = 10, DROP("tcp-out-of-window") },
	{ STAT("state_tcp_established", 1) },
	{ "v6 unsolicited", TCP(EXT6_A, 1, IN6_A, 22), FROM_OUT,
	  .flags = SYN, DROP("default-deny") },
	{ "v4 not matched by a ::/0 rule", UDP(IN_A, 1, EXT_A, 9),
	  FROM_IN, DROP("default-deny") },
	{ "v4-mapped v6 not matched by v4 rule", TCP("::ffff:10.0.0.1", 1,
	  EXT6_A, 80), FROM_IN, .flags = SYN, DROP("default-deny") },
	{ "v6 echo", ICMP6(IN6_A, EXT6_A, 9, SA_ICMP6_ECHO_REQUEST),
	  FROM_IN, TO_OUT },
	{ "v6 echo reply", ICMP6(EXT6_A, IN6_A, 9, SA_ICMP6_ECHO_REPLY),
	  FROM_OUT, TO_IN },
	{ "v6 echo reply, other id", ICMP6(EXT6_A, IN6_A, 10,
	  SA_ICMP6_ECHO_REPLY), FROM_OUT, DROP("icmp-no-state") },
	{ "neighbour solicitation", ICMP6("fe80::1", "ff02::1:ff00:1", 0,
	  135), FROM_OUT, TO_IN },
	{ "v6 udp", UDP(IN6_A, 5000, EXT6_A, 53), FROM_IN, TO_OUT },
	{ "v6 udp reply", UDP(EXT6_A, 53, IN6_A, 5000), FROM_OUT, TO_IN },
	{ STAT("ipv6", 13) },
	{ STAT("icmp_stateless_passed", 1) },
};

START_TEST(test_ipv6)
{
	SCENARIO("[firewall]\n"
		 "rule = allow tcp from fd00::/8 to any\n"
		 "rule = allow udp from fd00::/8 to 2001:db8::/32 port 53\n"
		 "rule = allow icmp6 from any to any\n"
		 "rule = allow udp from ::/0 to any\n"
		 "rule = allow tcp from 10.0.0.0/8 to any\n",
		 ipv6);
}
END_TEST

/* ---- UDP, ICMP and other protocols ------------------------------------ */

static const struct step udp_icmp[] = {
	{ "udp out", UDP(IN_A, 5000, EXT_A, 53), FROM_IN, TO_OUT },
	{ STAT("state_udp_first", 1) },
	{ "udp out again", UDP(IN_A, 5000, EXT_A, 53), FROM_IN, TO_OUT },
	{ STAT("state_udp_first", 1) },
	{ "udp reply", UDP(EXT_A, 53, IN_A, 5000), FROM_OUT, TO_IN },
	{ STAT("state_udp_multiple", 1) },
	{ "udp other port", UDP(EXT_A, 54, IN_A, 5000), FROM_OUT,
	  DROP("default-deny") },
	{ "echo", ICMP(IN_A, EXT_A, 7, SA_ICMP_ECHO_REQUEST), FROM_IN,
	  TO_OUT },
	{ "echo reply", ICMP(EXT_A, IN_A, 7, SA_ICMP_ECHO_REPLY), FROM_OUT,
	  TO_IN },
	{ "echo again", ICMP(IN_A, EXT_A, 7, SA_ICMP_ECHO_REQUEST), FROM_IN,
	  TO_OUT },
	{ "reply, unknown id", ICMP(EXT_A, IN_A, 8, SA_ICMP_ECHO_REPLY),
	  FROM_OUT, DROP("icmp-no-state") },
	{ "request from the replying side", ICMP(EXT_A, IN_A, 7,
	  SA_ICMP_ECHO_REQUEST), FROM_OUT, DROP("icmp-reply-mismatch") },
	{ "reply from the requesting side", ICMP(IN_A, EXT_A, 7,
	  SA_ICMP_ECHO_REPLY), FROM_IN, DROP("icmp-reply-mismatch") },
	{ "unsolicited echo in", ICMP(EXT_A, IN_A, 9,
	  SA_ICMP_ECHO_REQUEST), FROM_OUT, DROP("default-deny") },
	{ "unreachable in", ICMP(EXT_A, IN_A, 0, SA_ICMP_DEST_UNREACH),
	  FROM_OUT, DROP("icmp-no-state") },
	{ "unreachable out, allowed by rule", ICMP(IN_A, EXT_A, 0,
	  SA_ICMP_DEST_UNREACH), FROM_IN, TO_OUT },
	{ "time exceeded in, denied by rule", ICMP(EXT_B, IN_A, 0,
	  SA_ICMP_TIME_EXCEEDED), FROM_OUT, DROP("rule-deny") },
	{ "gre out", UDP(IN_A, 0, EXT_A, 0), AS_GRE, FROM_IN,
	  TO_OUT },
	{ "gre back", UDP(EXT_A, 0, IN_A, 0), AS_GRE, FROM_OUT,
	  TO_IN },
	{ "gre from elsewhere", UDP(EXT_B, 0, IN_A, 0), AS_GRE,
	  FROM_OUT, DROP("rule-deny") },
	{ STAT("states_udp", 1) },
	{ STAT("states_icmp", 1) },
	{ STAT("states_other", 1) },
	{ STAT("state_icmp_echo", 1) },
	{ STAT("other_proto", 3) },
};

START_TEST(test_udp_icmp)
{
	SCENARIO("[firewall]\n"
		 "rule = deny any from 198.51.100.0/24 to any\n"
		 "rule = allow any from 10.0.0.0/8 to any\n",
		 udp_icmp);
}
END_TEST

/* ---- TCP windows, flags, handshake ------------------------------------ */

static const struct step tcp_window[] = {
	{ "data out", C2S, .flags = ACK | PSH, .seq = 1001, .ack = 5001,
	  .len = 100, TO_OUT },
	{ "retransmission", C2S, .flags = ACK | PSH, .seq = 1001,
	  .ack = 5001, .len = 100, TO_OUT },
	{ "beyond the receiver's window", C2S, .flags = ACK, .seq = 71001,
	  .ack = 5001, .len = 10, DROP("tcp-out-of-window") },
	{ "more than a window back", C2S, .flags = ACK,
	  .seq = 1101u - 70000u, .ack = 5001, .len = 10,
	  DROP("tcp-out-of-window") },
	{ "acks unsent data", C2S, .flags = ACK, .seq = 1101,
	  .ack = 5001 + 100000, DROP("tcp-out-of-window") },
	{ "acks far behind", C2S, .flags = ACK, .seq = 1101,
	  .ack = 5001u - 200000u, DROP("tcp-out-of-window") },
	{ "keepalive with old seq", C2S, .flags = ACK, .seq = 1100,
	  .ack = 5001, TO_OUT },
	{ "window edge", S2C, .flags = ACK, .seq = 5001, .ack = 1101,
	  .len = 1000, TO_IN },
	{ "rst out of window", S2C, .flags = RST, .seq = 5001 + 200000,
	  DROP("tcp-out-of-window") },
	{ STAT("state_tcp_established", 1) },
	{ "rst in window", S2C, .flags = RST | ACK, .seq = 6001,
	  .ack = 1101, TO_IN },
	{ STAT("state_tcp_closed", 1) },
	{ "new syn reopens", C2S, .flags = SYN, .seq = 90000, TO_OUT },
	{ STAT("state_tcp_syn_sent", 1) },
	{ STAT("states_reopened", 1) },
	{ STAT("states", 1) },
	{ "its syn-ack", S2C, .flags = SYN | ACK, .seq = 1, .ack = 90001,
	  TO_IN },
};

START_TEST(test_tcp_window)
{
	ck_assert_int_eq(sa_shim_init(&fw_middlebox, cfg_outbound), 0);
	run_steps(tcp_handshake, ARRAY_SIZE(tcp_handshake));
	run_steps(tcp_window, ARRAY_SIZE(tcp_window));
	sa_shim_fini();
}
END_TEST

/* Windows of 1000 scaled by 2^7 let the server send 128000 bytes ahead. */
static const struct step wscale_on[] = {
	{ "syn ws7", C2S, .flags = SYN, .seq = 1000, .win = 1000, .ws = 8,
	  TO_OUT },
	{ "syn-ack ws7", S2C, .flags = SYN | ACK, .seq = 5000, .ack = 1001,
	  .win = 1000, .ws = 8, TO_IN },
	{ "ack", C2S, .flags = ACK, .seq = 1001, .ack = 5001, .win = 1000,
	  TO_OUT },
	{ "data 100k ahead", S2C, .flags = ACK, .seq = 105001, .ack = 1001,
	  .len = 10, TO_IN },
	{ "data beyond the scaled window", S2C, .flags = ACK,
	  .seq = 5001 + 128000, .ack = 1001, .len = 10,
	  DROP("tcp-out-of-window") },
};

/* Only one SYN has the option: no scaling (RFC 7323). */
static const struct step wscale_off[] = {
	{ "syn", C2S, .flags = SYN, .seq = 1000, .win = 1000, TO_OUT },
	{ "syn-ack ws7", S2C, .flags = SYN | ACK, .seq = 5000, .ack = 1001,
	  .win = 1000, .ws = 8, TO_IN },
	{ "ack", C2S, .flags = ACK, .seq = 1001, .ack = 5001, .win = 1000,
	  TO_OUT },
	{ "data within 1000", S2C, .flags = ACK, .seq = 5001, .ack = 1001,
	  .len = 1000, TO_IN },
	{ "data 100k ahead", S2C, .flags = ACK, .seq = 105001, .ack = 1001,
	  .len = 10, DROP("tcp-out-of-window") },
};

START_TEST(test_tcp_wscale)
{
	SCENARIO(cfg_outbound, wscale_on);
	SCENARIO(cfg_outbound, wscale_off);
}
END_TEST

static const struct step tcp_flags[] = {
	{ "syn+fin", C2S, .flags = SYN | FIN, DROP("tcp-invalid-flags") },
	{ "syn+rst", C2S, .flags = SYN | RST, DROP("tcp-invalid-flags") },
	{ "null", C2S, .flags = 0, DROP("tcp-invalid-flags") },
	{ "fin only", C2S, .flags = FIN, DROP("tcp-invalid-flags") },
	{ "xmas", S2C, .flags = FIN | PSH | URG,
	  DROP("tcp-invalid-flags") },
	{ "psh only", S2C, .flags = PSH, DROP("tcp-invalid-flags") },
	{ STAT("states", 0) },
	{ "syn", C2S, .flags = SYN, .seq = 1000, TO_OUT },
	{ "syn+fin on state", S2C, .flags = SYN | FIN,
	  DROP("tcp-invalid-flags") },
	{ "responder's first is a bare ack", S2C, .flags = ACK, .seq = 5000,
	  .ack = 1001, DROP("tcp-bad-handshake") },
	{ "blind rst without ack", S2C, .flags = RST, .seq = 5000,
	  DROP("tcp-bad-handshake") },
	{ "syn-ack with a wrong ack", S2C, .flags = SYN | ACK, .seq = 5000,
	  .ack = 77, DROP("tcp-bad-handshake") },
	{ "initiator acks nothing yet", C2S, .flags = ACK, .seq = 1001,
	  .ack = 5001, DROP("tcp-out-of-window") },
	{ STAT("state_tcp_syn_sent", 1) },
	{ "refused: rst-ack", S2C, .flags = RST | ACK, .seq = 0,
	  .ack = 1001, TO_IN },
	{ STAT("state_tcp_closed", 1) },
	{ STAT("drop_tcp-invalid-flags", 7) },
};

START_TEST(test_tcp_flags)
{
	SCENARIO(cfg_outbound, tcp_flags);
}
END_TEST

/* A SYN on a finished connection is asked to the rules again. */
static const struct step tcp_reopen[] = {
	{ "rst", S2C, .flags = RST | ACK, .seq = 5001, .ack = 1001, TO_IN },
	{ "reverse syn on the closed tuple", S2C, .flags = SYN, .seq = 1,
	  DROP("default-deny") },
	{ STAT("state_tcp_closed", 1) },
	{ "forward syn", C2S, .flags = SYN, .seq = 3000, TO_OUT },
	{ STAT("states_reopened", 1) },
	{ STAT("states_created", 1) },
};

START_TEST(test_tcp_reopen)
{
	ck_assert_int_eq(sa_shim_init(&fw_middlebox, cfg_outbound), 0);
	run_steps(tcp_handshake, ARRAY_SIZE(tcp_handshake));
	run_steps(tcp_reopen, ARRAY_SIZE(tcp_reopen));
	sa_shim_fini();
}
END_TEST

/* ---- expiry ------------------------------------------------------------ */

static const char cfg_timeouts[] =
	"[firewall]\n"
	"rule = allow any from 10.0.0.0/8 to any\n"
	"tcp_first = 10s\n"
	"tcp_opening = 20s\n"
	"tcp_established = 300s\n"
	"tcp_closing = 40s\n"
	"tcp_finwait = 50s\n"
	"tcp_closed = 60s\n"
	"udp_first = 70s\n"
	"udp_multiple = 80s\n"
	"icmp = 15s\n";

static const struct step to_time_wait[] = {
	{ "syn", C2S, .flags = SYN, .seq = 1000, TO_OUT },
	{ "syn-ack", S2C, .flags = SYN | ACK, .seq = 5000, .ack = 1001,
	  TO_IN },
	{ "ack", C2S, .flags = ACK, .seq = 1001, .ack = 5001, TO_OUT },
	{ "fin", C2S, .flags = FIN | ACK, .seq = 1001, .ack = 5001, TO_OUT },
	{ "fin back", S2C, .flags = FIN | ACK, .seq = 5001, .ack = 1002,
	  TO_IN },
};

static const struct step to_closed[] = {
	{ "syn", C2S, .flags = SYN, .seq = 1000, TO_OUT },
	{ "rst-ack", S2C, .flags = RST | ACK, .ack = 1001, TO_IN },
};

static const struct step to_udp_multiple[] = {
	{ "udp", UDP(IN_A, 1, EXT_A, 2), FROM_IN, TO_OUT },
	{ "udp back", UDP(EXT_A, 2, IN_A, 1), FROM_OUT, TO_IN },
};

static const struct step to_icmp[] = {
	{ "echo", ICMP(IN_A, EXT_A, 1, SA_ICMP_ECHO_REQUEST), FROM_IN,
	  TO_OUT },
};

struct expiry_case {
	const struct step *steps;
	size_t n;
	const char *stat;
	uint64_t timeout_s;
};

static const struct expiry_case expiry_cases[] = {
	{ to_time_wait, 1, "state_tcp_syn_sent", 10 },
	{ to_time_wait, 2, "state_tcp_syn_rcvd", 20 },
	{ to_time_wait, 3, "state_tcp_established", 300 },
	{ to_time_wait, 4, "state_tcp_fin_wait", 40 },
	{ to_time_wait, 5, "state_tcp_time_wait", 50 },
	{ to_closed, 2, "state_tcp_closed", 60 },
	{ to_udp_multiple, 1, "state_udp_first", 70 },
	{ to_udp_multiple, 2, "state_udp_multiple", 80 },
	{ to_icmp, 1, "state_icmp_echo", 15 },
};

/* Each state's timeout: alive 1 ms before it, gone at it. */
START_TEST(test_state_expiry)
{
	const struct expiry_case *ec = &expiry_cases[_i];
	uint64_t deadline = SEC(ec->timeout_s);

	ck_assert_int_eq(sa_shim_init(&fw_middlebox, cfg_timeouts), 0);
	run_steps(ec->steps, ec->n);
	ck_assert_uint_eq(sa_shim_stat(ec->stat), 1);
	sa_shim_tick(deadline - NS_PER_MS);
	ck_assert_uint_eq(sa_shim_stat("states"), 1);
	sa_shim_tick(deadline);
	ck_assert_uint_eq(sa_shim_stat("states"), 0);
	ck_assert_uint_eq(sa_shim_stat(ec->stat), 0);
	ck_assert_uint_eq(sa_shim_stat("states_expired"), 1);
	sa_shim_fini();
}
END_TEST

static const struct step expiry_defaults[] = {
	{ "syn", C2S, .flags = SYN, .seq = 1000, TO_OUT },
	{ "udp", UDP(IN_A, 1, EXT_A, 2), FROM_IN, TO_OUT },
	{ "echo", ICMP(IN_A, EXT_A, 1, SA_ICMP_ECHO_REQUEST), FROM_IN,
	  TO_OUT },
	{ TICK(SEC(20) - NS_PER_MS) },
	{ STAT("states", 3) },
	{ TICK(SEC(20)) },
	{ STAT("states_icmp", 1) },
	{ STAT("states", 2) },
	{ TICK(SEC(30)) },
	{ STAT("states", 1) },
	{ "syn-ack after expiry", S2C, .flags = SYN | ACK, .seq = 5000,
	  .ack = 1001, AT(31), DROP("tcp-no-state") },
	{ "udp refreshed", UDP(IN_A, 1, EXT_A, 2), FROM_IN, AT(59),
	  TO_OUT },
	{ TICK(SEC(60)) },
	{ STAT("states", 1) },
	{ TICK(SEC(119)) },
	{ STAT("states", 0) },
	{ STAT("states_expired", 3) },
};

START_TEST(test_expiry_defaults)
{
	SCENARIO(cfg_outbound, expiry_defaults);
}
END_TEST

/* ---- limits ------------------------------------------------------------ */

static const struct step table_full[] = {
	{ "first", UDP(IN_A, 1, EXT_A, 53), FROM_IN, TO_OUT },
	{ "second", UDP(IN_A, 2, EXT_A, 53), FROM_IN, TO_OUT },
	{ "third", UDP(IN_A, 3, EXT_A, 53), FROM_IN,
	  DROP("state-table-full") },
	{ "syn", C2S, .flags = SYN, .seq = 1, DROP("state-table-full") },
	{ "existing still pass", UDP(EXT_A, 53, IN_A, 2), FROM_OUT, TO_IN },
	{ TICK(SEC(61)) },
	{ "third after expiry", UDP(IN_A, 3, EXT_A, 53), FROM_IN, AT(61),
	  TO_OUT },
	{ STAT("drop_state-table-full", 2) },
	{ STAT("states_created", 3) },
};

START_TEST(test_table_full)
{
	SCENARIO("[firewall]\n"
		 "rule = allow any from 10.0.0.0/8 to any\n"
		 "max_states = 2\n",
		 table_full);
}
END_TEST

/* The table takes all its memory at init: without it, init fails. */
START_TEST(test_state_memory)
{
	sa_shim_state_limit(4096);
	ck_assert_int_eq(sa_shim_init(&fw_middlebox, "[firewall]\n"
				      "max_states = 100000\n"), -ENOMEM);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), ":2: [firewall] "
				     "max_states:"));
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "state memory"));
	sa_shim_state_limit(SIZE_MAX);
	ck_assert_int_eq(sa_shim_init(&fw_middlebox, "[firewall]\n"
				      "max_states = 100000\n"), 0);
	sa_shim_fini();
}
END_TEST

/* ---- fragments, non-IP, arms ------------------------------------------ */

static const struct step frags_drop[] = {
	{ "v4 later fragment", UDP(IN_A, 1, EXT_A, 2), FROM_IN,
	  FRAG4_LATER, DROP("fragment") },
	{ "v6 later fragment", UDP(IN6_A, 1, EXT6_A, 2), FROM_IN,
	  .len = 16, .mut = mut_frag6_later, DROP("fragment") },
	{ "v4 first fragment is filtered", C2S, .flags = SYN, .seq = 1000,
	  FRAG4_FIRST, TO_OUT },
	{ "v6 first fragment is filtered", UDP(IN6_A, 1, EXT6_A, 2),
	  FROM_IN, .len = 16, .mut = mut_frag6_first, TO_OUT },
	{ "v6 first fragment from outside", UDP(EXT6_A, 9, IN6_A, 9),
	  FROM_OUT, .len = 16, .mut = mut_frag6_first,
	  DROP("default-deny") },
	{ STAT("states", 2) },
};

static const struct step frags_pass[] = {
	{ "v4 later fragment out", UDP(IN_A, 1, EXT_A, 2), FROM_IN,
	  FRAG4_LATER, TO_OUT },
	{ "v4 later fragment in", UDP(EXT_A, 1, IN_A, 2), FROM_OUT,
	  FRAG4_LATER, TO_IN },
	{ "v6 later fragment", UDP(EXT6_A, 1, IN6_A, 2), FROM_OUT,
	  .len = 16, .mut = mut_frag6_later, TO_IN },
	{ STAT("fragments_passed", 3) },
	{ STAT("states", 0) },
};

START_TEST(test_fragments)
{
	SCENARIO(cfg_outbound, frags_drop);
	SCENARIO("[firewall]\nfragments = pass\n", frags_pass);
}
END_TEST

static const struct step non_ip_pass[] = {
	{ "arp from inside", UDP(IN_A, 1, EXT_A, 2), FROM_IN,
	  AS_ARP, TO_OUT },
	{ "arp from outside", UDP(IN_A, 1, EXT_A, 2), FROM_OUT,
	  AS_ARP, TO_IN },
	{ "arp one-armed", UDP(IN_A, 1, EXT_A, 2), FROM_ANY,
	  AS_ARP, TO_OUT },
	{ STAT("non_ip_passed", 3) },
};

static const struct step non_ip_drop[] = {
	{ "arp", UDP(IN_A, 1, EXT_A, 2), FROM_IN, AS_ARP,
	  DROP("not-ip") },
	{ STAT("drop_not-ip", 1) },
};

START_TEST(test_non_ip)
{
	SCENARIO("[firewall]\n", non_ip_pass);
	SCENARIO("[firewall]\npass_non_ip = no\n", non_ip_drop);
}
END_TEST

static const struct step one_armed[] = {
	{ "syn from inside", TCP(IN_A, 40000, EXT_A, 80), FROM_ANY,
	  .flags = SYN, .seq = 1000, TO_OUT },
	{ "syn-ack from outside", TCP(EXT_A, 80, IN_A, 40000), FROM_ANY,
	  .flags = SYN | ACK, .seq = 5000, .ack = 1001, TO_IN },
	{ "v6 from inside", UDP(IN6_A, 1, EXT6_A, 2), FROM_ANY, TO_OUT },
	{ "v6 reply", UDP(EXT6_A, 2, IN6_A, 1), FROM_ANY, TO_IN },
	{ "inbound denied", TCP(EXT_A, 1, IN_A, 22), FROM_ANY, .flags = SYN,
	  DROP("default-deny") },
};

/* Two-armed, the arm decides the direction, whatever the addresses. */
static const struct step two_armed[] = {
	{ "inside host on the outside arm", TCP(IN_A, 40000, EXT_A, 80),
	  FROM_OUT, .flags = SYN, .seq = 1000, TO_IN },
	{ "reply on the inside arm", TCP(EXT_A, 80, IN_A, 40000), FROM_IN,
	  .flags = SYN | ACK, .seq = 5000, .ack = 1001, TO_OUT },
};

START_TEST(test_arms)
{
	static const char cfg[] =
		"[firewall]\n"
		"inside = 10.0.0.0/8, fd00::/8\n"
		"rule = allow any from 10.0.0.0/8 to any\n"
		"rule = allow any from fd00::/8 to any\n";

	SCENARIO(cfg, one_armed);
	SCENARIO(cfg, two_armed);
}
END_TEST

/* ---- malformed frames -------------------------------------------------- */

#define V4U	UDP(IN_A, 1, EXT_A, 2)
#define V6U	UDP(IN6_A, 1, EXT6_A, 2)
#define V4SYN	TCP(IN_A, 1, EXT_A, 2), .flags = SYN

static const struct step malformed[] = {
	{ "l2", V4U, CUT(ETH_LEN - 4), DROP("l2-truncated") },
	{ "vlan", V4U, PATCH(SET16(ETHERTYPE_OFF, SA_ETHER_TYPE_VLAN)),
	  CUT(ETH_LEN + 2), DROP("vlan-truncated") },
	{ "ipv4 cut", V4U, CUT(ETH_LEN + IP4_LEN / 2),
	  DROP("ipv4-truncated") },
	{ "ipv4 longer than frame", V4U,
	  PATCH(SET16(IP4_TOTLEN_OFF, IP4_LEN + UDP_HDR_LEN + 1)),
	  DROP("ipv4-truncated") },
	{ "ipv4 version", V4U, PATCH(SET8(IP4_VER_OFF, IP4_VER5_IHL5)),
	  DROP("ipv4-bad-version") },
	{ "ipv4 ihl", V4U, PATCH(SET8(IP4_VER_OFF, IP4_VER4_IHL4)),
	  DROP("ipv4-bad-ihl") },
	{ "ipv4 total length", V4U,
	  PATCH(SET16(IP4_TOTLEN_OFF, IP4_LEN - 1)),
	  DROP("ipv4-bad-total-length") },
	{ "ipv6 cut", V6U, CUT(ETH_LEN + IP6_LEN - 10),
	  DROP("ipv6-truncated") },
	{ "ipv6 version", V6U, PATCH(SET8(ETH_LEN, IP6_AS_VER4)),
	  DROP("ipv6-bad-version") },
	{ "ipv6 payload length", V6U, PATCH(SET16(IP6_PLEN_OFF, 0)),
	  DROP("ipv6-bad-payload-length") },
	{ "ipv6 ext cut", V6U,
	  PATCH(SET8(IP6_NH_OFF, SA_IPPROTO_HOPOPTS),
		SET8(IP6_EXT_OFF + 1, IP6_EXT_LEN_48)),
	  DROP("ipv6-ext-truncated") },
	{ "ipv6 ext chain", V6U, .len = IP6_EXT_CHAIN * IP6_FRAG_HDR_LEN,
	  .mut = mut_ip6_ext_many, DROP("ipv6-ext-too-many") },
	{ "l4 cut", V4SYN,
	  PATCH(SET16(IP4_TOTLEN_OFF, IP4_LEN + L4_ROOM_10)),
	  DROP("l4-truncated") },
	{ "tcp data offset", V4SYN, PATCH(SET8(TCP_DOFF_OFF4, TCP_DOFF_16)),
	  DROP("tcp-bad-data-offset") },
	{ "udp length", V4U, PATCH(SET16(UDP_LEN_OFF4, UDP_LEN_SHORT)),
	  DROP("udp-bad-length") },
};

START_TEST(test_malformed)
{
	const struct step *st = &malformed[_i];
	int rc = sa_shim_init(&fw_middlebox, cfg_outbound);

	ck_assert_int_eq(rc, 0);
	run_steps(st, 1);
	ck_assert_uint_eq(sa_shim_stat("states"), 0);
	sa_shim_fini();
}
END_TEST

/* Two 802.1Q tags are fine; a third is refused. */
START_TEST(test_vlan)
{
	struct sa_shim_out out;
	uint8_t buf[FRAME_CAP];
	struct pb_spec s;
	size_t len;

	ck_assert_int_eq(sa_shim_init(&fw_middlebox, cfg_outbound), 0);
	pb_spec_init4(&s, SA_IPPROTO_UDP, 0x0a000001, 0xc000020a, 1, 2);
	s.n_vlan = 2;
	s.vlan_tci[0] = 100;
	s.vlan_tci[1] = 200;
	len = pb_build(buf, sizeof(buf), &s);
	ck_assert_uint_gt(len, 0);
	sa_shim_process(buf, (uint32_t)len, SA_ARM_INSIDE, 0, &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
	ck_assert_uint_eq(out.arm, SA_ARM_OUTSIDE);
	ck_assert_mem_eq(out.frame, buf, len);
	put16(buf + VLAN2_PROTO_OFF, SA_ETHER_TYPE_VLAN);
	sa_shim_process(buf, (uint32_t)len, SA_ARM_INSIDE, 0, &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_DROP);
	ck_assert_str_eq(sa_shim_reason_name(out.reason),
			 "vlan-too-many-tags");
	sa_shim_fini();
}
END_TEST

/* ---- configuration ----------------------------------------------------- */

struct cfg_case {
	const char *body;	/* after "[firewall]\n" on line 1 */
	unsigned int line;
	const char *key;
	const char *what;	/* in the message */
};

static const struct cfg_case bad_configs[] = {
	{ "bogus = 1\n", 2, "bogus", "unknown key" },
	{ "default = deny\ndefault = allow\n", 3, "default", "more than once" },
	{ "default = maybe\n", 2, "default", "maybe" },
	{ "fragments = yes\n", 2, "fragments", "yes" },
	{ "pass_non_ip = perhaps\n", 2, "pass_non_ip", "" },
	{ "max_states = 0\n", 2, "max_states", "" },
	{ "max_states = lots\n", 2, "max_states", "" },
	{ "inside = 10.0.0.0/33\n", 2, "inside", "prefix" },
	{ "tcp_first = soon\n", 2, "tcp_first", "" },
	{ "tcp_established = 0s\n", 2, "tcp_established", "" },
	{ "icmp = -5\n", 2, "icmp", "" },
	{ "rule = permit tcp from any to any\n", 2, "rule", "permit" },
	{ "rule = allow sctp from any to any\n", 2, "rule", "sctp" },
	{ "rule = allow tcp from any\n", 2, "rule", "ends" },
	{ "rule = allow tcp any to any\n", 2, "rule", "\"from\"" },
	{ "rule = allow tcp from 10.0.0.0/40 to any\n", 2, "rule", "prefix" },
	{ "rule = allow tcp from any to any port 70000\n", 2, "rule",
	  "70000" },
	{ "rule = allow tcp from any to any port 90-80\n", 2, "rule",
	  "90-80" },
	{ "rule = allow tcp from any to any port\n", 2, "rule", "ends" },
	{ "rule = allow tcp from any to any extra\n", 2, "rule", "extra" },
	{ "rule = allow icmp from any port 8 to any\n", 2, "rule", "ports" },
	{ "rule = allow tcp from 10.0.0.0/8 to fd00::/8\n", 2, "rule",
	  "families" },
	{ "rule = allow icmp from fd00::/8 to any\n", 2, "rule", "icmp6" },
	{ "rule = allow icmp6 from any to 10.0.0.0/8\n", 2, "rule", "icmp" },
	{ "rule = allow tcp from any to any\n"
	  "# a comment\n"
	  "rule = deny udp from any to any port 5-\n", 4, "rule", "5-" },
};

START_TEST(test_config_errors)
{
	const struct cfg_case *cc = &bad_configs[_i];
	char ini[512], where[128];
	const char *log;

	snprintf(ini, sizeof(ini), "[firewall]\n%s", cc->body);
	ck_assert_int_eq(sa_shim_init(&fw_middlebox, ini), -EINVAL);
	log = sa_shim_last_log();
	snprintf(where, sizeof(where), ":%u: [firewall] %s: ", cc->line,
		 cc->key);
	ck_assert_msg(strstr(log, where) != NULL && strstr(log, where) != log,
		      "case %d: \"%s\" lacks FILE%s", _i, log, where);
	ck_assert_msg(strstr(log, cc->what) != NULL,
		      "case %d: \"%s\" lacks \"%s\"", _i, log, cc->what);
	sa_shim_fini();
}
END_TEST

START_TEST(test_config_good)
{
	ck_assert_int_eq(sa_shim_init(&fw_middlebox, "[firewall]\n"
		"inside = 10.0.0.0/8 fd00::/8\n"
		"default = allow\n"
		"max_states = 1024\n"
		"pass_non_ip = no\n"
		"fragments = pass\n"
		"tcp_first = 1m\n"
		"tcp_established = 2h\n"
		"udp_first = 500ms\n"
		"rule =   deny\ttcp from 192.0.2.1 port any to any port 1-2\n"
		"rule = allow icmp6 from any to any\n"), 0);
	ck_assert_uint_eq(sa_shim_stat("rule_1_hits"), 0);
	ck_assert_uint_eq(sa_shim_stat("rule_2_hits"), UINT64_MAX);
	ck_assert_uint_eq(sa_shim_stat("states"), 0);
	sa_shim_fini();
	/* No section at all: every default, which denies new connections. */
	ck_assert_int_eq(sa_shim_init(&fw_middlebox, "[other]\nx = 1\n"), 0);
	sa_shim_fini();
}
END_TEST

START_TEST(test_descriptor)
{
	ck_assert_str_eq(fw_middlebox.name, "firewall");
	ck_assert_ptr_nonnull(fw_middlebox.tick);
	ck_assert_ptr_nonnull(fw_middlebox.stats);
	ck_assert_uint_le(fw_middlebox.n_drop_names, SA_DROP_MB_MAX);
	ck_assert_int_eq(sa_shim_init(&fw_middlebox, cfg_outbound), 0);
	ck_assert_str_eq(sa_shim_reason_name(SA_DROP_MB_BASE), "rule-deny");
	sa_shim_fini();
}
END_TEST

#define TIMEOUT_FAST	10
#define TIMEOUT_SLOW	30

Suite *
firewall_suite(void)
{
	Suite *s = suite_create("firewall");
	TCase *tc;

	tc = tcase_create("core");
	tcase_set_timeout(tc, TIMEOUT_FAST);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_tcp_life);
	tcase_add_test(tc, test_tcp_blocked);
	tcase_add_test(tc, test_default_allow);
	tcase_add_test(tc, test_udp_icmp);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_arms);
	suite_add_tcase(s, tc);

	tc = tcase_create("rules");
	tcase_set_timeout(tc, TIMEOUT_FAST);
	tcase_add_test(tc, test_first_match);
	tcase_add_test(tc, test_port_ranges);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp");
	tcase_set_timeout(tc, TIMEOUT_FAST);
	tcase_add_test(tc, test_tcp_window);
	tcase_add_test(tc, test_tcp_wscale);
	tcase_add_test(tc, test_tcp_flags);
	tcase_add_test(tc, test_tcp_reopen);
	suite_add_tcase(s, tc);

	tc = tcase_create("expiry");
	tcase_set_timeout(tc, TIMEOUT_FAST);
	tcase_add_loop_test(tc, test_state_expiry, 0,
			    (int)ARRAY_SIZE(expiry_cases));
	tcase_add_test(tc, test_expiry_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, TIMEOUT_SLOW);
	tcase_add_test(tc, test_table_full);
	tcase_add_test(tc, test_state_memory);
	tcase_add_test(tc, test_fragments);
	tcase_add_test(tc, test_non_ip);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_set_timeout(tc, TIMEOUT_FAST);
	tcase_add_loop_test(tc, test_malformed, 0,
			    (int)ARRAY_SIZE(malformed));
	tcase_add_test(tc, test_vlan);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_set_timeout(tc, TIMEOUT_FAST);
	tcase_add_loop_test(tc, test_config_errors, 0,
			    (int)ARRAY_SIZE(bad_configs));
	tcase_add_test(tc, test_config_good);
	suite_add_tcase(s, tc);

	return s;
}

SA_CHECK_MAIN(firewall_suite)
