/* SPDX-License-Identifier: BSD-3-Clause */
/* passthrough forwards every frame, untouched, to the other arm. */
#include <string.h>

#include <check.h>

#include "check_main.h"
#include "sa_shim.h"

extern const struct sa_middlebox pt_middlebox;

static const struct {
	uint8_t arm;
	unsigned int out_arm;
} arms[] = {
	{ SA_ARM_INSIDE, SA_ARM_OUTSIDE },
	{ SA_ARM_OUTSIDE, SA_ARM_INSIDE },
	{ SA_ARM_ANY, SA_ARM_OUTSIDE },
};

START_TEST(test_forwards_unchanged)
{
	/* Even a runt that no parser would accept goes through. */
	static const uint8_t runt[] = { 0xde, 0xad };
	uint8_t frame[60];
	struct sa_shim_out out;

	memset(frame, 0xa5, sizeof(frame));
	ck_assert_int_eq(sa_shim_init(&pt_middlebox, ""), 0);
	sa_shim_process(frame, sizeof(frame), arms[_i].arm, 0, &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
	ck_assert_uint_eq(out.n_verdicts, 1);
	ck_assert_uint_eq(out.arm, arms[_i].out_arm);
	ck_assert_uint_eq(out.len, sizeof(frame));
	ck_assert_mem_eq(out.frame, frame, sizeof(frame));
	sa_shim_process(runt, sizeof(runt), arms[_i].arm, 0, &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
	ck_assert_mem_eq(out.frame, runt, sizeof(runt));
	sa_shim_fini();
}
END_TEST

static Suite *
passthrough_suite(void)
{
	Suite *s = suite_create("passthrough");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_forwards_unchanged, 0,
			    sizeof(arms) / sizeof(arms[0]));
	suite_add_tcase(s, tc);
	return s;
}

SA_CHECK_MAIN(passthrough_suite)
