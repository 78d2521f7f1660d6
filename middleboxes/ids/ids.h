/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IDS_H
#define IDS_H

/*
 * Private header of the intrusion detection middlebox "ids".
 *
 * What it does per packet: one parse; one lookup in the flow table, keyed
 * by a direction-agnostic 5-tuple; in-order TCP payload (and each UDP,
 * ICMP or other datagram) runs through one or two Aho-Corasick DFAs whose
 * positions are kept per flow direction, so a pattern split over segments
 * is still found; a pattern hit leads to the rules that use it, whose
 * headers are then checked against the packet. Independently of rules,
 * new flows feed a per-source port-scan / host-sweep tracker and TCP
 * handshakes a per-destination SYN-flood tracker.
 *
 * State, as the analyzer should see it:
 *  - read-only after init: ids_cfg, ids_rs (rules, address prefixes,
 *    messages, patterns and both automata, all in sa_state_alloc memory
 *    written only by ids_rules_load());
 *  - per-flow: the ids_flows table (stream positions, automaton states,
 *    alerted-rule and content-progress bits);
 *  - multi-flow: the port-scan and SYN-flood tables, the counters
 *    ids_stats and the per-rule match counters ids_rule_matches.
 *
 * Modules: ids.c (descriptor, per-packet dispatch, verdicts), ids_config.c
 * ([ids] section), ids_lex.c (rules file reading and rule headers),
 * ids_opts.c (rule options), ids_compile.c (pattern sets and the rule
 * set's memory), ids_ac.c (automaton construction), ids_match.c (scans,
 * rule evaluation, alerts), ids_flow.c (flow table and TCP stream
 * tracking), ids_detect.c (port-scan and SYN-flood trackers), ids_stats.c
 * (counters).
 */

#include <stdint.h>
#include <stdbool.h>

#include <sa/mbox.h>
#include <sa/headers.h>
#include <sa/prefix.h>
#include <sa/config.h>
#include <sa/table.h>

#define IDS_LIKELY(x)	__builtin_expect(!!(x), 1)
#define IDS_UNLIKELY(x)	__builtin_expect(!!(x), 0)
#define IDS_UNUSED	__attribute__((unused))
#define IDS_NOINLINE	__attribute__((noinline))
#define IDS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define IDS_NS_PER_S	1000000000ull
#define IDS_BITS_PER_BYTE 8u
#define IDS_ADDR_LEN	16
#define IDS_SIDES	2
#define IDS_NONE	UINT32_MAX

/*
 * Alert ids (sids) below IDS_SID_RULE_MIN belong to the IDS itself; a
 * rules file may not use them. These are the built-in detectors'.
 */
#define IDS_SID_PORTSCAN	1u	/* distinct destination ports */
#define IDS_SID_HOSTSWEEP	2u	/* distinct destination hosts */
#define IDS_SID_SYNFLOOD	3u	/* half-open handshakes to one host */
#define IDS_SID_RULE_MIN	1000u

/*
 * Drop reasons (inline mode only: passive mode forwards every frame),
 * numbered SA_DROP_MB_BASE + index. Malformed frames dropped inline use
 * the common parser reasons of sa/mbox.h.
 */
#define IDS_DROPS(X)							\
	X(RULE,			"rule-drop")				\
	X(FLOW_BLOCKED,		"flow-blocked")				\
	X(TCP_OUT_OF_ORDER,	"tcp-out-of-order")			\
	X(FLOW_TABLE_FULL,	"flow-table-full")			\
	X(FRAGMENT,		"fragment")

#define IDS_DROP_IDX_(name, str) IDS_DROP_IDX_##name,
enum ids_drop_idx {
	IDS_DROPS(IDS_DROP_IDX_)
	IDS_DROP_COUNT
};
#undef IDS_DROP_IDX_

/* Reason values as given to sa_drop(); IDS_PASS means "emit". */
#define IDS_PASS 0u
#define IDS_DROP_REASON_(name, str)					\
	IDS_DROP_##name = SA_DROP_MB_BASE + IDS_DROP_IDX_##name,
enum ids_drop_reason {
	IDS_DROPS(IDS_DROP_REASON_)
};
#undef IDS_DROP_REASON_

