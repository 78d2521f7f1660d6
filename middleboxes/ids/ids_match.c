/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Matching: payload scans, rule evaluation and alerts.
 *
 * What a rule means (the grammar is in ids_lex.c and ids_opts.c):
 *  - A rule with contents fires when all its contents have been found in
 *    one direction of one flow, in any order: in the in-order TCP stream
 *    of that direction (so across segment boundaries), or, for UDP, ICMP
 *    and other protocols, within one datagram. offset and depth count
 *    from the start of that stream or datagram: a content with offset O
 *    and depth D must start at or after O and end by O + D. Only the
 *    first stream_depth bytes of each direction (of each datagram) are
 *    inspected. The header (protocol, addresses, ports, flow, flags,
 *    dsize, itype, icode) is checked against the packet in which the last
 *    content was found.
 *  - A rule without content is checked against every packet.
 *  - A rule fires at most once per flow (both directions together), so
 *    a long attack stream raises one alert per rule, not one per packet.
 *  - Within a packet, pass beats drop beats alert: a pass rule that fires
 *    suppresses that packet's alerts and stops all inspection of its flow;
 *    a drop rule fires an alert and, inline, drops the packet and every
 *    later packet of the flow.
 *
 * Work per packet: one DFA transition per inspected byte per non-empty
 * automaton (at most two), plus per pattern occurrence its content
 * references; counters ac_transitions, pattern_hits and rule_evals show
 * exactly that, so the bound is testable without clocks.
 */

#include <stdio.h>
#include <string.h>

#include "ids.h"

/* "[" + 8 groups of 4 hex digits + 7 colons + "]" + NUL */
#define IDS_ADDR_STR_MAX	48
/* Where the IPv4 address sits in an IPv4-mapped one. */
#define IDS_V4_OFF		12
#define IDS_V6_GROUPS		8

static inline bool
ids_addr_in(const struct ids_addr_spec *a, uint8_t family,
	    const uint8_t addr[IDS_ADDR_LEN])
{
	const struct ids_cidr *c = &ids_rs.cidrs[a->first];
	uint64_t w[2];
	uint32_t i;
	bool hit = false;

	if (a->any)
		return true;
	memcpy(w, addr, sizeof(w));
	for (i = 0; i < a->n && !hit; i++)
		hit = c[i].family == family &&
		      (w[0] & c[i].mask[0]) == c[i].net[0] &&
		      (w[1] & c[i].mask[1]) == c[i].net[1];
	return hit != (bool)a->neg;
}

static inline bool
ids_port_in(const struct ids_port_spec *ps, uint16_t port)
{
	uint32_t i;
	bool hit = false;

	if (ps->any)
		return true;
	for (i = 0; i < ps->n && !hit; i++)
		hit = port >= ps->r[i].lo && port <= ps->r[i].hi;
	return hit != (bool)ps->neg;
}

static bool
ids_rule_ends(const struct ids_rule *r, const struct ids_pkt *ip,
	      unsigned int sside)
{
	const struct ids_key *k = ip->key;
	uint16_t sport = sside == ip->side ? ip->sport : ip->dport;
	uint16_t dport = sside == ip->side ? ip->dport : ip->sport;

	return ids_port_in(&r->sport, sport) && ids_port_in(&r->dport, dport) &&
	       ids_addr_in(&r->src, k->family, k->addr[sside]) &&
	       ids_addr_in(&r->dst, k->family, k->addr[sside ^ 1]);
}

/* The part of a rule's header fixed for a flow direction: protocol,
 * addresses and ports. */
static bool
ids_rule_ends_match(const struct ids_rule *r, const struct ids_pkt *ip)
{
	if (r->proto != IDS_RP_IP && r->proto != ip->rproto)
		return false;
	return ids_rule_ends(r, ip, ip->side) ||
	       (r->bidir && ids_rule_ends(r, ip, ip->side ^ 1u));
}

