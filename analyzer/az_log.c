/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging, diagnostics and the progress line. The progress line exists
 * because analyzing a large program takes long enough that silence looks
 * like a hang; it stays quiet for short phases so that tests and small
 * runs print nothing extra.
 */

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "az_log.h"

#define AZ_LOG_NLEVELS		(AZ_LOG_DEBUG + 1)
/* The clock is read once per this many progress steps. */
#define AZ_PROGRESS_CHECK_MASK	4095u
#define AZ_PROGRESS_PERIOD_NS	1000000000ull
#define AZ_NS_PER_S		1e9

static const char *const az_log_kinds[AZ_LOG_NLEVELS] = {
	[AZ_LOG_ERR] = "error",
	[AZ_LOG_WARN] = "warning",
	[AZ_LOG_NOTE] = "note",
	[AZ_LOG_INFO] = "info",
	[AZ_LOG_DEBUG] = "debug",
};

static enum az_log_level az_log_level = AZ_LOG_NOTE;
static unsigned int az_log_counts[AZ_LOG_NLEVELS];

static struct {
	bool enabled;
	bool active;
	bool shown;		/* a line is on screen */
	bool tty;
	const char *name;
	uint64_t total;
	uint64_t start_ns;
	uint64_t last_ns;
	uint64_t calls;
} az_progress = { .enabled = true };

void
az_log_set_level(enum az_log_level level)
{
	az_log_level = level;
}

enum az_log_level
az_log_get_level(void)
{
	return az_log_level;
}

bool
az_log_enabled(enum az_log_level level)
{
	return level <= az_log_level;
}

uint64_t
az_log_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A message must not land in the middle of a progress line. */
static void
az_progress_clear(void)
{
	if (!az_progress.shown)
		return;
	if (az_progress.tty)
		fputs("\r\033[K", stderr);
	az_progress.shown = false;
}

static enum az_log_level
az_log_clamp(enum az_log_level level)
{
	return (unsigned int)level < AZ_LOG_NLEVELS ? level : AZ_LOG_DEBUG;
}

void
az_log(enum az_log_level level, const char *fmt, ...)
{
	va_list ap;

	level = az_log_clamp(level);
	az_log_counts[level]++;
	if (!az_log_enabled(level))
		return;
	az_progress_clear();
	fprintf(stderr, "statealyzr: %s: ", az_log_kinds[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
az_diag(enum az_log_level level, const char *file, unsigned int line,
	unsigned int col, const char *fmt, ...)
{
	va_list ap;

	level = az_log_clamp(level);
	az_log_counts[level]++;
	if (!az_log_enabled(level))
		return;
	az_progress_clear();
	fputs(file != NULL ? file : "<unknown>", stderr);
	if (line != 0) {
		fprintf(stderr, ":%u", line);
		if (col != 0)
			fprintf(stderr, ":%u", col);
	}
	fprintf(stderr, ": %s: ", az_log_kinds[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

unsigned int
az_log_count(enum az_log_level level)
{
	return az_log_counts[az_log_clamp(level)];
}

void
az_log_reset_counts(void)
{
	unsigned int i;

	for (i = 0; i < AZ_LOG_NLEVELS; i++)
		az_log_counts[i] = 0;
}

void
az_log_set_progress(bool enabled)
{
	if (!enabled)
		az_progress_clear();
	az_progress.enabled = enabled;
}

void
az_progress_begin(const char *name, uint64_t total)
{
	az_progress_end();
	az_progress.active = true;
	az_progress.name = name;
	az_progress.total = total;
	az_progress.start_ns = az_log_now_ns();
	az_progress.last_ns = 0;
	az_progress.calls = 0;
	az_progress.tty = isatty(STDERR_FILENO) == 1;
}

static void
az_progress_print(uint64_t done, uint64_t now)
{
	double secs = (double)(now - az_progress.start_ns) / AZ_NS_PER_S;

	az_progress_clear();
	if (az_progress.total != 0)
		fprintf(stderr, "statealyzr: %s: %llu/%llu (%.1f s)",
			az_progress.name, (unsigned long long)done,
			(unsigned long long)az_progress.total, secs);
	else
		fprintf(stderr, "statealyzr: %s: %llu (%.1f s)",
			az_progress.name, (unsigned long long)done, secs);
	if (az_progress.tty) {
		az_progress.shown = true;
	} else {
		fputc('\n', stderr);
	}
	fflush(stderr);
	az_progress.last_ns = now;
}

void
az_progress_step(uint64_t done)
{
	uint64_t now;

	if (!az_progress.active || !az_progress.enabled ||
	    (az_progress.calls++ & AZ_PROGRESS_CHECK_MASK) != 0)
		return;
	now = az_log_now_ns();
	if (now - az_progress.start_ns < AZ_PROGRESS_DELAY_NS ||
	    now - az_progress.last_ns < AZ_PROGRESS_PERIOD_NS)
		return;
	az_progress_print(done, now);
}

void
az_progress_end(void)
{
	uint64_t now;

	if (!az_progress.active)
		return;
	az_progress.active = false;
	if (!az_progress.enabled || az_progress.last_ns == 0)
		return;
	/* A phase that showed progress also says how long it took. */
	now = az_log_now_ns();
	az_progress_clear();
	fprintf(stderr, "statealyzr: %s: done (%.1f s)\n", az_progress.name,
		(double)(now - az_progress.start_ns) / AZ_NS_PER_S);
}
