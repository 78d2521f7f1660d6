/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one L2-L4 parser (sa/headers.h). It runs once per packet on the fast
 * path, so it reads fields straight from the frame, checks each length once
 * before the first read it guards, and never looks past the bytes it was
 * given: the frame length bounds the datagram (ip_end), and ip_end then
 * bounds every header inside it.
 */

#include <stdint.h>
#include <stdbool.h>

#include <sa/headers.h>

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#define ETH_HDR_LEN		14
#define VLAN_HDR_LEN		4
#define IP4_MIN_HDR_LEN		20
#define IP4_VERSION		4
#define IP6_HDR_LEN		40
#define IP6_VERSION		6
#define IP6_EXT_UNIT		8	/* hdr_len and the minimum size */
#define IP6_FRAG_HDR_LEN	8
#define IP6_FRAG_OFF_MASK	0xfff8	/* in frag_data, host order */
#define IP6_FRAG_MF		0x0001
#define TCP_MIN_DOFF		5
#define UDP_HDR_LEN		8
#define ICMP_HDR_LEN		8

/* Field offsets inside each header, so reads need no struct alignment. */
#define ETH_TYPE_OFF		12
#define VLAN_TCI_OFF		0
#define VLAN_PROTO_OFF		2
#define IP4_TOTLEN_OFF		2
#define IP4_FRAG_OFF		6
#define IP4_PROTO_OFF		9
#define IP6_PLEN_OFF		4
#define IP6_NH_OFF		6
#define IP6_EXT_NH_OFF		0
#define IP6_EXT_LEN_OFF		1
#define IP6_FRAG_DATA_OFF	2
#define TCP_DOFF_OFF		12
#define UDP_LEN_OFF		4

static inline uint16_t
load_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline bool
is_vlan_type(uint16_t type)
{
	return type == SA_ETHER_TYPE_VLAN || type == SA_ETHER_TYPE_QINQ;
}

/* The L4 header at out->l4_off, bounded by ip_end. A first fragment holds
 * only part of the datagram, so its UDP length may exceed what is here. */
static inline unsigned int
parse_l4(const uint8_t *frame, struct sa_parsed *out, bool v6)
{
	const uint8_t *l4 = frame + out->l4_off;
	uint32_t room = out->ip_end - out->l4_off;
	uint32_t hlen;

	switch (out->l4_proto) {
	case SA_IPPROTO_TCP:
		if (unlikely(room < TCP_MIN_DOFF * 4))
			return SA_DROP_L4_TRUNC;
		hlen = (uint32_t)(l4[TCP_DOFF_OFF] >> 4) * 4;
		if (unlikely(hlen < TCP_MIN_DOFF * 4))
			return SA_DROP_TCP_BAD_DOFF;
		if (unlikely(hlen > room))
			return SA_DROP_L4_TRUNC;
		break;
	case SA_IPPROTO_UDP: {
		uint32_t dlen;

		if (unlikely(room < UDP_HDR_LEN))
			return SA_DROP_L4_TRUNC;
		dlen = load_be16(l4 + UDP_LEN_OFF);
		if (unlikely(dlen < UDP_HDR_LEN))
			return SA_DROP_UDP_BAD_LEN;
		if (unlikely(dlen > room && out->frag != SA_FRAG_FIRST))
			return SA_DROP_UDP_BAD_LEN;
		hlen = UDP_HDR_LEN;
		break;
	}
	case SA_IPPROTO_ICMP:
	case SA_IPPROTO_ICMPV6:
		/* ICMP in IPv6 (or ICMPv6 in IPv4) is just an unknown
		 * protocol there. */
		if ((out->l4_proto == SA_IPPROTO_ICMPV6) != v6)
			return SA_DROP_NONE;
		if (unlikely(room < ICMP_HDR_LEN))
			return SA_DROP_L4_TRUNC;
		hlen = ICMP_HDR_LEN;
		break;
	default:
		return SA_DROP_NONE;
	}
	out->l4_hdr_len = (uint16_t)hlen;
	out->has_l4 = true;
	return SA_DROP_NONE;
}

static inline unsigned int
parse_ipv4(const uint8_t *frame, uint32_t len, struct sa_parsed *out)
{
	const uint8_t *ip = frame + out->l3_off;
	uint32_t avail = len - out->l3_off;
	uint32_t hlen, tot;
	uint16_t frag;

	if (unlikely(avail < IP4_MIN_HDR_LEN))
		return SA_DROP_IP4_TRUNC;
	if (unlikely(ip[0] >> 4 != IP4_VERSION))
		return SA_DROP_IP4_BAD_VERSION;
	hlen = (uint32_t)(ip[0] & 0x0f) * 4;
	if (unlikely(hlen < IP4_MIN_HDR_LEN))
		return SA_DROP_IP4_BAD_IHL;
	if (unlikely(hlen > avail))
		return SA_DROP_IP4_TRUNC;
	tot = load_be16(ip + IP4_TOTLEN_OFF);
	if (unlikely(tot < hlen))
		return SA_DROP_IP4_BAD_LEN;
	/* A datagram longer than the frame was cut short on the way. */
	if (unlikely(tot > avail))
		return SA_DROP_IP4_TRUNC;

	out->l3 = SA_L3_IPV4;
	out->l3_hdr_len = (uint16_t)hlen;
	out->l4_off = (uint16_t)(out->l3_off + hlen);
	out->ip_end = out->l3_off + tot;
	out->l4_proto = ip[IP4_PROTO_OFF];

	frag = load_be16(ip + IP4_FRAG_OFF);
	if (unlikely(frag & (SA_IP4_FRAG_OFF_MASK | SA_IP4_FLAG_MF))) {
		if (frag & SA_IP4_FRAG_OFF_MASK) {
			out->frag = SA_FRAG_LATER;
			return SA_DROP_NONE;
		}
		out->frag = SA_FRAG_FIRST;
	}
	return parse_l4(frame, out, false);
}

