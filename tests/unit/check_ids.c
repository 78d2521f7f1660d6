/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ids: table-driven through the shim. A scenario is a rules file, extra
 * [ids] keys and a list of steps (packet with its expected verdict and
 * alerts, tick, counter check). Every packet must get exactly one verdict
 * and exactly the alerts the step names (none unless it says so), so a
 * duplicate alert fails as surely as a missing one. Rules files are
 * written to temporary files; errors in them must name FILE:LINE.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <check.h>

#include <sa/headers.h>
#include <sa/cksum.h>

#include "check_main.h"
#include "sa_shim.h"
#include "pktbuild.h"
#include "step_runner.h"

extern const struct sa_middlebox ids_middlebox;

#define S(n)		((uint64_t)(n) * 1000000000ull)
#define MS(n)		((uint64_t)(n) * 1000000ull)
#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 |	\
			 (uint32_t)(c) << 8 | (uint32_t)(d))
#define H(n)		IP4(10, 0, 0, n)
#define HX(n)		IP4(10, 1, (n) >> 8, (n) & 0xff)
#define R1		IP4(192, 0, 2, 1)
#define R2		IP4(192, 0, 2, 2)
#define RX(n)		IP4(198, 18, (n) >> 8, (n) & 0xff)

#define IN		SA_ARM_INSIDE
#define OUT		SA_ARM_OUTSIDE
#define ANY		SA_ARM_ANY

#define SYN		SA_TCP_SYN
#define ACK		SA_TCP_ACK
#define PSH		(SA_TCP_PSH | SA_TCP_ACK)
#define SYNACK		(SA_TCP_SYN | SA_TCP_ACK)
#define CISN		1000u	/* client's initial sequence number */
#define SISN		5000u	/* server's */

#define FRAME_MAX	2048
#define PATH_MAX_	128
#define INI_MAX		8192
#define MAX_STEPS	40
#define ETH_LEN		14
#define IP4_LEN		20
#define IDS_N_DROPS	5

enum fkind { F_TCP = 1, F_UDP, F_ICMP, F_TCP6, F_GRE, F_FRAG_FIRST,
	     F_FRAG_LATER, F_ARP, F_COUNT };

struct scenario {
	const char *name;
	const char *rules;
	const char *ini;	/* [ids] keys besides rules */
	struct sr_step steps[MAX_STEPS];
};

/* Frames (struct sr_frame); ICMP: sport is the type. */
#define FR(k, s, d, sp, dp, fl, sq, pl) \
	{ .kind = (k), .src = (s), .dst = (d), .sport = (sp), .dport = (dp), \
	  .flags = (fl), .seq = (sq), .payload = (pl) }
#define TCP(s, d, sp, dp, fl, sq, pl) FR(F_TCP, s, d, sp, dp, fl, sq, pl)
#define TCP6(sp, dp, fl, sq, pl) FR(F_TCP6, 0, 0, sp, dp, fl, sq, pl)
#define UDP(s, d, sp, dp, pl) FR(F_UDP, s, d, sp, dp, 0, 0, pl)
#define ICMP(s, d, type, pl) FR(F_ICMP, s, d, type, 0, 0, 0, pl)
#define FRAME(k, s, d, pl) FR(k, s, d, 1111, 2222, 0, 0, pl)
#define PKT(time, frame, ...) \
	{ .op = SR_PKT, .t = (time), .arm = ANY, .f = frame, __VA_ARGS__ }
#define ALERT(id, txt) .alerts = 1, .alert_id = (id), .alert = (txt)
#define DROP(name) .drop = (name)
#define TICK(time) { .op = SR_TICK, .t = (time) }
#define STAT(name, v) { .op = SR_STAT, .stat = (name), .value = (v) }

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

static const uint8_t v6_a[16] = { 0xfd, [15] = 1 };
static const uint8_t v6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* ---- files ------------------------------------------------------------ */

static char rules_path[PATH_MAX_];

