/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Conversation frames. pktbuild writes headers without TCP options and
 * atomic IPv4 datagrams; what the profiles need beyond that is patched in
 * afterwards with checksum updates: options travel as the first payload
 * bytes and the data offset is raised over them (the TCP checksum covers
 * both alike, so only the offset word changes), the IPv4 id is set per
 * end, and a fragmented datagram is cut from a whole one.
 */

#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/headers.h>
#include <sa/cksum.h>

#include "pktbuild.h"
#include "tg_conv.h"
#include "tg_frame.h"
#include "tg_model.h"

#define TG_ETH_LEN		14
#define TG_VLAN_LEN		4
#define TG_IPV4_LEN		20
#define TG_IPV6_LEN		40
#define TG_TCP_LEN		20
#define TG_UDP_LEN		8
#define TG_ICMP_LEN		8
#define TG_FRAME_MAX		2048
#define TG_PAYLOAD_MAX		1600
#define TG_TTL_DEFAULT		64
#define TG_WIN_DEFAULT		65535
#define TG_TCP_WORD		4
#define TG_TCP_DOFF_SHIFT	4
#define TG_OPT_KIND_MSS		2
#define TG_OPT_MSS_LEN		4
#define TG_IP4_MF		0x2000
#define TG_IP4_FRAG_UNIT	8

void
tg_conv_init(struct tg_conv *c, const struct tg_opts *o, struct tg_out *out,
	     uint8_t family, uint8_t proto, uint64_t now_us)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->o = o;
	c->out = out;
	c->family = family;
	c->proto = proto;
	c->now_us = now_us;
	for (i = 0; i < 2; i++) {
		c->end[i].ttl = TG_TTL_DEFAULT;
		c->end[i].win = TG_WIN_DEFAULT;
		c->end[i].syn_win = TG_WIN_DEFAULT;
	}
}

void
tg_end_set4(struct tg_end *e, uint32_t addr, uint16_t port)
{
	e->addr4 = addr;
	e->port = port;
}

void
tg_end_set6(struct tg_end *e, const uint8_t addr[TG_ADDR6_BYTES],
	    uint16_t port)
{
	memcpy(e->addr6, addr, TG_ADDR6_BYTES);
	e->port = port;
}

static uint32_t
tg_l4_hdr_len(uint8_t proto)
{
	if (proto == SA_IPPROTO_TCP)
		return TG_TCP_LEN;
	return proto == SA_IPPROTO_UDP ? TG_UDP_LEN : TG_ICMP_LEN;
}

/* Bytes a --pkt-size frame leaves after its headers (0 without one). */
static uint32_t
tg_conv_room(const struct tg_conv *c, uint32_t *limited)
{
	uint32_t hdrs = TG_ETH_LEN + c->n_vlan * TG_VLAN_LEN +
			(c->family == 6 ? TG_IPV6_LEN : TG_IPV4_LEN) +
			tg_l4_hdr_len(c->proto);
	uint32_t size = c->o->pkt_size;

	*limited = size != 0;
	if (size == 0 || size - TG_FCS_LEN <= hdrs)
		return 0;
	return size - TG_FCS_LEN - hdrs;
}

/* The pb_spec of a packet from end[@p side], addresses to payload. */
static void
tg_conv_spec(const struct tg_conv *c, unsigned int side, struct pb_spec *s)
{
	const struct tg_end *src = &c->end[side], *dst = &c->end[!side];

	if (c->family == 6)
		pb_spec_init6(s, c->proto, src->addr6, dst->addr6, src->port,
			      dst->port);
	else
		pb_spec_init4(s, c->proto, src->addr4, dst->addr4, src->port,
			      dst->port);
	memcpy(s->eth_src, src->inside ? tg_mac_inside_gw : tg_mac_outside_gw,
	       TG_MAC_LEN);
	memcpy(s->eth_dst, tg_mac_mbox, TG_MAC_LEN);
	s->ttl = src->ttl;
	s->win = src->win;
	if (c->n_vlan) {
		s->n_vlan = 1;
		s->vlan_tci[0] = c->vlan_tci;
	}
}

