/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "rt_dirty.h"

/* Ranges already logged, by start address (struct rt_dirty_seen): the
 * same fields of a flow are written again packet after packet, and batch
 * after batch while async deltas coalesce (rt_primary.c); logged once,
 * they are sorted once. Direct-mapped, multiplicative hash: a collision
 * only logs a range twice, which collect merges. */
#define RT_DIRTY_SEEN_BITS	12
#define RT_DIRTY_SEEN		(1u << RT_DIRTY_SEEN_BITS)
#define RT_DIRTY_HASH_MUL	UINT64_C(0x9e3779b97f4a7c15)
/* Runs this long are sorted by insertion, then merged. A batch's log is a
 * few dozen ranges in hash order (flow tables), not nearly sorted: an
 * insertion sort of all of it moved n^2/4 ranges. */
#define RT_DIRTY_SORT_RUN	8u
/* Class mask that logs nothing: the hook's first test fails. */
#define RT_DIRTY_OFF		0u
/* Notes of the runtime itself log whatever the classes. */
#define RT_DIRTY_NOTE_CLASS	31u

/* A range logged since the last reset if gen is the log's. */
struct rt_dirty_seen {
	uint64_t addr;
	uint32_t len;		/* at most UINT32_MAX of it */
	uint32_t gen;
};

struct rt_dirty {
	uint32_t class_mask;	/* RT_DIRTY_CLASS bits; 0: off */
	int overflow;
	unsigned int n;
	uint32_t gen;		/* of the log since the last reset */
	uint64_t arena_lo;
	uint64_t arena_len;
	const struct rt_rmap *rmap;
	struct rt_dirty_stats stats;
	struct rt_range log[RT_DIRTY_LOG_MAX];
	struct rt_range tmp[RT_DIRTY_LOG_MAX];	/* the sort's other half */
	struct rt_dirty_seen seen[RT_DIRTY_SEEN];
} __rte_cache_aligned;

static struct rt_dirty rt_dirty;
struct rt_dirty_pkt rt_dirty_pkt;
struct sa_dirty_gate sa_dirty_gate;

/* The classes instrumented code should call the hook for: the logged
 * ones, without the runtime's own note class. */
static void
gate_set(uint32_t class_mask)
{
	sa_dirty_gate.mask = class_mask &
			     ~RT_DIRTY_CLASS(RT_DIRTY_NOTE_CLASS);
}

void
rt_dirty_enable(const struct rt_rmap *m, uint32_t class_mask)
{
	struct rt_dirty *d = &rt_dirty;

	d->rmap = m;
	d->arena_lo = m->arena_lo;
	d->arena_len = m->arena_hi - m->arena_lo;
	d->class_mask = class_mask | RT_DIRTY_CLASS(RT_DIRTY_NOTE_CLASS);
	gate_set(d->class_mask);
	rt_dirty_reset();
}

void
rt_dirty_disable(void)
{
	rt_dirty.class_mask = RT_DIRTY_OFF;
	gate_set(RT_DIRTY_OFF);
	rt_dirty_reset();
}

