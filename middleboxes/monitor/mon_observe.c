/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What one packet tells about its sender. Only mon_observe_view() looks
 * at the IP header: it maps both addresses to 16 bytes, so from there on
 * IPv4 and IPv6 share every line. Nothing here decides a verdict, writes
 * the frame or allocates; the work per packet is one host lookup, plus
 * for a SYN or SYN-ACK an option walk and (for a new fingerprint) one
 * pass over the OS signatures, plus for a due banner one bounded pass
 * over the service signatures.
 *
 * Only the source of a packet is observed: an address that never sends
 * is not an asset. Sources that cannot be hosts (unspecified, multicast,
 * IPv4 0/8 and 224/3) are counted and ignored.
 */

#include <string.h>

#include "mon.h"

#define MON_V4_MAPPED_FF	10	/* ::ffff:a.b.c.d */
#define MON_V4_MAPPED_OFF	12
#define MON_V4_FIRST_OCTET_THIS_NET	0u
#define MON_V4_FIRST_OCTET_MULTICAST	224u
#define MON_V6_MULTICAST	0xffu

/* The sender and receiver of a packet, address family hidden. */
struct mon_view {
	uint8_t src[MON_ADDR_LEN];
	uint8_t dst[MON_ADDR_LEN];
	uint8_t ttl;		/* TTL or hop limit */
	bool tracked;		/* the source is an asset */
	bool bogus;		/* the source cannot be a host */
};

static void
mon_map4(uint32_t addr, uint8_t out[MON_ADDR_LEN])
{
	memset(out, 0, MON_V4_MAPPED_FF);
	out[MON_V4_MAPPED_FF] = UINT8_MAX;
	out[MON_V4_MAPPED_FF + 1] = UINT8_MAX;
	memcpy(out + MON_V4_MAPPED_OFF, &addr, sizeof(addr));
}

static bool
mon_zero16(const uint8_t *a)
{
	unsigned int i;

	for (i = 0; i < MON_ADDR_LEN; i++)
		if (a[i] != 0)
			return false;
	return true;
}

static void
mon_observe_view(const struct sa_pkt *pkt, const struct sa_parsed *p,
		 struct mon_view *v)
{
	const struct sa_ipv4_hdr *ip4;
	const struct sa_ipv6_hdr *ip6;
	uint8_t first;

	if (p->l3 == SA_L3_IPV4) {
		ip4 = sa_ipv4(pkt, p);
		mon_map4(ip4->src_addr, v->src);
		mon_map4(ip4->dst_addr, v->dst);
		v->ttl = ip4->time_to_live;
		first = v->src[MON_V4_MAPPED_OFF];
		v->bogus = first == MON_V4_FIRST_OCTET_THIS_NET ||
			   first >= MON_V4_FIRST_OCTET_MULTICAST;
		v->tracked = mon_cfg.track_all ||
			     sa_prefix_set_match4(&mon_cfg.inside,
						  ip4->src_addr);
		mon_stat_inc(MON_STAT_IPV4);
		return;
	}
	ip6 = sa_ipv6(pkt, p);
	memcpy(v->src, ip6->src_addr, MON_ADDR_LEN);
	memcpy(v->dst, ip6->dst_addr, MON_ADDR_LEN);
	v->ttl = ip6->hop_limits;
	v->bogus = v->src[0] == MON_V6_MULTICAST || mon_zero16(v->src);
	v->tracked = mon_cfg.track_all ||
		     sa_prefix_set_match6(&mon_cfg.inside, ip6->src_addr);
	mon_stat_inc(MON_STAT_IPV6);
}

/* A SYN or SYN-ACK: the OS fingerprint, and for a SYN-ACK the service
 * it proves and the banner it announces. */
static void
mon_observe_syn(struct sa_ctx *ctx, const struct sa_pkt *pkt,
		const struct sa_parsed *p, const struct mon_view *v,
		struct mon_host *h, uint64_t now)
{
	const struct sa_tcp_hdr *tcp = sa_tcp(pkt, p);
	enum mon_role role = (tcp->tcp_flags & SA_TCP_ACK) ? MON_ROLE_SYNACK :
							     MON_ROLE_SYN;
	uint32_t opt_len = p->l4_hdr_len > sizeof(*tcp) ?
			   p->l4_hdr_len - (uint32_t)sizeof(*tcp) : 0;
	struct mon_svc_key skey = { .port = tcp->src_port };
	struct mon_flow_key fkey;
	struct mon_tcp_fp fp;

