/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "rt_dirty.h"

/* Below this many ranges an insertion sort beats qsort's indirect calls;
 * the log of a typical batch is a few dozen nearly sorted ranges. */
#define RT_DIRTY_INSERTION_MAX	64
/* Class mask that logs nothing: the hook's first test fails. */
#define RT_DIRTY_OFF		0u
/* Notes of the runtime itself log whatever the classes. */
#define RT_DIRTY_NOTE_CLASS	31u

struct rt_dirty {
	uint32_t class_mask;	/* RT_DIRTY_CLASS bits; 0: off */
	int overflow;
	unsigned int n;
	uint64_t arena_lo;
	uint64_t arena_len;
	const struct rt_rmap *rmap;
	struct rt_dirty_stats stats;
	struct rt_range log[RT_DIRTY_LOG_MAX];
} __rte_cache_aligned;

static struct rt_dirty rt_dirty;

void
rt_dirty_enable(const struct rt_rmap *m, uint32_t class_mask)
{
	struct rt_dirty *d = &rt_dirty;

	d->rmap = m;
	d->arena_lo = m->arena_lo;
	d->arena_len = m->arena_hi - m->arena_lo;
	d->class_mask = class_mask | RT_DIRTY_CLASS(RT_DIRTY_NOTE_CLASS);
	rt_dirty_reset();
}

void
rt_dirty_disable(void)
{
	rt_dirty.class_mask = RT_DIRTY_OFF;
	rt_dirty_reset();
}

static inline void
log_append(struct rt_dirty *d, uint64_t addr, uint64_t len)
{
	struct rt_range *last;

	if (likely(d->n > 0)) {
		last = &d->log[d->n - 1];
		if (addr >= last->addr && addr <= last->addr + last->len) {
			if (addr + len > last->addr + last->len)
				last->len = addr + len - last->addr;
			return;
		}
	}
	if (unlikely(d->n == RT_DIRTY_LOG_MAX)) {
		if (!d->overflow)
			d->stats.overflows++;
		d->overflow = 1;
		return;
	}
	d->log[d->n].addr = addr;
	d->log[d->n].len = len;
	d->n++;
}

/* Keeps the parts of [addr, end) inside the arena and the regions. */
static void
log_clipped(struct rt_dirty *d, uint64_t addr, uint64_t len)
{
	const struct rt_rmap *m = d->rmap;
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
	uint64_t kept = 0, lo, hi;
	unsigned int i;

	lo = RTE_MAX(addr, m->arena_lo);
	hi = RTE_MIN(end, m->arena_hi);
	if (lo < hi) {
		log_append(d, lo, hi - lo);
		kept += hi - lo;
	}
	for (i = rt_rmap_first_after(m, addr);
	     i < m->n_regions && m->regions[i].addr < end; i++) {
		lo = RTE_MAX(addr, m->regions[i].addr);
		hi = RTE_MIN(end, m->regions[i].addr + m->regions[i].len);
		log_append(d, lo, hi - lo);
		kept += hi - lo;
	}
	if (kept == 0)
		d->stats.ignored++;
	else if (kept != end - addr)
		d->stats.clipped++;
}

static inline void
dirty_log(struct rt_dirty *d, uint64_t addr, uint64_t len)
{
	uint64_t off = addr - d->arena_lo;

	if (unlikely(len == 0))
		return;
	if (likely(off < d->arena_len && len <= d->arena_len - off))
		log_append(d, addr, len);
	else
		log_clipped(d, addr, len);
}

void
sa_dirty_hook(const void *addr, uint64_t len, uint32_t cls)
{
	struct rt_dirty *d = &rt_dirty;

	/* Unknown classes (up to the runtime's own) are never logged. */
	if (cls >= RT_DIRTY_NOTE_CLASS ||
	    !(d->class_mask & RT_DIRTY_CLASS(cls)))
		return;
	d->stats.hooks++;
	dirty_log(d, (uint64_t)(uintptr_t)addr, len);
}

void
rt_dirty_note(const void *addr, uint64_t len)
{
	struct rt_dirty *d = &rt_dirty;

	if (d->class_mask == RT_DIRTY_OFF)
		return;
	dirty_log(d, (uint64_t)(uintptr_t)addr, len);
}

static int
range_cmp(const void *x, const void *y)
{
	const struct rt_range *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static void
sort_ranges(struct rt_range *r, unsigned int n)
{
	struct rt_range t;
	unsigned int i, j;

	if (n > RT_DIRTY_INSERTION_MAX) {
		qsort(r, n, sizeof(*r), range_cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		t = r[i];
		for (j = i; j > 0 && r[j - 1].addr > t.addr; j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
}

unsigned int
rt_dirty_collect(const struct rt_range **out, int *overflow)
{
	struct rt_dirty *d = &rt_dirty;
	struct rt_range *r = d->log;
	unsigned int i, n = 0;

	sort_ranges(r, d->n);
	for (i = 0; i < d->n; i++) {
		if (n > 0 && r[i].addr <= r[n - 1].addr + r[n - 1].len) {
			uint64_t end = r[i].addr + r[i].len;

			if (end > r[n - 1].addr + r[n - 1].len)
				r[n - 1].len = end - r[n - 1].addr;
			continue;
		}
		r[n++] = r[i];
	}
	d->n = n;
	*out = r;
	*overflow = d->overflow;
	return n;
}

void
rt_dirty_reset(void)
{
	rt_dirty.n = 0;
	rt_dirty.overflow = 0;
}

const struct rt_dirty_stats *
rt_dirty_stats(void)
{
	return &rt_dirty.stats;
}