/* Writes @text to a fresh temporary rules file, named in rules_path. */
static const char *
write_rules(const char *text)
{
	size_t len = strlen(text);
	int fd;

	snprintf(rules_path, sizeof(rules_path), "/tmp/check_ids_XXXXXX");
	fd = mkstemp(rules_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return rules_path;
}

/* Loads the IDS with @rules and the [ids] keys @extra (from line 3 on,
 * with a default "inside" after them); the rules file is gone afterwards,
 * as the IDS reads it only at init. */
static int
init_ids(const char *rules, const char *extra)
{
	char ini[INI_MAX];
	int rc;

	if (extra == NULL)
		extra = "";
	snprintf(ini, sizeof(ini), "[ids]\nrules = %s\n%s%s", write_rules(rules),
		 extra, strstr(extra, "inside") ? "" : "inside = 10.0.0.0/8\n");
	rc = sa_shim_init(&ids_middlebox, ini);
	unlink(rules_path);
	return rc;
}

/* The source tree, from this file's path as the compiler saw it (meson
 * compiles from the build root and runs tests there). */
static void
source_path(const char *rel, char *out, size_t size)
{
	const char *file = __FILE__;
	const char *at = strstr(file, "tests/unit/check_ids.c");

	ck_assert_ptr_nonnull(at);
	snprintf(out, size, "%.*s%s", (int)(at - file), file, rel);
}

/* ---- frames ----------------------------------------------------------- */

/* Builds @f with @plen payload bytes from @pl (f->payload when NULL). */
static size_t
build_bin(const struct sr_frame *f, const uint8_t *pl, uint32_t plen,
	  uint8_t *buf)
{
	static const enum sr_patch patch[F_COUNT] = {
		[F_GRE] = SR_PATCH_GRE,
		[F_FRAG_FIRST] = SR_PATCH_FRAG_FIRST,
		[F_FRAG_LATER] = SR_PATCH_FRAG_LATER,
	};
	struct pb_spec s;
	size_t len;

	if (f->kind == F_ARP)
		return sr_build_arp(buf);
	if (f->kind == F_TCP6)
		pb_spec_init6(&s, SA_IPPROTO_TCP, v6_a, v6_b, f->sport,
			      f->dport);
	else if (f->kind == F_TCP)
		pb_spec_init4(&s, SA_IPPROTO_TCP, f->src, f->dst, f->sport,
			      f->dport);
	else if (f->kind == F_ICMP)
		pb_spec_init4(&s, SA_IPPROTO_ICMP, f->src, f->dst, 7, 0);
	else
		pb_spec_init4(&s, SA_IPPROTO_UDP, f->src, f->dst, f->sport,
			      f->dport);
	s.tcp_flags = f->flags;
	s.seq = f->seq;
	s.ack = (f->flags & ACK) ? 1 : 0;
	if (f->kind == F_ICMP)
		s.icmp_type = (uint8_t)f->sport;
	s.payload = pl;
	s.payload_len = plen;
	len = pb_build(buf, FRAME_MAX, &s);
	ck_assert_uint_gt(len, 0);
	sr_patch_ip4(buf, patch[f->kind]);
	return len;
}

static size_t
build(const struct sr_frame *f, uint8_t *buf)
{
	static const uint8_t none[1];
	const char *pl = f->payload;

	return build_bin(f, pl != NULL ? (const uint8_t *)pl : none,
			 pl != NULL ? (uint32_t)strlen(pl) : 0, buf);
}

/* ---- scenarios -------------------------------------------------------- */

/* Every packet is emitted unchanged or dropped, with exactly the alerts
 * its step names. */
static const struct sr_ops ids_steps = { build, SR_ARM_UNCHECKED };

#define EVIL "alert tcp any any -> any 80 (msg:\"evil\"; content:\"evil\"; sid:1000;)\n"

#define RULE80(id, m, opts)						\
	"alert tcp any any -> any 80 (msg:\"" m "\"; " opts " sid:" #id ";)\n"

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

START_TEST(test_descriptor)
{
	unsigned int i;

	ck_assert_str_eq(ids_middlebox.name, "ids");
	ck_assert_ptr_nonnull(ids_middlebox.process);
	ck_assert_ptr_nonnull(ids_middlebox.tick);
	ck_assert_uint_eq(ids_middlebox.n_drop_names, IDS_N_DROPS);
	ck_assert_int_eq(init_ids(EVIL, NULL), 0);
	for (i = 0; i < ids_middlebox.n_drop_names; i++)
		ck_assert_str_eq(sa_shim_reason_name(SA_DROP_MB_BASE + i),
				 ids_middlebox.drop_names[i]);
	ck_assert_uint_eq(sa_shim_stat("rules"), 1);
	ck_assert_uint_eq(sa_shim_stat("packets"), 0);
	ck_assert_uint_eq(sa_shim_stat("sid_1000"), 0);
	ck_assert_uint_eq(sa_shim_stat("drop_rule-drop"), 0);
	ck_assert_uint_eq(sa_shim_stat("drop_l4-truncated"), 0);
	sa_shim_fini();
}
END_TEST

/* Frames leave by the other arm; one-armed, by the inside prefixes. */
START_TEST(test_arms)
{
	static const struct {
		uint8_t in_arm;
		uint32_t src;
		unsigned int out_arm;
	} cases[] = {
		{ IN, R1, OUT }, { OUT, H(1), IN },
		{ ANY, H(1), OUT }, { ANY, R1, IN },
	};
	struct sr_frame f = TCP(0, 0, 1, 80, ACK, 1, NULL);
	struct sr_frame arp = FRAME(F_ARP, 0, 0, NULL);
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	unsigned int i;
	size_t len;

	ck_assert_int_eq(init_ids(EVIL, "mode = inline\n"), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f.src = cases[i].src;
		f.dst = cases[i].src == R1 ? H(1) : R1;
		len = build(&f, buf);
		sa_shim_process(buf, (uint32_t)len, cases[i].in_arm, S(1), &out);
		ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
		ck_assert_uint_eq(out.arm, cases[i].out_arm);
	}
	/* the direction of a flow outlives a new connection on its tuple */
	f = (struct sr_frame)TCP(H(1), R1, 1, 80, PSH, 1, "x");
	len = build(&f, buf);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	f = (struct sr_frame)TCP(H(1), R1, 1, 80, SYN, 7777, NULL);
	len = build(&f, buf);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	f = (struct sr_frame)TCP(H(1), R1, 1, 80, ACK, 7778, NULL);
	len = build(&f, buf);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	ck_assert_uint_eq(out.arm, OUT);
	ck_assert_uint_eq(sa_shim_stat("flows_reset"), 1);
	len = build(&arp, buf);
	sa_shim_process(buf, (uint32_t)len, OUT, S(1), &out);
	ck_assert_uint_eq(out.arm, IN);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	ck_assert_uint_eq(out.arm, OUT);
	sa_shim_fini();
}
END_TEST

/* The shipped configuration loads with its rules file, and a few of the
 * attacks it is for raise the sids written for them. */
START_TEST(test_shipped_config)
{
	static const struct {
		uint16_t dport;
		const char *payload;
		const char *sid;
	} attacks[] = {
		{ 80, "GET /item.php?id=1 UNION SELECT pass FROM users HTTP/1.1",
		  "sid_1001000" },
		{ 8080, "GET /q?s=<script>alert(1)</script> HTTP/1.1",
		  "sid_1002000" },
		{ 80, "GET /../../../../etc/passwd HTTP/1.1", "sid_1003007" },
		{ 80, "GET / HTTP/1.1\r\nX-Api: ${jndi:ldap://e.example/a}\r\n",
		  "sid_1004000" },
		{ 80, "GET / HTTP/1.1\r\nUser-Agent: sqlmap/1.7\r\n",
		  "sid_1005000" },
	};
	char ini_path[PATH_MAX_ * 2], rules[PATH_MAX_ * 2];
	char ini[INI_MAX], text[INI_MAX];
	struct sa_shim_out out;
	uint8_t buf[FRAME_MAX];
	unsigned int i;
	const char *at;
	size_t n;
	FILE *f;

	source_path("configs/ids.ini", ini_path, sizeof(ini_path));
	source_path("configs/ids/rules", rules, sizeof(rules));
	f = fopen(ini_path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	at = strstr(text, "rules = configs/ids/rules\n");
	ck_assert_ptr_nonnull(at);
	snprintf(ini, sizeof(ini), "%.*srules = %s\n%s", (int)(at - text),
		 text, rules, at + strlen("rules = configs/ids/rules\n"));
	ck_assert_msg(sa_shim_init(&ids_middlebox, ini) == 0, "%s",
		      sa_shim_last_log());
	ck_assert_uint_ge(sa_shim_stat("rules"), 200);
	for (i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
		uint16_t sp = (uint16_t)(40000 + i), dp = attacks[i].dport;
		const struct sr_frame fr[] = {
			TCP(RX(1), H(1), sp, dp, SYN, CISN, NULL),
			TCP(H(1), RX(1), dp, sp, SYNACK, SISN, NULL),
			TCP(RX(1), H(1), sp, dp, ACK, CISN + 1, NULL),
			TCP(RX(1), H(1), sp, dp, PSH, CISN + 1,
			    attacks[i].payload),
		};
		unsigned int k;

		for (k = 0; k < sizeof(fr) / sizeof(fr[0]); k++) {
			size_t len = build(&fr[k], buf);

			sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
		}
		ck_assert_uint_ge(out.n_alerts, 1);
		ck_assert_msg(sa_shim_stat(attacks[i].sid) == 1, "%s: %s is "
			      "%llu", attacks[i].payload, attacks[i].sid,
			      (unsigned long long)sa_shim_stat(attacks[i].sid));
	}
	sa_shim_fini();
}
END_TEST

/* ---- malformed frames ------------------------------------------------- */

enum mut { M_TRUNC, M_SET8, M_SET16 };

struct malformed {
	const char *name;
	enum fkind kind;
	enum mut op;
	uint32_t off, val;	/* M_TRUNC: val is the new length */
	unsigned int reason;
};

#define IP4_LEN_OFF	(ETH_LEN + 2)
#define IP4_L4_OFF	(ETH_LEN + IP4_LEN)

static const struct malformed malformed[] = {
	{ "runt", F_UDP, M_TRUNC, 0, 10, SA_DROP_L2_TRUNC },
	{ "ipv4 cut", F_UDP, M_TRUNC, 0, ETH_LEN + 10, SA_DROP_IP4_TRUNC },
	{ "ipv4 version", F_UDP, M_SET8, ETH_LEN, 0x55, SA_DROP_IP4_BAD_VERSION },
	{ "ipv4 ihl", F_UDP, M_SET8, ETH_LEN, 0x44, SA_DROP_IP4_BAD_IHL },
	{ "ipv4 length short", F_UDP, M_SET16, IP4_LEN_OFF, 10, SA_DROP_IP4_BAD_LEN },
	{ "ipv4 length long", F_UDP, M_SET16, IP4_LEN_OFF, 1000, SA_DROP_IP4_TRUNC },
	{ "tcp cut", F_TCP, M_SET16, IP4_LEN_OFF, 30, SA_DROP_L4_TRUNC },
	{ "tcp doff", F_TCP, M_SET8, IP4_L4_OFF + 12, 0x40, SA_DROP_TCP_BAD_DOFF },
	{ "udp length", F_UDP, M_SET16, IP4_L4_OFF + 4, 4, SA_DROP_UDP_BAD_LEN },
	{ "icmp cut", F_ICMP, M_SET16, IP4_LEN_OFF, 24, SA_DROP_L4_TRUNC },
	{ "ipv6 cut", F_TCP6, M_TRUNC, 0, ETH_LEN + 30, SA_DROP_IP6_TRUNC },
};

static size_t
build_malformed(const struct malformed *m, uint8_t *buf)
{
	struct sr_frame f = FR(m->kind, H(1), R1, 1, 80, PSH, 1, "evil");
	size_t len = build(&f, buf);

	if (m->op == M_TRUNC) {
		len = m->val;
	} else if (m->op == M_SET8) {
		buf[m->off] = (uint8_t)m->val;
	} else {
		buf[m->off] = (uint8_t)(m->val >> 8);
		buf[m->off + 1] = (uint8_t)m->val;
	}
	return len;
}

/* Passive mode forwards malformed frames, counted; inline drops them. */
START_TEST(test_malformed)
{
	const struct malformed *m = &malformed[_i];
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	size_t len;

	ck_assert_int_eq(init_ids(EVIL, NULL), 0);
	len = build_malformed(m, buf);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
	ck_assert_uint_eq(out.n_alerts, 0);
	ck_assert_uint_eq(sa_shim_stat("malformed"), 1);
	ck_assert_int_eq(init_ids(EVIL, "mode = inline\n"), 0);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	ck_assert_msg(out.verdict == SA_SHIM_DROP && out.reason == m->reason,
		      "%s: verdict %d reason %s, expected %s", m->name,
		      out.verdict, sa_shim_reason_name(out.reason),
		      sa_shim_reason_name(m->reason));
	ck_assert_uint_eq(sa_shim_stat("flows_created"), 0);
	sa_shim_fini();
}
END_TEST

#define FUZZ_ROUNDS	2000
#define FUZZ_FLIPS	4

/* Every truncation and random corruption of frames of live flows:
 * exactly one verdict, the frame unchanged, no crash. */
START_TEST(test_truncated_and_corrupted)
{
	static const struct sr_frame seeds[] = {
		TCP(H(1), R1, 40000, 80, PSH, 1, "GET /evil HTTP/1.0"),
		TCP(R1, H(1), 80, 40000, SYNACK, 1, NULL),
		UDP(H(1), R1, 5000, 53, "query"),
		ICMP(H(1), R1, SA_ICMP_ECHO_REQUEST, "ping"),
		TCP6(40000, 80, PSH, 1, "evil"),
		FRAME(F_GRE, H(1), R1, "x"),
	};
	uint8_t base[FRAME_MAX], buf[FRAME_MAX];
	struct sa_shim_out out;
	uint32_t rng = 4242, i, k, len;
	size_t n;

	ck_assert_int_eq(init_ids(EVIL, "mode = inline\n"), 0);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		n = build(&seeds[i], base);
		for (len = 0; len <= n; len++) {
			sa_shim_process(base, len, ANY, S(1), &out);
			ck_assert_uint_eq(out.n_verdicts, 1);
		}
		for (k = 0; k < FUZZ_ROUNDS; k++) {
			len = sr_corrupt(buf, base, n, FUZZ_FLIPS, &rng);
			sa_shim_process(buf, len, ANY, S(1), &out);
			ck_assert_uint_eq(out.n_verdicts, 1);
			ck_assert_uint_le(out.len, len);
			ck_assert(out.verdict == SA_SHIM_DROP ||
				  memcmp(out.frame, buf, len) == 0);
		}
	}
	sa_shim_fini();
}
END_TEST

/* ---- configuration errors --------------------------------------------- */

struct bad_config {
	const char *ini;	/* after "[ids]\nrules = PATH\n" (line 2) */
	const char *key;	/* must appear in the message */
	unsigned int line;
};

static const struct bad_config bad_configs[] = {
	{ "mode = active\n", "mode", 3 },
	{ "fragments = maybe\n", "fragments", 3 },
	{ "inside = 10.0.0.0/33\n", "inside", 3 },
	{ "max_flows = 0\n", "max_flows", 3 },
	{ "max_flows = 99999999999\n", "max_flows", 3 },
	{ "stream_depth = 0\n", "stream_depth", 3 },
	{ "stream_depth = 4k\n", "stream_depth", 3 },
	{ "stream_timeout = 0\n", "stream_timeout", 3 },
	{ "flow_timeout = 2 weeks\n", "flow_timeout", 3 },
	{ "portscan_ports = 513\n", "portscan_ports", 3 },
	{ "portscan_hosts = -1\n", "portscan_hosts", 3 },
	{ "portscan_window = 0\n", "portscan_window", 3 },
	{ "portscan_sources = 0\n", "portscan_sources", 3 },
	{ "synflood_syns = x\n", "synflood_syns", 3 },
	{ "synflood_window = 2h\n", "synflood_window", 3 },
	{ "synflood_targets = 0\n", "synflood_targets", 3 },
	{ "mod = inline\n", "mod", 3 },
	{ "mode = inline\nmode = passive\n", "mode", 4 },
};

START_TEST(test_bad_config)
{
	const struct bad_config *b = &bad_configs[_i];

	ck_assert_int_eq(init_ids(EVIL, b->ini), -EINVAL);
	sr_expect_config_error(_i, "ids", b->line, b->key);
	sa_shim_fini();
}
END_TEST

START_TEST(test_missing_rules)
{
	char ini[INI_MAX];

	ck_assert_int_eq(sa_shim_init(&ids_middlebox, "[ids]\nmode = inline\n"),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "[ids]: missing "
				     "required key 'rules'"));
	snprintf(ini, sizeof(ini), "[ids]\nrules = /nonexistent/ids.rules\n");
	ck_assert_int_eq(sa_shim_init(&ids_middlebox, ini), -EINVAL);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "/nonexistent/ids."
				     "rules: cannot open rules file"));
	sa_shim_fini();
}
END_TEST

