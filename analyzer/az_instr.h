/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_INSTR_H
#define AZ_INSTR_H

/**
 * @file
 * `statealyzr instrument`: rewrites the analyzed module so that the
 * runtime can replicate exactly the analyzed state (DESIGN §4.2, §4.3;
 * the runtime side of the contract is runtime/include/sa/replica.h).
 *
 * Contract:
 * - Run on the prepared module after every phase, with the result
 *   finished and hashed (az_result_finish(), az_report_hash()).
 * - az_instr_hooks() plans every hook first, while the pointer analysis
 *   and mod/ref still describe the module, then inserts them: after each
 *   store-like instruction of per-packet code (store, atomicrmw, cmpxchg,
 *   llvm.memcpy/memmove/memset, a call of a declared modelled function
 *   with a WRITE/COPY/OUT effect, a call of a defined sa_table function
 *   for the model effects whose pointer its body does not see, a wild
 *   call) that may write a persistent object, a call
 *   sa_dirty_hook(addr, len, cls): len the store size, the intrinsic's
 *   length, the model's length argument, or SA_DIRTY_LEN_UNKNOWN (all
 *   ones) when there is none; cls OUTPUT_IMPACTING if any written field of
 *   any target is output-impacting, else UPDATE_ONLY. A wild call gets
 *   one hook per escaped persistent global (whole) and one per pointer
 *   argument (length unknown), with a warning: heap state it reaches
 *   otherwise cannot be named.
 * - az_instr_module() then, on the whole module: redirects heap
 *   allocation (malloc, calloc, realloc, free, strdup, strndup,
 *   aligned_alloc, posix_memalign) to the sa_state_* functions; embeds the
 *   manifest (one region per persistent global or function static: its
 *   address, alloc size, source name and class; READ_ONLY for those
 *   never written per packet; the analysis hash as 32 bytes) and points
 *   every sa_middlebox descriptor's `manifest` member at it (a module
 *   without descriptor gets an external `sa_manifest`); internalizes
 *   every defined function and variable except descriptors, main,
 *   `sa_manifest` of such modules and the llvm.* globals.
 * - az_instr_write() verifies the module and writes bitcode.
 * - Counts go to r->instr (reports). Errors name the file, function or
 *   instruction location through az_log / az_diag. Functions return 0 or
 *   -errno: -ENOMEM, -EINVAL (module already instrumented, descriptor
 *   without a manifest member, a conflicting declaration, verification
 *   failure), -errno of the output file.
 */

#include "az_modref.h"
#include "az_result.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Plans and inserts the dirty hooks; fills the store counts of
 *  r->instr. */
int az_instr_hooks(struct az_modref *mr, struct az_result *r);

/** Allocation redirect, manifest, descriptors, internalization; fills the
 *  other counts of r->instr and sets r->instr.done. */
int az_instr_module(struct az_module *m, struct az_result *r);

/** LLVMVerifyModule, then bitcode to @p path. */
int az_instr_write(struct az_module *m, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* AZ_INSTR_H */
