/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_common.h>

#include "rt_arena.h"
#include "rt_dirty.h"
#include "rt_log.h"

/*
 * Layout: the header below at the base, then blocks carved upwards from
 * brk. Each block is a 64-byte header followed by its payload, so payloads
 * stay cache-aligned. Small requests (up to 64 KiB) are rounded up to a
 * power of two and recycled LIFO per size class; large ones are rounded up
 * to a page and recycled first-fit from one list, without splitting:
 * middleboxes take their big tables once at init, so churn is small-block
 * churn. Links are offsets from the base, valid in both instances.
 */

#define RT_ARENA_MAGIC		0x414e455241415300ULL	/* "\0SAARENA" */
#define RT_BLOCK_USED		0x4445535520415300ULL	/* "\0SA USED" */
#define RT_BLOCK_FREE		0x4545524620415300ULL	/* "\0SA FREE" */
#define RT_ARENA_MIN_SHIFT	6			/* 64 B */
#define RT_ARENA_MAX_SHIFT	16			/* 64 KiB */
#define RT_ARENA_CLASSES	(RT_ARENA_MAX_SHIFT - RT_ARENA_MIN_SHIFT + 1)
#define RT_ARENA_PAGE		4096ULL
/* x86-64 user space ends below 2^47. */
#define RT_ARENA_VA_LIMIT	(1ULL << 47)

struct rt_arena {
	uint64_t magic;
	uint64_t base;
	uint64_t size;
	uint64_t brk;		/* offset of the first byte never handed out */
	uint64_t small_free[RT_ARENA_CLASSES];	/* offsets, 0: empty */
	uint64_t large_free;
	uint64_t in_use;
	uint64_t bad_puts;
} __rte_cache_aligned;

struct rt_block {
	uint64_t state;		/* RT_BLOCK_USED or RT_BLOCK_FREE */
	uint64_t size;		/* payload bytes */
	uint64_t next;		/* free-list link (offset), 0: end */
	uint8_t pad[RT_ARENA_ALIGN - 3 * sizeof(uint64_t)];
};

static inline void
arena_note(const void *p, size_t len)
{
	rt_dirty_note(p, len);
}

static inline struct rt_block *
block_at(struct rt_arena *a, uint64_t off)
{
	return (struct rt_block *)(uintptr_t)(a->base + off);
}

static inline uint64_t
off_of(const struct rt_arena *a, const void *p)
{
	return (uint64_t)(uintptr_t)p - a->base;
}

int
rt_arena_create(uint64_t base, uint64_t size, struct rt_arena **out)
{
	struct rt_arena *a;
	void *p;

	RTE_BUILD_BUG_ON(sizeof(struct rt_block) != RT_ARENA_ALIGN);
	if (base % RT_ARENA_PAGE != 0 || size % RT_ARENA_PAGE != 0 ||
	    size < RT_ARENA_SIZE_MIN || base == 0 ||
	    base >= RT_ARENA_VA_LIMIT || size > RT_ARENA_VA_LIMIT - base) {
		RT_LOG(ERR, "arena 0x%" PRIx64 "+0x%" PRIx64 ": base and size "
		       "must be page-aligned, size at least %u, and the whole "
		       "arena below 0x%llx\n", base, size, RT_ARENA_SIZE_MIN,
		       RT_ARENA_VA_LIMIT);
		return -EINVAL;
	}
	p = mmap((void *)(uintptr_t)base, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
		 MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED) {
		int err = errno;

		RT_LOG(ERR, "arena: cannot map 0x%" PRIx64 "+0x%" PRIx64
		       ": %s%s\n", base, size, strerror(err),
		       err == EEXIST ? " (the range is already in use: pick "
		       "another [runtime] arena_base)" : "");
		return -err;
	}
	/* Kernels before 4.17 take MAP_FIXED_NOREPLACE as a mere hint. */
	if ((uintptr_t)p != base) {
		munmap(p, size);
		RT_LOG(ERR, "arena: the kernel placed it at %p, not at 0x%"
		       PRIx64 " (MAP_FIXED_NOREPLACE unsupported)\n", p, base);
		return -EEXIST;
	}
	/* 2 MiB pages where the kernel allows them: fewer TLB misses on the
	 * flow tables, and a killed runtime's state is unmapped in a
	 * fraction of the time, so its replication socket closes sooner
	 * (the standby's cue when the primary's host daemon died with it). */
	(void)madvise(p, size, MADV_HUGEPAGE);
	a = p;
	a->magic = RT_ARENA_MAGIC;
	a->base = base;
	a->size = size;
	a->brk = RTE_ALIGN_CEIL(sizeof(*a), RT_ARENA_ALIGN);
	arena_note(a, sizeof(*a));
	*out = a;
	return 0;
}

void
rt_arena_free(struct rt_arena *a)
{
	if (a != NULL)
		munmap(a, a->size);
}

