/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef NAT_H
#define NAT_H

/**
 * @file
 * nat: source NAPT for IPv4 (NAT44), the middlebox registered as "nat".
 *
 * Address and port allocation is deterministic, so that a trace generator
 * can predict every translation and failover runs are reproducible. This
 * is a contract; change it only together with its users:
 *
 *  - Pool order. The [nat] pool list is taken in the order written; a
 *    prefix contributes every one of its addresses (network and broadcast
 *    included) in ascending order. At most NAT_POOL_MAX addresses; an
 *    address may appear only once.
 *  - Paired pooling (RFC 4787 REQ-2). An inside host always gets the pool
 *    address pool[ntohl(inside_addr) % pool_size], for every protocol and
 *    every session.
 *  - Port preservation. The external port (for ICMP echo: the identifier)
 *    is the inside source port when that (external address, port,
 *    protocol) is free and within [port_min, port_max]. Otherwise it is
 *    the next free port scanning upward from the inside port, wrapping
 *    from port_max to port_min; an inside port outside the range starts
 *    the scan at port_min. No free port: the packet is dropped as
 *    "pool-exhausted".
 *  - A port is held by exactly one session and is free again once that
 *    session has expired. Expiry runs in tick(), which visits at most
 *    NAT_EXPIRE_SCAN session slots per call (all of them while fewer have
 *    ever been used), so in a large table a session may outlive its
 *    deadline by a few ticks. Deadlines: last packet (either direction)
 *    plus the timeout of the session's class — UDP, ICMP, or for TCP
 *    "established" once both sides sent an ACK, "transitory" before that
 *    and after a RST or a FIN from each side.
 *
 * Sessions are 5-tuples, so mapping and filtering are address-and-port
 * dependent: a reply is accepted only from the remote address and port the
 * session was opened to. Not implemented, by design of this contract:
 * endpoint-independent mapping, hairpinning, ICMP error translation
 * (RFC 5508; ICMP other than echo is dropped as "icmp-unsupported") and
 * fragment reassembly (every IPv4 fragment is dropped as "fragment").
 */

#include <sa/mbox.h>

/** Largest number of pool addresses. */
#define NAT_POOL_MAX 256

/** Session slots tick() visits at most per call: bounds the work of one
 *  tick, while a default-sized table (65536) is swept in 16 ticks. */
#define NAT_EXPIRE_SCAN 4096u

/** The descriptor, registered at load time. */
extern const struct sa_middlebox nat_middlebox;

#endif /* NAT_H */
