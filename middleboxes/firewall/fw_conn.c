/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection keys and the connection table.
 *
 * fw_conn_key() is the only place that tells IPv4 from IPv6: it maps both
 * to 16-byte addresses and orders the two endpoints, so every later step
 * (rules, tracking, expiry) is family-blind and direction-agnostic.
 */

#include <errno.h>
#include <string.h>

#include "fw.h"

/* Entry slots sa_table_expire() may visit per tick: bounds the work of one
 * tick while a table of the default size is still swept every few ticks. */
#define FW_EXPIRE_SCAN		4096u

/* Window an endpoint is assumed to offer before it has sent anything, so
 * a retransmitted SYN still lies within one window of the first. */
#define FW_TCP_MIN_WIN		1u

/* Bytes 8..11 of an IPv4-mapped IPv6 address, 00 00 ff ff, read as a
 * 32-bit number in each host byte order. */
#define FW_V4_MAPPED_MARK_LE	UINT64_C(0xffff0000)
#define FW_V4_MAPPED_MARK_BE	UINT64_C(0x0000ffff)

/*
 * Writes ::ffff:a.b.c.d as two 64-bit words built in registers: the key is
 * hashed with word loads right after, and a word load over several
 * narrower stores would stall on store forwarding.
 */
static inline void
fw_addr_map4(uint8_t dst[FW_ADDR_LEN], uint32_t v4)
{
	const uint64_t hi = 0;
	uint64_t lo;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	lo = FW_V4_MAPPED_MARK_LE | (uint64_t)v4 << 32;
#else
	lo = FW_V4_MAPPED_MARK_BE << 32 | v4;
#endif
	memcpy(dst, &hi, sizeof(hi));
	memcpy(dst + sizeof(hi), &lo, sizeof(lo));
}

/*
 * Orders two IPv6 endpoints. Any total order serves, as long as both
 * directions of a connection agree on it, so native-endian word loads are
 * enough.
 */
static inline bool
fw_ep6_after(const uint8_t a[FW_ADDR_LEN], uint16_t pa,
	     const uint8_t b[FW_ADDR_LEN], uint16_t pb)
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
 * Builds the normalized key of a parsed IP packet whose source port is
 * @sport and destination port @dport (network order, 0 without ports).
 * Endpoints are ordered on the header fields before the key is written,
 * once; a key never mixes families, so each family may order its own way.
 * Returns the key side the packet's source landed on.
 */
unsigned int
fw_conn_key(const struct sa_pkt *pkt, const struct sa_parsed *p,
	    uint8_t proto, uint16_t sport, uint16_t dport, struct fw_key *k)
{
	unsigned int side;

	if (p->l3 == SA_L3_IPV4) {
		const struct sa_ipv4_hdr *ip = sa_ipv4(pkt, p);
		uint32_t src = ip->src_addr;
		uint32_t dst = ip->dst_addr;

		side = src > dst || (src == dst && sport > dport);
		fw_addr_map4(k->addr[side], src);
		fw_addr_map4(k->addr[side ^ 1], dst);
	} else {
		const struct sa_ipv6_hdr *ip6 = sa_ipv6(pkt, p);

		side = fw_ep6_after(ip6->src_addr, sport, ip6->dst_addr, dport);
		memcpy(k->addr[side], ip6->src_addr, FW_ADDR_LEN);
		memcpy(k->addr[side ^ 1], ip6->dst_addr, FW_ADDR_LEN);
	}
	k->port[side] = sport;
	k->port[side ^ 1] = dport;
	k->proto = proto;
	k->family = p->l3;
	k->pad[0] = 0;
	k->pad[1] = 0;
	return side;
}

struct fw_conn *
fw_conn_lookup(const struct fw_key *k)
{
	return sa_table_lookup(fw_conns, k);
}

void
fw_conn_set_state(struct fw_conn *c, enum fw_state st)
{
	fw_stats.state_gauge[c->state]--;
	fw_stats.state_gauge[st]++;
	c->state = st;
}

static void
fw_conn_init(struct fw_conn *c, unsigned int side, enum fw_state st,
	     uint16_t rule)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < FW_SIDES; i++) {
		c->peer[i].max_win = FW_TCP_MIN_WIN;
		c->peer[i].wscale = FW_WSCALE_NONE;
	}
	c->initiator = side;
	c->rule = rule;
	c->state = st;
	fw_stats.state_gauge[st]++;
}

static void
fw_conn_count_proto(uint8_t proto)
{
	switch (proto) {
	case SA_IPPROTO_TCP:
		fw_stats.states_tcp++;
		break;
	case SA_IPPROTO_UDP:
		fw_stats.states_udp++;
		break;
	case SA_IPPROTO_ICMP:
	case SA_IPPROTO_ICMPV6:
		fw_stats.states_icmp++;
		break;
	default:
		fw_stats.states_other++;
		break;
	}
}

/*
 * Admits a new connection whose first packet came from key side @side:
 * rules first, then a table entry in state @st. Returns FW_PASS with
 * *out set, or the drop reason.
 */
unsigned int
fw_conn_open(const struct fw_key *k, unsigned int side, uint64_t now,
	     enum fw_state st, struct fw_conn **out)
{
	unsigned int reason;
	uint16_t rule;
	void *v;

	reason = fw_rules_admit(k, side, &rule);
	if (reason != FW_PASS)
		return reason;
	/* Callers looked the key up first, so only -ENOSPC can fail here. */
	if (sa_table_add(fw_conns, k, now, &v) != 0)
		return FW_DROP_STATE_TABLE_FULL;
	fw_conn_init(v, side, st, rule);
	fw_stats.states_created++;
	fw_conn_count_proto(k->proto);
	*out = v;
	return FW_PASS;
}

/*
 * Starts a new connection in the entry of a finished one (a new SYN on a
 * closed 4-tuple). The rules are asked again because the new connection
 * may run the other way; if they refuse, the old entry is left to expire.
 */
unsigned int
fw_conn_reopen(struct fw_conn *c, const struct fw_key *k, unsigned int side,
	       enum fw_state st)
{
	unsigned int reason;
	uint16_t rule;

	reason = fw_rules_admit(k, side, &rule);
	if (reason != FW_PASS)
		return reason;
	fw_stats.state_gauge[c->state]--;
	fw_conn_init(c, side, st, rule);
	fw_stats.states_reopened++;
	return FW_PASS;
}

void
fw_conn_refresh(struct fw_conn *c, uint64_t now)
{
	sa_table_touch(fw_conns, c, now, fw_cfg.timeout_ns[c->state]);
}

static void
fw_conn_expire_cb(void *arg FW_UNUSED, const void *key FW_UNUSED, void *value)
{
	const struct fw_conn *c = value;

	fw_stats.state_gauge[c->state]--;
	fw_stats.states_expired++;
}

uint32_t
fw_conn_expire(uint64_t now)
{
	if (fw_conns == NULL)
		return 0;
	return sa_table_expire(fw_conns, now, FW_EXPIRE_SCAN,
			       fw_conn_expire_cb, NULL);
}
