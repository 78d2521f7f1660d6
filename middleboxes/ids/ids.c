/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Intrusion detection: descriptor and per-packet dispatch.
 *
 * The IDS never rewrites a frame. It emits every frame towards the other
 * side (inside to outside arm and back; non-IP and, passively, malformed
 * frames across) unless, inline, a "drop" rule fired for its flow, its
 * TCP segment lies beyond a hole in an inspected stream, the flow table
 * is full, or fragments are to be dropped; passive mode forwards all.
 */

#include <errno.h>

#include "ids.h"

struct ids_config ids_cfg;
struct ids_ruleset ids_rs;
struct ids_stats ids_stats;
uint64_t *ids_rule_matches;
struct sa_table *ids_flows;
struct sa_table *ids_scans;
struct sa_table *ids_floods;

#define IDS_SCRATCH_WORDS	(SA_TABLE_VALUE_MAX / sizeof(uint64_t))

static inline enum sa_arm
ids_arm_for(enum sa_dir dir)
{
	return dir == SA_DIR_IN2OUT ? SA_ARM_OUTSIDE : SA_ARM_INSIDE;
}

/* Frames without addresses cross to the other arm, and leave by the
 * outside arm when one-armed, where there is one port anyway. */
static inline enum sa_arm
ids_arm_across(uint8_t rx_arm)
{
	return rx_arm == SA_ARM_OUTSIDE ? SA_ARM_INSIDE : SA_ARM_OUTSIDE;
}

static inline bool
ids_inline(void)
{
	return ids_cfg.mode == IDS_MODE_INLINE;
}

/* Ports (network order, for the key), flags and payload of the packet. */
static void
ids_pkt_fields(struct ids_pkt *ip, const struct sa_pkt *pkt,
	       const struct sa_parsed *p, uint16_t *sport, uint16_t *dport)
{
	const uint8_t *l4 = pkt->data + p->l4_off;
	uint8_t proto = p->has_l4 ? p->l4_proto : 0;

	ip->payload = l4 + p->l4_hdr_len;
	ip->plen = sa_l4_payload_len(p);
	if (proto == SA_IPPROTO_TCP || proto == SA_IPPROTO_UDP) {
		const struct sa_udp_hdr *udp = sa_udp(pkt, p);

		*sport = udp->src_port;
		*dport = udp->dst_port;
		ip->sport = ids_ntohs(*sport);
		ip->dport = ids_ntohs(*dport);
	}
	if (proto == SA_IPPROTO_TCP) {
		ip->rproto = IDS_RP_TCP;
		ip->tcp_flags = sa_tcp(pkt, p)->tcp_flags;
		ids_stats.tcp++;
	} else if (proto == SA_IPPROTO_UDP) {
		ip->rproto = IDS_RP_UDP;
		ids_stats.udp++;
	} else if (proto == SA_IPPROTO_ICMP || proto == SA_IPPROTO_ICMPV6) {
		ip->rproto = IDS_RP_ICMP;
		ip->icmp_type = sa_icmp(pkt, p)->icmp_type;
		ip->icmp_code = sa_icmp(pkt, p)->icmp_code;
		ids_stats.icmp++;
	} else {
		/* Everything after the IP header is the payload. */
		ip->rproto = IDS_RP_OTHER;
		ip->payload = l4;
		ip->plen = p->ip_end - p->l4_off;
		ids_stats.other_proto++;
	}
}

/*
 * The packet's flow is new: feed the scan tracker and add the flow.
 * NULL when the flow table is full.
 */
static struct ids_flow *
ids_flow_open(struct sa_ctx *ctx, struct ids_pkt *ip, uint64_t now)
{
	void *v;

	ids_detect_probe(ctx, ip, now);
	if (sa_table_add(ids_flows, ip->key, now, &v) != 0)
		return NULL;
	ids_stats.flows_created++;
	return v;
}

/*
 * Which sides of a new flow are inside hosts, so that one-armed packets
 * find their direction without a prefix match each.
 */
static void
ids_flow_sides(struct ids_flow *f, const struct ids_pkt *ip)
{
	const struct sa_prefix_set *in = &ids_cfg.inside;
	bool src, dst;

	if (ip->p->l3 == SA_L3_IPV4) {
		const struct sa_ipv4_hdr *h = sa_ipv4(ip->pkt, ip->p);

		src = sa_prefix_set_match4(in, h->src_addr);
		dst = sa_prefix_set_match4(in, h->dst_addr);
	} else {
		const struct sa_ipv6_hdr *h = sa_ipv6(ip->pkt, ip->p);

		src = sa_prefix_set_match6(in, h->src_addr);
		dst = sa_prefix_set_match6(in, h->dst_addr);
	}
	if (src)
		f->state |= (uint16_t)(IDS_FS_IN0 << ip->side);
	if (dst)
		f->state |= (uint16_t)(IDS_FS_IN0 << (ip->side ^ 1u));
}

