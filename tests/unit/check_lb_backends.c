/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lb suite: backend state changes and connection affinity, and the
 * operator commands (test case "backends").
 */
#include "check_lb.h"

/* ---- backend changes and connection affinity (INI_POOL) ---- */

#define AFF_CONNS	64
#define PORT_BASE	10000
#define PORT_NEW	20000

static const char *
pool_backend(int i)
{
	static char text[32];

	snprintf(text, sizeof(text), "10.1.0.%d", i + 1);
	return text;
}

/* A TCP segment from client @p c:@p port to VIP:80; returns the pool
 * backend it was sent to, or -1 if it was dropped. */
static int
send_client(uint32_t c, uint16_t port, uint8_t flags, uint64_t t)
{
	struct sr_frame f = TCP(c, VIP, port, 80, flags);
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	size_t len = lb_build(&f, buf);
	uint32_t dst;
	int be;

	sa_shim_process(buf, (uint32_t)len, OUT, t, &out);
	ck_assert_uint_eq(out.n_verdicts, 1);
	if (out.verdict != SA_SHIM_EMIT)
		return -1;
	memcpy(&dst, out.frame + IP4_DST_OFF, sizeof(dst));
	be = (int)(ntohl(dst) - B(1));
	ck_assert_int_ge(be, 0);
	ck_assert_int_lt(be, POOL_N);
	return be;
}

/* A reply from pool backend @p be to client @p c:@p port. */
static void
send_reply(int be, uint32_t c, uint16_t port, uint8_t flags,
	   struct sa_shim_out *out)
{
	struct sr_frame f = TCP(B(be + 1), c, 80, port, flags);
	uint8_t buf[FRAME_MAX];
	size_t len = lb_build(&f, buf);

	sa_shim_process(buf, (uint32_t)len, IN, S(2), out);
	ck_assert_uint_eq(out->n_verdicts, 1);
}

static void
expect_backend_stat(int be, const char *what, uint64_t value)
{
	char name[48];

	snprintf(name, sizeof(name), "backend%d.%s", be, what);
	sr_expect_stat(name, name, value);
}

/* Opens AFF_CONNS connections; returns the backend holding the most. */
static int
open_pool(int *be, int *count)
{
	int i, x = 0;

	memset(count, 0, POOL_N * sizeof(*count));
	for (i = 0; i < AFF_CONNS; i++) {
		be[i] = send_client(C(1), PORT_BASE + i, SYN, S(1));
		ck_assert_int_ge(be[i], 0);
		count[be[i]]++;
	}
	for (i = 1; i < POOL_N; i++)
		if (count[i] > count[x])
			x = i;
	ck_assert_int_gt(count[x], 0);
	return x;
}

START_TEST(test_drain_keeps_connections)
{
	int be[AFF_CONNS], count[POOL_N], i, b, x;
	struct sa_shim_out out;

	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_POOL), 0);
	x = open_pool(be, count);
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, pool_backend(x),
					      LB_BACKEND_DRAIN), 0);
	sr_expect_stat("drain", "maglev_rebuilds", 1);
	expect_backend_stat(x, "state", LB_BACKEND_DRAIN);
	for (i = 0; i < AFF_CONNS; i++) {
		ck_assert_int_eq(send_client(C(1), PORT_BASE + i, ACK, S(2)),
				 be[i]);
		send_reply(be[i], C(1), PORT_BASE + i, ACK, &out);
		ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
	}
	for (i = 0; i < AFF_CONNS; i++) {
		b = send_client(C(2), PORT_NEW + i, SYN, S(2));
		ck_assert_int_ne(b, x);
		ck_assert_int_ge(b, 0);
	}
	expect_backend_stat(x, "active_connections", (uint64_t)count[x]);
	sr_expect_stat("drain", "conns_rescheduled", 0);
	sa_shim_fini();
}
END_TEST

