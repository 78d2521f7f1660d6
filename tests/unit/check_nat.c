/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nat: table-driven through the shim. A scenario is a configuration and a
 * list of steps (packet with its expected verdict, tick, counter check);
 * every expected output frame is built from scratch by pktbuild with the
 * translated tuple, so the NAT's incremental checksums are compared
 * byte for byte against full computations.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <check.h>

#include <sa/headers.h>
#include <sa/cksum.h>

#include "check_main.h"
#include "sa_shim.h"
#include "pktbuild.h"
#include "step_runner.h"

extern const struct sa_middlebox nat_middlebox;

#define S(n)		((uint64_t)(n) * 1000000000ull)
#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 |	\
			 (uint32_t)(c) << 8 | (uint32_t)(d))
#define H(n)		IP4(10, 0, 0, n)
#define HX(n)		IP4(10, 1, (n) >> 8, (n) & 0xff)
#define R1		IP4(198, 51, 100, 1)
#define R2		IP4(198, 51, 100, 2)
#define P1		IP4(203, 0, 113, 1)
#define PA		IP4(198, 18, 0, 7)
#define PB(n)		IP4(192, 0, 2, n)

#define IN		SA_ARM_INSIDE
#define OUT		SA_ARM_OUTSIDE
#define ANY		SA_ARM_ANY

#define SYN		SA_TCP_SYN
#define ACK		SA_TCP_ACK
#define RST		SA_TCP_RST
#define SYNACK		(SA_TCP_SYN | SA_TCP_ACK)
#define FINACK		(SA_TCP_FIN | SA_TCP_ACK)

#define FRAME_MAX	512
#define MAX_STEPS	40
#define ETH_LEN		14
#define VLAN_TCI	100
#define TF_SEQ		1000
#define TF_ACK		2000
#define TF_PAYLOAD	18
#define ICMP_CODE_HOST	1
#define NAT_N_DROPS	8

enum fkind {
	F_TCP = 1, F_TCP_VLAN, F_UDP, F_UDP_NOCK, F_ECHO_REQ, F_ECHO_REP,
	F_UNREACH, F_GRE, F_FRAG_FIRST, F_FRAG_LATER, F_UDP6, F_ARP, F_COUNT
};

struct scenario {
	const char *name;
	const char *ini;
	struct sr_step steps[MAX_STEPS];
};

/* Frames (struct sr_frame); ICMP echo: sport is the identifier. */
#define FR(k, s, d, sp, dp, fl) \
	{ .kind = (k), .src = (s), .dst = (d), .sport = (sp), .dport = (dp), \
	  .flags = (fl) }
#define TCP(s, d, sp, dp, fl) FR(F_TCP, s, d, sp, dp, fl)
#define TCPV(s, d, sp, dp, fl) FR(F_TCP_VLAN, s, d, sp, dp, fl)
#define UDP(s, d, sp, dp) FR(F_UDP, s, d, sp, dp, 0)
#define UDP0(s, d, sp, dp) FR(F_UDP_NOCK, s, d, sp, dp, 0)
#define ECHO(s, d, id) FR(F_ECHO_REQ, s, d, id, 0, 0)
#define REPLY(s, d, id) FR(F_ECHO_REP, s, d, id, 0, 0)
#define FRAME(k, s, d) FR(k, s, d, 1111, 2222, 0)
#define PKT(time, a, frame, ...) \
	{ .op = SR_PKT, .t = (time), .arm = (a), .f = frame, __VA_ARGS__ }
#define EMIT(a, ...) .out_arm = (a), .x = { __VA_ARGS__ }
#define DROP(name) .drop = (name)
#define TICK(time) { .op = SR_TICK, .t = (time) }
#define STAT(name, v) { .op = SR_STAT, .stat = (name), .value = (v) }

#define INI_BASE "[nat]\ninside = 10.0.0.0/8\npool = 203.0.113.1\n"

