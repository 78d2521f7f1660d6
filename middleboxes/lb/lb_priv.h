/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LB_PRIV_H
#define LB_PRIV_H

/*
 * Internals shared by the lb modules: configuration (lb_config.c, with the
 * endpoint grammar in lb_text.c), Maglev tables, backend states and their
 * command (lb_maglev.c, lb_cmd.c), connections (lb_conn.c) and header
 * rewriting (lb_xlate.c); lb.c holds the descriptor and the packet path.
 *
 * State, and who writes it:
 *  - lb_cfg and the block lb_maglev points to: init and the control path
 *    (lb_backend_set_state, lb_command) only. The packet path reads them.
 *  - lb_conns, lb_replies, lb_stats, lb_be_stats: the packet path.
 * IPv4 and IPv6 share every line past lb_flow_key(): addresses are held
 * as 16 bytes (IPv4 in the first 4, the rest zero) next to the family.
 */

#include <stdbool.h>
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>
#include <sa/prefix.h>
#include <sa/config.h>
#include <sa/table.h>

#include "lb.h"

#define LB_LIKELY(x)		__builtin_expect(!!(x), 1)
#define LB_UNLIKELY(x)		__builtin_expect(!!(x), 0)

#define LB_NS_PER_S		1000000000ull

#define LB_ADDR_LEN		16
#define LB_IP4_ADDR_LEN		4
#define LB_SERVICES_MAX		64
#define LB_BACKENDS_MAX		1024
/* Service index buckets: a power of two, at most half full. */
#define LB_SVC_BUCKETS		128
/* Longest service or backend text kept for messages. */
#define LB_TEXT_MAX		64
#define LB_DECIMAL_BASE		10u
#define LB_WEIGHT_MIN		1
#define LB_WEIGHT_MAX		1000
#define LB_WEIGHT_DEFAULT	1

/* Maglev table size: a prime; 65537 is what the paper evaluates. The
 * largest is the largest prime below 2^20, which bounds a rebuild. */
#define LB_MAGLEV_SIZE_DEFAULT	65537u
#define LB_MAGLEV_SIZE_MIN	2u
#define LB_MAGLEV_SIZE_MAX	1048573u

#define LB_MAX_CONNS_DEFAULT	65536u

/* Connection timeouts, the defaults of Linux IPVS (tcp, tcpfin, udp). */
#define LB_TCP_EST_TIMEOUT_DEFAULT	(900 * LB_NS_PER_S)
#define LB_TCP_TRANS_TIMEOUT_DEFAULT	(120 * LB_NS_PER_S)
#define LB_UDP_TIMEOUT_DEFAULT		(300 * LB_NS_PER_S)
#define LB_TIMEOUT_MIN			LB_NS_PER_S
#define LB_TIMEOUT_MAX			(7 * 24 * 3600 * LB_NS_PER_S)

/* Connection slots tick() visits at most per call: bounds one tick's
 * work while a default-sized table is swept in 16 ticks. */
#define LB_EXPIRE_SCAN		4096u

/* Drop reasons of this middlebox, numbered from SA_DROP_MB_BASE. */
#define LB_DROP_REASONS(X)						\
	X(UNKNOWN_VIP,		"unknown-vip")				\
	X(NO_BACKEND,		"no-backend")				\
	X(NO_CONNECTION,	"no-connection")			\
	X(CONN_TABLE_FULL,	"conn-table-full")			\
	X(FRAGMENT,		"fragment")				\
	X(PROTO_UNSUPPORTED,	"proto-unsupported")

#define LB_DROP_ENUM_(name, str) LB_DROP_##name,
enum lb_drop_reason {
	LB_DROP_FIRST_ = SA_DROP_MB_BASE - 1,
	LB_DROP_REASONS(LB_DROP_ENUM_)
	LB_DROP_END_,
};
#undef LB_DROP_ENUM_

#define LB_DROP_COUNT (LB_DROP_END_ - SA_DROP_MB_BASE)

/* Global counters, reported through the descriptor's stats callback. */
#define LB_STATS(X)							\
	X(CLIENT_PACKETS,	"client_packets")			\
	X(CLIENT_BYTES,		"client_bytes")				\
	X(REPLY_PACKETS,	"reply_packets")			\
	X(REPLY_BYTES,		"reply_bytes")				\
	X(CONNS_CREATED,	"conns_created")			\
	X(TCP_CONNS,		"tcp_conns_created")			\
	X(UDP_CONNS,		"udp_conns_created")			\
	X(CONNS_EXPIRED,	"conns_expired")			\
	X(CONNS_RESCHEDULED,	"conns_rescheduled")			\
	X(FORWARDED_NON_IP,	"forwarded_non_ip")			\
	X(MAGLEV_REBUILDS,	"maglev_rebuilds")

