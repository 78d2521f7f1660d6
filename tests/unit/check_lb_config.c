/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lb suite: configurations refused and accepted, their limits; state
 * memory and many connections (test cases "config" and "limits").
 */
#include "check_lb.h"

/* ---- configuration ---- */

#define HDR	"[lb]\n"
#define SVC	"service = 192.0.2.10:80/tcp\n"
#define SVC2	"service = 192.0.2.11:80/tcp\n"
#define BE	"backend = 192.0.2.10:80/tcp 10.1.0.1\n"
#define BEX(x)	"backend = 192.0.2.10:80/tcp " x "\n"
#define SVCX(x)	HDR "service = " x "\n" BE

struct bad_config {
	const char *ini;
	const char *key;	/* must appear in the message */
	unsigned int line;	/* FILE:LINE of the message */
};

static const struct bad_config bad_configs[] = {
	{ HDR "maglev_size = 7\n", "service", 1 },
	{ HDR SVC BE "servis = 1\n", "servis", 4 },
	{ SVCX("192.0.2.10/tcp"), "service", 2 },
	{ SVCX("192.0.2.10:80"), "service", 2 },
	{ SVCX("192.0.2.10:80/sctp"), "service", 2 },
	{ SVCX("192.0.2.10:0/tcp"), "service", 2 },
	{ SVCX("192.0.2.10:65536/tcp"), "service", 2 },
	{ SVCX("192.0.2.10:8x/tcp"), "service", 2 },
	{ SVCX("192.0.2.300:80/tcp"), "service", 2 },
	{ SVCX("2001:db8::1:80/tcp"), "service", 2 },
	{ SVCX("[192.0.2.10]:80/tcp"), "service", 2 },
	{ SVCX("[2001:db8::1:80/tcp"), "service", 2 },
	{ SVCX("0.0.0.0:80/tcp"), "service", 2 },
	{ SVCX("192.0.2.10:80/tcp extra"), "service", 2 },
	{ SVCX("192.0.2.10:80/tcp/udp"), "service", 2 },
	{ HDR SVC SVC BE, "service", 3 },
	{ HDR SVC "backend = 192.0.2.10:81/tcp 10.1.0.1\n", "backend", 3 },
	{ HDR SVC "backend = 192.0.2.10 10.1.0.1\n", "backend", 3 },
	{ HDR SVC "backend = 192.0.2.10:80/tcp\n", "backend", 3 },
	{ HDR SVC BEX("10.1.0"), "backend", 3 },
	{ HDR SVC BEX("10.1.0.1:80/tcp"), "backend", 3 },
	{ HDR SVC BEX("fd00::1"), "backend", 3 },
	{ HDR SVC BEX("[fd00::1]"), "backend", 3 },
	{ HDR SVC BEX("10.1.0.1 weight=0"), "backend", 3 },
	{ HDR SVC BEX("10.1.0.1 weight=1001"), "backend", 3 },
	{ HDR SVC BEX("10.1.0.1 weight=x"), "backend", 3 },
	{ HDR SVC BEX("10.1.0.1 weight="), "backend", 3 },
	{ HDR SVC BEX("10.1.0.1 state=maybe"), "backend", 3 },
	{ HDR SVC BEX("10.1.0.1 prio=1"), "backend", 3 },
	{ HDR SVC BEX("10.1.0.1 weight=1 weight=2"), "backend", 3 },
	{ HDR SVC BEX("10.1.0.1 weight=1 state=up extra"), "backend", 3 },
	{ HDR SVC BE BE, "backend", 4 },
	{ HDR SVC BE BEX("10.1.0.1:80"), "backend", 4 },
	{ HDR SVC SVC2 BE "backend = 192.0.2.11:80/tcp 10.1.0.1\n", "backend", 5 },
	{ HDR "inside = 10.2.0.0/16\n" SVC BE, "backend", 4 },
	{ HDR SVC SVC2 BE, "service", 3 },
	{ HDR SVC BE "maglev_size = 65536\n", "maglev_size", 4 },
	{ HDR SVC BE "maglev_size = 1\n", "maglev_size", 4 },
	{ HDR SVC BE "maglev_size = 2000000\n", "maglev_size", 4 },
	{ HDR SVC BE BEX("10.1.0.2") BEX("10.1.0.3") "maglev_size = 2\n",
	  "maglev_size", 6 },
	{ HDR SVC BE "max_connections = 0\n", "max_connections", 4 },
	{ HDR SVC BE "max_connections = 99999999999\n", "max_connections", 4 },
	{ HDR SVC BE "tcp_established_timeout = 2 weeks\n",
	  "tcp_established_timeout", 4 },
	{ HDR SVC BE "tcp_transitory_timeout = 0\n", "tcp_transitory_timeout", 4 },
	{ HDR SVC BE "udp_timeout = -5\n", "udp_timeout", 4 },
	{ HDR "inside = 10.0.0.0/33\n" SVC BE, "inside", 2 },
	{ HDR "inside = 10.1.0.0/16\ninside = 10.2.0.0/16\n" SVC BE, "inside", 3 },
	{ HDR SVC BE "maglev_size = 7\nmaglev_size = 11\n", "maglev_size", 5 },
};