struct bad_rules {
	const char *text;
	unsigned int line;
	const char *what;	/* must appear in the message */
};

#define OK_RULE "alert tcp any any -> any any (msg:\"ok\"; content:\"x\"; sid:1000;)\n"
#define HDR "alert tcp any any -> any any "
#define BAD(opts) HDR "(" opts ")\n"

static const struct bad_rules bad_rules[] = {
	{ "alrt tcp any any -> any any (msg:\"x\"; sid:1001;)\n", 1, "expected an action" },
	{ "# comment\n\n" "alert tcpx any any -> any any (msg:\"x\"; sid:1001;)\n", 3, "protocol" },
	{ OK_RULE "alert tcp 10.0.0.300 any -> any any (msg:\"x\"; sid:1001;)\n", 2, "bad address" },
	{ "alert tcp 10.0.0.1/24 any -> any any (msg:\"x\"; sid:1001;)\n", 1, "host bits" },
	{ "alert tcp any 70000 -> any any (msg:\"x\"; sid:1001;)\n", 1, "bad port" },
	{ "alert tcp any 90:80 -> any any (msg:\"x\"; sid:1001;)\n", 1, "bad port" },
	{ "alert tcp any [1,x] -> any any (msg:\"x\"; sid:1001;)\n", 1, "bad port" },
	{ "alert tcp any [1,2 -> any any (msg:\"x\"; sid:1001;)\n", 1, "lacks its ']'" },
	{ "alert tcp any any => any any (msg:\"x\"; sid:1001;)\n", 1, "\"->\" or \"<>\"" },
	{ "alert tcp any any -> any\n", 1, "ports were expected" },
	{ "alert tcp any any -> any any msg:\"x\"; sid:1001;\n", 1, "expected \"(\"" },
	{ "alert tcp any any -> any any (msg:\"x\"; sid:1001;\n", 1, "do not end" },
	{ "alert tcp $FOO any -> any any (msg:\"x\"; sid:1001;)\n", 1, "unknown variable" },
	{ "alert tcp !any any -> any any (msg:\"x\"; sid:1001;)\n", 1, "matches nothing" },
	{ "alert tcp [] any -> any any (msg:\"x\"; sid:1001;)\n", 1, "empty address list" },
	{ "alert tcp [1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6,1.1.1.7,"
	  "1.1.1.8,1.1.1.9,1.1.1.10,1.1.1.11,1.1.1.12,1.1.1.13,1.1.1.14,"
	  "1.1.1.15,1.1.1.16,1.1.1.17] any -> any any (msg:\"x\"; sid:1001;)\n",
	  1, "more than 16 addresses" },
	{ "alert icmp any 80 -> any any (msg:\"x\"; sid:1001;)\n", 1, "ports need tcp or udp" },
	{ "alert udp any any -> any any (msg:\"x\"; flags:S; sid:1001;)\n", 1, "flags needs tcp" },
	{ BAD("msg:\"x\"; itype:8; sid:1001;"), 1, "need icmp" },
	{ BAD("msg:\"x\"; sid:10;"), 1, "sid: 10 is out of range" },
	{ OK_RULE BAD("msg:\"y\"; sid:1000;"), 2, "duplicate sid 1000 (first at line 1)" },
	{ BAD("sid:1001;"), 1, "lacks msg" },
	{ BAD("msg:\"x\";"), 1, "lacks sid" },
	{ BAD("msg:\"x\"; msg:\"y\"; sid:1001;"), 1, "msg given twice" },
	{ BAD("msg:\"x\"; sid:1001; sid:1002;"), 1, "sid given twice" },
	{ BAD("msg:\"x\"; sid:1001; rev:0;"), 1, "rev: 0 is out of range" },
	{ BAD("msg:\"x\"; content:\"|4g|\"; sid:1001;"), 1, "bad hex byte" },
	{ BAD("msg:\"x\"; content:\"|414|\"; sid:1001;"), 1, "bad hex byte" },
	{ BAD("msg:\"abc; sid:1001;"), 1, "unterminated string" },
	{ BAD("msg:\"a\\qb\"; sid:1001;"), 1, "unknown escape" },
	{ BAD("msg:\"a\"b; sid:1001;"), 1, "after the closing quote" },
	{ BAD("msg:x; sid:1001;"), 1, "quoted string" },
	{ BAD("msg:\"a\tb\"; sid:1001;"), 1, "non-printable" },
	{ BAD("msg:\"x\"; sid:1001"), 1, "lacks its closing ';'" },
	{ BAD("msg:\"x\"; bogus:1; sid:1001;"), 1, "unknown option \"bogus\"" },
	{ BAD("msg:\"x\"; 5; sid:1001;"), 1, "expected an option name" },
	{ BAD("msg:\"x\"; nocase; sid:1001;"), 1, "must follow a content" },
	{ BAD("msg:\"x\"; content:\"a\"; nocase:1; sid:1001;"), 1, "takes no value" },
	{ BAD("msg:\"x\"; content:\"a\"; nocase; nocase; sid:1001;"), 1, "nocase given twice" },
	{ BAD("msg:\"x\"; content:\"abc\"; depth:2; sid:1001;"), 1, "shorter than its content" },
	{ BAD("msg:\"x\"; content:\"abc\"; offset:2000000; sid:1001;"), 1, "out of range" },
	{ BAD("msg:\"x\"; content:\"abc\"; offset:1; offset:2; sid:1001;"), 1, "offset given twice" },
	{ BAD("msg:\"x\"; content:\"\"; sid:1001;"), 1, "empty content" },
	{ BAD("msg:\"x\"; content:!\"a\"; sid:1001;"), 1, "not supported" },
	{ BAD("msg:\"x\"; content:\"1\"; content:\"2\"; content:\"3\"; content:\"4\"; "
	      "content:\"5\"; content:\"6\"; content:\"7\"; content:\"8\"; content:\"9\"; "
	      "sid:1001;"), 1, "more than 8 contents" },
	{ BAD("msg:\"x\"; flags:SX; sid:1001;"), 1, "bad TCP flag 'X'" },
	{ BAD("msg:\"x\"; flags:+; sid:1001;"), 1, "lists no flag" },
	{ BAD("msg:\"x\"; dsize:5<>6; sid:1001;"), 1, "is empty" },
	{ BAD("msg:\"x\"; dsize:>65535; sid:1001;"), 1, "out of range" },
	{ BAD("msg:\"x\"; flow:sideways; sid:1001;"), 1, "unknown flow option" },
	{ BAD("msg:\"x\"; flow:to_server,to_client; sid:1001;"), 1, "both to_server" },
	{ BAD("msg:\"x\"; classtype:; sid:1001;"), 1, "needs a value" },
	{ "alert icmp any any -> any any (msg:\"x\"; itype:256; sid:1001;)\n", 1, "out of range" },
	{ "alert icmp any any -> any any (msg:\"x\"; icode:1; icode:2; sid:1001;)\n", 1,
	  "icode given twice" },
};

