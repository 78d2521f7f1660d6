/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * monitor: table-driven through the shim. Scenarios are a configuration
 * and steps (packet with the asset events it must raise, tick, counter
 * check); every packet must come out unchanged on the other arm. The
 * signature files a test needs are written to a temporary directory by
 * a checked fixture; the shipped files under configs/monitor/ are loaded
 * by their own cases (fingerprints and banners of real stacks).
 *
 * TCP options are encoded here from a small spec ("M1460,S,T,N,W7"),
 * independently of the middlebox's option walker.
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

extern const struct sa_middlebox mon_middlebox;

#define S(n)		((uint64_t)(n) * 1000000000ull)
#define MS(n)		((uint64_t)(n) * 1000000ull)
#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 |	\
			 (uint32_t)(c) << 8 | (uint32_t)(d))
#define H(n)		IP4(10, 0, 0, n)	/* inside */
#define R(n)		IP4(198, 51, 100, n)	/* outside */

#define SYN		SA_TCP_SYN
#define ACK		SA_TCP_ACK
#define SYNACK		(SA_TCP_SYN | SA_TCP_ACK)
#define PSHACK		(SA_TCP_PSH | SA_TCP_ACK)

#define FRAME_MAX	1600
#define PAYLOAD_MAX	1400
#define OPTS_MAX	40
#define MAX_STEPS	24
#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define TCP_LEN		20
#define PATH_MAX_	256
#define INI_MAX		2048
#define TS_LEN		10

#define EV_HOST		1
#define EV_OS		2
#define EV_SVC		3
#define EV_LABEL	4

/* Linux 5.x SYN and SYN-ACK, Windows 10 SYN. */
#define LINUX_OPTS	"M1460,S,T,N,W7"
#define WIN10_OPTS	"M1460,N,W8,N,N,S"

enum fkind { F_TCP = 1, F_TCP6, F_UDP, F_UDP6, F_ICMP, F_ARP, F_FRAG };

/*
 * Frames (struct sr_frame). IPv6 kinds turn a 10.x.y.z source or
 * destination into fd00::y:z and any other into 2001:db8::y:z. ttl/win 0:
 * pktbuild's defaults (64, 65535). payload_len 0: strlen(payload).
 */
#define FR(k, s, d, sp, dp, fl, t, w, o, pl, n) \
	{ .kind = (k), .src = (s), .dst = (d), .sport = (sp), .dport = (dp), \
	  .flags = (fl), .ttl = (t), .win = (w), .opts = (o), \
	  .payload = (pl), .payload_len = (n) }

struct scenario {
	const char *name;
	const char *ini;	/* @OS@ @SVC@ @SVC22@: fixture file paths */
	struct sr_step steps[MAX_STEPS];
};

#define SYNF(s, d, sp, dp, ttl, win, o) \
	FR(F_TCP, s, d, sp, dp, SYN, ttl, win, o, NULL, 0)
#define SYNACKF(s, d, sp, dp) \
	FR(F_TCP, s, d, sp, dp, SYNACK, 64, 65160, LINUX_OPTS, NULL, 0)
#define DATA(s, d, sp, dp, text) \
	FR(F_TCP, s, d, sp, dp, PSHACK, 64, 502, NULL, text, 0)
#define UDPF(s, d, sp, dp, text, n) \
	FR(F_UDP, s, d, sp, dp, 0, 64, 0, NULL, text, n)
#define FRAME(k, s, d) FR(k, s, d, 1111, 2222, ACK, 64, 0, NULL, NULL, 0)
/* Every packet comes out unchanged on the other arm. */
#define PKT(time, frame, n, id, text) \
	{ .op = SR_PKT, .t = (time), .arm = SA_ARM_ANY, .f = frame, \
	  .alerts = (n), .alert_id = (id), .alert = (text) }
#define QUIET(time, frame) \
	{ .op = SR_PKT, .t = (time), .arm = SA_ARM_ANY, .f = frame }
#define TICK(time) { .op = SR_TICK, .t = (time) }
#define STAT(name, v) { .op = SR_STAT, .stat = (name), .value = (v) }

/* ---- signature files of the fixture ---------------------------------- */

static const char test_os[] =
	"# test OS signatures\n"
	"syn:64:mss*44:*:7:M,S,T,N,W = Linux 5\n"
	"syn:64:mss*44:*:8:M,S,T,N,W = Linux 5\n"
	"syn:128:64240:*:8:M,N,W,N,N,S = Windows 10\n"
	"synack:64:65160:*:7:M,S,T,N,W = Linux 5\n"
	"*:255:4128:536:-:M = Cisco IOS\n"
	"syn:64:*:*:*:?34,E = TFO stack\n"
	"syn:64:*:*:*:N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,N,"
	"N,N,N,N,N,N,N,N,N,N,N,N,N,N = NOP stack\n"
	"syn:64:5000:-:-:- = bare stack\n";

static const char test_svc[] =
	"tcp:*:SSH-2\\.0-OpenSSH_(\\S+) = ssh/OpenSSH $1\n"
	"tcp:*:(?i)HTTP/1\\.[01] .*?\\r\\nServer: ([^\\r\\n]+) = http/$1\n"
	"udp:53:..[\\x80-\\xff] = dns\n";

static const char test_svc22[] =
	"tcp:22:SSH-(\\S+) = ssh $1\n";

static char tmp_dir[PATH_MAX_ / 2];
static char os_path[PATH_MAX_];
static char svc_path[PATH_MAX_];
static char svc22_path[PATH_MAX_];
static char extra_path[PATH_MAX_];

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void
files_setup(void)
{
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/check_monitor_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
	snprintf(os_path, sizeof(os_path), "%s/os.sigs", tmp_dir);
	snprintf(svc_path, sizeof(svc_path), "%s/svc.sigs", tmp_dir);
	snprintf(svc22_path, sizeof(svc22_path), "%s/svc22.sigs", tmp_dir);
	snprintf(extra_path, sizeof(extra_path), "%s/extra.sigs", tmp_dir);
	write_file(os_path, test_os, strlen(test_os));
	write_file(svc_path, test_svc, strlen(test_svc));
	write_file(svc22_path, test_svc22, strlen(test_svc22));
}

static void
files_teardown(void)
{
	unlink(os_path);
	unlink(svc_path);
	unlink(svc22_path);
	unlink(extra_path);
	rmdir(tmp_dir);
}

/* Replaces @OS@, @SVC@, @SVC22@ and @EXTRA@ by the fixture's paths. */
static void
ini_expand(const char *tmpl, char *out, size_t size)
{
	static const struct { const char *tok; const char *path; } subst[] = {
		{ "@OS@", os_path }, { "@SVC@", svc_path },
		{ "@SVC22@", svc22_path }, { "@EXTRA@", extra_path },
	};
	size_t n = 0, i, tl;

	while (*tmpl != '\0' && n + 1 < size) {
		for (i = 0; i < sizeof(subst) / sizeof(subst[0]); i++) {
			tl = strlen(subst[i].tok);
			if (strncmp(tmpl, subst[i].tok, tl) == 0)
				break;
		}
		if (i < sizeof(subst) / sizeof(subst[0])) {
			n += (size_t)snprintf(out + n, size - n, "%s",
					      subst[i].path);
			tmpl += strlen(subst[i].tok);
		} else {
			out[n++] = *tmpl++;
		}
	}
	out[n < size ? n : size - 1] = '\0';
}

static int
init_ini(const char *tmpl)
{
	char ini[INI_MAX];

	ini_expand(tmpl, ini, sizeof(ini));
	return sa_shim_init(&mon_middlebox, ini);
}

/* A file of the source tree, from this file's path as the compiler saw
 * it (meson compiles from the build root and runs tests there), or else
 * from the working directory (the suite run from the source root). */
static void
source_path(const char *rel, char *out, size_t size)
{
	const char *file = __FILE__;
	const char *slash = strstr(file, "tests/unit/check_monitor.c");

	ck_assert_ptr_nonnull(slash);
	snprintf(out, size, "%.*s%s", (int)(slash - file), file, rel);
	if (access(out, R_OK) != 0)
		snprintf(out, size, "%s", rel);
}

/* ---- frames ---------------------------------------------------------- */

static unsigned int
hexval(char c)
{
	return (unsigned int)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
}

/* Options from "M1460,S,T,N,W7,E,K34" (zero-padded to a multiple of 4)
 * or raw bytes from "x:0204..." (taken as they are). */
