/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_RTPROC_H
#define HA_RTPROC_H

/*
 * Is the local runtime process still able to transmit? Its control
 * socket closes only once the kernel has torn the process down: exit_mm()
 * frees its memory (4 KiB pages without hugepages: 10-40 ms for a DPDK
 * runtime on this kind of machine, longer under load) before exit_files()
 * closes its sockets. A fatal signal is visible at once: SIGKILL is
 * queued to every thread by kill(2) itself, and a task that dequeued a
 * fatal signal is PF_EXITING (or dumping core) from then on. Such a
 * process never runs user code again, so it never transmits again.
 *
 * The daemon learns its runtime's pid from the control connection
 * (SO_PEERCRED) and reads /proc/PID/stat and /proc/PID/status on every
 * heartbeat interval and whenever the standby reports a replication stall.
 * The parser is pure, for Check.
 */

#include <stddef.h>
#include <sys/types.h>

enum ha_proc_state {
	HA_PROC_ALIVE = 0,
	HA_PROC_DYING,		/* fatal signal pending, exiting, dumping */
	HA_PROC_GONE,		/* no such process (or a zombie) */
};

/* task flags (include/linux/sched.h), as /proc/PID/stat field 9 shows. */
#define HA_PF_EXITING		0x00000004u
#define HA_PF_DUMPCORE		0x00000200u
#define HA_PF_SIGNALED		0x00000400u
/* Signals that end a process and cannot be caught: SIGKILL (9). */
#define HA_SIG_FATAL_MASK	(1ull << (9 - 1))

/**
 * Parses the text of /proc/PID/stat (@p stat) and /proc/PID/status
 * (@p status, may be NULL). @return the state; unparsable text is ALIVE
 * (the socket close still catches a death).
 */
enum ha_proc_state ha_rtproc_parse(const char *stat, const char *status);

/** Reads and parses @p pid's files. @return the state. */
enum ha_proc_state ha_rtproc_check(pid_t pid);

const char *ha_rtproc_name(enum ha_proc_state s);

#endif /* HA_RTPROC_H */