#define LB_STAT_ENUM_(name, str) LB_STAT_##name,
enum lb_stat {
	LB_STATS(LB_STAT_ENUM_)
	LB_STAT_COUNT,
};
#undef LB_STAT_ENUM_

extern uint64_t lb_stats[LB_STAT_COUNT];

static inline void
lb_stat_add(enum lb_stat s, uint64_t n)
{
	lb_stats[s] += n;
}

/* Per-backend counters, "backend<i>.*" with i the backend's entry index. */
struct lb_backend_stats {
	uint64_t conns;		/* connections assigned, moved ones too */
	uint64_t active;	/* connections it holds now */
	uint64_t packets;	/* both directions */
	uint64_t bytes;
};

extern struct lb_backend_stats lb_be_stats[LB_BACKENDS_MAX];

enum lb_timeout {
	LB_TO_TCP_ESTABLISHED = 0,
	LB_TO_TCP_TRANSITORY,
	LB_TO_UDP,
	LB_TO_COUNT,
};

/* Where a packet comes from; also indexes the rewrites of a backend. */
enum lb_side {
	LB_SIDE_CLIENT = 0,	/* client -> VIP: destination NAT */
	LB_SIDE_BACKEND = 1,	/* backend -> client: source back to VIP */
	LB_SIDE_COUNT = 2,
};

/* An address and port as parsed from text: the endpoint grammar. */
struct lb_endpoint {
	uint8_t addr[LB_ADDR_LEN];	/* network order, IPv4 in [0..3] */
	uint16_t port;			/* host order, 0: none given */
	uint8_t family;			/* 4 or 6 */
	uint8_t proto;			/* SA_IPPROTO_TCP/UDP, 0: none */
};

/*
 * One header rewrite: the address and port a packet from one side gets
 * (destination for client packets, source for replies) and the
 * one's-complement sums of ~old + new over the IP address words and over
 * address and port words: the whole RFC 1624 update, computed at init.
 */
struct lb_rewrite {
	uint8_t addr[LB_ADDR_LEN];
	uint16_t port;		/* network order */
	uint16_t ck_ip;		/* IPv4 header checksum delta */
	uint16_t ck_l4;		/* TCP/UDP checksum delta */
};

struct lb_service {
	uint8_t vip[LB_ADDR_LEN];
	uint16_t port;		/* network order */
	uint8_t proto;
	uint8_t family;
	uint16_t n_backends;
	char text[LB_TEXT_MAX];	/* as written, for messages */
};

struct lb_backend {
	struct lb_rewrite rw[LB_SIDE_COUNT];	/* by enum lb_side */
	uint32_t offset;	/* Maglev permutation: first preferred slot */
	uint32_t skip;		/* and the step between preferences */
	uint16_t service;
	uint16_t weight;
	uint8_t state;		/* enum lb_backend_state */
	char text[LB_TEXT_MAX];
};

/* The [lb] section after validation; read-only to the packet path. */
struct lb_config {
	struct sa_prefix_set inside;
	uint32_t n_services;
	uint32_t n_backends;
	uint32_t maglev_size;
	uint32_t max_conns;
	uint64_t timeout_ns[LB_TO_COUNT];
	/* Open-addressed service index: service + 1, 0 empty. */
	uint8_t svc_index[LB_SVC_BUCKETS];
	struct lb_service services[LB_SERVICES_MAX];
	struct lb_backend backends[LB_BACKENDS_MAX];	/* entry order */
};

_Static_assert(LB_SERVICES_MAX < UINT8_MAX, "svc_index holds service + 1");
_Static_assert(LB_SVC_BUCKETS >= 2 * LB_SERVICES_MAX,
	       "the service index stays at most half full");
_Static_assert(LB_BACKENDS_MAX < LB_MAGLEV_NONE,
	       "Maglev entries hold a backend index");

extern struct lb_config lb_cfg;
/* n_services tables of maglev_size entries, service after service. */
extern uint16_t *lb_maglev;

/*
 * Connection key: a packet's 5-tuple as it is on the wire. lb_conns is
 * keyed by client packets (client -> VIP), lb_replies by replies
 * (backend -> client). No implicit padding, and pad is zero, because
 * keys compare bytewise.
 */
struct lb_key {
	uint8_t src[LB_ADDR_LEN];
	uint8_t dst[LB_ADDR_LEN];
	uint16_t sport;		/* network order */
	uint16_t dport;
	uint8_t proto;
	uint8_t family;
	uint8_t pad[2];
};

_Static_assert(sizeof(struct lb_key) == 40 &&
	       __builtin_offsetof(struct lb_key, sport) == 32,
	       "lb_key has no implicit padding; its last word starts at sport");