static uint32_t
encode_opts(const char *spec, uint8_t *out)
{
	uint32_t n = 0, v, k;
	const char *p = spec;
	char *end;

	if (spec == NULL)
		return 0;
	if (strncmp(spec, "x:", 2) == 0) {
		for (p = spec + 2; p[0] && p[1]; p += 2)
			out[n++] = (uint8_t)(hexval(p[0]) << 4 | hexval(p[1]));
		return n;
	}
	while (*p != '\0') {
		char c = *p++;

		v = (uint32_t)strtoul(p, &end, 10);
		p = end;
		switch (c) {
		case 'M':
			out[n++] = 2; out[n++] = 4;
			out[n++] = (uint8_t)(v >> 8); out[n++] = (uint8_t)v;
			break;
		case 'W':
			out[n++] = 3; out[n++] = 3; out[n++] = (uint8_t)v;
			break;
		case 'S':
			out[n++] = 4; out[n++] = 2;
			break;
		case 'T':
			out[n++] = 8; out[n++] = TS_LEN;
			for (k = 2; k < TS_LEN; k++)
				out[n++] = (uint8_t)k;
			break;
		case 'N':
			out[n++] = 1;
			break;
		case 'K':
			out[n++] = (uint8_t)v; out[n++] = 2;
			break;
		default:
			out[n++] = 0;
			break;
		}
		if (*p == ',')
			p++;
	}
	while (n % 4 != 0)
		out[n++] = 0;
	return n;
}

static void
map6(uint32_t a, uint8_t *out)
{
	static const uint8_t in6[2] = { 0xfd, 0x00 };
	static const uint8_t out6[4] = { 0x20, 0x01, 0x0d, 0xb8 };

	memset(out, 0, 16);
	if ((a >> 24) == 10)
		memcpy(out, in6, sizeof(in6));
	else
		memcpy(out, out6, sizeof(out6));
	out[14] = (uint8_t)(a >> 8);
	out[15] = (uint8_t)a;
}

/* Puts @p olen option bytes, at the start of the payload, into the TCP
 * header and fixes the checksum. */
static void
fix_tcp(uint8_t *buf, bool v6, uint32_t olen)
{
	uint32_t l3 = ETH_LEN, l4 = l3 + (v6 ? IP6_LEN : IP4_LEN), l4len;
	struct sa_tcp_hdr *tcp = (struct sa_tcp_hdr *)(buf + l4);
	struct sa_ipv4_hdr *ip4 = (struct sa_ipv4_hdr *)(buf + l3);
	struct sa_ipv6_hdr *ip6 = (struct sa_ipv6_hdr *)(buf + l3);

	tcp->data_off = (uint8_t)(((TCP_LEN + olen) / 4) << 4);
	tcp->cksum = 0;
	if (v6) {
		l4len = ntohs(ip6->payload_len);
		tcp->cksum = sa_cksum_ipv6_l4(ip6, SA_IPPROTO_TCP, tcp, l4len);
	} else {
		l4len = ntohs(ip4->total_length) - IP4_LEN;
		tcp->cksum = sa_cksum_ipv4_l4(ip4, tcp, l4len);
	}
}

static size_t
build(const struct sr_frame *f, uint8_t *buf)
{
	uint8_t pl[OPTS_MAX + PAYLOAD_MAX + 4], s6[16], d6[16];
	bool v6 = f->kind == F_TCP6 || f->kind == F_UDP6;
	bool tcp = f->kind == F_TCP || f->kind == F_TCP6;
	uint8_t proto = tcp ? SA_IPPROTO_TCP : f->kind == F_ICMP ?
			SA_IPPROTO_ICMP : SA_IPPROTO_UDP;
	uint32_t olen = tcp ? encode_opts(f->opts, pl) : 0, plen;
	struct pb_spec s;
	size_t len;

	if (f->kind == F_ARP)
		return sr_build_arp(buf);
	plen = f->payload == NULL ? 0 : f->payload_len ? f->payload_len :
	       (uint32_t)strlen(f->payload);
	ck_assert_uint_le(plen, PAYLOAD_MAX);
	if (plen > 0)
		memcpy(pl + olen, f->payload, plen);
	if (v6) {
		map6(f->src, s6);
		map6(f->dst, d6);
		pb_spec_init6(&s, proto, s6, d6, f->sport, f->dport);
	} else {
		pb_spec_init4(&s, proto, f->src, f->dst, f->sport, f->dport);
	}
	s.tcp_flags = f->flags;
	s.ttl = f->ttl;
	s.win = f->win;
	s.payload = pl;
	s.payload_len = olen + plen;
	len = pb_build(buf, FRAME_MAX, &s);
	ck_assert_uint_gt(len, 0);
	if (tcp && olen > 0)
		fix_tcp(buf, v6, olen);
	if (f->kind == F_FRAG)
		sr_patch_ip4(buf, SR_PATCH_FRAG_LATER);
	return len;
}

/* Runs one frame; it must leave unchanged on the arm across. */
static void
send_frame(const char *what, const uint8_t *in, size_t len, uint8_t arm,
	   uint64_t t, struct sa_shim_out *out)
{
	sa_shim_process(in, (uint32_t)len, arm, t, out);
	sr_expect_emit(what, out, arm == SA_ARM_OUTSIDE ? SA_ARM_INSIDE :
							  SA_ARM_OUTSIDE);
	sr_expect_frame(what, out, in, len);
}

static void
send_pkt(const char *what, const struct sr_frame *f, uint64_t t,
	 struct sa_shim_out *out)
{
	uint8_t buf[FRAME_MAX];
	size_t len = build(f, buf);

	send_frame(what, buf, len, SA_ARM_ANY, t, out);
}

static const struct sr_ops mon_steps = { build, SR_ARM_ACROSS };

/* ---- scenarios -------------------------------------------------------- */

#define INI_SIGS	"os_signatures = @OS@\nservice_signatures = @SVC@\n"
#define INI		"[monitor]\ninside = 10.0.0.0/8, fd00::/16\n" INI_SIGS
#define V6SYN(s, d)	FR(F_TCP6, s, d, 40000, 443, SYN, 64, 64240, \
			   LINUX_OPTS, NULL, 0)
#define V6SYNACK(s, d)	FR(F_TCP6, s, d, 22, 40000, SYNACK, 64, 65160, \
			   LINUX_OPTS, NULL, 0)
#define V6DATA(s, d, text) FR(F_TCP6, s, d, 22, 40000, PSHACK, 64, 502, \
			      NULL, text, 0)
#define SSH89		"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3\r\n"
#define DNS_REPLY	"\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00"
#define DNS_QUERY	"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
#define DNS_LEN		12

