/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_ARENA_H
#define RT_ARENA_H

/*
 * The state arena: one anonymous mapping at a fixed address ([runtime]
 * arena_base, arena_size), the same on primary and standby, holding all heap
 * state of the middlebox (sa_state_alloc()).
 *
 * The allocator keeps its metadata inside the arena (a header at the base
 * and a header before every block), so copying the arena's bytes copies the
 * allocations themselves; and it is deterministic: the same sequence of
 * calls gives the same addresses, so a standby that runs the same init from
 * the same config has its read-only state exactly where the primary has it.
 * Every write the allocator makes (headers, zeroing) is reported to the
 * dirty log (rt_dirty_note), because it is not instrumented code.
 */

#include <stddef.h>
#include <stdint.h>

struct rt_arena;

/** Payload alignment of every block (one cache line). */
#define RT_ARENA_ALIGN		64
/** Smallest arena that holds its header and one block of each class. */
#define RT_ARENA_SIZE_MIN	(1u << 20)

/**
 * Maps [base, base + size) with MAP_FIXED_NOREPLACE and formats it.
 * @return 0; -EINVAL (base or size not page-aligned, too small, or beyond
 *   the user address space); -EEXIST (something is mapped there already:
 *   logged with the advice to pick another arena_base); -errno of mmap.
 */
int rt_arena_create(uint64_t base, uint64_t size, struct rt_arena **out);

/** Unmaps the arena; NULL is ignored. */
void rt_arena_free(struct rt_arena *a);

/** Zeroed block of @p size bytes, RT_ARENA_ALIGN-aligned; NULL when the
 *  arena is exhausted (or size is 0 and nothing can be returned). */
void *rt_arena_get(struct rt_arena *a, size_t size);

/** Returns a block from rt_arena_get(); NULL is ignored, and a pointer that
 *  is not a live block is ignored and counted (rt_arena_bad_puts()). */
void rt_arena_put(struct rt_arena *a, void *p);

/** Payload bytes of the live block @p p (from rt_arena_get(), at least
 *  what was asked for); 0 if @p p is not the start of a live block. */
size_t rt_arena_block_size(const struct rt_arena *a, const void *p);

/**
 * End address of what holds arena address @p addr: the block (header and
 * payload) it lies in, or the arena's own header. 0 if @p addr is not in
 * the used part of the arena. Walks the blocks: for the rare writes of
 * unknown length (SA_DIRTY_LEN_UNKNOWN), not for every store.
 */
uint64_t rt_arena_block_end(const struct rt_arena *a, uint64_t addr);

uint64_t rt_arena_base(const struct rt_arena *a);
uint64_t rt_arena_size(const struct rt_arena *a);
/** Bytes from the base that were ever handed out, metadata included: the
 *  part of the arena a snapshot has to copy. */
uint64_t rt_arena_used(const struct rt_arena *a);
/** Bytes in live blocks (payload only). */
uint64_t rt_arena_in_use(const struct rt_arena *a);
uint64_t rt_arena_bad_puts(const struct rt_arena *a);

#endif /* RT_ARENA_H */
