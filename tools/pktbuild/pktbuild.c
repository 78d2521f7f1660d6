/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Frame builder for the trace generator and the unit suites. It writes
 * headers field by field in network order and fills checksums with the
 * full (non-incremental) computations of sa/cksum.h, so a middlebox's
 * incremental updates are always checked against an independent source.
 */

#include <string.h>
#include <arpa/inet.h>

#include <sa/headers.h>
#include <sa/cksum.h>

#include "pktbuild.h"

#define PB_ETH_HDR_LEN		14
#define PB_VLAN_HDR_LEN		4
#define PB_IPV4_HDR_LEN		20
#define PB_IPV6_HDR_LEN		40
#define PB_TCP_HDR_LEN		20
#define PB_UDP_HDR_LEN		8
#define PB_ICMP_HDR_LEN		8
#define PB_IP_LEN_MAX		0xffffu

#define PB_IPV4_VERSION_IHL	0x45	/* version 4, 5 words: no options */
#define PB_IPV4_DF		0x4000
#define PB_IPV6_VERSION_WORD	0x60000000u	/* version 6, tc 0, flow 0 */
#define PB_TCP_DATA_OFF		((PB_TCP_HDR_LEN / 4) << 4)

#define PB_DEFAULT_TTL		64
#define PB_DEFAULT_WIN		0xffff

/* Locally administered unicast addresses: never clash with a real NIC. */
static const uint8_t pb_default_src_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t pb_default_dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static uint32_t
pb_l4_hdr_len(uint8_t proto)
{
	switch (proto) {
	case SA_IPPROTO_TCP:
		return PB_TCP_HDR_LEN;
	case SA_IPPROTO_UDP:
		return PB_UDP_HDR_LEN;
	case SA_IPPROTO_ICMP:
	case SA_IPPROTO_ICMPV6:
		return PB_ICMP_HDR_LEN;
	default:
		return 0;
	}
}

/* ICMP belongs to IPv4 and ICMPv6 to IPv6: a mix-up is a caller bug. */
static int
pb_spec_valid(const struct pb_spec *s)
{
	if (s->n_vlan > SA_VLAN_MAX_TAGS)
		return 0;
	if (s->family == 4)
		return s->proto == SA_IPPROTO_TCP ||
		       s->proto == SA_IPPROTO_UDP ||
		       s->proto == SA_IPPROTO_ICMP;
	if (s->family == 6)
		return s->proto == SA_IPPROTO_TCP ||
		       s->proto == SA_IPPROTO_UDP ||
		       s->proto == SA_IPPROTO_ICMPV6;
	return 0;
}

static size_t
pb_write_l2(uint8_t *buf, const struct pb_spec *s)
{
	struct sa_eth_hdr *eth = (struct sa_eth_hdr *)buf;
	uint16_t inner = s->family == 4 ? SA_ETHER_TYPE_IPV4 :
					  SA_ETHER_TYPE_IPV6;
	size_t off = PB_ETH_HDR_LEN;
	unsigned int i;

	memcpy(eth->dst_addr, s->eth_dst, SA_ETHER_ADDR_LEN);
	memcpy(eth->src_addr, s->eth_src, SA_ETHER_ADDR_LEN);
	if (s->n_vlan == 0) {
		eth->ether_type = htons(inner);
		return off;
	}
	/* 802.1ad: a double-tagged frame's outer TPID is the S-tag one. */
	eth->ether_type = htons(s->n_vlan == SA_VLAN_MAX_TAGS ?
				SA_ETHER_TYPE_QINQ : SA_ETHER_TYPE_VLAN);
	for (i = 0; i < s->n_vlan; i++) {
		struct sa_vlan_hdr *vh = (struct sa_vlan_hdr *)(buf + off);

		vh->vlan_tci = htons(s->vlan_tci[i]);
		vh->eth_proto = htons(i + 1 < s->n_vlan ? SA_ETHER_TYPE_VLAN :
				      inner);
		off += PB_VLAN_HDR_LEN;
	}
	return off;
}

