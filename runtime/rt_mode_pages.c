/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pages: the dirty 4 KiB pages of replicated memory since the last batch,
 * clipped to the manifest regions and the used arena — what a
 * process-checkpointing system would send. Two kernel mechanisms, the
 * first that works here:
 *
 *   soft-dirty  write "4" to /proc/self/clear_refs, read bit 55 of each
 *               page's /proc/self/pagemap entry (CONFIG_MEM_SOFT_DIRTY);
 *   uffd-wp     userfaultfd asynchronous write protection on the tracked
 *               ranges, read and re-armed atomically with the PAGEMAP_SCAN
 *               ioctl (Linux 6.7+), for kernels built without soft-dirty.
 *
 * Pages are scanned once per batch over the page-aligned covers of the
 * tracked spans, merged, so a page shared by two spans is seen once.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

#include <rte_common.h>

#include "rt_log.h"
#include "rt_mode.h"

#define RT_PAGE			4096ULL
#define RT_PAGEMAP_SOFT_DIRTY	(1ULL << 55)
#define RT_CLEAR_SOFT_DIRTY	"4"
#define RT_PAGES_VEC		256	/* page regions per PAGEMAP_SCAN */
#define RT_PAGES_COVERS_MAX	1024
#define RT_PAGES_INIT_CAP	256

/* Linux 6.7 UAPI (linux/fs.h, linux/userfaultfd.h); Debian 12's headers
 * predate it. */
#ifndef PAGEMAP_SCAN
struct pm_scan_arg {
	uint64_t size;
	uint64_t flags;
	uint64_t start;
	uint64_t end;
	uint64_t walk_end;
	uint64_t vec;
	uint64_t vec_len;
	uint64_t max_pages;
	uint64_t category_inverted;
	uint64_t category_mask;
	uint64_t category_anyof_mask;
	uint64_t return_mask;
};

struct page_region {
	uint64_t start;
	uint64_t end;
	uint64_t categories;
};

#define PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#define PM_SCAN_WP_MATCHING	(1 << 0)
#define PM_SCAN_CHECK_WPASYNC	(1 << 1)
#define PAGE_IS_WRITTEN		(1 << 1)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_UNPOPULATED	(1 << 13)
#define UFFD_FEATURE_WP_ASYNC		(1 << 15)
#endif

enum rt_pages_backend {
	RT_PAGES_SOFT_DIRTY,
	RT_PAGES_UFFD,
};

struct rt_pages {
	enum rt_pages_backend backend;
	int pagemap_fd;
	int clear_refs_fd;
	int uffd;
	/* Spans of replicated memory this batch, and the page covers of the
	 * tracked ones. */
	struct rt_range spans[RT_PAGES_COVERS_MAX];
	uint8_t span_untracked[RT_PAGES_COVERS_MAX];
	unsigned int n_spans;
	struct rt_range covers[RT_PAGES_COVERS_MAX];
	unsigned int n_covers;
	/* Spans uffd could not register (file-backed): always sent. */
	struct rt_range untracked[RT_PAGES_COVERS_MAX];
	unsigned int n_untracked;
	/* Dirty pages found, then the clipped output. */
	struct rt_range *dirty;
	unsigned int n_dirty, cap_dirty;
	struct rt_range *out;
	unsigned int n_out, cap_out;
	uint64_t ents[RT_PAGES_VEC];
	struct page_region vec[RT_PAGES_VEC];
};

