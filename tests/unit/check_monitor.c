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
 *
 * This file holds the fixture, the frames and the scenarios (test case
 * "core") and assembles the suite; the other test cases are in
 * check_monitor_*.c.
 */
#include "check_monitor.h"

#define MAX_STEPS	24
#define TS_LEN		10

struct scenario {
	const char *name;
	const char *ini;	/* @OS@ @SVC@ @SVC22@: fixture file paths */
	struct sr_step steps[MAX_STEPS];
};

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
char extra_path[PATH_MAX_];

void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

void
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

void
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

int
init_ini(const char *tmpl)
{
	char ini[INI_MAX];

	ini_expand(tmpl, ini, sizeof(ini));
	return sa_shim_init(&mon_middlebox, ini);
}

/* A file of the source tree, from this file's path as the compiler saw
 * it (meson compiles from the build root and runs tests there), or else
 * from the working directory (the suite run from the source root). */
void
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

size_t
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
void
send_frame(const char *what, const uint8_t *in, size_t len, uint8_t arm,
	   uint64_t t, struct sa_shim_out *out)
{
	sa_shim_process(in, (uint32_t)len, arm, t, out);
	sr_expect_emit(what, out, arm == SA_ARM_OUTSIDE ? SA_ARM_INSIDE :
							  SA_ARM_OUTSIDE);
	sr_expect_frame(what, out, in, len);
}

void
send_pkt(const char *what, const struct sr_frame *f, uint64_t t,
	 struct sa_shim_out *out)
{
	uint8_t buf[FRAME_MAX];
	size_t len = build(f, buf);

	send_frame(what, buf, len, SA_ARM_ANY, t, out);
}

static const struct sr_ops mon_steps = { build, SR_ARM_ACROSS };

/* ---- scenarios -------------------------------------------------------- */

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
	mon_add_signatures(s);
	mon_add_frames(s);
	mon_add_config(s);
	return s;
}

SA_CHECK_MAIN(monitor_suite)
