/* SPDX-License-Identifier: BSD-3-Clause */

#include <string.h>
#include <arpa/inet.h>

#include <sa/headers.h>
#include <sa/cksum.h>

#include "pktbuild.h"
#include "tg_frame.h"
#include "tg_payload.h"
#include "tg_model_int.h"

#define TG_ETH_LEN		14
#define TG_VLAN_LEN		4
#define TG_IPV4_LEN		20
#define TG_IPV6_LEN		40
/* One tag per flow, from a handful of VLANs. */
#define TG_VLAN_ID_BASE		100
#define TG_VLAN_ID_COUNT	8
/* Servers run either a 64 or a 128 initial TTL and sit some hops away;
 * inside hosts are one router behind the tap. */
#define TG_TTL_INSIDE		63
#define TG_TTL_LINUX		64
#define TG_TTL_WINDOWS		128
#define TG_TTL_WINDOWS_EVERY	3
#define TG_HOPS_MIN		5
#define TG_HOPS_SPAN		20

/* The tap sees frames between the inside router, the outside router and
 * the middlebox port; all locally administered. */
const uint8_t tg_mac_inside_gw[TG_MAC_LEN] = { 0x02, 0x5a, 0, 0, 0, 0x01 };
const uint8_t tg_mac_outside_gw[TG_MAC_LEN] = { 0x02, 0x5a, 0, 0, 0, 0x02 };
const uint8_t tg_mac_mbox[TG_MAC_LEN] = { 0x02, 0x5a, 0, 0, 0, 0xfe };

static uint8_t
tg_frame_proto(const struct tg_flow *f, uint8_t family)
{
	switch (f->kind) {
	case TG_KIND_TCP:
		return SA_IPPROTO_TCP;
	case TG_KIND_UDP:
		return SA_IPPROTO_UDP;
	case TG_KIND_ICMP:
		return family == 6 ? SA_IPPROTO_ICMPV6 : SA_IPPROTO_ICMP;
	default:
		return (f->flags & TG_F_UNSOL_UDP) ? SA_IPPROTO_UDP :
						     SA_IPPROTO_TCP;
	}
}

/* The inside end of the flow as the tap sees it in direction @p dir:
 * return traffic of a NATed flow targets the external address. */
static uint32_t
tg_inside_addr4(const struct tg_model *m, const struct tg_flow *f,
		unsigned int dir)
{
	const struct tl_pool *pool = &m->o->pool;
	uint32_t addr;

	if (f->flags & TG_F_TO_POOL)
		return pool->addr[f->host];
	addr = tg_model_host4(m->o, f->host);
	if (dir == TG_DIR_OUT2IN && pool->n > 0)
		return tl_pool_pick(pool, addr);
	return addr;
}

static void
tg_frame_addrs(const struct tg_model *m, const struct tg_flow *f,
	       const struct tg_pkt *pkt, uint8_t family, uint8_t proto,
	       struct pb_spec *s)
{
	uint8_t host6[16], server6[16];
	uint32_t host4, server4;

	if (family == 6) {
		tg_model_host6(f->host, host6);
		tg_model_server6(f->server, server6);
		if (pkt->dir == TG_DIR_IN2OUT)
			pb_spec_init6(s, proto, host6, server6, f->sport,
				      f->dport);
		else
			pb_spec_init6(s, proto, server6, host6, f->dport,
				      f->sport);
		return;
	}
	host4 = tg_inside_addr4(m, f, pkt->dir);
	server4 = tg_model_server4(f->server);
	if (pkt->dir == TG_DIR_IN2OUT)
		pb_spec_init4(s, proto, host4, server4, f->sport, f->dport);
	else
		pb_spec_init4(s, proto, server4, host4, f->dport, f->sport);
}

static uint8_t
tg_server_ttl(const struct tg_flow *f)
{
	uint8_t initial = f->server % TG_TTL_WINDOWS_EVERY == 0 ?
			  TG_TTL_WINDOWS : TG_TTL_LINUX;

	return (uint8_t)(initial - TG_HOPS_MIN - f->server % TG_HOPS_SPAN);
}