START_TEST(test_bad_rules)
{
	const struct bad_rules *b = &bad_rules[_i];
	const char *log;
	char loc[PATH_MAX_ + 64];

	ck_assert_int_eq(init_ids(b->text, NULL), -EINVAL);
	log = sa_shim_last_log();
	snprintf(loc, sizeof(loc), "%s:%u: ", rules_path, b->line);
	ck_assert_msg(strstr(log, loc) != NULL && strstr(log, b->what) != NULL,
		      "rules %u: '%s' lacks '%s' or '%s'", _i, log, loc,
		      b->what);
	sa_shim_fini();
}
END_TEST

/* Long lines and long contents, built at run time. */
START_TEST(test_bad_rules_built)
{
	static char text[8192];
	char loc[PATH_MAX_ + 64];
	size_t n;

	memset(text, 'a', sizeof(text));
	memcpy(text, "# ", 2);
	text[5000] = '\n';
	text[5001] = '\0';
	ck_assert_int_eq(init_ids(text, NULL), -EINVAL);
	snprintf(loc, sizeof(loc), "%s:1: line longer than 4095", rules_path);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), loc));

	n = (size_t)snprintf(text, sizeof(text), OK_RULE HDR "(msg:\"x\"; content:\"");
	memset(text + n, 'b', 256);
	snprintf(text + n + 256, sizeof(text) - n - 256, "\"; sid:1001;)\n");
	ck_assert_int_eq(init_ids(text, NULL), -EINVAL);
	snprintf(loc, sizeof(loc), "%s:2: string longer than 255", rules_path);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), loc));
	sa_shim_fini();
}
END_TEST