/* Counters that are plain totals, reported under their field names. */
#define IDS_COUNTERS(X)							\
	X(packets)							\
	X(bytes)							\
	X(ipv4)								\
	X(ipv6)								\
	X(non_ip)							\
	X(tcp)								\
	X(udp)								\
	X(icmp)								\
	X(other_proto)							\
	X(fragments)							\
	X(malformed)							\
	X(flows_created)						\
	X(flows_expired)						\
	X(flows_reset)							\
	X(flows_untracked)						\
	X(flows_passed)							\
	X(flows_blocked)						\
	X(tcp_in_order)							\
	X(tcp_overlaps)							\
	X(tcp_retransmitted)						\
	X(tcp_out_of_order)						\
	X(bytes_inspected)						\
	X(bytes_beyond_depth)						\
	X(ac_transitions)						\
	X(pattern_hits)							\
	X(rule_evals)							\
	X(alerts)							\
	X(pass_matches)							\
	X(drop_matches_passive)						\
	X(event_queue_overflow)						\
	X(portscan_alerts)						\
	X(hostsweep_alerts)						\
	X(synflood_alerts)						\
	X(scan_table_full)						\
	X(flood_table_full)						\
	X(forwarded)

#define IDS_COUNTER_FIELD_(name) uint64_t name;
struct ids_stats {
	IDS_COUNTERS(IDS_COUNTER_FIELD_)
	uint64_t drops_common[SA_DROP_COMMON_COUNT];
	uint64_t drops[IDS_DROP_COUNT];
};
#undef IDS_COUNTER_FIELD_

enum ids_mode {
	IDS_MODE_PASSIVE = 0,	/* alert only, forward everything */
	IDS_MODE_INLINE = 1,	/* "drop" rules and normalization drop */
};

enum ids_frag_policy {
	IDS_FRAG_PASS = 0,
	IDS_FRAG_DROP = 1,
};

/* The [ids] section after validation; read-only once init succeeded. */
struct ids_config {
	char rules_path[256];
	struct sa_prefix_set inside;	/* $HOME_NET */
	uint8_t mode;			/* enum ids_mode */
	uint8_t fragments;		/* enum ids_frag_policy, inline only */
	uint32_t max_flows;
	uint32_t stream_depth;		/* bytes per flow direction */
	uint64_t stream_timeout_ns;	/* TCP once both sides spoke */
	uint64_t flow_timeout_ns;	/* everything else */
	uint32_t scan_ports;		/* threshold, 0: off */
	uint32_t scan_hosts;		/* threshold, 0: off */
	uint64_t scan_window_ns;
	uint32_t scan_sources;		/* tracker table size */
	uint32_t flood_syns;		/* threshold, 0: off */
	uint64_t flood_window_ns;
	uint32_t flood_targets;		/* tracker table size */
};

/* ---- rules (ids_lex.c, ids_opts.c, ids_compile.c) ---- */

/* Limits that keep a rule set's memory and per-packet work bounded. */
#define IDS_RULES_MAX		4096u
#define IDS_CONTENTS_PER_RULE	8u
#define IDS_PATTERN_MAX		255u
#define IDS_MSG_MAX		200u
#define IDS_LIST_MAX		16u	/* addresses or port ranges in a [list] */
#define IDS_HEADER_RULES_MAX	256u	/* rules without content */
#define IDS_EVENTS_MAX		16u	/* rule matches queued per packet */
#define IDS_AC_MEM_MAX		(32u << 20)	/* both DFAs, bytes */
#define IDS_LINE_MAX		4096u

enum ids_action {
	IDS_ACT_ALERT = 0,
	IDS_ACT_DROP,
	IDS_ACT_PASS,
};

/* Protocol classes a rule names; "ip" matches every IP packet. */
enum ids_rproto {
	IDS_RP_IP = 0,
	IDS_RP_TCP,
	IDS_RP_UDP,
	IDS_RP_ICMP,		/* ICMP and ICMPv6 */
	IDS_RP_OTHER,		/* packets only: any other IP protocol */
};

/* A prefix as a 16-byte address and mask (IPv4 as ::ffff:a.b.c.d). */
struct ids_cidr {
	uint64_t net[2];
	uint64_t mask[2];
	uint8_t family;		/* 4 or 6 */
	uint8_t pad[7];
};

