/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CHECK_IDS_H
#define CHECK_IDS_H

/*
 * What the files of the ids suite share: addresses, frames, steps and
 * rules of the tests, the rules-file and frame helpers (check_ids.c), and
 * one function per file adding its tests (check_ids.c assembles the
 * suite).
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

enum fkind { F_TCP = 1, F_UDP, F_ICMP, F_TCP6, F_GRE, F_FRAG_FIRST,
	     F_FRAG_LATER, F_ARP, F_COUNT };

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

/* Rules most tests load; RULE80 makes one for port 80 from its options. */
#define EVIL "alert tcp any any -> any 80 (msg:\"evil\"; content:\"evil\"; sid:1000;)\n"

#define RULE80(id, m, opts)						\
	"alert tcp any any -> any 80 (msg:\"" m "\"; " opts " sid:" #id ";)\n"

/* The header of a rule matching any TCP packet, options to follow. */
#define HDR "alert tcp any any -> any any "

/* The rules file write_rules last created. */
extern char rules_path[PATH_MAX_];

/* Writes @text to a fresh temporary rules file; returns rules_path. */
const char *write_rules(const char *text);
/* Loads the IDS with @rules and [ids] keys @extra; the file is removed. */
int init_ids(const char *rules, const char *extra);
/* Writes the path of @rel, relative to the source tree, to @out. */
void source_path(const char *rel, char *out, size_t size);
/* Builds @f with @plen payload bytes from @pl (f->payload when NULL). */
size_t build_bin(const struct sr_frame *f, const uint8_t *pl, uint32_t plen,
		 uint8_t *buf);
/* Builds @f with the NUL-terminated f->payload; returns its length. */
size_t build(const struct sr_frame *f, uint8_t *buf);
/* Steps' ops: every packet emitted unchanged or dropped, alerts exact. */
extern const struct sr_ops ids_steps;

/* The tests of each file, in the suite's order. */
void ids_add_detection(TCase *tc);	/* check_ids_detection.c, "core" */
void ids_add_frames(Suite *s);		/* check_ids_frames.c */
void ids_add_rules(Suite *s);		/* check_ids_rules.c */
void ids_add_limits(Suite *s);		/* check_ids_limits.c */

#endif /* CHECK_IDS_H */
