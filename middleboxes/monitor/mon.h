/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MON_H
#define MON_H

/*
 * Private header of the passive asset monitor ("monitor"), in the spirit
 * of PRADS. It forwards every frame unchanged, malformed ones included
 * (they are counted, never dropped: a monitor must not change what it
 * watches), and keeps asset records for tracked hosts:
 *
 *  - hosts, keyed by source address (IPv4 as ::ffff:a.b.c.d, so v4 and v6
 *    share every line past mon_observe.c's header read): first/last seen,
 *    an OS guess per handshake role from the TCP SYN or SYN-ACK
 *    fingerprint (initial TTL, window, MSS, window scale, option order)
 *    matched against the OS signature file;
 *  - services, keyed by (address, protocol, port): a tracked host that
 *    answers a SYN with a SYN-ACK from port P serves TCP/P; the first
 *    payload it then sends on that connection is matched against the
 *    service signature file (banner). UDP services are known only by a
 *    matching banner, since UDP has no handshake;
 *  - pending banners, keyed by the connection: the flows whose first
 *    server payload is still to be inspected.
 *
 * Asset events go through sa_alert() with these ids (MON_EVENTS):
 *   1 new-host       a host sends its first packet (or its first after it
 *                    expired): "new-host ADDR"
 *   2 os-change      a host's guess for a role (syn: as a client, synack:
 *                    as a server) differs from the previous one, the
 *                    first guess included: "os-change ADDR ROLE "LABEL"
 *                    was "OLD|unknown" fp TTL:WIN:MSS:WS:OPTS dist N"
 *   3 new-service    "new-service ADDR PROTO/PORT"
 *   4 service-change a banner identifies a service differently from
 *                    before, the first identification included:
 *                    "service-change ADDR PROTO/PORT "LABEL" was "OLD|unknown""
 * A fingerprint or banner that matches no signature leaves the previous
 * guess in place and is only counted.
 *
 * Modules: mon.c (descriptor, verdicts, counters), mon_config.c ([monitor]
 * section), mon_sigfile.c (the line reader both signature files share),
 * mon_os.c (OS signatures and matching), mon_tcpopt.c (TCP option walker
 * and fingerprints), mon_pat.c (the banner pattern language), mon_svc.c
 * (service signatures), mon_asset.c (host, service and flow tables and
 * the events), mon_observe.c (per-packet observation).
 *
 * The signature databases (mon_os_db, mon_svc_db) and mon_cfg are written
 * by init only and read per packet: large read-only state. The three
 * tables and the counters are the per-packet state.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include <sa/mbox.h>
#include <sa/headers.h>
#include <sa/prefix.h>
#include <sa/config.h>

#define MON_LIKELY(x)		__builtin_expect(!!(x), 1)
#define MON_UNLIKELY(x)		__builtin_expect(!!(x), 0)
#define MON_UNUSED		__attribute__((unused))
#define MON_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define MON_NS_PER_S		1000000000ull

#define MON_ADDR_LEN		16	/* every address, IPv4 mapped */
#define MON_ADDR_STR_MAX	46	/* INET6_ADDRSTRLEN */
/* Labels of signatures and of identified services, NUL included. */
#define MON_LABEL_MAX		64
/* Bytes of one capture copied into a service label. */
#define MON_CAPTURE_MAX		32

/* ---- counters ---------------------------------------------------------- */

