/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PKTBUILD_H
#define PKTBUILD_H

/**
 * @file
 * Builds well-formed Ethernet/IPv4|IPv6/TCP|UDP|ICMP frames with correct
 * checksums, for the trace generator and for unit tests. Deliberately
 * independent of the parser in runtime/lib so tests cross-check it.
 *
 * IPv4 headers are 20 bytes with DF set and id 0 (RFC 6864 atomic
 * datagram), so a frame depends on its spec alone; TCP headers carry no
 * options (data offset 5).
 */

#include <stdint.h>
#include <stddef.h>

struct pb_spec {
	uint8_t eth_src[6];
	uint8_t eth_dst[6];
	uint8_t n_vlan;			/**< 0..2 tags, outer first */
	uint16_t vlan_tci[2];		/**< host order */
	uint8_t family;			/**< 4 or 6 */
	uint32_t src4, dst4;		/**< host order */
	uint8_t src6[16], dst6[16];
	uint8_t proto;			/**< SA_IPPROTO_TCP/UDP/ICMP/ICMPV6 */
	uint8_t ttl;			/**< 0: 64 */
	uint16_t sport, dport;		/**< host order (TCP/UDP) */
	uint8_t tcp_flags;
	uint32_t seq, ack;		/**< host order */
	uint16_t win;			/**< host order; 0: 65535 */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;	/**< host order */
	const uint8_t *payload;		/**< NULL: payload_len bytes of pattern */
	uint32_t payload_len;
	uint32_t min_frame_len;		/**< zero-pad the frame to at least this */
};

/**
 * Writes the frame described by @p s into @p buf.
 * @return the frame length, or 0 if it does not fit in @p cap or @p s is
 *   invalid (unknown family/proto).
 */
size_t pb_build(uint8_t *buf, size_t cap, const struct pb_spec *s);

/** Fills @p s with defaults (MACs, TTL 64, window 65535) and the given
 *  IPv4 5-tuple; addresses and ports in host order. For ICMP/ICMPv6 it
 *  makes an echo request whose identifier is @p sport. */
void pb_spec_init4(struct pb_spec *s, uint8_t proto, uint32_t src,
		   uint32_t dst, uint16_t sport, uint16_t dport);

/** Same for IPv6. */
void pb_spec_init6(struct pb_spec *s, uint8_t proto, const uint8_t src[16],
		   const uint8_t dst[16], uint16_t sport, uint16_t dport);

#endif /* PKTBUILD_H */
