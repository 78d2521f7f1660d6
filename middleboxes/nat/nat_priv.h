/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef NAT_PRIV_H
#define NAT_PRIV_H

/*
 * Internals shared by the nat modules: configuration (nat_config.c), port
 * and address allocation (nat_pool.c), the session tables (nat_session.c)
 * and header rewriting (nat_xlate.c). All state is in plain globals and in
 * memory from sa_state_alloc(), where the analyzer and the replication
 * arena expect it.
 */

#include <stdbool.h>
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>
#include <sa/prefix.h>
#include <sa/config.h>

#include "nat.h"

#define NAT_LIKELY(x)		__builtin_expect(!!(x), 1)
#define NAT_UNLIKELY(x)		__builtin_expect(!!(x), 0)

#define NAT_NS_PER_S		1000000000ull

#define NAT_PORT_LOWEST		1u
#define NAT_PORT_HIGHEST	65535u
#define NAT_PORT_MIN_DEFAULT	1024u
#define NAT_PORT_MAX_DEFAULT	65535u

#define NAT_MAX_SESSIONS_DEFAULT 65536u

/* RFC 5382 REQ-5: at least 2 h 4 min for established connections. */
#define NAT_TCP_EST_TIMEOUT_DEFAULT	(7440 * NAT_NS_PER_S)
/* RFC 5382 REQ-5: at least 4 min for partially open or closed ones. */
#define NAT_TCP_TRANS_TIMEOUT_DEFAULT	(240 * NAT_NS_PER_S)
/* RFC 4787 REQ-5: at least 2 min, 5 min recommended. */
#define NAT_UDP_TIMEOUT_DEFAULT		(300 * NAT_NS_PER_S)
/* RFC 5508 REQ-1: at least 60 s for ICMP query sessions. */
#define NAT_ICMP_TIMEOUT_DEFAULT	(60 * NAT_NS_PER_S)
#define NAT_TIMEOUT_MIN			NAT_NS_PER_S
#define NAT_TIMEOUT_MAX			(7 * 24 * 3600 * NAT_NS_PER_S)

/* Drop reasons of this middlebox, numbered from SA_DROP_MB_BASE. */
#define NAT_DROP_REASONS(X)						\
	X(FRAGMENT,		"fragment")				\
	X(NO_SESSION,		"no-session")				\
	X(NOT_FOR_POOL,		"not-for-pool")				\
	X(POOL_EXHAUSTED,	"pool-exhausted")			\
	X(SESSION_TABLE_FULL,	"session-table-full")			\
	X(ICMP_UNSUPPORTED,	"icmp-unsupported")			\
	X(PROTO_UNSUPPORTED,	"proto-unsupported")			\
	X(IPV6_DISABLED,	"ipv6-disabled")

#define NAT_DROP_ENUM_(name, str) NAT_DROP_##name,
enum nat_drop_reason {
	NAT_DROP_FIRST_ = SA_DROP_MB_BASE - 1,
	NAT_DROP_REASONS(NAT_DROP_ENUM_)
	NAT_DROP_END_,
};
#undef NAT_DROP_ENUM_

#define NAT_DROP_COUNT (NAT_DROP_END_ - SA_DROP_MB_BASE)

/* Translated protocols; the per-protocol counters follow this order. */
enum nat_proto {
	NAT_PROTO_TCP = 0,
	NAT_PROTO_UDP,
	NAT_PROTO_ICMP,
	NAT_PROTO_COUNT,
};

/* Global counters, reported through the descriptor's stats callback. */
#define NAT_STATS(X)							\
	X(SESSIONS_CREATED,	"sessions_created")			\
	X(SESSIONS_EXPIRED,	"sessions_expired")			\
	X(IN2OUT_PACKETS,	"in2out_packets")			\
	X(IN2OUT_BYTES,		"in2out_bytes")				\
	X(OUT2IN_PACKETS,	"out2in_packets")			\
	X(OUT2IN_BYTES,		"out2in_bytes")				\
	X(TCP_PACKETS,		"tcp_packets")				\
	X(UDP_PACKETS,		"udp_packets")				\
	X(ICMP_PACKETS,		"icmp_packets")				\
	X(TCP_SESSIONS,		"tcp_sessions_created")			\
	X(UDP_SESSIONS,		"udp_sessions_created")			\
	X(ICMP_SESSIONS,	"icmp_sessions_created")		\
	X(FORWARDED_INSIDE,	"forwarded_inside_to_inside")		\
	X(FORWARDED_IPV6,	"forwarded_ipv6")			\
	X(FORWARDED_NON_IP,	"forwarded_non_ip")

#define NAT_STAT_ENUM_(name, str) NAT_STAT_##name,
enum nat_stat {
	NAT_STATS(NAT_STAT_ENUM_)
	NAT_STAT_COUNT,
};
#undef NAT_STAT_ENUM_

_Static_assert(NAT_STAT_UDP_PACKETS == NAT_STAT_TCP_PACKETS + NAT_PROTO_UDP &&
	       NAT_STAT_ICMP_PACKETS == NAT_STAT_TCP_PACKETS + NAT_PROTO_ICMP,
	       "per-protocol packet counters follow enum nat_proto");
_Static_assert(NAT_STAT_UDP_SESSIONS == NAT_STAT_TCP_SESSIONS + NAT_PROTO_UDP &&
	       NAT_STAT_ICMP_SESSIONS == NAT_STAT_TCP_SESSIONS + NAT_PROTO_ICMP,
	       "per-protocol session counters follow enum nat_proto");

