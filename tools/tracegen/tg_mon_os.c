/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The monitor profile's cast. Every fingerprint below is a line of
 * configs/monitor/os.sigs (the first that matches, given the earlier
 * lines), every banner a line of configs/monitor/services.sigs; the
 * comments give the label each one earns.
 */

#include <string.h>

#include <sa/headers.h>

#include "tg_mon.h"

#define TG_OPT_EOL		0
#define TG_OPT_NOP		1
#define TG_OPT_MSS		2
#define TG_OPT_MSS_LEN		4
#define TG_OPT_WS		3
#define TG_OPT_WS_LEN		3
#define TG_OPT_SACK_OK		4
#define TG_OPT_SACK_OK_LEN	2
#define TG_OPT_TS		8
#define TG_OPT_TS_LEN		10
#define TG_OPT_ALIGN		4

const struct tg_mon_os tg_mon_oses[TG_MON_OS_COUNT] = {
	/* syn:64:mss*44:*:7:M,S,T,N,W, synack:64:65160:*:7:M,S,T,N,W */
	[TG_MON_LINUX] = { 64, "MSTNW", "MSTNW", 0, 44, 65160, 7, 502 },
	/* syn:128:64240:*:8:M,N,W,N,N,S, synack:128:65535:*:8:... */
	[TG_MON_WINDOWS] = { 128, "MNWNNS", "MNWNNS", 64240, 0, 65535, 8,
			     1026 },
	/* *:64:65535:*:6:M,N,W,N,N,T,S,E */
	[TG_MON_MACOS] = { 64, "MNWNNTSE", "MNWNNTSE", 65535, 0, 65535, 6,
			   2048 },
	/* *:64:65535:*:6:M,N,W,S,T */
	[TG_MON_FREEBSD] = { 64, "MNWST", "MNWST", 65535, 0, 65535, 6, 1027 },
	/* *:255:4128:*:-:M */
	[TG_MON_CISCO] = { 255, "M", "M", 4128, 0, 4128, 0, 4128 },
};

#define TG_BANNER(s)	(const uint8_t *)(s), sizeof(s) - 1

/* ssh/OpenSSH 8.9p1, then ssh/OpenSSH 9.6p1; http/nginx 1.24.0 */
static const struct tg_mon_svc tg_mon_svc_web1[] = {
	{ SA_IPPROTO_TCP, 22, NULL,
	  TG_BANNER("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n"),
	  TG_BANNER("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n") },
	{ SA_IPPROTO_TCP, 80,
	  "GET / HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
	  TG_BANNER("HTTP/1.1 200 OK\r\nDate: Tue, 14 Nov 2023 22:13:20 GMT"
		    "\r\nServer: nginx/1.24.0\r\nContent-Length: 0\r\n\r\n"),
	  NULL, 0 },
};

/* http/Microsoft IIS 10.0 */
static const struct tg_mon_svc tg_mon_svc_iis[] = {
	{ SA_IPPROTO_TCP, 80,
	  "GET / HTTP/1.1\r\nHost: intranet.example.org\r\n\r\n",
	  TG_BANNER("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nServer: "
		    "Microsoft-IIS/10.0\r\nContent-Length: 0\r\n\r\n"),
	  NULL, 0 },
};

/* smtp/Postfix (mail.example.org), imap/Dovecot, pop3/Dovecot */
static const struct tg_mon_svc tg_mon_svc_mail[] = {
	{ SA_IPPROTO_TCP, 25, NULL,
	  TG_BANNER("220 mail.example.org ESMTP Postfix (Ubuntu)\r\n"),
	  NULL, 0 },
	{ SA_IPPROTO_TCP, 143, NULL,
	  TG_BANNER("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID "
		    "ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot "
		    "(Ubuntu) ready.\r\n"), NULL, 0 },
	{ SA_IPPROTO_TCP, 110, NULL,
	  TG_BANNER("+OK Dovecot (Ubuntu) ready.\r\n"), NULL, 0 },
};

/* ftp/vsftpd 3.0.5 */
static const struct tg_mon_svc tg_mon_svc_ftp[] = {
	{ SA_IPPROTO_TCP, 21, NULL, TG_BANNER("220 (vsFTPd 3.0.5)\r\n"),
	  NULL, 0 },
};

/* mysql/MySQL 8.0.35: a protocol 10 greeting; redis: +PONG */
static const struct tg_mon_svc tg_mon_svc_db[] = {
	{ SA_IPPROTO_TCP, 3306, NULL,
	  TG_BANNER("\x4a\x00\x00\x00\x0a" "8.0.35\x00"
		    "\x0b\x00\x00\x00\x2d\x2a\x5f\x3b\x61\x14\x2f\x51\x00"
		    "\xff\xff\xff\x02\x00\xff\xdf\x15\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x66\x27\x47\x56\x1d\x0f\x6e\x23"
		    "\x2c\x1c\x3f\x5a\x00" "caching_sha2_password\x00"),
	  NULL, 0 },
	{ SA_IPPROTO_TCP, 6379, "*1\r\n$4\r\nPING\r\n",
	  TG_BANNER("+PONG\r\n"), NULL, 0 },
};

/* ssh/Cisco 1.25 */
static const struct tg_mon_svc tg_mon_svc_router[] = {
	{ SA_IPPROTO_TCP, 22, NULL, TG_BANNER("SSH-2.0-Cisco-1.25\r\n"),
	  NULL, 0 },
};

/* dns, ntp: UDP services known by their answers (tg_prof_mon.c) */
static const struct tg_mon_svc tg_mon_svc_dns[] = {
	{ SA_IPPROTO_UDP, 53, NULL, NULL, 0, NULL, 0 },
	{ SA_IPPROTO_UDP, 123, NULL, NULL, 0, NULL, 0 },
};

