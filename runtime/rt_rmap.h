/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_RMAP_H
#define RT_RMAP_H

/*
 * The replicated memory map: the state arena plus the manifest's regions
 * (globals the analysis found), checked once at start-up and sorted. It
 * answers the questions replication asks: may this range be replicated
 * (the standby writes nowhere else), what is its name for a report, and
 * what is "all replicated state right now" for a snapshot.
 */

#include <stdint.h>

#include <sa/replica.h>

#include "rt_arena.h"

struct rt_rmap_region {
	uint64_t addr;
	uint64_t len;
	uint32_t cls;		/* enum sa_dirty_class */
	const char *name;
};

struct rt_rmap {
	struct rt_arena *arena;
	uint64_t arena_lo;	/* [arena_lo, arena_hi): the whole arena */
	uint64_t arena_hi;
	unsigned int n_regions;
	struct rt_rmap_region *regions;	/* sorted, disjoint */
	int has_manifest;
	uint8_t manifest_hash[SA_MANIFEST_HASH_LEN];	/* zeroes: none */
};

/** Name under which the arena appears in reports. */
#define RT_RMAP_ARENA_NAME "arena"

/**
 * Builds the map of @p arena and @p mf (NULL: arena only). Regions must be
 * non-empty, must not wrap, overlap each other or the arena.
 * @return 0; -EINVAL (bad manifest, logged); -ENOMEM.
 */
int rt_rmap_init(struct rt_rmap *m, struct rt_arena *arena,
		 const struct sa_manifest *mf);

void rt_rmap_fini(struct rt_rmap *m);

/** 1 if [addr, addr + len) lies in the arena or in manifest regions
 *  (adjacent regions count as one), 0 otherwise; len 0 is never inside. */
int rt_rmap_contains(const struct rt_rmap *m, uint64_t addr, uint64_t len);

/** Region holding @p addr (its index), or -1 (arena or outside). */
int rt_rmap_find(const struct rt_rmap *m, uint64_t addr);

/** Index of the first region that ends after @p addr (n_regions: none). */
unsigned int rt_rmap_first_after(const struct rt_rmap *m, uint64_t addr);

/** Name of what holds @p addr and the offset of addr in it, for reports;
 *  "?" when nothing does. */
const char *rt_rmap_name(const struct rt_rmap *m, uint64_t addr,
			 uint64_t *off);

/** Called for each span of replicated memory, in address order. */
typedef void (*rt_rmap_span_fn)(void *arg, uint64_t addr, uint64_t len);

/** Visits every manifest region and the used part of the arena. */
void rt_rmap_walk(const struct rt_rmap *m, rt_rmap_span_fn fn, void *arg);

/** Total bytes rt_rmap_walk() visits now. */
uint64_t rt_rmap_total(const struct rt_rmap *m);

#endif /* RT_RMAP_H */