/*
 * Walks the extension headers from @p off (just past the fixed header) and
 * leaves out->l4_off / l4_proto on the first header that is not one of
 * them. Returns SA_DROP_NONE with out->frag == SA_FRAG_LATER when a
 * non-first fragment ends the walk.
 */
static inline unsigned int
walk_ipv6_ext(const uint8_t *frame, struct sa_parsed *out, uint32_t off,
	      uint8_t nh)
{
	unsigned int n_ext = 0;

	for (;;) {
		const uint8_t *ext = frame + off;
		uint32_t elen;

		if (nh != SA_IPPROTO_HOPOPTS && nh != SA_IPPROTO_ROUTING &&
		    nh != SA_IPPROTO_DSTOPTS && nh != SA_IPPROTO_FRAGMENT)
			break;
		if (unlikely(n_ext == SA_IP6_EXT_MAX))
			return SA_DROP_IP6_EXT_TOO_MANY;
		n_ext++;
		/* Every extension header is at least 8 bytes long. */
		if (unlikely(out->ip_end - off < IP6_EXT_UNIT))
			return SA_DROP_IP6_EXT_TRUNC;
		if (nh == SA_IPPROTO_FRAGMENT) {
			uint16_t fd = load_be16(ext + IP6_FRAG_DATA_OFF);

			elen = IP6_FRAG_HDR_LEN;
			if (fd & IP6_FRAG_OFF_MASK)
				out->frag = SA_FRAG_LATER;
			else if (fd & IP6_FRAG_MF)
				out->frag = SA_FRAG_FIRST;
		} else {
			elen = ((uint32_t)ext[IP6_EXT_LEN_OFF] + 1) *
			       IP6_EXT_UNIT;
			if (unlikely(out->ip_end - off < elen))
				return SA_DROP_IP6_EXT_TRUNC;
		}
		nh = ext[IP6_EXT_NH_OFF];
		off += elen;
		if (out->frag == SA_FRAG_LATER)
			break;
	}
	out->l4_proto = nh;
	out->l4_off = (uint16_t)off;
	out->l3_hdr_len = (uint16_t)(off - out->l3_off);
	return SA_DROP_NONE;
}

static inline unsigned int
parse_ipv6(const uint8_t *frame, uint32_t len, struct sa_parsed *out)
{
	const uint8_t *ip = frame + out->l3_off;
	uint32_t avail = len - out->l3_off;
	uint32_t plen;
	unsigned int rc;

	if (unlikely(avail < IP6_HDR_LEN))
		return SA_DROP_IP6_TRUNC;
	if (unlikely(ip[0] >> 4 != IP6_VERSION))
		return SA_DROP_IP6_BAD_VERSION;
	plen = load_be16(ip + IP6_PLEN_OFF);
	/* Zero announces a jumbogram (RFC 2675), which no Ethernet frame
	 * can carry. */
	if (unlikely(plen == 0))
		return SA_DROP_IP6_BAD_LEN;
	if (unlikely(plen > avail - IP6_HDR_LEN))
		return SA_DROP_IP6_TRUNC;

	out->l3 = SA_L3_IPV6;
	out->ip_end = out->l3_off + IP6_HDR_LEN + plen;
	rc = walk_ipv6_ext(frame, out, out->l3_off + IP6_HDR_LEN,
			   ip[IP6_NH_OFF]);
	if (unlikely(rc != SA_DROP_NONE) || out->frag == SA_FRAG_LATER)
		return rc;
	return parse_l4(frame, out, true);
}

unsigned int
sa_parse(const uint8_t *frame, uint32_t len, struct sa_parsed *out)
{
	uint32_t off = ETH_HDR_LEN;
	uint16_t type;

	*out = (struct sa_parsed){ .ip_end = len };
	if (unlikely(len < ETH_HDR_LEN))
		return SA_DROP_L2_TRUNC;
	type = load_be16(frame + ETH_TYPE_OFF);

	while (unlikely(is_vlan_type(type))) {
		if (unlikely(out->n_vlan == SA_VLAN_MAX_TAGS))
			return SA_DROP_VLAN_TOO_MANY;
		if (unlikely(len - off < VLAN_HDR_LEN))
			return SA_DROP_VLAN_TRUNC;
		out->vlan_tci[out->n_vlan++] =
			load_be16(frame + off + VLAN_TCI_OFF);
		type = load_be16(frame + off + VLAN_PROTO_OFF);
		off += VLAN_HDR_LEN;
	}
	out->ether_type = type;
	out->l3_off = (uint16_t)off;
	out->l4_off = (uint16_t)off;

	if (likely(type == SA_ETHER_TYPE_IPV4))
		return parse_ipv4(frame, len, out);
	if (type == SA_ETHER_TYPE_IPV6)
		return parse_ipv6(frame, len, out);
	return SA_DROP_NONE;
}