static void
pb_write_ipv4(uint8_t *l3, const struct pb_spec *s, uint32_t l4_len)
{
	struct sa_ipv4_hdr *ip = (struct sa_ipv4_hdr *)l3;

	ip->version_ihl = PB_IPV4_VERSION_IHL;
	ip->type_of_service = 0;
	ip->total_length = htons((uint16_t)(PB_IPV4_HDR_LEN + l4_len));
	/* RFC 6864: an atomic (DF, unfragmented) datagram may carry id 0,
	 * which keeps frames independent of build order. */
	ip->packet_id = 0;
	ip->fragment_offset = htons(PB_IPV4_DF);
	ip->time_to_live = s->ttl ? s->ttl : PB_DEFAULT_TTL;
	ip->next_proto_id = s->proto;
	ip->hdr_checksum = 0;
	ip->src_addr = htonl(s->src4);
	ip->dst_addr = htonl(s->dst4);
	ip->hdr_checksum = sa_cksum_ipv4_hdr(ip);
}

static void
pb_write_ipv6(uint8_t *l3, const struct pb_spec *s, uint32_t l4_len)
{
	struct sa_ipv6_hdr *ip = (struct sa_ipv6_hdr *)l3;

	ip->vtc_flow = htonl(PB_IPV6_VERSION_WORD);
	ip->payload_len = htons((uint16_t)l4_len);
	ip->proto = s->proto;
	ip->hop_limits = s->ttl ? s->ttl : PB_DEFAULT_TTL;
	memcpy(ip->src_addr, s->src6, sizeof(ip->src_addr));
	memcpy(ip->dst_addr, s->dst6, sizeof(ip->dst_addr));
}

/* Header with a zero checksum field: the checksum is filled last. */
static void
pb_write_l4_hdr(uint8_t *l4, const struct pb_spec *s, uint32_t l4_len)
{
	if (s->proto == SA_IPPROTO_TCP) {
		struct sa_tcp_hdr *tcp = (struct sa_tcp_hdr *)l4;

		tcp->src_port = htons(s->sport);
		tcp->dst_port = htons(s->dport);
		tcp->sent_seq = htonl(s->seq);
		tcp->recv_ack = htonl(s->ack);
		tcp->data_off = PB_TCP_DATA_OFF;
		tcp->tcp_flags = s->tcp_flags;
		tcp->rx_win = htons(s->win ? s->win : PB_DEFAULT_WIN);
		tcp->cksum = 0;
		tcp->tcp_urp = 0;
	} else if (s->proto == SA_IPPROTO_UDP) {
		struct sa_udp_hdr *udp = (struct sa_udp_hdr *)l4;

		udp->src_port = htons(s->sport);
		udp->dst_port = htons(s->dport);
		udp->dgram_len = htons((uint16_t)l4_len);
		udp->dgram_cksum = 0;
	} else {
		struct sa_icmp_hdr *icmp = (struct sa_icmp_hdr *)l4;

		icmp->icmp_type = s->icmp_type;
		icmp->icmp_code = s->icmp_code;
		icmp->icmp_cksum = 0;
		icmp->icmp_ident = htons(s->icmp_id);
		icmp->icmp_seq_nb = htons(s->icmp_seq);
	}
}

static void
pb_fill_l4_cksum(uint8_t *l3, uint8_t *l4, const struct pb_spec *s,
		 uint32_t l4_len)
{
	uint16_t ck;

	if (s->family == 4 && s->proto == SA_IPPROTO_ICMP)
		ck = (uint16_t)~sa_cksum_fold(sa_cksum_sum(l4, l4_len, 0));
	else if (s->family == 4)
		ck = sa_cksum_ipv4_l4((const struct sa_ipv4_hdr *)l3, l4,
				      l4_len);
	else
		ck = sa_cksum_ipv6_l4((const struct sa_ipv6_hdr *)l3,
				      s->proto, l4, l4_len);

	if (s->proto == SA_IPPROTO_TCP) {
		((struct sa_tcp_hdr *)l4)->cksum = ck;
	} else if (s->proto == SA_IPPROTO_UDP) {
		/* Zero would mean "no checksum" (RFC 768). */
		((struct sa_udp_hdr *)l4)->dgram_cksum = ck ? ck : 0xffff;
	} else {
		((struct sa_icmp_hdr *)l4)->icmp_cksum = ck;
	}
}

