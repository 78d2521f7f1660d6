/* SPDX-License-Identifier: BSD-3-Clause */
/* sa-hadaemon's INI loader: a full config, defaults, and each broken
 * config refused with FILE:LINE on stderr. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "ha_config.h"

static char dir[64], ini[128], key[128], errf[128];

static void
setup(void)
{
	FILE *f;

	strcpy(dir, "/tmp/check_ha_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ini, sizeof(ini), "%s/ha.ini", dir);
	snprintf(key, sizeof(key), "%s/key", dir);
	snprintf(errf, sizeof(errf), "%s/err", dir);
	f = fopen(key, "w");
	fputs("00\n", f);
	fclose(f);
	/* stderr to a file, to check the messages. */
	ck_assert_ptr_nonnull(freopen(errf, "w", stderr));
}

static void
teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int
load(const char *body, struct ha_config *c)
{
	FILE *f = fopen(ini, "w");

	fprintf(f, "[daemon]\nnode_id = 1\nstate_dir = %s\n"
		"control_socket = %s/d.sock\nkey_file = %s\n"
		"[heartbeat]\nlisten = 127.0.0.1:7000\n"
		"peer = [::1]:7001\n[runtime]\ncontrol_socket = %s/r.sock\n%s",
		dir, dir, key, dir, body);
	fclose(f);
	fflush(stderr);
	return ha_config_load(ini, c);
}

/* The last message ends with @p msg and names line @p line. */
static void
expect_err(unsigned int line, const char *msg)
{
	char buf[512] = "", want[256];
	FILE *f;

	fflush(stderr);
	f = fopen(errf, "r");
	while (fgets(buf, sizeof(buf), f) != NULL)
		;
	fclose(f);
	snprintf(want, sizeof(want), "%s:%u: ", ini, line);
	ck_assert_msg(strncmp(buf, want, strlen(want)) == 0, "got '%s'", buf);
	ck_assert_msg(strstr(buf, msg) != NULL, "got '%s'", buf);
}

START_TEST(full)
{
	struct ha_config c;

	ck_assert_int_eq(load("[announce]\ninterface = lo\nvip = 192.0.2.1\n"
			      "vip = 2001:db8::1\nmac = 02:00:00:00:00:01\n"
			      "[heartbeat]\ninterval = 500us\nmiss_count = 3\n",
			      &c), 0);
	ck_assert_uint_eq(c.node_id, 1);
	ck_assert_uint_eq(c.interval_us, 500);
	ck_assert_uint_eq(c.miss_count, 3);
	ck_assert_uint_eq(c.n_vips, 2);
	ck_assert_int_eq(c.vip[1].family, AF_INET6);
	ck_assert_int_eq(c.peer.ss_family, AF_INET6);
	ck_assert_uint_eq(c.mac[5], 1);
}
END_TEST

START_TEST(defaults)
{
	struct ha_config c;

	ck_assert_int_eq(load("", &c), 0);
	ck_assert_uint_eq(c.interval_us, HA_INTERVAL_DEFAULT_US);
	ck_assert_uint_eq(c.miss_count, HA_MISS_DEFAULT);
	ck_assert_int_eq(c.log, HA_LOG_STDERR);
	ck_assert_int_eq(c.rt_priority, 0);
	ck_assert_int_eq(load("[daemon]\nrealtime_priority = 40\n", &c), 0);
	ck_assert_int_eq(c.rt_priority, 40);
}
END_TEST

START_TEST(broken)
{
	struct ha_config c;

	ck_assert_int_lt(load("bogus = 1\n", &c), 0);
	expect_err(11, "unknown key 'bogus' in [runtime]");
	ck_assert_int_lt(load("[nope]\n", &c), 0);
	expect_err(11, "unknown section [nope]");
	ck_assert_int_lt(load("[heartbeat]\ninterval = 2 ms\n", &c), 0);
	expect_err(12, "'interval'");
	ck_assert_int_lt(load("[heartbeat]\nmiss_count = 0\n", &c), 0);
	expect_err(12, "miss_count");
	ck_assert_int_lt(load("[announce]\nvip = 1.2.3\ninterface = x\n", &c),
			 0);
	expect_err(12, "not an IPv4 or IPv6 address");
	ck_assert_int_lt(load("[announce]\nmac = 1:2:3\n", &c), 0);
	expect_err(12, "not a MAC address");
	ck_assert_int_lt(load("just text\n", &c), 0);
	expect_err(11, "expected KEY = VALUE");
	ck_assert_int_lt(load("[daemon]\nrealtime_priority = 100\n", &c), 0);
	expect_err(12, "realtime_priority");
}
END_TEST

START_TEST(paths)
{
	struct ha_config c;
	char body[256];

	snprintf(body, sizeof(body), "[daemon]\nkey_file = %s/none\n", dir);
	ck_assert_int_lt(load(body, &c), 0);
	expect_err(12, "No such file");
	snprintf(body, sizeof(body), "[daemon]\nstate_dir = %s/key/x\n", dir);
	ck_assert_int_lt(load(body, &c), 0);
	expect_err(12, "not writable");
}
END_TEST

START_TEST(addresses)
{
	struct sockaddr_storage ss;
	socklen_t len;
	uint64_t us;

	ck_assert_int_eq(ha_addr_parse("10.0.0.1:1", &ss, &len), 0);
	ck_assert_int_eq(ha_addr_parse("[fe80::1]:65535", &ss, &len), 0);
	ck_assert_int_lt(ha_addr_parse("10.0.0.1:0", &ss, &len), 0);
	ck_assert_int_lt(ha_addr_parse("10.0.0.1:65536", &ss, &len), 0);
	ck_assert_int_lt(ha_addr_parse("host:80", &ss, &len), 0);
	ck_assert_int_lt(ha_addr_parse("10.0.0.1", &ss, &len), 0);
	ck_assert_int_eq(ha_duration_parse("3", &us), 0);
	ck_assert_uint_eq(us, 3000);
	ck_assert_int_eq(ha_duration_parse("1s", &us), 0);
	ck_assert_uint_eq(us, 1000000);
	ck_assert_int_lt(ha_duration_parse("1h", &us), 0);
	ck_assert_int_lt(ha_duration_parse("-1", &us), 0);
}
END_TEST

static Suite *
ha_config_suite(void)
{
	Suite *s = suite_create("ha_config");
	TCase *tc;

	tc = sa_tcase(s, "core", 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, full);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, addresses);
	tc = sa_tcase(s, "malformed", 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, broken);
	tcase_add_test(tc, paths);
	return s;
}

SA_CHECK_MAIN(ha_config_suite)
