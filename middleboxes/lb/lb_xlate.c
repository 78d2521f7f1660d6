/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Header access: the 5-tuple key of a packet, and the rewrite of the
 * destination (client packets) or source (replies) address and port.
 *
 * Every rewrite of a backend is known at init: a client packet's
 * destination is always the service's VIP and port and becomes the
 * backend's, a reply's source is always the backend's and becomes the
 * VIP's (the connection lookups guarantee both). So the RFC 1624 update
 * HC' = ~(~HC + sum(~m + m')) has its sum over the changed words computed
 * once, in lb_rewrite_init(), and a packet pays one add and a fold per
 * checksum, whatever the address family. IPv4 header checksums cover the
 * address; TCP and UDP checksums cover address (pseudo-header) and port.
 * A UDP checksum of zero means "none" and stays zero; a computed zero is
 * sent as 0xffff (RFC 768).
 */

#include <string.h>

#include <sa/cksum.h>

#include "lb_priv.h"

#define LB_UDP_CKSUM_ZERO	0xffff
/* Bit positions of the fields in the last word of struct lb_key, as
 * loaded in host byte order: sport, dport, proto, family, pad. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LB_KEY_SPORT_SHIFT	0
#define LB_KEY_DPORT_SHIFT	16
#define LB_KEY_PROTO_SHIFT	32
#define LB_KEY_FAMILY_SHIFT	40
#else
#define LB_KEY_SPORT_SHIFT	48
#define LB_KEY_DPORT_SHIFT	32
#define LB_KEY_PROTO_SHIFT	24
#define LB_KEY_FAMILY_SHIFT	16
#endif

/* Writes an IPv4 address as the first 4 of 16 key bytes, the rest zero,
 * as two whole words: the key is hashed with word loads right after, and
 * a word load over several narrower stores would stall on store
 * forwarding. */
static inline void
lb_key_addr4(uint8_t dst[LB_ADDR_LEN], uint32_t v4)
{
	const uint64_t hi = 0;
	uint64_t lo;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	lo = v4;
#else
	lo = (uint64_t)v4 << (8 * sizeof(v4));
#endif
	memcpy(dst, &lo, sizeof(lo));
	memcpy(dst + sizeof(lo), &hi, sizeof(hi));
}

/* Writes ports, protocol, family and the zero pad of @p k as one word,
 * for the same reason. */
static inline void
lb_key_tail(struct lb_key *k, uint16_t sport, uint16_t dport, uint8_t proto,
	    uint8_t family)
{
	uint64_t w = (uint64_t)sport << LB_KEY_SPORT_SHIFT |
		     (uint64_t)dport << LB_KEY_DPORT_SHIFT |
		     (uint64_t)proto << LB_KEY_PROTO_SHIFT |
		     (uint64_t)family << LB_KEY_FAMILY_SHIFT;

	memcpy(&k->sport, &w, sizeof(w));
}

/*
 * Fills @p f from a parsed IP packet.
 * @return 0, or LB_DROP_FRAGMENT / LB_DROP_PROTO_UNSUPPORTED for packets
 *   that cannot be balanced: only whole TCP and UDP datagrams have ports.
 */
unsigned int
lb_flow_key(const struct sa_pkt *pkt, const struct sa_parsed *p,
	    struct lb_flow *f)
{
	struct lb_key *k = &f->key;
	const struct sa_ipv4_hdr *ip;
	const struct sa_ipv6_hdr *ip6;
	const struct sa_tcp_hdr *tcp;
	const struct sa_udp_hdr *udp;
	uint16_t sport, dport;

	if (LB_UNLIKELY(p->frag != SA_FRAG_NONE))
		return LB_DROP_FRAGMENT;
	if (LB_UNLIKELY(!p->has_l4))
		return LB_DROP_PROTO_UNSUPPORTED;
	if (p->l4_proto == SA_IPPROTO_TCP) {
		tcp = sa_tcp(pkt, p);
		sport = tcp->src_port;
		dport = tcp->dst_port;
		f->tcp_flags = tcp->tcp_flags;
	} else if (p->l4_proto == SA_IPPROTO_UDP) {
		udp = sa_udp(pkt, p);
		sport = udp->src_port;
		dport = udp->dst_port;
		f->tcp_flags = 0;
	} else {
		return LB_DROP_PROTO_UNSUPPORTED;
	}
	if (p->l3 == SA_L3_IPV4) {
		ip = sa_ipv4(pkt, p);
		lb_key_addr4(k->src, ip->src_addr);
		lb_key_addr4(k->dst, ip->dst_addr);
	} else {
		ip6 = sa_ipv6(pkt, p);
		memcpy(k->src, ip6->src_addr, LB_ADDR_LEN);
		memcpy(k->dst, ip6->dst_addr, LB_ADDR_LEN);
	}
	lb_key_tail(k, sport, dport, p->l4_proto, p->l3);
	return 0;
}

