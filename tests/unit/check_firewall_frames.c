/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * firewall suite: malformed frames and VLAN tags, configurations refused
 * and accepted (test cases "malformed" and "config").
 */
#include "check_firewall.h"

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
	fw_run_steps(st, 1);
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
	sr_put16(buf + VLAN2_PROTO_OFF, SA_ETHER_TYPE_VLAN);
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

void
fw_add_frames(Suite *s)
{
	TCase *tc;

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
}
