/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lb: table-driven through the shim. A scenario is a configuration and a
 * list of steps (packet with its expected verdict, tick, counter check);
 * every expected output frame is built from scratch by pktbuild with the
 * translated tuple, so the incremental checksums are compared byte for
 * byte against full computations. Maglev properties are checked on the
 * tables themselves (lb_maglev_table) and on traffic; backend changes go
 * through lb_backend_set_state, the control-path entry point, and through
 * the descriptor's command callback (sa_shim_command).
 *
 * This file holds the frames and the scenarios (test case "core") and
 * assembles the suite; the other test cases are in check_lb_*.c.
 */
#include "check_lb.h"

static const uint8_t addr6[A6_COUNT][16] = {
	[A6_CLIENT] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0c, [15] = 1 },
	[A6_VIP] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 },
	[A6_BACKEND] = { 0xfd, [15] = 1 },
	[A6_OTHER] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x11 },
};

struct scenario {
	const char *name;
	const char *ini;
	struct sr_step steps[MAX_STEPS];
};

char lb_ini_buf[INI_TEXT_MAX];

static void
spec_for(const struct sr_frame *f, struct pb_spec *s)
{
	switch (f->kind) {
	case F_TCP6:
	case F_UDP6:
		pb_spec_init6(s, f->kind == F_TCP6 ? SA_IPPROTO_TCP :
			      SA_IPPROTO_UDP, addr6[f->src], addr6[f->dst],
			      f->sport, f->dport);
		break;
	case F_ECHO:
		pb_spec_init4(s, SA_IPPROTO_ICMP, f->src, f->dst, f->sport, 0);
		break;
	case F_TCP:
	case F_TCP_VLAN:
		pb_spec_init4(s, SA_IPPROTO_TCP, f->src, f->dst, f->sport,
			      f->dport);
		if (f->kind == F_TCP_VLAN) {
			s->n_vlan = 1;
			s->vlan_tci[0] = VLAN_TCI;
		}
		break;
	default:
		pb_spec_init4(s, SA_IPPROTO_UDP, f->src, f->dst, f->sport,
			      f->dport);
		break;
	}
	s->tcp_flags = f->flags;
	s->seq = TF_SEQ;
	s->ack = (f->flags & ACK) ? TF_ACK : 0;
	s->payload_len = TF_PAYLOAD;
}

/* Builds @p f; the kinds pktbuild has no knob for are patched after. */
size_t
lb_build(const struct sr_frame *f, uint8_t *buf)
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

const struct sr_ops lb_steps = { lb_build, SR_ARM_STEP };

