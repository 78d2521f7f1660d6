/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ha_log.h"

#define HA_NS_PER_MS	1000000ULL
#define HA_LINE_MAX	512
#define HA_NS_PER_S	1000000000ULL

static struct {
	enum ha_log_dest dest;
	const char *ident;
	int debug;
} ha_logger = { HA_LOG_STDERR, "sa-hadaemon", 0 };

static const char *const ha_prio_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info",
	"debug",
};

void
ha_log_open(enum ha_log_dest dest, const char *ident, int debug)
{
	ha_logger.dest = dest;
	ha_logger.ident = ident;
	ha_logger.debug = debug;
	if (dest == HA_LOG_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
ha_log_close(void)
{
	if (ha_logger.dest == HA_LOG_SYSLOG)
		closelog();
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
emit(int prio, const char *line)
{
	uint64_t now;

	if (prio == LOG_DEBUG && !ha_logger.debug)
		return;
	if (ha_logger.dest == HA_LOG_SYSLOG) {
		syslog(prio, "%s", line);
		return;
	}
	now = mono_ns();
	fprintf(stderr, "[%" PRIu64 ".%06" PRIu64 "] %s: %s: %s\n",
		(uint64_t)(now / HA_NS_PER_S),
		(uint64_t)(now % HA_NS_PER_S / 1000),
		ha_logger.ident, ha_prio_names[prio & 7], line);
}

void
ha_log(int prio, const char *fmt, ...)
{
	char line[HA_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	emit(prio, line);
}

int
ha_log_limited(struct ha_log_rl *rl, int prio, const char *fmt, ...)
{
	char line[HA_LINE_MAX];
	uint64_t now = mono_ns();
	size_t n;
	va_list ap;

	if (now - rl->window_start_ns >= HA_LOG_WINDOW_MS * HA_NS_PER_MS) {
		rl->window_start_ns = now;
		rl->in_window = 0;
	}
	if (rl->in_window >= HA_LOG_BURST) {
		rl->suppressed++;
		return 0;
	}
	rl->in_window++;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (rl->suppressed > 0) {
		n = strnlen(line, sizeof(line));
		snprintf(line + n, sizeof(line) - n, " (%" PRIu64
			 " similar suppressed)", rl->suppressed);
		rl->suppressed = 0;
	}
	emit(prio, line);
	return 1;
}