/* A NUL byte in a line: written by hand, as strlen() would stop there. */
START_TEST(test_nul_byte)
{
	static const char text[] = OK_RULE "alert\0tcp\n";
	char ini[INI_MAX], loc[PATH_MAX_ + 64];
	int fd;

	snprintf(rules_path, sizeof(rules_path), "/tmp/check_ids_XXXXXX");
	fd = mkstemp(rules_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1),
			 (ssize_t)sizeof(text) - 1);
	close(fd);
	snprintf(ini, sizeof(ini), "[ids]\nrules = %s\n", rules_path);
	ck_assert_int_eq(sa_shim_init(&ids_middlebox, ini), -EINVAL);
	unlink(rules_path);
	snprintf(loc, sizeof(loc), "%s:2: NUL byte", rules_path);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), loc));
	sa_shim_fini();
}
END_TEST

static const char *const good_rules[] = {
	"",
	"# only comments\n\n   # indented\n",
	"alert ip any any -> any any (msg:\"all\"; sid:1000;)\r\n",
	"alert tcp [10.0.0.0/8, 192.0.2.0/24] [1:1023,8080] <> !$HOME_NET :1023 "
	"(msg:\"a; b \\\"q\\\" c\\\\\"; content:\"a\\;b\\:c\\|d\\\"\"; nocase; "
	"offset:0; depth:12; content:\"|00 01 02|x|ff|\"; flow:to_client,established; "
	"flags:!R; dsize:1<>1000; classtype:misc; reference:url,example.com/x; "
	"priority:2; metadata:k v; sid:4294967294; rev:7;)\n",
	"drop udp $EXTERNAL_NET 53: -> fd00::/8 any (msg:\"v6\"; dsize:<10; sid:1001;)\n"
	"pass icmp any any -> any any (msg:\"e\"; itype:0; icode:0; sid:1002;)\n"
	"alert tcp any any -> any any (msg:\"n\"; flags:0; sid:1003;)\n"
	"alert tcp any any -> any any (msg:\"n\"; flags:*SF; sid:1004;)\n",
};

