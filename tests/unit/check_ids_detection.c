/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ids suite: the detection scenarios (test case "core"), one table of
 * steps each: content matching (case, offset/depth, several contents),
 * TCP reassembly (segments, retransmission, overlap, order, stream
 * depth), drop and pass rules, header-only rules, flow direction, UDP,
 * IPv6 and other protocols, flow expiry and full tables, and the port
 * scan, host sweep and SYN flood trackers.
 */
#include "check_ids.h"

#define MAX_STEPS	40

struct scenario {
	const char *name;
	const char *rules;
	const char *ini;	/* [ids] keys besides rules */
	struct sr_step steps[MAX_STEPS];
};

/* ---- scenarios -------------------------------------------------------- */

/* A client (H1:40000) to server (R1:80) connection: handshake steps. */
#define HANDSHAKE(time)							\
	PKT(time, TCP(H(1), R1, 40000, 80, SYN, CISN, NULL)),		\
	PKT(time, TCP(R1, H(1), 80, 40000, SYNACK, SISN, NULL)),	\
	PKT(time, TCP(H(1), R1, 40000, 80, ACK, CISN + 1, NULL))
#define C2S(time, off, pl, ...)						\
	PKT(time, TCP(H(1), R1, 40000, 80, PSH, CISN + 1 + (off), pl),	\
	    __VA_ARGS__)
#define S2C(time, off, pl, ...)						\
	PKT(time, TCP(R1, H(1), 80, 40000, PSH, SISN + 1 + (off), pl),	\
	    __VA_ARGS__)