static const struct scenario scenarios[] = {
	{ "tcp_dnat", INI_BASE, {
		PKT(S(1), OUT, TCP(C(1), VIP, 40000, 80, SYN), EMIT(IN, TO_B1)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 40000, SYNACK), EMIT(OUT, FROM_VIP80)),
		PKT(S(1), OUT, TCP(C(1), VIP, 40000, 80, ACK), EMIT(IN, TO_B1)),
		PKT(S(2), OUT, TCPV(C(2), VIP, 40000, 80, SYN), EMIT(IN, TO_B1)),
		PKT(S(2), IN, TCPV(B(1), C(2), 8080, 40000, SYNACK), EMIT(OUT, FROM_VIP80)),
		PKT(S(2), OUT, TCP(C(1), VIP, 40001, 80, SYN), EMIT(IN, TO_B1)),
		STAT("conns_created", 3), STAT("tcp_conns_created", 3),
		STAT("conns_active", 3), STAT("client_packets", 4),
		STAT("reply_packets", 2), STAT("client_bytes", 4 * IP4_TCP_LEN),
		STAT("backend0.packets", 6), STAT("backend0.connections", 3),
		STAT("backend0.active_connections", 3), STAT("backend1.packets", 0),
		STAT("backend0.state", 0),
	} },
	{ "udp_dnat", INI_BASE, {
		PKT(S(1), OUT, UDP(C(1), VIP, 5353, 53), EMIT(IN, .dst = B(2))),
		PKT(S(1), IN, UDP(B(2), C(1), 53, 5353), EMIT(OUT, .src = VIP)),
		/* a zero UDP checksum means none and stays zero */
		PKT(S(1), OUT, UDP0(C(2), VIP, 5353, 53), EMIT(IN, .dst = B(2))),
		PKT(S(1), IN, UDP0(B(2), C(2), 53, 5353), EMIT(OUT, .src = VIP)),
		PKT(S(2), OUT, UDP(C(1), VIP, 5353, 53), EMIT(IN, .dst = B(2))),
		STAT("udp_conns_created", 2), STAT("backend1.connections", 2),
		STAT("backend1.packets", 5), STAT("reply_bytes", 2 * (20 + 8 + TF_PAYLOAD)),
	} },
	{ "ipv6", INI_BASE, {
		PKT(S(1), OUT, TCP6(A6_CLIENT, A6_VIP, 40000, 443, SYN),
		    EMIT(IN, .dst = A6_BACKEND, .dport = 8443)),
		PKT(S(1), IN, TCP6(A6_BACKEND, A6_CLIENT, 8443, 40000, SYNACK),
		    EMIT(OUT, .src = A6_VIP, .sport = 443)),
		PKT(S(1), OUT, UDP6(A6_CLIENT, A6_VIP, 5000, 53), EMIT(IN, .dst = A6_BACKEND)),
		PKT(S(1), IN, UDP6(A6_BACKEND, A6_CLIENT, 53, 5000), EMIT(OUT, .src = A6_VIP)),
		PKT(S(1), OUT, TCP6(A6_CLIENT, A6_OTHER, 40000, 443, SYN), DROP("unknown-vip")),
		PKT(S(1), OUT, TCP6(A6_CLIENT, A6_VIP, 40000, 80, SYN), DROP("unknown-vip")),
		PKT(S(1), IN, UDP6(A6_BACKEND, A6_CLIENT, 53, 5001), DROP("no-connection")),
		STAT("backend2.connections", 1), STAT("backend3.connections", 1),
		STAT("conns_active", 2),
	} },
	{ "one_armed", INI_BASE, {
		PKT(S(1), ANY, TCP(C(1), VIP, 40000, 80, SYN), EMIT(IN, TO_B1)),
		PKT(S(1), ANY, TCP(B(1), C(1), 8080, 40000, SYNACK), EMIT(OUT, FROM_VIP80)),
		PKT(S(1), ANY, UDP6(A6_CLIENT, A6_VIP, 5000, 53), EMIT(IN, .dst = A6_BACKEND)),
		PKT(S(1), ANY, UDP6(A6_BACKEND, A6_CLIENT, 53, 5000), EMIT(OUT, .src = A6_VIP)),
		PKT(S(1), ANY, TCP(B(1), C(9), 8080, 40000, SYNACK), DROP("no-connection")),
		/* an inside host is never a client */
		PKT(S(1), ANY, TCP(B(7), VIP, 40000, 80, SYN), DROP("no-connection")),
		PKT(S(1), ANY, FRAME(F_ARP, 0, 0), EMIT(OUT)),
	} },
	{ "unknown_vip_and_protocols", INI_BASE, {
		PKT(S(1), OUT, TCP(C(1), NOT_VIP, 40000, 80, SYN), DROP("unknown-vip")),
		PKT(S(1), OUT, TCP(C(1), VIP, 40000, 81, SYN), DROP("unknown-vip")),
		PKT(S(1), OUT, UDP(C(1), VIP, 5000, 80), DROP("unknown-vip")),
		PKT(S(1), OUT, TCP(C(1), VIP, 5000, 53, SYN), DROP("unknown-vip")),
		/* backends are not reachable directly */
		PKT(S(1), OUT, TCP(C(1), B(1), 40000, 8080, SYN), DROP("unknown-vip")),
		PKT(S(1), OUT, FRAME(F_ECHO, C(1), VIP), DROP("proto-unsupported")),
		PKT(S(1), OUT, FRAME(F_GRE, C(1), VIP), DROP("proto-unsupported")),
		PKT(S(1), OUT, FRAME(F_FRAG_FIRST, C(1), VIP), DROP("fragment")),
		PKT(S(1), OUT, FRAME(F_FRAG_LATER, C(1), VIP), DROP("fragment")),
		PKT(S(1), IN, FRAME(F_ECHO, B(1), C(1)), DROP("proto-unsupported")),
		STAT("conns_created", 0), STAT("client_packets", 0),
	} },
	{ "no_connection", INI_BASE, {
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 40000, SYNACK), DROP("no-connection")),
		PKT(S(1), OUT, TCP(C(1), VIP, 40000, 80, SYN), EMIT(IN, TO_B1)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 40001, SYNACK), DROP("no-connection")),
		PKT(S(1), IN, TCP(B(1), C(2), 8080, 40000, SYNACK), DROP("no-connection")),
		PKT(S(1), IN, TCP(B(1), C(1), 80, 40000, SYNACK), DROP("no-connection")),
		PKT(S(1), IN, TCP(B(2), C(1), 8080, 40000, SYNACK), DROP("no-connection")),
		PKT(S(1), IN, UDP(B(1), C(1), 8080, 40000), DROP("no-connection")),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 40000, SYNACK), EMIT(OUT, FROM_VIP80)),
		STAT("reply_packets", 1),
	} },
	{ "non_ip", INI_BASE, {
		PKT(S(1), IN, FRAME(F_ARP, 0, 0), EMIT(OUT)),
		PKT(S(1), OUT, FRAME(F_ARP, 0, 0), EMIT(IN)),
		STAT("forwarded_non_ip", 2),
	} },
	{ "no_backend_up",
	  "[lb]\nservice = 192.0.2.10:80/tcp\n"
	  "backend = 192.0.2.10:80/tcp 10.1.0.1 state=drain\n"
	  "backend = 192.0.2.10:80/tcp 10.1.0.2 weight=5 state=down\n"
	  "maglev_size = 7\n", {
		PKT(S(1), OUT, TCP(C(1), VIP, 40000, 80, SYN), DROP("no-backend")),
		STAT("backend0.state", LB_BACKEND_DRAIN),
		STAT("backend1.state", LB_BACKEND_DOWN), STAT("conns_active", 0),
	} },
	{ "udp_expiry", INI_BASE, {
		PKT(S(1), OUT, UDP(C(1), VIP, 5000, 53), EMIT(IN, .dst = B(2))),
		/* replies refresh the connection too */
		PKT(S(100), IN, UDP(B(2), C(1), 53, 5000), EMIT(OUT, .src = VIP)),
		TICK(S(400) - 1), STAT("conns_active", 1),
		TICK(S(400)), STAT("conns_active", 0), STAT("conns_expired", 1),
		STAT("backend1.active_connections", 0), STAT("backend1.connections", 1),
		PKT(S(401), IN, UDP(B(2), C(1), 53, 5000), DROP("no-connection")),
		PKT(S(401), OUT, UDP(C(1), VIP, 5000, 53), EMIT(IN, .dst = B(2))),
		STAT("conns_created", 2),
	} },
	{ "tcp_expiry", INI_BASE, {
		/* 1: established */
		PKT(S(1), OUT, TCP(C(1), VIP, 3001, 80, SYN), EMIT(IN, TO_B1)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 3001, SYNACK), EMIT(OUT, FROM_VIP80)),
		PKT(S(1), OUT, TCP(C(1), VIP, 3001, 80, ACK), EMIT(IN, TO_B1)),
		/* 2: never established */
		PKT(S(1), OUT, TCP(C(1), VIP, 3002, 80, SYN), EMIT(IN, TO_B1)),
		/* 3: FIN both ways */
		PKT(S(1), OUT, TCP(C(1), VIP, 3003, 80, SYN), EMIT(IN, TO_B1)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 3003, SYNACK), EMIT(OUT, FROM_VIP80)),
		PKT(S(1), OUT, TCP(C(1), VIP, 3003, 80, FINACK), EMIT(IN, TO_B1)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 3003, FINACK), EMIT(OUT, FROM_VIP80)),
		/* 4: FIN one way only: still established */
		PKT(S(1), OUT, TCP(C(1), VIP, 3004, 80, SYN), EMIT(IN, TO_B1)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 3004, SYNACK), EMIT(OUT, FROM_VIP80)),
		PKT(S(1), OUT, TCP(C(1), VIP, 3004, 80, FINACK), EMIT(IN, TO_B1)),
		/* 5: RST */
		PKT(S(1), OUT, TCP(C(1), VIP, 3005, 80, ACK), EMIT(IN, TO_B1)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 3005, ACK), EMIT(OUT, FROM_VIP80)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 3005, RST), EMIT(OUT, FROM_VIP80)),
		TICK(S(121) - 1), STAT("conns_active", 5),
		TICK(S(121)), STAT("conns_active", 2), STAT("conns_expired", 3),
		PKT(S(121), IN, TCP(B(1), C(1), 8080, 3002, SYNACK), DROP("no-connection")),
		TICK(S(901) - 1), STAT("conns_active", 2),
		TICK(S(901)), STAT("conns_active", 0),
		STAT("backend0.active_connections", 0),
	} },
	{ "tcp_reuse_after_close", INI_BASE, {
		PKT(S(1), OUT, TCP(C(1), VIP, 3001, 80, SYN), EMIT(IN, TO_B1)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 3001, SYNACK), EMIT(OUT, FROM_VIP80)),
		PKT(S(1), OUT, TCP(C(1), VIP, 3001, 80, FINACK), EMIT(IN, TO_B1)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 3001, FINACK), EMIT(OUT, FROM_VIP80)),
		/* a new connection on the same tuple starts tracking over */
		PKT(S(2), OUT, TCP(C(1), VIP, 3001, 80, SYN), EMIT(IN, TO_B1)),
		PKT(S(2), IN, TCP(B(1), C(1), 8080, 3001, SYNACK), EMIT(OUT, FROM_VIP80)),
		PKT(S(2), OUT, TCP(C(1), VIP, 3001, 80, ACK), EMIT(IN, TO_B1)),
		TICK(S(123)), STAT("conns_active", 1),
		TICK(S(903)), STAT("conns_active", 0), STAT("conns_created", 1),
	} },
	{ "custom_timeouts",
	  "[lb]\nservice = 192.0.2.10:53/udp\nbackend = 192.0.2.10:53/udp 10.1.0.2\n"
	  "udp_timeout = 10s\ntcp_established_timeout = 1h\n"
	  "tcp_transitory_timeout = 2m\nmaglev_size = 13\n", {
		PKT(S(1), OUT, UDP(C(1), VIP, 5000, 53), EMIT(IN, .dst = B(2))),
		TICK(S(11) - 1), STAT("conns_active", 1),
		TICK(S(11)), STAT("conns_active", 0),
	} },
	{ "table_full",
	  "[lb]\nservice = 192.0.2.10:53/udp\nbackend = 192.0.2.10:53/udp 10.1.0.2\n"
	  "max_connections = 2\nmaglev_size = 13\n", {
		PKT(S(1), OUT, UDP(C(1), VIP, 5000, 53), EMIT(IN, .dst = B(2))),
		PKT(S(1), OUT, UDP(C(2), VIP, 5000, 53), EMIT(IN, .dst = B(2))),
		PKT(S(1), OUT, UDP(C(3), VIP, 5000, 53), DROP("conn-table-full")),
		PKT(S(1), OUT, UDP(C(1), VIP, 5000, 53), EMIT(IN, .dst = B(2))),
		PKT(S(1), IN, UDP(B(2), C(2), 53, 5000), EMIT(OUT, .src = VIP)),
		STAT("conns_active", 2), STAT("backend0.active_connections", 2),
		TICK(S(301)),
		PKT(S(302), OUT, UDP(C(3), VIP, 5000, 53), EMIT(IN, .dst = B(2))),
		STAT("conns_active", 1),
	} },
};