START_TEST(test_bad_config)
{
	const struct bad_config *b = &bad_configs[_i];

	ck_assert_msg(sa_shim_init(&lb_middlebox, b->ini) == -EINVAL,
		      "config %u accepted", _i);
	sr_expect_config_error(_i, "lb", b->line, b->key);
	/* a failed init leaves nothing running */
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, "10.1.0.1",
					      LB_BACKEND_UP), -ENODEV);
	sa_shim_fini();
}
END_TEST

static const char *const good_configs[] = {
	HDR "service = [2001:db8::10]:443/tcp\n"
	"backend = [2001:db8::10]:443/tcp [fd00::1]\n",
	/* backends may come before their service; options in any order */
	HDR "# a comment\nbackend = 192.0.2.10:80/tcp 10.1.0.1:8080 "
	"state=down weight=1000\n" SVC
	"backend = 192.0.2.10:80/tcp\t10.1.0.2  weight=1\tstate=up\n",
	"[other]\nx = 1\n" HDR SVC BE,
	HDR "inside = 10.1.0.0/16, fd00::/64\n" SVC BE
	"service = 192.0.2.10:80/udp\nbackend = 192.0.2.10:80/udp 10.1.0.1\n"
	"max_connections = 1\ntcp_established_timeout = 2h\n"
	"tcp_transitory_timeout = 4m\nudp_timeout = 300\n"
	"maglev_size = 1048573\n",
};

START_TEST(test_good_config)
{
	ck_assert_msg(sa_shim_init(&lb_middlebox, good_configs[_i]) == 0,
		      "config %u: %s", _i, sa_shim_last_log());
	sa_shim_fini();
}
END_TEST

#define SERVICES_MAX	64
#define BACKENDS_MAX	1024

/* Writes @p n_svc services with @p per backends each; returns the line
 * of the last entry. */
static unsigned int
ini_many(unsigned int n_svc, unsigned int per)
{
	char *buf = lb_ini_buf;
	size_t cap = sizeof(lb_ini_buf);
	unsigned int s, b, line = 1;
	size_t off = (size_t)snprintf(buf, cap, HDR);

	for (s = 0; s < n_svc; s++, line++)
		off += (size_t)snprintf(buf + off, cap - off,
					"service = 192.0.2.10:%u/tcp\n", s + 1);
	for (s = 0; s < n_svc; s++)
		for (b = 0; b < per; b++, line++)
			off += (size_t)snprintf(buf + off, cap - off,
				"backend = 192.0.2.10:%u/tcp 10.%u.%u.1\n",
				s + 1, s + 1, b + 1);
	snprintf(buf + off, cap - off, "maglev_size = 17\n");
	return line;
}