static int
push(struct rt_range **arr, unsigned int *n, unsigned int *cap,
     uint64_t addr, uint64_t len)
{
	if (*n > 0 && (*arr)[*n - 1].addr + (*arr)[*n - 1].len == addr) {
		(*arr)[*n - 1].len += len;
		return 0;
	}
	if (*n == *cap) {
		unsigned int c = *cap ? *cap * 2 : RT_PAGES_INIT_CAP;
		struct rt_range *p = realloc(*arr, c * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		*arr = p;
		*cap = c;
	}
	(*arr)[*n].addr = addr;
	(*arr)[*n].len = len;
	(*n)++;
	return 0;
}

static void
span_cb(void *arg, uint64_t addr, uint64_t len)
{
	struct rt_pages *pg = arg;
	uint64_t lo = RTE_ALIGN_FLOOR(addr, RT_PAGE);
	uint64_t hi = RTE_ALIGN_CEIL(addr + len, RT_PAGE);
	struct rt_range *last;

	unsigned int u;

	if (len == 0 || pg->n_spans == RT_PAGES_COVERS_MAX)
		return;
	pg->spans[pg->n_spans].addr = addr;
	pg->spans[pg->n_spans].len = len;
	pg->span_untracked[pg->n_spans] = 0;
	for (u = 0; u < pg->n_untracked; u++)
		if (pg->untracked[u].addr == addr)
			pg->span_untracked[pg->n_spans] = 1;
	if (pg->span_untracked[pg->n_spans++])
		return;
	last = pg->n_covers ? &pg->covers[pg->n_covers - 1] : NULL;
	if (last != NULL && lo <= last->addr + last->len) {
		if (hi > last->addr + last->len)
			last->len = hi - last->addr;
		return;
	}
	pg->covers[pg->n_covers].addr = lo;
	pg->covers[pg->n_covers++].len = hi - lo;
}

/* The spans and covers of replicated memory now (the arena grows). */
static void
spans_refresh(struct rt_mode *md, struct rt_pages *pg)
{
	pg->n_spans = 0;
	pg->n_covers = 0;
	rt_rmap_walk(md->rmap, span_cb, pg);
}

static int
soft_dirty_scan(struct rt_pages *pg, const struct rt_range *c)
{
	uint64_t page, n, i, first = c->addr / RT_PAGE;
	uint64_t last = first + c->len / RT_PAGE;
	ssize_t got;

	for (page = first; page < last; page += n) {
		n = RTE_MIN(last - page, (uint64_t)RT_PAGES_VEC);
		got = pread(pg->pagemap_fd, pg->ents, n * sizeof(uint64_t),
			    (off_t)(page * sizeof(uint64_t)));
		if (got != (ssize_t)(n * sizeof(uint64_t)))
			return -EIO;
		for (i = 0; i < n; i++)
			if ((pg->ents[i] & RT_PAGEMAP_SOFT_DIRTY) &&
			    push(&pg->dirty, &pg->n_dirty, &pg->cap_dirty,
				 (page + i) * RT_PAGE, RT_PAGE) < 0)
				return -ENOMEM;
	}
	return 0;
}

static int
soft_dirty_clear(struct rt_pages *pg)
{
	return pwrite(pg->clear_refs_fd, RT_CLEAR_SOFT_DIRTY, 1, 0) == 1 ?
	       0 : -errno;
}

/* Reports the written pages of @p c and write-protects them again. */
static int
uffd_scan(struct rt_pages *pg, const struct rt_range *c)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
		.start = c->addr,
		.end = c->addr + c->len,
		.vec = (uint64_t)(uintptr_t)pg->vec,
		.vec_len = RT_PAGES_VEC,
		.category_mask = PAGE_IS_WRITTEN,
		.return_mask = PAGE_IS_WRITTEN,
	};
	long n, i;

	do {
		n = ioctl(pg->pagemap_fd, PAGEMAP_SCAN, &arg);
		if (n < 0)
			return -errno;
		for (i = 0; i < n; i++)
			if (push(&pg->dirty, &pg->n_dirty, &pg->cap_dirty,
				 pg->vec[i].start,
				 pg->vec[i].end - pg->vec[i].start) < 0)
				return -ENOMEM;
		arg.start = arg.walk_end;
	} while (arg.walk_end < arg.end);
	return 0;
}