#define MON_STATS(X)							\
	X(PACKETS,		"packets")				\
	X(BYTES,		"bytes")				\
	X(IPV4,			"ipv4_packets")				\
	X(IPV6,			"ipv6_packets")				\
	X(NON_IP,		"non_ip_packets")			\
	X(MALFORMED,		"malformed_packets")			\
	X(LATER_FRAGMENTS,	"later_fragments")			\
	X(UNTRACKED,		"untracked_packets")			\
	X(BOGUS_SOURCE,		"bogus_source_packets")			\
	X(HOSTS_CREATED,	"hosts_created")			\
	X(HOSTS_EXPIRED,	"hosts_expired")			\
	X(HOSTS_TABLE_FULL,	"hosts_table_full")			\
	X(SERVICES_CREATED,	"services_created")			\
	X(SERVICES_EXPIRED,	"services_expired")			\
	X(SERVICES_TABLE_FULL,	"services_table_full")			\
	X(FLOWS_CREATED,	"banner_flows_created")			\
	X(FLOWS_EXPIRED,	"banner_flows_expired")			\
	X(FLOWS_TABLE_FULL,	"banner_flows_table_full")		\
	X(SYN_FPS,		"syn_fingerprints")			\
	X(SYNACK_FPS,		"synack_fingerprints")			\
	X(FPS_REPEATED,		"fingerprints_repeated")		\
	X(OS_MATCHED,		"os_matched")				\
	X(OS_UNKNOWN,		"os_unknown")				\
	X(TCP_OPTS_MALFORMED,	"tcp_options_malformed")		\
	X(BANNERS_INSPECTED,	"banners_inspected")			\
	X(BANNERS_MATCHED,	"banners_matched")			\
	X(BANNERS_UNKNOWN,	"banners_unknown")			\
	X(BANNER_BUDGET,	"banner_budget_exhausted")		\
	X(EVENTS,		"events")				\
	X(EV_NEW_HOST,		"events_new_host")			\
	X(EV_OS_CHANGE,		"events_os_change")			\
	X(EV_NEW_SERVICE,	"events_new_service")			\
	X(EV_SERVICE_CHANGE,	"events_service_change")

#define MON_STAT_ENUM_(name, str) MON_STAT_##name,
enum mon_stat {
	MON_STATS(MON_STAT_ENUM_)
	MON_STAT_COUNT,
};
#undef MON_STAT_ENUM_

struct mon_stats {
	uint64_t c[MON_STAT_COUNT];
	/* Frames sa_parse() rejected, by reason; forwarded all the same. */
	uint64_t malformed[SA_DROP_COMMON_COUNT];
};

extern struct mon_stats mon_stats;

static inline void
mon_stat_inc(enum mon_stat s)
{
	mon_stats.c[s]++;
}

/* ---- events ------------------------------------------------------------ */

/* Asset events: sa_alert() id, name, and the counter each one bumps. */
#define MON_EVENTS(X)							\
	X(NEW_HOST,		1, "new-host")				\
	X(OS_CHANGE,		2, "os-change")				\
	X(NEW_SERVICE,		3, "new-service")			\
	X(SERVICE_CHANGE,	4, "service-change")

#define MON_EVENT_ENUM_(name, id, str) MON_EVENT_##name = (id),
enum mon_event {
	MON_EVENTS(MON_EVENT_ENUM_)
};
#undef MON_EVENT_ENUM_

_Static_assert(MON_STAT_EV_OS_CHANGE == MON_STAT_EV_NEW_HOST + 1 &&
	       MON_STAT_EV_NEW_SERVICE == MON_STAT_EV_NEW_HOST + 2 &&
	       MON_STAT_EV_SERVICE_CHANGE == MON_STAT_EV_NEW_HOST + 3 &&
	       MON_EVENT_OS_CHANGE == MON_EVENT_NEW_HOST + 1 &&
	       MON_EVENT_NEW_SERVICE == MON_EVENT_NEW_HOST + 2 &&
	       MON_EVENT_SERVICE_CHANGE == MON_EVENT_NEW_HOST + 3,
	       "event counters follow the event ids");

/* ---- configuration ----------------------------------------------------- */

struct mon_config {
	struct sa_prefix_set inside;
	bool track_all;		/* track = all: every source is an asset */
	uint32_t max_hosts;
	uint32_t max_services;
	uint32_t max_flows;
	uint64_t host_timeout_ns;
	uint64_t host_refresh_ns;	/* host_timeout / MON_REFRESH_DIV */
	uint64_t service_timeout_ns;
	uint64_t flow_timeout_ns;
};

/* How finely a host's idle deadline follows its traffic. */
#define MON_REFRESH_DIV		16

extern struct mon_config mon_cfg;

/* mon_config.c: fills @p out and loads the signature files it names. */
int mon_config_parse(struct sa_ctx *ctx, const struct sa_config *cfg,
		     struct mon_config *out);

/* ---- signature files (mon_sigfile.c) ------------------------------------ */

/* Longest line of a signature file, without its newline. */
#define MON_SIG_LINE_MAX	512

