/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_PTA_H
#define AZ_PTA_H

/**
 * @file
 * Pointer analysis: inclusion-based (Andersen), field-sensitive by byte
 * offset, one abstract object per allocation site, context-insensitive,
 * flow-insensitive, whole module, with indirect calls resolved on the fly.
 *
 * Contract:
 * - Run it on a prepared module (az_module_prepare()). The result refers
 *   to LLVMValueRef of that module and stays valid until az_pta_free();
 *   do not modify the module in between.
 * - A location is (object, offset). Offsets are bytes from the start of
 *   the object, normalized: arrays inside an object are folded to their
 *   first element (offset modulo element size, recursively), so
 *   `sessions[i].port` and `sessions[3].port` are the same location, and
 *   heap objects are arrays of their element type. An object whose
 *   fields cannot be told apart (pointer arithmetic with an unknown offset
 *   on a non-array, offsets out of bounds, no type) is collapsed: its one
 *   location has offset AZ_OFF_ANY and covers every byte.
 * - Objects: one per global (function statics included; declared-only
 *   globals are objects too, marked is_extern and escaped), per alloca, per
 *   allocation call site (malloc, calloc, realloc, strdup, sa_state_alloc,
 *   ...; a call to sa_table_create makes a table object with separate
 *   key and value objects), per function (the target of function
 *   pointers), per library static (getenv's, strtok's buffer...), one
 *   varargs object per variadic function, one PACKET object (frame bytes:
 *   what sa_pkt.data points to, receive buffers from pcap/DPDK), ENV
 *   objects for memory the runtime hands in (struct sa_pkt, sa_ctx,
 *   pcap_pkthdr, argv) and one UNKNOWN object for memory of unmodelled
 *   external code.
 * - Unknown world: memory reachable by unmodelled external code is
 *   "escaped": pointers passed to such a call, and everything reachable
 *   from them, may be read and written by it and may point to any escaped
 *   location; its result may point to any escaped location. Escaped
 *   functions may be called back with escaped arguments. Each such
 *   decision is recorded as an approximation with its location.
 * - Points-to sets returned by queries are sorted by (obj, off), without
 *   duplicates; a collapsed object appears once with AZ_OFF_ANY.
 * - Scale: node ids are integers, sets are sorted sparse bitmaps, the
 *   solver is wave propagation with cycle collapsing and difference
 *   propagation (see az_pta_solve.c), and pointer walks over untyped
 *   memory (`while (...) p++;`) are recognized as cycles of nonzero
 *   offset and collapse the object they walk at once, as walking to its
 *   end would (az_pta_pwc.c); the run reports its statistics.
 * - Not thread-safe. Functions return 0 or -errno.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>

#include "az_models.h"
#include "az_module.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Offset of the single location of a collapsed object. */
#define AZ_OFF_ANY	UINT64_MAX

/** Abstract object id: 0 .. az_pta_n_objects() - 1. */
typedef uint32_t az_obj_t;
#define AZ_OBJ_NONE	UINT32_MAX

enum az_obj_kind {
	AZ_OBJ_GLOBAL = 0,	/**< global variable or function static */
	AZ_OBJ_STACK,		/**< alloca (site), in func */
	AZ_OBJ_HEAP,		/**< allocation call (site), in func */
	AZ_OBJ_FUNCTION,	/**< the function (site), for function pointers */
	AZ_OBJ_LIBSTATIC,	/**< memory owned by a library function (model) */
	AZ_OBJ_VARARGS,		/**< variadic arguments of func */
	AZ_OBJ_PACKET,		/**< frame bytes */
	AZ_OBJ_ENV,		/**< runtime-owned memory handed to the program */
	AZ_OBJ_UNKNOWN,		/**< memory of unmodelled external code */
};

/** Heap objects made by the sa_table model; PLAIN for all others. */
enum az_heap_part {
	AZ_HEAP_PLAIN = 0,
	AZ_HEAP_TABLE,		/**< the table (header, index, entries) */
	AZ_HEAP_TABLE_KEYS,	/**< keys of table obj .table */
	AZ_HEAP_TABLE_VALUES,	/**< values of table obj .table */
};

struct az_obj_info {
	enum az_obj_kind kind;
	/** GLOBAL: the global; STACK: the alloca; HEAP: the call; FUNCTION:
	 *  the function; LIBSTATIC: a call to the model; else NULL. */
	LLVMValueRef site;
	/** Function holding the site (STACK, HEAP), the function itself
	 *  (FUNCTION, VARARGS), else NULL. */
	LLVMValueRef func;
	/** IR type: global value type, allocated type, for heap objects the
	 *  type the result is cast to (NULL when unknown). For is_array
	 *  objects this is the element type. */
	LLVMTypeRef type;
	uint64_t size;		/**< bytes; 0 unknown or unbounded */
	bool is_array;		/**< repeats its type (heap, alloca n) */
	bool is_const;		/**< constant global: never written */
	bool is_extern;		/**< declared, not defined, in the module */
	bool collapsed;		/**< single location AZ_OFF_ANY */
	bool escaped;		/**< reachable by unmodelled external code */
	enum az_heap_part part;
	az_obj_t table;		/**< KEYS/VALUES: their table; else NONE */
	/** Allocator or library function behind HEAP/LIBSTATIC/ENV, or a
	 *  short description ("sa_pkt", "argv"); NULL otherwise. */
	const char *model;
};

/** One location. */
struct az_ploc {
	az_obj_t obj;
	uint64_t off;		/**< normalized offset or AZ_OFF_ANY */
};

/** A growable set of locations that queries fill (cleared first). */
struct az_locset {
	struct az_ploc *v;
	size_t n;
	size_t cap;
};

