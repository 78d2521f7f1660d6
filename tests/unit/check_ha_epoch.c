/* SPDX-License-Identifier: BSD-3-Clause */
/* The epoch store: absent file, store and reload, never lowered, no temp
 * file left, bad content refused. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "ha_epoch.h"

static char dir[64], path[128];

static void
setup(void)
{
	strcpy(dir, "/tmp/check_ha_epoch.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/" HA_EPOCH_FILE, dir);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(store_reload)
{
	struct ha_epoch e;
	char tmp[128];

	ck_assert_int_eq(ha_epoch_open(&e, dir), 0);
	ck_assert_uint_eq(e.value, 0);
	ck_assert_int_eq(ha_epoch_store(&e, 5), 0);
	ck_assert_int_eq(ha_epoch_store(&e, 5), 0);
	ck_assert_int_eq(ha_epoch_store(&e, 4), -ERANGE);
	ck_assert_int_eq(ha_epoch_store(&e, 9), 0);
	snprintf(tmp, sizeof(tmp), "%s/" HA_EPOCH_TMP, dir);
	ck_assert_int_ne(access(tmp, F_OK), 0);
	ck_assert_int_eq(ha_epoch_open(&e, dir), 0);
	ck_assert_uint_eq(e.value, 9);
}
END_TEST

START_TEST(bad_content)
{
	struct ha_epoch e;
	FILE *f = fopen(path, "w");

	fputs("12abc\n", f);
	fclose(f);
	ck_assert_int_eq(ha_epoch_open(&e, dir), -EINVAL);
	f = fopen(path, "w");
	fclose(f);
	ck_assert_int_eq(ha_epoch_open(&e, dir), -EINVAL);
}
END_TEST

START_TEST(unwritable)
{
	struct ha_epoch e;
	char sub[128];

	snprintf(sub, sizeof(sub), "%s/missing", dir);
	ck_assert_int_eq(ha_epoch_open(&e, sub), 0);
	ck_assert_int_lt(ha_epoch_store(&e, 1), 0);
	ck_assert_uint_eq(e.value, 0);
}
END_TEST

static Suite *
ha_epoch_suite(void)
{
	Suite *s = suite_create("ha_epoch");
	TCase *tc;

	tc = sa_tcase(s, "core", 20);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, store_reload);
	tc = sa_tcase(s, "malformed", 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bad_content);
	tcase_add_test(tc, unwritable);
	return s;
}

SA_CHECK_MAIN(ha_epoch_suite)