/* Raises the data offset over @p n_opts option bytes at the payload's
 * start. */
static void
tg_conv_doff(uint8_t *tcp, uint32_t n_opts)
{
	uint8_t *word = tcp + offsetof(struct sa_tcp_hdr, data_off);
	uint8_t *ck = tcp + offsetof(struct sa_tcp_hdr, cksum);
	uint16_t old_n, new_n, sum;

	memcpy(&old_n, word, sizeof(old_n));
	word[0] = (uint8_t)(((TG_TCP_LEN + n_opts) / TG_TCP_WORD) <<
			    TG_TCP_DOFF_SHIFT);
	memcpy(&new_n, word, sizeof(new_n));
	memcpy(&sum, ck, sizeof(sum));
	sum = sa_cksum_update16(sum, old_n, new_n);
	memcpy(ck, &sum, sizeof(sum));
}

static void
tg_conv_ip_id(uint8_t *l3, uint16_t id)
{
	struct sa_ipv4_hdr *ip = (struct sa_ipv4_hdr *)l3;
	uint16_t id_n = htons(id);

	ip->hdr_checksum = sa_cksum_update16(ip->hdr_checksum, ip->packet_id,
					     id_n);
	ip->packet_id = id_n;
}

/*
 * Builds and sends the packet of @p s from end[@p side], with @p n_opts
 * TCP option bytes before @p len payload bytes, both cut to --pkt-size.
 * @return the payload bytes sent.
 */
static uint32_t
tg_conv_send(struct tg_conv *c, unsigned int side, uint64_t dt_us,
	     struct pb_spec *s, const uint8_t *opts, uint32_t n_opts,
	     const uint8_t *payload, uint32_t len)
{
	uint8_t body[TG_TCP_OPTS_MAX + TG_PAYLOAD_MAX];
	uint8_t frame[TG_FRAME_MAX];
	uint32_t limited, room = tg_conv_room(c, &limited);
	uint32_t l3_off = TG_ETH_LEN + c->n_vlan * TG_VLAN_LEN;
	size_t flen;

	if (limited) {
		/* The MSS option leads every SYN the profiles send; it is
		 * what a cut SYN keeps. */
		if (n_opts > room)
			n_opts = room >= TG_OPT_MSS_LEN &&
				 opts[0] == TG_OPT_KIND_MSS ?
				 TG_OPT_MSS_LEN : 0;
		/* A TCP segment may carry any part of a stream; a datagram
		 * cut short would be a broken message: it goes empty. */
		if (len > room - n_opts)
			len = c->proto == SA_IPPROTO_UDP ? 0 : room - n_opts;
		s->min_frame_len = c->o->pkt_size - TG_FCS_LEN;
	}
	if (len > TG_PAYLOAD_MAX) {
		c->out->failed = 1;
		return 0;
	}
	if (n_opts > 0)
		memcpy(body, opts, n_opts);
	if (len > 0)
		memcpy(body + n_opts, payload, len);
	s->payload = body;
	s->payload_len = n_opts + len;
	flen = pb_build(frame, sizeof(frame), s);
	if (flen == 0) {
		c->out->failed = 1;
		return 0;
	}
	if (n_opts > 0)
		tg_conv_doff(frame + l3_off + (c->family == 6 ? TG_IPV6_LEN :
					       TG_IPV4_LEN), n_opts);
	if (c->family == 4)
		tg_conv_ip_id(frame + l3_off, c->end[side].ip_id++);
	c->now_us += dt_us;
	tg_out_put(c->out, c->now_us, frame, (uint32_t)flen);
	return len;
}

uint32_t
tg_conv_tcp_at(struct tg_conv *c, unsigned int side, uint64_t dt_us,
	       uint8_t flags, uint32_t seq, const uint8_t *payload,
	       uint32_t len)
{
	const struct tg_end *e = &c->end[side];
	struct pb_spec s;

	tg_conv_spec(c, side, &s);
	s.tcp_flags = flags;
	s.seq = seq;
	s.ack = (flags & SA_TCP_ACK) ? c->end[!side].seq : 0;
	if (flags & SA_TCP_SYN) {
		s.win = e->syn_win;
		return tg_conv_send(c, side, dt_us, &s, e->opts, e->n_opts,
				    payload, len);
	}
	return tg_conv_send(c, side, dt_us, &s, NULL, 0, payload, len);
}

