/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_MBOX_H
#define SA_MBOX_H

/**
 * @file
 * The middlebox API: the descriptor a middlebox registers and the calls it
 * may make while processing a packet.
 *
 * A middlebox is plain C against runtime/include/sa/: no DPDK type, no OS
 * call. Its state lives in ordinary globals, statics and heap memory from
 * sa_state_alloc() (or malloc, which the instrumenter redirects), so that the
 * analyzer can find it. process() is called once per received packet, in RX
 * order, and must give exactly one verdict: sa_emit() or sa_drop(). A packet
 * left without a verdict is dropped and counted as SA_DROP_NO_VERDICT; a
 * second verdict on the same packet is ignored and counted.
 *
 * The same API is implemented by the DPDK runtime (sa-runtime) and by a small
 * test shim (tests/shim), so middleboxes are unit-tested without EAL.
 */

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sa_ctx;		/**< per-instance runtime context, opaque */
struct sa_config;	/**< one INI section, opaque: see sa/config.h */
struct sa_manifest;	/**< see sa/replica.h */

/** Logical arm of the middlebox a packet arrives on or leaves through. */
enum sa_arm {
	SA_ARM_INSIDE = 0,	/**< towards the protected / private side */
	SA_ARM_OUTSIDE = 1,	/**< towards the public side */
	SA_ARM_COUNT = 2,
	/** RX only: one-armed deployment, the middlebox decides direction
	 *  from its configured inside prefixes (sa/prefix.h). */
	SA_ARM_ANY = 0xff,
};

/** One received frame. data may be rewritten in place; len may not grow. */
struct sa_pkt {
	uint8_t *data;		/**< first byte of the Ethernet header */
	uint32_t len;		/**< bytes valid at data */
	uint8_t arm;		/**< enum sa_arm, SA_ARM_ANY when one-armed */
};

/**
 * Drop reasons every middlebox shares. The parser (sa/headers.h) returns
 * these codes directly, so a parse failure is dropped with
 * sa_drop(ctx, pkt, err). Middlebox-specific reasons are numbered from
 * SA_DROP_MB_BASE and named in the descriptor's drop_names.
 */
#define SA_DROP_COMMON(X)						\
	X(NO_VERDICT,		"no-verdict")				\
	X(L2_TRUNC,		"l2-truncated")				\
	X(VLAN_TRUNC,		"vlan-truncated")			\
	X(VLAN_TOO_MANY,	"vlan-too-many-tags")			\
	X(IP4_TRUNC,		"ipv4-truncated")			\
	X(IP4_BAD_VERSION,	"ipv4-bad-version")			\
	X(IP4_BAD_IHL,		"ipv4-bad-ihl")				\
	X(IP4_BAD_LEN,		"ipv4-bad-total-length")		\
	X(IP6_TRUNC,		"ipv6-truncated")			\
	X(IP6_BAD_VERSION,	"ipv6-bad-version")			\
	X(IP6_BAD_LEN,		"ipv6-bad-payload-length")		\
	X(IP6_EXT_TRUNC,	"ipv6-ext-truncated")			\
	X(IP6_EXT_TOO_MANY,	"ipv6-ext-too-many")			\
	X(L4_TRUNC,		"l4-truncated")				\
	X(TCP_BAD_DOFF,		"tcp-bad-data-offset")			\
	X(UDP_BAD_LEN,		"udp-bad-length")			\
	X(NOT_IP,		"not-ip")				\
	X(STATE_FULL,		"state-memory-full")			\
	X(MULTI_SEG,		"multi-segment-frame")

#define SA_DROP_ENUM_(name, str) SA_DROP_##name,
enum sa_drop_reason {
	SA_DROP_NONE = 0,	/**< not a reason: "no error" from the parser */
	SA_DROP_COMMON(SA_DROP_ENUM_)
	SA_DROP_COMMON_COUNT,
	SA_DROP_MB_BASE = 64,	/**< first middlebox-specific reason */
};
#undef SA_DROP_ENUM_

/** Most middlebox-specific drop reasons a descriptor may name. */
#define SA_DROP_MB_MAX 64

/** Name of a common drop reason, or NULL if @p reason is not one. */
const char *sa_drop_common_name(unsigned int reason);

/** Callback through which a middlebox reports one statistics counter. */
typedef void (*sa_stat_fn)(void *arg, const char *name, uint64_t value);