static const uint8_t v6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static void
spec_for(const struct sr_frame *f, struct pb_spec *s)
{
	switch (f->kind) {
	case F_TCP:
	case F_TCP_VLAN:
		pb_spec_init4(s, SA_IPPROTO_TCP, f->src, f->dst, f->sport,
			      f->dport);
		s->tcp_flags = f->flags;
		s->seq = TF_SEQ;
		s->ack = (f->flags & ACK) ? TF_ACK : 0;
		if (f->kind == F_TCP_VLAN) {
			s->n_vlan = 1;
			s->vlan_tci[0] = VLAN_TCI;
		}
		break;
	case F_ECHO_REQ:
	case F_ECHO_REP:
	case F_UNREACH:
		pb_spec_init4(s, SA_IPPROTO_ICMP, f->src, f->dst, f->sport, 0);
		s->icmp_seq = 1;
		if (f->kind == F_ECHO_REP)
			s->icmp_type = SA_ICMP_ECHO_REPLY;
		if (f->kind == F_UNREACH) {
			s->icmp_type = SA_ICMP_DEST_UNREACH;
			s->icmp_code = ICMP_CODE_HOST;
			s->icmp_id = 0;
		}
		break;
	case F_UDP6:
		pb_spec_init6(s, SA_IPPROTO_UDP, v6_a, v6_b, f->sport,
			      f->dport);
		break;
	default:
		pb_spec_init4(s, SA_IPPROTO_UDP, f->src, f->dst, f->sport,
			      f->dport);
		break;
	}
	s->payload_len = TF_PAYLOAD;
}

/* Builds @p f; the kinds pktbuild has no knob for are patched after. */
static size_t
build(const struct sr_frame *f, uint8_t *buf)
{
	static const enum sr_patch patch[F_COUNT] = {
		[F_UDP_NOCK] = SR_PATCH_UDP_NO_CKSUM,
		[F_GRE] = SR_PATCH_GRE,
		[F_FRAG_FIRST] = SR_PATCH_FRAG_FIRST,
		[F_FRAG_LATER] = SR_PATCH_FRAG_LATER,
	};
	struct pb_spec s;
	size_t len;

	if (f->kind == F_ARP)
		return sr_build_arp(buf);
	spec_for(f, &s);
	len = pb_build(buf, FRAME_MAX, &s);
	ck_assert_uint_gt(len, 0);
	sr_patch_ip4(buf, patch[f->kind]);
	return len;
}

static const struct sr_ops nat_steps = { build, SR_ARM_STEP };

