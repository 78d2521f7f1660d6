/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_SHIM_H
#define SA_SHIM_H

/**
 * @file
 * The test implementation of the middlebox API (sa/mbox.h) without EAL:
 * one middlebox at a time, one packet per call, the verdict and the
 * rewritten frame recorded for table-driven tests. Time is whatever the
 * test passes; tick() runs only when the test calls sa_shim_tick().
 */

#include <stdint.h>
#include <stddef.h>

#include <sa/mbox.h>

#define SA_SHIM_FRAME_MAX 2048
#define SA_SHIM_TEXT_MAX 512

enum sa_shim_verdict {
	SA_SHIM_NONE = 0,	/**< process() gave no verdict */
	SA_SHIM_EMIT,
	SA_SHIM_DROP,
};

struct sa_shim_out {
	enum sa_shim_verdict verdict;	/**< the first verdict given */
	unsigned int n_verdicts;	/**< more than 1 is a middlebox bug */
	unsigned int arm;		/**< emit: enum sa_arm */
	unsigned int reason;		/**< drop: SA_DROP_* or MB_BASE + i */
	uint8_t frame[SA_SHIM_FRAME_MAX]; /**< the frame after process() */
	uint32_t len;
	unsigned int n_alerts;
	uint32_t alert_id;		/**< of the last alert */
	char alert[SA_SHIM_TEXT_MAX];	/**< text of the last alert */
};

/**
 * Writes @p ini_text to a temporary file, loads it as the runtime would
 * and runs mb->init() with the section named mb->name (empty if absent).
 * @return init's result, or the loader's -errno for a malformed file.
 */
int sa_shim_init(const struct sa_middlebox *mb, const char *ini_text);

/** Runs mb->fini() and releases the configuration. */
void sa_shim_fini(void);

/** Runs process() on a copy of @p frame at time @p now_ns. */
void sa_shim_process(const uint8_t *frame, uint32_t len, uint8_t arm,
		     uint64_t now_ns, struct sa_shim_out *out);

/** Runs tick() (if the middlebox has one) at @p now_ns. */
void sa_shim_tick(uint64_t now_ns);

/**
 * Runs the operator command @p line through the descriptor's command
 * callback, as sa-runtime does between two packets, with its reply (or
 * reason) in @p reply. @return its result; -ENOTSUP when the middlebox
 * has no command callback, -ENODEV when none is initialized, -EINVAL for
 * a line of SA_MB_COMMAND_MAX bytes or more (the runtime refuses it
 * before the middlebox sees it).
 */
int sa_shim_command(const char *line, char *reply, size_t reply_len);

/** The last line given to sa_log() (config errors land here), or "". */
const char *sa_shim_last_log(void);

/** The middlebox counter @p name as reported by its stats(), or
 *  UINT64_MAX if it reports no such counter. */
uint64_t sa_shim_stat(const char *name);

/** Makes sa_state_alloc() fail once @p bytes are allocated in total
 *  (SIZE_MAX: no limit, the default). */
void sa_shim_state_limit(size_t bytes);

/**
 * The shim's state heap (sa_state_alloc() and the allocator of
 * sa/replica.h that instrumented code calls): 1 with the block holding
 * @p addr (its payload start and size), 0 if no live block holds it.
 */
int sa_shim_state_find(const void *addr, const void **base, size_t *size);

/** Calls @p fn for every live state block, oldest first, with its
 *  allocation number (a block freed and allocated again at the same
 *  address gets a new one). */
void sa_shim_state_walk(void (*fn)(void *arg, void *base, size_t size,
				   uint64_t serial), void *arg);

/** Name of a drop reason of the current middlebox (common or its own). */
const char *sa_shim_reason_name(unsigned int reason);

#endif /* SA_SHIM_H */
