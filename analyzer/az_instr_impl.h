/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_INSTR_IMPL_H
#define AZ_INSTR_IMPL_H

/*
 * What az_instr.c (hooks) and az_instr_manifest.c (manifest, allocation,
 * linkage, output) share: the runtime contract's numbers, which mirror
 * runtime/include/sa/replica.h (the analyzer does not build against the
 * runtime's headers; check_instrument compares both), and small helpers.
 */

#include <stdbool.h>
#include <stdint.h>

#include "az_result.h"

/* enum sa_dirty_class, SA_REGION_READ_ONLY, SA_DIRTY_LEN_UNKNOWN */
#define AZ_CLS_OUTPUT_IMPACTING	1u
#define AZ_CLS_UPDATE_ONLY	2u
#define AZ_CLS_READ_ONLY	3u
#define AZ_LEN_UNKNOWN		UINT64_MAX
#define AZ_MANIFEST_VERSION	1u
#define AZ_MANIFEST_HASH_LEN	32u

#define AZ_HOOK_FN		"sa_dirty_hook"
#define AZ_GATE_VAR		"sa_dirty_gate"	/* struct sa_dirty_gate */
#define AZ_GATE_FN		"sa_dirty_hook.gate"
#define AZ_MANIFEST_NAME	"sa_manifest"

/* True if a field of @p ro overlapping folded bytes [lo, hi) (lo
 * AZ_OFF_ANY: any field) has @p flag. */
bool az_instr_range_flag(const struct az_robj *ro, uint64_t lo, uint64_t hi,
			 enum az_flag flag);

#endif /* AZ_INSTR_IMPL_H */
