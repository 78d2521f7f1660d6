/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_HEADERS_H
#define SA_HEADERS_H

/**
 * @file
 * Protocol header layouts and the one L2-L4 parser every middlebox uses.
 *
 * All multi-byte header fields are in network byte order. sa_parse() checks
 * every length it relies on against the frame before any header is read
 * through the accessors below, so after it returns SA_DROP_NONE:
 *  - l3_off + l3_hdr_len <= ip_end <= frame length,
 *  - when has_l4, l4_off + l4_hdr_len <= ip_end, so the whole TCP (with
 *    options), UDP or ICMP header is inside the frame.
 * Bytes after ip_end (Ethernet padding) are not part of the datagram.
 */

#include <stdint.h>
#include <stdbool.h>

#include <sa/mbox.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SA_PACKED __attribute__((packed, aligned(2)))

#define SA_ETHER_ADDR_LEN	6
#define SA_ETHER_TYPE_IPV4	0x0800
#define SA_ETHER_TYPE_ARP	0x0806
#define SA_ETHER_TYPE_VLAN	0x8100
#define SA_ETHER_TYPE_QINQ	0x88a8
#define SA_ETHER_TYPE_IPV6	0x86dd
#define SA_VLAN_MAX_TAGS	2

#define SA_IPPROTO_HOPOPTS	0
#define SA_IPPROTO_ICMP		1
#define SA_IPPROTO_TCP		6
#define SA_IPPROTO_UDP		17
#define SA_IPPROTO_ROUTING	43
#define SA_IPPROTO_FRAGMENT	44
#define SA_IPPROTO_ESP		50
#define SA_IPPROTO_AH		51
#define SA_IPPROTO_ICMPV6	58
#define SA_IPPROTO_NONE		59
#define SA_IPPROTO_DSTOPTS	60
#define SA_IPPROTO_MH		135
/** Most IPv6 extension headers the parser walks before giving up. */
#define SA_IP6_EXT_MAX		8

#define SA_IP4_FLAG_MF		0x2000	/**< in fragment_offset, host order */
#define SA_IP4_FRAG_OFF_MASK	0x1fff

#define SA_TCP_FIN 0x01
#define SA_TCP_SYN 0x02
#define SA_TCP_RST 0x04
#define SA_TCP_PSH 0x08
#define SA_TCP_ACK 0x10
#define SA_TCP_URG 0x20
#define SA_TCP_ECE 0x40
#define SA_TCP_CWR 0x80

#define SA_ICMP_ECHO_REPLY	0
#define SA_ICMP_DEST_UNREACH	3
#define SA_ICMP_ECHO_REQUEST	8
#define SA_ICMP_TIME_EXCEEDED	11
#define SA_ICMP6_ECHO_REQUEST	128
#define SA_ICMP6_ECHO_REPLY	129

struct sa_eth_hdr {
	uint8_t dst_addr[SA_ETHER_ADDR_LEN];
	uint8_t src_addr[SA_ETHER_ADDR_LEN];
	uint16_t ether_type;
} SA_PACKED;

struct sa_vlan_hdr {
	uint16_t vlan_tci;
	uint16_t eth_proto;
} SA_PACKED;

struct sa_ipv4_hdr {
	uint8_t version_ihl;
	uint8_t type_of_service;
	uint16_t total_length;
	uint16_t packet_id;
	uint16_t fragment_offset;	/**< flags (3 bits) + offset in 8-byte units */
	uint8_t time_to_live;
	uint8_t next_proto_id;
	uint16_t hdr_checksum;
	uint32_t src_addr;
	uint32_t dst_addr;
} SA_PACKED;

struct sa_ipv6_hdr {
	uint32_t vtc_flow;
	uint16_t payload_len;
	uint8_t proto;
	uint8_t hop_limits;
	uint8_t src_addr[16];
	uint8_t dst_addr[16];
} SA_PACKED;

/** Generic IPv6 extension header (hop-by-hop, routing, destination opts). */
struct sa_ipv6_ext_hdr {
	uint8_t next_hdr;
	uint8_t hdr_len;	/**< in 8-byte units, not counting the first 8 */
} SA_PACKED;

struct sa_ipv6_frag_hdr {
	uint8_t next_hdr;
	uint8_t reserved;
	uint16_t frag_data;	/**< offset (13 bits) << 3 | M flag */
	uint32_t id;
} SA_PACKED;

struct sa_tcp_hdr {
	uint16_t src_port;
	uint16_t dst_port;
	uint32_t sent_seq;
	uint32_t recv_ack;
	uint8_t data_off;	/**< header length in 32-bit words, upper nibble */
	uint8_t tcp_flags;
	uint16_t rx_win;
	uint16_t cksum;
	uint16_t tcp_urp;
} SA_PACKED;