START_TEST(test_down_reschedules)
{
	int be[AFF_CONNS], count[POOL_N], i, b, x;
	static uint16_t before[MAGLEV_TEST];
	const uint16_t *table;
	struct sa_shim_out out;
	uint32_t size;

	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_POOL), 0);
	x = open_pool(be, count);
	ck_assert_int_eq(lb_maglev_table(SVC_HTTP, &table, &size), 0);
	ck_assert_uint_eq(size, MAGLEV_TEST);
	memcpy(before, table, sizeof(before));
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, pool_backend(x),
					      LB_BACKEND_DOWN), 0);
	for (i = 0; i < AFF_CONNS; i++) {
		b = send_client(C(1), PORT_BASE + i, ACK, S(2));
		if (be[i] != x) {
			ck_assert_int_eq(b, be[i]);
			continue;
		}
		ck_assert_int_ge(b, 0);
		ck_assert_int_ne(b, x);
		/* the old backend's replies no longer belong anywhere */
		send_reply(x, C(1), PORT_BASE + i, ACK, &out);
		sr_expect_drop("down", &out, "no-connection");
		send_reply(b, C(1), PORT_BASE + i, ACK, &out);
		ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
		/* and the moved connection stays where it went */
		ck_assert_int_eq(send_client(C(1), PORT_BASE + i, ACK, S(3)), b);
	}
	sr_expect_stat("down", "conns_rescheduled", (uint64_t)count[x]);
	sr_expect_stat("down", "conns_active", AFF_CONNS);
	expect_backend_stat(x, "active_connections", 0);
	expect_backend_stat(x, "connections", (uint64_t)count[x]);
	/* back up: the very same table as before */
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, pool_backend(x),
					      LB_BACKEND_UP), 0);
	ck_assert_mem_eq(table, before, sizeof(before));
	sr_expect_stat("down", "maglev_rebuilds", 2);
	sa_shim_fini();
}
END_TEST

/* A finished connection's tuple reused by a new SYN is a new connection:
 * a draining backend does not get it. */
START_TEST(test_drain_reopen)
{
	struct sa_shim_out out;
	int b, b2;

	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_POOL), 0);
	b = send_client(C(1), 3001, SYN, S(1));
	send_reply(b, C(1), 3001, SYNACK, &out);
	ck_assert_int_eq(send_client(C(1), 3001, FINACK, S(1)), b);
	send_reply(b, C(1), 3001, FINACK, &out);
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, pool_backend(b),
					      LB_BACKEND_DRAIN), 0);
	/* a late segment of the old connection still reaches it */
	ck_assert_int_eq(send_client(C(1), 3001, ACK, S(2)), b);
	sr_expect_stat("reopen", "conns_rescheduled", 0);
	b2 = send_client(C(1), 3001, SYN, S(3));
	ck_assert_int_ne(b2, b);
	ck_assert_int_ge(b2, 0);
	sr_expect_stat("reopen", "conns_rescheduled", 1);
	sr_expect_stat("reopen", "conns_active", 1);
	sa_shim_fini();
}
END_TEST

START_TEST(test_all_down)
{
	int be[POOL_N * 2], i;
	const uint16_t *table;
	uint32_t size, k;

	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_POOL), 0);
	for (i = 0; i < POOL_N * 2; i++)
		be[i] = send_client(C(1), PORT_BASE + i, SYN, S(1));
	for (i = 0; i < POOL_N; i++)
		ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, pool_backend(i),
						      LB_BACKEND_DOWN), 0);
	ck_assert_int_eq(lb_maglev_table(SVC_HTTP, &table, &size), 0);
	for (k = 0; k < size; k++)
		ck_assert_uint_eq(table[k], LB_MAGLEV_NONE);
	for (i = 0; i < POOL_N * 2; i++) {
		ck_assert_int_ge(be[i], 0);
		ck_assert_int_eq(send_client(C(1), PORT_BASE + i, ACK, S(2)), -1);
	}
	sr_expect_stat("all down", "conns_active", 0);
	ck_assert_int_eq(send_client(C(2), PORT_NEW, SYN, S(2)), -1);
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, pool_backend(2),
					      LB_BACKEND_UP), 0);
	for (i = 0; i < AFF_CONNS; i++)
		ck_assert_int_eq(send_client(C(2), PORT_NEW + i, SYN, S(3)), 2);
	sa_shim_fini();
}
END_TEST