START_TEST(test_good_rules)
{
	ck_assert_msg(init_ids(good_rules[_i], "mode = inline\n") == 0,
		      "rules %u: %s", _i, sa_shim_last_log());
	sa_shim_fini();
}
END_TEST

/* ---- limits ----------------------------------------------------------- */

/* However little state memory there is, init fails cleanly or the IDS
 * works; the packet path never allocates. */
START_TEST(test_state_limit)
{
	static const size_t limits[] = {
		0, 64, 2000, 8192, 100000, 1000000, 4000000, 32000000, SIZE_MAX,
	};
	static const struct sr_frame f = TCP(H(1), R1, 1, 80, PSH, 1, "evil");
	char ini[INI_MAX];
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	unsigned int i, ok = 0;
	size_t len = build(&f, buf);
	int rc;

	snprintf(ini, sizeof(ini), "[ids]\nrules = %s\nmax_flows = 20000\n",
		 write_rules(EVIL RULE80(1001, "two", "content:\"a\"; content:\"b\";")
			     "alert tcp any any -> any any (msg:\"h\"; flags:0; sid:1002;)\n"));
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		sa_shim_state_limit(limits[i]);
		rc = sa_shim_init(&ids_middlebox, ini);
		if (rc != 0) {
			ck_assert_int_eq(rc, -ENOMEM);
			ck_assert_ptr_nonnull(strstr(sa_shim_last_log(),
						     "out of state memory"));
			continue;
		}
		ok++;
		sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
		ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
		ck_assert_uint_eq(out.n_alerts, 1);
		sa_shim_fini();
	}
	unlink(rules_path);
	sa_shim_state_limit(SIZE_MAX);
	ck_assert_uint_ge(ok, 1);
	ck_assert_uint_lt(ok, sizeof(limits) / sizeof(limits[0]));
}
END_TEST

/* Writes @n lines made by @line(i, buf) into a rules file and loads it;
 * returns init's result with the log in the shim. */
static int
init_generated(unsigned int n, void (*line)(unsigned int, char *, size_t))
{
	const size_t cap = (size_t)n * 1024 + 1;
	char *text = malloc(cap);
	size_t used = 0;
	unsigned int i;
	int rc;

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < n; i++) {
		line(i, text + used, cap - used);
		used += strlen(text + used);
	}
	rc = init_ids(text, NULL);
	free(text);
	return rc;
}

static void
line_plain(unsigned int i, char *out, size_t size)
{
	snprintf(out, size, HDR "(msg:\"r\"; content:\"x\"; sid:%u;)\n", 1000 + i);
}