/** What a middlebox registers. Only name and process are mandatory. */
struct sa_middlebox {
	const char *name;	/**< --mb NAME and the config section name */
	const char *desc;	/**< one line for --list */
	/** Called once before any packet; cfg is the section named after the
	 *  middlebox (empty if absent). Returns 0 or -errno after reporting
	 *  the reason with sa_config_error(). */
	int (*init)(struct sa_ctx *ctx, const struct sa_config *cfg);
	/** The packet-processing procedure the analyzer starts from. */
	void (*process)(struct sa_ctx *ctx, struct sa_pkt *pkt);
	/** Periodic housekeeping (expiry), at least every tick interval of
	 *  sa_now_ns() time; never emits packets. */
	void (*tick)(struct sa_ctx *ctx, uint64_t now_ns);
	/** Releases what init allocated. */
	void (*fini)(struct sa_ctx *ctx);
	/** Reports the middlebox's own counters, one call of fn each. */
	void (*stats)(sa_stat_fn fn, void *arg);
	/** Names of reasons SA_DROP_MB_BASE + i, i < n_drop_names. */
	const char *const *drop_names;
	unsigned int n_drop_names;
	/** Replicated regions and analysis hash (sa/replica.h); set by
	 *  `statealyzr instrument`, NULL in an uninstrumented build. */
	const struct sa_manifest *manifest;
	/**
	 * Optional: runs one operator command (sa-ctl mb 'LINE', or
	 * sa-runtime --commands), e.g. lb's "backend SERVICE BACKEND down".
	 * Called on the datapath between two packets, never concurrently
	 * with process() or tick(). @p line is at most SA_MB_COMMAND_MAX - 1
	 * bytes of UTF-8 without control characters. Returns 0, or -errno
	 * with the reason in @p reply (a NUL-terminated line; on success an
	 * optional acknowledgement); a failed command must change nothing.
	 *
	 * Its writes are not instrumented: a command is replicated as
	 * itself. The primary sends the line, with the input position it
	 * ran at, in its next StateDelta, and the standby runs the same line
	 * before it applies that delta's ranges. So a command must be
	 * deterministic and depend only on state both instances hold alike
	 * (configuration, and what earlier commands did), never on per-flow
	 * or UPDATE_ONLY state, the clock, or randomness. A standby that
	 * joins later gets the result in its snapshot.
	 */
	int (*command)(struct sa_ctx *ctx, const char *line, char *reply,
		       size_t reply_len);
};

/** Longest command line, NUL included, that the runtime hands to
 *  sa_middlebox.command (and replicates). */
#define SA_MB_COMMAND_MAX	256

/** Adds @p mb to the process-wide registry (called from a constructor). */
void sa_middlebox_register(const struct sa_middlebox *mb);

/** Registers a descriptor at load time; use once per middlebox. */
#define SA_MIDDLEBOX_REGISTER(mb)					\
	static void __attribute__((constructor, used))			\
	sa_middlebox_register_##mb(void)				\
	{								\
		sa_middlebox_register(&(mb));				\
	}

/** Verdict: transmit @p pkt (possibly rewritten) through arm @p arm. */
void sa_emit(struct sa_ctx *ctx, struct sa_pkt *pkt, enum sa_arm arm);

/** Verdict: drop @p pkt, counted under @p reason (enum sa_drop_reason or
 *  SA_DROP_MB_BASE + i). An unknown reason is counted as NO_VERDICT. */
void sa_drop(struct sa_ctx *ctx, struct sa_pkt *pkt, unsigned int reason);

/** Output: raise alert @p id (e.g. a rule sid) about @p pkt (may be NULL).
 *  Alerts are counted and written to the alert log; never rate-limited. */
void sa_alert(struct sa_ctx *ctx, const struct sa_pkt *pkt, uint32_t id,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Log levels for sa_log(), syslog-like. */
enum sa_log_level {
	SA_LOG_ERR = 3,
	SA_LOG_WARNING = 4,
	SA_LOG_NOTICE = 5,
	SA_LOG_INFO = 6,
	SA_LOG_DEBUG = 7,
};

/** Output: a log line from the middlebox (rate-limited by the runtime).
 *  ctx may be NULL during init. */
void sa_log(struct sa_ctx *ctx, enum sa_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Current time in ns: TSC-based, or the capture timestamp of the packet
 *  being processed with --clock trace. Monotonic non-decreasing. */
uint64_t sa_now_ns(struct sa_ctx *ctx);

/** Zeroed memory for persistent state (the state arena once replication
 *  is on). NULL when exhausted: drop the packet with SA_DROP_STATE_FULL. */
void *sa_state_alloc(size_t size);

/** Returns memory from sa_state_alloc(); NULL is ignored. */
void sa_state_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* SA_MBOX_H */
