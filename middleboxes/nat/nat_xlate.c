/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Header access: the flow key of a packet, and rewriting of addresses and
 * ports (ICMP echo: identifier) with incremental checksum updates
 * (RFC 1624), so the cost does not depend on the payload size. The IPv4
 * header checksum covers the address; TCP and UDP checksums cover address
 * (through the pseudo-header) and port; the ICMP checksum has no
 * pseudo-header and covers only the identifier. A UDP checksum of zero
 * means "none" and stays zero.
 */

#include <sa/cksum.h>

#include "nat_priv.h"

/*
 * Fills @p flow from a parsed IPv4 packet going in direction @p dir.
 * @return 0, or the drop reason when the packet cannot have a session:
 *   NAT_DROP_NO_SESSION for an echo request from outside (unsolicited by
 *   construction), NAT_DROP_ICMP_UNSUPPORTED for other ICMP, and
 *   NAT_DROP_FRAGMENT / NAT_DROP_PROTO_UNSUPPORTED.
 */
unsigned int
nat_flow_from_pkt(const struct sa_pkt *pkt, const struct sa_parsed *p,
		  enum sa_dir dir, struct nat_flow *flow)
{
	const struct sa_ipv4_hdr *ip = sa_ipv4(pkt, p);
	const struct sa_tcp_hdr *tcp;
	const struct sa_udp_hdr *udp;
	const struct sa_icmp_hdr *icmp;

	if (p->frag != SA_FRAG_NONE)
		return NAT_DROP_FRAGMENT;
	if (!p->has_l4)
		return NAT_DROP_PROTO_UNSUPPORTED;
	flow->key = (struct nat_key){
		.src_addr = ip->src_addr,
		.dst_addr = ip->dst_addr,
		.proto = p->l4_proto,
	};
	flow->tcp_flags = 0;
	switch (p->l4_proto) {
	case SA_IPPROTO_TCP:
		tcp = sa_tcp(pkt, p);
		flow->key.src_port = tcp->src_port;
		flow->key.dst_port = tcp->dst_port;
		flow->tcp_flags = tcp->tcp_flags;
		flow->nproto = NAT_PROTO_TCP;
		return 0;
	case SA_IPPROTO_UDP:
		udp = sa_udp(pkt, p);
		flow->key.src_port = udp->src_port;
		flow->key.dst_port = udp->dst_port;
		flow->nproto = NAT_PROTO_UDP;
		return 0;
	case SA_IPPROTO_ICMP:
		icmp = sa_icmp(pkt, p);
		flow->nproto = NAT_PROTO_ICMP;
		if (dir == SA_DIR_IN2OUT &&
		    icmp->icmp_type == SA_ICMP_ECHO_REQUEST) {
			flow->key.src_port = icmp->icmp_ident;
			return 0;
		}
		if (dir == SA_DIR_OUT2IN &&
		    icmp->icmp_type == SA_ICMP_ECHO_REPLY) {
			flow->key.dst_port = icmp->icmp_ident;
			return 0;
		}
		if (dir == SA_DIR_OUT2IN &&
		    icmp->icmp_type == SA_ICMP_ECHO_REQUEST)
			return NAT_DROP_NO_SESSION;
		return NAT_DROP_ICMP_UNSUPPORTED;
	default:
		return NAT_DROP_PROTO_UNSUPPORTED;
	}
}

/*
 * Sets the source (@p src) or destination L4 port — for ICMP echo the
 * identifier, whichever way the packet goes — to @p new_port, and folds
 * that change and the address change old_addr -> new_addr into the L4
 * checksum.
 */
static inline void
nat_xlate_l4(struct sa_pkt *pkt, const struct sa_parsed *p, bool src,
	     uint32_t old_addr, uint32_t new_addr, uint16_t new_port)
{
	struct sa_tcp_hdr *tcp;
	struct sa_udp_hdr *udp;
	struct sa_icmp_hdr *icmp;
	uint16_t old_port, ck;

	switch (p->l4_proto) {
	case SA_IPPROTO_TCP:
		tcp = sa_tcp(pkt, p);
		old_port = src ? tcp->src_port : tcp->dst_port;
		if (src)
			tcp->src_port = new_port;
		else
			tcp->dst_port = new_port;
		ck = sa_cksum_update32(tcp->cksum, old_addr, new_addr);
		tcp->cksum = sa_cksum_update16(ck, old_port, new_port);
		break;
	case SA_IPPROTO_UDP:
		udp = sa_udp(pkt, p);
		old_port = src ? udp->src_port : udp->dst_port;
		if (src)
			udp->src_port = new_port;
		else
			udp->dst_port = new_port;
		ck = sa_cksum_update_udp32(udp->dgram_cksum, old_addr,
					   new_addr);
		udp->dgram_cksum = sa_cksum_update_udp16(ck, old_port,
							 new_port);
		break;
	default:
		icmp = sa_icmp(pkt, p);
		old_port = icmp->icmp_ident;
		icmp->icmp_ident = new_port;
		icmp->icmp_cksum = sa_cksum_update16(icmp->icmp_cksum, old_port,
						     new_port);
		break;
	}
}

void
nat_xlate_in2out(struct sa_pkt *pkt, const struct sa_parsed *p,
		 const struct nat_session *s)
{
	struct sa_ipv4_hdr *ip = sa_ipv4(pkt, p);
	uint32_t old = ip->src_addr;

	ip->src_addr = s->ext_addr;
	ip->hdr_checksum = sa_cksum_update32(ip->hdr_checksum, old,
					     s->ext_addr);
	nat_xlate_l4(pkt, p, true, old, s->ext_addr, s->ext_port);
}

void
nat_xlate_out2in(struct sa_pkt *pkt, const struct sa_parsed *p,
		 const struct nat_session *s)
{
	struct sa_ipv4_hdr *ip = sa_ipv4(pkt, p);
	uint32_t old = ip->dst_addr;

	ip->dst_addr = s->in_addr;
	ip->hdr_checksum = sa_cksum_update32(ip->hdr_checksum, old, s->in_addr);
	nat_xlate_l4(pkt, p, false, old, s->in_addr, s->in_port);
}