/* http/Apache httpd 2.4.57 */
static const struct tg_mon_svc tg_mon_svc_apache[] = {
	{ SA_IPPROTO_TCP, 80,
	  "GET /index.html HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
	  TG_BANNER("HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Unix)\r\n"
		    "Content-Length: 0\r\n\r\n"), NULL, 0 },
};

/* ssh/OpenSSH 9.3 over IPv6 */
static const struct tg_mon_svc tg_mon_svc_ssh6[] = {
	{ SA_IPPROTO_TCP, 22, NULL, TG_BANNER("SSH-2.0-OpenSSH_9.3\r\n"),
	  NULL, 0 },
};

#define TG_SVCS(a)	(uint8_t)(sizeof(a) / sizeof((a)[0])), (a)

/* 10.0.1.0/24, then fd00::1:0/112. */
const struct tg_mon_server tg_mon_servers[TG_MON_SERVERS] = {
	{ 4, TG_MON_LINUX, 1, TG_SVCS(tg_mon_svc_web1), 0x0a000101u, { 0 } },
	{ 4, TG_MON_WINDOWS, 1, TG_SVCS(tg_mon_svc_iis), 0x0a000102u, { 0 } },
	{ 4, TG_MON_LINUX, 0, TG_SVCS(tg_mon_svc_mail), 0x0a000103u, { 0 } },
	{ 4, TG_MON_FREEBSD, 2, TG_SVCS(tg_mon_svc_ftp), 0x0a000104u, { 0 } },
	{ 4, TG_MON_LINUX, 1, TG_SVCS(tg_mon_svc_db), 0x0a000105u, { 0 } },
	{ 4, TG_MON_CISCO, 0, TG_SVCS(tg_mon_svc_router), 0x0a000106u,
	  { 0 } },
	{ 4, TG_MON_LINUX, 1, TG_SVCS(tg_mon_svc_dns), 0x0a000107u, { 0 } },
	{ 4, TG_MON_MACOS, 0, TG_SVCS(tg_mon_svc_apache), 0x0a000108u,
	  { 0 } },
	{ 6, TG_MON_LINUX, 1, TG_SVCS(tg_mon_svc_ssh6), 0,
	  { 0xfd, [13] = 0x01, [15] = 0x01 } },
};

/* 10.0.2.0/24, then fd00::2:0/112. */
const struct tg_mon_client tg_mon_clients[TG_MON_CLIENTS] = {
	{ 4, TG_MON_LINUX, TG_MON_LINUX, 0x0a000201u, { 0 } },
	{ 4, TG_MON_WINDOWS, TG_MON_WINDOWS, 0x0a000202u, { 0 } },
	{ 4, TG_MON_MACOS, TG_MON_MACOS, 0x0a000203u, { 0 } },
	{ 4, TG_MON_FREEBSD, TG_MON_FREEBSD, 0x0a000204u, { 0 } },
	/* Reinstalled during the idle gap. */
	{ 4, TG_MON_WINDOWS, TG_MON_LINUX, 0x0a000232u, { 0 } },
	{ 6, TG_MON_MACOS, TG_MON_MACOS, 0,
	  { 0xfd, [13] = 0x02, [15] = 0x01 } },
};

/* Renders option letters; pads with EOL to a 4-byte multiple. */
static uint8_t
tg_mon_opts(uint8_t *o, const char *letters, uint16_t mss, uint8_t ws,
	    uint32_t tsval)
{
	uint8_t n = 0;

	for (; *letters != '\0'; letters++) {
		switch (*letters) {
		case 'M':
			o[n] = TG_OPT_MSS;
			o[n + 1] = TG_OPT_MSS_LEN;
			o[n + 2] = (uint8_t)(mss >> 8);
			o[n + 3] = (uint8_t)mss;
			n += TG_OPT_MSS_LEN;
			break;
		case 'W':
			o[n] = TG_OPT_WS;
			o[n + 1] = TG_OPT_WS_LEN;
			o[n + 2] = ws;
			n += TG_OPT_WS_LEN;
			break;
		case 'S':
			o[n] = TG_OPT_SACK_OK;
			o[n + 1] = TG_OPT_SACK_OK_LEN;
			n += TG_OPT_SACK_OK_LEN;
			break;
		case 'T':
			memset(o + n, 0, TG_OPT_TS_LEN);
			o[n] = TG_OPT_TS;
			o[n + 1] = TG_OPT_TS_LEN;
			o[n + 2] = (uint8_t)(tsval >> 24);
			o[n + 3] = (uint8_t)(tsval >> 16);
			o[n + 4] = (uint8_t)(tsval >> 8);
			o[n + 5] = (uint8_t)tsval;
			n += TG_OPT_TS_LEN;
			break;
		default:
			o[n++] = *letters == 'N' ? TG_OPT_NOP : TG_OPT_EOL;
			break;
		}
	}
	while (n % TG_OPT_ALIGN != 0)
		o[n++] = TG_OPT_EOL;
	return n;
}

void
tg_mon_os_apply(struct tg_end *e, enum tg_mon_os_id os, int synack,
		uint8_t hops, uint16_t mss, uint32_t tsval)
{
	const struct tg_mon_os *t = &tg_mon_oses[os];

	e->ttl = (uint8_t)(t->ttl - hops);
	e->win = t->data_win;
	if (synack)
		e->syn_win = t->synack_win;
	else
		e->syn_win = t->syn_win ? t->syn_win :
			     (uint16_t)(t->syn_mss_mult * mss);
	e->n_opts = tg_mon_opts(e->opts, synack ? t->synack_opts :
				t->syn_opts, mss, t->ws, tsval);
}
