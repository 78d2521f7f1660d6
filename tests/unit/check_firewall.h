/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CHECK_FIREWALL_H
#define CHECK_FIREWALL_H

/*
 * What the files of the firewall suite share: the step table format and
 * its macros, the frame mutations, and one function per file adding its
 * test cases (check_firewall.c assembles the suite).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#include "check_main.h"
#include "pktbuild.h"
#include "sa_shim.h"
#include "step_runner.h"

extern const struct sa_middlebox fw_middlebox;

#define NS_PER_S	1000000000ull
#define NS_PER_MS	1000000ull
#define SEC(s)		((uint64_t)(s) * NS_PER_S)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define FRAME_CAP	SA_SHIM_FRAME_MAX

#define IN_A	"10.0.0.1"
#define IN_B	"10.0.0.2"
#define EXT_A	"192.0.2.10"
#define EXT_B	"198.51.100.7"
#define IN6_A	"fd00::1"
#define EXT6_A	"2001:db8::10"

#define SYN	SA_TCP_SYN
#define ACK	SA_TCP_ACK
#define FIN	SA_TCP_FIN
#define RST	SA_TCP_RST
#define PSH	SA_TCP_PSH
#define URG	SA_TCP_URG

enum step_kind {
	STEP_PKT = 0,
	STEP_TICK,
	STEP_STAT,
};

/* ICMP type 0 is echo reply, so "set" needs its own bit. */
#define ICMP_TYPE_SET	0x100u
#define ICMPT(t)	(ICMP_TYPE_SET | (t))

typedef void (*mutate_fn)(uint8_t *buf, size_t *len);

/* A byte, or a big-endian 16-bit value, written over the built frame. */
struct patch {
	uint16_t off;
	uint8_t size;			/* 1 or 2; 0: unused */
	uint16_t val;
};

#define PATCHES_MAX	2

struct step {
	const char *name;
	enum step_kind kind;
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;		/* ICMP: sport is the echo id */
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;
	uint32_t len;
	uint8_t ws;			/* window scale option: shift + 1 */
	uint16_t icmp_type;		/* ICMPT(type) */
	mutate_fn mut;			/* then patch, then cut */
	struct patch patch[PATCHES_MAX];
	uint32_t cut;			/* frame length; 0: as built */
	uint8_t arm;
	uint64_t t;
	enum sa_shim_verdict verdict;
	unsigned int out_arm;
	const char *reason;
	const char *stat;		/* STEP_STAT */
	uint64_t value;
};

#define TCP(s, sp, d, dp) \
	.proto = SA_IPPROTO_TCP, .src = (s), .sport = (sp), .dst = (d), \
	.dport = (dp)
#define UDP(s, sp, d, dp) \
	.proto = SA_IPPROTO_UDP, .src = (s), .sport = (sp), .dst = (d), \
	.dport = (dp)
#define ICMP(s, d, id, type) \
	.proto = SA_IPPROTO_ICMP, .src = (s), .dst = (d), .sport = (id), \
	.icmp_type = ICMPT(type)
#define ICMP6(s, d, id, type) \
	.proto = SA_IPPROTO_ICMPV6, .src = (s), .dst = (d), .sport = (id), \
	.icmp_type = ICMPT(type)
#define FROM_IN		.arm = SA_ARM_INSIDE
#define FROM_OUT	.arm = SA_ARM_OUTSIDE
#define FROM_ANY	.arm = SA_ARM_ANY
#define TO_OUT		.verdict = SA_SHIM_EMIT, .out_arm = SA_ARM_OUTSIDE
#define TO_IN		.verdict = SA_SHIM_EMIT, .out_arm = SA_ARM_INSIDE
#define DROP(r)		.verdict = SA_SHIM_DROP, .reason = (r)
#define AT(s)		.t = SEC(s)
#define TICK(ns)	.kind = STEP_TICK, .t = (ns)
#define STAT(n, v)	.kind = STEP_STAT, .stat = (n), .value = (v)
#define SET8(o, v)	{ .off = (o), .size = 1, .val = (v) }
#define SET16(o, v)	{ .off = (o), .size = 2, .val = (v) }
#define PATCH(...)	.patch = { __VA_ARGS__ }
#define CUT(n)		.cut = (n)

