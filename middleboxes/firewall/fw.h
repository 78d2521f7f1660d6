/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FW_H
#define FW_H

/*
 * Private header of the stateful firewall middlebox.
 *
 * Every IP packet is reduced to one normalized connection key: both
 * endpoints as 16-byte addresses (IPv4 as ::ffff:a.b.c.d) with their ports,
 * stored in a fixed order so that both directions of a connection find the
 * same entry. IPv4 and IPv6 therefore share every line of filtering,
 * tracking and rule matching; only fw_conn_key() looks at the IP header.
 *
 * Modules: fw.c (descriptor, per-packet dispatch), fw_config.c ([firewall]
 * section), fw_rules.c (rule grammar and first-match evaluation),
 * fw_conn.c (keys and the connection table), fw_tcp.c (TCP state machine
 * and sequence windows), fw_dgram.c (UDP, ICMP echo and other-protocol
 * pseudo-connections), fw_stats.c (counters and the stats callback).
 */

#include <stdint.h>
#include <stdbool.h>

#include <sa/mbox.h>
#include <sa/headers.h>
#include <sa/prefix.h>
#include <sa/config.h>
#include <sa/table.h>

#define FW_LIKELY(x)	__builtin_expect(!!(x), 1)
#define FW_UNLIKELY(x)	__builtin_expect(!!(x), 0)
#define FW_UNUSED	__attribute__((unused))

#define FW_NS_PER_S	1000000000ull

/*
 * Firewall-specific drop reasons, numbered SA_DROP_MB_BASE + index. Parse
 * failures and refused non-IP frames use the common reasons of sa/mbox.h.
 */
#define FW_DROPS(X)							\
	X(RULE_DENY,		"rule-deny")				\
	X(DEFAULT_DENY,		"default-deny")				\
	X(TCP_NO_STATE,		"tcp-no-state")				\
	X(TCP_OUT_OF_WINDOW,	"tcp-out-of-window")			\
	X(TCP_INVALID_FLAGS,	"tcp-invalid-flags")			\
	X(TCP_BAD_HANDSHAKE,	"tcp-bad-handshake")			\
	X(STATE_TABLE_FULL,	"state-table-full")			\
	X(FRAGMENT,		"fragment")				\
	X(ICMP_NO_STATE,	"icmp-no-state")			\
	X(ICMP_REPLY_MISMATCH,	"icmp-reply-mismatch")

#define FW_DROP_IDX_(name, str) FW_DROP_IDX_##name,
enum fw_drop_idx {
	FW_DROPS(FW_DROP_IDX_)
	FW_DROP_COUNT
};
#undef FW_DROP_IDX_

/* Reason values as given to sa_drop(); FW_PASS means "emit". */
#define FW_PASS 0u
#define FW_DROP_REASON_(name, str)					\
	FW_DROP_##name = SA_DROP_MB_BASE + FW_DROP_IDX_##name,
enum fw_drop_reason {
	FW_DROPS(FW_DROP_REASON_)
};
#undef FW_DROP_REASON_

/*
 * Connection states in the order a connection moves through them. Each
 * has its idle timeout (config key, pf-like default in seconds) and a gauge
 * of how many connections are in it. Protocols other than TCP, UDP and
 * ICMP use the UDP states.
 */
#define FW_STATES(X)							\
	X(SYN_SENT,	"tcp_syn_sent",	   "tcp_first",	      30)	\
	X(SYN_RCVD,	"tcp_syn_rcvd",	   "tcp_opening",     30)	\
	X(ESTABLISHED,	"tcp_established", "tcp_established", 86400)	\
	X(FIN_WAIT,	"tcp_fin_wait",	   "tcp_closing",     900)	\
	X(TIME_WAIT,	"tcp_time_wait",   "tcp_finwait",     45)	\
	X(CLOSED,	"tcp_closed",	   "tcp_closed",      90)	\
	X(UDP_FIRST,	"udp_first",	   "udp_first",	      60)	\
	X(UDP_MULTIPLE,	"udp_multiple",	   "udp_multiple",    60)	\
	X(ICMP,		"icmp_echo",	   "icmp",	      20)

#define FW_STATE_ENUM_(name, stat, key, def) FW_STATE_##name,
enum fw_state {
	FW_STATES(FW_STATE_ENUM_)
	FW_STATE_COUNT
};
#undef FW_STATE_ENUM_

enum fw_action {
	FW_ACT_ALLOW = 0,
	FW_ACT_DENY = 1,
};

enum fw_frag_policy {
	FW_FRAG_DROP = 0,
	FW_FRAG_PASS = 1,
};

/* A rule's proto field for "any". */
#define FW_PROTO_ANY	0
#define FW_RULES_MAX	256
/* Rule index recorded for connections admitted by the default policy. */
#define FW_RULE_DEFAULT	UINT16_MAX

#define FW_PORT_MAX	UINT16_MAX

/* One side of a rule: "any" or a prefix held as a 16-byte mapped address
 * and mask, compared as two 64-bit words. */
struct fw_addr_match {
	bool any;
	uint8_t family;		/* 4 or 6 */
	uint64_t net[2];
	uint64_t mask[2];
};

struct fw_rule {
	uint8_t action;		/* enum fw_action */
	uint8_t proto;		/* IP protocol or FW_PROTO_ANY */
	bool has_ports;		/* only TCP and UDP packets can match */
	struct fw_addr_match src;
	struct fw_addr_match dst;
	uint16_t sport_lo, sport_hi;	/* host order, inclusive */
	uint16_t dport_lo, dport_hi;
};

