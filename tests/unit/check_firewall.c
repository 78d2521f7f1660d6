/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Firewall middlebox through the shim: each test runs a configuration and
 * a table of steps (a packet with its expected verdict, a tick, or a
 * counter to check). Every packet must get exactly one verdict and leave
 * the frame untouched, whatever the verdict. This file holds the frames,
 * the runner and the test cases "core" and "rules"; the others are in
 * check_firewall_*.c.
 */

#include "check_firewall.h"

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
			sr_put16(buf + pt->off, pt->val);
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
	sr_put16(fh + 2, frag_data);
	buf[IP6_NH_OFF] = SA_IPPROTO_FRAGMENT;
	sr_put16(buf + IP6_PLEN_OFF,
	      (uint16_t)(get16(buf + IP6_PLEN_OFF) + IP6_FRAG_HDR_LEN));
	*len += IP6_FRAG_HDR_LEN;
}

void
mut_frag6_later(uint8_t *buf, size_t *len)
{
	insert_frag6(buf, len, FRAG_LATER_UNITS << IP6_FRAG_UNIT_SHIFT);
}

void
mut_frag6_first(uint8_t *buf, size_t *len)
{
	insert_frag6(buf, len, IP6_FRAG_MF);
}

/* A chain of empty destination-options headers, longer than allowed. */
void
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
	if (st->verdict == SA_SHIM_EMIT)
		sr_expect_emit(st->name, &out, st->out_arm);
	else
		sr_expect_drop(st->name, &out, st->reason);
	/* Whatever the verdict, the frame is untouched. */
	sr_expect_frame(st->name, &out, buf, len);
}

void
fw_run_steps(const struct step *steps, size_t n)
{
	char what[32];
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
			snprintf(what, sizeof(what), "step %zu", i);
			sr_expect_stat(what, st->stat, st->value);
			break;
		}
	}
}

void
fw_scenario(const char *ini, const struct step *steps, size_t n)
{
	sr_expect_init("scenario", sa_shim_init(&fw_middlebox, ini));
	fw_run_steps(steps, n);
	sa_shim_fini();
}

/* ---- configurations ---------------------------------------------------- */

const char cfg_outbound[] =
	"[firewall]\n"
	"rule = allow any from 10.0.0.0/8 to any\n"
	"rule = allow any from fd00::/8 to any\n";

/* ---- core: TCP life cycle --------------------------------------------- */

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

	fw_add_tcp(s);
	fw_add_frames(s);
	return s;
}

SA_CHECK_MAIN(firewall_suite)
