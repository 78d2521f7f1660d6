/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the runtime reports: its --stats-file (a flat JSON object of
 * "name": integer counters) and, for how a mode was tracked, the
 * primary's start-up line "--replicate MODE (TRACKING)".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rb.h"

#define RB_KEY_MAX		128
#define RB_SLURP_MAX		(16u << 20)
#define RB_TAIL_BUF		8192
#define RB_PRIMARY_TAG		"primary: replicating to "
#define RB_TRACKING_TAG		"--replicate "

char *
rb_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(RB_SLURP_MAX + 1);
	if (buf != NULL) {
		n = fread(buf, 1, RB_SLURP_MAX, f);
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

int
rb_json_counter(const char *json, const char *key, uint64_t *out)
{
	char quoted[RB_KEY_MAX + 4], *end;
	const char *p;

	if (json == NULL || strlen(key) > RB_KEY_MAX)
		return -1;
	snprintf(quoted, sizeof(quoted), "\"%s\":", key);
	p = strstr(json, quoted);
	if (p == NULL)
		return -1;
	p += strlen(quoted);
	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	*out = strtoull(p, &end, 10);
	return errno == 0 ? 0 : -1;
}

void
rb_log_tracking(const char *log, char *out, size_t len)
{
	const char *p = log != NULL ? strstr(log, RB_PRIMARY_TAG) : NULL;
	size_t n;

	snprintf(out, len, "?");
	if (p != NULL)
		p = strstr(p, RB_TRACKING_TAG);
	if (p == NULL)
		return;
	p = strchr(p + strlen(RB_TRACKING_TAG), '(');
	if (p == NULL)
		return;
	n = strcspn(++p, ")\n");
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

void
rb_log_tail(const char *path, unsigned int lines)
{
	char buf[RB_TAIL_BUF + 1], *p;
	FILE *f = fopen(path, "rb");
	unsigned int seen = 0;
	long size;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "  (no log: %s)\n", strerror(errno));
		return;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, size > RB_TAIL_BUF ? size - RB_TAIL_BUF : 0, SEEK_SET);
	n = fread(buf, 1, RB_TAIL_BUF, f);
	fclose(f);
	buf[n] = '\0';
	/* Back from the end to the start of the last @p lines lines. */
	for (p = buf + n; p > buf; p--)
		if (p[-1] == '\n' && p != buf + n && ++seen > lines)
			break;
	while (*p != '\0') {
		n = strcspn(p, "\n");
		fprintf(stderr, "  | %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}