/* The part that varies per packet: flow state, flags, dsize, ICMP. */
static bool
ids_rule_pkt_match(const struct ids_rule *r, const struct ids_pkt *ip)
{
	const struct ids_flow *f = ip->flow;

	if (r->flow != 0) {
		bool to_server = ip->side == f->initiator;

		if (((r->flow & IDS_FLOW_TO_SERVER) && !to_server) ||
		    ((r->flow & IDS_FLOW_TO_CLIENT) && to_server) ||
		    ((r->flow & IDS_FLOW_ESTABLISHED) &&
		     (f->state & IDS_FS_SEEN_BOTH) != IDS_FS_SEEN_BOTH))
			return false;
	}
	if (!ids_flags_match(r->flags_op, r->flags, ip->tcp_flags))
		return false;
	if (r->has_dsize && (ip->plen < r->dsize_lo || ip->plen > r->dsize_hi))
		return false;
	return (r->itype == IDS_ICMP_ANY || r->itype == ip->icmp_type) &&
	       (r->icode == IDS_ICMP_ANY || r->icode == ip->icmp_code);
}

/* Rule @ri matched: queue its event, once per flow. */
static void
ids_rule_fire(struct ids_pkt *ip, uint32_t ri)
{
	const struct ids_rule *r = &ids_rs.rules[ri];

	ids_bit_set(ip->flow->bits, ri);
	ids_rule_matches[ri]++;
	if (r->action == IDS_ACT_PASS) {
		ip->pass = true;
		ids_stats.pass_matches++;
		return;
	}
	if (r->action == IDS_ACT_DROP)
		ip->drop = true;
	if (ip->n_events < IDS_EVENTS_MAX)
		ip->events[ip->n_events++] = ri;
	else
		ids_stats.event_queue_overflow++;
}

/* A content rule whose contents all matched: does its header apply? */
static void
ids_rule_eval(struct ids_pkt *ip, uint32_t ri)
{
	const struct ids_rule *r = &ids_rs.rules[ri];

	ids_stats.rule_evals++;
	if (ids_rule_pkt_match(r, ip) && ids_rule_ends_match(r, ip))
		ids_rule_fire(ip, ri);
}

/*
 * Which header rules' fixed part matches the packets of this flow
 * direction; computed once per direction, at its first packet.
 */
static uint8_t *
ids_hdr_bits(struct ids_pkt *ip)
{
	uint8_t *hdr = ids_flow_hdr(ip->flow, ip->side);
	uint16_t done = (uint16_t)(IDS_FS_HDR0 << ip->side);
	uint32_t h;

	if (IDS_LIKELY(ip->flow->state & done))
		return hdr;
	for (h = 0; h < ids_rs.n_header_rules; h++) {
		ids_stats.rule_evals++;
		if (ids_rule_ends_match(&ids_rs.rules[ids_rs.header_rules[h]],
					ip))
			ids_bit_set(hdr, h);
	}
	ip->flow->state |= done;
	return hdr;
}

/*
 * Header rules against the packet: only those of its bucket (class and
 * key byte) whose fixed part matches its direction and that have not
 * fired on the flow yet are looked at.
 */
void
ids_match_headers(struct ids_pkt *ip)
{
	const uint8_t *hdr = ids_hdr_bits(ip);
	uint32_t k = 0, i, h, ri, end;
	const uint32_t *b;

	if (ip->rproto == IDS_RP_TCP)
		k = ip->tcp_flags;
	else if (ip->rproto == IDS_RP_ICMP)
		k = ip->icmp_type;
	b = &ids_rs.hdr_start[(ip->rproto - IDS_RP_TCP) * IDS_HDR_KEYS + k];
	end = b[1];
	for (i = b[0]; i < end; i++) {
		h = ids_rs.hdr_list[i];
		ri = ids_rs.header_rules[h];
		if (!ids_bit_test(hdr, h) || ids_bit_test(ip->flow->bits, ri))
			continue;
		ids_stats.rule_evals++;
		if (ids_rule_pkt_match(&ids_rs.rules[ri], ip))
			ids_rule_fire(ip, ri);
	}
}