static const struct scenario scenarios[] = {
	{ "tcp_translation", INI_BASE, {
		PKT(S(1), IN, TCP(H(1), R1, 4000, 80, SYN), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, TCP(R1, P1, 80, 4000, SYNACK), EMIT(IN, .dst = H(1))),
		PKT(S(1), IN, TCP(H(1), R1, 4000, 80, ACK), EMIT(OUT, .src = P1)),
		/* collision: the next port up, and back to the right host */
		PKT(S(2), IN, TCP(H(2), R1, 4000, 80, SYN), EMIT(OUT, .src = P1, .sport = 4001)),
		PKT(S(2), OUT, TCP(R1, P1, 80, 4001, SYNACK), EMIT(IN, .dst = H(2), .dport = 4000)),
		PKT(S(2), OUT, TCP(R1, P1, 80, 4000, ACK), EMIT(IN, .dst = H(1))),
		/* below port_min: the scan starts at port_min */
		PKT(S(3), IN, TCP(H(1), R2, 80, 443, SYN), EMIT(OUT, .src = P1, .sport = 1024)),
		PKT(S(3), OUT, TCP(R2, P1, 443, 1024, SYNACK), EMIT(IN, .dst = H(1), .dport = 80)),
		PKT(S(3), IN, TCPV(H(3), R1, 5555, 80, SYN), EMIT(OUT, .src = P1)),
		PKT(S(3), OUT, TCPV(R1, P1, 80, 5555, SYNACK), EMIT(IN, .dst = H(3))),
		STAT("sessions_created", 4), STAT("tcp_sessions_created", 4),
		STAT("sessions_active", 4), STAT("in2out_packets", 5),
		STAT("out2in_packets", 5), STAT("tcp_packets", 10),
	} },
	{ "udp_translation", INI_BASE, {
		PKT(S(1), IN, UDP(H(1), R1, 5353, 53), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, UDP(R1, P1, 53, 5353), EMIT(IN, .dst = H(1))),
		PKT(S(1), IN, UDP(H(2), R1, 5353, 53), EMIT(OUT, .src = P1, .sport = 5354)),
		PKT(S(1), OUT, UDP(R1, P1, 53, 5354), EMIT(IN, .dst = H(2), .dport = 5353)),
		/* a zero UDP checksum means none and stays zero */
		PKT(S(1), IN, UDP0(H(1), R2, 6000, 7000), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, UDP0(R2, P1, 7000, 6000), EMIT(IN, .dst = H(1))),
		PKT(S(1), IN, UDP0(H(2), R2, 6000, 7000), EMIT(OUT, .src = P1, .sport = 6001)),
		/* the mapping is stable */
		PKT(S(2), IN, UDP(H(1), R1, 5353, 53), EMIT(OUT, .src = P1)),
		PKT(S(2), IN, UDP(H(2), R1, 5353, 53), EMIT(OUT, .src = P1, .sport = 5354)),
		STAT("udp_sessions_created", 4), STAT("udp_packets", 9),
		STAT("in2out_bytes", 6 * (20 + 8 + TF_PAYLOAD)),
	} },
	{ "icmp_echo", INI_BASE, {
		PKT(S(1), IN, ECHO(H(1), R1, 0x1234), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, REPLY(R1, P1, 0x1234), EMIT(IN, .dst = H(1))),
		PKT(S(1), IN, ECHO(H(2), R1, 0x1234), EMIT(OUT, .src = P1, .sport = 0x1235)),
		PKT(S(1), OUT, REPLY(R1, P1, 0x1235), EMIT(IN, .dst = H(2), .sport = 0x1234)),
		PKT(S(1), IN, ECHO(H(1), R2, 7), EMIT(OUT, .src = P1, .sport = 1024)),
		PKT(S(1), OUT, REPLY(R2, P1, 1024), EMIT(IN, .dst = H(1), .sport = 7)),
		PKT(S(1), OUT, REPLY(R1, P1, 0x9999), DROP("no-session")),
		PKT(S(1), OUT, ECHO(R1, P1, 0x1234), DROP("no-session")),
		PKT(S(1), OUT, ECHO(R1, R2, 0x1234), DROP("not-for-pool")),
		PKT(S(1), IN, REPLY(H(1), R1, 0x1234), DROP("icmp-unsupported")),
		PKT(S(1), IN, FRAME(F_UNREACH, H(1), R1), DROP("icmp-unsupported")),
		PKT(S(1), OUT, FRAME(F_UNREACH, R1, P1), DROP("icmp-unsupported")),
		STAT("icmp_sessions_created", 3), STAT("icmp_packets", 6),
	} },
	{ "port_range", "[nat]\npool = 203.0.113.1\nport_min = 2000\nport_max = 2003\n", {
		PKT(S(1), IN, UDP(H(1), R1, 2001, 53), EMIT(OUT, .src = P1)),
		PKT(S(1), IN, UDP(H(2), R1, 2003, 53), EMIT(OUT, .src = P1)),
		/* wraps from port_max to port_min */
		PKT(S(1), IN, UDP(H(3), R1, 2003, 53), EMIT(OUT, .src = P1, .sport = 2000)),
		/* above the range: from port_min up */
		PKT(S(1), IN, UDP(H(4), R1, 9000, 53), EMIT(OUT, .src = P1, .sport = 2002)),
		PKT(S(1), IN, UDP(H(5), R1, 1000, 53), DROP("pool-exhausted")),
		/* ports are per protocol */
		PKT(S(1), IN, TCP(H(5), R1, 1000, 80, SYN), EMIT(OUT, .src = P1, .sport = 2000)),
		PKT(S(1), IN, UDP(H(1), R1, 2001, 53), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, UDP(R1, P1, 53, 2002), EMIT(IN, .dst = H(4), .dport = 9000)),
		STAT("sessions_active", 5),
	} },
	{ "paired_pooling",
	  "[nat]\npool = 198.18.0.7, 192.0.2.0/30\n", {
		/* pool[ntohl(addr) % 5], pool in listed order */
		PKT(S(1), IN, UDP(H(5), R1, 4000, 53), EMIT(OUT, .src = PA)),
		PKT(S(1), IN, UDP(H(1), R1, 4000, 53), EMIT(OUT, .src = PB(0))),
		PKT(S(1), IN, UDP(H(2), R1, 4000, 53), EMIT(OUT, .src = PB(1))),
		PKT(S(1), IN, UDP(H(4), R1, 4000, 53), EMIT(OUT, .src = PB(3))),
		PKT(S(1), IN, UDP(H(10), R1, 4000, 53), EMIT(OUT, .src = PA, .sport = 4001)),
		PKT(S(1), IN, TCP(H(1), R2, 4000, 80, SYN), EMIT(OUT, .src = PB(0))),
		PKT(S(1), IN, ECHO(H(1), R2, 4000), EMIT(OUT, .src = PB(0))),
		PKT(S(1), IN, UDP(H(1), R2, 4000, 53), EMIT(OUT, .src = PB(0), .sport = 4001)),
		PKT(S(1), OUT, UDP(R1, PB(3), 53, 4000), EMIT(IN, .dst = H(4))),
		PKT(S(1), OUT, UDP(R1, PA, 53, 4001), EMIT(IN, .dst = H(10), .dport = 4000)),
		PKT(S(1), OUT, UDP(R1, PB(2), 53, 4000), DROP("no-session")),
		PKT(S(1), OUT, UDP(R1, PB(4), 53, 4000), DROP("not-for-pool")),
	} },
	{ "unsolicited", INI_BASE, {
		PKT(S(1), OUT, UDP(R1, P1, 53, 5353), DROP("no-session")),
		PKT(S(1), OUT, TCP(R1, P1, 80, 40000, SYN), DROP("no-session")),
		PKT(S(1), OUT, UDP(R1, IP4(8, 8, 8, 8), 53, 5353), DROP("not-for-pool")),
		PKT(S(1), IN, UDP(H(1), R1, 5353, 53), EMIT(OUT, .src = P1)),
		/* filtering is address and port dependent */
		PKT(S(1), OUT, UDP(R1, P1, 54, 5353), DROP("no-session")),
		PKT(S(1), OUT, UDP(R2, P1, 53, 5353), DROP("no-session")),
		PKT(S(1), OUT, TCP(R1, P1, 53, 5353, ACK), DROP("no-session")),
		PKT(S(1), OUT, FRAME(F_GRE, R1, P1), DROP("proto-unsupported")),
		PKT(S(1), OUT, FRAME(F_GRE, R1, R2), DROP("not-for-pool")),
		PKT(S(1), OUT, FRAME(F_FRAG_FIRST, R1, P1), DROP("fragment")),
		PKT(S(1), OUT, FRAME(F_FRAG_LATER, R1, P1), DROP("fragment")),
		PKT(S(1), OUT, UDP(R1, P1, 53, 5353), EMIT(IN, .dst = H(1))),
		STAT("sessions_created", 1),
	} },
	{ "fragments_and_protocols", INI_BASE, {
		PKT(S(1), IN, FRAME(F_FRAG_FIRST, H(1), R1), DROP("fragment")),
		PKT(S(1), IN, FRAME(F_FRAG_LATER, H(1), R1), DROP("fragment")),
		PKT(S(1), IN, FRAME(F_GRE, H(1), R1), DROP("proto-unsupported")),
		/* between inside hosts anything passes, untouched */
		PKT(S(1), IN, FRAME(F_FRAG_LATER, H(1), H(2)), EMIT(IN)),
		PKT(S(1), IN, FRAME(F_GRE, H(1), H(2)), EMIT(IN)),
		PKT(S(1), IN, UDP(H(1), H(2), 5000, 53), EMIT(IN)),
		STAT("forwarded_inside_to_inside", 3), STAT("sessions_created", 0),
	} },
	{ "one_armed", INI_BASE, {
		PKT(S(1), ANY, UDP(H(1), H(2), 5000, 53), EMIT(IN)),
		PKT(S(1), ANY, UDP(H(1), R1, 5000, 53), EMIT(OUT, .src = P1)),
		PKT(S(1), ANY, UDP(R1, P1, 53, 5000), EMIT(IN, .dst = H(1))),
		PKT(S(1), ANY, UDP(R1, R2, 53, 5000), DROP("not-for-pool")),
		PKT(S(1), ANY, FRAME(F_UDP6, 0, 0), EMIT(IN)),
		PKT(S(1), ANY, FRAME(F_ARP, 0, 0), EMIT(OUT)),
	} },
	{ "table_full", "[nat]\npool = 203.0.113.1\nmax_sessions = 2\n", {
		PKT(S(1), IN, UDP(H(1), R1, 5000, 53), EMIT(OUT, .src = P1)),
		PKT(S(1), IN, UDP(H(2), R1, 5000, 53), EMIT(OUT, .src = P1, .sport = 5001)),
		PKT(S(1), IN, UDP(H(3), R1, 5000, 53), DROP("session-table-full")),
		PKT(S(1), IN, UDP(H(1), R1, 5000, 53), EMIT(OUT, .src = P1)),
		STAT("sessions_active", 2),
		TICK(S(301)),
		PKT(S(302), IN, UDP(H(3), R1, 5000, 53), EMIT(OUT, .src = P1)),
	} },
	{ "udp_expiry", INI_BASE, {
		PKT(S(1), IN, UDP(H(1), R1, 5000, 53), EMIT(OUT, .src = P1)),
		PKT(S(1), IN, UDP(H(2), R1, 5000, 53), EMIT(OUT, .src = P1, .sport = 5001)),
		TICK(S(301) - 1), STAT("sessions_active", 2),
		TICK(S(301)), STAT("sessions_active", 0), STAT("sessions_expired", 2),
		PKT(S(302), OUT, UDP(R1, P1, 53, 5000), DROP("no-session")),
		/* the port is free again */
		PKT(S(302), IN, UDP(H(2), R1, 5000, 53), EMIT(OUT, .src = P1)),
		/* inbound traffic refreshes the session too */
		PKT(S(400), OUT, UDP(R1, P1, 53, 5000), EMIT(IN, .dst = H(2))),
		TICK(S(602)), STAT("sessions_active", 1),
		TICK(S(700)), STAT("sessions_active", 0),
		PKT(S(701), IN, ECHO(H(1), R1, 9), EMIT(OUT, .src = P1, .sport = 1024)),
		TICK(S(761) - 1), STAT("sessions_active", 1),
		TICK(S(761)), STAT("sessions_active", 0),
	} },
	{ "tcp_expiry", INI_BASE, {
		/* 1: established */
		PKT(S(1), IN, TCP(H(1), R1, 3001, 80, SYN), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, TCP(R1, P1, 80, 3001, SYNACK), EMIT(IN, .dst = H(1))),
		PKT(S(1), IN, TCP(H(1), R1, 3001, 80, ACK), EMIT(OUT, .src = P1)),
		/* 2: never established */
		PKT(S(1), IN, TCP(H(2), R1, 3002, 80, SYN), EMIT(OUT, .src = P1)),
		/* 3: FIN both ways */
		PKT(S(1), IN, TCP(H(3), R1, 3003, 80, SYN), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, TCP(R1, P1, 80, 3003, SYNACK), EMIT(IN, .dst = H(3))),
		PKT(S(1), IN, TCP(H(3), R1, 3003, 80, ACK), EMIT(OUT, .src = P1)),
		PKT(S(1), IN, TCP(H(3), R1, 3003, 80, FINACK), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, TCP(R1, P1, 80, 3003, FINACK), EMIT(IN, .dst = H(3))),
		/* 4: FIN one way only: still established */
		PKT(S(1), IN, TCP(H(4), R1, 3004, 80, SYN), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, TCP(R1, P1, 80, 3004, SYNACK), EMIT(IN, .dst = H(4))),
		PKT(S(1), IN, TCP(H(4), R1, 3004, 80, FINACK), EMIT(OUT, .src = P1)),
		/* 5: RST */
		PKT(S(1), IN, TCP(H(5), R1, 3005, 80, SYN), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, TCP(R1, P1, 80, 3005, SYNACK), EMIT(IN, .dst = H(5))),
		PKT(S(1), IN, TCP(H(5), R1, 3005, 80, ACK), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, TCP(R1, P1, 80, 3005, RST), EMIT(IN, .dst = H(5))),
		TICK(S(241) - 1), STAT("sessions_active", 5),
		TICK(S(241)), STAT("sessions_active", 2), STAT("sessions_expired", 3),
		PKT(S(241), OUT, TCP(R1, P1, 80, 3002, SYNACK), DROP("no-session")),
		TICK(S(7441) - 1), STAT("sessions_active", 2),
		TICK(S(7441)), STAT("sessions_active", 0),
	} },
	{ "tcp_reuse_after_close", INI_BASE, {
		PKT(S(1), IN, TCP(H(1), R1, 3001, 80, SYN), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, TCP(R1, P1, 80, 3001, SYNACK), EMIT(IN, .dst = H(1))),
		PKT(S(1), IN, TCP(H(1), R1, 3001, 80, FINACK), EMIT(OUT, .src = P1)),
		PKT(S(1), OUT, TCP(R1, P1, 80, 3001, FINACK), EMIT(IN, .dst = H(1))),
		/* a new connection on the same tuple starts tracking over */
		PKT(S(2), IN, TCP(H(1), R1, 3001, 80, SYN), EMIT(OUT, .src = P1)),
		PKT(S(2), OUT, TCP(R1, P1, 80, 3001, SYNACK), EMIT(IN, .dst = H(1))),
		PKT(S(2), IN, TCP(H(1), R1, 3001, 80, ACK), EMIT(OUT, .src = P1)),
		TICK(S(243)), STAT("sessions_active", 1),
		TICK(S(7442)), STAT("sessions_active", 0),
	} },
	{ "ipv6_and_non_ip", INI_BASE, {
		PKT(S(1), IN, FRAME(F_UDP6, 0, 0), EMIT(OUT)),
		PKT(S(1), OUT, FRAME(F_UDP6, 0, 0), EMIT(IN)),
		PKT(S(1), IN, FRAME(F_ARP, 0, 0), EMIT(OUT)),
		PKT(S(1), OUT, FRAME(F_ARP, 0, 0), EMIT(IN)),
		STAT("forwarded_ipv6", 2), STAT("forwarded_non_ip", 2),
	} },
	{ "ipv6_drop", "[nat]\npool = 203.0.113.1\nipv6 = drop\n", {
		PKT(S(1), IN, FRAME(F_UDP6, 0, 0), DROP("ipv6-disabled")),
		PKT(S(1), OUT, FRAME(F_UDP6, 0, 0), DROP("ipv6-disabled")),
		PKT(S(1), IN, FRAME(F_ARP, 0, 0), EMIT(OUT)),
	} },
};