static const struct scenario scenarios[] = {
	{ "new_host_once", INI, {
		PKT(S(1), UDPF(H(1), R(1), 5000, 9999, NULL, 0), 1, EV_HOST,
		    "new-host 10.0.0.1"),
		QUIET(S(2), UDPF(H(1), R(1), 5000, 9999, NULL, 0)),
		/* the destination is not observed, the outside not tracked */
		QUIET(S(2), UDPF(R(1), H(3), 9999, 5000, NULL, 0)),
		PKT(S(3), UDPF(H(2), R(1), 5000, 9999, NULL, 0), 1, EV_HOST,
		    "new-host 10.0.0.2"),
		STAT("hosts_active", 2), STAT("hosts_created", 2),
		STAT("untracked_packets", 1), STAT("events", 2),
		STAT("events_new_host", 2), STAT("packets", 4),
		STAT("ipv4_packets", 4),
	} },
	{ "os_guess_and_change", INI, {
		PKT(S(1), SYNF(H(1), R(1), 40000, 80, 64, 64240, LINUX_OPTS),
		    2, EV_OS, "os-change 10.0.0.1 syn \"Linux 5\" was "
		    "\"unknown\" fp 64:64240:1460:7:M,S,T,N,W dist 0"),
		QUIET(S(2), SYNF(H(1), R(1), 40001, 80, 64, 64240, LINUX_OPTS)),
		STAT("fingerprints_repeated", 1),
		/* another signature with the same label: no event */
		QUIET(S(3), SYNF(H(1), R(1), 40002, 80, 64, 64240,
				 "M1460,S,T,N,W8")),
		STAT("os_matched", 2),
		PKT(S(4), SYNF(H(1), R(1), 40003, 80, 120, 64240, WIN10_OPTS),
		    1, EV_OS, "\"Windows 10\" was \"Linux 5\" fp "
		    "128:64240:1460:8:M,N,W,N,N,S dist 8"),
		PKT(S(5), SYNF(H(1), R(1), 40004, 80, 61, 64240, LINUX_OPTS),
		    1, EV_OS, "\"Linux 5\" was \"Windows 10\" fp "
		    "64:64240:1460:7:M,S,T,N,W dist 3"),
		STAT("events_os_change", 3), STAT("syn_fingerprints", 5),
	} },
	{ "os_roles_and_unknowns", INI, {
		/* initial TTL 32: no signature */
		PKT(S(1), SYNF(H(3), R(1), 40000, 80, 30, 64240, LINUX_OPTS),
		    1, EV_HOST, NULL),
		STAT("os_unknown", 1),
		/* the same host as a server: its own guess, and a service */
		PKT(S(2), SYNACKF(H(3), R(1), 8080, 40000), 2, EV_SVC,
		    "new-service 10.0.0.3 tcp/8080"),
		STAT("events_os_change", 1), STAT("synack_fingerprints", 1),
		/* SYN with RST or FIN is no handshake */
		QUIET(S(3), FR(F_TCP, H(3), R(1), 1, 2, SYN | SA_TCP_RST, 64,
				64240, LINUX_OPTS, NULL, 0)),
		QUIET(S(3), FR(F_TCP, H(3), R(1), 1, 2, SYN | SA_TCP_FIN, 64,
				64240, LINUX_OPTS, NULL, 0)),
		STAT("syn_fingerprints", 1),
		PKT(S(4), SYNF(H(4), R(1), 11000, 23, 250, 4128, "M536"), 2,
		    EV_OS, "\"Cisco IOS\" was \"unknown\" fp "
		    "255:4128:536:-:M dist 5"),
		PKT(S(4), SYNF(H(5), R(1), 11000, 23, 64, 4128, "K34,E"), 2,
		    EV_OS, "\"TFO stack\" was \"unknown\" fp 64:4128:-:-:?34,E"),
		PKT(S(4), SYNF(H(6), R(1), 11000, 23, 64, 5000, NULL), 2,
		    EV_OS, "\"bare stack\" was \"unknown\" fp 64:5000:-:-:-"),
	} },
	{ "tcp_banner", INI, {
		PKT(S(1), SYNACKF(H(5), R(1), 22, 40001), 3, EV_SVC,
		    "new-service 10.0.0.5 tcp/22"),
		PKT(S(1), DATA(H(5), R(1), 22, 40001, SSH89), 1, EV_LABEL,
		    "service-change 10.0.0.5 tcp/22 \"ssh/OpenSSH 8.9p1\" "
		    "was \"unknown\""),
		/* only the first payload of a connection is a banner */
		QUIET(S(1), DATA(H(5), R(1), 22, 40001, "SSH-2.0-OpenSSH_1\r\n")),
		STAT("banners_inspected", 1),
		QUIET(S(2), SYNACKF(H(5), R(1), 22, 40002)),
		QUIET(S(2), DATA(H(5), R(1), 22, 40002, SSH89)),
		STAT("banners_matched", 2),
		QUIET(S(3), SYNACKF(H(5), R(1), 22, 40003)),
		PKT(S(3), DATA(H(5), R(1), 22, 40003, "SSH-2.0-OpenSSH_9.6\r\n"),
		    1, EV_LABEL, "\"ssh/OpenSSH 9.6\" was \"ssh/OpenSSH 8.9p1\""),
		/* an unknown banner leaves the label alone */
		QUIET(S(4), SYNACKF(H(5), R(1), 22, 40004)),
		QUIET(S(4), DATA(H(5), R(1), 22, 40004, "hello\r\n")),
		STAT("banners_unknown", 1),
		/* the client's payload, and a server payload without its
		 * SYN-ACK, are no banners */
		QUIET(S(5), DATA(R(1), H(5), 40004, 22, "SSH-2.0-client\r\n")),
		QUIET(S(5), DATA(H(5), R(2), 22, 50000, SSH89)),
		STAT("banners_inspected", 4), STAT("services_active", 1),
		STAT("banner_flows_active", 0), STAT("banner_flows_created", 4),
		STAT("events_service_change", 2),
	} },
	{ "http_banner", INI, {
		PKT(S(1), SYNACKF(H(7), R(1), 8080, 40000), 3, EV_SVC,
		    "tcp/8080"),
		PKT(S(1), DATA(H(7), R(1), 8080, 40000, "HTTP/1.1 200 OK\r\n"
			       "Date: today\r\nserver: nginx/1.24.0\r\n\r\n"),
		    1, EV_LABEL, "\"http/nginx/1.24.0\""),
	} },
	{ "udp_banner", INI, {
		PKT(S(1), UDPF(H(8), R(1), 53, 33333, DNS_REPLY, DNS_LEN), 3,
		    EV_LABEL, "service-change 10.0.0.8 udp/53 \"dns\" was "
		    "\"unknown\""),
		QUIET(S(2), UDPF(H(8), R(1), 53, 33334, DNS_REPLY, DNS_LEN)),
		/* a query from port 53 is no answer */
		QUIET(S(2), UDPF(H(8), R(1), 53, 33335, DNS_QUERY, DNS_LEN)),
		/* no signature for the port: not even looked at */
		QUIET(S(2), UDPF(H(8), R(1), 5353, 5353, DNS_REPLY, DNS_LEN)),
		STAT("banners_inspected", 3), STAT("banners_unknown", 1),
		STAT("events_new_service", 1),
	} },
	{ "ipv6", INI, {
		PKT(S(1), V6SYN(H(1), R(1)), 2, EV_OS, "os-change fd00::1 syn "
		    "\"Linux 5\" was \"unknown\" fp 64:64240:1460:7:M,S,T,N,W"),
		PKT(S(1), V6SYNACK(IP4(10, 0, 0x12, 0x34), R(1)), 3, EV_SVC,
		    "new-service fd00::1234 tcp/22"),
		PKT(S(1), V6DATA(IP4(10, 0, 0x12, 0x34), R(1), SSH89), 1,
		    EV_LABEL, "service-change fd00::1234 tcp/22"),
		QUIET(S(1), V6SYN(R(1), H(1))),
		/* one address space: 10.0.0.1 is not fd00::1 */
		PKT(S(2), UDPF(H(1), R(1), 1, 2, NULL, 0), 1, EV_HOST,
		    "new-host 10.0.0.1"),
		STAT("ipv6_packets", 4), STAT("hosts_active", 3),
	} },
	{ "track_all_and_bogus", "[monitor]\ntrack = all\n" INI_SIGS, {
		PKT(S(1), UDPF(R(1), H(1), 1, 2, NULL, 0), 1, EV_HOST,
		    "new-host 198.51.100.1"),
		QUIET(S(1), UDPF(IP4(0, 0, 0, 0), H(1), 68, 67, NULL, 0)),
		QUIET(S(1), UDPF(IP4(224, 0, 0, 5), H(1), 1, 2, NULL, 0)),
		QUIET(S(1), UDPF(IP4(255, 255, 255, 255), H(1), 1, 2, NULL, 0)),
		STAT("bogus_source_packets", 3), STAT("hosts_active", 1),
	} },
	{ "non_ip_icmp_fragments", INI, {
		QUIET(S(1), FRAME(F_ARP, 0, 0)),
		PKT(S(1), FRAME(F_FRAG, H(1), R(1)), 1, EV_HOST, "10.0.0.1"),
		PKT(S(1), FRAME(F_ICMP, H(2), R(1)), 1, EV_HOST, "10.0.0.2"),
		STAT("non_ip_packets", 1), STAT("later_fragments", 1),
	} },
	{ "expiry", "[monitor]\ntrack = all\n" INI_SIGS "host_timeout = 10s\n"
		    "service_timeout = 5s\nflow_timeout = 2s\n", {
		PKT(S(1), UDPF(H(1), R(1), 1, 2, NULL, 0), 1, EV_HOST, NULL),
		TICK(S(11) - 1), STAT("hosts_active", 1),
		TICK(S(11)), STAT("hosts_active", 0), STAT("hosts_expired", 1),
		PKT(S(12), UDPF(H(1), R(1), 1, 2, NULL, 0), 1, EV_HOST, NULL),
		PKT(S(20), SYNACKF(H(2), R(1), 22, 40000), 3, EV_SVC, NULL),
		TICK(S(22)), STAT("banner_flows_active", 0),
		STAT("banner_flows_expired", 1), STAT("hosts_active", 1),
		QUIET(S(23), DATA(H(2), R(1), 22, 40000, SSH89)),
		STAT("banners_inspected", 0),
		TICK(S(26)), STAT("services_active", 0),
		STAT("services_expired", 1), STAT("hosts_active", 1),
		PKT(S(27), SYNACKF(H(2), R(1), 22, 40001), 1, EV_SVC,
		    "new-service 10.0.0.2 tcp/22"),
	} },
	/* a busy host's deadline moves once per 1/16 of host_timeout */
	{ "coarse_refresh", "[monitor]\ntrack = all\nhost_timeout = 16s\n"
			    "service_timeout = 16s\n", {
		PKT(S(1), UDPF(H(1), R(1), 1, 2, NULL, 0), 1, EV_HOST, NULL),
		QUIET(S(1) + MS(999), UDPF(H(1), R(1), 1, 2, NULL, 0)),
		PKT(S(1), UDPF(H(2), R(1), 1, 2, NULL, 0), 1, EV_HOST, NULL),
		QUIET(S(2), UDPF(H(2), R(1), 1, 2, NULL, 0)),
		TICK(S(17)), STAT("hosts_active", 1),
		TICK(S(18)), STAT("hosts_active", 0),
	} },
	{ "banner_port_gating", "[monitor]\ninside = 10.0.0.0/8\n"
				"service_signatures = @SVC22@\n", {
		PKT(S(1), SYNACKF(H(1), R(1), 80, 40000), 2, EV_SVC, "tcp/80"),
		STAT("banner_flows_created", 0),
		PKT(S(1), SYNACKF(H(1), R(1), 22, 40000), 1, EV_SVC, "tcp/22"),
		STAT("banner_flows_created", 1),
		PKT(S(1), DATA(H(1), R(1), 22, 40000, "SSH-2.0-x\r\n"), 1,
		    EV_LABEL, "\"ssh 2.0-x\""),
		STAT("os_signatures", 0), STAT("service_signatures", 1),
	} },
	{ "no_signature_files", "[monitor]\ninside = 10.0.0.0/8\n", {
		PKT(S(1), SYNF(H(1), R(1), 40000, 80, 64, 64240, LINUX_OPTS),
		    1, EV_HOST, NULL),
		PKT(S(1), SYNACKF(H(1), R(1), 22, 40000), 1, EV_SVC, "tcp/22"),
		QUIET(S(1), DATA(H(1), R(1), 22, 40000, SSH89)),
		STAT("os_unknown", 2), STAT("banner_flows_created", 0),
	} },
	{ "tables_full", INI "max_hosts = 2\nmax_services = 1\nmax_flows = 1\n", {
		PKT(S(1), UDPF(H(1), R(1), 1, 2, NULL, 0), 1, EV_HOST, NULL),
		PKT(S(1), UDPF(H(2), R(1), 1, 2, NULL, 0), 1, EV_HOST, NULL),
		QUIET(S(1), UDPF(H(3), R(1), 1, 2, NULL, 0)),
		STAT("hosts_table_full", 1),
		PKT(S(1), SYNACKF(H(1), R(1), 22, 40000), 2, EV_SVC, "tcp/22"),
		QUIET(S(1), SYNACKF(H(1), R(1), 23, 40000)),
		STAT("services_table_full", 1),
		QUIET(S(1), SYNACKF(H(1), R(1), 22, 40001)),
		STAT("banner_flows_table_full", 1),
		PKT(S(1), DATA(H(1), R(1), 22, 40000, SSH89), 1, EV_LABEL, NULL),
		QUIET(S(1), DATA(H(1), R(1), 22, 40001, SSH89)),
		STAT("packets", 8),
	} },
};

