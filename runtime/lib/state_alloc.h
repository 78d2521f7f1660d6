/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_STATE_ALLOC_H
#define SA_STATE_ALLOC_H
/*
 * The C allocator's contracts (calloc, realloc, strdup, strndup,
 * aligned_alloc, posix_memalign: sa/replica.h) over a state heap, written
 * once in state_alloc.c. A backend provides sa_state_alloc() and
 * sa_state_free() (sa/mbox.h) and the two functions below: the runtime
 * over its arena (runtime/rt_ctx.c), the unit-test shim over malloc.
 */
#include <stddef.h>

/** Usable bytes of the live block @p p; 0 if @p p is not one. */
size_t sa_state_block_size(const void *p);

/** Alignment every block has (a power of two). */
size_t sa_state_block_align(void);

#endif /* SA_STATE_ALLOC_H */
