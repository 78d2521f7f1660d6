/* SPDX-License-Identifier: BSD-3-Clause */
/* The standby's kept input: alignment with the applied state by input
 * marker (drops on either side, a delta ahead of its input, a marker
 * never seen, identical frames), overflow, replay order, stamps. */
#include <errno.h>

#include "check_main.h"
#include "rt_rxkeep.h"

static int freed;

static void
free_cb(void *pkt)
{
	(void)pkt;
	freed++;
}

/* Packet i of the source's stream: pointer i, marker 1000 + i. */
#define MK(i)	(1000u + (uint64_t)(i))

static void
push_range(struct rt_rxkeep *k, uintptr_t from, uintptr_t to, uintptr_t skip)
{
	uintptr_t i;

	for (i = from; i <= to; i++)
		if (i != skip)
			rt_rxkeep_push(k, (void *)i, (unsigned int)(i & 1),
				       MK(i), 10 * i);
}

static uintptr_t
next_pkt(struct rt_rxkeep *k)
{
	unsigned int arm;
	uint64_t idx;

	return (uintptr_t)rt_rxkeep_pop(k, &arm, &idx);
}

START_TEST(cover_by_marker)
{
	struct rt_rxkeep k;

	freed = 0;
	ck_assert_int_eq(rt_rxkeep_init(&k, 64, free_cb), 0);
	push_range(&k, 1, 10, 0);
	ck_assert_uint_eq(rt_rxkeep_oldest(&k), 10);
	rt_rxkeep_cover(&k, 4, MK(4));	/* the primary had packets 1..4 */
	ck_assert_int_eq(freed, 4);
	ck_assert_uint_eq(rt_rxkeep_count(&k), 6);
	ck_assert_uint_eq(rt_rxkeep_oldest(&k), 50);
	rt_rxkeep_cover(&k, 4, MK(4));	/* a tick-only delta: nothing new */
	rt_rxkeep_cover(&k, 7, MK(7));	/* found where counting expects */
	ck_assert_uint_eq(rt_rxkeep_count(&k), 3);
	ck_assert_int_eq(rt_rxkeep_resume(&k), RT_RXKEEP_ALIGN_MARKER);
	ck_assert_uint_eq(next_pkt(&k), 8);
	rt_rxkeep_fini(&k);
	ck_assert_int_eq(freed, 7 + 2);
}
END_TEST

START_TEST(drop_on_either_side)
{
	struct rt_rxkeep k;

	ck_assert_int_eq(rt_rxkeep_init(&k, 64, free_cb), 0);
	/* The standby's ring lost packet 3: counting would resume at 7. */
	push_range(&k, 1, 10, 3);
	rt_rxkeep_cover(&k, 2, MK(2));
	rt_rxkeep_cover(&k, 6, MK(6));
	ck_assert_int_eq(rt_rxkeep_resume(&k), RT_RXKEEP_ALIGN_MARKER);
	ck_assert_uint_eq(next_pkt(&k), 7);
	rt_rxkeep_fini(&k);
	/* The primary's lost packet 3: its count 5 ends at packet 6. */
	ck_assert_int_eq(rt_rxkeep_init(&k, 64, free_cb), 0);
	push_range(&k, 1, 10, 0);
	rt_rxkeep_cover(&k, 2, MK(2));
	rt_rxkeep_cover(&k, 5, MK(6));
	ck_assert_int_eq(rt_rxkeep_resume(&k), RT_RXKEEP_ALIGN_MARKER);
	ck_assert_uint_eq(next_pkt(&k), 7);
	rt_rxkeep_fini(&k);
}
END_TEST

