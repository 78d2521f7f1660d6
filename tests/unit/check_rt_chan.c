/* SPDX-License-Identifier: BSD-3-Clause */
/* The replication channel's transport over a socketpair: frames go out
 * whole and authenticated, a closed peer reads as -EPIPE, a send buffer
 * grown for a snapshot gives its pages back once drained, and connections
 * sit above the process's other descriptors. */
#include <errno.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>

#include "check_main.h"
#include "replication.pb-c.h"
#include "rt_chan.h"
#include "rt_wire.h"

#define BIG_PAYLOAD	(3u << 20)	/* two of them: past the 1 MiB kept */

static const uint8_t key[RT_WIRE_KEY_LEN] = { 7, 7, 7 };
static struct rt_chan chan, srv;	/* chan connects to srv's listener */
static struct rt_wire_auth auth;
static int peer = -1;			/* srv's end, read raw */
static uint8_t *sink;

static void
setup(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	socklen_t len = sizeof(*sin);
	int i, ret = 0;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rt_chan_init(&chan);
	rt_chan_init(&srv);
	ck_assert_int_eq(rt_chan_listen(&srv, &ss, len), 0);
	ck_assert_int_eq(getsockname(srv.lfd, (struct sockaddr *)&ss, &len),
			 0);
	ck_assert_int_eq(rt_chan_connect(&chan, &ss, len), 0);
	for (i = 0; i < 1000 && ret == 0; i++) {
		ret = rt_chan_accept(&srv);
		if (ret == 0)
			usleep(1000);
	}
	ck_assert_int_eq(ret, 1);
	for (i = 0; i < 1000 && (ret = rt_chan_connect_done(&chan)) == 0; i++)
		usleep(1000);
	ck_assert_int_eq(ret, 1);
	peer = srv.fd;
	ck_assert_int_eq(rt_wire_auth_init(&auth, key), 0);
	sink = malloc(2 * BIG_PAYLOAD + 4096);
	ck_assert_ptr_nonnull(sink);
}

static void
teardown(void)
{
	rt_chan_fini(&chan);
	rt_chan_fini(&srv);
	rt_wire_auth_fini(&auth);
	free(sink);
}

/* A snapshot chunk of @p n state bytes. */
static long
put_chunk(size_t n, uint8_t fill)
{
	Sa__Repl__SnapshotChunk c = SA__REPL__SNAPSHOT_CHUNK__INIT;
	uint8_t *data = malloc(n);
	long ret;

	ck_assert_ptr_nonnull(data);
	memset(data, fill, n);
	c.epoch = 1;
	c.seq = 1;
	c.ranges.data = data;
	c.ranges.len = n;
	ret = rt_chan_put_msg(&chan, &auth, RT_MSG_SNAPSHOT, &c.base);
	free(data);
	return ret;
}

