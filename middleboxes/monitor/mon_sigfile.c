/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The line reader both signature files share. A file is UTF-8-free ASCII
 * text: one signature per line, "FIELDS = LABEL"; blank lines and lines
 * whose first non-blank character is '#' are skipped; CR before LF is
 * ignored. The label follows the last " = " of the line, so a banner
 * pattern may itself contain " = ", and it must be printable ASCII
 * without '"' or '\', because it is quoted in asset events.
 *
 * Everything here runs at init only. Every rejection is reported as
 * "PATH:LINE: message", so an operator goes straight to the bad line.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mon.h"

#define MON_SIGFILE_COMMENT	'#'
#define MON_SIGFILE_SEP		" = "
#define MON_SIGFILE_SEP_LEN	(sizeof(MON_SIGFILE_SEP) - 1)
#define MON_MSG_MAX		256
#define MON_ASCII_PRINT_FIRST	0x20
#define MON_ASCII_PRINT_LAST	0x7e

int
mon_sigfile_open(struct mon_sigfile *sf, struct sa_ctx *ctx, const char *path)
{
	FILE *f;

	memset(sf, 0, sizeof(*sf));
	f = fopen(path, "r");
	if (f == NULL)
		return errno != 0 ? -errno : -EIO;
	sf->ctx = ctx;
	sf->path = path;
	sf->stream = f;
	return 0;
}

void
mon_sigfile_close(struct mon_sigfile *sf)
{
	if (sf->stream != NULL)
		fclose(sf->stream);
	sf->stream = NULL;
}

void
mon_sigfile_error(const struct mon_sigfile *sf, const char *fmt, ...)
{
	char msg[MON_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sa_log(sf->ctx, SA_LOG_ERR, "%s:%u: %s", sf->path, sf->line, msg);
}

static bool
mon_sigfile_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims blanks on both ends of @p s in place. */
static char *
mon_sigfile_trim(char *s)
{
	size_t n;

	while (mon_sigfile_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && mon_sigfile_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Reads one line into sf->buf without its line end: 1, 0 at the end of
 * the file, -EINVAL when it is too long or holds a NUL byte, another
 * -errno when the file cannot be read (a directory, an I/O error). */
static int
mon_sigfile_read(struct mon_sigfile *sf)
{
	size_t n;

	errno = 0;
	if (fgets(sf->buf, sizeof(sf->buf), sf->stream) == NULL) {
		/* Not a bad line: the caller reports it against its key. */
		if (ferror((FILE *)sf->stream))
			return errno != 0 && errno != EINVAL ? -errno : -EIO;
		return 0;
	}
	sf->line++;
	n = strlen(sf->buf);
	if (n > 0 && sf->buf[n - 1] == '\n')
		sf->buf[--n] = '\0';
	else if (!feof((FILE *)sf->stream) || n == sizeof(sf->buf) - 1) {
		mon_sigfile_error(sf, "line longer than %u characters or "
				  "holding a NUL byte", MON_SIG_LINE_MAX);
		return -EINVAL;
	}
	if (n > 0 && sf->buf[n - 1] == '\r')
		sf->buf[--n] = '\0';
	return 1;
}

static const char *
mon_sigfile_label_check(const char *label)
{
	const unsigned char *c;

	if (*label == '\0')
		return "empty label after ' = '";
	if (strlen(label) >= MON_LABEL_MAX)
		return "label longer than 63 characters";
	for (c = (const unsigned char *)label; *c != '\0'; c++)
		if (*c < MON_ASCII_PRINT_FIRST || *c > MON_ASCII_PRINT_LAST ||
		    *c == '"' || *c == '\\')
			return "label holds a control, non-ASCII, '\"' or "
			       "'\\' character";
	return NULL;
}

_Static_assert(MON_LABEL_MAX == 64, "the message above says 63");

/* Splits at the last " = ": the label may not hold it, a pattern may. */
static char *
mon_sigfile_split(char *line)
{
	char *sep = NULL, *p = line;

	while ((p = strstr(p, MON_SIGFILE_SEP)) != NULL)
		sep = p++;
	if (sep == NULL)
		return NULL;
	*sep = '\0';
	return sep + MON_SIGFILE_SEP_LEN;
}

int
mon_sigfile_next(struct mon_sigfile *sf, char **fields, char **label)
{
	const char *why;
	char *line, *lab;
	int rc;

	for (;;) {
		rc = mon_sigfile_read(sf);
		if (rc <= 0)
			return rc;
		line = mon_sigfile_trim(sf->buf);
		if (*line != '\0' && *line != MON_SIGFILE_COMMENT)
			break;
	}
	lab = mon_sigfile_split(line);
	if (lab == NULL) {
		mon_sigfile_error(sf, "expected 'FIELDS = LABEL'");
		return -EINVAL;
	}
	lab = mon_sigfile_trim(lab);
	why = mon_sigfile_label_check(lab);
	if (why != NULL) {
		mon_sigfile_error(sf, "%s", why);
		return -EINVAL;
	}
	*fields = mon_sigfile_trim(line);
	*label = lab;
	return 1;
}
