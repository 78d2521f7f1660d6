/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dirty log behind sa_dirty_hook(): ranges of the logged classes in
 * the arena or a manifest region are kept and coalesced; ranges outside
 * are ignored and counted, ranges across a boundary clipped and counted;
 * the runtime's own notes are kept whatever the classes; a full log marks
 * the batch overflowed. Also the hook mode's ops on top of it.
 */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "check_main.h"
#include "rt_arena.h"
#include "rt_dirty.h"
#include "rt_mode.h"

#define TEST_BASE	0x630000000000ULL
#define TEST_SIZE	(2ULL << 20)
#define TEST_TIMEOUT	10
#define OI		SA_DIRTY_OUTPUT_IMPACTING
#define UO		SA_DIRTY_UPDATE_ONLY

static struct {
	uint8_t region[256];
	uint8_t guard[64];
} g;
static const struct sa_manifest_region regions[] = {
	{ g.region, sizeof(g.region), OI, "region" },
};
static const struct sa_manifest manifest = {
	.version = SA_MANIFEST_VERSION,
	.n_regions = 1,
	.regions = regions,
};

static struct rt_arena *arena;
static struct rt_rmap rmap;
static uint8_t *mem;
static struct rt_dirty_stats base;

static void
setup(void)
{
	ck_assert_int_eq(rt_arena_create(TEST_BASE, TEST_SIZE, &arena), 0);
	mem = rt_arena_get(arena, 65536);
	ck_assert_int_eq(rt_rmap_init(&rmap, arena, &manifest), 0);
	rt_dirty_enable(&rmap, RT_DIRTY_CLASS(OI));
	base = *rt_dirty_stats();
}

static void
teardown(void)
{
	rt_dirty_disable();
	rt_rmap_fini(&rmap);
	rt_arena_free(arena);
}

static unsigned int
collect(const struct rt_range **r, int *overflow)
{
	return rt_dirty_collect(r, overflow);
}

START_TEST(coalesced)
{
	const struct rt_range *r;
	int overflow;

	sa_dirty_hook(mem + 100, 8, OI);
	sa_dirty_hook(mem + 10, 4, OI);
	sa_dirty_hook(mem + 108, 8, OI);	/* extends the first */
	sa_dirty_hook(mem + 12, 10, OI);	/* overlaps the second */
	sa_dirty_hook(g.region + 5, 3, OI);
	sa_dirty_hook(mem + 4000, 1, UO);	/* class not logged */
	ck_assert_uint_eq(collect(&r, &overflow), 3);
	ck_assert_int_eq(overflow, 0);
	ck_assert_uint_eq(r[0].addr, (uintptr_t)g.region + 5);
	ck_assert_uint_eq(r[0].len, 3);
	ck_assert_uint_eq(r[1].addr, (uintptr_t)mem + 10);
	ck_assert_uint_eq(r[1].len, 12);
	ck_assert_uint_eq(r[2].addr, (uintptr_t)mem + 100);
	ck_assert_uint_eq(r[2].len, 16);
	ck_assert_uint_eq(rt_dirty_stats()->hooks - base.hooks, 5);
	rt_dirty_reset();
	ck_assert_uint_eq(collect(&r, &overflow), 0);
}
END_TEST

/* Many ranges in hash order, repeats and overlaps included, as a flow
 * table's stores come: the result is exactly the union, sorted. */
START_TEST(many_unsorted)
{
	static uint8_t want[65536];
	const struct rt_range *r;
	uint64_t x = 88172645463325252ULL, off, len;
	unsigned int i, n, k = 0;
	int overflow;

	memset(want, 0, sizeof(want));
	for (i = 0; i < 3000; i++) {
		/* xorshift64: reproducible, no libc state */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		off = x % 60000;
		len = 1 + (x >> 32) % 24;
		memset(want + off, 1, len);
		sa_dirty_hook(mem + off, len, OI);
	}
	n = collect(&r, &overflow);
	ck_assert_int_eq(overflow, 0);
	for (i = 0; i < n; i++) {
		ck_assert(i == 0 || r[i].addr > r[i - 1].addr + r[i - 1].len);
		off = r[i].addr - (uintptr_t)mem;
		for (; k < off; k++)
			ck_assert_uint_eq(want[k], 0);
		for (; k < off + r[i].len; k++)
			ck_assert_uint_eq(want[k], 1);
	}
	for (; k < sizeof(want); k++)
		ck_assert_uint_eq(want[k], 0);
}
END_TEST

/* A flow update is a packet with an OUTPUT_IMPACTING hook call, counted
 * even when that class is not logged. */
