/* SPDX-License-Identifier: BSD-3-Clause */
/* The runtime's control socket as a sleeping standby waits on it
 * (rt_control_pollfds): the listener wakes it for a new client, the
 * client's record for a request, which is then served; a record that is
 * no request is answered with an error and counted. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <check.h>

#include "check_main.h"
#include "ha.pb-c.h"
#include "rt_control.h"

static char path[64];
static struct rt_control *ctl;
static int client = -1;
static int status_calls;

static void
status(void *arg, Sa__Ha__Status *st)
{
	(void)arg;
	st->role = SA__HA__ROLE__ROLE_STANDBY;
	status_calls++;
}

static void
status_done(void *arg, Sa__Ha__Status *st)
{
	(void)arg;
	(void)st;
}

static const struct rt_control_ops ops = {
	.status = status,
	.status_done = status_done,
};

static void
setup(void)
{
	snprintf(path, sizeof(path), "/tmp/check_rt_control.%d", getpid());
	ck_assert_int_eq(rt_control_create(path, &ctl), 0);
	rt_control_attach(ctl, &ops, NULL);
	status_calls = 0;
}

static void
teardown(void)
{
	if (client >= 0)
		close(client);
	client = -1;
	rt_control_free(ctl);
}

static void
connect_client(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	strcpy(sa.sun_path, path);
	client = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ck_assert_int_ge(client, 0);
	ck_assert_int_eq(connect(client, (struct sockaddr *)&sa, sizeof(sa)),
			 0);
}

/* Waits on what the control socket gives; @return how many are ready. */
static int
wait_ready(struct pollfd *p, unsigned int *n, int ms)
{
	*n = rt_control_pollfds(ctl, p, RT_CONTROL_POLLFDS);
	return poll(p, *n, ms);
}

static Sa__Ha__ControlReply *
read_reply(void)
{
	uint8_t buf[4096];
	ssize_t len = recv(client, buf, sizeof(buf), 0);

	ck_assert_int_gt(len, 0);
	return sa__ha__control_reply__unpack(NULL, (size_t)len, buf);
}

START_TEST(wakes_for_client_and_request)
{
	Sa__Ha__ControlRequest req = SA__HA__CONTROL_REQUEST__INIT;
	Sa__Ha__StatusRequest st = SA__HA__STATUS_REQUEST__INIT;
	Sa__Ha__ControlReply *rep;
	struct pollfd p[RT_CONTROL_POLLFDS];
	uint8_t buf[256];
	unsigned int n;
	size_t len;

	/* Nobody yet: the listener alone, quiet. */
	ck_assert_int_eq(wait_ready(p, &n, 0), 0);
	ck_assert_uint_eq(n, 1);
	connect_client();
	ck_assert_int_eq(wait_ready(p, &n, 1000), 1);
	rt_control_poll(ctl);
	/* The client is watched now, quiet until it asks. */
	ck_assert_int_eq(wait_ready(p, &n, 0), 0);
	ck_assert_uint_eq(n, 2);
	req.id = 9;
	req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_STATUS;
	req.status = &st;
	len = sa__ha__control_request__pack(&req, buf);
	ck_assert_int_eq(send(client, buf, len, 0), (ssize_t)len);
	ck_assert_int_eq(wait_ready(p, &n, 1000), 1);
	ck_assert(p[1].revents & POLLIN);
	rt_control_poll(ctl);
	ck_assert_int_eq(status_calls, 1);
	rep = read_reply();
	ck_assert_ptr_nonnull(rep);
	ck_assert_uint_eq(rep->id, 9);
	ck_assert_int_eq(rep->reply_case, SA__HA__CONTROL_REPLY__REPLY_STATUS);
	sa__ha__control_reply__free_unpacked(rep, NULL);
}
END_TEST

START_TEST(garbage_answered_and_counted)
{
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0x0f, 0x01 };
	Sa__Ha__ControlReply *rep;
	struct pollfd p[RT_CONTROL_POLLFDS];
	unsigned int n;

	connect_client();
	ck_assert_int_eq(wait_ready(p, &n, 1000), 1);
	rt_control_poll(ctl);
	ck_assert_int_eq(send(client, junk, sizeof(junk), 0),
			 (ssize_t)sizeof(junk));
	ck_assert_int_eq(wait_ready(p, &n, 1000), 1);
	rt_control_poll(ctl);
	ck_assert_int_eq(status_calls, 0);
	ck_assert_uint_eq(rt_control_bad_requests(ctl), 1);
	rep = read_reply();
	ck_assert_ptr_nonnull(rep);
	ck_assert_int_eq(rep->reply_case, SA__HA__CONTROL_REPLY__REPLY_ERROR);
	sa__ha__control_reply__free_unpacked(rep, NULL);
}
END_TEST

START_TEST(fds_bounded_by_max)
{
	struct pollfd p[1];

	connect_client();
	ck_assert_int_eq(poll(p, rt_control_pollfds(ctl, p, 1), 1000), 1);
	rt_control_poll(ctl);
	/* Listener plus one client, but room for one: one filled. */
	ck_assert_uint_eq(rt_control_pollfds(ctl, p, 1), 1);
}
END_TEST

static Suite *
rt_control_suite(void)
{
	Suite *s = suite_create("rt_control");
	TCase *tc = sa_tcase(s, "pollfds", 30);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, wakes_for_client_and_request);
	tcase_add_test(tc, garbage_answered_and_counted);
	tcase_add_test(tc, fds_bounded_by_max);
	return s;
}

SA_CHECK_MAIN(rt_control_suite)