#define N_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

START_TEST(test_scenario)
{
	const struct scenario *sc = &scenarios[_i];

	sr_expect_init(sc->name, init_ini(sc->ini));
	sr_run_steps(&mon_steps, sc->name, sc->steps, MAX_STEPS);
	sa_shim_fini();
}
END_TEST

START_TEST(test_arms)
{
	static const uint8_t arms[] = { SA_ARM_INSIDE, SA_ARM_OUTSIDE,
					SA_ARM_ANY };
	const struct sr_frame f = UDPF(H(1), R(1), 1, 2, "x", 0);
	struct sa_shim_out out;
	uint8_t buf[FRAME_MAX];
	size_t len = build(&f, buf);
	unsigned int i;

	ck_assert_int_eq(init_ini(INI), 0);
	for (i = 0; i < sizeof(arms); i++)
		send_frame("arm", buf, len, arms[i], S(1), &out);
	sa_shim_fini();
}
END_TEST

START_TEST(test_descriptor)
{
	ck_assert_str_eq(mon_middlebox.name, "monitor");
	ck_assert_ptr_nonnull(mon_middlebox.process);
	ck_assert_ptr_nonnull(mon_middlebox.tick);
	ck_assert_ptr_nonnull(mon_middlebox.stats);
	/* a passive monitor never drops */
	ck_assert_uint_eq(mon_middlebox.n_drop_names, 0);
	ck_assert_int_eq(init_ini(INI), 0);
	sr_expect_stat("descriptor", "malformed_ipv4-truncated", 0);
	sr_expect_stat("descriptor", "hosts_active", 0);
	sr_expect_stat("descriptor", "os_signatures", 8);
	sr_expect_stat("descriptor", "service_signatures", 3);
	sa_shim_fini();
}
END_TEST

/* ---- the shipped signature files -------------------------------------- */

static void
init_shipped(void)
{
	char os[PATH_MAX_], svc[PATH_MAX_], ini[INI_MAX];

	source_path("configs/monitor/os.sigs", os, sizeof(os));
	source_path("configs/monitor/services.sigs", svc, sizeof(svc));
	snprintf(ini, sizeof(ini), "[monitor]\ninside = 10.0.0.0/8\n"
		 "os_signatures = %s\nservice_signatures = %s\n", os, svc);
	ck_assert_msg(sa_shim_init(&mon_middlebox, ini) == 0, "init: %s",
		      sa_shim_last_log());
}

struct fp_case {
	uint8_t flags;
	uint8_t ttl;
	uint16_t win;
	const char *opts;
	const char *label;	/* NULL: no signature matches */
};

static const struct fp_case fp_cases[] = {
	{ SYN, 64, 64240, "M1460,S,T,N,W7", "Linux 4.19-6.x" },
	{ SYN, 50, 29200, "M1460,S,T,N,W7", "Linux 3.x-4.x" },
	{ SYN, 64, 29200, "M1460,N,N,S,N,W7", "Linux 3.x-4.x (no timestamps)" },
	{ SYN, 64, 27600, "M1380,S,T,N,W7", "Linux 3.x-4.x" },
	{ SYN, 64, 5840, "M1460,S,T,N,W7", "Linux 2.6" },
	{ SYN, 121, 64240, "M1460,N,W8,N,N,S", "Windows 10-11" },
	{ SYN, 128, 8192, "M1460,N,W8,N,N,S", "Windows 7-8" },
	{ SYN, 128, 65535, "M1460,N,N,S", "Windows XP" },
	{ SYN, 64, 65535, "M1460,N,W6,N,N,T,S,E", "macOS 11+ / iOS 14+" },
	{ SYN, 64, 65535, "M1460,N,W6,S,T", "FreeBSD 9-14" },
	{ SYN, 60, 16384, "M1460,N,N,S,N,W3,N,N,T", "OpenBSD 3-5" },
	{ SYN, 255, 4128, "M536", "Cisco IOS" },
	{ SYNACK, 64, 65160, "M1460,S,T,N,W7", "Linux 4.19-6.x" },
	{ SYNACK, 128, 65535, "M1460,N,W8,N,N,S",
	  "Windows 10-11 / Server 2016+" },
	{ SYNACK, 64, 65535, "M1460,N,W6,S,T", "FreeBSD 9-14" },
	{ SYN, 64, 1234, "M1460", "Unix-like (TTL 64)" },
	{ SYN, 32, 1234, "M1460,S,T,N,W7", NULL },
};

START_TEST(test_shipped_fingerprints)
{
	const struct fp_case *c = &fp_cases[_i];
	struct sr_frame f = SYNF(H(1), R(1), 22, 40000, c->ttl, c->win,
				 c->opts);
	struct sr_frame known = SYNF(H(1), R(1), 22, 40000, 30, 1000,
				     LINUX_OPTS);
	struct sa_shim_out out;
	char want[128];

	f.flags = c->flags;
	known.flags = c->flags;
	init_shipped();
	/* Host and service known first (initial TTL 32 matches nothing),
	 * so the fingerprint's os-change is the packet's only event. */
	send_pkt("known", &known, S(1), &out);
	sr_expect_stat(c->opts, "os_unknown", 1);
	send_pkt(c->opts, &f, S(2), &out);
	if (c->label == NULL) {
		sr_expect_alerts(c->opts, &out, 0, 0, NULL);
		sr_expect_stat(c->opts, "os_unknown", 2);
	} else {
		snprintf(want, sizeof(want), "%s \"%s\" was \"unknown\"",
			 c->flags == SYN ? "syn" : "synack", c->label);
		sr_expect_alerts(c->opts, &out, 1, EV_OS, want);
	}
	sa_shim_fini();
}
END_TEST

struct banner_case {
	uint8_t proto;		/* SA_IPPROTO_TCP or _UDP */
	uint16_t port;
	const char *payload;
	uint32_t len;		/* 0: strlen */
	const char *label;
};

#define MYSQL_HS	"\x4a\x00\x00\x00\x0a" "8.0.36-0ubuntu0.22.04.1\x00\x08"
#define MARIA_HS	"\x5b\x00\x00\x00\x0a" "5.5.5-10.11.6-MariaDB-0+deb12u1\x00"
#define TLS_HELLO	"\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03"
#define NTP_REPLY	"\x24\x02\x03\xe7\x00\x00\x00\x00"

