/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CHECK_MONITOR_H
#define CHECK_MONITOR_H

/*
 * What the files of the monitor suite share: addresses, frames and
 * configurations of the tests, the signature-file fixture and the frame
 * helpers (check_monitor.c), and one function per file adding its test
 * cases (check_monitor.c assembles the suite).
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
#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define TCP_LEN		20
#define PATH_MAX_	256
#define INI_MAX		2048

#define EV_HOST		1
#define EV_OS		2
#define EV_SVC		3
#define EV_LABEL	4

/* Linux 5.x SYN and SYN-ACK, Windows 10 SYN. */
#define LINUX_OPTS	"M1460,S,T,N,W7"
#define WIN10_OPTS	"M1460,N,W8,N,N,S"
/* Ten NOP option bytes, in hex. */
#define NOPS10	"01010101010101010101"

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

#define SYNF(s, d, sp, dp, ttl, win, o) \
	FR(F_TCP, s, d, sp, dp, SYN, ttl, win, o, NULL, 0)
#define SYNACKF(s, d, sp, dp) \
	FR(F_TCP, s, d, sp, dp, SYNACK, 64, 65160, LINUX_OPTS, NULL, 0)
#define DATA(s, d, sp, dp, text) \
	FR(F_TCP, s, d, sp, dp, PSHACK, 64, 502, NULL, text, 0)
#define UDPF(s, d, sp, dp, text, n) \
	FR(F_UDP, s, d, sp, dp, 0, 64, 0, NULL, text, n)
#define FRAME(k, s, d) FR(k, s, d, 1111, 2222, ACK, 64, 0, NULL, NULL, 0)

/* Configurations (@OS@, @SVC@: the fixture's files; see init_ini). */
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

/* The fixture's scratch signature file, which tests write themselves. */
extern char extra_path[PATH_MAX_];

/* Checked fixture: writes the test signature files to a temporary dir. */
void files_setup(void);
/* Removes what files_setup created, and extra_path. */
void files_teardown(void);
/* Writes @len bytes of @text to @path, which is created or truncated. */
void write_file(const char *path, const char *text, size_t len);
/* Initializes the monitor with @tmpl, @OS@ @SVC@ @SVC22@ @EXTRA@ expanded. */
int init_ini(const char *tmpl);
/* Writes the path of the source tree's @rel (or @rel itself) to @out. */
void source_path(const char *rel, char *out, size_t size);
/* Builds @f into @buf, TCP options from f->opts; returns its length. */
size_t build(const struct sr_frame *f, uint8_t *buf);
/* Runs one frame; it must leave unchanged on the arm across. */
void send_frame(const char *what, const uint8_t *in, size_t len, uint8_t arm,
		uint64_t t, struct sa_shim_out *out);
/* Builds @f and runs it (send_frame) on any arm at time @t. */
void send_pkt(const char *what, const struct sr_frame *f, uint64_t t,
	      struct sa_shim_out *out);

/* The test cases of each file, in the suite's order. */
void mon_add_signatures(Suite *s);	/* check_monitor_signatures.c */
void mon_add_frames(Suite *s);		/* check_monitor_frames.c */
void mon_add_config(Suite *s);		/* check_monitor_config.c */

#endif /* CHECK_MONITOR_H */
