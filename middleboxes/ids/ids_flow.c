/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow keys, TCP stream tracking and datagram inspection.
 *
 * TCP, per direction, without buffering (nothing is allocated per packet
 * and per-flow state stays fixed-size):
 *  - The stream starts at the SYN's sequence number + 1, or, for a flow
 *    picked up mid-stream, at the first data segment seen.
 *  - Only in-order data advances the stream and is inspected. A segment
 *    that overlaps data already seen contributes only its new tail (the
 *    first copy of a byte wins, as in most receivers); a segment wholly
 *    in the past (retransmission, keep-alive) is skipped.
 *  - A segment beyond the next expected byte (a hole) is not inspected
 *    and does not advance the stream. Passive mode forwards it: should
 *    the hole never be filled, the rest of that direction stays
 *    uninspected (counted in tcp_out_of_order). Inline mode drops it
 *    while the direction is still within stream_depth, so the sender
 *    retransmits in order and no byte reaches the receiver uninspected.
 *  - A SYN with a new initial sequence number on a known flow starts a
 *    new connection on the same 5-tuple: the flow's state starts over.
 * The stream offset of each direction counts from its start; it stops
 * growing at stream_depth, past which nothing is inspected.
 */

#include <string.h>

#include "ids.h"

/* Entry slots sa_table_expire() may visit per tick: bounds the work of one
 * tick while the default table is still swept every few ticks. */
#define IDS_EXPIRE_SCAN		4096u

/* Bytes 8..11 of an IPv4-mapped IPv6 address, 00 00 ff ff, read as a
 * 32-bit number in each host byte order. */
#define IDS_V4_MAPPED_MARK_LE	UINT64_C(0xffff0000)
#define IDS_V4_MAPPED_MARK_BE	UINT64_C(0x0000ffff)
#define IDS_U32_BITS		32

static inline void
ids_addr_map4(uint8_t dst[IDS_ADDR_LEN], uint32_t v4)
{
	const uint64_t hi = 0;
	uint64_t lo;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	lo = IDS_V4_MAPPED_MARK_LE | (uint64_t)v4 << IDS_U32_BITS;
#else
	lo = IDS_V4_MAPPED_MARK_BE << IDS_U32_BITS | v4;
#endif
	memcpy(dst, &hi, sizeof(hi));
	memcpy(dst + sizeof(hi), &lo, sizeof(lo));
}

static inline bool
ids_ep6_after(const uint8_t a[IDS_ADDR_LEN], uint16_t pa,
	      const uint8_t b[IDS_ADDR_LEN], uint16_t pb)
{
	uint64_t wa[2], wb[2];

	memcpy(wa, a, sizeof(wa));
	memcpy(wb, b, sizeof(wb));
	if (wa[0] != wb[0])
		return wa[0] > wb[0];
	if (wa[1] != wb[1])
		return wa[1] > wb[1];
	return pa > pb;
}

/*
 * Builds the direction-agnostic key of a parsed IP packet with source
 * port @sport and destination port @dport (network order, 0 without
 * ports). Returns the key side its source landed on.
 */
unsigned int
ids_flow_key(const struct sa_pkt *pkt, const struct sa_parsed *p,
	     uint16_t sport, uint16_t dport, struct ids_key *k)
{
	unsigned int side;

	if (p->l3 == SA_L3_IPV4) {
		const struct sa_ipv4_hdr *ip = sa_ipv4(pkt, p);
		uint32_t src = ip->src_addr;
		uint32_t dst = ip->dst_addr;

		side = src > dst || (src == dst && sport > dport);
		ids_addr_map4(k->addr[side], src);
		ids_addr_map4(k->addr[side ^ 1], dst);
	} else {
		const struct sa_ipv6_hdr *ip6 = sa_ipv6(pkt, p);

		side = ids_ep6_after(ip6->src_addr, sport, ip6->dst_addr,
				     dport);
		memcpy(k->addr[side], ip6->src_addr, IDS_ADDR_LEN);
		memcpy(k->addr[side ^ 1], ip6->dst_addr, IDS_ADDR_LEN);
	}
	k->port[side] = sport;
	k->port[side ^ 1] = dport;
	k->proto = p->l4_proto;
	k->family = p->l3;
	k->pad[0] = 0;
	k->pad[1] = 0;
	return side;
}

uint32_t
ids_flow_value_size(void)
{
	return (uint32_t)sizeof(struct ids_flow) + ids_rs.alert_bytes +
	       IDS_SIDES * (ids_rs.progress_bytes + ids_rs.hdr_bytes);
}

/* A fresh flow (or one a new connection reuses) opened by @initiator. */
void
ids_flow_init_state(struct ids_flow *f, unsigned int initiator)
{
	memset(f, 0, ids_flow_value_size());
	f->initiator = (uint8_t)initiator;
}

static inline uint16_t
ids_seq_bit(unsigned int side)
{
	return (uint16_t)(IDS_FS_SEQ0 << side);
}

/* Direction @side's stream starts (again) at sequence number @seq. */
static void
ids_stream_start(struct ids_flow *f, unsigned int side, uint32_t seq)
{
	unsigned int k;

	f->next_seq[side] = seq;
	f->stream_pos[side] = 0;
	for (k = 0; k < IDS_AC_COUNT; k++)
		f->ac_row[side][k] = 0;
	memset(ids_flow_progress(f, side), 0, ids_rs.progress_bytes);
	f->state |= ids_seq_bit(side);
}

/* Handshake bookkeeping for the SYN-flood tracker; resets the flow when
 * a new connection reuses its 5-tuple. */