#define N_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

START_TEST(test_scenario)
{
	const struct scenario *sc = &scenarios[_i];

	sr_expect_init(sc->name, sa_shim_init(&nat_middlebox, sc->ini));
	sr_run_steps(&nat_steps, sc->name, sc->steps, MAX_STEPS);
	sa_shim_fini();
}
END_TEST

START_TEST(test_descriptor)
{
	unsigned int i;

	ck_assert_str_eq(nat_middlebox.name, "nat");
	ck_assert_ptr_nonnull(nat_middlebox.process);
	ck_assert_ptr_nonnull(nat_middlebox.tick);
	ck_assert_uint_eq(nat_middlebox.n_drop_names, NAT_N_DROPS);
	ck_assert_int_eq(sa_shim_init(&nat_middlebox, INI_BASE), 0);
	for (i = 0; i < nat_middlebox.n_drop_names; i++)
		ck_assert_str_eq(sa_shim_reason_name(SA_DROP_MB_BASE + i),
				 nat_middlebox.drop_names[i]);
	ck_assert_uint_eq(sa_shim_stat("sessions_active"), 0);
	ck_assert_uint_eq(sa_shim_stat("in2out_packets"), 0);
	sa_shim_fini();
}
END_TEST

#define IP4_L4_OFF	(ETH_LEN + 20)