static const struct banner_case banner_cases[] = {
	{ SA_IPPROTO_TCP, 22, "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n", 0,
	  "ssh/OpenSSH 9.6p1" },
	{ SA_IPPROTO_TCP, 22, "SSH-2.0-dropbear_2022.83\r\n", 0,
	  "ssh/Dropbear 2022.83" },
	{ SA_IPPROTO_TCP, 2222, "SSH-2.0-Cisco-1.25\r\n", 0, "ssh/Cisco 1.25" },
	{ SA_IPPROTO_TCP, 22, "SSH-2.0-AsyncSSH_2.14\r\n", 0,
	  "ssh/AsyncSSH_2.14" },
	{ SA_IPPROTO_TCP, 80, "HTTP/1.1 200 OK\r\nServer: nginx/1.24.0 "
	  "(Ubuntu)\r\nDate: x\r\n\r\n", 0, "http/nginx 1.24.0" },
	{ SA_IPPROTO_TCP, 80, "HTTP/1.1 404 Not Found\r\nDate: x\r\nServer: "
	  "Apache/2.4.58 (Debian)\r\n\r\n", 0, "http/Apache httpd 2.4.58" },
	{ SA_IPPROTO_TCP, 80, "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0"
	  "\r\n\r\n", 0, "http/Microsoft IIS 10.0" },
	{ SA_IPPROTO_TCP, 8000, "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 "
	  "Python/3.11.2\r\n", 0, "http/Python SimpleHTTP (Python 3.11.2)" },
	{ SA_IPPROTO_TCP, 8080, "HTTP/1.1 200 OK\r\nserver: Jetty(9.4.51.v2023)"
	  "\r\n", 0, "http/Jetty 9.4.51.v2023" },
	{ SA_IPPROTO_TCP, 8081, "HTTP/1.1 200 OK\r\nServer: MyServer 1.0\r\n",
	  0, "http/MyServer 1.0" },
	{ SA_IPPROTO_TCP, 8082, "HTTP/1.1 204 No Content\r\n\r\n", 0, "http" },
	{ SA_IPPROTO_TCP, 25, "220 mail.example.org ESMTP Postfix (Debian)\r\n",
	  0, "smtp/Postfix (mail.example.org)" },
	{ SA_IPPROTO_TCP, 25, "220 mx.example.com ESMTP Exim 4.96 Mon, 01 Jan"
	  "\r\n", 0, "smtp/Exim 4.96 (mx.example.com)" },
	{ SA_IPPROTO_TCP, 25, "220 relay.example.net ESMTP ready\r\n", 0,
	  "smtp (relay.example.net)" },
	{ SA_IPPROTO_TCP, 21, "220 (vsFTPd 3.0.5)\r\n", 0, "ftp/vsftpd 3.0.5" },
	{ SA_IPPROTO_TCP, 21, "220 ProFTPD 1.3.8b Server (Debian) [::1]\r\n", 0,
	  "ftp/ProFTPD 1.3.8b" },
	{ SA_IPPROTO_TCP, 21, "220 Welcome\r\n", 0, "ftp" },
	{ SA_IPPROTO_TCP, 143, "* OK [CAPABILITY IMAP4rev1 LITERAL+] Dovecot "
	  "(Ubuntu) ready.\r\n", 0, "imap/Dovecot" },
	{ SA_IPPROTO_TCP, 110, "+OK Dovecot (Ubuntu) ready.\r\n", 0,
	  "pop3/Dovecot" },
	{ SA_IPPROTO_TCP, 3306, MYSQL_HS, sizeof(MYSQL_HS) - 1,
	  "mysql/MySQL 8.0.36" },
	{ SA_IPPROTO_TCP, 3306, MARIA_HS, sizeof(MARIA_HS) - 1,
	  "mysql/MariaDB 10.11.6" },
	{ SA_IPPROTO_TCP, 6379, "-NOAUTH Authentication required.\r\n", 0,
	  "redis (authentication required)" },
	{ SA_IPPROTO_TCP, 6379, "$3718\r\n# Server\r\nredis_version:7.2.4\r\n",
	  0, "redis 7.2.4" },
	{ SA_IPPROTO_TCP, 11211, "VERSION 1.6.21\r\n", 0, "memcached 1.6.21" },
	{ SA_IPPROTO_TCP, 5900, "RFB 003.008\n", 0, "vnc (RFB 003.008)" },
	{ SA_IPPROTO_TCP, 443, TLS_HELLO, sizeof(TLS_HELLO) - 1, "tls" },
	{ SA_IPPROTO_UDP, 53, DNS_REPLY, DNS_LEN, "dns" },
	{ SA_IPPROTO_UDP, 123, NTP_REPLY, sizeof(NTP_REPLY) - 1, "ntp" },
	{ SA_IPPROTO_UDP, 5060, "SIP/2.0 200 OK\r\nVia: x\r\nServer: Asterisk "
	  "PBX 20.5.0\r\n", 0, "sip/Asterisk PBX 20.5.0" },
	{ SA_IPPROTO_UDP, 1900, "HTTP/1.1 200 OK\r\nSERVER: Linux/5.4 UPnP/1.0 "
	  "MiniUPnPd/2.2\r\n", 0, "ssdp/Linux/5.4 UPnP/1.0 MiniUPnPd/2.2" },
};

/* Sends @p payload as a banner of H(9) from @p port (TCP: after a
 * SYN-ACK); the last alert of the banner packet lands in @p out. */
static void
send_banner(uint8_t proto, uint16_t port, const char *payload, uint32_t len,
	    struct sa_shim_out *out)
{
	struct sr_frame syn = SYNACKF(H(9), R(1), port, 40000);
	struct sr_frame data = DATA(H(9), R(1), port, 40000, payload);
	struct sr_frame udp = UDPF(H(9), R(1), port, 40000, payload, len);

	data.payload_len = len;
	if (proto == SA_IPPROTO_UDP) {
		send_pkt("udp banner", &udp, S(1), out);
		return;
	}
	send_pkt("synack", &syn, S(1), out);
	send_pkt("tcp banner", &data, S(1), out);
}

START_TEST(test_shipped_banners)
{
	const struct banner_case *c = &banner_cases[_i];
	struct sa_shim_out out;
	char want[128];

	init_shipped();
	send_banner(c->proto, c->port, c->payload, c->len, &out);
	snprintf(want, sizeof(want), "/%u \"%s\" was \"unknown\"", c->port,
		 c->label);
	ck_assert_msg(out.alert_id == EV_LABEL && strstr(out.alert, want),
		      "%s: alert %u '%s' lacks '%s'", c->label, out.alert_id,
		      out.alert, want);
	sa_shim_fini();
}
END_TEST

START_TEST(test_shipped_config)
{
	char path[PATH_MAX_], dir[PATH_MAX_], ini[INI_MAX * 2], text[INI_MAX];
	const char *tok = "configs/monitor/", *p, *hit;
	size_t n = 0, len;
	FILE *f;

	source_path("configs/monitor.ini", path, sizeof(path));
	source_path("configs/monitor/", dir, sizeof(dir));
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	/* Its paths are relative to the source tree. */
	for (p = text; (hit = strstr(p, tok)) != NULL; p = hit + strlen(tok))
		n += (size_t)snprintf(ini + n, sizeof(ini) - n, "%.*s%s",
				      (int)(hit - p), p, dir);
	snprintf(ini + n, sizeof(ini) - n, "%s", p);
	ck_assert_msg(sa_shim_init(&mon_middlebox, ini) == 0, "init: %s",
		      sa_shim_last_log());
	ck_assert_uint_ge(sa_shim_stat("os_signatures"), 40);
	ck_assert_uint_ge(sa_shim_stat("service_signatures"), 60);
	sa_shim_fini();
}
END_TEST

/* ---- the banner pattern language -------------------------------------- */

struct pat_case {
	const char *pattern;
	const char *label;
	const char *payload;
	uint32_t len;		/* 0: strlen */
	const char *want;	/* rendered label; NULL: no match */
};

#define A40	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define A31	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define A32	A31 "a"

static const struct pat_case pat_cases[] = {
	{ "abc", "L", "abcdef", 0, "L" },
	{ "abc", "L", "xabc", 0, NULL },		/* anchored */
	{ "^abc", "L", "abc", 0, "L" },
	{ ".*?abc", "L", "xxabc", 0, "L" },
	{ ".*?a.*?b", "L", "xxaxxb", 0, "L" },
	{ "(?i)HELLO (\\w+)", "L $1", "hello World!", 0, "L World" },
	{ "^(?i)x", "L", "X", 0, "L" },
	{ "a\\d+b", "L", "a123b", 0, "L" },
	{ "a\\d+b", "L", "ab", 0, NULL },
	{ "a\\d*b", "L", "ab", 0, "L" },
	{ "a?b", "L", "b", 0, "L" },
	{ "x[^\\r\\n]+\\r", "L", "xyz\r", 0, "L" },
	/* possessive: .+ takes the z too */
	{ "x.+z", "L", "xyz", 0, NULL },
	/* .*? takes the first "ab" only */
	{ ".*?ab(c)", "L $1", "aab abc", 0, NULL },
	{ "[a-c]+d", "L", "abcabcd", 0, "L" },
	{ "[\\d.]+x", "L", "1.2.3x", 0, "L" },
	{ "(?i)[a-c]x", "L", "BX", 0, "L" },
	{ "(?i)[^a]x", "L", "Ax", 0, NULL },
	{ "(?i)q+x", "L", "QqX", 0, "L" },
	{ "a\\(b\\)\\.", "L", "a(b).", 0, "L" },
	{ "\\x41\\x42", "L", "AB", 0, "L" },
	{ "a\\tb\\nc\\r", "L", "a\tb\nc\r", 0, "L" },
	{ "\\s\\S\\w\\W\\d\\D", "L", " x_!5z", 0, "L" },
	{ "[\\s]x[\\w]", "L", " xq", 0, "L" },
	{ "[]a]+!", "L", "]a]!", 0, "L" },
	{ "a*", "L", "bbb", 0, "L" },
	{ "\\x00\\x01(..)", "L $1", "\x00\x01\x02\"", 4, "L ??" },
	{ "(\\S+)", "L $1", A40, 0, "L " A32 },
	/* labels stop at 63 characters */
	{ "(\\S+)", "$1$1$1", A40, 0, A32 A31 },
	{ "(a)(b)(c)(d)", "$4$3$2$1", "abcd", 0, "dcba" },
	{ "(x*)", "[$1]", "abc", 0, "[]" },
};

