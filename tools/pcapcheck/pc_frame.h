/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PC_FRAME_H
#define PC_FRAME_H

/**
 * @file
 * What the checks need to know about one parsed frame: its NAT identity,
 * whether its checksums hold, and whether it is another frame with only
 * what a NAT may rewrite changed.
 */

#include <stddef.h>
#include <stdint.h>

#include "pc_reader.h"

/** Identity of an IPv4 TCP, UDP or ICMP echo frame, host order. ICMP echo
 *  has no ports: its identifier sits on the side of the host that chose
 *  it (the request's source, the reply's destination), the other is 0. */
struct pc_tuple {
	uint8_t proto;
	uint32_t src, dst;
	uint16_t sport, dport;
};

/** Fills @p t if @p f is a whole IPv4 TCP/UDP/ICMP-echo datagram.
 *  @return 1 if so, else 0. */
int pc_tuple_get(const struct pc_frame *f, struct pc_tuple *t);

/** Checks the IPv4 header and L4 checksums of a parsed frame.
 *  @return 0, or -1 with a description in @p why. */
int pc_cksum_check(const struct pc_frame *f, char *why, size_t why_len);

/**
 * True if two parsed frames have the same layout and bytes except for
 * the MAC addresses, TTL / hop limit, and — for IPv4 — the header
 * checksum, the addresses, the L4 ports (ICMP identifier) and the L4
 * checksum: the fields a NAT, or a one-armed device, may rewrite.
 */
int pc_same_but_nat(const struct pc_frame *a, const struct pc_frame *b);

/** Formats "PROTO a.b.c.d:p -> e.f.g.h:q" into @p buf. */
const char *pc_tuple_str(const struct pc_tuple *t, char *buf, size_t len);

/** "a.b.c.d" of a host-order address (a static buffer per slot 0..3). */
const char *pc_ip4_str(uint32_t addr, unsigned int slot);

#endif /* PC_FRAME_H */