START_TEST(test_set_state_errors)
{
	const uint16_t *table;
	uint32_t size;

	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, "10.1.0.1:8080",
					      LB_BACKEND_UP), -ENODEV);
	ck_assert_int_eq(lb_maglev_table(SVC_HTTP, &table, &size), -ENODEV);
	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_BASE), 0);
	ck_assert_int_eq(lb_backend_set_state(NULL, "10.1.0.1:8080",
					      LB_BACKEND_UP), -EINVAL);
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, NULL,
					      LB_BACKEND_UP), -EINVAL);
	ck_assert_int_eq(lb_backend_set_state("192.0.2.10:80", "10.1.0.1:8080",
					      LB_BACKEND_UP), -EINVAL);
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, "10.1.0.1/32",
					      LB_BACKEND_UP), -EINVAL);
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, "10.1.0.1:8080",
					      (enum lb_backend_state)3), -EINVAL);
	ck_assert_int_eq(lb_backend_set_state("192.0.2.10:81/tcp",
					      "10.1.0.1:8080", LB_BACKEND_UP),
			 -ENOENT);
	/* without a port: the service port, which is not 8080 */
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, "10.1.0.1",
					      LB_BACKEND_UP), -ENOENT);
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, "10.1.0.2:53",
					      LB_BACKEND_UP), -ENOENT);
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, "[fd00::1]:8080",
					      LB_BACKEND_UP), -ENOENT);
	ck_assert_int_eq(lb_maglev_table("192.0.2.10:80/udp", &table, &size),
			 -ENOENT);
	ck_assert_int_eq(lb_maglev_table("192.0.2.10", &table, &size), -EINVAL);
	/* drain -> down changes no slot: no rebuild */
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, "10.1.0.1:8080",
					      LB_BACKEND_DRAIN), 0);
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, "10.1.0.1:8080",
					      LB_BACKEND_DOWN), 0);
	sr_expect_stat("errors", "maglev_rebuilds", 1);
	ck_assert_int_eq(lb_backend_set_state("[2001:db8::10]:53/udp",
					      "[fd00::1]", LB_BACKEND_DOWN), 0);
	ck_assert_int_eq(lb_maglev_table("[2001:db8::10]:53/udp", &table,
					 &size), 0);
	ck_assert_uint_eq(size, MAGLEV_TEST);
	ck_assert_uint_eq(table[0], LB_MAGLEV_NONE);
	sa_shim_fini();
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, "10.1.0.1:8080",
					      LB_BACKEND_UP), -ENODEV);
}
END_TEST

/* ---- operator commands (the descriptor's command callback) ---- */

/* One command on INI_BASE: its result, a word its reply must hold, and
 * the state of backend @p be after it (-1: not checked). */
struct cmd_case {
	const char *line;
	int rc;
	const char *reply;
	int be;
	int state;
};

static const struct cmd_case cmd_cases[] = {
	{ "backend 192.0.2.10:80/tcp 10.1.0.1:8080 down", 0, "down", 0,
	  LB_BACKEND_DOWN },
	{ "backend\t192.0.2.10:80/tcp  10.1.0.1:8080\tdrain", 0, "drain", 0,
	  LB_BACKEND_DRAIN },
	{ "backend 192.0.2.10:53/udp 10.1.0.2 drain", 0, "drain", 1,
	  LB_BACKEND_DRAIN },
	{ "backend [2001:db8::10]:53/udp [fd00::1] down", 0, "down", 3,
	  LB_BACKEND_DOWN },
	{ "  backend [2001:db8::10]:443/tcp [fd00::1]:8443 up ", 0, "up", 2,
	  LB_BACKEND_UP },
	/* bad service */
	{ "backend 192.0.2.10:81/tcp 10.1.0.1:8080 down", -ENOENT,
	  "no service", 0, LB_BACKEND_UP },
	{ "backend 192.0.2.10:80 10.1.0.1:8080 down", -EINVAL, "service", 0,
	  LB_BACKEND_UP },
	{ "backend 192.0.2.10:80/sctp 10.1.0.1:8080 down", -EINVAL,
	  "tcp or udp", 0, LB_BACKEND_UP },
	/* bad backend */
	{ "backend 192.0.2.10:80/tcp 10.1.0.9:8080 down", -ENOENT,
	  "no backend", 0, LB_BACKEND_UP },
	{ "backend 192.0.2.10:80/tcp 10.1.0.1 down", -ENOENT, "no backend",
	  0, LB_BACKEND_UP },
	{ "backend 192.0.2.10:80/tcp 10.1.0.1:0 down", -EINVAL, "backend",
	  0, LB_BACKEND_UP },
	{ "backend 192.0.2.10:80/tcp fd00::1 down", -EINVAL, "backend", 0,
	  LB_BACKEND_UP },
	/* bad state */
	{ "backend 192.0.2.10:80/tcp 10.1.0.1:8080 DOWN", -EINVAL, "state",
	  0, LB_BACKEND_UP },
	{ "backend 192.0.2.10:80/tcp 10.1.0.1:8080 offline", -EINVAL,
	  "state", 0, LB_BACKEND_UP },
	/* garbage */
	{ "", -EINVAL, "usage", 0, LB_BACKEND_UP },
	{ "   ", -EINVAL, "usage", 0, LB_BACKEND_UP },
	{ "frontend 192.0.2.10:80/tcp 10.1.0.1:8080 down", -EINVAL, "usage",
	  0, LB_BACKEND_UP },
	{ "backend 192.0.2.10:80/tcp 10.1.0.1:8080", -EINVAL, "usage", 0,
	  LB_BACKEND_UP },
	{ "backend 192.0.2.10:80/tcp 10.1.0.1:8080 down now", -EINVAL,
	  "usage", 0, LB_BACKEND_UP },
	{ "backend \xff\xfe 10.1.0.1:8080 down", -EINVAL, "service", 0,
	  LB_BACKEND_UP },
};