START_TEST(test_patterns)
{
	const struct pat_case *c = &pat_cases[_i];
	uint32_t len = c->len ? c->len : (uint32_t)strlen(c->payload);
	char line[256], want[128];
	struct sa_shim_out out;

	snprintf(line, sizeof(line), "tcp:*:%s = %s\n", c->pattern, c->label);
	write_file(extra_path, line, strlen(line));
	ck_assert_msg(init_ini("[monitor]\ninside = 10.0.0.0/8\n"
			       "service_signatures = @EXTRA@\n") == 0,
		      "%s: %s", c->pattern, sa_shim_last_log());
	send_banner(SA_IPPROTO_TCP, 1, c->payload, len, &out);
	if (c->want == NULL) {
		ck_assert_msg(out.n_alerts == 0, "%s: matched: %s",
			      c->pattern, out.alert);
		sr_expect_stat(c->pattern, "banners_unknown", 1);
	} else {
		snprintf(want, sizeof(want), "\"%s\" was", c->want);
		sr_expect_alerts(c->pattern, &out, 1, EV_LABEL, want);
	}
	sa_shim_fini();
}
END_TEST

#define WINDOW		512
#define NEEDLE		"needle"

/* Only the first 512 payload bytes are a banner. */
START_TEST(test_banner_window)
{
	static const char sig[] = "tcp:*:.*?" NEEDLE " = found\n";
	char payload[PAYLOAD_MAX];
	struct sa_shim_out out;
	size_t at;

	write_file(extra_path, sig, strlen(sig));
	for (at = WINDOW - strlen(NEEDLE) - 1; at <= WINDOW; at++) {
		memset(payload, 'x', sizeof(payload));
		memcpy(payload + at, NEEDLE, strlen(NEEDLE));
		ck_assert_int_eq(init_ini("[monitor]\ninside = 10.0.0.0/8\n"
					  "service_signatures = @EXTRA@\n"), 0);
		send_banner(SA_IPPROTO_TCP, 1, payload, sizeof(payload), &out);
		ck_assert_uint_eq(out.n_alerts,
				  at + strlen(NEEDLE) <= WINDOW ? 1 : 0);
		sa_shim_fini();
	}
}
END_TEST

#define BUDGET_SIGS	200

/* Signatures built to cost the most on a payload built against them:
 * the work stops at the budget, counted, and nothing matches. */
START_TEST(test_banner_budget)
{
	static const char line[] = "tcp:*:.*?aaaaaaaaaaaaaaaaaaab = slow\n";
	char text[BUDGET_SIGS * sizeof(line)], payload[WINDOW];
	struct sa_shim_out out;
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < BUDGET_SIGS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", line);
	write_file(extra_path, text, n);
	ck_assert_int_eq(init_ini("[monitor]\ninside = 10.0.0.0/8\n"
				  "service_signatures = @EXTRA@\n"), 0);
	memset(payload, 'a', sizeof(payload));
	send_banner(SA_IPPROTO_TCP, 1, payload, sizeof(payload), &out);
	sr_expect_alerts("budget", &out, 0, 0, NULL);
	sr_expect_stat("budget", "banner_budget_exhausted", 1);
	sr_expect_stat("budget", "banners_unknown", 0);
	sa_shim_fini();
}
END_TEST

/* ---- TCP options -------------------------------------------------------- */

struct opt_case {
	const char *opts;
	bool malformed;
	const char *label;	/* NULL: none (or malformed) */
};

#define NOPS10	"01010101010101010101"
#define NOPS40	"x:" NOPS10 NOPS10 NOPS10 NOPS10
#define Z19	"00000000000000000000000000000000000000"
#define Z38	Z19 Z19

static const struct opt_case opt_cases[] = {
	{ "x:02000000", true, NULL },		/* length 0 */
	{ "x:03010000", true, NULL },		/* length 1 */
	{ "x:020a0000", true, NULL },		/* past the header */
	{ "x:fe000000", true, NULL },		/* unknown kind, length 0 */
	{ "x:fe010000", true, NULL },		/* unknown kind, length 1 */
	{ "x:01010102", true, NULL },		/* kind without length */
	{ "x:02030500", true, NULL },		/* MSS of length 3 */
	{ "x:03040700", true, NULL },		/* window scale of length 4 */
	{ "x:04030000", true, NULL },		/* SACK-permitted, length 3 */
	{ "x:0808000000000000", true, NULL },	/* timestamps, length 8 */
	{ "x:fe29" Z38, true, NULL },		/* 41 of 40 bytes */
	{ "x:22020000", false, "TFO stack" },
	{ NOPS40, false, "NOP stack" },
	{ "x:00000000", false, NULL },
	{ "x:0506000000000000", false, NULL },	/* SACK blocks in a SYN */
	{ "x:fe28" Z38, false, NULL },		/* 40 of 40 bytes */
};

START_TEST(test_tcp_options)
{
	const struct opt_case *c = &opt_cases[_i];
	struct sr_frame f = SYNF(H(1), R(1), 40000, 80, 64, 4128, c->opts);
	struct sa_shim_out out;

	ck_assert_int_eq(init_ini(INI), 0);
	send_pkt(c->opts, &f, S(1), &out);
	sr_expect_stat(c->opts, "tcp_options_malformed", c->malformed ? 1 : 0);
	sr_expect_stat(c->opts, "malformed_packets", 0);
	if (c->label != NULL)
		sr_expect_alerts(c->opts, &out, 2, EV_OS, c->label);
	else
		sr_expect_alerts(c->opts, &out, 1, EV_HOST, NULL);
	sa_shim_fini();
}
END_TEST

/* ---- malformed frames: forwarded unchanged, counted --------------------- */

enum mut { M_TRUNC, M_SET8, M_SET16 };

struct malformed {
	enum fkind kind;
	enum mut op;
	uint32_t off, val;	/* M_TRUNC: val is the new length */
	const char *counter;
};

#define IP4_LEN_OFF	(ETH_LEN + 2)
#define IP4_L4_OFF	(ETH_LEN + IP4_LEN)
#define IP6_PLEN_OFF	(ETH_LEN + 4)
#define IP6_NH_OFF	(ETH_LEN + 6)

static const struct malformed malformed[] = {
	{ F_UDP, M_TRUNC, 0, 10, "malformed_l2-truncated" },
	{ F_UDP, M_TRUNC, 0, ETH_LEN + 10, "malformed_ipv4-truncated" },
	{ F_UDP, M_SET8, ETH_LEN, 0x55, "malformed_ipv4-bad-version" },
	{ F_UDP, M_SET8, ETH_LEN, 0x44, "malformed_ipv4-bad-ihl" },
	{ F_UDP, M_SET16, IP4_LEN_OFF, 10, "malformed_ipv4-bad-total-length" },
	{ F_TCP, M_SET16, IP4_LEN_OFF, 30, "malformed_l4-truncated" },
	{ F_TCP, M_SET8, IP4_L4_OFF + 12, 0x40, "malformed_tcp-bad-data-offset" },
	{ F_TCP, M_SET8, IP4_L4_OFF + 12, 0xf0, "malformed_l4-truncated" },
	{ F_UDP, M_SET16, IP4_L4_OFF + 4, 4, "malformed_udp-bad-length" },
	{ F_UDP6, M_TRUNC, 0, ETH_LEN + 30, "malformed_ipv6-truncated" },
	{ F_UDP6, M_SET8, ETH_LEN, 0x40, "malformed_ipv6-bad-version" },
	{ F_UDP6, M_SET16, IP6_PLEN_OFF, 0, "malformed_ipv6-bad-payload-length" },
	{ F_UDP6, M_SET8, IP6_NH_OFF, SA_IPPROTO_HOPOPTS,
	  "malformed_ipv6-ext-truncated" },
};

START_TEST(test_malformed)
{
	const struct malformed *m = &malformed[_i];
	struct sr_frame f = SYNF(H(1), R(1), 40000, 80, 64, 64240, LINUX_OPTS);
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	size_t len;

	f.kind = m->kind;
	ck_assert_int_eq(init_ini(INI), 0);
	len = build(&f, buf);
	if (m->op == M_TRUNC)
		len = m->val;
	else if (m->op == M_SET8)
		buf[m->off] = (uint8_t)m->val;
	else
		sr_put16(buf + m->off, m->val);
	send_frame(m->counter, buf, len, SA_ARM_ANY, S(1), &out);
	sr_expect_alerts(m->counter, &out, 0, 0, NULL);
	sr_expect_stat(m->counter, m->counter, 1);
	sr_expect_stat(m->counter, "malformed_packets", 1);
	sr_expect_stat(m->counter, "hosts_active", 0);
	sa_shim_fini();
}
END_TEST

#define FUZZ_ROUNDS	3000
#define FUZZ_FLIPS	4
#define OPT_AREA	(ETH_LEN + IP4_LEN + TCP_LEN)

