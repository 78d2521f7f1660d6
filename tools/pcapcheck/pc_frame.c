/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/cksum.h>

#include "pc_frame.h"

#define PC_MAC_BYTES		12	/* destination and source */
#define PC_MASK_MAX		8
#define PC_STR_SLOTS		4
#define PC_CKSUM_OK_SUM		0xffff	/* folded sum over a correct packet */

struct pc_range {
	uint32_t off, len;
};

int
pc_tuple_get(const struct pc_frame *f, struct pc_tuple *t)
{
	const struct sa_parsed *p = &f->p;
	const struct sa_ipv4_hdr *ip;
	const struct sa_tcp_hdr *l4;
	const struct sa_icmp_hdr *icmp;

	if (f->parse_rc != SA_DROP_NONE || p->l3 != SA_L3_IPV4 ||
	    !p->has_l4 || p->frag != SA_FRAG_NONE)
		return 0;
	ip = (const struct sa_ipv4_hdr *)(f->data + p->l3_off);
	t->proto = p->l4_proto;
	t->src = ntohl(ip->src_addr);
	t->dst = ntohl(ip->dst_addr);
	if (p->l4_proto == SA_IPPROTO_TCP || p->l4_proto == SA_IPPROTO_UDP) {
		/* TCP and UDP ports sit at the same offsets. */
		l4 = (const struct sa_tcp_hdr *)(f->data + p->l4_off);
		t->sport = ntohs(l4->src_port);
		t->dport = ntohs(l4->dst_port);
		return 1;
	}
	if (p->l4_proto != SA_IPPROTO_ICMP)
		return 0;
	icmp = (const struct sa_icmp_hdr *)(f->data + p->l4_off);
	if (icmp->icmp_type == SA_ICMP_ECHO_REQUEST) {
		t->sport = ntohs(icmp->icmp_ident);
		t->dport = 0;
		return 1;
	}
	if (icmp->icmp_type == SA_ICMP_ECHO_REPLY) {
		t->sport = 0;
		t->dport = ntohs(icmp->icmp_ident);
		return 1;
	}
	return 0;
}

static int
pc_l4_cksum_ok(const struct pc_frame *f)
{
	const struct sa_parsed *p = &f->p;
	const uint8_t *l4 = f->data + p->l4_off;
	uint32_t len = p->ip_end - p->l4_off;
	const struct sa_udp_hdr *udp = (const struct sa_udp_hdr *)l4;

	if (p->l3 == SA_L3_IPV6)
		return sa_cksum_ipv6_l4((const struct sa_ipv6_hdr *)
					(f->data + p->l3_off), p->l4_proto,
					l4, len) == 0;
	if (p->l4_proto == SA_IPPROTO_ICMP)
		return sa_cksum_fold(sa_cksum_sum(l4, len, 0)) ==
		       PC_CKSUM_OK_SUM;
	/* RFC 768: zero means the sender computed none. */
	if (p->l4_proto == SA_IPPROTO_UDP && udp->dgram_cksum == 0)
		return 1;
	return sa_cksum_ipv4_l4((const struct sa_ipv4_hdr *)
				(f->data + p->l3_off), l4, len) == 0;
}

int
pc_cksum_check(const struct pc_frame *f, char *why, size_t why_len)
{
	const struct sa_parsed *p = &f->p;
	const struct sa_ipv4_hdr *ip;
	uint16_t want;

	if (p->l3 == SA_L3_IPV4) {
		ip = (const struct sa_ipv4_hdr *)(f->data + p->l3_off);
		want = sa_cksum_ipv4_hdr(ip);
		if (want != ip->hdr_checksum) {
			snprintf(why, why_len, "bad IPv4 header checksum "
				 "0x%04x, expected 0x%04x",
				 ntohs(ip->hdr_checksum), ntohs(want));
			return -1;
		}
	}
	/* A fragment's L4 checksum covers bytes other frames carry. */
	if (!p->has_l4 || p->frag != SA_FRAG_NONE)
		return 0;
	if (!pc_l4_cksum_ok(f)) {
		snprintf(why, why_len, "bad %s checksum",
			 p->l4_proto == SA_IPPROTO_TCP ? "TCP" :
			 p->l4_proto == SA_IPPROTO_UDP ? "UDP" :
			 p->l4_proto == SA_IPPROTO_ICMP ? "ICMP" : "ICMPv6");
		return -1;
	}
	return 0;
}

