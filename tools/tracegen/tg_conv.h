/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_CONV_H
#define TG_CONV_H

/**
 * @file
 * Frames of one conversation between two ends, for the profiles: TCP with
 * per-end SYN options, window and TTL, sequence numbers kept per end; UDP;
 * ICMP; fragmented IPv4 datagrams. Each call sends one packet (two for a
 * fragmented datagram) some microseconds after the previous one, with
 * valid checksums, to the session's tg_out. With --pkt-size every frame
 * is cut or padded to that size: SYN options that do not fit shrink to
 * the MSS option, TCP and ICMP payloads to the room left, UDP payloads
 * that do not fit to none.
 */

#include <stdint.h>

#include "tg_opts.h"
#include "tg_prof.h"

#define TG_TCP_OPTS_MAX		40
#define TG_ADDR6_BYTES		16

/** One end of a conversation, as the tap sees what it sends. */
struct tg_end {
	uint8_t addr6[TG_ADDR6_BYTES];
	uint32_t addr4;		/**< host order */
	uint16_t port;		/**< host order; ICMP: the echo identifier */
	uint8_t ttl;		/**< TTL or hop limit at the tap */
	uint8_t inside;		/**< sent by the inside router (source MAC) */
	uint16_t win;		/**< TCP window once connected */
	uint16_t syn_win;	/**< TCP window of its SYN or SYN-ACK */
	uint8_t n_opts;		/**< SYN option bytes, a multiple of 4 */
	uint8_t opts[TG_TCP_OPTS_MAX];
	uint16_t ip_id;		/**< next IPv4 identification */
	uint32_t seq;		/**< next TCP sequence number it sends */
};

struct tg_conv {
	struct tg_end end[2];	/**< end[0] opened the conversation */
	const struct tg_opts *o;
	struct tg_out *out;
	uint64_t now_us;	/**< time of the last frame sent */
	uint8_t family;		/**< 4 or 6 */
	uint8_t proto;		/**< SA_IPPROTO_TCP, _UDP, _ICMP or _ICMPV6 */
	uint8_t n_vlan;		/**< 0 or 1 */
	uint16_t vlan_tci;
};

/** A conversation starting at @p now_us with default ends (TTL 64,
 *  windows 65535, no options), to be filled with tg_end_set4/6. */
void tg_conv_init(struct tg_conv *c, const struct tg_opts *o,
		  struct tg_out *out, uint8_t family, uint8_t proto,
		  uint64_t now_us);

void tg_end_set4(struct tg_end *e, uint32_t addr, uint16_t port);
void tg_end_set6(struct tg_end *e, const uint8_t addr[TG_ADDR6_BYTES],
		 uint16_t port);

/**
 * Sends a TCP segment from end[@p side] @p dt_us after the previous frame:
 * its next sequence number, the peer's as ACK when @p flags has ACK, its
 * SYN options when @p flags has SYN. Advances its sequence number by what
 * the segment occupies. @return the payload bytes sent (fewer than @p len
 * when --pkt-size cuts them).
 */
uint32_t tg_conv_tcp(struct tg_conv *c, unsigned int side, uint64_t dt_us,
		     uint8_t flags, const uint8_t *payload, uint32_t len);

/** The same with sequence number @p seq, leaving the ends' numbers alone:
 *  retransmissions, reordered segments, spoofed packets. */
uint32_t tg_conv_tcp_at(struct tg_conv *c, unsigned int side, uint64_t dt_us,
			uint8_t flags, uint32_t seq, const uint8_t *payload,
			uint32_t len);

/** A UDP datagram from end[@p side]. @return the payload bytes sent. */
uint32_t tg_conv_udp(struct tg_conv *c, unsigned int side, uint64_t dt_us,
		     const uint8_t *payload, uint32_t len);

/** An ICMP (ICMPv6 over IPv6) message; for echo, @p id and @p seq are its
 *  identifier and sequence number. @return the payload bytes sent. */
uint32_t tg_conv_icmp(struct tg_conv *c, unsigned int side, uint64_t dt_us,
		      uint8_t type, uint8_t code, uint16_t id, uint16_t seq,
		      const uint8_t *payload, uint32_t len);

/**
 * An IPv4 UDP datagram of @p len payload bytes in two fragments, the first
 * carrying @p first bytes of the UDP datagram (a multiple of 8, more than
 * the UDP header, less than the whole). Ignores --pkt-size.
 * @return 0, or -1 for an impossible split.
 */
int tg_conv_udp_frags(struct tg_conv *c, unsigned int side, uint64_t dt_us,
		      const uint8_t *payload, uint32_t len, uint32_t first);

#endif /* TG_CONV_H */