/* Every truncation and random corruption of frames the monitor looks
 * into, with banners pending: always forwarded unchanged, no crash; and
 * SYNs whose 40 option bytes are random walk safely. */
START_TEST(test_fuzz)
{
	static const struct sr_frame seeds[] = {
		SYNF(H(1), R(1), 40000, 80, 64, 64240, LINUX_OPTS),
		SYNACKF(H(2), R(1), 22, 40000),
		DATA(H(2), R(1), 22, 40000, SSH89),
		DATA(H(2), R(1), 22, 40000, "HTTP/1.1 200 OK\r\nServer: x\r\n"),
		UDPF(H(3), R(1), 53, 40000, DNS_REPLY, DNS_LEN),
		V6SYN(H(1), R(1)),
		V6SYNACK(H(4), R(1)),
		V6DATA(H(4), R(1), SSH89),
	};
	const struct sr_frame nops = SYNF(H(5), R(1), 1, 2, 64, 64240, NOPS40);
	uint8_t base[FRAME_MAX], buf[FRAME_MAX];
	struct sa_shim_out out;
	uint32_t rng = 12345, i, k, len;
	size_t n;

	ck_assert_int_eq(init_ini(INI), 0);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		n = build(&seeds[i], base);
		for (len = 0; len <= n; len++)
			send_frame("truncated", base, len, SA_ARM_ANY, S(1), &out);
		for (k = 0; k < FUZZ_ROUNDS; k++) {
			len = sr_corrupt(buf, base, n, FUZZ_FLIPS, &rng);
			send_frame("corrupted", buf, len, SA_ARM_ANY, S(1), &out);
		}
	}
	n = build(&nops, base);
	for (k = 0; k < FUZZ_ROUNDS; k++) {
		for (i = 0; i < OPTS_MAX; i++)
			base[OPT_AREA + i] = (uint8_t)sr_xorshift(&rng);
		send_frame("options", base, n, SA_ARM_ANY, S(1), &out);
	}
	ck_assert_uint_gt(sa_shim_stat("tcp_options_malformed"), 0);
	sa_shim_fini();
}
END_TEST

/* ---- configuration ------------------------------------------------------- */

struct bad_config {
	const char *ini;
	const char *text;	/* must appear in the message */
	unsigned int line;	/* FILE:LINE of the message */
};

static const struct bad_config bad_configs[] = {
	{ "[monitor]\ntrack = all\nfoo = 1\n", "foo", 3 },
	{ "[monitor]\ntrack = all\ntrack = all\n", "more than once", 3 },
	{ "[monitor]\ntrack = some\n", "track", 2 },
	{ "[monitor]\nmax_hosts = 10\n", "needs inside", 1 },
	{ "[monitor]\ntrack = inside\n", "needs inside", 2 },
	{ "[monitor]\ninside = 10.0.0.0/33\n", "inside", 2 },
	{ "[monitor]\ninside = 10.0.0.1/8\n", "inside", 2 },
	{ "[monitor]\ntrack = all\nmax_hosts = 0\n", "max_hosts", 3 },
	{ "[monitor]\ntrack = all\nmax_services = 99999999999\n",
	  "max_services", 3 },
	{ "[monitor]\ntrack = all\nmax_flows = x\n", "max_flows", 3 },
	{ "[monitor]\ntrack = all\nhost_timeout = 0\n", "host_timeout", 3 },
	{ "[monitor]\ntrack = all\nflow_timeout = 1 year\n", "flow_timeout", 3 },
	{ "[monitor]\ntrack = all\nservice_timeout = 2h\n", "outlive", 3 },
	{ "[monitor]\ntrack = all\nhost_timeout = 10s\n", "outlive", 3 },
	{ "[monitor]\ntrack = all\nos_signatures = /nonexistent/os.sigs\n",
	  "cannot read '/nonexistent/os.sigs'", 3 },
	{ "[monitor]\ntrack = all\nservice_signatures =\n", "empty path", 3 },
	{ "[monitor]\ntrack = all\nos_signatures = /tmp\n",
	  "Is a directory", 3 },
};

START_TEST(test_bad_config)
{
	const struct bad_config *b = &bad_configs[_i];

	ck_assert_int_eq(init_ini(b->ini), -EINVAL);
	sr_expect_config_error(_i, "monitor", b->line, b->text);
	sa_shim_fini();
}
END_TEST

static const char *const good_configs[] = {
	"[monitor]\ntrack = all\n",
	"[monitor]\ninside = 10.0.0.0/8 fd00::/8\ntrack = inside\n"
	"max_hosts = 1\nmax_services = 1\nmax_flows = 1\n"
	"host_timeout = 168h\nservice_timeout = 168h\nflow_timeout = 1s\n",
	"[other]\nx = 1\n[monitor]\ninside = 192.168.0.0/16\n" INI_SIGS,
};

START_TEST(test_good_config)
{
	ck_assert_msg(init_ini(good_configs[_i]) == 0, "config %u: %s", _i,
		      sa_shim_last_log());
	sa_shim_fini();
}
END_TEST

/* ---- signature files -------------------------------------------------- */

enum sig_kind { SIG_OS, SIG_SVC };

struct bad_sig {
	enum sig_kind kind;
	const char *text;
	unsigned int line;
	const char *msg;	/* must appear in the message */
};

#define LONG_LABEL "0123456789012345678901234567890123456789012345678901234567890123"

static const struct bad_sig bad_sigs[] = {
	{ SIG_OS, "syn:64:1:2:3 = x\n", 1, "5 fields, expected 6" },
	{ SIG_OS, "# c\n\nsyn:63:*:*:*:* = x\n", 3, "ttl field '63'" },
	{ SIG_OS, "sin:64:*:*:*:* = x\n", 1, "role field 'sin'" },
	{ SIG_OS, "syn:64:abc:*:*:* = x\n", 1, "window field 'abc'" },
	{ SIG_OS, "syn:64:mss*0:*:*:* = x\n", 1, "mss*" },
	{ SIG_OS, "syn:64:70000:*:*:* = x\n", 1, "window field" },
	{ SIG_OS, "syn:64:*:70000:*:* = x\n", 1, "mss field '70000'" },
	{ SIG_OS, "syn:64:*:*:15:* = x\n", 1, "window scale field '15'" },
	{ SIG_OS, "syn:64:*:*:*:M,X = x\n", 1, "options field" },
	{ SIG_OS, "syn:64:*:*:*:M,,N = x\n", 1, "empty one" },
	{ SIG_OS, "syn:64:*:*:*: = x\n", 1, "options field" },
	{ SIG_OS, "syn:64:*:*:*:?2 = x\n", 1, "use its letter" },
	{ SIG_OS, "syn:64:*:*:*:?300 = x\n", 1, "K not 0-255" },
	{ SIG_OS, "syn:64:*:*:*:E,M = x\n", 1, "after E" },
	{ SIG_OS, "syn:64:*:*:*:" NOPS10 " = x\n", 1, "options field" },
	{ SIG_OS, "syn:64:*:1460:*:N = x\n", 1, "disagree on M" },
	{ SIG_OS, "syn:64:*:-:*:M = x\n", 1, "disagree on M" },
	{ SIG_OS, "syn:64:*:*:7:N = x\n", 1, "disagree on W" },
	{ SIG_OS, "syn:64:mss*10:-:*:* = x\n", 1, "needs an MSS option" },
	{ SIG_OS, "syn:64:mss*10:*:*:N = x\n", 1, "needs M" },
	{ SIG_OS, "syn:64:*:*:*:*\n", 1, "expected 'FIELDS = LABEL'" },
	{ SIG_OS, "syn:64:*:*:*:* = " LONG_LABEL "\n", 1, "longer than 63" },
	{ SIG_OS, "syn:64:*:*:*:* = a \"b\"\n", 1, "label holds" },
	{ SIG_OS, "syn:64:*:*:*:* = a\tb\n", 1, "label holds" },
	{ SIG_OS, "syn:64:*:*:*:* = a\nsyn:64:*:*:*:* = b\n", 2,
	  "same fingerprint as line 1" },
	{ SIG_OS, "# nothing\n", 1, "no signatures" },
	{ SIG_OS, "", 0, "no signatures" },
	{ SIG_SVC, "xyz:22:abc = x\n", 1, "protocol 'xyz'" },
	{ SIG_SVC, "tcp:0:abc = x\n", 1, "port '0'" },
	{ SIG_SVC, "tcp:65536:abc = x\n", 1, "port '65536'" },
	{ SIG_SVC, "tcp:22 = x\n", 1, "expected 'PROTO:PORT:PATTERN = LABEL'" },
	{ SIG_SVC, "tcp:*:a\\qb = x\n", 1, "at offset 2: unknown escape" },
	{ SIG_SVC, "tcp:*:abc\\ = x\n", 1, "at the end" },
	{ SIG_SVC, "tcp:*:a(b = x\n", 1, "unclosed '('" },
	{ SIG_SVC, "tcp:*:(a(b)) = x\n", 1, "groups do not nest" },
	{ SIG_SVC, "tcp:*:(a)(b)(c)(d)(e) = x\n", 1, "more than 4 groups" },
	{ SIG_SVC, "tcp:*:a) = x\n", 1, "unbalanced ')'" },
	{ SIG_SVC, "tcp:*:a$ = x\n", 1, "not supported" },
	{ SIG_SVC, "tcp:*:a|b = x\n", 1, "not supported" },
	{ SIG_SVC, "tcp:*:a{2} = x\n", 1, "not supported" },
	{ SIG_SVC, "tcp:*:.*? = x\n", 1, "must be followed by a literal" },
	{ SIG_SVC, "tcp:*:.*?\\d = x\n", 1, "must be followed by a literal" },
	{ SIG_SVC, "tcp:*:.*?(a) = x\n", 1, "must be followed by a literal" },
	{ SIG_SVC, "tcp:*:a(?i) = x\n", 1, "(?i) at the start" },
	{ SIG_SVC, "tcp:*:(a)* = x\n", 1, "nothing to repeat" },
	{ SIG_SVC, "tcp:*:a** = x\n", 1, "nothing to repeat" },
	{ SIG_SVC, "tcp:*:a+? = x\n", 1, "only .*? is lazy" },
	{ SIG_SVC, "tcp:*:*a = x\n", 1, "nothing to repeat" },
	{ SIG_SVC, "tcp:*:a^ = x\n", 1, "only allowed at the start" },
	{ SIG_SVC, "tcp:*:[z-a] = x\n", 1, "bad range" },
	{ SIG_SVC, "tcp:*:[abc = x\n", 1, "unclosed '['" },
	{ SIG_SVC, "tcp:*:\\x4 = x\n", 1, "two hex digits" },
	{ SIG_SVC, "tcp:*:^ = x\n", 1, "empty pattern" },
	{ SIG_SVC, "tcp:*:(a) = x $2\n", 1, "number of a group" },
	{ SIG_SVC, "tcp:*:abc = cost $\n", 1, "number of a group" },
	{ SIG_SVC, "tcp:*:a = x\ntcp:*:b = y\r\ntcp:*:c\n", 3,
	  "expected 'FIELDS = LABEL'" },
};

