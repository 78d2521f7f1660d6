/* SPDX-License-Identifier: BSD-3-Clause */
/* The runtime control client against a fake runtime socket: a status
 * reply fills ha_local (state bytes from the counters), a closed socket
 * reads as the runtime's death, a call times out. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check_main.h"
#include "ha_rtctl.h"

static char path[108];
static int lfd;

static void
setup(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(path, sizeof(path), "/tmp/check_ha_rtctl.%d", (int)getpid());
	unlink(path);
	strcpy(sa.sun_path, path);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
}

static void
teardown(void)
{
	close(lfd);
	unlink(path);
}

/* Answers one request on @p fd with a Status. */
static void
serve_status(int fd)
{
	Sa__Ha__ControlReply rep = SA__HA__CONTROL_REPLY__INIT;
	Sa__Ha__Status st = SA__HA__STATUS__INIT;
	Sa__Ha__Counter c1 = SA__HA__COUNTER__INIT, c2 = SA__HA__COUNTER__INIT;
	Sa__Ha__Counter *cs[2] = { &c1, &c2 };
	Sa__Ha__ControlRequest *req;
	uint8_t buf[4096];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	req = sa__ha__control_request__unpack(NULL, (size_t)n, buf);
	ck_assert_ptr_nonnull(req);
	rep.id = req->id;
	sa__ha__control_request__free_unpacked(req, NULL);
	st.role = SA__HA__ROLE__ROLE_STANDBY;
	st.sync = SA__HA__SYNC_STATE__SYNC_SYNCED;
	st.epoch = 4;
	st.peer_connected = 1;
	c1.name = (char *)"repl.range_bytes";
	c1.value = 100;
	c2.name = (char *)"repl.snapshot_bytes";
	c2.value = 23;
	st.counters = cs;
	st.n_counters = 2;
	rep.reply_case = SA__HA__CONTROL_REPLY__REPLY_STATUS;
	rep.status = &st;
	n = (ssize_t)sa__ha__control_reply__pack(&rep, buf);
	ck_assert_int_eq(send(fd, buf, (size_t)n, 0), n);
}

START_TEST(status_and_death)
{
	struct ha_rtctl c;
	struct ha_local l;
	int fd, tries;

	ha_rtctl_init(&c, path);
	ck_assert_int_eq(ha_rtctl_connect(&c), 0);
	fd = accept(lfd, NULL, NULL);
	ck_assert_int_eq(ha_rtctl_poll_status(&c, 1), 0);
	ck_assert_int_eq(c.pending, 1);
	serve_status(fd);
	for (tries = 0; tries < 100; tries++) {
		if (ha_rtctl_read(&c, &l) == 1)
			break;
		usleep(1000);
	}
	ck_assert_int_lt(tries, 100);
	ck_assert_int_eq(l.up, 1);
	ck_assert_uint_eq(l.epoch, 4);
	ck_assert_uint_eq(l.state_bytes, 123);
	ck_assert_int_eq(l.repl_connected, 1);
	/* A reply that predates an action is ignored. */
	ck_assert_int_eq(ha_rtctl_poll_status(&c, 2), 0);
	ha_rtctl_invalidate(&c);
	serve_status(fd);
	usleep(10000);
	ck_assert_int_eq(ha_rtctl_read(&c, &l), 0);
	/* The runtime dies: its end closes. */
	close(fd);
	ck_assert_int_eq(ha_rtctl_read(&c, &l), -EPIPE);
	ha_rtctl_close(&c);
}
END_TEST

START_TEST(call_timeout)
{
	Sa__Ha__ControlRequest req = SA__HA__CONTROL_REQUEST__INIT;
	Sa__Ha__StatusRequest sr = SA__HA__STATUS_REQUEST__INIT;
	Sa__Ha__ControlReply *rep;

	req.request_case = SA__HA__CONTROL_REQUEST__REQUEST_STATUS;
	req.status = &sr;
	ck_assert_int_eq(ha_rtctl_call(path, &req, 20, &rep), -ETIMEDOUT);
	ck_assert_ptr_null(rep);
	ck_assert_int_lt(ha_rtctl_call("/nonexistent/sock", &req, 20, &rep),
			 0);
}
END_TEST

static Suite *
ha_rtctl_suite(void)
{
	Suite *s = suite_create("ha_rtctl");
	TCase *tc = sa_tcase(s, "core", 10);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, status_and_death);
	tcase_add_test(tc, call_timeout);
	return s;
}

SA_CHECK_MAIN(ha_rtctl_suite)
