/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_MODREF_H
#define AZ_MODREF_H

/**
 * @file
 * Mod/ref of per-packet code, and the program index the later phases
 * share.
 *
 * Per-packet code is what az_entry_per_packet() marks, what a descriptor's
 * tick() reaches (it changes state between packets), and the loop body of
 * a loop entry. For each of its instructions the index holds the bytes
 * it may read and write, from the pointer analysis: loads and stores,
 * atomics, memcpy / memmove / memset, and calls to modelled functions
 * (their READ / WRITE / COPY / OUT_* / KEY effects). A call that may reach
 * unmodelled code is "wild": it may read and write every escaped object.
 *
 * Contract:
 * - Values (arguments and instructions of defined functions) have dense
 *   ids (vid); blocks too (bid), numbered in function order.
 * - A location (az_loc_t) is where an access starts: (object, folded
 *   offset), or (object, AZ_OFF_ANY). An access of bytes [off, off+len)
 *   touches the locations inside that range once folded (arrays to their
 *   first element, like the pointer analysis); a read also touches the
 *   object's ANY location. A read at AZ_OFF_ANY touches all locations of
 *   the object, a write at AZ_OFF_ANY its ANY location. A write and a read
 *   may overlap only if they share a location.
 * - Pointers the pointer analysis only knows as "anywhere in a collapsed
 *   object" get their exact offsets back when every definition of the
 *   pointer is a constant offset from a global or an alloca (through
 *   casts, phis, selects, and the arguments of every call site).
 * - Per location, the access sets that read / write it, and per set the
 *   per-packet instructions using it; wild calls are listed apart
 *   (az_modref_wild()): they touch every escaped location.
 * - az_modref_mark() sets "updateable" on the persistent fields written
 *   per packet, and counts stores for the summary. az_modref_targets() is
 *   the same per-store classification for the instrumenter.
 * - Functions return 0 or -errno.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "az_cg.h"
#include "az_entry.h"
#include "az_result.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AZ_VID_NONE	UINT32_MAX
#define AZ_LOC_UNKNOWN_LEN	UINT64_MAX

typedef uint32_t az_loc_t;

/** Bytes [off, off + len) of obj; off AZ_OFF_ANY: anywhere in it; len
 *  AZ_LOC_UNKNOWN_LEN: up to its end. */
struct az_access {
	az_obj_t obj;
	uint64_t off;
	uint64_t len;
};

struct az_mloc {
	az_obj_t obj;
	uint64_t off;		/**< folded offset, or AZ_OFF_ANY */
	uint64_t ext;		/**< longest access starting here, in bytes
				     (AZ_LOC_UNKNOWN_LEN: to the end) */
};

/** How a call site binds the parameters of a function it reaches. */
struct az_csite {
	uint32_t call;		/**< vid of the call instruction */
	/** NULL: a call, argument i binds parameter i. Else the model's
	 *  CALLBACK effect: parameter i gets cb[i] (an argument index, or
	 *  a source from outside the program). */
	const struct az_effect *cb;
};

struct az_modref;

int az_modref_build(struct az_module *m, const struct az_pta *pta,
		    const struct az_cg *cg, const struct az_entry_list *el,
		    struct az_modref **out);
void az_modref_free(struct az_modref *mr);

struct az_module *az_modref_module(const struct az_modref *mr);
const struct az_pta *az_modref_pta(const struct az_modref *mr);
const struct az_cg *az_modref_cg(const struct az_modref *mr);

/* --- program index ---------------------------------------------------- */

size_t az_modref_n_values(const struct az_modref *mr);
uint32_t az_modref_vid(const struct az_modref *mr, LLVMValueRef v);
LLVMValueRef az_modref_value(const struct az_modref *mr, uint32_t vid);
/** Call-graph index of the function holding value @p vid. */
uint32_t az_modref_value_fn(const struct az_modref *mr, uint32_t vid);
/** Block id of instruction @p vid; UINT32_MAX for arguments. */
uint32_t az_modref_value_block(const struct az_modref *mr, uint32_t vid);

size_t az_modref_n_blocks(const struct az_modref *mr);
LLVMBasicBlockRef az_modref_block(const struct az_modref *mr, uint32_t bid);
uint32_t az_modref_block_fn(const struct az_modref *mr, uint32_t bid);
/** Id of the first block of function @p fn (blocks are contiguous). */
uint32_t az_modref_fn_first_block(const struct az_modref *mr, uint32_t fn);
/** True if block @p bid runs per packet. */
bool az_modref_block_per_packet(const struct az_modref *mr, uint32_t bid);
/** True if instruction or argument @p vid is in per-packet code. */
bool az_modref_per_packet(const struct az_modref *mr, uint32_t vid);
/** Defined functions with per-packet code. */
size_t az_modref_n_per_packet_fns(const struct az_modref *mr);