struct sa_udp_hdr {
	uint16_t src_port;
	uint16_t dst_port;
	uint16_t dgram_len;
	uint16_t dgram_cksum;
} SA_PACKED;

/** ICMP and ICMPv6 share this layout; ident/seq are meaningful for echo. */
struct sa_icmp_hdr {
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t icmp_cksum;
	uint16_t icmp_ident;
	uint16_t icmp_seq_nb;
} SA_PACKED;

enum sa_l3 {
	SA_L3_NONE = 0,	/**< not IP (ARP, LLDP...): only l2 fields are valid */
	SA_L3_IPV4 = 4,
	SA_L3_IPV6 = 6,
};

enum sa_frag {
	SA_FRAG_NONE = 0,	/**< a whole datagram */
	SA_FRAG_FIRST = 1,	/**< offset 0 with more fragments: L4 header present */
	SA_FRAG_LATER = 2,	/**< offset > 0: no L4 header, has_l4 is false */
};

/** Where the headers of one frame are; offsets from the frame start. */
struct sa_parsed {
	uint16_t ether_type;	/**< host order, after VLAN tags */
	uint16_t vlan_tci[SA_VLAN_MAX_TAGS]; /**< host order, outer first */
	uint8_t n_vlan;
	uint8_t l3;		/**< enum sa_l3 */
	uint8_t l4_proto;	/**< IP protocol after IPv6 extension headers */
	uint8_t frag;		/**< enum sa_frag */
	bool has_l4;		/**< a TCP/UDP/ICMP/ICMPv6 header was validated */
	uint16_t l3_off;	/**< IP header */
	uint16_t l3_hdr_len;	/**< IPv4 with options, IPv6 with ext headers */
	uint16_t l4_off;	/**< L4 header (== l3_off + l3_hdr_len) */
	uint16_t l4_hdr_len;	/**< TCP with options, 8 for UDP/ICMP; 0 if !has_l4 */
	uint32_t ip_end;	/**< end of the IP datagram per its length field */
};

/**
 * Parses Ethernet (up to two 802.1Q/802.1ad tags), IPv4 (options, fragments)
 * or IPv6 (hop-by-hop, routing, destination-options and fragment headers,
 * at most SA_IP6_EXT_MAX; AH/ESP/unknown next headers end the walk with
 * has_l4 false), then TCP, UDP, ICMP or ICMPv6.
 *
 * @return SA_DROP_NONE (0) on success — including non-IP frames, which have
 *   l3 == SA_L3_NONE — or the SA_DROP_* reason the frame is malformed for.
 *   @p out is fully written in both cases.
 */
unsigned int sa_parse(const uint8_t *frame, uint32_t len, struct sa_parsed *out);

static inline struct sa_eth_hdr *
sa_eth(const struct sa_pkt *pkt)
{
	return (struct sa_eth_hdr *)pkt->data;
}

static inline struct sa_ipv4_hdr *
sa_ipv4(const struct sa_pkt *pkt, const struct sa_parsed *p)
{
	return (struct sa_ipv4_hdr *)(pkt->data + p->l3_off);
}

static inline struct sa_ipv6_hdr *
sa_ipv6(const struct sa_pkt *pkt, const struct sa_parsed *p)
{
	return (struct sa_ipv6_hdr *)(pkt->data + p->l3_off);
}

static inline struct sa_tcp_hdr *
sa_tcp(const struct sa_pkt *pkt, const struct sa_parsed *p)
{
	return (struct sa_tcp_hdr *)(pkt->data + p->l4_off);
}

static inline struct sa_udp_hdr *
sa_udp(const struct sa_pkt *pkt, const struct sa_parsed *p)
{
	return (struct sa_udp_hdr *)(pkt->data + p->l4_off);
}

static inline struct sa_icmp_hdr *
sa_icmp(const struct sa_pkt *pkt, const struct sa_parsed *p)
{
	return (struct sa_icmp_hdr *)(pkt->data + p->l4_off);
}

/** L4 payload length in bytes (0 when !has_l4). */
static inline uint32_t
sa_l4_payload_len(const struct sa_parsed *p)
{
	return p->has_l4 ? p->ip_end - p->l4_off - p->l4_hdr_len : 0;
}

/** TCP header length in bytes from data_off. */
static inline uint32_t
sa_tcp_hdr_len(const struct sa_tcp_hdr *tcp)
{
	return (uint32_t)(tcp->data_off >> 4) * 4u;
}

#ifdef __cplusplus
}
#endif

#endif /* SA_HEADERS_H */