START_TEST(test_config_limits)
{
	char loc[32];
	unsigned int line;

	ini_many(SERVICES_MAX, BACKENDS_MAX / SERVICES_MAX);
	ck_assert_msg(sa_shim_init(&lb_middlebox, lb_ini_buf) == 0, "%s",
		      sa_shim_last_log());
	sr_expect_stat("limits", "backend1023.connections", 0);
	sa_shim_fini();
	line = ini_many(SERVICES_MAX + 1, 1);
	ck_assert_int_eq(sa_shim_init(&lb_middlebox, lb_ini_buf), -EINVAL);
	snprintf(loc, sizeof(loc), ":%u: [lb] service", SERVICES_MAX + 2);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), loc));
	line = ini_many(SERVICES_MAX, BACKENDS_MAX / SERVICES_MAX + 1);
	ck_assert_int_eq(sa_shim_init(&lb_middlebox, lb_ini_buf), -EINVAL);
	snprintf(loc, sizeof(loc), ":%u: [lb] backend",
		 line - SERVICES_MAX + 1);
	ck_assert_msg(strstr(sa_shim_last_log(), loc) != NULL, "%s lacks %s",
		      sa_shim_last_log(), loc);
}
END_TEST

/* ---- state memory and many connections ---- */

/* However little state memory there is, init fails cleanly or the load
 * balancer works; the packet path never allocates. */
START_TEST(test_state_limit)
{
	static const size_t limits[] = {
		0, 64, 100000, 200000, 1000000, 3000000, 16000000, SIZE_MAX,
	};
	static const struct sr_step s = PKT(S(1), OUT, UDP(C(1), VIP, 5000, 53), EMIT(IN));
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	unsigned int i, ok = 0;
	size_t len = lb_build(&s.f, buf);
	int rc;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		sa_shim_state_limit(limits[i]);
		rc = sa_shim_init(&lb_middlebox, HDR
				  "service = 192.0.2.10:53/udp\n"
				  "backend = 192.0.2.10:53/udp 10.1.0.2\n"
				  "max_connections = 20000\n");
		if (rc != 0) {
			ck_assert_int_eq(rc, -ENOMEM);
			ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "lb"));
			continue;
		}
		ok++;
		sa_shim_process(buf, (uint32_t)len, OUT, S(1), &out);
		ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
		sa_shim_fini();
	}
	sa_shim_state_limit(SIZE_MAX);
	ck_assert_uint_ge(ok, 1);
	ck_assert_uint_lt(ok, sizeof(limits) / sizeof(limits[0]) - 1);
}
END_TEST

#define MANY		5000u
#define SCAN_PER_TICK	4096u

/* Expiry work per tick is bounded: a tick visits SCAN_PER_TICK slots. */
START_TEST(test_many_connections)
{
	struct sa_shim_out out;
	struct sr_frame f;
	uint8_t buf[FRAME_MAX];
	size_t len;
	uint32_t i;

	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_BASE), 0);
	for (i = 0; i < MANY; i++) {
		f = (struct sr_frame)UDP(CX(i), VIP, 5000, 53);
		len = lb_build(&f, buf);
		sa_shim_process(buf, (uint32_t)len, OUT, S(1), &out);
		ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
	}
	sr_expect_stat("many", "conns_active", MANY);
	sa_shim_tick(S(301));
	sr_expect_stat("many", "conns_expired", SCAN_PER_TICK);
	sa_shim_tick(S(301));
	sr_expect_stat("many", "conns_expired", MANY);
	sr_expect_stat("many", "conns_active", 0);
	sr_expect_stat("many", "backend1.active_connections", 0);
	sa_shim_fini();
}
END_TEST

void
lb_add_config(Suite *s)
{
	TCase *tc = sa_tcase(s, "config", 30);

	tcase_add_loop_test(tc, test_bad_config, 0,
			    sizeof(bad_configs) / sizeof(bad_configs[0]));
	tcase_add_loop_test(tc, test_good_config, 0,
			    sizeof(good_configs) / sizeof(good_configs[0]));
	tcase_add_test(tc, test_config_limits);
	tc = sa_tcase(s, "limits", 60);
	tcase_add_test(tc, test_state_limit);
	tcase_add_test(tc, test_many_connections);
}
