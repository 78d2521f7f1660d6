/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_DOM_H
#define AZ_DOM_H

/**
 * @file
 * Dominator and post-dominator trees of one function (Cooper, Harvey and
 * Kennedy's iterative algorithm), dominance frontiers, and control
 * dependence from the post-dominance frontier.
 *
 * Contract:
 * - Blocks are numbered 0 .. n-1 in function order (block 0 is the entry).
 * - AZ_DOM_FORWARD: the root is block 0; blocks unreachable from it have
 *   no dominator (idom AZ_DOM_NONE) and dominate nothing.
 * - AZ_DOM_POST: the root is a virtual exit, index n, the successor of
 *   every block without successors (return, unreachable). Blocks that
 *   cannot reach an exit (infinite loops) get a virtual edge to it from
 *   one block of each such region, so every block has a post-dominator
 *   and control dependence inside endless packet loops is defined.
 * - Control dependence (AZ_DOM_POST only): block b is control dependent on
 *   the terminator of block a iff a is in the post-dominance frontier of
 *   b: a has successors s1, s2 with b post-dominating s1 but not strictly
 *   post-dominating a. az_dom_cdeps() lists those a.
 * - Arrays returned are owned by the tree and valid until az_dom_free().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AZ_DOM_NONE	UINT32_MAX

enum az_dom_dir {
	AZ_DOM_FORWARD = 0,
	AZ_DOM_POST = 1,
};

struct az_dom;

/** Builds the tree of @p fn (a defined function).
 *  @return 0, -EINVAL (declaration), -ENOMEM. */
int az_dom_build(LLVMValueRef fn, enum az_dom_dir dir, struct az_dom **out);
void az_dom_free(struct az_dom *d);

/** Number of real blocks (the virtual exit is index n, POST only). */
uint32_t az_dom_n_blocks(const struct az_dom *d);
LLVMBasicBlockRef az_dom_block(const struct az_dom *d, uint32_t idx);
/** Index of @p bb, AZ_DOM_NONE if not a block of the function. */
uint32_t az_dom_index(const struct az_dom *d, LLVMBasicBlockRef bb);

/** Immediate (post-)dominator; AZ_DOM_NONE for the root / unreachable. */
uint32_t az_dom_idom(const struct az_dom *d, uint32_t idx);
/** True if @p a (post-)dominates @p b (reflexive); O(1) after build. */
bool az_dom_dominates(const struct az_dom *d, uint32_t a, uint32_t b);
/** True if the block is reachable from the root in the tree's direction. */
bool az_dom_reachable(const struct az_dom *d, uint32_t idx);

/** Dominance frontier of @p idx (sorted block indices). */
size_t az_dom_frontier(const struct az_dom *d, uint32_t idx,
		       const uint32_t **out);
/** POST: blocks whose terminator @p idx is control dependent on (sorted;
 *  the virtual exit never appears). FORWARD: 0. */
size_t az_dom_cdeps(const struct az_dom *d, uint32_t idx,
		    const uint32_t **out);

/** Successors / predecessors in the CFG (real blocks only). */
size_t az_dom_succs(const struct az_dom *d, uint32_t idx,
		    const uint32_t **out);
size_t az_dom_preds(const struct az_dom *d, uint32_t idx,
		    const uint32_t **out);

#ifdef __cplusplus
}
#endif

#endif /* AZ_DOM_H */
