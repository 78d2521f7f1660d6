/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_RESULT_H
#define AZ_RESULT_H

/**
 * @file
 * The analysis result: persistent objects, their fields, what the phases
 * found about each (updateable, output-impacting, flowspace) and why, the
 * summary counts and the approximations. az_persist fills the objects,
 * az_modref / az_slice / az_flowspace mark them, az_report prints them
 * (readable report and the JSON of SCHEMA.md).
 *
 * Contract:
 * - Fields are the leaves of the object's type with arrays folded to their
 *   element, at the offsets the pointer analysis normalizes to; an object
 *   without a usable type has one field covering it. Marks address fields
 *   by folded byte ranges; AZ_OFF_ANY marks every field.
 * - An object's flags are the OR of its fields' (az_result_finish()).
 * - The first reason given for a flag is kept (deterministic, since the
 *   phases walk the module in order); later ones are dropped.
 * - Strings are owned by the result (its pool) or by the module.
 * - Functions return 0 or -ENOMEM unless said otherwise.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "az_module.h"
#include "az_pta.h"
#include "az_util.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Index of an object in the result; AZ_ROBJ_NONE for none. */
#define AZ_ROBJ_NONE	UINT32_MAX

enum az_pobj_kind {
	AZ_POBJ_GLOBAL = 0,	/**< global variable (file statics too) */
	AZ_POBJ_STATIC,		/**< function-local static */
	AZ_POBJ_LOOP_LOCAL,	/**< local of the loop procedure, live across
				     iterations */
	AZ_POBJ_HEAP,		/**< allocation site reachable from the above */
};

enum az_scope {
	AZ_SCOPE_ALL_FLOWS = 0,
	AZ_SCOPE_MULTI_FLOW,
	AZ_SCOPE_PER_FLOW,
	AZ_SCOPE_COUNT,
};

/** Header fields of a flowspace, in the order SCHEMA.md sorts them. */
#define AZ_HDR_FIELDS(X)						\
	X(ETH_SRC, "eth.src") X(ETH_DST, "eth.dst")			\
	X(ETH_TYPE, "eth.type") X(VLAN_TCI, "vlan.tci")			\
	X(IPV4_SRC, "ipv4.src") X(IPV4_DST, "ipv4.dst")			\
	X(IPV4_PROTO, "ipv4.proto") X(IPV4_TOS, "ipv4.tos")		\
	X(IPV4_TTL, "ipv4.ttl") X(IPV4_ID, "ipv4.id")			\
	X(IPV6_SRC, "ipv6.src") X(IPV6_DST, "ipv6.dst")			\
	X(IPV6_NEXT, "ipv6.next") X(IPV6_FLOW, "ipv6.flow")		\
	X(L4_SPORT, "l4.sport") X(L4_DPORT, "l4.dport")			\
	X(TCP_FLAGS, "tcp.flags") X(TCP_SEQ, "tcp.seq")			\
	X(TCP_ACK, "tcp.ack") X(TCP_WIN, "tcp.win")			\
	X(ICMP_TYPE, "icmp.type") X(ICMP_CODE, "icmp.code")		\
	X(ICMP_ID, "icmp.id") X(PAYLOAD, "payload")

#define AZ_HDR_ENUM_(id, str) AZ_HDR_##id,
enum az_hdr_field {
	AZ_HDR_FIELDS(AZ_HDR_ENUM_)
	AZ_HDR_COUNT
};
#undef AZ_HDR_ENUM_

/** A set of header fields: bit (1u << enum az_hdr_field). */
typedef uint32_t az_hdrset_t;
#define AZ_HDR_BIT(f)	((az_hdrset_t)1u << AZ_HDR_##f)

_Static_assert(AZ_HDR_COUNT <= 32, "a flowspace is one 32-bit mask");

/** What a phase marks on a field. */
enum az_flag {
	AZ_FLAG_UPDATEABLE = 0,
	AZ_FLAG_OUTPUT = 1,
	AZ_FLAG_COUNT,
};

struct az_rfield {
	const char *name;	/**< "pool.n", "sessions[].ext_port", or the
				     object's name for a scalar */
	uint64_t off;		/**< folded offset in the object */
	uint64_t size;		/**< bytes, 0 unknown */
	bool flag[AZ_FLAG_COUNT];
	const char *reason[AZ_FLAG_COUNT];
};

struct az_robj {
	az_obj_t obj;		/**< pointer-analysis object */
	enum az_pobj_kind kind;
	const char *name;
	const char *func;	/**< owning function (static, loop-local) */
	const char *location;	/**< "file:line", NULL if unknown */
	const char *type_name;	/**< NULL if unknown */
	uint64_t size;		/**< bytes, 0 unknown */
	struct az_rfield *fields;
	size_t n_fields;
	bool flag[AZ_FLAG_COUNT];
	const char *reason[AZ_FLAG_COUNT];
	az_hdrset_t flowspace;
	const char *flow_reason;	/**< where the flowspace was seen */
	unsigned int flow_rank;		/**< of flow_reason */
	enum az_scope scope;
};

