/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_REPLICA_H
#define SA_REPLICA_H

/**
 * @file
 * The contract between `statealyzr instrument` and the runtime's
 * replication: the dirty hook the instrumenter inserts after every store
 * that may touch replicated state, and the manifest it embeds.
 *
 * Middleboxes never call or include this; the instrumented bitcode does.
 * Both instances run the same non-PIE binary with the state arena at the
 * same base, so an address names the same byte on primary and standby.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What the analysis found a written byte range to be. */
enum sa_dirty_class {
	SA_DIRTY_OUTPUT_IMPACTING = 1,	/**< updateable and output-impacting */
	SA_DIRTY_UPDATE_ONLY = 2,	/**< updateable, never reaches output */
};

/**
 * Records that [addr, addr + len) may have been written by the packet
 * being processed. Called by instrumented code only; cheap (appends to
 * the current batch's log) and safe for any address: ranges outside the
 * manifest and the arena are ignored and counted.
 */
void sa_dirty_hook(const void *addr, uint64_t len, uint32_t cls);

#define SA_MANIFEST_VERSION 1
#define SA_MANIFEST_HASH_LEN 32

/** One replicated global (or part of one), as analyzed. */
struct sa_manifest_region {
	const void *addr;
	uint64_t len;
	uint32_t cls;		/**< enum sa_dirty_class of its bytes */
	const char *name;	/**< source name, for replica-equality reports */
};

/** Embedded by the instrumenter; the descriptor points to it. */
struct sa_manifest {
	uint32_t version;	/**< SA_MANIFEST_VERSION */
	uint32_t n_regions;
	const struct sa_manifest_region *regions;
	uint8_t analysis_hash[SA_MANIFEST_HASH_LEN];
};

#ifdef __cplusplus
}
#endif

#endif /* SA_REPLICA_H */