static int
scan_all(struct rt_mode *md, struct rt_pages *pg)
{
	unsigned int i;
	int ret = 0;

	spans_refresh(md, pg);
	pg->n_dirty = 0;
	for (i = 0; i < pg->n_covers && ret == 0; i++)
		ret = pg->backend == RT_PAGES_UFFD ?
		      uffd_scan(pg, &pg->covers[i]) :
		      soft_dirty_scan(pg, &pg->covers[i]);
	if (ret == 0 && pg->backend == RT_PAGES_SOFT_DIRTY)
		ret = soft_dirty_clear(pg);
	md->stats->page_scans++;
	return ret;
}

/* out = the dirty pages clipped to each tracked span, and every untracked
 * span whole; spans and pages are sorted, so out is too. */
static int
clip_to_spans(struct rt_pages *pg)
{
	unsigned int d = 0, s;
	uint64_t lo, hi, end;

	pg->n_out = 0;
	for (s = 0; s < pg->n_spans; s++) {
		const struct rt_range *b = &pg->spans[s];

		end = b->addr + b->len;
		if (pg->span_untracked[s]) {
			if (push(&pg->out, &pg->n_out, &pg->cap_out, b->addr,
				 b->len) < 0)
				return -ENOMEM;
			continue;
		}
		while (d < pg->n_dirty &&
		       pg->dirty[d].addr + pg->dirty[d].len <= b->addr)
			d++;
		for (; d < pg->n_dirty && pg->dirty[d].addr < end; d++) {
			lo = RTE_MAX(pg->dirty[d].addr, b->addr);
			hi = RTE_MIN(pg->dirty[d].addr + pg->dirty[d].len, end);
			if (push(&pg->out, &pg->n_out, &pg->cap_out, lo,
				 hi - lo) < 0)
				return -ENOMEM;
			if (pg->dirty[d].addr + pg->dirty[d].len > end)
				break;	/* the page continues into the next span */
		}
	}
	return 0;
}

static unsigned int
pages_collect(struct rt_mode *md, const struct rt_range **out, int *all)
{
	struct rt_pages *pg = md->priv;
	unsigned int i;

	*all = 0;
	if (scan_all(md, pg) < 0 || clip_to_spans(pg) < 0) {
		/* Nothing is known to be clean: send everything. */
		*all = 1;
		return 0;
	}
	for (i = 0; i < pg->n_dirty; i++)
		md->stats->dirty_pages += pg->dirty[i].len / RT_PAGE;
	*out = pg->out;
	return pg->n_out;
}

static void
pages_reset(struct rt_mode *md)
{
	if (scan_all(md, md->priv) < 0)
		RT_LOG(WARNING, "pages: resetting the dirty bits failed\n");
}

/* Soft-dirty works if a page written after clearing reads back dirty. */
static int
soft_dirty_probe(struct rt_pages *pg)
{
	static uint8_t probe[2 * RT_PAGE];
	volatile uint8_t *page = (uint8_t *)RTE_ALIGN_CEIL(
		(uintptr_t)probe, RT_PAGE);
	uint64_t ent = 0;

	pg->clear_refs_fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	if (pg->clear_refs_fd < 0 || soft_dirty_clear(pg) < 0)
		return -ENOTSUP;
	*page = 1;
	if (pread(pg->pagemap_fd, &ent, sizeof(ent),
		  (off_t)((uintptr_t)page / RT_PAGE * sizeof(ent))) !=
	    sizeof(ent) || !(ent & RT_PAGEMAP_SOFT_DIRTY))
		return -ENOTSUP;
	return 0;
}

static int
uffd_open(struct rt_pages *pg)
{
	static const uint64_t features[] = {
		UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED,
		UFFD_FEATURE_WP_ASYNC,
	};
	struct uffdio_api api;
	unsigned int i;

	for (i = 0; i < RTE_DIM(features); i++) {
		pg->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		if (pg->uffd < 0)
			return -errno;
		api = (struct uffdio_api){ .api = UFFD_API,
					   .features = features[i] };
		if (ioctl(pg->uffd, UFFDIO_API, &api) == 0)
			return 0;
		close(pg->uffd);
		pg->uffd = -1;
	}
	return -ENOTSUP;
}