static void
pb_write_payload(uint8_t *dst, const struct pb_spec *s)
{
	uint32_t i;

	if (s->payload != NULL) {
		memcpy(dst, s->payload, s->payload_len);
		return;
	}
	/* A counting pattern makes truncation and offset errors visible. */
	for (i = 0; i < s->payload_len; i++)
		dst[i] = (uint8_t)i;
}

size_t
pb_build(uint8_t *buf, size_t cap, const struct pb_spec *s)
{
	uint32_t l2_len, l3_hdr_len, l4_len, frame_len;
	uint8_t *l3, *l4;

	if (buf == NULL || s == NULL || !pb_spec_valid(s))
		return 0;
	l2_len = PB_ETH_HDR_LEN + PB_VLAN_HDR_LEN * s->n_vlan;
	l3_hdr_len = s->family == 4 ? PB_IPV4_HDR_LEN : PB_IPV6_HDR_LEN;
	if (s->payload_len > PB_IP_LEN_MAX)
		return 0;
	l4_len = pb_l4_hdr_len(s->proto) + s->payload_len;
	/* IPv4 counts its own header in total_length, IPv6 does not. */
	if ((s->family == 4 ? l3_hdr_len + l4_len : l4_len) > PB_IP_LEN_MAX)
		return 0;
	frame_len = l2_len + l3_hdr_len + l4_len;
	if (frame_len < s->min_frame_len)
		frame_len = s->min_frame_len;
	if (frame_len > cap)
		return 0;

	l3 = buf + pb_write_l2(buf, s);
	l4 = l3 + l3_hdr_len;
	pb_write_l4_hdr(l4, s, l4_len);
	pb_write_payload(l4 + pb_l4_hdr_len(s->proto), s);
	if (s->family == 4)
		pb_write_ipv4(l3, s, l4_len);
	else
		pb_write_ipv6(l3, s, l4_len);
	pb_fill_l4_cksum(l3, l4, s, l4_len);
	memset(l4 + l4_len, 0, frame_len - (uint32_t)(l4 + l4_len - buf));
	return frame_len;
}

static void
pb_spec_defaults(struct pb_spec *s, uint8_t family, uint8_t proto,
		 uint16_t sport, uint16_t dport)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->eth_src, pb_default_src_mac, sizeof(s->eth_src));
	memcpy(s->eth_dst, pb_default_dst_mac, sizeof(s->eth_dst));
	s->family = family;
	s->proto = proto;
	s->ttl = PB_DEFAULT_TTL;
	s->win = PB_DEFAULT_WIN;
	s->sport = sport;
	s->dport = dport;
	if (proto == SA_IPPROTO_ICMP || proto == SA_IPPROTO_ICMPV6) {
		/* Echo is the only ICMP with a flow identity; sport is it. */
		s->icmp_type = proto == SA_IPPROTO_ICMP ?
			       SA_ICMP_ECHO_REQUEST : SA_ICMP6_ECHO_REQUEST;
		s->icmp_id = sport;
	}
}

void
pb_spec_init4(struct pb_spec *s, uint8_t proto, uint32_t src, uint32_t dst,
	      uint16_t sport, uint16_t dport)
{
	pb_spec_defaults(s, 4, proto, sport, dport);
	s->src4 = src;
	s->dst4 = dst;
}

void
pb_spec_init6(struct pb_spec *s, uint8_t proto, const uint8_t src[16],
	      const uint8_t dst[16], uint16_t sport, uint16_t dport)
{
	pb_spec_defaults(s, 6, proto, sport, dport);
	memcpy(s->src6, src, sizeof(s->src6));
	memcpy(s->dst6, dst, sizeof(s->dst6));
}
