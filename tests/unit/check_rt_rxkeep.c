/* SPDX-License-Identifier: BSD-3-Clause */
/* The standby's kept input: RX indices, trimming by the applied
 * input_count, overflow, replay order. */
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

START_TEST(trim_pop)
{
	struct rt_rxkeep k;
	uintptr_t i;
	unsigned int arm;
	uint64_t idx;

	freed = 0;
	ck_assert_int_eq(rt_rxkeep_init(&k, 16, free_cb), 0);
	for (i = 1; i <= 10; i++)
		rt_rxkeep_push(&k, (void *)i, (unsigned int)(i & 1));
	rt_rxkeep_trim(&k, 4);		/* state covers packets 0..3 */
	ck_assert_int_eq(freed, 4);
	ck_assert_uint_eq(rt_rxkeep_count(&k), 6);
	ck_assert_ptr_eq(rt_rxkeep_pop(&k, &arm, &idx), (void *)5);
	ck_assert_uint_eq(idx, 4);
	ck_assert_uint_eq(arm, 1);
	rt_rxkeep_trim(&k, 100);	/* beyond what was received */
	ck_assert_uint_eq(rt_rxkeep_count(&k), 0);
	ck_assert_ptr_null(rt_rxkeep_pop(&k, &arm, &idx));
	rt_rxkeep_fini(&k);
}
END_TEST

START_TEST(overflow)
{
	struct rt_rxkeep k;
	unsigned int arm;
	uint64_t idx;
	uintptr_t i;

	freed = 0;
	ck_assert_int_eq(rt_rxkeep_init(&k, 6, free_cb), 0);	/* -> 4 */
	for (i = 1; i <= 6; i++)
		rt_rxkeep_push(&k, (void *)i, 0);
	ck_assert_uint_eq(k.overflows, 2);
	ck_assert_ptr_eq(rt_rxkeep_pop(&k, &arm, &idx), (void *)3);
	ck_assert_uint_eq(idx, 2);
	rt_rxkeep_fini(&k);
	ck_assert_int_eq(freed, 2 + 3);
	ck_assert_int_eq(rt_rxkeep_init(&k, 1, free_cb), -EINVAL);
}
END_TEST

static Suite *
rt_rxkeep_suite(void)
{
	Suite *s = suite_create("rt_rxkeep");
	TCase *tc = sa_tcase(s, "core", 10);

	tcase_add_test(tc, trim_pop);
	tcase_add_test(tc, overflow);
	return s;
}

SA_CHECK_MAIN(rt_rxkeep_suite)