/* Size class of a small request, or -1 for a large one. */
static int
small_class(size_t size)
{
	unsigned int shift = RT_ARENA_MIN_SHIFT;

	if (size > (1u << RT_ARENA_MAX_SHIFT))
		return -1;
	while ((1ULL << shift) < size)
		shift++;
	return (int)(shift - RT_ARENA_MIN_SHIFT);
}

static struct rt_block *
carve(struct rt_arena *a, uint64_t payload)
{
	uint64_t need = sizeof(struct rt_block) + payload;
	struct rt_block *b;

	if (need > a->size - a->brk)
		return NULL;
	b = block_at(a, a->brk);
	b->size = payload;
	a->brk += need;
	return b;
}

static struct rt_block *
take_large(struct rt_arena *a, uint64_t payload)
{
	uint64_t *link = &a->large_free;
	struct rt_block *b;

	while (*link != 0) {
		b = block_at(a, *link);
		if (b->size >= payload) {
			arena_note(link, sizeof(*link));
			*link = b->next;
			return b;
		}
		link = &b->next;
	}
	return carve(a, payload);
}

void *
rt_arena_get(struct rt_arena *a, size_t size)
{
	int cls = small_class(size == 0 ? 1 : size);
	struct rt_block *b;

	if (size > a->size)
		return NULL;
	if (cls >= 0) {
		uint64_t *head = &a->small_free[cls];

		if (*head != 0) {
			b = block_at(a, *head);
			*head = b->next;
		} else {
			b = carve(a, 1ULL << (cls + RT_ARENA_MIN_SHIFT));
		}
	} else {
		b = take_large(a, RTE_ALIGN_CEIL((uint64_t)size,
						 RT_ARENA_PAGE));
	}
	if (b == NULL)
		return NULL;
	b->state = RT_BLOCK_USED;
	b->next = 0;
	a->in_use += b->size;
	/* Fresh memory is zero here but maybe not on a standby that served
	 * an earlier primary: zero it, and let the zeroes replicate. */
	memset(b + 1, 0, b->size);
	arena_note(a, sizeof(*a));
	arena_note(b, sizeof(*b) + b->size);
	return b + 1;
}

void
rt_arena_put(struct rt_arena *a, void *p)
{
	struct rt_block *b;
	uint64_t off;
	int cls;

	if (p == NULL)
		return;
	off = off_of(a, p);
	if (off < a->brk && off >= sizeof(*a) + sizeof(*b) &&
	    off % RT_ARENA_ALIGN == 0) {
		b = (struct rt_block *)p - 1;
		if (b->state == RT_BLOCK_USED && b->size <= a->brk - off) {
			cls = small_class(b->size);
			b->state = RT_BLOCK_FREE;
			if (cls >= 0) {
				b->next = a->small_free[cls];
				a->small_free[cls] = off_of(a, b);
			} else {
				b->next = a->large_free;
				a->large_free = off_of(a, b);
			}
			a->in_use -= b->size;
			arena_note(a, sizeof(*a));
			arena_note(b, sizeof(*b));
			return;
		}
	}
	a->bad_puts++;
	arena_note(&a->bad_puts, sizeof(a->bad_puts));
}

/* The live block whose payload starts at @p p, or NULL. */
static const struct rt_block *
live_block(const struct rt_arena *a, const void *p)
{
	const struct rt_block *b;
	uint64_t off;

	if (p == NULL)
		return NULL;
	off = off_of(a, p);
	if (off >= a->brk || off < sizeof(*a) + sizeof(*b) ||
	    off % RT_ARENA_ALIGN != 0)
		return NULL;
	b = (const struct rt_block *)p - 1;
	if (b->state != RT_BLOCK_USED || b->size > a->brk - off)
		return NULL;
	return b;
}

size_t
rt_arena_block_size(const struct rt_arena *a, const void *p)
{
	const struct rt_block *b = live_block(a, p);

	return b != NULL ? b->size : 0;
}

uint64_t
rt_arena_block_end(const struct rt_arena *a, uint64_t addr)
{
	uint64_t off = addr - a->base, at, next;
	const struct rt_block *b;

	if (addr < a->base || off >= a->brk)
		return 0;
	at = RTE_ALIGN_CEIL(sizeof(*a), RT_ARENA_ALIGN);
	if (off < at)
		return a->base + at;
	/* Blocks tile [at, brk) back to back, free ones included. */
	while (at < a->brk) {
		b = (const struct rt_block *)(uintptr_t)(a->base + at);
		next = at + sizeof(*b) + b->size;
		if (next <= at || next > a->brk)
			break;
		if (off < next)
			return a->base + next;
		at = next;
	}
	return a->base + a->brk;
}

uint64_t
rt_arena_base(const struct rt_arena *a)
{
	return a->base;
}

uint64_t
rt_arena_size(const struct rt_arena *a)
{
	return a->size;
}

uint64_t
rt_arena_used(const struct rt_arena *a)
{
	return a->brk;
}

uint64_t
rt_arena_in_use(const struct rt_arena *a)
{
	return a->in_use;
}

uint64_t
rt_arena_bad_puts(const struct rt_arena *a)
{
	return a->bad_puts;
}