struct fw_config {
	struct sa_prefix_set inside;
	uint8_t default_action;		/* enum fw_action */
	uint8_t fragments;		/* enum fw_frag_policy */
	bool pass_non_ip;
	uint32_t max_states;
	uint64_t timeout_ns[FW_STATE_COUNT];
	uint32_t n_rules;
	struct fw_rule rules[FW_RULES_MAX];
};

#define FW_ADDR_LEN	16
#define FW_SIDES	2

/*
 * Connection key. addr/port[0] is the endpoint that orders first, so both
 * directions build the same key; ports stay in network order (ICMP echo
 * puts its identifier in both). Padding is explicit and zeroed because the
 * table compares keys bytewise.
 */
struct fw_key {
	uint8_t addr[FW_SIDES][FW_ADDR_LEN];
	uint16_t port[FW_SIDES];
	uint8_t proto;
	uint8_t family;		/* 4 or 6: a v4-mapped IPv6 address stays v6 */
	uint8_t pad[2];
};

/* TCP per-endpoint tracking, after Guido van Rooij's "Real Stateful TCP
 * Packet Filtering in IP Filter": sequence numbers in host order. */
struct fw_peer {
	uint32_t isn;		/* first sequence number sent */
	uint32_t seqlo;		/* highest sequence sent + 1 (SYN/FIN count) */
	uint32_t seqhi;		/* highest sequence the other end accepts */
	uint32_t max_win;	/* largest window advertised, in bytes */
	uint8_t wscale;		/* window scale option of its SYN, or NONE */
	uint8_t shift;		/* scale in effect (0 unless both sent it) */
	uint8_t flags;		/* FW_PEER_* */
};

#define FW_PEER_SEEN		0x01	/* sent at least one packet */
#define FW_PEER_SYN		0x02
#define FW_PEER_SYN_ACKED	0x04	/* its SYN was acknowledged */
#define FW_PEER_FIN		0x08
#define FW_PEER_RST		0x10
#define FW_WSCALE_NONE		0xff

struct fw_conn {
	struct fw_peer peer[FW_SIDES];	/* indexed like fw_key endpoints */
	uint16_t rule;			/* index that admitted it */
	uint8_t state;			/* enum fw_state */
	uint8_t initiator;		/* key side that opened it */
};

/* Counters that are plain totals; reported under these names. */
#define FW_COUNTERS(X)							\
	X(packets)							\
	X(ipv4)								\
	X(ipv6)								\
	X(tcp)								\
	X(udp)								\
	X(icmp)								\
	X(other_proto)							\
	X(state_hits)							\
	X(states_created)						\
	X(states_reopened)						\
	X(states_expired)						\
	X(states_tcp)							\
	X(states_udp)							\
	X(states_icmp)							\
	X(states_other)							\
	X(default_allowed)						\
	X(default_denied)						\
	X(icmp_stateless_passed)					\
	X(non_ip_passed)						\
	X(fragments_passed)

#define FW_COUNTER_FIELD_(name) uint64_t name;
struct fw_stats {
	FW_COUNTERS(FW_COUNTER_FIELD_)
	uint64_t state_gauge[FW_STATE_COUNT];
	uint64_t rule_hits[FW_RULES_MAX];
	uint64_t drops_common[SA_DROP_COMMON_COUNT];
	uint64_t drops[FW_DROP_COUNT];
};
#undef FW_COUNTER_FIELD_

/* Persistent state: configuration, connection table, counters. */
extern struct fw_config fw_cfg;
extern struct sa_table *fw_conns;
extern struct fw_stats fw_stats;

/* Wraparound-safe sequence number comparisons (RFC 1982 style). */
static inline bool
fw_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool
fw_seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* fw_config.c */
int fw_config_parse(const struct sa_config *cfg, struct fw_config *out);

/* fw_rules.c */
int fw_rule_parse(const struct sa_config *cfg, int idx, const char *text,
		  struct fw_rule *out);
int fw_rules_match(const struct fw_key *k, unsigned int side);
unsigned int fw_rules_admit(const struct fw_key *k, unsigned int side,
			    uint16_t *rule);

/* fw_conn.c */
unsigned int fw_conn_key(const struct sa_pkt *pkt, const struct sa_parsed *p,
			 uint8_t proto, uint16_t sport, uint16_t dport,
			 struct fw_key *k);
struct fw_conn *fw_conn_lookup(const struct fw_key *k);
unsigned int fw_conn_open(const struct fw_key *k, unsigned int side,
			  uint64_t now, enum fw_state st, struct fw_conn **out);
unsigned int fw_conn_reopen(struct fw_conn *c, const struct fw_key *k,
			    unsigned int side, enum fw_state st);
void fw_conn_set_state(struct fw_conn *c, enum fw_state st);
void fw_conn_refresh(struct fw_conn *c, uint64_t now);
uint32_t fw_conn_expire(uint64_t now);

/* fw_tcp.c */
unsigned int fw_tcp_filter(const struct sa_pkt *pkt,
			   const struct sa_parsed *p, uint64_t now);

/* fw_dgram.c */
unsigned int fw_dgram_filter(const struct sa_pkt *pkt,
			     const struct sa_parsed *p, uint64_t now);
unsigned int fw_icmp_filter(const struct sa_pkt *pkt,
			    const struct sa_parsed *p, uint64_t now);

/* fw_stats.c */
void fw_stats_reset(void);
void fw_stats_drop(unsigned int reason);
void fw_stats_report(sa_stat_fn fn, void *arg);
extern const char *const fw_drop_names[FW_DROP_COUNT];

#endif /* FW_H */