/* Addresses: any, or a run of ids_rs.cidrs, possibly negated. */
struct ids_addr_spec {
	uint32_t first;
	uint16_t n;
	uint8_t any;
	uint8_t neg;
};

struct ids_port_range {
	uint16_t lo, hi;	/* host order, inclusive */
};

struct ids_port_spec {
	uint8_t any;
	uint8_t neg;
	uint8_t n;
	uint8_t pad;
	struct ids_port_range r[IDS_LIST_MAX];
};

/* flow: option bits. */
#define IDS_FLOW_TO_SERVER	0x01
#define IDS_FLOW_TO_CLIENT	0x02
#define IDS_FLOW_ESTABLISHED	0x04

/* flags: option comparison. */
enum ids_flags_op {
	IDS_FLAGS_NONE = 0,	/* no flags option */
	IDS_FLAGS_EXACT,	/* exactly these */
	IDS_FLAGS_ALL,		/* "+": these and maybe others */
	IDS_FLAGS_ANY,		/* "*": at least one of these */
	IDS_FLAGS_NOT,		/* "!": none of these */
};

#define IDS_ICMP_ANY	(-1)

struct ids_rule {
	uint32_t sid;
	uint32_t rev;
	uint32_t msg;		/* offset in ids_rs.strings */
	uint8_t action;		/* enum ids_action */
	uint8_t proto;		/* enum ids_rproto */
	uint8_t bidir;		/* "<>" */
	uint8_t flow;		/* IDS_FLOW_* */
	uint8_t flags_op;	/* enum ids_flags_op */
	uint8_t flags;		/* SA_TCP_* mask */
	uint8_t has_dsize;
	uint8_t n_contents;
	uint32_t dsize_lo, dsize_hi;	/* inclusive */
	int16_t itype, icode;		/* IDS_ICMP_ANY or the value */
	uint32_t progress;	/* first content-progress bit (n_contents > 1) */
	struct ids_addr_spec src, dst;
	struct ids_port_spec sport, dport;
};

/* Packet classes and key bytes of the header-rule prefilter. */
#define IDS_HDR_CLASSES		(IDS_RP_OTHER - IDS_RP_IP)
#define IDS_HDR_KEYS		256u

static inline bool
ids_flags_match(uint8_t op, uint8_t want, uint8_t f)
{
	switch (op) {
	case IDS_FLAGS_EXACT:
		return f == want;
	case IDS_FLAGS_ALL:
		return (f & want) == want;
	case IDS_FLAGS_ANY:
		return (f & want) != 0;
	case IDS_FLAGS_NOT:
		return (f & want) == 0;
	default:
		return true;
	}
}

/* Which automaton a pattern lives in. */
enum ids_ac_kind {
	IDS_AC_FOLD = 0,	/* input case-folded: nocase or letter-free */
	IDS_AC_EXACT = 1,	/* raw bytes: case-sensitive with letters */
	IDS_AC_COUNT = 2,
};

/*
 * A DFA over byte classes: trans[row + map[byte]] is the next row (state
 * index times n_classes) with IDS_AC_HIT set when that state ends at least
 * one pattern, directly or through its dictionary chain.
 */
#define IDS_AC_HIT		0x80000000u
#define IDS_AC_ROW_MASK		0x7fffffffu

struct ids_ac {
	uint32_t *trans;	/* n_states * n_classes */
	uint32_t *out;		/* per state: pattern ending here, or NONE */
	uint32_t *dict;		/* per state: next state with output, or NONE */
	uint32_t n_states;
	uint32_t n_classes;
	uint32_t n_patterns;
	uint8_t map[256];	/* byte -> class */
};

/* A distinct pattern and the contents (of rules) that use it. */
struct ids_pattern {
	uint32_t first_ref;
	uint32_t n_refs;
	uint32_t len;
};

/* One content of one rule: where in the stream the match may lie. */
struct ids_cref {
	uint32_t rule;
	uint32_t min_start;	/* offset */
	uint32_t max_end;	/* offset + depth, or UINT32_MAX */
	uint32_t bit;		/* content-progress bit, NONE: single content */
};

