/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP: connection state machine and sequence-window checks.
 *
 * Only a SYN without ACK may open a connection (after the rules); anything
 * else without state is dropped. The connection state follows from what
 * both endpoints have done, so it never depends on which side is which:
 *
 *   SYN_SENT     the initiator's SYN seen
 *   SYN_RCVD     both SYNs seen (SYN-ACK, or a simultaneous open)
 *   ESTABLISHED  both SYNs acknowledged
 *   FIN_WAIT     one side sent FIN
 *   TIME_WAIT    both sides sent FIN
 *   CLOSED       an acceptable RST was seen
 *
 * A SYN without ACK on a TIME_WAIT or CLOSED connection starts a new one
 * in the same entry, after asking the rules again; on a connection still
 * open it is tracked like any segment (so a reused port with a new ISN is
 * dropped out of window until the old entry closes or expires).
 *
 * Window checks follow van Rooij ("Real Stateful TCP Packet Filtering in
 * IP Filter") as pf does: per endpoint, seqlo is the highest sequence
 * number it has sent, seqhi the highest the other end has offered to
 * receive (ack + window) and max_win the largest window it advertised.
 * A segment passes when
 *   1. its data ends at or before seqhi (inside the receiver's window),
 *   2. it starts no more than one receiver window before seqlo
 *      (a retransmission, not a stale or forged segment),
 *   3. its ACK is at most one acker's window plus slack behind what the
 *      other end sent, and at most the slack ahead of it.
 * Segments without data, SYN, FIN or RST (pure ACKs, keepalives, window
 * probes) skip 1 and 2 because stacks send them with stale sequence
 * numbers; an RST never skips them, so only an in-window RST closes a
 * connection. Window scaling is honoured: the shift from each SYN's
 * option applies to later windows once both SYNs carried one (RFC 7323),
 * SYN windows are never scaled. There is no "loose" fallback for
 * half-closed connections: a segment failing a check is dropped as
 * tcp-out-of-window.
 */

#include <string.h>
#include <arpa/inet.h>

#include "fw.h"

/* Slack of the ACK check (pf's MAXACKWINDOW): one unscaled maximal window
 * plus one Ethernet-sized segment. */
#define FW_TCP_ACK_SLACK	(UINT16_MAX + 1500u)

/* RFC 7323 caps the window shift at 14. */
#define FW_TCP_WSCALE_MAX	14u

#define FW_TCP_OPT_EOL		0
#define FW_TCP_OPT_NOP		1
#define FW_TCP_OPT_WSCALE	3
#define FW_TCP_OPT_WSCALE_LEN	3
#define FW_TCP_OPT_MIN_LEN	2

/* One segment, host order. */
struct fw_seg {
	uint32_t seq;
	uint32_t ack;
	uint32_t data_end;	/* seq + payload + SYN */
	uint32_t end;		/* data_end + FIN */
	uint32_t win;		/* as sent, unscaled */
	uint32_t paylen;
	uint8_t flags;
};

/*
 * Flag combinations no TCP sends: SYN with FIN or RST, and segments with
 * none of SYN, RST and ACK (null, FIN-only and Xmas scans).
 */
static inline bool
fw_tcp_flags_ok(uint8_t flags)
{
	if ((flags & SA_TCP_SYN) && (flags & (SA_TCP_FIN | SA_TCP_RST)))
		return false;
	return (flags & (SA_TCP_SYN | SA_TCP_RST | SA_TCP_ACK)) != 0;
}

/* Window scale option of a SYN, or FW_WSCALE_NONE. */
static uint8_t
fw_tcp_wscale(const struct sa_tcp_hdr *tcp, uint32_t hdr_len)
{
	const uint8_t *opt = (const uint8_t *)(tcp + 1);
	uint32_t len = hdr_len - (uint32_t)sizeof(*tcp);
	uint32_t i = 0;

	while (i < len) {
		if (opt[i] == FW_TCP_OPT_EOL)
			break;
		if (opt[i] == FW_TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < FW_TCP_OPT_MIN_LEN ||
		    opt[i + 1] > len - i)
			break;
		if (opt[i] == FW_TCP_OPT_WSCALE &&
		    opt[i + 1] == FW_TCP_OPT_WSCALE_LEN)
			return opt[i + 2] > FW_TCP_WSCALE_MAX ?
				FW_TCP_WSCALE_MAX : opt[i + 2];
		i += opt[i + 1];
	}
	return FW_WSCALE_NONE;
}

/*
 * The first segment of an endpoint. For the responder it must answer the
 * initiator's SYN: a SYN (with an ACK of that SYN, or none in a
 * simultaneous open) or a RST acknowledging the SYN, as RFC 793 accepts
 * in SYN-SENT. Everything is checked before the endpoint is touched.
 */
static unsigned int
fw_tcp_peer_first(struct fw_conn *c, unsigned int side,
		  const struct fw_seg *s, const struct sa_tcp_hdr *tcp,
		  uint32_t hdr_len)
{
	struct fw_peer *src = &c->peer[side];
	struct fw_peer *dst = &c->peer[side ^ 1];

	if (side != c->initiator) {
		if (!(s->flags & (SA_TCP_SYN | SA_TCP_RST)))
			return FW_DROP_TCP_BAD_HANDSHAKE;
		if (s->flags & SA_TCP_ACK) {
			if (!fw_seq_gt(s->ack, dst->isn) ||
			    fw_seq_gt(s->ack, dst->seqlo))
				return FW_DROP_TCP_BAD_HANDSHAKE;
		} else if (s->flags & SA_TCP_RST) {
			return FW_DROP_TCP_BAD_HANDSHAKE;
		}
	}
	src->isn = s->seq;
	src->seqlo = s->seq;
	src->seqhi = s->end + dst->max_win;
	src->max_win = s->win != 0 ? s->win : 1;
	src->flags |= FW_PEER_SEEN;
	if (s->flags & SA_TCP_SYN) {
		src->wscale = fw_tcp_wscale(tcp, hdr_len);
		if (src->wscale != FW_WSCALE_NONE &&
		    dst->wscale != FW_WSCALE_NONE) {
			src->shift = src->wscale;
			dst->shift = dst->wscale;
		}
	}
	return FW_PASS;
}

/* Check 3 of the file comment. */
static inline bool
fw_tcp_ack_ok(const struct fw_peer *src, const struct fw_peer *dst,
	      const struct fw_seg *s)
{
	int64_t skew;

	if (!(s->flags & SA_TCP_ACK))
		return true;
	/* Some stacks send RST|ACK with a zero ACK: the RST's own sequence
	 * check still applies. */
	if ((s->flags & SA_TCP_RST) && s->ack == 0)
		return true;
	if (!(dst->flags & FW_PEER_SEEN))
		return false;
	skew = (int32_t)(dst->seqlo - s->ack);
	return skew >= -(int64_t)FW_TCP_ACK_SLACK &&
	       skew <= (int64_t)src->max_win + FW_TCP_ACK_SLACK;
}

/* Checks 1 and 2 of the file comment. */
static inline bool
fw_tcp_seq_ok(const struct fw_peer *src, const struct fw_peer *dst,
	      const struct fw_seg *s)
{
	if (s->paylen == 0 &&
	    !(s->flags & (SA_TCP_SYN | SA_TCP_FIN | SA_TCP_RST)))
		return true;
	if (fw_seq_gt(s->data_end, src->seqhi))
		return false;
	return !fw_seq_lt(s->seq, src->seqlo - dst->max_win);
}

static enum fw_state
fw_tcp_state_of(const struct fw_conn *c)
{
	uint8_t both = c->peer[0].flags & c->peer[1].flags;
	uint8_t any = c->peer[0].flags | c->peer[1].flags;

	if (any & FW_PEER_RST)
		return FW_STATE_CLOSED;
	if (both & FW_PEER_FIN)
		return FW_STATE_TIME_WAIT;
	if (any & FW_PEER_FIN)
		return FW_STATE_FIN_WAIT;
	if (both & FW_PEER_SYN_ACKED)
		return FW_STATE_ESTABLISHED;
	if (both & FW_PEER_SYN)
		return FW_STATE_SYN_RCVD;
	return FW_STATE_SYN_SENT;
}

/* Takes an accepted segment into the endpoints' windows and state. */
static void
fw_tcp_update(struct fw_conn *c, struct fw_peer *src, struct fw_peer *dst,
	      const struct fw_seg *s)
{
	uint32_t win = (s->flags & SA_TCP_SYN) ? s->win : s->win << src->shift;
	enum fw_state st;

	if (win > src->max_win)
		src->max_win = win;
	if (fw_seq_gt(s->end, src->seqlo))
		src->seqlo = s->end;
	/* A RST's ACK and window say nothing about what may follow. */
	if ((s->flags & (SA_TCP_ACK | SA_TCP_RST)) == SA_TCP_ACK) {
		if (win == 0)
			win = 1;
		if (!fw_seq_lt(s->ack + win, dst->seqhi))
			dst->seqhi = s->ack + win;
		if ((dst->flags & FW_PEER_SYN) && fw_seq_gt(s->ack, dst->isn))
			dst->flags |= FW_PEER_SYN_ACKED;
	}
	if (s->flags & SA_TCP_SYN)
		src->flags |= FW_PEER_SYN;
	if (s->flags & SA_TCP_FIN)
		src->flags |= FW_PEER_FIN;
	if (s->flags & SA_TCP_RST)
		src->flags |= FW_PEER_RST;
	st = fw_tcp_state_of(c);
	if (st > c->state)
		fw_conn_set_state(c, st);
}

static void
fw_seg_init(struct fw_seg *s, const struct sa_tcp_hdr *tcp,
	    const struct sa_parsed *p)
{
	s->flags = tcp->tcp_flags;
	s->seq = ntohl(tcp->sent_seq);
	s->ack = ntohl(tcp->recv_ack);
	s->win = ntohs(tcp->rx_win);
	s->paylen = sa_l4_payload_len(p);
	s->data_end = s->seq + s->paylen + ((s->flags & SA_TCP_SYN) ? 1 : 0);
	s->end = s->data_end + ((s->flags & SA_TCP_FIN) ? 1 : 0);
}

static unsigned int
fw_tcp_track(struct fw_conn *c, unsigned int side,
	     const struct sa_tcp_hdr *tcp, const struct sa_parsed *p)
{
	struct fw_peer *src = &c->peer[side];
	struct fw_peer *dst = &c->peer[side ^ 1];
	struct fw_seg s;
	unsigned int reason;

	fw_seg_init(&s, tcp, p);
	if (!(src->flags & FW_PEER_SEEN)) {
		reason = fw_tcp_peer_first(c, side, &s, tcp, p->l4_hdr_len);
		if (reason != FW_PASS)
			return reason;
	}
	if (!fw_tcp_ack_ok(src, dst, &s) || !fw_tcp_seq_ok(src, dst, &s))
		return FW_DROP_TCP_OUT_OF_WINDOW;
	fw_tcp_update(c, src, dst, &s);
	return FW_PASS;
}

/*
 * Filters one TCP segment: state lookup (or creation for an opening SYN),
 * tracking, timeout refresh. Returns FW_PASS or the drop reason.
 */
unsigned int
fw_tcp_filter(const struct sa_pkt *pkt, const struct sa_parsed *p,
	      uint64_t now)
{
	const struct sa_tcp_hdr *tcp = sa_tcp(pkt, p);
	uint8_t flags = tcp->tcp_flags;
	bool opening = (flags & (SA_TCP_SYN | SA_TCP_ACK)) == SA_TCP_SYN;
	struct fw_conn *c;
	struct fw_key k;
	unsigned int side, reason;

	fw_stats.tcp++;
	if (FW_UNLIKELY(!fw_tcp_flags_ok(flags)))
		return FW_DROP_TCP_INVALID_FLAGS;
	side = fw_conn_key(pkt, p, SA_IPPROTO_TCP, tcp->src_port,
			   tcp->dst_port, &k);
	c = fw_conn_lookup(&k);
	if (c == NULL) {
		if (!opening)
			return FW_DROP_TCP_NO_STATE;
		reason = fw_conn_open(&k, side, now, FW_STATE_SYN_SENT, &c);
	} else if (FW_UNLIKELY(opening && c->state >= FW_STATE_TIME_WAIT)) {
		reason = fw_conn_reopen(c, &k, side, FW_STATE_SYN_SENT);
	} else {
		fw_stats.state_hits++;
		reason = FW_PASS;
	}
	if (reason != FW_PASS)
		return reason;
	reason = fw_tcp_track(c, side, tcp, p);
	if (reason != FW_PASS)
		return reason;
	fw_conn_refresh(c, now);
	return FW_PASS;
}
