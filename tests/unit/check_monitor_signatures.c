/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * monitor suite: signatures (test case "signatures"). The shipped files
 * under configs/monitor/ against fingerprints and banners of real stacks
 * and the shipped configuration; the banner pattern language through a
 * one-signature file; the banner window and the matching budget.
 */
#include "check_monitor.h"

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

void
mon_add_signatures(Suite *s)
{
	TCase *tc = sa_tcase(s, "signatures", 60);

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
}
