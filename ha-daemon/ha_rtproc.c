/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ha_rtproc.h"

#define HA_PROC_STAT_MAX	1024
#define HA_PROC_STATUS_MAX	4096
/* /proc/PID/stat after "(comm) ": state, then flags as the 7th field. */
#define HA_STAT_FLAGS_FIELD	6

/* A pending-signal line of /proc/PID/status ("SigPnd:\t0000...0100"). */
static int
fatal_pending(const char *status, const char *key)
{
	const char *p = strstr(status, key);
	unsigned long long mask;

	if (p == NULL || sscanf(p + strlen(key), " %llx", &mask) != 1)
		return 0;
	return (mask & HA_SIG_FATAL_MASK) != 0;
}

enum ha_proc_state
ha_rtproc_parse(const char *stat, const char *status)
{
	const char *p = strrchr(stat, ')');
	unsigned long flags = 0;
	char state;
	int i;

	if (p == NULL || p[1] != ' ')
		return HA_PROC_ALIVE;
	p += 2;
	state = *p;
	if (state == 'Z' || state == 'X' || state == 'x')
		return HA_PROC_GONE;
	for (i = 0; i < HA_STAT_FLAGS_FIELD && p != NULL; i++) {
		p = strchr(p, ' ');
		if (p != NULL)
			p++;
	}
	if (p == NULL || sscanf(p, "%lu", &flags) != 1)
		return HA_PROC_ALIVE;
	if (flags & (HA_PF_EXITING | HA_PF_DUMPCORE | HA_PF_SIGNALED))
		return HA_PROC_DYING;
	if (status != NULL && (fatal_pending(status, "\nSigPnd:") ||
			       fatal_pending(status, "\nShdPnd:")))
		return HA_PROC_DYING;
	return HA_PROC_ALIVE;
}

/* @return bytes read into buf (NUL-terminated), or -errno. */
static ssize_t
read_text(pid_t pid, const char *what, char *buf, size_t cap)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

enum ha_proc_state
ha_rtproc_check(pid_t pid)
{
	char stat[HA_PROC_STAT_MAX], status[HA_PROC_STATUS_MAX];
	ssize_t n;

	if (pid <= 0)
		return HA_PROC_ALIVE;
	n = read_text(pid, "stat", stat, sizeof(stat));
	if (n == -ENOENT || n == -ESRCH)
		return HA_PROC_GONE;
	if (n <= 0)
		return HA_PROC_ALIVE;
	n = read_text(pid, "status", status, sizeof(status));
	return ha_rtproc_parse(stat, n > 0 ? status : NULL);
}

const char *
ha_rtproc_name(enum ha_proc_state s)
{
	switch (s) {
	case HA_PROC_DYING:
		return "dying (fatal signal or exiting)";
	case HA_PROC_GONE:
		return "gone";
	default:
		return "alive";
	}
}