static void
line_header(unsigned int i, char *out, size_t size)
{
	snprintf(out, size, HDR "(msg:\"r\"; sid:%u;)\n", 1000 + i);
}

static void
line_eight(unsigned int i, char *out, size_t size)
{
	snprintf(out, size, HDR "(msg:\"r\"; content:\"c1\"; content:\"c2\"; "
		 "content:\"c3\"; content:\"c4\"; content:\"c5\"; "
		 "content:\"c6\"; content:\"c7\"; content:\"c8\"; sid:%u;)\n",
		 1000 + i);
}

#define LONG_CONTENT 255

static void
line_random(unsigned int i, char *out, size_t size)
{
	uint32_t rng = i * 2654435761u + 1;
	int n = snprintf(out, size, HDR "(msg:\"r\"; content:\"|");
	unsigned int k;

	for (k = 0; k < LONG_CONTENT; k++)
		n += snprintf(out + n, size - (size_t)n, "%02x",
			      sr_xorshift(&rng) & 0xff);
	snprintf(out + n, size - (size_t)n, "|\"; sid:%u;)\n", 1000 + i);
}

/* Rule sets too large for bounded memory or per-packet work fail at
 * start with a message saying which limit. */
START_TEST(test_rule_set_limits)
{
	char loc[PATH_MAX_ + 64];

	ck_assert_int_eq(init_generated(4096, line_plain), 0);
	ck_assert_uint_eq(sa_shim_stat("rules"), 4096);
	ck_assert_int_eq(init_generated(4097, line_plain), -EINVAL);
	snprintf(loc, sizeof(loc), "%s:4097: more than 4096 rules", rules_path);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), loc));

	ck_assert_int_eq(init_generated(256, line_header), 0);
	ck_assert_int_eq(init_generated(257, line_header), -EINVAL);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "257 rules without "
				     "content; at most 256"));

	ck_assert_int_eq(init_generated(1800, line_eight), 0);
	ck_assert_int_eq(init_generated(2000, line_eight), -EINVAL);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "bytes of state per "
				     "flow (at most 4096)"));

	ck_assert_int_eq(init_generated(2000, line_random), -EINVAL);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "automata would need "
				     "more than 32 MiB"));
	sa_shim_fini();
}
END_TEST

static void
send_tcp(uint32_t src, uint16_t sport, uint32_t seq, const uint8_t *pl,
	 uint32_t plen, struct sa_shim_out *out)
{
	struct sr_frame f = TCP(src, R1, sport, 80, PSH, seq, NULL);
	uint8_t buf[FRAME_MAX];
	size_t len = build_bin(&f, pl, plen, buf);

	sa_shim_process(buf, (uint32_t)len, ANY, S(1), out);
}

/* More rules fire on one packet than the event queue holds: the first
 * IDS_EVENTS_MAX alert, the rest are counted, and a drop among them
 * still drops. */
START_TEST(test_event_overflow)
{
	char text[INI_MAX];
	struct sa_shim_out out;
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < 19; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      HDR "(msg:\"r%u\"; sid:%u;)\n", i, 1000 + i);
	snprintf(text + n, sizeof(text) - n,
		 "drop tcp any any -> any any (msg:\"last\"; sid:2000;)\n");
	ck_assert_int_eq(init_ids(text, "mode = inline\n"), 0);
	send_tcp(H(1), 1, 1, (const uint8_t *)"x", 1, &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_DROP);
	ck_assert_str_eq(sa_shim_reason_name(out.reason), "rule-drop");
	ck_assert_uint_eq(out.n_alerts, 16);
	ck_assert_uint_eq(sa_shim_stat("event_queue_overflow"), 4);
	ck_assert_uint_eq(sa_shim_stat("sid_2000"), 1);
	sa_shim_fini();
}
END_TEST

START_TEST(test_tracker_tables_full)
{
	static const struct sr_step steps[] = {
		PKT(S(1), TCP(R1, H(1), 9, 1, SYN, 1, NULL)),
		PKT(S(1), TCP(R2, H(1), 9, 2, SYN, 1, NULL)),
		PKT(S(1), TCP(R2, H(2), 9, 3, SYN, 1, NULL)),
	};
	unsigned int i;

	ck_assert_int_eq(init_ids(EVIL, "portscan_sources = 1\n"
				  "synflood_targets = 1\n"), 0);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		sr_run_packet(&ids_steps, "tracker", &steps[i]);
	ck_assert_uint_eq(sa_shim_stat("scan_table_full"), 2);
	ck_assert_uint_eq(sa_shim_stat("flood_table_full"), 1);
	ck_assert_uint_eq(sa_shim_stat("scan_sources"), 1);
	ck_assert_uint_eq(sa_shim_stat("flood_targets"), 1);
	sa_shim_fini();
}
END_TEST

/* ---- hostile input ---------------------------------------------------- */

#define HOSTILE_PATTERNS	64u
#define HOSTILE_PKT		1400u
#define HOSTILE_PKTS		10u
#define HOSTILE_DATAGRAMS	20u
#define DEPTH_DEFAULT		4096u
#define N_AUTOMATA		2u

/*
 * "a", "aa", ... 64 a's against a stream of a's: every position ends up
 * to 64 patterns, the worst an automaton of these patterns can do. The
 * work is counted, not timed: one transition per inspected byte and
 * automaton, inspection stops at stream_depth whatever is sent, and the
 * pattern hits are exactly the occurrences.
 */