static bool
ids_progress_done(const uint8_t *progress, const struct ids_rule *r)
{
	uint32_t j;

	for (j = 0; j < r->n_contents; j++)
		if (!ids_bit_test(progress, r->progress + j))
			return false;
	return true;
}

/* Pattern @pid ends at stream offset @end of the packet's direction. */
static void
ids_match_pattern(struct ids_pkt *ip, uint32_t pid, uint32_t end)
{
	const struct ids_pattern *pat = &ids_rs.patterns[pid];
	const struct ids_cref *ref = &ids_rs.refs[pat->first_ref];
	uint8_t *progress = ids_flow_progress(ip->flow, ip->side);
	uint32_t start = end - pat->len, i;

	ids_stats.pattern_hits++;
	for (i = 0; i < pat->n_refs; i++, ref++) {
		if (ids_bit_test(ip->flow->bits, ref->rule) ||
		    start < ref->min_start || end > ref->max_end)
			continue;
		if (ref->bit != IDS_NONE) {
			ids_bit_set(progress, ref->bit);
			if (!ids_progress_done(progress,
					       &ids_rs.rules[ref->rule]))
				continue;
		}
		ids_rule_eval(ip, ref->rule);
	}
}

/* Every pattern that ends in state @st, through its dictionary chain. */
static void
ids_match_state(struct ids_pkt *ip, const struct ids_ac *ac, uint32_t st,
		uint32_t end)
{
	if (ac->out[st] == IDS_NONE)
		st = ac->dict[st];
	for (; st != IDS_NONE; st = ac->dict[st])
		ids_match_pattern(ip, ac->out[st], end);
}

static uint32_t
ids_ac_run(struct ids_pkt *ip, const struct ids_ac *ac, uint32_t row,
	   const uint8_t *data, uint32_t len, uint32_t pos)
{
	const uint32_t *trans = ac->trans;
	const uint8_t *map = ac->map;
	uint32_t i, e;

	for (i = 0; i < len; i++) {
		e = trans[row + map[data[i]]];
		row = e & IDS_AC_ROW_MASK;
		if (IDS_UNLIKELY(e & IDS_AC_HIT))
			ids_match_state(ip, ac, row / ac->n_classes,
					pos + i + 1);
	}
	return row;
}

/*
 * Both automata over the same bytes in one loop: the two chains of
 * dependent table loads overlap instead of running one after the other.
 */
static void
ids_ac_run2(struct ids_pkt *ip, uint32_t rows[IDS_AC_COUNT],
	    const uint8_t *data, uint32_t len, uint32_t pos)
{
	const struct ids_ac *f = &ids_rs.ac[IDS_AC_FOLD];
	const struct ids_ac *x = &ids_rs.ac[IDS_AC_EXACT];
	uint32_t rf = rows[IDS_AC_FOLD], rx = rows[IDS_AC_EXACT];
	uint32_t i, ef, ex;

	for (i = 0; i < len; i++) {
		ef = f->trans[rf + f->map[data[i]]];
		ex = x->trans[rx + x->map[data[i]]];
		rf = ef & IDS_AC_ROW_MASK;
		rx = ex & IDS_AC_ROW_MASK;
		if (IDS_LIKELY(((ef | ex) & IDS_AC_HIT) == 0))
			continue;
		if (ef & IDS_AC_HIT)
			ids_match_state(ip, f, rf / f->n_classes, pos + i + 1);
		if (ex & IDS_AC_HIT)
			ids_match_state(ip, x, rx / x->n_classes, pos + i + 1);
	}
	rows[IDS_AC_FOLD] = rf;
	rows[IDS_AC_EXACT] = rx;
}

/*
 * Runs @len payload bytes at @data, which sit at stream offset @pos of the
 * packet's direction, through every non-empty automaton, continuing from
 * (and saving) the positions kept in the flow.
 */