uint32_t
tg_conv_tcp(struct tg_conv *c, unsigned int side, uint64_t dt_us,
	    uint8_t flags, const uint8_t *payload, uint32_t len)
{
	struct tg_end *e = &c->end[side];
	uint32_t sent = tg_conv_tcp_at(c, side, dt_us, flags, e->seq, payload,
				       len);

	/* SYN and FIN take one sequence number each. */
	e->seq += sent + ((flags & SA_TCP_SYN) != 0) +
		  ((flags & SA_TCP_FIN) != 0);
	return sent;
}

uint32_t
tg_conv_udp(struct tg_conv *c, unsigned int side, uint64_t dt_us,
	    const uint8_t *payload, uint32_t len)
{
	struct pb_spec s;

	tg_conv_spec(c, side, &s);
	return tg_conv_send(c, side, dt_us, &s, NULL, 0, payload, len);
}

uint32_t
tg_conv_icmp(struct tg_conv *c, unsigned int side, uint64_t dt_us,
	     uint8_t type, uint8_t code, uint16_t id, uint16_t seq,
	     const uint8_t *payload, uint32_t len)
{
	struct pb_spec s;

	tg_conv_spec(c, side, &s);
	s.icmp_type = type;
	s.icmp_code = code;
	s.icmp_id = id;
	s.icmp_seq = seq;
	return tg_conv_send(c, side, dt_us, &s, NULL, 0, payload, len);
}

/* Writes fragment [@p off, @p off + @p n) of the datagram in @p whole
 * (l3 header at @p l3_off) to @p frag. @return the fragment's length. */
static uint32_t
tg_conv_cut(const uint8_t *whole, uint32_t l3_off, uint32_t off, uint32_t n,
	    int more, uint8_t *frag)
{
	const uint32_t l4_off = l3_off + TG_IPV4_LEN;
	struct sa_ipv4_hdr *ip = (struct sa_ipv4_hdr *)(frag + l3_off);

	memcpy(frag, whole, l4_off);
	memcpy(frag + l4_off, whole + l4_off + off, n);
	ip->total_length = htons((uint16_t)(TG_IPV4_LEN + n));
	ip->fragment_offset = htons((uint16_t)(off / TG_IP4_FRAG_UNIT |
					       (more ? TG_IP4_MF : 0)));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = sa_cksum_ipv4_hdr(ip);
	return l4_off + n;
}

int
tg_conv_udp_frags(struct tg_conv *c, unsigned int side, uint64_t dt_us,
		  const uint8_t *payload, uint32_t len, uint32_t first)
{
	uint8_t whole[TG_FRAME_MAX], frag[TG_FRAME_MAX];
	uint32_t l3_off = TG_ETH_LEN + c->n_vlan * TG_VLAN_LEN;
	uint32_t dgram = TG_UDP_LEN + len, n;
	struct sa_ipv4_hdr *ip;
	struct pb_spec s;

	if (c->family != 4 || c->proto != SA_IPPROTO_UDP ||
	    first % TG_IP4_FRAG_UNIT != 0 || first <= TG_UDP_LEN ||
	    first >= dgram || len > TG_PAYLOAD_MAX)
		return -1;
	tg_conv_spec(c, side, &s);
	s.payload = payload;
	s.payload_len = len;
	if (pb_build(whole, sizeof(whole), &s) == 0)
		return -1;
	/* A fragmented datagram needs an id and may not say DF. */
	ip = (struct sa_ipv4_hdr *)(whole + l3_off);
	ip->packet_id = htons(c->end[side].ip_id++);
	c->now_us += dt_us;
	n = tg_conv_cut(whole, l3_off, 0, first, 1, frag);
	tg_out_put(c->out, c->now_us, frag, n);
	n = tg_conv_cut(whole, l3_off, first, dgram - first, 0, frag);
	tg_out_put(c->out, c->now_us, frag, n);
	return 0;
}
