/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state arena: it sits at its fixed base or refuses, hands out
 * aligned zeroed blocks, is deterministic (same calls, same addresses and
 * the same bytes, metadata included) and returns NULL when exhausted.
 * Each test forks (Check's default), so every one maps the same base.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <check.h>

#include "check_main.h"
#include "rt_arena.h"
#include "rt_ctx.h"
#include <sa/replica.h>

#define TEST_BASE	0x610000000000ULL
#define TEST_SIZE	(16ULL << 20)
#define TEST_SMALL	(1ULL << 20)
#define TEST_OPS	2000
#define TEST_SLOTS	64
#define TEST_SEED	12345u
#define TEST_TIMEOUT	10

static struct rt_arena *
arena(uint64_t size)
{
	struct rt_arena *a = NULL;

	ck_assert_int_eq(rt_arena_create(TEST_BASE, size, &a), 0);
	return a;
}

START_TEST(fixed_base)
{
	struct rt_arena *a = arena(TEST_SIZE);
	uint8_t *p = rt_arena_get(a, 100);

	ck_assert_ptr_eq(a, (void *)(uintptr_t)TEST_BASE);
	ck_assert_uint_eq(rt_arena_base(a), TEST_BASE);
	ck_assert_uint_eq(rt_arena_size(a), TEST_SIZE);
	ck_assert((uintptr_t)p >= TEST_BASE &&
		  (uintptr_t)p + 100 <= TEST_BASE + rt_arena_used(a));
	ck_assert_uint_eq((uintptr_t)p % RT_ARENA_ALIGN, 0);
	rt_arena_free(a);
}
END_TEST

START_TEST(base_taken)
{
	struct rt_arena *a = NULL;
	void *p = mmap((void *)(uintptr_t)(TEST_BASE + TEST_SIZE / 2), 4096,
		       PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(rt_arena_create(TEST_BASE, TEST_SIZE, &a), -EEXIST);
}
END_TEST

START_TEST(bad_geometry)
{
	struct rt_arena *a = NULL;

	ck_assert_int_eq(rt_arena_create(TEST_BASE + 1, TEST_SIZE, &a),
			 -EINVAL);
	ck_assert_int_eq(rt_arena_create(TEST_BASE, TEST_SIZE + 1, &a),
			 -EINVAL);
	ck_assert_int_eq(rt_arena_create(TEST_BASE, 4096, &a), -EINVAL);
	ck_assert_int_eq(rt_arena_create(1ULL << 47, TEST_SIZE, &a), -EINVAL);
}
END_TEST

START_TEST(zeroed_and_recycled)
{
	struct rt_arena *a = arena(TEST_SIZE);
	uint8_t *p = rt_arena_get(a, 200), *q;
	size_t i;

	memset(p, 0xab, 200);
	rt_arena_put(a, p);
	q = rt_arena_get(a, 180);
	ck_assert_ptr_eq(p, q);		/* same class, LIFO */
	for (i = 0; i < 180; i++)
		ck_assert_uint_eq(q[i], 0);
	p = rt_arena_get(a, 300000);	/* large */
	memset(p, 0xcd, 300000);
	rt_arena_put(a, p);
	q = rt_arena_get(a, 250000);
	ck_assert_ptr_eq(p, q);		/* first fit */
	for (i = 0; i < 250000; i++)
		ck_assert_uint_eq(q[i], 0);
	rt_arena_put(a, (uint8_t *)q + 8);	/* not a block */
	rt_arena_put(a, &i);			/* not in the arena */
	ck_assert_uint_eq(rt_arena_bad_puts(a), 2);
	rt_arena_free(a);
}
END_TEST

/* A fixed pseudo-random sequence of gets and puts; fills @p addr with the
 * address each get returned. */
static void
replay(struct rt_arena *a, uintptr_t *addr)
{
	void *slot[TEST_SLOTS] = { 0 };
	unsigned int seed = TEST_SEED, i, s;
	size_t size;

	for (i = 0; i < TEST_OPS; i++) {
		seed = seed * 1103515245u + 12345u;
		s = (seed >> 8) % TEST_SLOTS;
		size = (seed >> 16) % 5 == 0 ? 70000 + (seed >> 4) % 50000 :
					       1 + (seed >> 12) % 3000;
		if (slot[s] != NULL) {
			rt_arena_put(a, slot[s]);
			slot[s] = NULL;
			addr[i] = 0;
		} else {
			slot[s] = rt_arena_get(a, size);
			ck_assert_ptr_nonnull(slot[s]);
			memset(slot[s], (int)(i & 0xff), size);
			addr[i] = (uintptr_t)slot[s];
		}
	}
}

START_TEST(deterministic)
{
	uintptr_t *first = calloc(TEST_OPS, sizeof(*first));
	uintptr_t *second = calloc(TEST_OPS, sizeof(*second));
	struct rt_arena *a = arena(TEST_SIZE);
	uint64_t used;
	uint8_t *copy;

	replay(a, first);
	used = rt_arena_used(a);
	copy = malloc(used);
	memcpy(copy, a, used);
	rt_arena_free(a);
	a = arena(TEST_SIZE);
	replay(a, second);
	ck_assert_uint_eq(rt_arena_used(a), used);
	ck_assert_mem_eq(first, second, TEST_OPS * sizeof(*first));
	/* Metadata included: a replica of these bytes is this arena. */
	ck_assert_mem_eq(copy, a, used);
	rt_arena_free(a);
	free(copy);
	free(first);
	free(second);
}
END_TEST

START_TEST(exhaustion)
{
	struct rt_arena *a = arena(TEST_SMALL);
	void *p, *last = NULL;
	unsigned int n = 0;

	ck_assert_ptr_null(rt_arena_get(a, TEST_SMALL));
	while ((p = rt_arena_get(a, 1000)) != NULL) {
		last = p;
		n++;
	}
	ck_assert_uint_gt(n, 100);
	ck_assert_ptr_null(rt_arena_get(a, 1000));
	rt_arena_put(a, last);
	ck_assert_ptr_eq(rt_arena_get(a, 1000), last);
	rt_arena_free(a);
}
END_TEST

START_TEST(state_alloc)
{
	struct rt_arena *a = arena(TEST_SMALL);
	void *p;

	rt_ctx_set_arena(NULL);
	ck_assert_ptr_null(sa_state_alloc(64));
	rt_ctx_set_arena(a);
	p = sa_state_alloc(64);
	ck_assert((uintptr_t)p > TEST_BASE &&
		  (uintptr_t)p < TEST_BASE + TEST_SMALL);
	ck_assert_ptr_null(sa_state_alloc(2 * TEST_SMALL));
	sa_state_free(p);
	ck_assert_uint_eq(rt_arena_in_use(a), 0);
	rt_ctx_set_arena(NULL);
	rt_arena_free(a);
}
END_TEST

/* What realloc and SA_DIRTY_LEN_UNKNOWN need: a block's size and where
 * the block holding an address ends. */
START_TEST(block_size)
{
	struct rt_arena *a = arena(TEST_SMALL);
	uint8_t *p = rt_arena_get(a, 100), *q = rt_arena_get(a, 5000);
	uint64_t end_p;

	ck_assert_uint_eq(rt_arena_block_size(a, p), 128);
	ck_assert_uint_eq(rt_arena_block_size(a, q), 8192);
	ck_assert_uint_eq(rt_arena_block_size(a, p + 1), 0);
	ck_assert_uint_eq(rt_arena_block_size(a, NULL), 0);
	ck_assert_uint_eq(rt_arena_block_size(a, (void *)(uintptr_t)
					       TEST_BASE), 0);
	end_p = (uint64_t)(uintptr_t)(p + 128);
	ck_assert_uint_eq(rt_arena_block_end(a, (uintptr_t)p), end_p);
	ck_assert_uint_eq(rt_arena_block_end(a, (uintptr_t)(p + 127)), end_p);
	ck_assert_uint_eq(rt_arena_block_end(a, (uintptr_t)(q + 10)),
			  (uintptr_t)(q + 8192));
	ck_assert_uint_eq(rt_arena_block_end(a, TEST_BASE + rt_arena_used(a)),
			  0);
	ck_assert_uint_eq(rt_arena_block_end(a, TEST_BASE - 1), 0);
	rt_arena_put(a, p);
	ck_assert_uint_eq(rt_arena_block_size(a, p), 0);
	/* A freed block still tiles the arena. */
	ck_assert_uint_eq(rt_arena_block_end(a, (uintptr_t)(q + 10)),
			  (uintptr_t)(q + 8192));
	rt_arena_free(a);
}
END_TEST

/* The C allocator's contracts over the arena (sa/replica.h). */
START_TEST(state_realloc)
{
	struct rt_arena *a = arena(TEST_SMALL);
	uint8_t *p, *q;
	char *s;
	void *r = NULL;

	rt_ctx_set_arena(a);
	ck_assert_ptr_null(sa_state_calloc(SIZE_MAX / 2, 4));
	p = sa_state_calloc(10, 10);
	ck_assert_ptr_nonnull(p);
	memset(p, 0xab, 100);
	ck_assert_ptr_eq(sa_state_realloc(p, 120), p);
	q = sa_state_realloc(p, 1000);
	ck_assert_ptr_nonnull(q);
	ck_assert(q != p);
	ck_assert_uint_eq(q[99], 0xab);
	ck_assert_uint_eq(q[500], 0);
	ck_assert_uint_eq(rt_arena_block_size(a, p), 0);
	ck_assert_ptr_null(sa_state_realloc(q, 0));
	ck_assert_uint_eq(rt_arena_in_use(a), 0);
	s = sa_state_strndup("flowtable", 4);
	ck_assert_str_eq(s, "flow");
	sa_state_free(s);
	s = sa_state_strdup("flowtable");
	ck_assert_str_eq(s, "flowtable");
	ck_assert_ptr_null(sa_state_aligned_alloc(128, 64));
	ck_assert_int_eq(sa_state_posix_memalign(&r, 3, 64), EINVAL);
	ck_assert_int_eq(sa_state_posix_memalign(&r, 64, 64), 0);
	ck_assert_uint_eq((uintptr_t)r % 64, 0);
	rt_ctx_set_arena(NULL);
	rt_arena_free(a);
}
END_TEST

static Suite *
rt_arena_suite(void)
{
	Suite *s = suite_create("rt_arena");
	TCase *tc;

	tc = sa_tcase(s, "core", TEST_TIMEOUT);
	tcase_add_test(tc, fixed_base);
	tcase_add_test(tc, zeroed_and_recycled);
	tcase_add_test(tc, state_alloc);
	tcase_add_test(tc, block_size);
	tcase_add_test(tc, state_realloc);
	tc = sa_tcase(s, "limits", TEST_TIMEOUT);
	tcase_add_test(tc, base_taken);
	tcase_add_test(tc, bad_geometry);
	tcase_add_test(tc, exhaustion);
	tc = sa_tcase(s, "determinism", TEST_TIMEOUT);
	tcase_add_test(tc, deterministic);
	return s;
}

SA_CHECK_MAIN(rt_arena_suite)
