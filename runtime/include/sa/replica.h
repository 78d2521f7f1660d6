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

#include <stddef.h>
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
 * Manifest region class of persistent state that packets never write
 * (configuration set up by init): replicated only by the snapshot / bulk
 * sync, never passed to sa_dirty_hook().
 */
#define SA_REGION_READ_ONLY 3

/**
 * Length passed to sa_dirty_hook() when the instrumenter cannot know it
 * (a library call writing a string, unknown code): to the end of the
 * arena block or manifest region holding addr.
 */
#define SA_DIRTY_LEN_UNKNOWN UINT64_MAX

/**
 * Records that [addr, addr + len) may have been written by the packet
 * being processed. Called by instrumented code only; cheap (appends to
 * the current batch's log) and safe for any address: ranges outside the
 * manifest and the arena are ignored and counted.
 */
void sa_dirty_hook(const void *addr, uint64_t len, uint32_t cls);

/**
 * The hook's gate, read by instrumented code before it calls the hook:
 * `statealyzr instrument` emits, for a store of class cls,
 *
 *     if (cls == SA_DIRTY_OUTPUT_IMPACTING) sa_dirty_gate.output_impacting = 1;
 *     if (sa_dirty_gate.mask & (1u << cls)) sa_dirty_hook(addr, len, cls);
 *
 * inline, so a run that logs nothing (solo, or a class the mode does not
 * send) pays a load and a branch per store instead of a call. The runtime
 * owns it: mask holds the classes it logs; output_impacting marks the
 * packet being processed as a flow update (cleared per packet).
 * sa_dirty_hook() itself still checks everything, for any caller.
 */
struct sa_dirty_gate {
	uint32_t mask;			/**< bits (1u << enum sa_dirty_class) */
	uint32_t output_impacting;	/**< set by this packet's stores */
};
extern struct sa_dirty_gate sa_dirty_gate;

/*
 * The heap the instrumenter redirects the C allocator to (malloc ->
 * sa_state_alloc, free -> sa_state_free: sa/mbox.h), with the C
 * functions' contracts, over the state arena. Memory is zeroed when
 * handed out and 64-byte aligned. Requests that overflow size_t and
 * alignments the arena cannot give (above 64, or not a power of two)
 * fail: NULL, or EINVAL / ENOMEM from posix_memalign.
 */
void *sa_state_calloc(size_t n, size_t size);
/** realloc(): NULL @p p allocates; @p size 0 frees and returns NULL; a
 *  block that is big enough is kept; on failure @p p is left alone. */
void *sa_state_realloc(void *p, size_t size);
char *sa_state_strdup(const char *s);
char *sa_state_strndup(const char *s, size_t n);
void *sa_state_aligned_alloc(size_t align, size_t size);
int sa_state_posix_memalign(void **out, size_t align, size_t size);

#define SA_MANIFEST_VERSION 1
#define SA_MANIFEST_HASH_LEN 32

/** One replicated global (or part of one), as analyzed. */
struct sa_manifest_region {
	const void *addr;
	uint64_t len;
	uint32_t cls;		/**< enum sa_dirty_class of its bytes, or
				     SA_REGION_READ_ONLY */
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