START_TEST(delta_ahead_of_input)
{
	struct rt_rxkeep k;

	freed = 0;
	ck_assert_int_eq(rt_rxkeep_init(&k, 64, free_cb), 0);
	push_range(&k, 1, 3, 0);
	rt_rxkeep_cover(&k, 5, MK(5));	/* 4 and 5 not received yet */
	ck_assert_uint_eq(rt_rxkeep_count(&k), 3);
	rt_rxkeep_cover(&k, 6, MK(6));	/* still ahead */
	push_range(&k, 4, 5, 0);
	ck_assert_uint_eq(rt_rxkeep_count(&k), 5);
	push_range(&k, 6, 8, 0);	/* 6 releases 1..6 on arrival */
	ck_assert_int_eq(freed, 6);
	ck_assert_int_eq(rt_rxkeep_resume(&k), RT_RXKEEP_ALIGN_MARKER);
	ck_assert_uint_eq(next_pkt(&k), 7);
	rt_rxkeep_fini(&k);
}
END_TEST

START_TEST(marker_missing)
{
	struct rt_rxkeep k;

	ck_assert_int_eq(rt_rxkeep_init(&k, 64, free_cb), 0);
	/* Nothing ever matched: everything kept is replayed. */
	push_range(&k, 1, 5, 0);
	rt_rxkeep_cover(&k, 9, MK(99));
	ck_assert_int_eq(rt_rxkeep_resume(&k), RT_RXKEEP_ALIGN_NONE);
	ck_assert_uint_eq(next_pkt(&k), 1);
	rt_rxkeep_fini(&k);
	/* Lost on the standby after an anchor: count from the anchor. */
	ck_assert_int_eq(rt_rxkeep_init(&k, 64, free_cb), 0);
	push_range(&k, 1, 10, 6);
	rt_rxkeep_cover(&k, 3, MK(3));
	rt_rxkeep_cover(&k, 6, MK(6));
	ck_assert_int_eq(rt_rxkeep_resume(&k), RT_RXKEEP_ALIGN_COUNT);
	ck_assert_uint_eq(k.fallbacks, 1);
	/* RX index 5 is packet 7 here (6 was lost): counting 3 on from
	 * packet 3 skips 4, 5 and 7. */
	ck_assert_uint_eq(next_pkt(&k), 8);
	rt_rxkeep_fini(&k);
}
END_TEST

START_TEST(identical_frames)
{
	struct rt_rxkeep k;
	uintptr_t i;

	ck_assert_int_eq(rt_rxkeep_init(&k, 64, free_cb), 0);
	/* Packets 1..8 all alike but 1: the expected position decides. */
	rt_rxkeep_push(&k, (void *)1, 0, 5, 1);
	for (i = 2; i <= 8; i++)
		rt_rxkeep_push(&k, (void *)i, 0, 7, i);
	rt_rxkeep_cover(&k, 1, 5);
	rt_rxkeep_cover(&k, 5, 7);
	ck_assert_int_eq(rt_rxkeep_resume(&k), RT_RXKEEP_ALIGN_MARKER);
	ck_assert_uint_eq(next_pkt(&k), 6);
	rt_rxkeep_fini(&k);
}
END_TEST

START_TEST(overflow)
{
	struct rt_rxkeep k;
	uintptr_t i;

	freed = 0;
	ck_assert_int_eq(rt_rxkeep_init(&k, 6, free_cb), 0);	/* -> 4 */
	for (i = 1; i <= 6; i++)
		rt_rxkeep_push(&k, (void *)i, 0, MK(i), i);
	ck_assert_uint_eq(k.overflows, 2);
	ck_assert_uint_eq(next_pkt(&k), 3);
	rt_rxkeep_fini(&k);
	ck_assert_int_eq(freed, 2 + 3);
	ck_assert_int_eq(rt_rxkeep_init(&k, 1, free_cb), -EINVAL);
	ck_assert_uint_eq(rt_rxkeep_marker_fix(0), 1);
}
END_TEST

static Suite *
rt_rxkeep_suite(void)
{
	Suite *s = suite_create("rt_rxkeep");
	TCase *tc = sa_tcase(s, "core", 10);

	tcase_add_test(tc, cover_by_marker);
	tcase_add_test(tc, drop_on_either_side);
	tcase_add_test(tc, delta_ahead_of_input);
	tcase_add_test(tc, marker_missing);
	tcase_add_test(tc, identical_frames);
	tcase_add_test(tc, overflow);
	return s;
}

SA_CHECK_MAIN(rt_rxkeep_suite)