/* Malformed frames: the shared cases (step_runner), and an ICMP one. */
static const struct sr_malformed nat_icmp_cut = {
	"icmp cut", SR_BASE_ECHO4, SR_MUT_SET16, ETH_LEN + 2, 24, 0, 0,
	SA_DROP_L4_TRUNC,
};

START_TEST(test_malformed)
{
	static const enum fkind kinds[] = {
		[SR_BASE_UDP4] = F_UDP, [SR_BASE_TCP4] = F_TCP,
		[SR_BASE_TCP4_VLAN] = F_TCP_VLAN, [SR_BASE_UDP6] = F_UDP6,
		[SR_BASE_ECHO4] = F_ECHO_REQ,
	};
	const struct sr_malformed *m = (unsigned int)_i < sr_n_malformed ?
				       &sr_malformed[_i] : &nat_icmp_cut;
	struct sr_frame f = FRAME(kinds[m->base], H(1), R1);
	uint8_t buf[FRAME_MAX];

	ck_assert_int_eq(sa_shim_init(&nat_middlebox, INI_BASE), 0);
	sr_expect_malformed(m, buf, build(&f, buf), S(1));
	ck_assert_uint_eq(sa_shim_stat("sessions_created"), 0);
	sa_shim_fini();
}
END_TEST

