/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CHECK_LB_H
#define CHECK_LB_H

/*
 * What the files of the lb suite share: addresses, frames and
 * configurations of the tests, and one function per file adding its test
 * cases (check_lb.c assembles the suite).
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <check.h>

#include <sa/headers.h>
#include <sa/cksum.h>

#include "check_main.h"
#include "sa_shim.h"
#include "pktbuild.h"
#include "step_runner.h"
#include "../../middleboxes/lb/lb.h"

#define S(n)		((uint64_t)(n) * 1000000000ull)
#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 |	\
			 (uint32_t)(c) << 8 | (uint32_t)(d))
#define VIP		IP4(192, 0, 2, 10)
#define NOT_VIP		IP4(192, 0, 2, 99)
#define C(n)		IP4(198, 51, 100, n)
#define CX(n)		IP4(198, 18, (n) >> 8, (n) & 0xff)
#define B(n)		IP4(10, 1, 0, n)

#define IN		SA_ARM_INSIDE
#define OUT		SA_ARM_OUTSIDE
#define ANY		SA_ARM_ANY

#define SYN		SA_TCP_SYN
#define ACK		SA_TCP_ACK
#define RST		SA_TCP_RST
#define SYNACK		(SA_TCP_SYN | SA_TCP_ACK)
#define FINACK		(SA_TCP_FIN | SA_TCP_ACK)

#define FRAME_MAX	512
#define MAX_STEPS	40
#define ETH_LEN		14
#define IP4_DST_OFF	(ETH_LEN + 16)
#define VLAN_TCI	100
#define TF_SEQ		1000
#define TF_ACK		2000
#define TF_PAYLOAD	18
#define LB_N_DROPS	6
#define IP4_TCP_LEN	(20 + 20 + TF_PAYLOAD)

#define SVC_HTTP	"192.0.2.10:80/tcp"
/* Maglev table size of INI_BASE and INI_POOL. */
#define MAGLEV_TEST	251
#define STR(x)		#x
#define XSTR(x)		STR(x)

/* IPv6 addresses of the scenarios, by number (0: none). */
enum { A6_CLIENT = 1, A6_VIP, A6_BACKEND, A6_OTHER, A6_COUNT };


enum fkind {
	F_TCP = 1, F_TCP_VLAN, F_UDP, F_UDP_NOCK, F_TCP6, F_UDP6, F_ECHO,
	F_GRE, F_FRAG_FIRST, F_FRAG_LATER, F_ARP, F_COUNT
};


/* Frames (struct sr_frame); for F_TCP6/F_UDP6 src and dst are A6_*
 * numbers. */
#define FR(k, s, d, sp, dp, fl) \
	{ .kind = (k), .src = (s), .dst = (d), .sport = (sp), .dport = (dp), \
	  .flags = (fl) }
#define TCP(s, d, sp, dp, fl) FR(F_TCP, s, d, sp, dp, fl)
#define TCPV(s, d, sp, dp, fl) FR(F_TCP_VLAN, s, d, sp, dp, fl)
#define TCP6(s, d, sp, dp, fl) FR(F_TCP6, s, d, sp, dp, fl)
#define UDP(s, d, sp, dp) FR(F_UDP, s, d, sp, dp, 0)
#define UDP0(s, d, sp, dp) FR(F_UDP_NOCK, s, d, sp, dp, 0)
#define UDP6(s, d, sp, dp) FR(F_UDP6, s, d, sp, dp, 0)
#define FRAME(k, s, d) FR(k, s, d, 1111, 80, 0)
#define PKT(time, a, frame, ...) \
	{ .op = SR_PKT, .t = (time), .arm = (a), .f = frame, __VA_ARGS__ }
#define EMIT(a, ...) .out_arm = (a), .x = { __VA_ARGS__ }
#define DROP(name) .drop = (name)
#define TICK(time) { .op = SR_TICK, .t = (time) }
#define STAT(name, v) { .op = SR_STAT, .stat = (name), .value = (v) }

/* Client packets to VIP:80 go to 10.1.0.1:8080, to VIP:53 to 10.1.0.2:53. */
#define TO_B1		.dst = B(1), .dport = 8080
#define FROM_VIP80	.src = VIP, .sport = 80

#define INI_BASE							\
	"[lb]\n"							\
	"inside = 10.1.0.0/16, fd00::/64\n"				\
	"service = 192.0.2.10:80/tcp\n"					\
	"service = 192.0.2.10:53/udp\n"					\
	"service = [2001:db8::10]:443/tcp\n"				\
	"service = [2001:db8::10]:53/udp\n"				\
	"backend = 192.0.2.10:80/tcp 10.1.0.1:8080\n"			\
	"backend = 192.0.2.10:53/udp 10.1.0.2\n"			\
	"backend = [2001:db8::10]:443/tcp [fd00::1]:8443\n"		\
	"backend = [2001:db8::10]:53/udp [fd00::1]\n"			\
	"maglev_size = " XSTR(MAGLEV_TEST) "\n"

/* One service, four backends of equal weight. */
#define INI_POOL							\
	"[lb]\n"							\
	"inside = 10.1.0.0/16\n"					\
	"service = 192.0.2.10:80/tcp\n"					\
	"backend = 192.0.2.10:80/tcp 10.1.0.1\n"			\
	"backend = 192.0.2.10:80/tcp 10.1.0.2\n"			\
	"backend = 192.0.2.10:80/tcp 10.1.0.3\n"			\
	"backend = 192.0.2.10:80/tcp 10.1.0.4\n"			\
	"maglev_size = " XSTR(MAGLEV_TEST) "\n"
#define POOL_N		4

/* Room for the configurations the tests write (lb_ini_buf). */
#define INI_TEXT_MAX	(128 * 1024)

extern char lb_ini_buf[INI_TEXT_MAX];

/** Builds @p f (check_lb.c). */
size_t lb_build(const struct sr_frame *f, uint8_t *buf);
extern const struct sr_ops lb_steps;

/* The test cases of each file, in the suite's order. */
void lb_add_backends(Suite *s);		/* check_lb_backends.c */
void lb_add_maglev(Suite *s);		/* check_lb_maglev.c */
void lb_add_frames(Suite *s);		/* check_lb_frames.c */
void lb_add_config(Suite *s);		/* check_lb_config.c */

#endif /* CHECK_LB_H */