/* The compiled rule set; read-only once ids_rules_load() succeeded. */
struct ids_ruleset {
	struct ids_rule *rules;
	uint32_t n_rules;
	struct ids_cidr *cidrs;
	uint32_t n_cidrs;
	char *strings;			/* messages, NUL-terminated */
	uint32_t strings_len;
	struct ids_pattern *patterns;
	uint32_t n_patterns;
	struct ids_cref *refs;
	uint32_t n_refs;
	/*
	 * Rules without content ("header rules"), numbered 0..n-1 in file
	 * order: header_rules[h] is rule h's index in rules. Prefiltered:
	 * those that can match a packet of class c (enum ids_rproto - 1)
	 * whose key byte (TCP flags, ICMP type, 0 otherwise) is k are
	 * hdr_list[hdr_start[c * IDS_HDR_KEYS + k] .. the next start).
	 */
	uint32_t *header_rules;
	uint32_t n_header_rules;
	uint32_t *hdr_list;
	uint32_t hdr_start[IDS_HDR_CLASSES * IDS_HDR_KEYS + 1];
	uint32_t n_progress;		/* content-progress bits per side */
	uint32_t alert_bytes;		/* per-flow alerted bitmap */
	uint32_t progress_bytes;	/* per side */
	uint32_t hdr_bytes;		/* per side */
	struct ids_ac ac[IDS_AC_COUNT];
};

extern struct ids_ruleset ids_rs;

/* ---- flows (ids_flow.c) ---- */

/*
 * Flow key: both endpoints as 16-byte addresses in a fixed order, so both
 * directions find the same entry; ports in network order (0 for ICMP and
 * other protocols). Padding explicit and zero: keys compare bytewise.
 */
struct ids_key {
	uint8_t addr[IDS_SIDES][IDS_ADDR_LEN];
	uint16_t port[IDS_SIDES];
	uint8_t proto;
	uint8_t family;
	uint8_t pad[2];
};

/* ids_flow.state bits. */
#define IDS_FS_SEQ0		0x0001	/* next_seq[0] valid */
#define IDS_FS_SEQ1		0x0002
#define IDS_FS_SEEN0		0x0004	/* side 0 sent a packet */
#define IDS_FS_SEEN1		0x0008
#define IDS_FS_SYN		0x0010	/* initiator's SYN seen */
#define IDS_FS_SYNACK		0x0020
#define IDS_FS_DONE		0x0040	/* handshake completed */
#define IDS_FS_PASSED		0x0080	/* a pass rule: no more inspection */
#define IDS_FS_BLOCKED		0x0100	/* a drop rule (inline) */
#define IDS_FS_HDR0		0x0200	/* header bitmap of side 0 valid */
#define IDS_FS_HDR1		0x0400
#define IDS_FS_IN0		0x0800	/* side 0 is inside (one-armed) */
#define IDS_FS_IN1		0x1000
#define IDS_FS_SEEN_BOTH	(IDS_FS_SEEN0 | IDS_FS_SEEN1)

/*
 * Per-flow value. bits[] holds the alerted bitmap (one bit per rule), the
 * content-progress bitmaps of side 0 and side 1, and the header bitmaps
 * of side 0 and side 1 (bit h: header rule h's protocol, addresses and
 * ports match packets sent by that side, computed at its first packet);
 * their sizes are fixed at init from the rule set.
 */
struct ids_flow {
	uint32_t ac_row[IDS_SIDES][IDS_AC_COUNT];
	uint32_t next_seq[IDS_SIDES];	/* host order */
	uint32_t stream_pos[IDS_SIDES];	/* stream offset of next_seq */
	uint16_t state;			/* IDS_FS_* */
	uint8_t initiator;		/* key side that spoke first */
	uint8_t pad[5];
	uint8_t bits[];
};

static inline uint8_t *
ids_flow_progress(struct ids_flow *f, unsigned int side)
{
	return f->bits + ids_rs.alert_bytes + side * ids_rs.progress_bytes;
}

static inline uint8_t *
ids_flow_hdr(struct ids_flow *f, unsigned int side)
{
	return f->bits + ids_rs.alert_bytes +
	       IDS_SIDES * ids_rs.progress_bytes + side * ids_rs.hdr_bytes;
}

