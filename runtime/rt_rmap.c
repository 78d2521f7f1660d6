/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rt_log.h"
#include "rt_rmap.h"

static int
region_cmp(const void *x, const void *y)
{
	const struct rt_rmap_region *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static int
overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int
check_regions(const struct rt_rmap *m)
{
	const struct rt_rmap_region *r;
	unsigned int i;

	for (i = 0; i < m->n_regions; i++) {
		r = &m->regions[i];
		if (r->len == 0 || r->addr + r->len < r->addr) {
			RT_LOG(ERR, "manifest: region '%s' at 0x%" PRIx64
			       " has a bad length %" PRIu64 "\n", r->name,
			       r->addr, r->len);
			return -EINVAL;
		}
		if (r->cls != SA_DIRTY_OUTPUT_IMPACTING &&
		    r->cls != SA_DIRTY_UPDATE_ONLY &&
		    r->cls != SA_REGION_READ_ONLY) {
			RT_LOG(ERR, "manifest: region '%s' has an unknown "
			       "class %u (expected %d, %d or %d: sa/replica.h)\n",
			       r->name, r->cls, SA_DIRTY_OUTPUT_IMPACTING,
			       SA_DIRTY_UPDATE_ONLY, SA_REGION_READ_ONLY);
			return -EINVAL;
		}
		if (overlaps(r->addr, r->len, m->arena_lo,
			     m->arena_hi - m->arena_lo)) {
			RT_LOG(ERR, "manifest: region '%s' overlaps the "
			       "arena\n", r->name);
			return -EINVAL;
		}
		if (i > 0 && r->addr < r[-1].addr + r[-1].len) {
			RT_LOG(ERR, "manifest: regions '%s' and '%s' "
			       "overlap\n", r[-1].name, r->name);
			return -EINVAL;
		}
	}
	return 0;
}

int
rt_rmap_init(struct rt_rmap *m, struct rt_arena *arena,
	     const struct sa_manifest *mf)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->arena = arena;
	m->arena_lo = rt_arena_base(arena);
	m->arena_hi = m->arena_lo + rt_arena_size(arena);
	if (mf == NULL)
		return 0;
	if (mf->version != SA_MANIFEST_VERSION ||
	    (mf->n_regions > 0 && mf->regions == NULL)) {
		RT_LOG(ERR, "manifest: version %u (expected %u) or no "
		       "regions\n", mf->version, SA_MANIFEST_VERSION);
		return -EINVAL;
	}
	m->has_manifest = 1;
	memcpy(m->manifest_hash, mf->analysis_hash, sizeof(m->manifest_hash));
	if (mf->n_regions == 0) {
		RT_LOG(INFO, "manifest present: no regions\n");
		return 0;
	}
	m->regions = calloc(mf->n_regions, sizeof(*m->regions));
	if (m->regions == NULL)
		return -ENOMEM;
	for (i = 0; i < mf->n_regions; i++) {
		m->regions[i].addr = (uint64_t)(uintptr_t)mf->regions[i].addr;
		m->regions[i].len = mf->regions[i].len;
		m->regions[i].cls = mf->regions[i].cls;
		m->regions[i].name = mf->regions[i].name != NULL ?
				     mf->regions[i].name : "?";
	}
	m->n_regions = mf->n_regions;
	qsort(m->regions, m->n_regions, sizeof(*m->regions), region_cmp);
	if (check_regions(m) < 0) {
		rt_rmap_fini(m);
		return -EINVAL;
	}
	RT_LOG(INFO, "manifest present: %u regions, %" PRIu64 " bytes\n",
	       m->n_regions, rt_rmap_total(m) - rt_arena_used(arena));
	return 0;
}

void
rt_rmap_fini(struct rt_rmap *m)
{
	free(m->regions);
	m->regions = NULL;
	m->n_regions = 0;
}

int
rt_rmap_find(const struct rt_rmap *m, uint64_t addr)
{
	unsigned int lo = 0, hi = m->n_regions, mid;

	/* The last region starting at or below addr. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->regions[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	lo--;
	return addr - m->regions[lo].addr < m->regions[lo].len ? (int)lo : -1;
}

unsigned int
rt_rmap_first_after(const struct rt_rmap *m, uint64_t addr)
{
	unsigned int lo = 0, hi = m->n_regions, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->regions[mid].addr + m->regions[mid].len <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
rt_rmap_contains(const struct rt_rmap *m, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;
	int i;

	if (len == 0 || end < addr)
		return 0;
	if (addr >= m->arena_lo && end <= m->arena_hi)
		return 1;
	i = rt_rmap_find(m, addr);
	if (i < 0)
		return 0;
	/* Regions are disjoint: walk on while they abut. */
	for (;;) {
		const struct rt_rmap_region *r = &m->regions[i];

		if (end <= r->addr + r->len)
			return 1;
		if ((unsigned int)i + 1 == m->n_regions ||
		    r[1].addr != r->addr + r->len)
			return 0;
		i++;
	}
}

const char *
rt_rmap_name(const struct rt_rmap *m, uint64_t addr, uint64_t *off)
{
	int i;

	if (addr >= m->arena_lo && addr < m->arena_hi) {
		*off = addr - m->arena_lo;
		return RT_RMAP_ARENA_NAME;
	}
	i = rt_rmap_find(m, addr);
	if (i < 0) {
		*off = 0;
		return "?";
	}
	*off = addr - m->regions[i].addr;
	return m->regions[i].name;
}

void
rt_rmap_walk(const struct rt_rmap *m, rt_rmap_span_fn fn, void *arg)
{
	unsigned int i;
	int arena_done = 0;

	for (i = 0; i <= m->n_regions; i++) {
		if (!arena_done && (i == m->n_regions ||
				    m->regions[i].addr > m->arena_lo)) {
			fn(arg, m->arena_lo, rt_arena_used(m->arena));
			arena_done = 1;
		}
		if (i < m->n_regions)
			fn(arg, m->regions[i].addr, m->regions[i].len);
	}
}

uint64_t
rt_rmap_total(const struct rt_rmap *m)
{
	uint64_t total = rt_arena_used(m->arena);
	unsigned int i;

	for (i = 0; i < m->n_regions; i++)
		total += m->regions[i].len;
	return total;
}