void
ids_match_payload(struct ids_pkt *ip, const uint8_t *data, uint32_t len,
		  uint32_t pos)
{
	uint32_t *rows = ip->flow->ac_row[ip->side];
	unsigned int k, n = 0;

	/* After a pass rule fired on this packet nothing else may. */
	if (len == 0 || ip->pass)
		return;
	ids_stats.bytes_inspected += len;
	for (k = 0; k < IDS_AC_COUNT; k++)
		n += ids_rs.ac[k].n_patterns != 0;
	ids_stats.ac_transitions += (uint64_t)n * len;
	if (n == IDS_AC_COUNT) {
		ids_ac_run2(ip, rows, data, len, pos);
		return;
	}
	for (k = 0; k < IDS_AC_COUNT; k++)
		if (ids_rs.ac[k].n_patterns != 0)
			rows[k] = ids_ac_run(ip, &ids_rs.ac[k], rows[k], data,
					     len, pos);
}

static void
ids_addr_str(uint8_t family, const uint8_t a[IDS_ADDR_LEN],
	     char out[IDS_ADDR_STR_MAX])
{
	unsigned int i;
	int n;

	if (family == SA_L3_IPV4) {
		snprintf(out, IDS_ADDR_STR_MAX, "%u.%u.%u.%u",
			 a[IDS_V4_OFF], a[IDS_V4_OFF + 1], a[IDS_V4_OFF + 2],
			 a[IDS_V4_OFF + 3]);
		return;
	}
	n = snprintf(out, IDS_ADDR_STR_MAX, "[");
	for (i = 0; i < IDS_V6_GROUPS; i++)
		n += snprintf(out + n, IDS_ADDR_STR_MAX - (size_t)n, "%s%x",
			      i > 0 ? ":" : "",
			      (unsigned int)a[2 * i] << IDS_BITS_PER_BYTE |
			      a[2 * i + 1]);
	snprintf(out + n, IDS_ADDR_STR_MAX - (size_t)n, "]");
}

static const char *
ids_proto_name(uint8_t proto)
{
	switch (proto) {
	case SA_IPPROTO_TCP:
		return "TCP";
	case SA_IPPROTO_UDP:
		return "UDP";
	case SA_IPPROTO_ICMP:
		return "ICMP";
	case SA_IPPROTO_ICMPV6:
		return "ICMPv6";
	default:
		return "IP";
	}
}

/* Raises alert @sid about the packet: "WHAT PROTO SRC:SPORT -> DST:DPORT". */
void
ids_alert(struct sa_ctx *ctx, const struct ids_pkt *ip, uint32_t sid,
	  const char *what)
{
	char src[IDS_ADDR_STR_MAX], dst[IDS_ADDR_STR_MAX];
	const struct ids_key *k = ip->key;

	ids_addr_str(k->family, k->addr[ip->side], src);
	ids_addr_str(k->family, k->addr[ip->side ^ 1], dst);
	ids_stats.alerts++;
	sa_alert(ctx, ip->pkt, sid, "%s %s %s:%u -> %s:%u", what,
		 ids_proto_name(k->proto), src, ip->sport, dst, ip->dport);
}

/*
 * Ends the packet's inspection: a pass rule marks the flow and silences
 * the packet; otherwise every queued event becomes an alert. Whether the
 * packet is dropped is the caller's decision (ip->drop, inline only).
 */
void
ids_match_finish(struct sa_ctx *ctx, struct ids_pkt *ip)
{
	uint32_t i;

	if (ip->pass) {
		ip->flow->state |= IDS_FS_PASSED;
		ip->drop = false;
		ids_stats.flows_passed++;
		return;
	}
	for (i = 0; i < ip->n_events; i++) {
		const struct ids_rule *r = &ids_rs.rules[ip->events[i]];

		ids_alert(ctx, ip, r->sid, ids_rs.strings + r->msg);
	}
}
