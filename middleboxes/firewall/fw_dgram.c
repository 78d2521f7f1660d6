/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pseudo-connections of connectionless traffic.
 *
 * UDP, and every IP protocol the firewall does not parse (GRE, ESP, ...),
 * opens a connection with its first datagram in either direction; the
 * entry is UDP_FIRST until the other side answers, then UDP_MULTIPLE
 * (pf's udp.first / udp.multiple), and protocols without ports are keyed
 * by addresses and protocol alone.
 *
 * ICMP and ICMPv6 echo are keyed by the echo identifier: a request opens
 * the connection, and afterwards requests must come from the side that
 * opened it and replies from the other. All other ICMP messages (errors,
 * router and neighbour discovery) create no state and pass only when the
 * first matching rule allows them; see fw_rules.c.
 */

#include "fw.h"

unsigned int
fw_dgram_filter(const struct sa_pkt *pkt, const struct sa_parsed *p,
		uint64_t now)
{
	uint16_t sport = 0, dport = 0;
	struct fw_conn *c;
	struct fw_key k;
	unsigned int side, reason;

	if (p->has_l4 && p->l4_proto == SA_IPPROTO_UDP) {
		const struct sa_udp_hdr *udp = sa_udp(pkt, p);

		sport = udp->src_port;
		dport = udp->dst_port;
		fw_stats.udp++;
	} else {
		fw_stats.other_proto++;
	}
	side = fw_conn_key(pkt, p, p->l4_proto, sport, dport, &k);
	c = fw_conn_lookup(&k);
	if (c == NULL) {
		reason = fw_conn_open(&k, side, now, FW_STATE_UDP_FIRST, &c);
		if (reason != FW_PASS)
			return reason;
	} else {
		fw_stats.state_hits++;
		if (side != c->initiator && c->state == FW_STATE_UDP_FIRST)
			fw_conn_set_state(c, FW_STATE_UDP_MULTIPLE);
	}
	fw_conn_refresh(c, now);
	return FW_PASS;
}

/* Non-echo ICMP: no state, the rules alone decide. */
static unsigned int
fw_icmp_stateless(const struct sa_pkt *pkt, const struct sa_parsed *p)
{
	struct fw_key k;
	unsigned int side;
	int i;

	side = fw_conn_key(pkt, p, p->l4_proto, 0, 0, &k);
	i = fw_rules_match(&k, side);
	if (i < 0)
		return FW_DROP_ICMP_NO_STATE;
	if (fw_cfg.rules[i].action != FW_ACT_ALLOW)
		return FW_DROP_RULE_DENY;
	fw_stats.icmp_stateless_passed++;
	return FW_PASS;
}

unsigned int
fw_icmp_filter(const struct sa_pkt *pkt, const struct sa_parsed *p,
	       uint64_t now)
{
	const struct sa_icmp_hdr *icmp = sa_icmp(pkt, p);
	bool v6 = p->l4_proto == SA_IPPROTO_ICMPV6;
	uint8_t req = v6 ? SA_ICMP6_ECHO_REQUEST : SA_ICMP_ECHO_REQUEST;
	uint8_t rep = v6 ? SA_ICMP6_ECHO_REPLY : SA_ICMP_ECHO_REPLY;
	uint8_t type = icmp->icmp_type;
	struct fw_conn *c;
	struct fw_key k;
	unsigned int side, reason;

	fw_stats.icmp++;
	if (type != req && type != rep)
		return fw_icmp_stateless(pkt, p);
	side = fw_conn_key(pkt, p, p->l4_proto, icmp->icmp_ident,
			   icmp->icmp_ident, &k);
	c = fw_conn_lookup(&k);
	if (c == NULL) {
		if (type == rep)
			return FW_DROP_ICMP_NO_STATE;
		reason = fw_conn_open(&k, side, now, FW_STATE_ICMP, &c);
		if (reason != FW_PASS)
			return reason;
	} else {
		if ((type == req) != (side == c->initiator))
			return FW_DROP_ICMP_REPLY_MISMATCH;
		fw_stats.state_hits++;
	}
	fw_conn_refresh(c, now);
	return FW_PASS;
}