START_TEST(test_command)
{
	const struct cmd_case *c = &cmd_cases[_i];
	char reply[128], name[32];
	int rc;

	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_BASE), 0);
	rc = sa_shim_command(c->line, reply, sizeof(reply));
	ck_assert_msg(rc == c->rc, "'%s': %d (%s), expected %d", c->line, rc,
		      reply, c->rc);
	ck_assert_msg(strstr(reply, c->reply) != NULL, "'%s': reply '%s' "
		      "lacks '%s'", c->line, reply, c->reply);
	snprintf(name, sizeof(name), "backend%d.state", c->be);
	sr_expect_stat(c->line, name, (uint64_t)c->state);
	sa_shim_fini();
}
END_TEST

/* The command is lb_backend_set_state(): the same tables, the same
 * counters; and it refuses lines the runtime would refuse. */
START_TEST(test_command_tables)
{
	static uint16_t by_call[MAGLEV_TEST];
	char reply[128], line[SA_MB_COMMAND_MAX + 8];
	const uint16_t *table;
	uint32_t size;

	ck_assert_int_eq(sa_shim_command("backend x y up", reply,
					 sizeof(reply)), -ENODEV);
	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_POOL), 0);
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, pool_backend(1),
					      LB_BACKEND_DOWN), 0);
	ck_assert_int_eq(lb_maglev_table(SVC_HTTP, &table, &size), 0);
	memcpy(by_call, table, sizeof(by_call));
	ck_assert_int_eq(lb_backend_set_state(SVC_HTTP, pool_backend(1),
					      LB_BACKEND_UP), 0);
	ck_assert_int_eq(sa_shim_command("backend " SVC_HTTP " 10.1.0.2 down",
					 reply, sizeof(reply)), 0);
	ck_assert_mem_eq(table, by_call, sizeof(by_call));
	sr_expect_stat("command", "maglev_rebuilds", 3);
	sr_expect_stat("command", "backend1.state", LB_BACKEND_DOWN);
	/* a connection opened before keeps affinity until the next packet
	 * finds its backend down: exercised by the backends cases above */
	memset(line, ' ', sizeof(line));
	memcpy(line, "backend", 7);
	line[sizeof(line) - 1] = '\0';
	ck_assert_int_eq(sa_shim_command(line, reply, sizeof(reply)),
			 -EINVAL);
	/* a tiny reply buffer truncates, never overflows */
	ck_assert_int_eq(sa_shim_command("backend", reply, 4), -EINVAL);
	ck_assert_uint_eq(strlen(reply), 3);
	sa_shim_fini();
}
END_TEST

void
lb_add_backends(Suite *s)
{
	TCase *tc = sa_tcase(s, "backends", 30);

	tcase_add_test(tc, test_drain_keeps_connections);
	tcase_add_test(tc, test_down_reschedules);
	tcase_add_test(tc, test_drain_reopen);
	tcase_add_test(tc, test_all_down);
	tcase_add_test(tc, test_set_state_errors);
	tcase_add_loop_test(tc, test_command, 0,
			    sizeof(cmd_cases) / sizeof(cmd_cases[0]));
	tcase_add_test(tc, test_command_tables);
}
