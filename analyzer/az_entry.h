/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_ENTRY_H
#define AZ_ENTRY_H

/**
 * @file
 * Packet-processing entry detection (DESIGN §4.2): where per-packet code
 * starts, and for packet loops which blocks form the loop and which stack
 * variables of the loop's procedure persist across iterations.
 *
 * Contract, in order of precedence:
 * 1. opts->entry_fn (--entry FN): FN is the per-packet callback
 *    (AZ_ENTRY_FN).
 * 2. opts->loop_fn (--loop FN): FN holds the packet loop. The loop is each
 *    outermost natural loop of FN whose body reaches a receive function
 *    through the call graph; if none does, FN's outermost loops, with a
 *    warning (AZ_ENTRY_LOOP).
 * 3. The sa_middlebox descriptor's process callback (AZ_ENTRY_DESCRIPTOR;
 *    tick/init also given for callers that want them).
 * 4. Callbacks handed to pcap_loop / pcap_dispatch (AZ_ENTRY_PCAP_LOOP).
 * 5. Natural loops, in any function, whose body reaches a receive function
 *    (az_model_is_recv(): defaults plus --recv) through the call graph:
 *    the outermost such loop of each function (AZ_ENTRY_DETECTED).
 * A missing FN (1, 2) is -ENOENT after an error naming it; finding nothing
 * at all is -ENOENT after an error explaining what was searched.
 *
 * - Loop procedures should keep their stack variables as memory so that
 *   loop-locals are objects: call az_entry_loop_procs() on the module
 *   BEFORE az_module_prepare() and pass its result as prepare's keep list.
 * - loop_locals: allocas of the loop procedure that are defined outside
 *   the loop and used inside it (directly or through casts / GEPs), i.e.
 *   live across iterations: persistent, kind "loop-local".
 * - All arrays are owned by the entry list (az_entry_list_free()).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>

#include "az_cg.h"
#include "az_module.h"
#include "az_pta.h"

#ifdef __cplusplus
extern "C" {
#endif

enum az_entry_kind {
	AZ_ENTRY_DESCRIPTOR = 0,	/**< sa_middlebox .process */
	AZ_ENTRY_FN,			/**< --entry */
	AZ_ENTRY_LOOP,			/**< --loop */
	AZ_ENTRY_PCAP_LOOP,		/**< pcap_loop / pcap_dispatch callback */
	AZ_ENTRY_DETECTED,		/**< detected receive loop */
};

struct az_entry {
	enum az_entry_kind kind;
	/** Per-packet callback (DESCRIPTOR, FN, PCAP_LOOP) or the procedure
	 *  holding the loop (LOOP, DETECTED). */
	LLVMValueRef func;
	/** LOOP/DETECTED: loop header and body blocks (header first). */
	LLVMBasicBlockRef header;
	LLVMBasicBlockRef *blocks;
	size_t n_blocks;
	/** LOOP/DETECTED: allocas live across iterations. */
	LLVMValueRef *loop_locals;
	size_t n_loop_locals;
	/** A call that receives packets: in the loop body (LOOP/DETECTED),
	 *  the pcap_loop call (PCAP_LOOP); NULL otherwise. */
	LLVMValueRef recv_call;
	/** DESCRIPTOR: the descriptor and its other callbacks. */
	struct az_descriptor desc;
	/** Internal: block lookup for az_entry_in_loop(). */
	void *priv;
};

struct az_entry_list {
	struct az_entry *v;
	size_t n;
};

struct az_entry_opts {
	const char *entry_fn;		/**< --entry, or NULL */
	const char *loop_fn;		/**< --loop, or NULL */
};

/** "descriptor", "entry", "loop", "pcap_loop", "detected" (SCHEMA). */
const char *az_entry_kind_name(enum az_entry_kind kind);

/**
 * Before preparation: the functions that hold a packet loop (opts->loop_fn,
 * or functions with a natural loop whose body reaches a receive function
 * through direct calls). *@p fns is malloc'ed (free() it); may be empty.
 * @return 0, -ENOENT (loop_fn missing), -ENOMEM.
 */
int az_entry_loop_procs(struct az_module *m, const struct az_entry_opts *opts,
			LLVMValueRef **fns, size_t *n);

/** Finds the entries (precedence above). @return 0, -ENOENT, -ENOMEM. */
int az_entry_find(struct az_module *m, const struct az_pta *pta,
		  const struct az_cg *cg, const struct az_entry_opts *opts,
		  struct az_entry_list *out);
void az_entry_list_free(struct az_entry_list *l);

/** True if @p bb is in the loop body of @p e (LOOP/DETECTED). */
bool az_entry_in_loop(const struct az_entry *e, LLVMBasicBlockRef bb);

/**
 * Marks in @p reach (az_cg_n_funcs() bytes, not cleared) the functions
 * that run per packet for @p e: the callback and what it reaches, or what
 * the calls in the loop body reach (the loop procedure itself is not
 * marked unless the loop reaches it again).
 */
void az_entry_per_packet(const struct az_entry *e, const struct az_cg *cg,
			 uint8_t *reach);

#ifdef __cplusplus
}
#endif

#endif /* AZ_ENTRY_H */
