/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_POOL_H
#define RT_POOL_H

/*
 * The mbuf pool, and where its memory comes from.
 *
 * With hugepages it is an ordinary pool in EAL's memory. Without them
 * (--no-huge) EAL's memory is a memfd of 4 KiB pages, and when a runtime
 * is killed the kernel unmaps every one of them before it closes the
 * runtime's sockets: the standby learns of a dead primary later by a
 * millisecond or more for every few tens of MB of pool, on the failover
 * path. So the pool then lives in an external malloc heap on anonymous
 * memory advised for transparent huge pages (2 MiB), which a dying
 * process drops in a fraction of that. That memory has no IOVA
 * (RTE_BAD_IOVA): fit for the virtual devices --no-huge runs with, never
 * for a NIC that DMAs (which needs hugepages anyway).
 */

#include <rte_mempool.h>

struct rt_pool {
	struct rte_mempool *mp;
	void *map;		/* the anonymous mapping, or NULL */
	size_t map_len;
	void *heap_va;		/* its 2 MiB-aligned part given to the heap */
	size_t heap_len;
};

/** Creates a pool of @p n mbufs (default data room) named @p name.
 *  @return 0, or -errno (logged). */
int rt_pool_create(struct rt_pool *p, const char *name, unsigned int n);

/** Frees the pool and its heap, if any; a zeroed @p p is ignored. */
void rt_pool_free(struct rt_pool *p);

#endif /* RT_POOL_H */