extern uint64_t nat_stats[NAT_STAT_COUNT];

static inline void
nat_stat_add(enum nat_stat s, uint64_t n)
{
	nat_stats[s] += n;
}

enum nat_timeout {
	NAT_TO_TCP_ESTABLISHED = 0,
	NAT_TO_TCP_TRANSITORY,
	NAT_TO_UDP,
	NAT_TO_ICMP,
	NAT_TO_COUNT,
};

/* The [nat] section after validation; read-only once init succeeded. */
struct nat_config {
	struct sa_prefix_set inside;
	uint32_t pool[NAT_POOL_MAX];	/* network order, pool order */
	uint32_t pool_sorted[NAT_POOL_MAX]; /* host order, ascending */
	uint32_t pool_size;
	uint32_t port_min;		/* host order */
	uint32_t port_max;
	uint32_t max_sessions;
	uint64_t timeout_ns[NAT_TO_COUNT];
	bool ipv6_drop;
};

extern struct nat_config nat_cfg;

/*
 * Session key: the 5-tuple of a packet as it appears on the wire in the
 * direction of its table (in2out: inside host -> remote; out2in: remote ->
 * external address). ICMP echo puts the identifier where the port of the
 * NATed endpoint goes and 0 in the other port. Network order; no implicit
 * padding, and pad is always zero, because keys compare bytewise.
 */
struct nat_key {
	uint32_t src_addr;
	uint32_t dst_addr;
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t proto;
	uint8_t pad[3];
};

_Static_assert(sizeof(struct nat_key) == 16, "nat_key has no implicit padding");

/* TCP tracking bits, enough to pick the RFC 5382 timeout class. */
#define NAT_TCP_ACK_IN2OUT	0x01
#define NAT_TCP_ACK_OUT2IN	0x02
#define NAT_TCP_FIN_IN2OUT	0x04
#define NAT_TCP_FIN_OUT2IN	0x08
#define NAT_TCP_RST		0x10

/* Value of the in2out table; the out2in table's value points here. */
struct nat_session {
	uint32_t in_addr;	/* network order */
	uint32_t remote_addr;
	uint32_t ext_addr;
	uint16_t in_port;	/* network order; ICMP: identifier */
	uint16_t remote_port;
	uint16_t ext_port;
	uint8_t proto;		/* SA_IPPROTO_* */
	uint8_t nproto;		/* enum nat_proto */
	uint8_t pool_idx;
	uint8_t tcp_state;	/* NAT_TCP_* */
	uint64_t packets[2];	/* by enum sa_dir */
	uint64_t bytes[2];
};

_Static_assert(NAT_POOL_MAX - 1 <= UINT8_MAX, "pool_idx fits a uint8_t");

/* A packet's flow as far as translation needs it. */
struct nat_flow {
	struct nat_key key;
	uint8_t nproto;		/* enum nat_proto */
	uint8_t tcp_flags;	/* 0 unless TCP */
};

/*
 * Byte order by shifts rather than compiler builtins, so the bitcode the
 * analyzer reads holds plain arithmetic (the optimizer still emits one
 * bswap instruction for it).
 */
static inline uint16_t
nat_bswap16(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)(v << 8 | v >> 8);
#else
	return v;
#endif
}

static inline uint32_t
nat_bswap32(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return v << 24 | (v & 0xff00u) << 8 | (v >> 8 & 0xff00u) | v >> 24;
#else
	return v;
#endif
}

/* nat_config.c */
int nat_config_parse(const struct sa_config *cfg, struct nat_config *out);

/* nat_pool.c: addresses in network order, ports in host order. */
int nat_pool_init(struct sa_ctx *ctx);
void nat_pool_fini(void);
uint32_t nat_pool_index(uint32_t in_addr);
/* 0, or -ENOSPC when every port of the range is taken. */
int nat_pool_port_alloc(uint32_t pool_idx, enum nat_proto nproto,
			uint16_t want, uint16_t *port);
void nat_pool_port_release(uint32_t pool_idx, enum nat_proto nproto,
			   uint16_t port);
bool nat_pool_contains(uint32_t addr);

/* nat_session.c */
int nat_session_init(struct sa_ctx *ctx);
void nat_session_fini(void);
struct nat_session *nat_session_lookup_in2out(const struct nat_key *key);
struct nat_session *nat_session_lookup_out2in(const struct nat_key *key);
/* 0, or the NAT_DROP_* reason no session could be made for @p flow. */
unsigned int nat_session_create(const struct nat_flow *flow, uint64_t now_ns,
				struct nat_session **out);
void nat_session_refresh(struct nat_session *s, enum sa_dir dir,
			 uint8_t tcp_flags, uint32_t bytes, uint64_t now_ns);
uint32_t nat_session_expire(uint64_t now_ns, uint32_t max_scan);
uint32_t nat_session_count(void);

/* nat_xlate.c */
unsigned int nat_flow_from_pkt(const struct sa_pkt *pkt,
			       const struct sa_parsed *p, enum sa_dir dir,
			       struct nat_flow *flow);
void nat_xlate_in2out(struct sa_pkt *pkt, const struct sa_parsed *p,
		      const struct nat_session *s);
void nat_xlate_out2in(struct sa_pkt *pkt, const struct sa_parsed *p,
		      const struct nat_session *s);

#endif /* NAT_PRIV_H */