static void
ids_tcp_handshake(struct sa_ctx *ctx, struct ids_pkt *ip, uint32_t seq,
		  uint64_t now)
{
	struct ids_flow *f = ip->flow;
	unsigned int s = ip->side;
	uint8_t fl = ip->tcp_flags & (SA_TCP_SYN | SA_TCP_ACK | SA_TCP_RST);

	if (fl == SA_TCP_SYN) {
		if ((f->state & ids_seq_bit(s)) && f->next_seq[s] != seq + 1) {
			uint16_t keep = f->state & (IDS_FS_IN0 | IDS_FS_IN1);

			ids_flow_init_state(f, s);
			f->state |= (uint16_t)(keep | IDS_FS_SEEN0 << s);
			ids_stats.flows_reset++;
		}
		if (!(f->state & IDS_FS_SYN)) {
			f->state |= IDS_FS_SYN;
			ids_detect_syn(ctx, ip, now);
		}
	} else if (fl == (SA_TCP_SYN | SA_TCP_ACK)) {
		if (s != f->initiator)
			f->state |= IDS_FS_SYNACK;
	} else if (fl == SA_TCP_ACK && s == f->initiator &&
		   (f->state & (IDS_FS_SYN | IDS_FS_SYNACK | IDS_FS_DONE)) ==
		   (IDS_FS_SYN | IDS_FS_SYNACK)) {
		f->state |= IDS_FS_DONE;
		ids_detect_handshake(ip, now);
	}
	if ((fl & SA_TCP_SYN) &&
	    (!(f->state & ids_seq_bit(s)) || f->next_seq[s] != seq + 1))
		ids_stream_start(f, s, seq + 1);
}

/* In-order part of a data segment starting at sequence number @seq. */
static unsigned int
ids_tcp_segment(struct ids_pkt *ip, uint32_t seq)
{
	struct ids_flow *f = ip->flow;
	unsigned int s = ip->side;
	int32_t d = ids_seq_diff(seq, f->next_seq[s]);
	uint32_t skip, fresh, pos = f->stream_pos[s], n = 0;

	if (d > 0) {
		ids_stats.tcp_out_of_order++;
		return ids_cfg.mode == IDS_MODE_INLINE &&
		       pos < ids_cfg.stream_depth ?
			IDS_DROP_TCP_OUT_OF_ORDER : IDS_PASS;
	}
	skip = (uint32_t)-(int64_t)d;
	if (skip >= ip->plen) {
		ids_stats.tcp_retransmitted++;
		return IDS_PASS;
	}
	if (skip > 0)
		ids_stats.tcp_overlaps++;
	else
		ids_stats.tcp_in_order++;
	fresh = ip->plen - skip;
	if (pos < ids_cfg.stream_depth) {
		n = ids_cfg.stream_depth - pos;
		if (n > fresh)
			n = fresh;
		ids_match_payload(ip, ip->payload + skip, n, pos);
		f->stream_pos[s] = pos + n;
	}
	ids_stats.bytes_beyond_depth += fresh - n;
	f->next_seq[s] += fresh;
	return IDS_PASS;
}

/*
 * Tracks and inspects one TCP segment. Returns IDS_PASS, or the drop
 * reason for an inline out-of-order segment.
 */
unsigned int
ids_flow_tcp(struct sa_ctx *ctx, struct ids_pkt *ip,
	     const struct sa_tcp_hdr *tcp, uint64_t now)
{
	struct ids_flow *f = ip->flow;
	uint32_t seq = ids_ntohl(tcp->sent_seq);

	ids_tcp_handshake(ctx, ip, seq, now);
	if (f->state & IDS_FS_PASSED)
		return IDS_PASS;
	ids_match_headers(ip);
	if (ip->plen == 0)
		return IDS_PASS;
	if (ip->tcp_flags & SA_TCP_SYN)
		seq++;
	if (!(f->state & ids_seq_bit(ip->side)))
		ids_stream_start(f, ip->side, seq);
	return ids_tcp_segment(ip, seq);
}

/* UDP, ICMP and other datagrams: each is a stream of its own. */
void
ids_flow_datagram(struct ids_pkt *ip)
{
	struct ids_flow *f = ip->flow;
	uint32_t n = ip->plen;
	unsigned int k;

	if (f->state & IDS_FS_PASSED)
		return;
	ids_match_headers(ip);
	if (n == 0)
		return;
	for (k = 0; k < IDS_AC_COUNT; k++)
		f->ac_row[ip->side][k] = 0;
	memset(ids_flow_progress(f, ip->side), 0, ids_rs.progress_bytes);
	if (n > ids_cfg.stream_depth)
		n = ids_cfg.stream_depth;
	ids_match_payload(ip, ip->payload, n, 0);
	ids_stats.bytes_beyond_depth += ip->plen - n;
}

void
ids_flow_refresh(struct ids_flow *f, const struct ids_key *k, uint64_t now)
{
	uint64_t t = ids_cfg.flow_timeout_ns;

	if (k->proto == SA_IPPROTO_TCP &&
	    (f->state & IDS_FS_SEEN_BOTH) == IDS_FS_SEEN_BOTH)
		t = ids_cfg.stream_timeout_ns;
	sa_table_touch(ids_flows, f, now, t);
}

static void
ids_flow_expire_cb(void *arg IDS_UNUSED, const void *key IDS_UNUSED,
		   void *value IDS_UNUSED)
{
	ids_stats.flows_expired++;
}

uint32_t
ids_flow_expire(uint64_t now)
{
	if (ids_flows == NULL)
		return 0;
	return sa_table_expire(ids_flows, now, IDS_EXPIRE_SCAN,
			       ids_flow_expire_cb, NULL);
}