START_TEST(flow_updates)
{
	uint64_t before = rt_dirty_stats()->flow_updates;

	rt_dirty_enable(&rmap, RT_DIRTY_CLASS(UO));
	rt_dirty_packet_begin();
	sa_dirty_hook(mem, 8, OI);
	sa_dirty_hook(mem + 64, 8, OI);
	rt_dirty_packet_end();
	rt_dirty_packet_begin();
	sa_dirty_hook(mem, 8, UO);
	rt_dirty_packet_end();
	rt_dirty_disable();
	rt_dirty_packet_begin();
	sa_dirty_hook(mem, 8, OI);
	rt_dirty_packet_end();
	ck_assert_uint_eq(rt_dirty_stats()->flow_updates - before, 2);
}
END_TEST

START_TEST(outside_and_clipped)
{
	const struct rt_range *r;
	int overflow;

	sa_dirty_hook(g.guard, 8, OI);			/* outside */
	sa_dirty_hook(&overflow, sizeof(overflow), OI);	/* outside */
	sa_dirty_hook(g.region + 250, 20, OI);		/* clipped */
	sa_dirty_hook((void *)(uintptr_t)(TEST_BASE + TEST_SIZE - 2), 8, OI);
	sa_dirty_hook((void *)(uintptr_t)UINT64_MAX, 8, OI);	/* wraps */
	sa_dirty_hook(mem, 0, OI);			/* empty */
	ck_assert_uint_eq(collect(&r, &overflow), 2);
	ck_assert_uint_eq(r[0].addr, (uintptr_t)g.region + 250);
	ck_assert_uint_eq(r[0].len, 6);
	ck_assert_uint_eq(r[1].addr, TEST_BASE + TEST_SIZE - 2);
	ck_assert_uint_eq(r[1].len, 2);
	ck_assert_uint_eq(rt_dirty_stats()->ignored - base.ignored, 3);
	ck_assert_uint_eq(rt_dirty_stats()->clipped - base.clipped, 2);
}
END_TEST

START_TEST(overflow)
{
	const struct rt_range *r;
	unsigned int i;
	int overflow;

	/* Disjoint ranges: every other byte of the arena block. */
	for (i = 0; i <= RT_DIRTY_LOG_MAX; i++)
		sa_dirty_hook(mem + 2 * i, 1, OI);
	ck_assert_uint_eq(collect(&r, &overflow), RT_DIRTY_LOG_MAX);
	ck_assert_int_eq(overflow, 1);
	ck_assert_uint_eq(rt_dirty_stats()->overflows - base.overflows, 1);
	rt_dirty_reset();
	sa_dirty_hook(mem, 1, OI);
	ck_assert_uint_eq(collect(&r, &overflow), 1);
	ck_assert_int_eq(overflow, 0);
}
END_TEST

START_TEST(notes_and_off)
{
	const struct rt_range *r;
	int overflow;
	void *p;

	/* The allocator's writes are logged without any hook. */
	rt_dirty_reset();
	p = rt_arena_get(arena, 100);
	ck_assert_uint_ge(collect(&r, &overflow), 1);
	rt_dirty_disable();
	rt_arena_put(arena, p);
	sa_dirty_hook(mem, 1, OI);
	ck_assert_uint_eq(collect(&r, &overflow), 0);
	sa_dirty_hook(mem, 1, 7);			/* unknown class */
	ck_assert_uint_eq(collect(&r, &overflow), 0);
}
END_TEST

START_TEST(hook_mode)
{
	struct rt_repl_stats stats = { 0 };
	const struct rt_range *r;
	struct rt_mode md;
	int all;

	ck_assert_int_eq(rt_mode_init(&md, RT_REPL_ANALYZED, &rmap, 0, &stats),
			 0);
	ck_assert_ptr_eq(md.ops, &rt_mode_hook_ops);
	sa_dirty_hook(mem, 4, UO);
	sa_dirty_hook(mem + 64, 4, OI);
	ck_assert_uint_eq(md.ops->collect(&md, &r, &all), 1);
	ck_assert_int_eq(all, 0);
	rt_mode_fini(&md);
	ck_assert_int_eq(rt_mode_init(&md, RT_REPL_UPDATEABLE, &rmap, 0,
				      &stats), 0);
	sa_dirty_hook(mem, 4, UO);
	sa_dirty_hook(mem + 64, 4, OI);
	ck_assert_uint_eq(md.ops->collect(&md, &r, &all), 2);
	rt_mode_fini(&md);
	ck_assert_int_eq(rt_mode_init(&md, RT_REPL_SNAPSHOT, &rmap, 0, &stats),
			 0);
	md.ops->collect(&md, &r, &all);
	ck_assert_int_eq(all, 1);
	rt_mode_fini(&md);
}
END_TEST

static Suite *
rt_dirty_suite(void)
{
	Suite *s = suite_create("rt_dirty");
	TCase *tc;

	tc = sa_tcase(s, "core", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, coalesced);
	tcase_add_test(tc, many_unsorted);
	tcase_add_test(tc, flow_updates);
	tcase_add_test(tc, notes_and_off);
	tcase_add_test(tc, hook_mode);
	tc = sa_tcase(s, "limits", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, outside_and_clipped);
	tcase_add_test(tc, overflow);
	return s;
}

SA_CHECK_MAIN(rt_dirty_suite)
