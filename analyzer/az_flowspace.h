/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_FLOWSPACE_H
#define AZ_FLOWSPACE_H

/**
 * @file
 * Flowspace and scope: by which packet header fields each persistent
 * object is selected (StateAlyzr's flowspace analysis).
 *
 * Taint analysis over per-packet code, forward, context-insensitive:
 * - Sources: loads of header fields, recognized through the type they are
 *   read as (sa_*_hdr, struct ip / iphdr / ip6_hdr / tcphdr / udphdr /
 *   icmphdr / ether_header and DPDK's rte_*_hdr, at the field's offset,
 *   also through parameters and array members), through constant offsets
 *   from the start of a frame (Ethernet + IPv4 + L4), and through the
 *   sa_parse() results (struct sa_parsed: l4_proto, ether_type,
 *   vlan_tci); other reads of packet bytes (the packet, receive buffers)
 *   are "payload". Packet memory carries no taint of its own: what the
 *   program writes into a frame does not flow into later header reads.
 * - Propagation: SSA operands, arithmetic, comparisons, phis and selects;
 *   memory by location (memcpy byte for byte where both sides are plain
 *   ranges); arguments to parameters, returns to call results, except
 *   that a call to a pure helper (arithmetic on its arguments only) gets
 *   its result from its own arguments; results and writes of library or
 *   unknown calls from all their inputs. A pointer read from memory also
 *   carries the taint of the address it was read from (hash chains), a
 *   scalar does not (counters indexed by a value stored in a flow entry
 *   are indexed by that value, not by the flow).
 * - Models instead of bodies: sa_parse() and the sa_table library are
 *   analyzed by what their models say. A table's key is the bytes of the
 *   key argument's declared type (its size is a run-time value of the
 *   table) and the pointer to it; value and key pointers the table hands
 *   out carry the key's taint.
 * - Selection: an object gets the taint of a non-constant index into it
 *   (array element, pointer arithmetic), of a pointer it is accessed
 *   through, and of an sa_table key for the table, its keys and values.
 * Scope follows from the flowspace (az_scope_of()).
 */

#include "az_modref.h"
#include "az_result.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Sets the flowspace of the persistent objects of @p r.
 *  @return 0 or -ENOMEM. */
int az_flowspace_run(const struct az_modref *mr, struct az_result *r);

#ifdef __cplusplus
}
#endif

#endif /* AZ_FLOWSPACE_H */