/* TCP tracking bits, enough to pick the timeout class. */
#define LB_TCP_ACK_CLIENT	0x01
#define LB_TCP_ACK_BACKEND	0x02
#define LB_TCP_FIN_CLIENT	0x04
#define LB_TCP_FIN_BACKEND	0x08
#define LB_TCP_RST		0x10

/* Value of lb_conns; lb_replies' value points here (values never move). */
struct lb_conn {
	uint16_t backend;	/* index into lb_cfg.backends */
	uint8_t tcp_state;	/* LB_TCP_* */
	uint8_t proto;		/* SA_IPPROTO_TCP or SA_IPPROTO_UDP */
};

/* A TCP connection ended by a RST, or by a FIN each way. */
static inline bool
lb_conn_finished(const struct lb_conn *c)
{
	const uint8_t fins = LB_TCP_FIN_CLIENT | LB_TCP_FIN_BACKEND;

	return (c->tcp_state & LB_TCP_RST) || (c->tcp_state & fins) == fins;
}

/*
 * Whether a client packet with @p tcp_flags must move @p c to another
 * backend: its backend is down, or draining while the packet opens a new
 * TCP connection on the tuple of a finished one.
 */
static inline bool
lb_conn_stale(const struct lb_conn *c, uint8_t tcp_flags)
{
	uint8_t st = lb_cfg.backends[c->backend].state;

	if (LB_LIKELY(st == LB_BACKEND_UP))
		return false;
	if (st == LB_BACKEND_DOWN)
		return true;
	return c->proto == SA_IPPROTO_TCP && lb_conn_finished(c) &&
	       (tcp_flags & (SA_TCP_SYN | SA_TCP_ACK)) == SA_TCP_SYN;
}

struct lb_flow {
	struct lb_key key;
	uint8_t tcp_flags;	/* 0 unless TCP */
};

extern struct sa_table *lb_conns;
extern struct sa_table *lb_replies;

/*
 * Byte order by shifts rather than compiler builtins, so the bitcode the
 * analyzer reads holds plain arithmetic.
 */
static inline uint16_t
lb_bswap16(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)(v << 8 | v >> 8);
#else
	return v;
#endif
}

/* lb_text.c: the endpoint grammar, shared by config and control path. */
const char *lb_text_endpoint(const char *text, bool want_proto,
			     struct lb_endpoint *out);

/* lb_config.c */
int lb_config_parse(const struct sa_config *cfg, struct lb_config *out);
/* Index of service VIP:port/proto (port in network order), or -1. */
int lb_service_find(const struct lb_config *c, const uint8_t *vip,
		    uint16_t port, uint8_t proto, uint8_t family);

/* lb_maglev.c */
int lb_maglev_init(struct sa_ctx *ctx);
void lb_maglev_fini(void);
void lb_maglev_permutation(struct lb_backend *be, uint32_t size);
uint32_t lb_hash_key(const struct lb_key *k);

/* The backend a new flow of service @p svc with hash @p hash goes to, or
 * LB_MAGLEV_NONE. */
static inline uint16_t
lb_maglev_pick(uint32_t svc, uint32_t hash)
{
	uint32_t m = lb_cfg.maglev_size;

	return lb_maglev[(uint64_t)svc * m + hash % m];
}

/* lb_conn.c */
int lb_conn_init(struct sa_ctx *ctx);
void lb_conn_fini(void);
unsigned int lb_conn_create(const struct lb_flow *f, uint32_t svc,
			    uint64_t now_ns, struct lb_conn **out);
unsigned int lb_conn_reschedule(struct lb_conn *c, uint64_t now_ns);
void lb_conn_refresh(struct lb_conn *c, enum lb_side side,
		     uint8_t tcp_flags, uint32_t bytes, uint64_t now_ns);
uint32_t lb_conn_expire(uint64_t now_ns, uint32_t max_scan);
uint32_t lb_conn_count(void);

/* lb_xlate.c */
unsigned int lb_flow_key(const struct sa_pkt *pkt, const struct sa_parsed *p,
			 struct lb_flow *f);
void lb_rewrite_init(struct lb_backend *be, const struct lb_service *svc);
void lb_xlate(struct sa_pkt *pkt, const struct sa_parsed *p,
	      const struct lb_rewrite *rw, enum lb_side side);

/* lb_maglev.c: index of the service "VIP:PORT/PROTO" @p text names, or
 * -EINVAL / -ENOENT. */
int lb_maglev_service(const char *text);

/* lb_cmd.c: the descriptor's command callback. */
int lb_command(struct sa_ctx *ctx, const char *line, char *reply,
	       size_t len);

#endif /* LB_PRIV_H */