static const struct scenario scenarios[] = {
	{ "content_once_per_flow", EVIL, NULL, {
		HANDSHAKE(S(1)),
		C2S(S(1), 0, "GET /evil HTTP/1.0",
		    ALERT(1000, "evil TCP 10.0.0.1:40000 -> 192.0.2.1:80")),
		C2S(S(1), 18, "more evil"),
		S2C(S(1), 0, "evil reply"),
		/* another flow, picked up mid-stream */
		PKT(S(2), TCP(H(2), R1, 40001, 80, PSH, 77, "evil"),
		    ALERT(1000, "10.0.0.2:40001")),
		PKT(S(2), TCP(H(2), R1, 40001, 81, PSH, 77, "evil")),
		STAT("alerts", 2), STAT("sid_1000", 2), STAT("tcp_in_order", 5),
		STAT("flows_created", 3), STAT("flows_active", 3),
		STAT("forwarded", 8), STAT("tcp", 8),
	} },
	{ "split_across_segments",
	  EVIL RULE80(1001, "abcdef", "content:\"abcdef\";"), NULL, {
		HANDSHAKE(S(1)),
		C2S(S(1), 0, "xxev"),
		C2S(S(1), 4, "il", ALERT(1000, "evil")),
		C2S(S(1), 6, "ab"),
		C2S(S(1), 8, "cd"),
		C2S(S(1), 10, "e"),
		C2S(S(1), 11, "f!", ALERT(1001, "abcdef")),
		STAT("bytes_inspected", 13), STAT("ac_transitions", 13),
	} },
	{ "nocase_and_case",
	  RULE80(1001, "nc", "content:\"SeLeCt\"; nocase;")
	  RULE80(1002, "cs", "content:\"Admin\";")
	  RULE80(1003, "mixed", "content:\"|7e|Ab|7f|\";"), NULL, {
		PKT(S(1), TCP(H(1), R1, 1, 80, PSH, 1, "x select y"), ALERT(1001, "nc")),
		PKT(S(1), TCP(H(1), R1, 2, 80, PSH, 1, "SELECT"), ALERT(1001, "nc")),
		PKT(S(1), TCP(H(1), R1, 3, 80, PSH, 1, "admin ADMIN aDMIN")),
		PKT(S(1), TCP(H(1), R1, 3, 80, PSH, 18, "Admin"), ALERT(1002, "cs")),
		PKT(S(1), TCP(H(1), R1, 4, 80, PSH, 1, "\x7e" "ab\x7f \x7e" "AB\x7f")),
		PKT(S(1), TCP(H(1), R1, 4, 80, PSH, 10, "\x7e" "Ab\x7f"),
		    ALERT(1003, "mixed")),
		STAT("patterns", 3),
	} },
	{ "offset_depth",
	  RULE80(1004, "method", "content:\"GET \"; depth:4;")
	  RULE80(1005, "window", "content:\"id=\"; offset:10; depth:10;"), NULL, {
		PKT(S(1), TCP(H(1), R1, 1, 80, PSH, 1, "GET /x"), ALERT(1004, "method")),
		PKT(S(1), TCP(H(1), R1, 2, 80, PSH, 1, " GET /x")),
		/* offsets count from the stream start, across segments */
		PKT(S(1), TCP(H(1), R1, 3, 80, PSH, 1, "0123456789")),
		PKT(S(1), TCP(H(1), R1, 3, 80, PSH, 11, "id=5"), ALERT(1005, "window")),
		PKT(S(1), TCP(H(1), R1, 4, 80, PSH, 1, "0123456789abcdefghid=")),
		PKT(S(1), TCP(H(1), R1, 5, 80, PSH, 1, "id=0123456789")),
		PKT(S(1), TCP(H(1), R1, 6, 80, PSH, 1, "0123456789abcdefgid="),
		    ALERT(1005, "window")),
	} },
	{ "multi_content",
	  "alert tcp any any -> any any (msg:\"login\"; content:\"user\"; "
	  "content:\"pass\"; sid:1006;)\n", NULL, {
		HANDSHAKE(S(1)),
		C2S(S(1), 0, "pass=1&"),
		C2S(S(1), 7, "user=2", ALERT(1006, "login")),
		/* the two contents in different directions do not combine */
		PKT(S(2), TCP(H(2), R1, 2, 80, PSH, 1, "user")),
		PKT(S(2), TCP(R1, H(2), 80, 2, PSH, 1, "pass")),
		PKT(S(2), TCP(H(3), R1, 3, 80, PSH, 1, "user pass"), ALERT(1006, "login")),
	} },
	{ "retransmission_and_overlap", EVIL, NULL, {
		HANDSHAKE(S(1)),
		C2S(S(1), 0, "abcd"),
		C2S(S(1), 0, "abcd"),
		/* only the new tail of an overlapping segment counts */
		C2S(S(1), 2, "cdevil", ALERT(1000, "evil")),
		/* the first copy of a byte wins */
		PKT(S(2), TCP(H(2), R1, 2, 80, PSH, 1, "xxxx")),
		PKT(S(2), TCP(H(2), R1, 2, 80, PSH, 1, "evil")),
		/* a keep-alive probe */
		PKT(S(2), TCP(H(2), R1, 2, 80, ACK, 4, "x")),
		STAT("tcp_retransmitted", 3), STAT("tcp_overlaps", 1),
		STAT("bytes_inspected", 12),
	} },
	{ "out_of_order_passive", EVIL, NULL, {
		HANDSHAKE(S(1)),
		C2S(S(1), 4, "evil"),
		C2S(S(1), 0, "abcd"),
		C2S(S(1), 4, "evil", ALERT(1000, "evil")),
		STAT("tcp_out_of_order", 1), STAT("tcp_in_order", 2),
	} },
	{ "out_of_order_inline", EVIL, "mode = inline\nstream_depth = 8\n", {
		HANDSHAKE(S(1)),
		C2S(S(1), 4, "evil", DROP("tcp-out-of-order")),
		C2S(S(1), 0, "abcd"),
		C2S(S(1), 4, "evil", ALERT(1000, "evil")),
		/* past stream_depth a hole no longer matters */
		C2S(S(1), 20, "later"),
		STAT("tcp_out_of_order", 2), STAT("drop_tcp-out-of-order", 1),
		STAT("bytes_inspected", 8),
	} },
	{ "drop_rule_inline",
	  "drop tcp any any -> any 80 (msg:\"passwd\"; content:\"/etc/passwd\"; sid:1010;)\n" EVIL,
	  "mode = inline\n", {
		HANDSHAKE(S(1)),
		C2S(S(1), 0, "GET /etc/passwd", DROP("rule-drop"),
		    ALERT(1010, "passwd TCP 10.0.0.1:40000 -> 192.0.2.1:80")),
		C2S(S(1), 0, "GET /etc/passwd", DROP("flow-blocked")),
		S2C(S(1), 0, "root:x:0:0", DROP("flow-blocked")),
		/* a new connection on the tuple does not lift the block */
		PKT(S(2), TCP(H(1), R1, 40000, 80, SYN, 7777, NULL), DROP("flow-blocked")),
		PKT(S(2), TCP(H(2), R1, 40000, 80, PSH, 1, "evil"), ALERT(1000, "evil")),
		STAT("flows_blocked", 1), STAT("drop_rule-drop", 1),
		STAT("drop_flow-blocked", 3), STAT("drop_matches_passive", 0),
	} },
	{ "drop_rule_passive",
	  "drop tcp any any -> any 80 (msg:\"passwd\"; content:\"/etc/passwd\"; sid:1010;)\n",
	  NULL, {
		HANDSHAKE(S(1)),
		C2S(S(1), 0, "GET /etc/passwd", ALERT(1010, "passwd")),
		C2S(S(1), 15, " HTTP/1.0"),
		STAT("drop_matches_passive", 1), STAT("flows_blocked", 0),
	} },
	{ "pass_rule",
	  "pass tcp 10.0.0.9 any -> any any (msg:\"trusted\"; sid:1020;)\n" EVIL
	  RULE80(1021, "get", "content:\"GET\";"), NULL, {
		PKT(S(1), TCP(H(9), R1, 1, 80, PSH, 1, "GET evil")),
		PKT(S(1), TCP(H(9), R1, 1, 80, PSH, 9, "evil")),
		PKT(S(1), TCP(H(1), R1, 1, 80, PSH, 1, "GET evil"), .alerts = 2,
		    .alert_id = 1000, .alert = "evil"),
		STAT("flows_passed", 1), STAT("pass_matches", 1),
		STAT("sid_1020", 1), STAT("sid_1021", 1), STAT("alerts", 2),
	} },
	{ "header_rules",
	  "alert tcp any any -> any any (msg:\"null scan\"; flags:0; sid:1030;)\n"
	  "alert tcp any any -> any any (msg:\"xmas scan\"; flags:FPU; sid:1031;)\n"
	  "alert tcp any any -> any any (msg:\"syn fin\"; flags:+SF; sid:1032;)\n"
	  "alert tcp $HOME_NET any -> $EXTERNAL_NET [22,2222] (msg:\"ssh out\"; flags:S; sid:1033;)\n"
	  "alert udp any any -> any 53 (msg:\"big dns\"; dsize:>40; sid:1034;)\n"
	  "alert icmp any any -> any any (msg:\"redirect\"; itype:5; icode:1; sid:1035;)\n"
	  "alert udp any any <> 198.51.100.9 5000:5010 (msg:\"bidir\"; sid:1036;)\n"
	  "alert tcp any any -> any !80 (msg:\"urg\"; flags:+UA; sid:1037;)\n"
	  "alert tcp ![10.0.0.0/8,192.0.2.0/24] any -> any any (msg:\"stranger\"; flags:!A; sid:1038;)\n",
	  NULL, {
		PKT(S(1), TCP(R1, H(1), 1, 2, 0, 1, NULL),
		    ALERT(1030, "null scan TCP 192.0.2.1:1 -> 10.0.0.1:2")),
		PKT(S(1), TCP(R1, H(1), 1, 3, SA_TCP_FIN | SA_TCP_PSH | SA_TCP_URG, 1, NULL),
		    ALERT(1031, "xmas")),
		PKT(S(1), TCP(R1, H(1), 1, 4, SA_TCP_FIN | SA_TCP_SYN | SA_TCP_ACK, 1, NULL),
		    ALERT(1032, "syn fin")),
		PKT(S(1), TCP(H(1), R1, 5, 22, SYN, 1, NULL), ALERT(1033, "ssh out")),
		PKT(S(1), TCP(R1, H(1), 5, 22, SYN, 1, NULL)),
		PKT(S(1), TCP(H(1), H(2), 5, 2222, SYN, 1, NULL)),
		PKT(S(1), UDP(H(1), R1, 5, 53, "0123456789012345678901234567890123456789")),
		PKT(S(1), UDP(H(1), R1, 5, 53, "01234567890123456789012345678901234567890"),
		    ALERT(1034, "big dns UDP 10.0.0.1:5 -> 192.0.2.1:53")),
		PKT(S(1), ICMP(R1, H(1), 5, NULL)),
		PKT(S(1), ICMP(R2, H(1), SA_ICMP_ECHO_REQUEST, NULL)),
		PKT(S(1), UDP(IP4(198, 51, 100, 9), H(1), 5005, 7, NULL),
		    ALERT(1036, "bidir UDP 198.51.100.9:5005 -> 10.0.0.1:7")),
		PKT(S(1), UDP(H(1), IP4(198, 51, 100, 9), 7, 5011, NULL)),
		PKT(S(1), TCP(H(3), R1, 9, 81, SA_TCP_URG | ACK, 1, NULL), ALERT(1037, "urg")),
		PKT(S(1), TCP(H(3), R1, 9, 80, SA_TCP_URG | ACK, 1, NULL)),
		PKT(S(1), TCP(IP4(203, 0, 113, 5), H(3), 9, 80, SYN, 1, NULL),
		    ALERT(1038, "stranger")),
		PKT(S(1), TCP(IP4(203, 0, 113, 5), H(3), 9, 81, ACK, 1, NULL)),
		STAT("alerts", 8),
	} },
	{ "flow_direction",
	  "alert tcp any any -> any any (msg:\"srv\"; flow:to_server; content:\"hello\"; sid:1040;)\n"
	  "alert tcp any any -> any any (msg:\"cli\"; flow:from_server; content:\"hello\"; sid:1041;)\n"
	  "alert tcp any any -> any any (msg:\"est\"; flow:established; content:\"bye\"; sid:1042;)\n",
	  NULL, {
		HANDSHAKE(S(1)),
		S2C(S(1), 0, "hello", ALERT(1041, "cli TCP 192.0.2.1:80 -> 10.0.0.1:40000")),
		C2S(S(1), 0, "hello", ALERT(1040, "srv")),
		/* picked up mid-stream: the first sender is the client */
		PKT(S(1), TCP(R1, H(5), 80, 6, PSH, 1, "hello"), ALERT(1040, "srv")),
		PKT(S(1), TCP(H(5), R1, 6, 80, PSH, 1, "hello"), ALERT(1041, "cli")),
		/* a flow first seen at its SYN-ACK was opened by the other
		 * side; it is established once both sides have spoken */
		PKT(S(1), TCP(R1, H(6), 80, 7, SYNACK, SISN, NULL)),
		PKT(S(1), TCP(R1, H(6), 80, 7, PSH, SISN + 1, "hello bye"),
		    ALERT(1041, "cli")),
		PKT(S(1), TCP(H(6), R1, 7, 80, PSH, 1, "bye"), ALERT(1042, "est")),
	} },
	{ "udp_datagrams",
	  "alert udp any any -> any 53 (msg:\"tunnel\"; content:\"dnscat\"; sid:1050;)\n"
	  "alert udp any any -> any 53 (msg:\"at 2\"; content:\"zz\"; offset:2; depth:2; sid:1051;)\n",
	  NULL, {
		PKT(S(1), UDP(H(1), R1, 1, 53, "xxdns")),
		PKT(S(1), UDP(H(1), R1, 1, 53, "catyy")),
		PKT(S(1), UDP(H(1), R1, 1, 53, "xxdnscatyy"), ALERT(1050, "tunnel")),
		PKT(S(1), UDP(H(1), R1, 2, 53, "zzzz"), ALERT(1051, "at 2")),
		/* offsets count from each datagram's start */
		PKT(S(1), UDP(H(1), R1, 3, 53, "zz")),
		PKT(S(1), UDP(H(1), R1, 3, 53, "xzz")),
		PKT(S(1), UDP(H(1), R1, 3, 53, "xxzz"), ALERT(1051, "at 2")),
		STAT("udp", 7),
	} },
	{ "ipv6", EVIL "alert tcp fd00::/8 any -> 2001:db8::/32 any (msg:\"v6\"; content:\"six\"; sid:1002;)\n",
	  NULL, {
		PKT(S(1), TCP6(40000, 80, PSH, 1, "evil"), ALERT(1000,
		    "evil TCP [fd00:0:0:0:0:0:0:1]:40000 -> [2001:db8:0:0:0:0:0:2]:80")),
		PKT(S(1), TCP6(40000, 81, PSH, 1, "six"), ALERT(1002, "v6")),
		STAT("ipv6", 2),
	} },
	{ "stream_depth", EVIL, "stream_depth = 10\n", {
		HANDSHAKE(S(1)),
		C2S(S(1), 0, "0123456"),
		C2S(S(1), 7, "evil"),
		C2S(S(1), 11, "evil"),
		STAT("bytes_inspected", 10), STAT("bytes_beyond_depth", 5),
		STAT("alerts", 0),
	} },
	{ "expiry_and_reuse", EVIL, "flow_timeout = 5s\nstream_timeout = 10s\n", {
		PKT(S(1), TCP(H(1), R1, 1, 80, PSH, 1, "evil"), ALERT(1000, "evil")),
		TICK(S(6) - 1), STAT("flows_active", 1),
		TICK(S(6)), STAT("flows_active", 0), STAT("flows_expired", 1),
		PKT(S(7), TCP(H(1), R1, 1, 80, PSH, 5, "evil"), ALERT(1000, "evil")),
		/* both sides spoke: the stream timeout */
		HANDSHAKE(S(7)),
		TICK(S(13)), STAT("flows_active", 1),
		TICK(S(17)), STAT("flows_active", 0),
		/* a SYN with a new ISN is a new connection on the tuple */
		HANDSHAKE(S(20)),
		C2S(S(20), 0, "evil", ALERT(1000, "evil")),
		PKT(S(21), TCP(H(1), R1, 40000, 80, SYN, 9000, NULL)),
		PKT(S(21), TCP(H(1), R1, 40000, 80, PSH, 9001, "evil"), ALERT(1000, "evil")),
		STAT("flows_reset", 1),
	} },
	{ "other_protocols",
	  "alert ip any any -> any any (msg:\"gre\"; content:\"tunnelled\"; sid:1060;)\n"
	  "alert icmp any any -> any any (msg:\"icmp ssh\"; itype:8; content:\"SSH-2.0\"; sid:1061;)\n"
	  "alert udp any any -> any any (msg:\"frag\"; content:\"evil\"; sid:1062;)\n",
	  NULL, {
		PKT(S(1), FRAME(F_ARP, 0, 0, NULL)),
		PKT(S(1), FRAME(F_GRE, H(1), R1, "xx tunnelled"), ALERT(1060, "gre IP 10.0.0.1:0 -> 192.0.2.1:0")),
		PKT(S(1), ICMP(H(1), R1, SA_ICMP_ECHO_REPLY, "xxSSH-2.0")),
		PKT(S(1), ICMP(H(1), R2, SA_ICMP_ECHO_REQUEST, "xxSSH-2.0"), ALERT(1061, "icmp ssh ICMP")),
		/* the first fragment is inspected as far as it goes */
		PKT(S(1), FRAME(F_FRAG_FIRST, H(1), R1, "evil"), ALERT(1062, "frag")),
		PKT(S(1), FRAME(F_FRAG_LATER, H(1), R1, "evil")),
		STAT("fragments", 2), STAT("non_ip", 1), STAT("other_proto", 1),
	} },
	{ "fragments_inline", EVIL, "mode = inline\nfragments = drop\n", {
		PKT(S(1), FRAME(F_FRAG_FIRST, H(1), R1, "evil"), DROP("fragment")),
		PKT(S(1), FRAME(F_FRAG_LATER, H(1), R1, "evil"), DROP("fragment")),
		PKT(S(1), FRAME(F_ARP, 0, 0, NULL)),
		STAT("drop_fragment", 2),
	} },
	{ "port_scan", EVIL, "portscan_ports = 5\nportscan_window = 10s\nportscan_hosts = 0\n", {
		PKT(S(1), TCP(R1, H(1), 5555, 1, SYN, 1, NULL)),
		PKT(S(1), TCP(R1, H(1), 5555, 2, SYN, 1, NULL)),
		PKT(S(1), TCP(R1, H(1), 5555, 2, SYN, 1, NULL)),
		PKT(S(1), UDP(R1, H(1), 5555, 3, NULL)),
		PKT(S(1), TCP(R1, H(1), 5555, 1027, SYN, 1, NULL)),
		PKT(S(2), TCP(R1, H(2), 5555, 4, SYN, 1, NULL)),
		PKT(S(2), TCP(R1, H(2), 5555, 5, SYN, 1, NULL),
		    ALERT(1, "port scan: 5 distinct destination ports")),
		PKT(S(2), TCP(R1, H(2), 5555, 6, SYN, 1, NULL)),
		PKT(S(2), TCP(H(2), R1, 6, 5555, SYNACK, 1, NULL)),
		/* a new window */
		PKT(S(12), TCP(R1, H(3), 5555, 1, SYN, 1, NULL)),
		PKT(S(12), TCP(R1, H(3), 5555, 2, SYN, 1, NULL)),
		PKT(S(12), TCP(R1, H(3), 5555, 3, SYN, 1, NULL)),
		PKT(S(12), TCP(R1, H(3), 5555, 4, SYN, 1, NULL)),
		PKT(S(12), TCP(R1, H(3), 5555, 5, SYN, 1, NULL), ALERT(1, "TCP 192.0.2.1:5555 -> 10.0.0.3:5")),
		STAT("portscan_alerts", 2), STAT("scan_sources", 1),
		TICK(S(23)), STAT("scan_sources", 0),
	} },
	{ "host_sweep", EVIL, "portscan_hosts = 3\nportscan_ports = 0\n", {
		PKT(S(1), ICMP(R1, H(1), SA_ICMP_ECHO_REQUEST, NULL)),
		PKT(S(1), ICMP(R1, H(2), SA_ICMP_ECHO_REPLY, NULL)),
		PKT(S(1), TCP(R1, H(3), 9, 80, SYN, 1, NULL)),
		PKT(S(1), UDP(R1, H(4), 9, 53, NULL), ALERT(2, "host sweep: 3 distinct destination hosts")),
		PKT(S(1), UDP(R1, H(5), 9, 53, NULL)),
		STAT("hostsweep_alerts", 1), STAT("portscan_alerts", 0),
	} },
	{ "syn_flood", EVIL, "synflood_syns = 3\nsynflood_window = 1s\n", {
		PKT(MS(1000), TCP(RX(1), H(1), 1, 80, SYN, 1, NULL)),
		PKT(MS(1000), TCP(RX(2), H(1), 1, 80, SYN, 1, NULL)),
		/* a retransmitted SYN is not a new handshake */
		PKT(MS(1000), TCP(RX(2), H(1), 1, 80, SYN, 1, NULL)),
		PKT(MS(1000), TCP(RX(3), H(1), 1, 80, SYN, 1, NULL),
		    ALERT(3, "SYN flood: 3 half-open handshakes")),
		PKT(MS(1000), TCP(RX(4), H(1), 1, 80, SYN, 1, NULL)),
		/* a new window where handshakes complete */
		PKT(MS(3000), TCP(RX(1), H(1), 2, 80, SYN, 1, NULL)),
		PKT(MS(3000), TCP(H(1), RX(1), 80, 2, SYNACK, 1, NULL)),
		PKT(MS(3000), TCP(RX(1), H(1), 2, 80, ACK, 2, NULL)),
		PKT(MS(3000), TCP(RX(2), H(1), 2, 80, SYN, 1, NULL)),
		PKT(MS(3000), TCP(H(1), RX(2), 80, 2, SYNACK, 1, NULL)),
		PKT(MS(3000), TCP(RX(2), H(1), 2, 80, ACK, 2, NULL)),
		PKT(MS(3000), TCP(RX(3), H(1), 2, 80, SYN, 1, NULL)),
		PKT(MS(3000), TCP(RX(4), H(1), 2, 80, SYN, 1, NULL)),
		PKT(MS(3000), TCP(RX(5), H(1), 2, 80, SYN, 1, NULL),
		    ALERT(3, "10.0.0.1:80")),
		STAT("synflood_alerts", 2), STAT("flood_targets", 1),
	} },
	{ "untracked_when_full", EVIL, "max_flows = 1\n", {
		PKT(S(1), TCP(H(1), R1, 1, 80, PSH, 1, "abc")),
		PKT(S(1), TCP(H(2), R1, 1, 80, PSH, 1, "evil"), ALERT(1000, "evil")),
		PKT(S(1), TCP(H(2), R1, 1, 80, PSH, 5, "evil"), ALERT(1000, "evil")),
		STAT("flows_untracked", 2), STAT("flows_active", 1),
	} },
	{ "flow_table_full_inline", EVIL, "max_flows = 1\nmode = inline\n", {
		PKT(S(1), TCP(H(1), R1, 1, 80, PSH, 1, "abc")),
		PKT(S(1), TCP(H(2), R1, 1, 80, PSH, 1, "evil"), DROP("flow-table-full")),
		PKT(S(1), TCP(H(1), R1, 1, 80, PSH, 4, "evil"), ALERT(1000, "evil")),
		STAT("drop_flow-table-full", 1),
	} },
};

#define N_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

START_TEST(test_scenario)
{
	const struct scenario *sc = &scenarios[_i];

	sr_expect_init(sc->name, init_ids(sc->rules, sc->ini));
	sr_run_steps(&ids_steps, sc->name, sc->steps, MAX_STEPS);
	sa_shim_fini();
}
END_TEST

void
ids_add_detection(TCase *tc)
{
	tcase_add_loop_test(tc, test_scenario, 0, N_SCENARIOS);
}