#define FUZZ_ROUNDS	3000
#define FUZZ_FLIPS	4

/* Every truncation and random corruption of frames that hit live
 * sessions: exactly one verdict, the frame never grows, no crash. */
START_TEST(test_truncated_and_corrupted)
{
	static const struct sr_step seeds[] = {
		PKT(S(1), IN, TCP(H(1), R1, 40000, 80, SYN), EMIT(OUT)),
		PKT(S(1), OUT, TCP(R1, P1, 80, 40000, SYNACK), EMIT(IN)),
		PKT(S(1), IN, UDP(H(1), R1, 5000, 53), EMIT(OUT)),
		PKT(S(1), OUT, UDP(R1, P1, 53, 5000), EMIT(IN)),
		PKT(S(1), IN, ECHO(H(1), R1, 77), EMIT(OUT)),
		PKT(S(1), OUT, REPLY(R1, P1, 77), EMIT(IN)),
		PKT(S(1), IN, TCPV(H(2), R1, 40000, 80, SYN), EMIT(OUT)),
		PKT(S(1), IN, FRAME(F_UDP6, 0, 0), EMIT(OUT)),
	};
	uint8_t base[FRAME_MAX], buf[FRAME_MAX];
	struct sa_shim_out out;
	uint32_t rng = 12345, i, k, len;
	size_t n;

	ck_assert_int_eq(sa_shim_init(&nat_middlebox, INI_BASE), 0);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		n = build(&seeds[i].f, base);
		for (len = 0; len <= n; len++) {
			sa_shim_process(base, len, seeds[i].arm, S(1), &out);
			ck_assert_uint_eq(out.n_verdicts, 1);
			ck_assert_uint_le(out.len, len);
		}
		for (k = 0; k < FUZZ_ROUNDS; k++) {
			len = sr_corrupt(buf, base, n, FUZZ_FLIPS, &rng);
			sa_shim_process(buf, len, seeds[i].arm, S(1), &out);
			ck_assert_uint_eq(out.n_verdicts, 1);
			ck_assert_uint_le(out.len, len);
		}
	}
	sa_shim_fini();
}
END_TEST