#define N_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

START_TEST(test_scenario)
{
	const struct scenario *sc = &scenarios[_i];

	sr_expect_init(sc->name, sa_shim_init(&lb_middlebox, sc->ini));
	sr_run_steps(&lb_steps, sc->name, sc->steps, MAX_STEPS);
	sa_shim_fini();
}
END_TEST

START_TEST(test_descriptor)
{
	unsigned int i;

	ck_assert_str_eq(lb_middlebox.name, "lb");
	ck_assert_ptr_nonnull(lb_middlebox.process);
	ck_assert_ptr_nonnull(lb_middlebox.tick);
	ck_assert_uint_eq(lb_middlebox.n_drop_names, LB_N_DROPS);
	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_BASE), 0);
	for (i = 0; i < lb_middlebox.n_drop_names; i++)
		ck_assert_str_eq(sa_shim_reason_name(SA_DROP_MB_BASE + i),
				 lb_middlebox.drop_names[i]);
	ck_assert_uint_eq(sa_shim_stat("conns_active"), 0);
	ck_assert_uint_eq(sa_shim_stat("maglev_rebuilds"), 0);
	ck_assert_uint_eq(sa_shim_stat("backend3.connections"), 0);
	ck_assert_uint_eq(sa_shim_stat("backend4.connections"), UINT64_MAX);
	sa_shim_fini();
}
END_TEST

static Suite *
lb_suite(void)
{
	Suite *s = suite_create("lb");
	TCase *tc;

	tc = sa_tcase(s, "core", 30);
	tcase_add_test(tc, test_descriptor);
	tcase_add_loop_test(tc, test_scenario, 0, N_SCENARIOS);
	lb_add_backends(s);
	lb_add_maglev(s);
	lb_add_frames(s);
	lb_add_config(s);
	return s;
}

SA_CHECK_MAIN(lb_suite)