static void
tg_frame_l2(const struct tg_flow *f, const struct tg_pkt *pkt,
	    struct pb_spec *s)
{
	int out = pkt->dir == TG_DIR_IN2OUT;

	memcpy(s->eth_src, out ? tg_mac_inside_gw : tg_mac_outside_gw, 6);
	memcpy(s->eth_dst, tg_mac_mbox, 6);
	s->ttl = out ? TG_TTL_INSIDE : tg_server_ttl(f);
	if (f->vlan) {
		s->n_vlan = 1;
		s->vlan_tci[0] = TG_VLAN_ID_BASE + f->host % TG_VLAN_ID_COUNT;
	}
}

static void
tg_frame_l4(const struct tg_flow *f, const struct tg_pkt *pkt,
	    uint8_t family, struct pb_spec *s)
{
	int request = pkt->dir == TG_DIR_IN2OUT;

	s->tcp_flags = pkt->tcp_flags;
	s->seq = pkt->seq;
	s->ack = pkt->ack;
	if (family == 6)
		s->icmp_type = request ? SA_ICMP6_ECHO_REQUEST :
					 SA_ICMP6_ECHO_REPLY;
	else
		s->icmp_type = request ? SA_ICMP_ECHO_REQUEST :
					 SA_ICMP_ECHO_REPLY;
	/* Echo keeps its identifier both ways: the "port" of the flow. */
	s->icmp_id = f->sport;
	s->icmp_seq = pkt->icmp_seq;
}

/* pktbuild leaves the id 0; real stacks count per direction. */
static void
tg_frame_ip_id(uint8_t *l3, uint16_t id)
{
	struct sa_ipv4_hdr *ip = (struct sa_ipv4_hdr *)l3;
	uint16_t id_n = htons(id);

	ip->hdr_checksum = sa_cksum_update16(ip->hdr_checksum, ip->packet_id,
					     id_n);
	ip->packet_id = id_n;
}

size_t
tg_frame_build(const struct tg_model *m, struct tg_flow *f,
	       const struct tg_pkt *pkt, uint64_t now_us, uint8_t family,
	       uint8_t *buf, size_t cap, struct tg_frame_info *info)
{
	uint8_t app_buf[TG_PAYLOAD_APP_MAX];
	uint8_t proto;
	struct pb_spec s;
	size_t len;

	if (family == 0)
		family = f->family;
	proto = tg_frame_proto(f, family);
	tg_frame_addrs(m, f, pkt, family, proto, &s);
	tg_frame_l2(f, pkt, &s);
	tg_frame_l4(f, pkt, family, &s);
	if (pkt->app == TG_APP_PATTERN) {
		if (pkt->payload_len > TG_PATTERN_MAX)
			return 0;
		s.payload_len = pkt->payload_len;
		s.payload = m->pattern;
	} else if (pkt->app != TG_APP_NONE) {
		s.payload_len = tg_payload_build(m, f, pkt, now_us, app_buf);
		if (s.payload_len == 0)
			return 0;
		s.payload = app_buf;
	}
	if (m->o->pkt_size != 0)
		s.min_frame_len = m->o->pkt_size - TG_FCS_LEN;

	len = pb_build(buf, cap, &s);
	if (len == 0)
		return 0;
	info->len = (uint32_t)len;
	info->family = family;
	info->proto = proto;
	info->l3_off = TG_ETH_LEN + s.n_vlan * TG_VLAN_LEN;
	info->l4_off = info->l3_off + (family == 6 ? TG_IPV6_LEN : TG_IPV4_LEN);
	info->l4_hdr_len = proto == SA_IPPROTO_TCP ? sizeof(struct sa_tcp_hdr) :
			   sizeof(struct sa_udp_hdr);
	if (family == 4)
		tg_frame_ip_id(buf + info->l3_off, f->ip_id[pkt->dir]++);
	return len;
}