enum az_approx_kind {
	AZ_APPROX_UNKNOWN_EXTERNAL = 0,	/**< call to an unmodelled function */
	AZ_APPROX_UNRESOLVED_CALL,	/**< indirect call to unknown code */
	AZ_APPROX_INT_TO_PTR,		/**< pointer made from an integer */
	AZ_APPROX_PTR_TO_INT,		/**< pointer stored / passed as int */
	AZ_APPROX_COLLAPSE,		/**< object made field-insensitive */
	AZ_APPROX_INLINE_ASM,		/**< inline assembly */
	AZ_APPROX_ESCAPED_ROOT,		/**< function called from outside with
					     unknown arguments */
};

/** One over-approximation the analysis made. */
struct az_approx {
	enum az_approx_kind kind;
	const char *what;	/**< function / object / value name */
	LLVMValueRef where;	/**< instruction or function; may be NULL */
	const char *effect;	/**< one line: what is assumed */
};

struct az_pta_opts {
	/**
	 * Functions the outside world calls, whose pointer parameters are
	 * bound by type: struct sa_pkt * to an sa_pkt ENV object whose data
	 * points to the PACKET object, other pointers to ENV or escaped
	 * memory. NULL: the sa_middlebox descriptors' callbacks, global
	 * constructors, and main (argv is ENV); when the module has no
	 * descriptor, also every externally visible function that nothing
	 * in the module calls (with escaped arguments, listed).
	 */
	const LLVMValueRef *roots;
	size_t n_roots;
	/** Field-insensitive mode: every object collapsed (comparison). */
	bool field_insensitive;
};

struct az_pta_stats {
	size_t objects;
	size_t nodes;		/**< value nodes + location nodes */
	size_t locations;
	size_t constraints;	/**< copy + complex, as generated */
	size_t copy_edges;	/**< at the end */
	size_t merged;		/**< nodes merged into a cycle representative */
	size_t waves;
	size_t indirect_calls;
	size_t indirect_edges;	/**< (call, target) pairs resolved */
	size_t set_bytes;	/**< points-to set storage at the end */
	double cons_seconds;
	double solve_seconds;
};

struct az_pta;

/** Runs the analysis on @p m. @return 0, -ENOMEM, -EINVAL. */
int az_pta_run(struct az_module *m, const struct az_pta_opts *opts,
	       struct az_pta **out);
/** NULL is ignored. */
void az_pta_free(struct az_pta *p);

struct az_module *az_pta_module(const struct az_pta *p);
const struct az_pta_stats *az_pta_stats(const struct az_pta *p);

size_t az_pta_n_objects(const struct az_pta *p);
const struct az_obj_info *az_pta_obj(const struct az_pta *p, az_obj_t o);
/** Object of a global, alloca, function or allocation call (for a
 *  sa_table_create call: the table). AZ_OBJ_NONE if none. */
az_obj_t az_pta_obj_of(const struct az_pta *p, LLVMValueRef site);
az_obj_t az_pta_packet_obj(const struct az_pta *p);
az_obj_t az_pta_unknown_obj(const struct az_pta *p);
/** "nat_cfg", "heap@nat_session.c:52", "fn:nat_process", "packet"...:
 *  into @p buf, returned. */
char *az_pta_obj_name(const struct az_pta *p, az_obj_t o, char *buf,
		      size_t size);

/**
 * What pointer @p v (any value of pointer type, or an integer made from a
 * pointer) may point to.
 * @return 0; -ENOENT when @p v is not a value the analysis tracks (set
 *   left empty); -ENOMEM.
 */
int az_pta_points_to(const struct az_pta *p, LLVMValueRef v,
		     struct az_locset *out);

/** What the memory at (@p o, @p off) may point to; @p off AZ_OFF_ANY:
 *  any location of @p o. @return 0 or -ENOMEM. */
int az_pta_contents(const struct az_pta *p, az_obj_t o, uint64_t off,
		    struct az_locset *out);

/** The locations of @p o that exist (were accessed or hold pointers),
 *  sorted. @return 0 or -ENOMEM. */
int az_pta_obj_locations(const struct az_pta *p, az_obj_t o,
			 struct az_locset *out);

/** Normalized offset of byte @p off of @p o (array folding; AZ_OFF_ANY
 *  when collapsed or out of bounds). */
uint64_t az_pta_norm_off(const struct az_pta *p, az_obj_t o, uint64_t off);

/**
 * Functions a call instruction may call: the direct callee, or the
 * resolved targets of an indirect call (defined functions and external
 * declarations), plus the callbacks a modelled library function calls
 * (pcap_loop's handler, qsort's comparator). Intrinsics give themselves
 * (llvm.memcpy.* and llvm.memset.* carry the memcpy / memset model);
 * llvm.dbg.* and llvm.lifetime.* give nothing. The array is owned by
 * @p p. *@p unresolved (may be NULL) is set when the call may also reach
 * unknown code.
 */
size_t az_pta_callees(const struct az_pta *p, LLVMValueRef call,
		      const LLVMValueRef **fns, bool *unresolved);

/** The model applied at @p call, or NULL. */
const struct az_model *az_pta_call_model(const struct az_pta *p,
					 LLVMValueRef call);

/** All approximations, in module order. */
size_t az_pta_approx(const struct az_pta *p, const struct az_approx **list);
/** "unknown-external", "unresolved-indirect-call", "int-to-ptr",
 *  "ptr-to-int", "field-collapse", "inline-asm", "escaped-root". */
const char *az_approx_kind_name(enum az_approx_kind kind);

void az_locset_init(struct az_locset *s);
void az_locset_fini(struct az_locset *s);
/** True if @p s holds a location of @p o (any offset). */
bool az_locset_has_obj(const struct az_locset *s, az_obj_t o);

#ifdef __cplusplus
}
#endif

#endif /* AZ_PTA_H */