	mon_stat_inc(role == MON_ROLE_SYN ? MON_STAT_SYN_FPS :
					    MON_STAT_SYNACK_FPS);
	if (mon_tcpopt_fp(pkt->data + p->l4_off + sizeof(*tcp), opt_len,
			  mon_ntohs(tcp->rx_win), v->ttl, role, &fp) == 0)
		mon_host_fp(ctx, pkt, v->src, h, &fp);
	else
		mon_stat_inc(MON_STAT_TCP_OPTS_MALFORMED);
	if (role != MON_ROLE_SYNACK)
		return;
	memcpy(skey.addr, v->src, MON_ADDR_LEN);
	skey.proto = MON_PROTO_TCP;
	if (mon_service_seen(ctx, pkt, &skey, now) == NULL ||
	    !mon_svc_port_has_sigs(MON_PROTO_TCP, mon_ntohs(tcp->src_port)))
		return;
	memcpy(fkey.srv, v->src, MON_ADDR_LEN);
	memcpy(fkey.cli, v->dst, MON_ADDR_LEN);
	fkey.srv_port = tcp->src_port;
	fkey.cli_port = tcp->dst_port;
	mon_flow_add(&fkey, now);
}

/* A payload from a tracked host: a banner if its service expects one. */
static void
mon_observe_banner(struct sa_ctx *ctx, const struct sa_pkt *pkt,
		   const struct sa_parsed *p, const struct mon_view *v,
		   enum mon_proto proto, uint16_t sport, uint64_t now)
{
	const uint8_t *payload = pkt->data + p->l4_off + p->l4_hdr_len;
	struct mon_svc_key skey = { .port = sport, .proto = (uint8_t)proto };
	char label[MON_LABEL_MAX];
	struct mon_service *s;
	enum mon_match r;

	mon_stat_inc(MON_STAT_BANNERS_INSPECTED);
	r = mon_svc_identify(proto, mon_ntohs(sport), payload,
			     sa_l4_payload_len(p), label, sizeof(label));
	if (r != MON_MATCH_YES) {
		mon_stat_inc(r == MON_MATCH_BUDGET ? MON_STAT_BANNER_BUDGET :
						     MON_STAT_BANNERS_UNKNOWN);
		return;
	}
	mon_stat_inc(MON_STAT_BANNERS_MATCHED);
	memcpy(skey.addr, v->src, MON_ADDR_LEN);
	s = mon_service_seen(ctx, pkt, &skey, now);
	if (s != NULL)
		mon_service_label(ctx, pkt, &skey, s, label);
}

static void
mon_observe_tcp(struct sa_ctx *ctx, const struct sa_pkt *pkt,
		const struct sa_parsed *p, const struct mon_view *v,
		struct mon_host *h, uint64_t now)
{
	const struct sa_tcp_hdr *tcp = sa_tcp(pkt, p);
	struct mon_flow_key fkey;

	if ((tcp->tcp_flags & (SA_TCP_SYN | SA_TCP_RST | SA_TCP_FIN)) ==
	    SA_TCP_SYN) {
		mon_observe_syn(ctx, pkt, p, v, h, now);
		return;
	}
	/* Most segments: no payload, or no banner is due anywhere. */
	if (sa_l4_payload_len(p) == 0 || mon_flows_active() == 0)
		return;
	memcpy(fkey.srv, v->src, MON_ADDR_LEN);
	memcpy(fkey.cli, v->dst, MON_ADDR_LEN);
	fkey.srv_port = tcp->src_port;
	fkey.cli_port = tcp->dst_port;
	if (mon_flow_take(&fkey))
		mon_observe_banner(ctx, pkt, p, v, MON_PROTO_TCP,
				   tcp->src_port, now);
}

static void
mon_observe_udp(struct sa_ctx *ctx, const struct sa_pkt *pkt,
		const struct sa_parsed *p, const struct mon_view *v,
		uint64_t now)
{
	const struct sa_udp_hdr *udp = sa_udp(pkt, p);

	if (sa_l4_payload_len(p) == 0 ||
	    !mon_svc_port_has_sigs(MON_PROTO_UDP, mon_ntohs(udp->src_port)))
		return;
	mon_observe_banner(ctx, pkt, p, v, MON_PROTO_UDP, udp->src_port, now);
}

void
mon_observe(struct sa_ctx *ctx, const struct sa_pkt *pkt,
	    const struct sa_parsed *p)
{
	uint64_t now = sa_now_ns(ctx);
	struct mon_host *h;
	struct mon_view v;

	mon_observe_view(pkt, p, &v);
	if (MON_UNLIKELY(v.bogus)) {
		mon_stat_inc(MON_STAT_BOGUS_SOURCE);
		return;
	}
	if (!v.tracked) {
		mon_stat_inc(MON_STAT_UNTRACKED);
		return;
	}
	h = mon_host_seen(ctx, pkt, v.src, now);
	if (h == NULL)
		return;
	if (p->frag == SA_FRAG_LATER) {
		mon_stat_inc(MON_STAT_LATER_FRAGMENTS);
		return;
	}
	if (!p->has_l4)
		return;
	if (p->l4_proto == SA_IPPROTO_TCP)
		mon_observe_tcp(ctx, pkt, p, &v, h, now);
	else if (p->l4_proto == SA_IPPROTO_UDP)
		mon_observe_udp(ctx, pkt, p, &v, now);
}
