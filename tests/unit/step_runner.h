/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef STEP_RUNNER_H
#define STEP_RUNNER_H

/*
 * The table-driven middlebox suites (check_nat, check_lb, check_ids,
 * check_monitor; check_firewall uses the checks): a scenario is a list of
 * steps, each a packet with what must come of it, a tick, or a counter to
 * check. The runner builds the step's frame with the suite's builder,
 * runs it through the shim and checks exactly one verdict, the drop
 * reason or the emitting arm, the frame that came out (the input, or the
 * input rebuilt with a rewritten tuple, so incremental checksums are
 * compared with full ones) and the alerts.
 */

#include <stddef.h>
#include <stdint.h>

#include "sa_shim.h"

/** Room for any frame a suite builds. */
#define SR_FRAME_MAX		SA_SHIM_FRAME_MAX
#define SR_ETH_LEN		14
/** A later fragment: offset 100 (in 8-byte units). */
#define SR_FRAG_LATER_UNITS	100

enum sr_op { SR_END = 0, SR_PKT, SR_TICK, SR_STAT };

/** A frame to build. Which fields count, and how, is the suite's builder's
 *  business (kind is the suite's own F_* value). */
struct sr_frame {
	int kind;
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t flags;		/* TCP */
	uint32_t seq;		/* TCP */
	uint8_t ttl;		/* 0: pktbuild's default */
	uint16_t win;		/* 0: pktbuild's default */
	const char *opts;	/* TCP options, in the suite's notation */
	const char *payload;
	uint32_t payload_len;	/* 0: strlen(payload) */
};

/** The tuple of an emitted frame, where it differs from the input's;
 *  0 leaves a field as it is. */
struct sr_xlate {
	uint32_t src, dst;
	uint16_t sport, dport;
};

struct sr_step {
	enum sr_op op;
	uint64_t t;		/* SR_PKT, SR_TICK */
	uint8_t arm;		/* SR_PKT: arriving on */
	struct sr_frame f;
	/* SR_PKT: what must come of it */
	const char *drop;	/* the drop reason's name; NULL: emitted */
	unsigned int out_arm;	/* emitted on (see enum sr_arm_check) */
	struct sr_xlate x;	/* emitted rewritten */
	unsigned int alerts;	/* exactly this many alerts ... */
	uint32_t alert_id;	/* ... the last one with this id ... */
	const char *alert;	/* ... and this in its text (NULL: any) */
	/* SR_STAT */
	const char *stat;
	uint64_t value;
};

/** Which arm an emitted frame must leave on. */
enum sr_arm_check {
	SR_ARM_STEP,		/* the step's out_arm */
	SR_ARM_ACROSS,		/* the other arm (outside for SA_ARM_ANY) */
	SR_ARM_UNCHECKED,
};

/** What the runner needs of a suite. */
struct sr_ops {
	/** Builds @p f into @p buf (SR_FRAME_MAX bytes); @return length. */
	size_t (*build)(const struct sr_frame *f, uint8_t *buf);
	enum sr_arm_check arm_check;
};

/** Runs one SR_PKT step; @p what names it in failures. */
void sr_run_packet(const struct sr_ops *ops, const char *what,
		   const struct sr_step *st);

/** Runs @p steps (at most @p max, up to SR_END) on the middlebox the
 *  caller initialized; failures name "@p name step N". */
void sr_run_steps(const struct sr_ops *ops, const char *name,
		  const struct sr_step *steps, unsigned int max);

/** Asserts a scenario's init result @p rc is 0, with the shim's log. */
void sr_expect_init(const char *name, int rc);

/** Exactly one verdict: a drop for the reason named @p reason. */
void sr_expect_drop(const char *what, const struct sa_shim_out *out,
		    const char *reason);

/** Exactly one verdict: emitted, on @p arm unless SA_ARM_ANY. */
void sr_expect_emit(const char *what, const struct sa_shim_out *out,
		    unsigned int arm);

/** The frame that came out is @p exp (@p len bytes), byte for byte. */
void sr_expect_frame(const char *what, const struct sa_shim_out *out,
		     const uint8_t *exp, size_t len);

/** Exactly @p n alerts; the last with @p id and @p text (NULL: any). */
void sr_expect_alerts(const char *what, const struct sa_shim_out *out,
		      unsigned int n, uint32_t id, const char *text);

/** The counter @p name is @p value. */
void sr_expect_stat(const char *what, const char *name, uint64_t value);

/** A refused configuration (number @p i of its table): the shim's log
 *  names ":@p line: [@p section]" and holds @p text. */
void sr_expect_config_error(unsigned int i, const char *section,
			    unsigned int line, const char *text);

/* ---- frames ---------------------------------------------------------- */

/** A broadcast ARP frame; @return its length. */
size_t sr_build_arp(uint8_t *buf);

/** What pktbuild has no knob for, written over an untagged IPv4 frame
 *  (the IPv4 header checksum fixed after). */
enum sr_patch {
	SR_PATCH_NONE = 0,
	SR_PATCH_UDP_NO_CKSUM,	/* UDP checksum 0: none */
	SR_PATCH_GRE,		/* protocol GRE */
	SR_PATCH_FRAG_FIRST,	/* MF set, offset 0 */
	SR_PATCH_FRAG_LATER,	/* offset SR_FRAG_LATER_UNITS */
};

void sr_patch_ip4(uint8_t *buf, enum sr_patch p);

/** Big-endian 16-bit store. */
void sr_put16(uint8_t *p, uint32_t v);

/** The suites' reproducible pseudo-random numbers (xorshift32). */
uint32_t sr_xorshift(uint32_t *s);

/** Copies the @p n bytes of @p base to @p buf with @p flips random bytes
 *  overwritten; @return a random length from 0 to @p n to send. */
uint32_t sr_corrupt(uint8_t *buf, const uint8_t *base, size_t n,
		    unsigned int flips, uint32_t *rng);

/** The valid frame a malformed case starts from; the suite builds it
 *  with its own addresses and ports. */
enum sr_base {
	SR_BASE_UDP4, SR_BASE_TCP4, SR_BASE_TCP4_VLAN, SR_BASE_UDP6,
	SR_BASE_ECHO4,
};

enum sr_mut { SR_MUT_TRUNC, SR_MUT_SET8, SR_MUT_SET16 };

/** A valid frame with a header field or two overwritten, or cut short,
 *  which the shared parser (sa/headers.h) must drop for @p reason. */
struct sr_malformed {
	const char *name;
	enum sr_base base;
	enum sr_mut op;
	uint32_t off, val;	/* SR_MUT_TRUNC: val is the new length */
	uint32_t off2, val2;	/* a second 16-bit write when off2 != 0 */
	unsigned int reason;
};

/** The cases every middlebox on the shared parser must drop. */
extern const struct sr_malformed sr_malformed[];
extern const unsigned int sr_n_malformed;

/** Applies @p m to the valid frame of @p len bytes in @p buf and runs it
 *  in on every arm (inside, outside, any) at @p now: each must get
 *  exactly one verdict, a drop for m's reason. */
void sr_expect_malformed(const struct sr_malformed *m, uint8_t *buf,
			 size_t len, uint64_t now);

#endif /* STEP_RUNNER_H */