static inline void
log_append(struct rt_dirty *d, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len, e_end;
	struct rt_dirty_seen *s;
	struct rt_range *e;

	/* Usually a store extends the last range, or falls inside it. */
	if (likely(d->n > 0)) {
		e = &d->log[d->n - 1];
		e_end = e->addr + e->len;
		if (addr >= e->addr && addr <= e_end) {
			if (end > e_end)
				e->len = end - e->addr;
			return;
		}
	}
	s = &d->seen[(addr * RT_DIRTY_HASH_MUL) >> (64 - RT_DIRTY_SEEN_BITS)];
	if (s->gen == d->gen && s->addr == addr && s->len >= len)
		return;
	if (unlikely(d->n == RT_DIRTY_LOG_MAX)) {
		if (!d->overflow)
			d->stats.overflows++;
		d->overflow = 1;
		return;
	}
	d->log[d->n].addr = addr;
	d->log[d->n].len = len;
	d->n++;
	s->addr = addr;
	s->len = (uint32_t)RTE_MIN(len, (uint64_t)UINT32_MAX);
	s->gen = d->gen;
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

/* SA_DIRTY_LEN_UNKNOWN (sa/replica.h): to the end of the arena block or
 * manifest region holding addr; 0 (nothing) outside both. */
static uint64_t
len_unknown(const struct rt_dirty *d, uint64_t addr)
{
	const struct rt_rmap_region *r;
	uint64_t end;
	int i;

	if (addr - d->arena_lo < d->arena_len) {
		end = rt_arena_block_end(d->rmap->arena, addr);
		return end > addr ? end - addr : 0;
	}
	i = rt_rmap_find(d->rmap, addr);
	if (i < 0)
		return 0;
	r = &d->rmap->regions[i];
	return r->addr + r->len - addr;
}

void
sa_dirty_hook(const void *addr, uint64_t len, uint32_t cls)
{
	struct rt_dirty *d = &rt_dirty;

	if (cls == SA_DIRTY_OUTPUT_IMPACTING)
		sa_dirty_gate.output_impacting = 1;
	/* Unknown classes (up to the runtime's own) are never logged. */
	if (cls >= RT_DIRTY_NOTE_CLASS ||
	    !(d->class_mask & RT_DIRTY_CLASS(cls)))
		return;
	d->stats.hooks++;
	if (unlikely(len == SA_DIRTY_LEN_UNKNOWN))
		len = len_unknown(d, (uint64_t)(uintptr_t)addr);
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

static void
insertion_sort(struct rt_range *r, unsigned int n)
{
	struct rt_range t;
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		t = r[i];
		for (j = i; j > 0 && r[j - 1].addr > t.addr; j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
}

/* Merges the sorted a[0..na) and b[0..nb) into out. */
static void
merge_runs(const struct rt_range *a, unsigned int na,
	   const struct rt_range *b, unsigned int nb, struct rt_range *out)
{
	unsigned int i = 0, j = 0;

	while (i < na && j < nb)
		*out++ = b[j].addr < a[i].addr ? b[j++] : a[i++];
	while (i < na)
		*out++ = a[i++];
	while (j < nb)
		*out++ = b[j++];
}

/* By address: sorted runs, then merged bottom-up between r and tmp. */
static void
sort_ranges(struct rt_range *r, unsigned int n, struct rt_range *tmp)
{
	struct rt_range *src = r, *dst = tmp, *t;
	unsigned int w, lo, na, nb;

	for (lo = 0; lo < n; lo += RT_DIRTY_SORT_RUN)
		insertion_sort(r + lo, RTE_MIN(RT_DIRTY_SORT_RUN, n - lo));
	for (w = RT_DIRTY_SORT_RUN; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			na = RTE_MIN(w, n - lo);
			nb = RTE_MIN(w, n - lo - na);
			merge_runs(src + lo, na, src + lo + na, nb, dst + lo);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != r)
		memcpy(r, src, n * sizeof(*r));
}

unsigned int
rt_dirty_collect(const struct rt_range **out, int *overflow)
{
	struct rt_dirty *d = &rt_dirty;
	struct rt_range *r = d->log;
	unsigned int i, n = 0;

	sort_ranges(r, d->n, d->tmp);
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

unsigned int
rt_dirty_pending(void)
{
	return rt_dirty.n;
}

void
rt_dirty_reset(void)
{
	struct rt_dirty *d = &rt_dirty;

	d->n = 0;
	d->overflow = 0;
	/* Forgets every seen range at once; at the wrap, for real. */
	if (++d->gen == 0) {
		memset(d->seen, 0, sizeof(d->seen));
		d->gen = 1;
	}
}

const struct rt_dirty_stats *
rt_dirty_stats(void)
{
	rt_dirty.stats.flow_updates = rt_dirty_pkt.flow_updates;
	return &rt_dirty.stats;
}