static unsigned int
pc_push(struct pc_range *m, unsigned int n, uint32_t off, uint32_t len)
{
	m[n].off = off;
	m[n].len = len;
	return n + 1;
}

/* Byte ranges a NAT may rewrite, in ascending order. */
static unsigned int
pc_nat_ranges(const struct sa_parsed *p, struct pc_range *m)
{
	uint32_t l3 = p->l3_off, l4 = p->l4_off;
	unsigned int n = pc_push(m, 0, 0, PC_MAC_BYTES);

	if (p->l3 == SA_L3_IPV6)
		return pc_push(m, n, l3 + offsetof(struct sa_ipv6_hdr,
						   hop_limits), 1);
	if (p->l3 != SA_L3_IPV4)
		return n;
	n = pc_push(m, n, l3 + offsetof(struct sa_ipv4_hdr, time_to_live), 1);
	/* Header checksum and both addresses are adjacent. */
	n = pc_push(m, n, l3 + offsetof(struct sa_ipv4_hdr, hdr_checksum),
		    sizeof(struct sa_ipv4_hdr) -
		    offsetof(struct sa_ipv4_hdr, hdr_checksum));
	if (!p->has_l4 || p->frag != SA_FRAG_NONE)
		return n;
	switch (p->l4_proto) {
	case SA_IPPROTO_TCP:
		n = pc_push(m, n, l4, 2 * sizeof(uint16_t));
		return pc_push(m, n, l4 + offsetof(struct sa_tcp_hdr, cksum),
			       sizeof(uint16_t));
	case SA_IPPROTO_UDP:
		n = pc_push(m, n, l4, 2 * sizeof(uint16_t));
		return pc_push(m, n, l4 + offsetof(struct sa_udp_hdr,
						   dgram_cksum),
			       sizeof(uint16_t));
	case SA_IPPROTO_ICMP:
		/* Checksum and identifier are adjacent. */
		return pc_push(m, n, l4 + offsetof(struct sa_icmp_hdr,
						   icmp_cksum),
			       2 * sizeof(uint16_t));
	default:
		return n;
	}
}

int
pc_same_but_nat(const struct pc_frame *a, const struct pc_frame *b)
{
	struct pc_range m[PC_MASK_MAX];
	unsigned int n, i;
	uint32_t pos = 0;

	if (a->len != b->len || a->parse_rc != SA_DROP_NONE ||
	    b->parse_rc != SA_DROP_NONE || a->p.l3 != b->p.l3 ||
	    a->p.l3_off != b->p.l3_off || a->p.l4_off != b->p.l4_off ||
	    a->p.has_l4 != b->p.has_l4 || a->p.l4_proto != b->p.l4_proto)
		return 0;
	n = pc_nat_ranges(&a->p, m);
	for (i = 0; i < n; i++) {
		if (memcmp(a->data + pos, b->data + pos, m[i].off - pos) != 0)
			return 0;
		pos = m[i].off + m[i].len;
	}
	return memcmp(a->data + pos, b->data + pos, a->len - pos) == 0;
}

const char *
pc_ip4_str(uint32_t addr, unsigned int slot)
{
	static char buf[PC_STR_SLOTS][INET_ADDRSTRLEN];
	struct in_addr in = { .s_addr = htonl(addr) };

	slot %= PC_STR_SLOTS;
	inet_ntop(AF_INET, &in, buf[slot], sizeof(buf[slot]));
	return buf[slot];
}

const char *
pc_tuple_str(const struct pc_tuple *t, char *buf, size_t len)
{
	const char *name = t->proto == SA_IPPROTO_TCP ? "TCP" :
			   t->proto == SA_IPPROTO_UDP ? "UDP" : "ICMP";

	snprintf(buf, len, "%s %s:%u -> %s:%u", name, pc_ip4_str(t->src, 0),
		 t->sport, pc_ip4_str(t->dst, 1), t->dport);
	return buf;
}