/* Flushes everything, reading the other end; @return bytes read. */
static size_t
flush_all(void)
{
	size_t got = 0;
	ssize_t n;
	int ret;

	while ((ret = rt_chan_flush(&chan)) == -EAGAIN) {
		n = recv(peer, sink + got, 2 * BIG_PAYLOAD + 4096 - got, 0);
		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	ck_assert_int_eq(ret, 0);
	/* On loopback the last bytes may still be on their way. */
	usleep(10000);
	while ((n = recv(peer, sink + got, 2 * BIG_PAYLOAD + 4096 - got,
			 MSG_DONTWAIT)) > 0)
		got += (size_t)n;
	return got;
}

/* Resident pages of the send buffer from @p off on, up to @p end. */
static size_t
resident(size_t off, size_t end)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), i, n = 0;
	uintptr_t from = ((uintptr_t)chan.wbuf + off + pg - 1) & ~(pg - 1);
	uintptr_t to = ((uintptr_t)chan.wbuf + end) & ~(pg - 1);
	unsigned char *vec;

	ck_assert_uint_gt(to, from);
	vec = malloc((to - from) / pg);
	ck_assert_ptr_nonnull(vec);
	ck_assert_int_eq(mincore((void *)from, to - from, vec), 0);
	for (i = 0; i < (to - from) / pg; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

START_TEST(frames_whole_and_authenticated)
{
	struct rt_wire_auth rx;
	struct rt_wire_frame f;
	enum rt_reject why;
	long len = put_chunk(1000, 0x5a);
	size_t got;

	ck_assert_int_gt(len, 1000);
	got = flush_all();
	ck_assert_uint_eq(got, (size_t)len);
	ck_assert_int_eq(rt_wire_auth_init(&rx, key), 0);
	ck_assert_int_eq(rt_wire_open(&rx, sink, got, &f, &why), 0);
	ck_assert_uint_eq(f.type, RT_MSG_SNAPSHOT);
	ck_assert_uint_eq(f.frame_len, got);
	rt_wire_auth_fini(&rx);
}
END_TEST

START_TEST(peer_close_is_epipe)
{
	ck_assert_int_eq(rt_chan_fill(&chan), -EAGAIN);
	rt_chan_close(&srv);
	usleep(10000);
	ck_assert_int_eq(rt_chan_fill(&chan), -EPIPE);
}
END_TEST

/* Both ends of a connection sit above every descriptor opened before
 * and after (rt_chan.c, raise_fd: the kernel closes a killed runtime's
 * highest descriptor first), and work there; the limit is honoured. */
START_TEST(connection_fds_raised)
{
	struct rlimit rl;
	int low = dup(0);
	struct pollfd p;

	ck_assert_int_ge(low, 0);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur > 961) {
		ck_assert_int_gt(chan.fd, low);
		ck_assert_int_ge(chan.fd, 960);
		ck_assert_int_ge(srv.fd, 960);
	}
	close(low);
	ck_assert_int_eq(rt_chan_pollfd(&chan, 1, &p), 1);
	ck_assert_int_eq(p.fd, chan.fd);
	ck_assert(p.events & POLLOUT);
	ck_assert_int_eq(send(peer, "x", 1, 0), 1);
	ck_assert_int_eq(poll(&p, 1, 1000), 1);
	ck_assert(p.revents & POLLIN);
	/* A descriptor limit too low for the move: the number is kept. */
	rt_chan_fini(&chan);
	rt_chan_init(&chan);
	rl.rlim_cur = 64;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	{
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);

		ck_assert_int_eq(getsockname(srv.lfd,
					     (struct sockaddr *)&ss, &len), 0);
		ck_assert_int_eq(rt_chan_connect(&chan, &ss, len), 0);
		ck_assert_int_lt(chan.fd, 64);
	}
}
END_TEST

START_TEST(no_socket_no_pollfd)
{
	struct rt_chan c;
	struct pollfd p;

	rt_chan_init(&c);
	ck_assert_int_eq(rt_chan_pollfd(&c, 0, &p), 0);
	rt_chan_fini(&c);
}
END_TEST

START_TEST(drained_snapshot_pages_released)
{
	size_t high, before;

	ck_assert_int_gt(put_chunk(BIG_PAYLOAD, 1), 0);
	ck_assert_int_gt(put_chunk(BIG_PAYLOAD, 2), 0);
	high = chan.wlen;
	ck_assert_uint_gt(high, 2 * BIG_PAYLOAD);
	/* Packed in place: the pages are there until the buffer drains. */
	before = resident(1u << 20, high);
	ck_assert_uint_gt(before, 0);
	ck_assert_uint_eq(flush_all(), high);
	ck_assert_uint_eq(resident(1u << 20, high), 0);
	/* The buffer is still usable, and its head stays (deltas). */
	ck_assert_int_gt(put_chunk(100, 3), 0);
	ck_assert_uint_gt(flush_all(), 100);
}
END_TEST

static Suite *
rt_chan_suite(void)
{
	Suite *s = suite_create("rt_chan");
	TCase *tc = sa_tcase(s, "transport", 30);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, frames_whole_and_authenticated);
	tcase_add_test(tc, peer_close_is_epipe);
	tcase_add_test(tc, drained_snapshot_pages_released);
	tcase_add_test(tc, connection_fds_raised);
	tcase_add_test(tc, no_socket_no_pollfd);
	return s;
}

SA_CHECK_MAIN(rt_chan_suite)
