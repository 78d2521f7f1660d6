/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_LOG_H
#define HA_LOG_H

/*
 * sa-hadaemon's one logging module: to stderr (foreground, with a
 * monotonic timestamp) or syslog (daemon facility). Repeats are rate
 * limited per call site: HA_LOG_RL logs the first HA_LOG_BURST messages
 * of each HA_LOG_WINDOW_MS window and counts the rest, which the next
 * logged message of that site reports as "(N suppressed)".
 */

#include <stdint.h>
#include <syslog.h>

#define HA_LOG_BURST		5
#define HA_LOG_WINDOW_MS	1000

enum ha_log_dest {
	HA_LOG_STDERR = 0,
	HA_LOG_SYSLOG,
};

/** Rate-limit state of one call site. */
struct ha_log_rl {
	uint64_t window_start_ns;
	unsigned int in_window;
	uint64_t suppressed;
};

void ha_log_open(enum ha_log_dest dest, const char *ident, int debug);
void ha_log_close(void);

void ha_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Logs unless @p rl's window is used up. @return 1 if logged. */
int ha_log_limited(struct ha_log_rl *rl, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define HA_LOG(prio, ...)	ha_log(LOG_##prio, __VA_ARGS__)
/* One static rate limiter per use. */
#define HA_LOG_RL(prio, ...) do {					\
		static struct ha_log_rl ha_rl_;				\
		ha_log_limited(&ha_rl_, LOG_##prio, __VA_ARGS__);	\
	} while (0)

#endif /* HA_LOG_H */