/** Per-packet call sites that reach function @p fn. */
size_t az_modref_csites(const struct az_modref *mr, uint32_t fn,
			const struct az_csite **out);
/** The argument a call site binds to parameter @p i, NULL if none. */
LLVMValueRef az_modref_csite_arg(const struct az_modref *mr,
				 const struct az_csite *cs, unsigned int i);
/** Return instructions of function @p fn (vids). */
size_t az_modref_rets(const struct az_modref *mr, uint32_t fn,
		      const uint32_t **out);

/* --- memory -------------------------------------------------------------- */

size_t az_modref_n_locs(const struct az_modref *mr);
const struct az_mloc *az_modref_loc(const struct az_modref *mr, az_loc_t l);
/** Locations of @p o: ids *first .. *first + n - 1. */
size_t az_modref_obj_locs(const struct az_modref *mr, az_obj_t o,
			  az_loc_t *first);
/** True if object @p o holds packet bytes: the packet object, or a
 *  buffer a modelled receive function writes (recv, read on a socket). */
bool az_modref_obj_packet(const struct az_modref *mr, az_obj_t o);
/** True if the location's object may be touched by unmodelled code. */
bool az_modref_loc_escaped(const struct az_modref *mr, az_loc_t l);

/**
 * Accesses are shared: one access set per distinct list of (object,
 * offset, length) a pointer may touch. An instruction uses a few sets,
 * each to read or to write.
 */
struct az_use {
	uint32_t set;
	bool wr;
};

size_t az_modref_n_sets(const struct az_modref *mr);
/** The access sets per-packet instruction @p vid uses. */
size_t az_modref_uses(const struct az_modref *mr, uint32_t vid,
		      const struct az_use **out);
/** The accesses of set @p set (before folding). */
size_t az_modref_set_raw(const struct az_modref *mr, uint32_t set,
			 const struct az_access **out);
/** The locations set @p set touches when read / written (@p wr). */
size_t az_modref_set_locs(const struct az_modref *mr, uint32_t set, bool wr,
			  const az_loc_t **out);
/** The sets through which per-packet code reads / writes location @p l. */
size_t az_modref_loc_sets(const struct az_modref *mr, az_loc_t l, bool wr,
			  const uint32_t **out);
/** The per-packet instructions that read / write through set @p set. */
size_t az_modref_set_users(const struct az_modref *mr, uint32_t set, bool wr,
			   const uint32_t **out);
/** True if @p vid is a call that may reach unmodelled code. */
bool az_modref_is_wild(const struct az_modref *mr, uint32_t vid);
/** All per-packet wild calls (vids). */
size_t az_modref_wild(const struct az_modref *mr, const uint32_t **out);

/** The locations a read (or write, @p wr) of @p len bytes through pointer
 *  @p ptr may touch, with the same refinement as the index's accesses;
 *  sorted and unique, into @p out. @return 0 or -ENOMEM. */
int az_modref_ptr_locs(const struct az_modref *mr, LLVMValueRef ptr,
		       uint64_t len, bool wr, struct az_u32vec *out);

/** Byte offset a GEP (instruction or constant) with constant indices
 *  adds to its base; false if an index is not constant. */
bool az_modref_gep_offset(LLVMTargetDataRef td, LLVMValueRef gep,
			  int64_t *off);

/** Callback of az_modref_fold(): folded bytes [lo, hi). */
typedef void (*az_fold_cb)(void *arg, uint64_t lo, uint64_t hi);
/** Folds access @p a of its object into intervals (arrays folded to the
 *  first element); lo AZ_OFF_ANY once for "all of it". */
void az_modref_fold(const struct az_modref *mr, const struct az_access *a,
		    az_fold_cb cb, void *arg);

/* --- results ------------------------------------------------------------- */

/** Marks updateable fields of @p r and fills its store counts. */
int az_modref_mark(struct az_modref *mr, struct az_result *r);

/** Callback of az_modref_targets(): bytes [lo, hi) of persistent object
 *  @p ro (lo AZ_OFF_ANY: all of it) may be written. Non-zero stops. */
typedef int (*az_target_cb)(void *arg, const struct az_robj *ro,
			    uint64_t lo, uint64_t hi);

/**
 * For a store-like instruction (store, atomic, mem intrinsic, modelled or
 * unknown call) anywhere in the module: calls @p cb for every persistent
 * object and folded range it may write. Unknown code counts as writing
 * every escaped persistent object whole.
 * @return 0, the callback's non-zero value, or -ENOMEM.
 */
int az_modref_targets(const struct az_modref *mr, const struct az_result *r,
		      LLVMValueRef inst, az_target_cb cb, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* AZ_MODREF_H */
