/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_CG_H
#define AZ_CG_H

/**
 * @file
 * Call graph from the pointer analysis' callees (direct calls and resolved
 * indirect calls), with reachability and strongly connected components.
 *
 * Contract:
 * - Nodes are all functions of the module, defined and declared, indexed
 *   0 .. az_cg_n_funcs() - 1 in module order; az_cg_index() maps back.
 * - An edge f -> g exists when a call instruction in f may call g. Model
 *   callbacks (qsort's comparator, pcap_loop's handler) are edges from the
 *   function holding the call to the callback.
 * - SCCs (Tarjan) are numbered in bottom-up order: every callee's SCC id
 *   is <= its caller's, so iterating ids upward visits callees first.
 *   A function is recursive when its SCC has more than one function or it
 *   calls itself.
 * - Arrays returned are owned by the call graph, valid until
 *   az_cg_free(). Functions return 0 or -errno.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>

#include "az_pta.h"

#ifdef __cplusplus
extern "C" {
#endif

struct az_cg;

/** @return 0 or -ENOMEM. The analysis must outlive the call graph. */
int az_cg_build(const struct az_pta *pta, struct az_cg **out);
void az_cg_free(struct az_cg *cg);
/** The analysis the graph was built from. */
const struct az_pta *az_cg_pta(const struct az_cg *cg);

size_t az_cg_n_funcs(const struct az_cg *cg);
LLVMValueRef az_cg_func(const struct az_cg *cg, uint32_t idx);
/** Index of @p fn, or -1 if it is not a function of the module. */
int32_t az_cg_index(const struct az_cg *cg, LLVMValueRef fn);

/** Callees / callers of function @p idx (indices, sorted, unique). */
size_t az_cg_callees(const struct az_cg *cg, uint32_t idx,
		     const uint32_t **out);
size_t az_cg_callers(const struct az_cg *cg, uint32_t idx,
		     const uint32_t **out);
/** Call instructions in function @p idx, in instruction order. */
size_t az_cg_calls(const struct az_cg *cg, uint32_t idx,
		   const LLVMValueRef **out);
/** True when a call in function @p idx may reach unknown code. */
bool az_cg_has_unresolved(const struct az_cg *cg, uint32_t idx);

/**
 * Marks in @p reach (az_cg_n_funcs() bytes, not cleared) every function
 * reachable from @p roots (indices), roots included.
 */
void az_cg_reachable(const struct az_cg *cg, const uint32_t *roots,
		     size_t n_roots, uint8_t *reach);

uint32_t az_cg_scc(const struct az_cg *cg, uint32_t idx);
size_t az_cg_n_sccs(const struct az_cg *cg);
/** Functions in bottom-up SCC order (callees before callers). */
const uint32_t *az_cg_bottom_up(const struct az_cg *cg);
bool az_cg_is_recursive(const struct az_cg *cg, uint32_t idx);

#ifdef __cplusplus
}
#endif

#endif /* AZ_CG_H */