/* The arm a packet of the flow leaves by: as sa_pkt_dir() decides, with
 * the one-armed prefix match done once per flow. */
static enum sa_arm
ids_flow_arm(const struct ids_pkt *ip)
{
	if (ip->pkt->arm != SA_ARM_ANY)
		return ids_arm_for(sa_pkt_dir(ip->pkt, ip->p, &ids_cfg.inside));
	return ip->flow->state & (IDS_FS_IN0 << ip->side) ? SA_ARM_OUTSIDE :
							    SA_ARM_INSIDE;
}

/* Who opened the flow: the sender, unless its first packet seen is a
 * SYN-ACK, which the other side's SYN must have preceded. */
static unsigned int
ids_flow_opener(const struct ids_pkt *ip)
{
	if ((ip->tcp_flags & (SA_TCP_SYN | SA_TCP_ACK)) ==
	    (SA_TCP_SYN | SA_TCP_ACK))
		return ip->side ^ 1u;
	return ip->side;
}

/* Tracks and inspects the packet on its flow, which is in the table
 * when @tracked. Returns IDS_PASS or the drop reason. */
static unsigned int
ids_inspect_flow(struct sa_ctx *ctx, struct ids_pkt *ip, uint64_t now,
		 bool tracked, enum sa_arm *out)
{
	unsigned int reason = IDS_PASS;

	*out = ids_flow_arm(ip);
	ip->flow->state |= (uint16_t)(IDS_FS_SEEN0 << ip->side);
	if (ip->rproto == IDS_RP_TCP)
		reason = ids_flow_tcp(ctx, ip, sa_tcp(ip->pkt, ip->p), now);
	else
		ids_flow_datagram(ip);
	ids_match_finish(ctx, ip);
	if (tracked)
		ids_flow_refresh(ip->flow, ip->key, now);
	if (IDS_LIKELY(!ip->drop))
		return reason;
	if (!ids_inline()) {
		ids_stats.drop_matches_passive++;
		return reason;
	}
	ip->flow->state |= IDS_FS_BLOCKED;
	ids_stats.flows_blocked++;
	return IDS_DROP_RULE;
}

/*
 * Passive mode with a full flow table: the packet is inspected on a flow
 * of its own, on the stack, so detection degrades to single packets
 * instead of stopping. Kept out of line: the common path has no use for
 * a frame this large.
 */
static IDS_NOINLINE unsigned int
ids_inspect_untracked(struct sa_ctx *ctx, struct ids_pkt *ip, uint64_t now,
		      enum sa_arm *out)
{
	uint64_t scratch[IDS_SCRATCH_WORDS];

	ids_stats.flows_untracked++;
	ip->flow = (struct ids_flow *)scratch;
	ids_flow_init_state(ip->flow, ids_flow_opener(ip));
	ids_flow_sides(ip->flow, ip);
	return ids_inspect_flow(ctx, ip, now, false, out);
}

/* Inspects an IP packet that is not a later fragment; *out is the arm it
 * leaves by unless dropped. */
static unsigned int
ids_inspect(struct sa_ctx *ctx, const struct sa_pkt *pkt,
	    const struct sa_parsed *p, enum sa_arm *out)
{
	struct ids_pkt ip = { .pkt = pkt, .p = p };
	uint16_t sport = 0, dport = 0;
	uint64_t now = sa_now_ns(ctx);
	struct ids_key key;

	ids_pkt_fields(&ip, pkt, p, &sport, &dport);
	ip.side = (uint8_t)ids_flow_key(pkt, p, sport, dport, &key);
	ip.key = &key;
	ip.flow = sa_table_lookup(ids_flows, &key);
	if (ip.flow == NULL) {
		ip.flow = ids_flow_open(ctx, &ip, now);
		if (ip.flow == NULL)
			return ids_inline() ? IDS_DROP_FLOW_TABLE_FULL :
			       ids_inspect_untracked(ctx, &ip, now, out);
		ids_flow_init_state(ip.flow, ids_flow_opener(&ip));
		ids_flow_sides(ip.flow, &ip);
	} else if (IDS_UNLIKELY(ip.flow->state & IDS_FS_BLOCKED)) {
		/* Keeps the block while the attacker keeps sending. */
		ids_flow_refresh(ip.flow, &key, now);
		return IDS_DROP_FLOW_BLOCKED;
	}
	return ids_inspect_flow(ctx, &ip, now, true, out);
}