/* ---- frame mutations --------------------------------------------------- */

#define ETHERTYPE_OFF		12
#define VLAN2_PROTO_OFF		(ETH_LEN + 4 + 2)
#define IP4_VER_OFF		ETH_LEN
#define IP4_TOTLEN_OFF		(ETH_LEN + 2)
#define IP4_FRAG_OFF		(ETH_LEN + 6)
#define IP4_PROTO_OFF		(ETH_LEN + 9)
#define IP6_PLEN_OFF		(ETH_LEN + 4)
#define IP6_NH_OFF		(ETH_LEN + 6)
#define IP6_EXT_OFF		(ETH_LEN + IP6_LEN)
#define L4_OFF4			(ETH_LEN + IP4_LEN)
#define TCP_DOFF_OFF4		(L4_OFF4 + 12)
#define UDP_LEN_OFF4		(L4_OFF4 + 4)
#define UDP_HDR_LEN		8
#define IP4_MF			0x2000
#define FRAG_LATER_UNITS	185	/* offset 1480: a second fragment */
#define IP6_FRAG_HDR_LEN	8
#define IP6_FRAG_MF		0x0001
#define IP6_FRAG_UNIT_SHIFT	3
#define IP_PROTO_GRE		47
#define IP6_EXT_CHAIN		10	/* more than SA_IP6_EXT_MAX */
#define IP4_VER5_IHL5		0x55	/* version 5 */
#define IP4_VER4_IHL4		0x44	/* 16-byte header */
#define IP6_AS_VER4		0x40	/* version 4 in an IPv6 frame */
#define IP6_EXT_LEN_48		5	/* (5 + 1) * 8 bytes */
#define TCP_DOFF_16		(4 << 4)
#define UDP_LEN_SHORT		4
#define L4_ROOM_10		10

#define FRAG4_LATER	PATCH(SET16(IP4_FRAG_OFF, FRAG_LATER_UNITS))
#define FRAG4_FIRST	PATCH(SET16(IP4_FRAG_OFF, IP4_MF))
#define AS_GRE		PATCH(SET8(IP4_PROTO_OFF, IP_PROTO_GRE))
#define AS_ARP		PATCH(SET16(ETHERTYPE_OFF, SA_ETHER_TYPE_ARP))

/* Client 10.0.0.1:40000 (ISN 1000) talks to 192.0.2.10:80 (ISN 5000). */
#define C2S	TCP(IN_A, 40000, EXT_A, 80), FROM_IN
#define S2C	TCP(EXT_A, 80, IN_A, 40000), FROM_OUT

/* The steps' runner (check_firewall.c). */
void fw_run_steps(const struct step *steps, size_t n);
/* Initializes the firewall with @p ini, runs @p steps, finalizes. */
void fw_scenario(const char *ini, const struct step *steps, size_t n);
#define SCENARIO(ini, steps) fw_scenario((ini), (steps), ARRAY_SIZE(steps))

/* Mutations (struct step's mut). */
void mut_frag6_later(uint8_t *buf, size_t *len);
void mut_frag6_first(uint8_t *buf, size_t *len);
void mut_ip6_ext_many(uint8_t *buf, size_t *len);

/* Outbound connections allowed, inbound denied. */
extern const char cfg_outbound[];

/* The test cases of each file. */
void fw_add_tcp(Suite *s);		/* check_firewall_tcp.c */
void fw_add_frames(Suite *s);		/* check_firewall_frames.c */

#define TIMEOUT_FAST	10
#define TIMEOUT_SLOW	30

#endif /* CHECK_FIREWALL_H */
