/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The INI loader (runtime/rt_config.c) and the sa/config.h accessors:
 * every malformed file or value must be reported as FILE:LINE.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include <sa/config.h>

#include "check_main.h"
#include "rt_config.h"
#include "sa_shim.h"

static char cfg_path[64];
static struct rt_config *cfg;

static int
load_text(const char *text)
{
	FILE *f;
	int fd;

	snprintf(cfg_path, sizeof(cfg_path), "/tmp/check_config_XXXXXX");
	fd = mkstemp(cfg_path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return rt_config_load(cfg_path, &cfg);
}

static void
teardown(void)
{
	rt_config_free(cfg);
	cfg = NULL;
	if (cfg_path[0] != '\0')
		unlink(cfg_path);
	cfg_path[0] = '\0';
}

/* The last log line names this file at @p line. */
static void
assert_log_at(unsigned int line, const char *fragment)
{
	char want[128];

	snprintf(want, sizeof(want), "%s:%u:", cfg_path, line);
	ck_assert_msg(strstr(sa_shim_last_log(), want) != NULL,
		      "log '%s' lacks '%s'", sa_shim_last_log(), want);
	if (fragment != NULL)
		ck_assert_msg(strstr(sa_shim_last_log(), fragment) != NULL,
			      "log '%s' lacks '%s'", sa_shim_last_log(),
			      fragment);
}

START_TEST(test_sections_and_lines)
{
	const struct sa_config *s;
	const char *k, *v;

	ck_assert_int_eq(load_text("# comment\n[runtime]\nport = 0\n\n"
				   "[firewall]\nrule = allow tcp\n"
				   "rule = deny udp  # trailing\n"
				   "default = deny\n"), 0);
	ck_assert(rt_config_has_section(cfg, "runtime"));
	ck_assert(!rt_config_has_section(cfg, "nat"));
	s = rt_config_section(cfg, "firewall");
	ck_assert_uint_eq(sa_config_count(s), 3);
	ck_assert_int_eq(sa_config_entry(s, 1, &k, &v), 0);
	ck_assert_str_eq(k, "rule");
	ck_assert_str_eq(v, "deny udp");
	ck_assert_int_eq(sa_config_entry(s, 3, &k, &v), -ENOENT);
	ck_assert_str_eq(sa_config_get(s, "rule"), "allow tcp");
	sa_config_error(s, 1, "bad rule");
	assert_log_at(7, "[firewall] rule: bad rule");
	sa_config_error(s, -1, "section problem");
	assert_log_at(5, "section problem");
	s = rt_config_section(cfg, "nat");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(sa_config_count(s), 0);
}
END_TEST

static const struct {
	const char *text;
	unsigned int line;
	const char *fragment;
} bad_files[] = {
	{ "port = 1\n", 1, "outside any" },
	{ "[runtime\nport = 1\n", 1, "malformed section" },
	{ "[runtime]\nport 1\n", 2, "key = value" },
	{ "[a]\nx = 1\n[a]\n", 3, "repeated" },
	{ "[]\n", 1, "section name" },
	{ "[a]\n = 1\n", 2, "key empty" },
};

START_TEST(test_bad_files)
{
	ck_assert_int_eq(load_text(bad_files[_i].text), -EINVAL);
	assert_log_at(bad_files[_i].line, bad_files[_i].fragment);
}
END_TEST

START_TEST(test_long_value)
{
	char text[2048];

	snprintf(text, sizeof(text), "[a]\nk = %0300d\n", 7);
	ck_assert_int_eq(load_text(text), -EINVAL);
	assert_log_at(2, "longer");
}
END_TEST

START_TEST(test_missing_file)
{
	ck_assert_int_eq(rt_config_load("/nonexistent/sa.ini", &cfg), -ENOENT);
	ck_assert(strstr(sa_shim_last_log(), "/nonexistent/sa.ini") != NULL);
}
END_TEST

START_TEST(test_values)
{
	static const char *const modes[] = { "passive", "inline" };
	const struct sa_config *s;
	unsigned int c;
	uint64_t v;
	int b;

	ck_assert_int_eq(load_text("[t]\nn = 42\nhex = 0x10\nneg = -1\n"
				   "junk = 12abc\nbig = 99999999999999999999\n"
				   "d1 = 30s\nd2 = 250ms\nd3 = 7\nd4 = 2h\n"
				   "d5 = 5 parsecs\nb1 = yes\nb2 = Off\n"
				   "b3 = maybe\nc1 = inline\nc2 = Inline\n"),
		   0);
	s = rt_config_section(cfg, "t");
	ck_assert_int_eq(sa_config_u64(s, "n", 0, 0, 100, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(sa_config_u64(s, "hex", 0, 0, 100, &v), 0);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(sa_config_u64(s, "absent", 9, 0, 100, &v), 0);
	ck_assert_uint_eq(v, 9);
	ck_assert_int_eq(sa_config_u64(s, "n", 0, 0, 41, &v), -EINVAL);
	assert_log_at(2, "outside");
	ck_assert_int_eq(sa_config_u64(s, "neg", 0, 0, 100, &v), -EINVAL);
	assert_log_at(4, "neg");
	ck_assert_int_eq(sa_config_u64(s, "junk", 0, 0, 100, &v), -EINVAL);
	assert_log_at(5, NULL);
	ck_assert_int_eq(sa_config_u64(s, "big", 0, 0, UINT64_MAX, &v),
			 -EINVAL);
	ck_assert_int_eq(sa_config_duration(s, "d1", 0, 0, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 30000000000ULL);
	ck_assert_int_eq(sa_config_duration(s, "d2", 0, 0, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 250000000ULL);
	ck_assert_int_eq(sa_config_duration(s, "d3", 0, 0, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 7000000000ULL);
	ck_assert_int_eq(sa_config_duration(s, "d4", 0, 0, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 7200000000000ULL);
	ck_assert_int_eq(sa_config_duration(s, "d4", 0, 0, 1000, &v), -EINVAL);
	ck_assert_int_eq(sa_config_duration(s, "d5", 0, 0, UINT64_MAX, &v),
			 -EINVAL);
	assert_log_at(11, "duration");
	ck_assert_int_eq(sa_config_bool(s, "b1", 0, &b), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(sa_config_bool(s, "b2", 1, &b), 0);
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(sa_config_bool(s, "b3", 0, &b), -EINVAL);
	assert_log_at(14, "boolean");
	ck_assert_int_eq(sa_config_choice(s, "c1", modes, 2, 0, &c), 0);
	ck_assert_uint_eq(c, 1);
	ck_assert_int_eq(sa_config_choice(s, "absent", modes, 2, 1, &c), 0);
	ck_assert_uint_eq(c, 1);
	ck_assert_int_eq(sa_config_choice(s, "c2", modes, 2, 0, &c), -EINVAL);
	assert_log_at(16, "'Inline' is not one of 'passive', 'inline'");
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_sections_and_lines);
	tcase_add_test(tc, test_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_bad_files, 0,
			    sizeof(bad_files) / sizeof(bad_files[0]));
	tcase_add_test(tc, test_long_value);
	tcase_add_test(tc, test_missing_file);
	suite_add_tcase(s, tc);
	return s;
}

SA_CHECK_MAIN(config_suite)