static void
expect_sig_error(const char *text, size_t len, enum sig_kind kind,
		 unsigned int line, const char *msg)
{
	char ini[INI_MAX], loc[PATH_MAX_ + 16];
	const char *log;

	write_file(extra_path, text, len);
	snprintf(ini, sizeof(ini), "[monitor]\ntrack = all\n%s = %s\n",
		 kind == SIG_OS ? "os_signatures" : "service_signatures",
		 extra_path);
	ck_assert_int_eq(sa_shim_init(&mon_middlebox, ini), -EINVAL);
	log = sa_shim_last_log();
	snprintf(loc, sizeof(loc), "%s:%u: ", extra_path, line);
	ck_assert_msg(strstr(log, loc) != NULL && strstr(log, msg) != NULL,
		      "'%s' lacks '%s' or '%s'", log, loc, msg);
	sa_shim_fini();
}

START_TEST(test_bad_sigs)
{
	const struct bad_sig *b = &bad_sigs[_i];

	expect_sig_error(b->text, strlen(b->text), b->kind, b->line, b->msg);
}
END_TEST

#define SIGS_MAX	1024
#define LINE_MAX_	512

START_TEST(test_sig_limits)
{
	static char text[(SIGS_MAX + 1) * 32];
	char line[LINE_MAX_ + 16];
	size_t n = 0;
	unsigned int i;

	for (i = 0; i <= SIGS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "syn:64:%u:*:*:* = x\n", i);
	expect_sig_error(text, n, SIG_OS, SIGS_MAX + 1, "more than 1024");
	for (n = 0, i = 0; i <= SIGS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "udp:*:%u = x\n", i);
	expect_sig_error(text, n, SIG_SVC, SIGS_MAX + 1, "more than 1024");
	/* 512 characters are fine, 513 are not */
	memset(line, 'a', sizeof(line));
	memcpy(line, "tcp:*:", 6);
	memcpy(line + LINE_MAX_ - 4, " = x\n", 5);
	write_file(extra_path, line, LINE_MAX_ + 1);
	ck_assert_int_eq(init_ini("[monitor]\ntrack = all\n"
				  "service_signatures = @EXTRA@\n"), 0);
	sa_shim_fini();
	memcpy(line + LINE_MAX_ - 3, " = x\n", 5);
	expect_sig_error(line, LINE_MAX_ + 2, SIG_SVC, 1, "longer than 512");
	/* a NUL byte inside a line */
	expect_sig_error("tcp:*:a\0b = x\n", 14, SIG_SVC, 1, "NUL byte");
}
END_TEST

/* ---- state ------------------------------------------------------------- */

/* However little state memory there is, init fails cleanly naming the
 * table, or the monitor works; the packet path never allocates. */
START_TEST(test_state_limit)
{
	static const size_t limits[] = {
		0, 64, 8192, 100000, 1000000, 4000000, 16000000, SIZE_MAX,
	};
	const struct sr_frame f = SYNACKF(H(1), R(1), 22, 40000);
	unsigned int i, ok = 0;
	struct sa_shim_out out;
	int rc;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		sa_shim_state_limit(limits[i]);
		rc = init_ini(INI "max_hosts = 20000\nmax_services = 20000\n"
			      "max_flows = 20000\n");
		if (rc != 0) {
			ck_assert_int_eq(rc, -ENOMEM);
			ck_assert_ptr_nonnull(strstr(sa_shim_last_log(),
						     "out of state memory"));
			continue;
		}
		ok++;
		send_pkt("limit", &f, S(1), &out);
		ck_assert_uint_eq(out.n_alerts, 3);
		sa_shim_fini();
	}
	sa_shim_state_limit(SIZE_MAX);
	ck_assert_uint_ge(ok, 1);
	ck_assert_uint_lt(ok, sizeof(limits) / sizeof(limits[0]));
}
END_TEST

#define MANY		5000u
#define SCAN_PER_TICK	4096u

/* Expiry work per tick is bounded; every host goes in the end. */
START_TEST(test_many_hosts)
{
	struct sa_shim_out out;
	struct sr_frame f = UDPF(0, R(1), 1, 2, NULL, 0);
	uint32_t i;

	ck_assert_int_eq(init_ini(INI "host_timeout = 10s\n"
				  "service_timeout = 10s\n"), 0);
	for (i = 0; i < MANY; i++) {
		f.src = IP4(10, 1, i >> 8, i & 0xff);
		send_pkt("many", &f, S(1), &out);
		ck_assert_uint_eq(out.n_alerts, 1);
	}
	sr_expect_stat("many", "hosts_active", MANY);
	sa_shim_tick(S(11));
	sr_expect_stat("many", "hosts_expired", SCAN_PER_TICK);
	sa_shim_tick(S(11));
	sr_expect_stat("many", "hosts_expired", MANY);
	sr_expect_stat("many", "hosts_active", 0);
	sa_shim_fini();
}
END_TEST

static Suite *
monitor_suite(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc;

	tc = sa_tcase(s, "core", 30);
	tcase_add_checked_fixture(tc, files_setup, files_teardown);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_arms);
	tcase_add_loop_test(tc, test_scenario, 0, N_SCENARIOS);

	tc = sa_tcase(s, "signatures", 60);
	tcase_add_checked_fixture(tc, files_setup, files_teardown);
	tcase_add_loop_test(tc, test_shipped_fingerprints, 0,
			    sizeof(fp_cases) / sizeof(fp_cases[0]));
	tcase_add_loop_test(tc, test_shipped_banners, 0,
			    sizeof(banner_cases) / sizeof(banner_cases[0]));
	tcase_add_test(tc, test_shipped_config);
	tcase_add_loop_test(tc, test_patterns, 0,
			    sizeof(pat_cases) / sizeof(pat_cases[0]));
	tcase_add_test(tc, test_banner_window);
	tcase_add_test(tc, test_banner_budget);

	tc = sa_tcase(s, "malformed", 60);
	tcase_add_checked_fixture(tc, files_setup, files_teardown);
	tcase_add_loop_test(tc, test_tcp_options, 0,
			    sizeof(opt_cases) / sizeof(opt_cases[0]));
	tcase_add_loop_test(tc, test_malformed, 0,
			    sizeof(malformed) / sizeof(malformed[0]));
	tcase_add_test(tc, test_fuzz);

	tc = sa_tcase(s, "config", 30);
	tcase_add_checked_fixture(tc, files_setup, files_teardown);
	tcase_add_loop_test(tc, test_bad_config, 0,
			    sizeof(bad_configs) / sizeof(bad_configs[0]));
	tcase_add_loop_test(tc, test_good_config, 0,
			    sizeof(good_configs) / sizeof(good_configs[0]));
	tcase_add_loop_test(tc, test_bad_sigs, 0,
			    sizeof(bad_sigs) / sizeof(bad_sigs[0]));
	tcase_add_test(tc, test_sig_limits);

	tc = sa_tcase(s, "limits", 60);
	tcase_add_checked_fixture(tc, files_setup, files_teardown);
	tcase_add_test(tc, test_state_limit);
	tcase_add_test(tc, test_many_hosts);
	return s;
}

SA_CHECK_MAIN(monitor_suite)