struct bad_config {
	const char *ini;
	const char *key;	/* must appear in the message */
	unsigned int line;	/* FILE:LINE of the message */
};

static const struct bad_config bad_configs[] = {
	{ "[nat]\ninside = 10.0.0.0/8\n", "pool", 1 },
	{ "[nat]\npool = 203.0.113.1\npol = 203.0.113.2\n", "pol", 3 },
	{ "[nat]\npool = 203.0.113\n", "pool", 2 },
	{ "[nat]\npool = 2001:db8::1\n", "pool", 2 },
	{ "[nat]\npool = 10.0.0.0/23\n", "pool", 2 },
	{ "[nat]\npool = 10.0.0.0/24, 10.1.0.0/31\n", "pool", 2 },
	{ "[nat]\npool = 203.0.113.1 203.0.113.0/30\n", "pool", 2 },
	{ "[nat]\npool = 224.0.0.1\n", "pool", 2 },
	{ "[nat]\npool = 0.1.2.3\n", "pool", 2 },
	{ "[nat]\npool = , ,\n", "pool", 2 },
	{ "[nat]\npool = 10.0.0.1/24\n", "pool", 2 },
	{ "[nat]\npool = 203.0.113.1\ninside = 10.0.0.0/33\n", "inside", 3 },
	{ "[nat]\npool = 203.0.113.1\nport_min = 0\n", "port_min", 3 },
	{ "[nat]\npool = 203.0.113.1\nport_max = 65536\n", "port_max", 3 },
	{ "[nat]\npool = 203.0.113.1\nport_min = 5000\nport_max = 4000\n",
	  "port_min", 3 },
	{ "[nat]\npool = 203.0.113.1\nport_max = 1000\n", "port_max", 3 },
	{ "[nat]\npool = 203.0.113.1\nmax_sessions = 0\n", "max_sessions", 3 },
	{ "[nat]\npool = 203.0.113.1\nmax_sessions = 10x\n", "max_sessions", 3 },
	{ "[nat]\npool = 203.0.113.1\nmax_sessions = 99999999999\n",
	  "max_sessions", 3 },
	{ "[nat]\npool = 203.0.113.1\ntcp_established_timeout = 2 weeks\n",
	  "tcp_established_timeout", 3 },
	{ "[nat]\npool = 203.0.113.1\ntcp_transitory_timeout = 0\n",
	  "tcp_transitory_timeout", 3 },
	{ "[nat]\npool = 203.0.113.1\nudp_timeout = -5\n", "udp_timeout", 3 },
	{ "[nat]\npool = 203.0.113.1\nicmp_timeout = 9999h\n", "icmp_timeout", 3 },
	{ "[nat]\npool = 203.0.113.1\nipv6 = maybe\n", "ipv6", 3 },
	{ "[nat]\npool = 203.0.113.1\nport_min = 2000\nport_min = 3000\n",
	  "port_min", 4 },
};

START_TEST(test_bad_config)
{
	const struct bad_config *b = &bad_configs[_i];

	ck_assert_int_eq(sa_shim_init(&nat_middlebox, b->ini), -EINVAL);
	sr_expect_config_error(_i, "nat", b->line, b->key);
	sa_shim_fini();
}
END_TEST

static const char *const good_configs[] = {
	"[nat]\npool = 203.0.113.0/24\n",
	"[nat]\npool = 203.0.113.1,\t203.0.113.2  198.18.0.0/31\n"
	"inside = 10.0.0.0/8, 172.16.0.0/12\n",
	"[nat]\npool = 203.0.113.1\nport_min = 0x400\nport_max = 1024\n"
	"tcp_established_timeout = 2h\ntcp_transitory_timeout = 4m\n"
	"udp_timeout = 300\nicmp_timeout = 60s\nipv6 = forward\n"
	"max_sessions = 1\n",
	"[other]\nx = 1\n[nat]\npool = 203.0.113.1\n",
};

START_TEST(test_good_config)
{
	ck_assert_msg(sa_shim_init(&nat_middlebox, good_configs[_i]) == 0,
		      "config %u: %s", _i, sa_shim_last_log());
	sa_shim_fini();
}
END_TEST

