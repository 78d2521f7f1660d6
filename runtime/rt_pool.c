/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "rt_log.h"
#include "rt_pool.h"

#define RT_POOL_CACHE		256
#define RT_POOL_HEAP		"sa_pool"
#define RT_POOL_PAGE		(2u << 20)
/* The pool's header, per-lcore caches and ring, besides the objects. */
#define RT_POOL_SLACK		(8u << 20)

static size_t
round_up(size_t v, size_t to)
{
	return (v + to - 1) / to * to;
}

/* Reserves the heap's memory: untouched until the pool populates it, and
 * then faulted in 2 MiB at a time where the kernel can. */
static int
heap_create(struct rt_pool *p, unsigned int n)
{
	struct rte_mempool_objsz sz;
	uintptr_t va;
	int socket;

	rte_mempool_calc_obj_size(sizeof(struct rte_mbuf) +
				  RTE_MBUF_DEFAULT_BUF_SIZE, 0, &sz);
	p->heap_len = round_up((size_t)sz.total_size * n + RT_POOL_SLACK,
			       RT_POOL_PAGE);
	p->map_len = p->heap_len + RT_POOL_PAGE;
	p->map = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p->map == MAP_FAILED) {
		p->map = NULL;
		RT_LOG(ERR, "mbuf pool: cannot map %zu bytes: %s\n",
		       p->map_len, strerror(errno));
		return -ENOMEM;
	}
	va = round_up((uintptr_t)p->map, RT_POOL_PAGE);
	p->heap_va = (void *)va;
	/* Without THP the pool still works, in 4 KiB pages. */
	if (madvise(p->heap_va, p->heap_len, MADV_HUGEPAGE) != 0)
		RT_LOG(INFO, "mbuf pool: no transparent huge pages (%s)\n",
		       strerror(errno));
	if (rte_malloc_heap_create(RT_POOL_HEAP) != 0 ||
	    rte_malloc_heap_memory_add(RT_POOL_HEAP, p->heap_va, p->heap_len,
				       NULL, 0, RT_POOL_PAGE) != 0) {
		RT_LOG(ERR, "mbuf pool: cannot make a heap of %zu bytes: %s\n",
		       p->heap_len, rte_strerror(rte_errno));
		return -rte_errno;
	}
	socket = rte_malloc_heap_get_socket(RT_POOL_HEAP);
	return socket < 0 ? -rte_errno : socket;
}

int
rt_pool_create(struct rt_pool *p, const char *name, unsigned int n)
{
	int socket = (int)rte_socket_id();

	memset(p, 0, sizeof(*p));
	if (!rte_eal_has_hugepages()) {
		socket = heap_create(p, n);
		if (socket < 0) {
			rt_pool_free(p);
			return socket;
		}
	}
	p->mp = rte_pktmbuf_pool_create(name, n, RT_POOL_CACHE, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (p->mp == NULL) {
		int ret = -rte_errno;

		RT_LOG(ERR, "cannot create a pool of %u mbufs: %s\n", n,
		       rte_strerror(rte_errno));
		rt_pool_free(p);
		return ret;
	}
	return 0;
}

void
rt_pool_free(struct rt_pool *p)
{
	rte_mempool_free(p->mp);
	p->mp = NULL;
	if (p->heap_va != NULL &&
	    rte_malloc_heap_memory_remove(RT_POOL_HEAP, p->heap_va,
					  p->heap_len) != 0 &&
	    rte_errno != ENOENT) {
		/* Still in use: unmapping it would pull memory from under
		 * whoever holds it. */
		RT_LOG(WARNING, "mbuf pool: heap memory still in use: %s\n",
		       rte_strerror(rte_errno));
		return;
	}
	if (p->heap_va != NULL)
		rte_malloc_heap_destroy(RT_POOL_HEAP);
	p->heap_va = NULL;
	if (p->map != NULL)
		munmap(p->map, p->map_len);
	p->map = NULL;
}