struct mon_sigfile {
	struct sa_ctx *ctx;
	const char *path;
	void *stream;		/* FILE *, kept out of this header */
	unsigned int line;
	char buf[MON_SIG_LINE_MAX + 2];
};

/* 0, or -errno (the caller reports it: it knows the config key). */
int mon_sigfile_open(struct mon_sigfile *sf, struct sa_ctx *ctx,
		     const char *path);
void mon_sigfile_close(struct mon_sigfile *sf);
/* The next signature "FIELDS = LABEL", both trimmed: 1; 0 at the end of
 * the file; -EINVAL after reporting "PATH:LINE: message"; another -errno,
 * not reported, when the file cannot be read. */
int mon_sigfile_next(struct mon_sigfile *sf, char **fields, char **label);
/* Reports "PATH:LINE: message" through sa_log(SA_LOG_ERR). */
void mon_sigfile_error(const struct mon_sigfile *sf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- TCP fingerprints (mon_tcpopt.c) ----------------------------------- */

/* Options fit in 40 bytes, so a SYN carries at most 40 (all NOPs). */
#define MON_TCP_OPTS_MAX	40

enum mon_role {
	MON_ROLE_SYN = 0,	/* the host opened a connection */
	MON_ROLE_SYNACK = 1,	/* the host accepted one */
	MON_ROLE_COUNT = 2,
	MON_ROLE_ANY = 0xff,	/* signatures only */
};

struct mon_tcp_fp {
	uint16_t win;		/* host order */
	uint16_t mss;		/* valid if has_mss */
	uint8_t role;		/* enum mon_role */
	uint8_t ttl;		/* initial TTL: observed rounded up */
	uint8_t dist;		/* hops: initial minus observed */
	uint8_t ws;		/* valid if has_ws */
	bool has_mss;
	bool has_ws;
	uint8_t n_opts;
	uint8_t opts[MON_TCP_OPTS_MAX];	/* option kinds in order */
};

/* Longest "TTL:WIN:MSS:WS:OPTS" text of a fingerprint, NUL included;
 * "?255," is the longest option token. */
#define MON_FP_STR_MAX		(24 + 5 * MON_TCP_OPTS_MAX)

/* 0, or -EINVAL when an option's length is 0, 1, wrong for its kind or
 * runs past the header. @p opts holds @p len option bytes. */
int mon_tcpopt_fp(const uint8_t *opts, uint32_t len, uint16_t win,
		  uint8_t ttl, enum mon_role role, struct mon_tcp_fp *fp);
/* What identifies a fingerprint for OS matching (not dist), hashed. */
uint32_t mon_tcpopt_hash(const struct mon_tcp_fp *fp);
void mon_tcpopt_format(const struct mon_tcp_fp *fp, char *buf, size_t size);
/* True for the initial TTLs fingerprints use: 32, 64, 128, 255. */
bool mon_tcpopt_is_initial_ttl(uint32_t ttl);
/* Option kind of a letter of the signature syntax, or -1. */
int mon_tcpopt_kind(char letter);
char mon_tcpopt_letter(uint8_t kind);

/* ---- OS signatures (mon_os.c) ------------------------------------------ */

#define MON_OS_SIGS_MAX		1024
#define MON_OS_NONE		UINT16_MAX	/* no guess */

enum mon_fv {
	MON_FV_ANY = 0,		/* '*' */
	MON_FV_ABSENT,		/* '-': the option is not in the SYN */
	MON_FV_EXACT,
	MON_FV_MSS_MULT,	/* window only: 'mss*N' */
};

struct mon_os_sig {
	uint8_t role;		/* enum mon_role, MON_ROLE_ANY */
	uint8_t ttl;		/* 0: any */
	uint8_t win_fv;		/* enum mon_fv */
	uint8_t mss_fv;
	uint8_t ws_fv;
	uint8_t ws;
	bool opts_any;
	uint8_t n_opts;
	uint16_t win;		/* EXACT: the window; MSS_MULT: N */
	uint16_t mss;
	uint16_t label_id;	/* first signature with the same label */
	uint8_t opts[MON_TCP_OPTS_MAX];
	char label[MON_LABEL_MAX];
};

struct mon_os_db {
	uint32_t n;
	struct mon_os_sig sigs[MON_OS_SIGS_MAX];
};

extern struct mon_os_db mon_os_db;

int mon_os_load(struct sa_ctx *ctx, const char *path);
/* Label id of the first matching signature, or MON_OS_NONE. */
uint16_t mon_os_match(const struct mon_tcp_fp *fp);

/* ---- banner patterns (mon_pat.c) --------------------------------------- */

#define MON_PAT_CAPS_MAX	4	/* $1..$4 */
#define MON_PAT_SETS_MAX	256	/* distinct byte sets, all signatures */
#define MON_PAT_ELEMS_MAX	8192	/* elements, all signatures */
#define MON_PAT_LITS_MAX	65536	/* literal bytes, all signatures */
#define MON_PAT_SET_BYTES	32	/* 256 bits */
/* Payload bytes a banner is matched against. */
#define MON_BANNER_WINDOW	512u
/* Bytes compared per packet, all signatures together, at most. */
#define MON_BANNER_BUDGET	32768u

enum mon_pat_op {
	MON_PAT_LIT = 0,	/* these bytes, here */
	MON_PAT_SKIP,		/* up to the first occurrence of the bytes */
	MON_PAT_SET,		/* min..max bytes of a set, possessive */
	MON_PAT_CAP_OPEN,
	MON_PAT_CAP_CLOSE,
};

struct mon_pat_elem {
	uint8_t op;		/* enum mon_pat_op */
	uint8_t set;		/* SET: index in the pool */
	uint8_t cap;		/* CAP_*: 0-based group */
	uint8_t min;		/* SET: 0 or 1 */
	uint16_t max;		/* SET: 1 or MON_PAT_REP_INF */
	uint16_t lit_len;	/* LIT, SKIP */
	uint32_t lit_off;
};

#define MON_PAT_REP_INF		UINT16_MAX

struct mon_pat {
	uint32_t elem_off;
	uint16_t n_elem;
	uint8_t n_caps;
	bool nocase;		/* (?i): literals stored lower-case */
};

struct mon_pat_pool {
	uint32_t n_elems;
	uint32_t n_lits;
	uint32_t n_sets;
	struct mon_pat_elem elems[MON_PAT_ELEMS_MAX];
	uint8_t lits[MON_PAT_LITS_MAX];
	uint8_t sets[MON_PAT_SETS_MAX][MON_PAT_SET_BYTES];
};

struct mon_caps {
	uint16_t start[MON_PAT_CAPS_MAX];
	uint16_t end[MON_PAT_CAPS_MAX];
};

enum mon_match {
	MON_MATCH_NO = 0,
	MON_MATCH_YES,
	MON_MATCH_BUDGET,	/* gave up: the budget ran out */
};

/* Compiles @p text into @p pool. 0, or -EINVAL with *err a message and
 * *err_pos its offset in @p text. */
int mon_pat_compile(struct mon_pat_pool *pool, const char *text,
		    struct mon_pat *out, const char **err, size_t *err_pos);
enum mon_match mon_pat_match(const struct mon_pat_pool *pool,
			     const struct mon_pat *pat, const uint8_t *buf,
			     uint32_t len, struct mon_caps *caps,
			     uint32_t *budget);
/* Checks a label template against a pattern's groups: NULL, or why not. */
const char *mon_pat_check_label(const char *label, unsigned int n_caps);
/* Writes the label with $N replaced by capture N, sanitized, truncated. */
void mon_pat_render(const char *label, const uint8_t *buf,
		    const struct mon_caps *caps, char *out, size_t size);

/* ---- service signatures (mon_svc.c) ------------------------------------ */

#define MON_SVC_SIGS_MAX	1024
#define MON_PORT_BITMAP_BYTES	(65536 / 8)

enum mon_proto {
	MON_PROTO_TCP = 0,
	MON_PROTO_UDP = 1,
	MON_PROTO_COUNT = 2,
};

struct mon_svc_sig {
	uint8_t proto;		/* enum mon_proto */
	bool any_port;
	uint16_t port;		/* host order */
	struct mon_pat pat;
	char label[MON_LABEL_MAX];	/* template: $N are captures */
};

struct mon_svc_db {
	uint32_t n;
	/* Ports some signature of the protocol applies to. */
	bool any_port[MON_PROTO_COUNT];
	uint8_t ports[MON_PROTO_COUNT][MON_PORT_BITMAP_BYTES];
	struct mon_svc_sig sigs[MON_SVC_SIGS_MAX];
	struct mon_pat_pool pool;
};

extern struct mon_svc_db mon_svc_db;

int mon_svc_load(struct sa_ctx *ctx, const char *path);
/* True if some signature may match banners from @p port (host order). */
bool mon_svc_port_has_sigs(enum mon_proto proto, uint16_t port);
/* Renders the label of the first signature matching @p payload (at most
 * MON_BANNER_WINDOW bytes are looked at): MON_MATCH_YES, _NO or _BUDGET. */
enum mon_match mon_svc_identify(enum mon_proto proto, uint16_t port,
				const uint8_t *payload, uint32_t len,
				char *label, size_t size);

/* ---- assets (mon_asset.c) ---------------------------------------------- */

/*
 * The asset record of a host. Its idle deadline is the table's. A busy
 * host is refreshed (last_seen_ns and deadline) once per host_refresh_ns
 * rather than per packet, so that its record is not rewritten, and
 * replicated, for every packet it sends; it may therefore expire up to
 * 1/MON_REFRESH_DIV of host_timeout early.
 */
struct mon_host {
	uint64_t first_seen_ns;
	uint64_t last_seen_ns;
	uint32_t fp_hash[MON_ROLE_COUNT];	/* last fingerprint matched */
	uint16_t os[MON_ROLE_COUNT];		/* label id or MON_OS_NONE */
	uint8_t fp_seen;			/* bit per role: fp_hash valid */
};

struct mon_svc_key {
	uint8_t addr[MON_ADDR_LEN];
	uint16_t port;		/* network order */
	uint8_t proto;		/* enum mon_proto */
	uint8_t pad;
};

struct mon_service {
	uint64_t first_seen_ns;
	uint64_t last_seen_ns;
	uint64_t sightings;	/* SYN-ACKs and banners */
	char label[MON_LABEL_MAX];	/* "" until a banner matched */
};

/* A connection whose first server payload is still to be inspected. */
struct mon_flow_key {
	uint8_t srv[MON_ADDR_LEN];
	uint8_t cli[MON_ADDR_LEN];
	uint16_t srv_port;	/* network order */
	uint16_t cli_port;
};

/* Slots of each table tick() visits at most per call. */
#define MON_EXPIRE_SCAN		4096u

/* 0, or -ENOMEM after reporting which table did not fit. */
int mon_asset_init(const struct sa_config *cfg);
void mon_asset_fini(void);
void mon_asset_expire(uint64_t now_ns);
uint32_t mon_hosts_active(void);
uint32_t mon_services_active(void);
uint32_t mon_flows_active(void);

struct mon_host *mon_host_seen(struct sa_ctx *ctx, const struct sa_pkt *pkt,
			       const uint8_t addr[MON_ADDR_LEN], uint64_t now);
void mon_host_fp(struct sa_ctx *ctx, const struct sa_pkt *pkt,
		 const uint8_t addr[MON_ADDR_LEN], struct mon_host *h,
		 const struct mon_tcp_fp *fp);
struct mon_service *mon_service_seen(struct sa_ctx *ctx,
				     const struct sa_pkt *pkt,
				     const struct mon_svc_key *key,
				     uint64_t now);
void mon_service_label(struct sa_ctx *ctx, const struct sa_pkt *pkt,
		       const struct mon_svc_key *key, struct mon_service *s,
		       const char *label);
void mon_flow_add(const struct mon_flow_key *key, uint64_t now);
/* True (and forgets it) if @p key was waiting for its banner. */
bool mon_flow_take(const struct mon_flow_key *key);

void mon_addr_format(const uint8_t addr[MON_ADDR_LEN], char *buf,
		     size_t size);

/* ---- per packet (mon_observe.c) ---------------------------------------- */

void mon_observe(struct sa_ctx *ctx, const struct sa_pkt *pkt,
		 const struct sa_parsed *p);

/* Byte order by shifts, as the other middleboxes: plain arithmetic in
 * the bitcode the analyzer reads. */
static inline uint16_t
mon_ntohs(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)(v << 8 | v >> 8);
#else
	return v;
#endif
}

#endif /* MON_H */