/* sum(~old + new) over the 16-bit words of @p len bytes, added to @p sum. */
static uint32_t
lb_ck_delta(const uint8_t *old_bytes, const uint8_t *new_bytes, size_t len,
	    uint32_t sum)
{
	uint16_t o, n;
	size_t i;

	for (i = 0; i < len; i += sizeof(o)) {
		memcpy(&o, old_bytes + i, sizeof(o));
		memcpy(&n, new_bytes + i, sizeof(n));
		sum += (uint16_t)~o;
		sum += n;
	}
	return sum;
}

static void
lb_rewrite_set(struct lb_rewrite *rw, const uint8_t *old_addr,
	       uint16_t old_port, const uint8_t *new_addr, uint16_t new_port,
	       size_t alen)
{
	uint32_t sum = lb_ck_delta(old_addr, new_addr, alen, 0);

	memcpy(rw->addr, new_addr, LB_ADDR_LEN);
	rw->port = new_port;
	rw->ck_ip = sa_cksum_fold(sum);
	rw->ck_l4 = sa_cksum_fold(sum + (uint16_t)~old_port + new_port);
}

/* Fills both rewrites of @p be, whose own address and port are in
 * rw[LB_SIDE_CLIENT] already, for its service @p svc. */
void
lb_rewrite_init(struct lb_backend *be, const struct lb_service *svc)
{
	size_t alen = svc->family == SA_L3_IPV4 ? LB_IP4_ADDR_LEN : LB_ADDR_LEN;
	uint8_t addr[LB_ADDR_LEN];
	uint16_t port = be->rw[LB_SIDE_CLIENT].port;

	memcpy(addr, be->rw[LB_SIDE_CLIENT].addr, LB_ADDR_LEN);
	lb_rewrite_set(&be->rw[LB_SIDE_CLIENT], svc->vip, svc->port, addr,
		       port, alen);
	lb_rewrite_set(&be->rw[LB_SIDE_BACKEND], addr, port, svc->vip,
		       svc->port, alen);
}

/* The checksum field after adding the precomputed @p delta. */
static inline uint16_t
lb_ck_apply(uint16_t cksum, uint16_t delta)
{
	return (uint16_t)~sa_cksum_fold((uint32_t)(uint16_t)~cksum + delta);
}

/*
 * Rewrites a packet from @p side with @p rw: the destination of a client
 * packet, the source of a reply.
 */
void
lb_xlate(struct sa_pkt *pkt, const struct sa_parsed *p,
	 const struct lb_rewrite *rw, enum lb_side side)
{
	struct sa_ipv4_hdr *ip;
	struct sa_ipv6_hdr *ip6;
	struct sa_tcp_hdr *tcp;
	struct sa_udp_hdr *udp;
	uint32_t a4;
	uint16_t ck;

	if (p->l3 == SA_L3_IPV4) {
		ip = sa_ipv4(pkt, p);
		memcpy(&a4, rw->addr, sizeof(a4));
		if (side == LB_SIDE_CLIENT)
			ip->dst_addr = a4;
		else
			ip->src_addr = a4;
		ip->hdr_checksum = lb_ck_apply(ip->hdr_checksum, rw->ck_ip);
	} else {
		ip6 = sa_ipv6(pkt, p);
		memcpy(side == LB_SIDE_CLIENT ? ip6->dst_addr : ip6->src_addr,
		       rw->addr, LB_ADDR_LEN);
	}
	if (p->l4_proto == SA_IPPROTO_TCP) {
		tcp = sa_tcp(pkt, p);
		if (side == LB_SIDE_CLIENT)
			tcp->dst_port = rw->port;
		else
			tcp->src_port = rw->port;
		tcp->cksum = lb_ck_apply(tcp->cksum, rw->ck_l4);
		return;
	}
	udp = sa_udp(pkt, p);
	if (side == LB_SIDE_CLIENT)
		udp->dst_port = rw->port;
	else
		udp->src_port = rw->port;
	if (udp->dgram_cksum != 0) {
		ck = lb_ck_apply(udp->dgram_cksum, rw->ck_l4);
		udp->dgram_cksum = ck == 0 ? LB_UDP_CKSUM_ZERO : ck;
	}
}