START_TEST(test_hostile_bound)
{
	static uint8_t pl[HOSTILE_PKT];
	static char text[HOSTILE_PATTERNS * 160];
	uint64_t hits = 0, inspected, trans;
	struct sa_shim_out out;
	size_t n = 0;
	unsigned int i, k;

	for (i = 1; i <= HOSTILE_PATTERNS; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "alert tcp any any -> any 80 (msg:\"a%u\"; "
				      "content:\"", i);
		for (k = 0; k < i; k++)
			text[n++] = 'a';
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "\"; sid:%u;)\n", 1000 + i);
	}
	snprintf(text + n, sizeof(text) - n, "alert tcp any any -> any 80 "
		 "(msg:\"b\"; content:\"B\"; nocase; sid:2000;)\n");
	ck_assert_int_eq(init_ids(text, NULL), 0);
	memset(pl, 'a', sizeof(pl));
	for (i = 0; i < HOSTILE_PKTS; i++)
		send_tcp(H(1), 1, 1 + i * HOSTILE_PKT, pl, HOSTILE_PKT, &out);
	inspected = sa_shim_stat("bytes_inspected");
	ck_assert_uint_eq(inspected, DEPTH_DEFAULT);
	ck_assert_uint_eq(sa_shim_stat("ac_transitions"), N_AUTOMATA * inspected);
	for (i = 1; i <= DEPTH_DEFAULT; i++)
		hits += i < HOSTILE_PATTERNS ? i : HOSTILE_PATTERNS;
	ck_assert_uint_eq(sa_shim_stat("pattern_hits"), hits);
	ck_assert_uint_eq(sa_shim_stat("rule_evals"), HOSTILE_PATTERNS);
	ck_assert_uint_eq(sa_shim_stat("alerts"), 16);
	ck_assert_uint_eq(sa_shim_stat("event_queue_overflow"),
			  HOSTILE_PATTERNS - 16);

	/* Datagrams start over each time, each one bounded the same way. */
	trans = sa_shim_stat("ac_transitions");
	for (i = 0; i < HOSTILE_DATAGRAMS; i++) {
		struct sr_frame f = UDP(H(2), R1, 7, 80, NULL);
		uint8_t buf[FRAME_MAX];
		size_t len = build_bin(&f, pl, HOSTILE_PKT, buf);

		sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	}
	ck_assert_uint_eq(sa_shim_stat("ac_transitions") - trans,
			  N_AUTOMATA * HOSTILE_DATAGRAMS * HOSTILE_PKT);
	ck_assert_uint_le(sa_shim_stat("pattern_hits"),
			  HOSTILE_PATTERNS * sa_shim_stat("bytes_inspected"));
	ck_assert_uint_le(sa_shim_stat("rule_evals"),
			  sa_shim_stat("pattern_hits"));
	sa_shim_fini();
}
END_TEST

#define FUZZ_STREAMS	200u

/* Random binary streams, NUL bytes included, through the shipped rules:
 * no crash, one verdict each, work proportional to bytes inspected. */
START_TEST(test_fuzz_shipped_rules)
{
	char rules[PATH_MAX_ * 2], ini[INI_MAX];
	static uint8_t pl[HOSTILE_PKT];
	struct sa_shim_out out;
	uint32_t rng = 99, i, j, k, len, seq;

	source_path("configs/ids/rules", rules, sizeof(rules));
	snprintf(ini, sizeof(ini), "[ids]\nrules = %s\ninside = 10.0.0.0/8\n",
		 rules);
	ck_assert_int_eq(sa_shim_init(&ids_middlebox, ini), 0);
	for (i = 0; i < FUZZ_STREAMS; i++) {
		seq = sr_xorshift(&rng);
		for (k = 0; k < 4; k++) {
			len = sr_xorshift(&rng) % HOSTILE_PKT;
			/* random bytes, a seventh of them pattern-ish */
			for (j = 0; j < len; j++)
				pl[j] = sr_xorshift(&rng) % 7 == 0 ?
					(uint8_t)"ab/.<%|"[j % 7] :
					(uint8_t)sr_xorshift(&rng);
			send_tcp(HX(i), (uint16_t)(1 + i), seq, pl, len, &out);
			ck_assert_uint_eq(out.n_verdicts, 1);
			seq += len;
		}
	}
	ck_assert_uint_eq(sa_shim_stat("ac_transitions"),
			  N_AUTOMATA * sa_shim_stat("bytes_inspected"));
	sa_shim_fini();
}
END_TEST

static Suite *
ids_suite(void)
{
	Suite *s = suite_create("ids");
	TCase *tc;

	tc = sa_tcase(s, "core", 30);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_arms);
	tcase_add_test(tc, test_shipped_config);
	tcase_add_loop_test(tc, test_scenario, 0, N_SCENARIOS);

	tc = sa_tcase(s, "malformed", 60);
	tcase_add_loop_test(tc, test_malformed, 0,
			    sizeof(malformed) / sizeof(malformed[0]));
	tcase_add_test(tc, test_truncated_and_corrupted);

	tc = sa_tcase(s, "config", 30);
	tcase_add_loop_test(tc, test_bad_config, 0,
			    sizeof(bad_configs) / sizeof(bad_configs[0]));
	tcase_add_test(tc, test_missing_rules);
	tcase_add_loop_test(tc, test_bad_rules, 0,
			    sizeof(bad_rules) / sizeof(bad_rules[0]));
	tcase_add_test(tc, test_bad_rules_built);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_loop_test(tc, test_good_rules, 0,
			    sizeof(good_rules) / sizeof(good_rules[0]));

	tc = sa_tcase(s, "limits", 120);
	tcase_add_test(tc, test_state_limit);
	tcase_add_test(tc, test_rule_set_limits);
	tcase_add_test(tc, test_event_overflow);
	tcase_add_test(tc, test_tracker_tables_full);

	tc = sa_tcase(s, "hostile", 120);
	tcase_add_test(tc, test_hostile_bound);
	tcase_add_test(tc, test_fuzz_shipped_rules);
	return s;
}

SA_CHECK_MAIN(ids_suite)