/* Registers the page cover of every span: the whole arena (it grows) and
 * each region; a region in a file-backed mapping (.data) cannot be, and
 * is then sent whole every batch. */
static int
uffd_register(struct rt_mode *md, struct rt_pages *pg)
{
	struct uffdio_register reg;
	unsigned int i;

	spans_refresh(md, pg);
	for (i = 0; i < pg->n_spans; i++) {
		uint64_t lo = RTE_ALIGN_FLOOR(pg->spans[i].addr, RT_PAGE);
		uint64_t hi = RTE_ALIGN_CEIL(pg->spans[i].addr +
					     pg->spans[i].len, RT_PAGE);

		if (pg->spans[i].addr == md->rmap->arena_lo)
			hi = md->rmap->arena_hi;
		reg = (struct uffdio_register){
			.range = { .start = lo, .len = hi - lo },
			.mode = UFFDIO_REGISTER_MODE_WP,
		};
		if (ioctl(pg->uffd, UFFDIO_REGISTER, &reg) == 0)
			continue;
		if (pg->spans[i].addr == md->rmap->arena_lo)
			return -errno;
		pg->untracked[pg->n_untracked++] = pg->spans[i];
		RT_LOG(NOTICE, "pages: 0x%" PRIx64 "+%" PRIu64 " cannot be "
		       "write-tracked; sent whole every batch\n",
		       pg->spans[i].addr, pg->spans[i].len);
	}
	return 0;
}

static void pages_stop(struct rt_mode *md);

static int
pages_start(struct rt_mode *md)
{
	struct rt_pages *pg = calloc(1, sizeof(*pg));
	int ret;

	if (pg == NULL)
		return -ENOMEM;
	md->priv = pg;
	pg->clear_refs_fd = -1;
	pg->uffd = -1;
	pg->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pg->pagemap_fd < 0) {
		ret = -errno;
		RT_LOG(ERR, "pages: /proc/self/pagemap: %s\n", strerror(-ret));
		goto err;
	}
	if (soft_dirty_probe(pg) == 0) {
		pg->backend = RT_PAGES_SOFT_DIRTY;
		RT_LOG(INFO, "pages: tracking with soft-dirty bits\n");
	} else {
		pg->backend = RT_PAGES_UFFD;
		ret = uffd_open(pg);
		if (ret == 0)
			ret = uffd_register(md, pg);
		if (ret < 0) {
			RT_LOG(ERR, "pages: this kernel has neither soft-dirty "
			       "bits nor userfaultfd async write protection "
			       "(Linux 6.7+): %s\n", strerror(-ret));
			goto err;
		}
		RT_LOG(INFO, "pages: no soft-dirty bits in this kernel; "
		       "tracking with userfaultfd write protection\n");
	}
	pages_reset(md);
	return 0;
err:
	pages_stop(md);
	return ret;
}

static void
pages_stop(struct rt_mode *md)
{
	struct rt_pages *pg = md->priv;

	if (pg == NULL)
		return;
	/* Closing the userfaultfd unregisters its ranges. */
	if (pg->uffd >= 0)
		close(pg->uffd);
	if (pg->clear_refs_fd >= 0)
		close(pg->clear_refs_fd);
	if (pg->pagemap_fd >= 0)
		close(pg->pagemap_fd);
	free(pg->dirty);
	free(pg->out);
	free(pg);
	md->priv = NULL;
}

const struct rt_mode_ops rt_mode_pages_ops = {
	.name = "pages",
	.start = pages_start,
	.collect = pages_collect,
	.reset = pages_reset,
	.stop = pages_stop,
};