struct az_summary {
	size_t functions;
	size_t reachable_functions;
	size_t instructions;
	size_t stores_total;		/**< store-like instructions, per packet */
	size_t stores_to_persistent;
	double seconds;
	long peak_rss_kib;
};

/** What `statealyzr instrument` did (SCHEMA "instrument"); reported only
 *  when done is set, so analyze's reports stay as they were. */
struct az_instr_summary {
	bool done;
	size_t stores_total;		/**< store-like, per packet */
	size_t stores_instrumented;	/**< got at least one hook */
	size_t output_impacting;	/**< of those, class OUTPUT_IMPACTING */
	size_t update_only;		/**< of those, class UPDATE_ONLY */
	size_t allocs_redirected;	/**< allocation calls to the arena */
	size_t manifest_regions;
};

struct az_result {
	struct az_module *m;
	const struct az_pta *pta;
	struct az_strpool strs;
	struct az_robj *objs;
	size_t n_objs;
	size_t cap;
	uint32_t *by_obj;	/**< pta object -> index, AZ_ROBJ_NONE */
	size_t n_pta_objs;
	struct az_summary sum;
	struct az_instr_summary instr;
	const char *input;		/**< path given on the command line */
	bool debug_info;
	char hash[65];			/**< analysis_hash, hex SHA-256 */
	const char *entry_kind;		/**< SCHEMA entry.kind */
	const char *entry_func;
	const char *entry_loc;
	struct az_ptrmap fn_label;	/**< function -> index in fn_labels */
	struct az_ptrvec fn_labels;
};

/** Empty result over @p pta's objects. */
int az_result_init(struct az_result *r, struct az_module *m,
		   const struct az_pta *pta);
void az_result_fini(struct az_result *r);

/** Description of a new persistent object, copied by az_result_add(). */
struct az_robj_desc {
	az_obj_t obj;
	enum az_pobj_kind kind;
	const char *name;
	const char *func;
	const char *location;
	/** Type whose leaves are the fields; NULL: one field of @p size. */
	const struct az_type *type;
	const char *type_name;
	uint64_t size;
};

/** Adds an object (once per pta object: -EEXIST otherwise). */
int az_result_add(struct az_result *r, const struct az_robj_desc *d);

/** The result object of pta object @p o, or NULL if not persistent. */
struct az_robj *az_result_obj(const struct az_result *r, az_obj_t o);

/**
 * Marks @p flag on the fields of @p ro overlapping folded bytes
 * [@p lo, @p hi) (@p lo AZ_OFF_ANY: all fields), with @p reason (copied)
 * for fields that had none. @return how many fields newly got the flag.
 */
size_t az_result_mark(struct az_result *r, struct az_robj *ro,
		      enum az_flag flag, uint64_t lo, uint64_t hi,
		      const char *reason);

/** Adds @p fs to the flowspace of @p ro. @p why (copied) becomes its
 *  reason if it is the first, or ranks better (lower @p rank: a key
 *  before an index before an access through a selected pointer). */
void az_result_flow(struct az_result *r, struct az_robj *ro, az_hdrset_t fs,
		    const char *why, unsigned int rank);
/** True if az_result_flow() would change anything. */
bool az_result_flow_news(const struct az_robj *ro, az_hdrset_t fs,
			 unsigned int rank);

/** Copies a string into the result's pool; NULL if out of memory. */
const char *az_result_str(struct az_result *r, const char *s);

/** Sorts objects (SCHEMA order) and derives object flags and scopes.
 *  Indices change: call it once, after every phase. */
void az_result_finish(struct az_result *r);

/** Count of finished objects with @p flag / of @p scope. */
size_t az_result_count_flag(const struct az_result *r, enum az_flag flag);
size_t az_result_count_scope(const struct az_result *r, enum az_scope s);

/** The source name of function @p fn (its debug-info subprogram), else
 *  its IR name: the suffixes the linker gives copies of static inline
 *  functions ("f.12") are noise in a report. Cached in @p r. */
const char *az_fn_label(struct az_result *r, LLVMValueRef fn);

/** SCHEMA names. */
const char *az_pobj_kind_name(enum az_pobj_kind k);
const char *az_scope_name(enum az_scope s);
const char *az_hdr_name(enum az_hdr_field f);
/** Scope of a flowspace (SCHEMA rule). */
enum az_scope az_scope_of(az_hdrset_t fs);

#ifdef __cplusplus
}
#endif

#endif /* AZ_RESULT_H */