/* What the matcher knows about the packet being inspected. */
struct ids_pkt {
	const struct sa_pkt *pkt;
	const struct sa_parsed *p;
	const struct ids_key *key;
	struct ids_flow *flow;
	const uint8_t *payload;
	uint32_t plen;		/* L4 payload length (dsize) */
	uint16_t sport, dport;	/* host order */
	uint8_t side;		/* key side of the source */
	uint8_t rproto;		/* enum ids_rproto */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	/* per-packet event queue */
	uint8_t n_events;
	bool pass;
	bool drop;
	uint32_t events[IDS_EVENTS_MAX];
};

/* Persistent state. */
extern struct ids_config ids_cfg;
extern struct ids_stats ids_stats;
extern uint64_t *ids_rule_matches;
extern struct sa_table *ids_flows;
extern struct sa_table *ids_scans;
extern struct sa_table *ids_floods;

/* Wraparound-safe sequence difference a - b. */
static inline int32_t
ids_seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/*
 * Byte order by shifts rather than compiler builtins, so the bitcode the
 * analyzer reads holds plain arithmetic.
 */
static inline uint16_t
ids_ntohs(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)(v << 8 | v >> 8);
#else
	return v;
#endif
}

static inline uint32_t
ids_ntohl(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return v << 24 | (v & 0xff00u) << 8 | (v >> 8 & 0xff00u) | v >> 24;
#else
	return v;
#endif
}

static inline bool
ids_bit_test(const uint8_t *bits, uint32_t i)
{
	return (bits[i / IDS_BITS_PER_BYTE] >> (i % IDS_BITS_PER_BYTE)) & 1u;
}

static inline void
ids_bit_set(uint8_t *bits, uint32_t i)
{
	bits[i / IDS_BITS_PER_BYTE] |= (uint8_t)(1u << (i % IDS_BITS_PER_BYTE));
}

/* ids_config.c */
int ids_config_parse(const struct sa_config *cfg, struct ids_config *out);

/* ids_compile.c: reads and compiles ids_cfg.rules_path into ids_rs. */
int ids_rules_load(struct sa_ctx *ctx, const char *path);
void ids_rules_free(void);

/* ids_ac.c */
int ids_ac_build(struct ids_ac *ac, enum ids_ac_kind kind,
		 const uint8_t **pats, const uint32_t *lens, uint32_t first,
		 uint32_t n, uint32_t *mem_left);
void ids_ac_free(struct ids_ac *ac);

/* ids_match.c */
void ids_match_headers(struct ids_pkt *ip);
void ids_match_payload(struct ids_pkt *ip, const uint8_t *data, uint32_t len,
		       uint32_t pos);
void ids_match_finish(struct sa_ctx *ctx, struct ids_pkt *ip);
void ids_alert(struct sa_ctx *ctx, const struct ids_pkt *ip, uint32_t sid,
	       const char *what);

/* ids_flow.c */
unsigned int ids_flow_key(const struct sa_pkt *pkt, const struct sa_parsed *p,
			  uint16_t sport, uint16_t dport, struct ids_key *k);
uint32_t ids_flow_value_size(void);
void ids_flow_init_state(struct ids_flow *f, unsigned int initiator);
unsigned int ids_flow_tcp(struct sa_ctx *ctx, struct ids_pkt *ip,
			  const struct sa_tcp_hdr *tcp, uint64_t now);
void ids_flow_datagram(struct ids_pkt *ip);
void ids_flow_refresh(struct ids_flow *f, const struct ids_key *k,
		      uint64_t now);
uint32_t ids_flow_expire(uint64_t now);

/* ids_detect.c */
int ids_detect_init(void);
void ids_detect_fini(void);
void ids_detect_probe(struct sa_ctx *ctx, const struct ids_pkt *ip,
		      uint64_t now);
void ids_detect_syn(struct sa_ctx *ctx, const struct ids_pkt *ip,
		    uint64_t now);
void ids_detect_handshake(const struct ids_pkt *ip, uint64_t now);
void ids_detect_expire(uint64_t now);

/* ids_stats.c */
void ids_stats_reset(void);
void ids_stats_drop(unsigned int reason);
void ids_stats_report(sa_stat_fn fn, void *arg);
extern const char *const ids_drop_names[IDS_DROP_COUNT];

#endif /* IDS_H */