static unsigned int
ids_ip(struct sa_ctx *ctx, const struct sa_pkt *pkt, const struct sa_parsed *p,
       enum sa_arm *out)
{
	if (p->l3 == SA_L3_IPV4)
		ids_stats.ipv4++;
	else
		ids_stats.ipv6++;
	/* Fragments are not reassembled: later ones carry no ports. */
	if (IDS_UNLIKELY(p->frag != SA_FRAG_NONE)) {
		ids_stats.fragments++;
		if (ids_inline() && ids_cfg.fragments == IDS_FRAG_DROP)
			return IDS_DROP_FRAGMENT;
		if (p->frag == SA_FRAG_LATER) {
			*out = ids_arm_for(sa_pkt_dir(pkt, p, &ids_cfg.inside));
			return IDS_PASS;
		}
	}
	return ids_inspect(ctx, pkt, p, out);
}

static void
ids_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct sa_parsed p;
	unsigned int reason;
	enum sa_arm out;

	ids_stats.packets++;
	ids_stats.bytes += pkt->len;
	reason = sa_parse(pkt->data, pkt->len, &p);
	if (IDS_UNLIKELY(reason != SA_DROP_NONE)) {
		ids_stats.malformed++;
		if (ids_inline())
			goto drop;
		out = ids_arm_across(pkt->arm);
	} else if (IDS_UNLIKELY(p.l3 == SA_L3_NONE)) {
		ids_stats.non_ip++;
		out = ids_arm_across(pkt->arm);
	} else {
		reason = ids_ip(ctx, pkt, &p, &out);
		if (IDS_UNLIKELY(reason != IDS_PASS))
			goto drop;
	}
	ids_stats.forwarded++;
	sa_emit(ctx, pkt, out);
	return;
drop:
	ids_stats_drop(reason);
	sa_drop(ctx, pkt, reason);
}

static void
ids_fini(struct sa_ctx *ctx IDS_UNUSED)
{
	ids_detect_fini();
	sa_table_free(ids_flows);
	ids_flows = NULL;
	sa_state_free(ids_rule_matches);
	ids_rule_matches = NULL;
	ids_rules_free();
}

static int
ids_init_tables(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	struct sa_table_params params = {
		.name = "ids-flows",
		.key_size = sizeof(struct ids_key),
		.value_size = ids_flow_value_size(),
		.capacity = ids_cfg.max_flows,
		.timeout_ns = ids_cfg.flow_timeout_ns,
		.alloc = NULL,
	};

	ids_rule_matches = sa_state_alloc(sizeof(uint64_t) *
					  (ids_rs.n_rules > 0 ?
					   ids_rs.n_rules : 1));
	if (ids_rule_matches == NULL) {
		sa_log(ctx, SA_LOG_ERR, "out of state memory for rule "
		       "counters");
		return -ENOMEM;
	}
	if (sa_table_create(&params, &ids_flows) != 0) {
		ids_flows = NULL;
		sa_config_error(cfg, sa_config_find(cfg, "max_flows"),
				"cannot create a table of %u flows of %u "
				"bytes: out of state memory", ids_cfg.max_flows,
				params.value_size);
		return -ENOMEM;
	}
	if (ids_detect_init() != 0) {
		sa_config_error(cfg, -1, "cannot create the port-scan and "
				"SYN-flood trackers: out of state memory");
		return -ENOMEM;
	}
	return 0;
}

static int
ids_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	int rc;

	ids_fini(ctx);
	ids_stats_reset();
	rc = ids_config_parse(cfg, &ids_cfg);
	if (rc != 0)
		return rc;
	rc = ids_rules_load(ctx, ids_cfg.rules_path);
	if (rc == 0)
		rc = ids_init_tables(ctx, cfg);
	if (rc != 0) {
		ids_fini(ctx);
		return rc;
	}
	sa_log(ctx, SA_LOG_INFO, "%s: %u rules, %u patterns, %u+%u automaton "
	       "states; %s mode, %u flows of %u bytes, stream depth %u",
	       ids_cfg.rules_path, ids_rs.n_rules, ids_rs.n_patterns,
	       ids_rs.ac[IDS_AC_FOLD].n_states,
	       ids_rs.ac[IDS_AC_EXACT].n_states,
	       ids_inline() ? "inline" : "passive", ids_cfg.max_flows,
	       ids_flow_value_size(), ids_cfg.stream_depth);
	return 0;
}

static void
ids_tick(struct sa_ctx *ctx IDS_UNUSED, uint64_t now_ns)
{
	ids_flow_expire(now_ns);
	ids_detect_expire(now_ns);
}

const struct sa_middlebox ids_middlebox = {
	.name = "ids",
	.desc = "intrusion detection: Snort-like rules over an Aho-Corasick "
		"DFA with TCP stream state, port-scan and SYN-flood detection",
	.init = ids_init,
	.process = ids_process,
	.tick = ids_tick,
	.fini = ids_fini,
	.stats = ids_stats_report,
	.drop_names = ids_drop_names,
	.n_drop_names = IDS_DROP_COUNT,
};

SA_MIDDLEBOX_REGISTER(ids_middlebox)
