/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_SLICE_H
#define AZ_SLICE_H

/**
 * @file
 * Output-impacting state: the interprocedural backward slice of the
 * output statements of per-packet code, intersected with the persistent
 * objects (StateAlyzr's output-impacting analysis).
 *
 * Slice criteria: calls to output functions (az_model_is_output()):
 * sa_emit's arm and the memory its packet argument reaches (the frame
 * bytes and struct sa_pkt); sa_drop's reason; for every other output
 * (sa_alert, sa_log, send*, write, pcap_*, fprintf, syslog,
 * rte_eth_tx_burst, --output, and the standard-output writers printf,
 * puts, fputs, fwrite...) all arguments and all memory reachable from
 * them. Every output call's execution is a criterion too.
 *
 * Dependences followed, context-insensitively:
 * - data through SSA (operands, phi incomings), parameters <-> arguments of
 *   every per-packet call site (callbacks of models included), call
 *   results <-> the callee's returns; unmodelled calls depend on all
 *   their arguments and on every escaped location;
 * - data through memory: a relevant read makes the locations it reads
 *   relevant; every per-packet write that may touch a relevant location
 *   is relevant (its value, address and length);
 * - control: the terminators a relevant instruction's block is control
 *   dependent on (post-dominance frontier), and, when a function has a
 *   relevant instruction, those of its call sites.
 * A persistent field is output-impacting when a relevant instruction may
 * read it; its reason names that read and the output it reaches.
 *
 * Worklists over values, locations, blocks and functions, each visited
 * once: linear in the size of the index plus the dependences.
 */

#include "az_modref.h"
#include "az_result.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Marks output-impacting fields of @p r. @return 0 or -ENOMEM. */
int az_slice_run(const struct az_modref *mr, struct az_result *r);

#ifdef __cplusplus
}
#endif

#endif /* AZ_SLICE_H */