/* However little state memory there is, init fails cleanly or the NAT
 * works; the packet path never allocates. */
START_TEST(test_state_limit)
{
	static const size_t limits[] = {
		0, 64, 8192, 100000, 1000000, 4000000, 16000000, SIZE_MAX,
	};
	static const struct sr_step s = PKT(S(1), IN, UDP(H(1), R1, 5000, 53), EMIT(OUT));
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	unsigned int i, ok = 0;
	size_t len = build(&s.f, buf);
	int rc;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		sa_shim_state_limit(limits[i]);
		rc = sa_shim_init(&nat_middlebox,
				  "[nat]\npool = 203.0.113.0/28\nmax_sessions = 20000\n");
		if (rc != 0) {
			ck_assert_int_eq(rc, -ENOMEM);
			ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "nat"));
			continue;
		}
		ok++;
		sa_shim_process(buf, (uint32_t)len, IN, S(1), &out);
		ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
		sa_shim_fini();
	}
	sa_shim_state_limit(SIZE_MAX);
	ck_assert_uint_ge(ok, 1);
	ck_assert_uint_lt(ok, sizeof(limits) / sizeof(limits[0]));
}
END_TEST

#define MANY		5000u
#define SCAN_PER_TICK	4096u
#define RANGE_PORTS	64u
#define RANGE_MIN	1024u

static void
udp_from(uint32_t host, uint16_t sport, uint64_t t, struct sa_shim_out *out)
{
	struct sr_frame f = UDP(host, R1, sport, 53);
	uint8_t buf[FRAME_MAX];
	size_t len = build(&f, buf);

	sa_shim_process(buf, (uint32_t)len, IN, t, out);
}

/* Allocation is reproducible: colliding sessions take the ports upward
 * in arrival order; expiry work per tick is bounded. */
START_TEST(test_many_sessions)
{
	struct sa_shim_out out;
	uint16_t port;
	uint32_t i;

	ck_assert_int_eq(sa_shim_init(&nat_middlebox, INI_BASE), 0);
	for (i = 0; i < MANY; i++) {
		udp_from(HX(i), 5000, S(1), &out);
		ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
		memcpy(&port, out.frame + IP4_L4_OFF, sizeof(port));
		ck_assert_uint_eq(ntohs(port), 5000 + i);
	}
	sa_shim_tick(S(301));
	ck_assert_uint_eq(sa_shim_stat("sessions_expired"), SCAN_PER_TICK);
	sa_shim_tick(S(301));
	ck_assert_uint_eq(sa_shim_stat("sessions_expired"), MANY);
	ck_assert_uint_eq(sa_shim_stat("sessions_active"), 0);
	sa_shim_fini();
}
END_TEST

START_TEST(test_pool_exhaustion)
{
	struct sa_shim_out out;
	uint32_t i, round;
	uint16_t port;

	ck_assert_int_eq(sa_shim_init(&nat_middlebox, "[nat]\npool = 203.0.113.1\n"
				      "port_min = 1024\nport_max = 1087\n"), 0);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < RANGE_PORTS; i++) {
			udp_from(H(1 + i), RANGE_MIN, S(1 + round * 400), &out);
			ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
			memcpy(&port, out.frame + IP4_L4_OFF, sizeof(port));
			ck_assert_uint_eq(ntohs(port), RANGE_MIN + i);
		}
		udp_from(H(200), RANGE_MIN, S(1 + round * 400), &out);
		ck_assert_str_eq(sa_shim_reason_name(out.reason), "pool-exhausted");
		sa_shim_tick(S(1 + round * 400 + 300));
		ck_assert_uint_eq(sa_shim_stat("sessions_active"), 0);
	}
	sa_shim_fini();
}
END_TEST

static Suite *
nat_suite(void)
{
	Suite *s = suite_create("nat");
	TCase *tc;

	tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_descriptor);
	tcase_add_loop_test(tc, test_scenario, 0, N_SCENARIOS);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_malformed, 0, sr_n_malformed + 1);
	tcase_add_test(tc, test_truncated_and_corrupted);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_bad_config, 0,
			    sizeof(bad_configs) / sizeof(bad_configs[0]));
	tcase_add_loop_test(tc, test_good_config, 0,
			    sizeof(good_configs) / sizeof(good_configs[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_state_limit);
	tcase_add_test(tc, test_many_sessions);
	tcase_add_test(tc, test_pool_exhaustion);
	suite_add_tcase(s, tc);
	return s;
}

SA_CHECK_MAIN(nat_suite)
