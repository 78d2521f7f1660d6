/* SPDX-License-Identifier: BSD-3-Clause */
/* The runtime's liveness from /proc: a fatal signal pending, exiting,
 * zombie, gone; this very process and a child killed for real. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "ha_rtproc.h"

/* "pid (comm) state ppid pgrp session tty tpgid flags ..." */
#define STAT(state, flags) \
	"4242 (sa-runtime (x)) " state " 1 4242 4242 0 -1 " flags " 19 0 0"
#define STATUS(sigpnd, shdpnd) \
	"Name:\tsa-runtime\nState:\tR (running)\nSigPnd:\t" sigpnd \
	"\nShdPnd:\t" shdpnd "\nSigBlk:\t0000000000000000\n"

START_TEST(parse)
{
	ck_assert_int_eq(ha_rtproc_parse(STAT("R", "4194368"),
		STATUS("0000000000000000", "0000000000000000")), HA_PROC_ALIVE);
	ck_assert_int_eq(ha_rtproc_parse(STAT("R", "4194368"),
		STATUS("0000000000000100", "0000000000000000")), HA_PROC_DYING);
	ck_assert_int_eq(ha_rtproc_parse(STAT("S", "4194368"),
		STATUS("0000000000000000", "0000000000000100")), HA_PROC_DYING);
	/* SIGTERM pending is not fatal by itself: the runtime handles it. */
	ck_assert_int_eq(ha_rtproc_parse(STAT("S", "4194368"),
		STATUS("0000000000004000", "0000000000000000")), HA_PROC_ALIVE);
	ck_assert_int_eq(ha_rtproc_parse(STAT("R", "4194372"), NULL),
			 HA_PROC_DYING);		/* PF_EXITING */
	ck_assert_int_eq(ha_rtproc_parse(STAT("D", "4195392"), NULL),
			 HA_PROC_DYING);		/* PF_SIGNALED */
	ck_assert_int_eq(ha_rtproc_parse(STAT("Z", "4194368"), NULL),
			 HA_PROC_GONE);
	ck_assert_int_eq(ha_rtproc_parse("garbage", NULL), HA_PROC_ALIVE);
	ck_assert_int_eq(ha_rtproc_parse("1 (x) R 1", NULL), HA_PROC_ALIVE);
}
END_TEST

START_TEST(live)
{
	pid_t pid;

	ck_assert_int_eq(ha_rtproc_check(getpid()), HA_PROC_ALIVE);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(ha_rtproc_check(pid), HA_PROC_ALIVE);
	kill(pid, SIGKILL);
	/* Dying (signal pending, exiting) or already a zombie. */
	ck_assert_int_ne(ha_rtproc_check(pid), HA_PROC_ALIVE);
	waitpid(pid, NULL, 0);
	ck_assert_int_eq(ha_rtproc_check(pid), HA_PROC_GONE);
}
END_TEST

static Suite *
ha_rtproc_suite(void)
{
	Suite *s = suite_create("ha_rtproc");
	TCase *tc = sa_tcase(s, "core", 10);

	tcase_add_test(tc, parse);
	tcase_add_test(tc, live);
	return s;
}

SA_CHECK_MAIN(ha_rtproc_suite)
