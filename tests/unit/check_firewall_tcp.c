/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * firewall suite: TCP windows, flags and reopening, state expiry, table
 * and memory limits, fragments and non-IP frames (test cases "tcp",
 * "expiry" and "limits").
 */
#include "check_firewall.h"

/* ---- TCP windows, flags, handshake ------------------------------------ */

static const struct step tcp_handshake[] = {
	{ "syn", C2S, .flags = SYN, .seq = 1000, TO_OUT },
	{ "syn-ack", S2C, .flags = SYN | ACK, .seq = 5000, .ack = 1001,
	  TO_IN },
	{ "ack", C2S, .flags = ACK, .seq = 1001, .ack = 5001, TO_OUT },
};

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
	fw_run_steps(tcp_handshake, ARRAY_SIZE(tcp_handshake));
	fw_run_steps(tcp_window, ARRAY_SIZE(tcp_window));
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
	fw_run_steps(tcp_handshake, ARRAY_SIZE(tcp_handshake));
	fw_run_steps(tcp_reopen, ARRAY_SIZE(tcp_reopen));
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
	fw_run_steps(ec->steps, ec->n);
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

void
fw_add_tcp(Suite *s)
{
	TCase *tc;

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
}
