/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_PERSIST_H
#define AZ_PERSIST_H

/**
 * @file
 * Persistent objects (DESIGN §4.2): what outlives one packet. Globals
 * (file statics included) and function statics, told apart by their
 * debug-info scope; locals of a loop procedure that live across
 * iterations; and heap objects reachable, through what the pointer
 * analysis says memory may point to, transitively from those.
 *
 * Contract:
 * - Constant globals (string literals, const tables, the descriptor) and
 *   globals only declared in the module (libc's) are not state and are
 *   left out; with debug info, so are compiler-made globals without a
 *   source variable.
 * - Loop-locals are the loop procedure's allocas that az_entry found used
 *   in the loop, less those that cannot carry a value between iterations:
 *   every read of them in the loop (a load, a call given their address)
 *   comes after a store of the whole variable in the same iteration, and
 *   their address is kept nowhere. For a pcap_loop /
 *   pcap_dispatch entry, the locals of the function calling it that its
 *   arguments (the user pointer) reach are loop-locals too.
 * - Heap objects are reachable when a persistent object may hold a
 *   pointer into them; sa_table parts (table, keys, values) count like
 *   any other heap object.
 * - Fills @p r (az_result_add()); returns 0 or -ENOMEM.
 */

#include "az_entry.h"
#include "az_result.h"

#ifdef __cplusplus
extern "C" {
#endif

int az_persist_find(struct az_result *r, const struct az_entry_list *entries);

#ifdef __cplusplus
}
#endif

#endif /* AZ_PERSIST_H */
