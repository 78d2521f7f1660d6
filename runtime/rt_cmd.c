/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <sys/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_cmd.h"

#define RT_CMD_CAP_MIN		16
#define RT_CMD_BLANKS		" \t"
#define RT_CMD_COMMENT		'#'
#define RT_CMD_DEL		0x7f
/* U+0080..U+009F: the C1 control characters. */
#define RT_CMD_C1_LO		0x80
#define RT_CMD_C1_HI		0x9f

/* Length of the UTF-8 sequence at @p s (at most @p n bytes) and its code
 * point in *@p cp; 0 when it is not valid (overlong, surrogate, past
 * U+10FFFF, truncated). */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

const char *
rt_cmd_check(const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i, k;
	uint32_t cp;

	if (len == 0)
		return "empty command";
	if (len >= RT_CMD_LINE_MAX)
		return "command too long";
	for (i = 0; i < len; i += k) {
		k = utf8_seq(s + i, len - i, &cp);
		if (k == 0)
			return "command is not UTF-8";
		if (cp < ' ' || cp == RT_CMD_DEL ||
		    (cp >= RT_CMD_C1_LO && cp <= RT_CMD_C1_HI))
			return "control character in command";
	}
	return NULL;
}

static int
sched_add(struct rt_cmd_sched *s, uint64_t at, const char *line, size_t len)
{
	struct rt_cmd *c;
	size_t cap;

	if (s->n == s->cap) {
		cap = s->cap ? 2 * s->cap : RT_CMD_CAP_MIN;
		c = realloc(s->cmds, cap * sizeof(*c));
		if (c == NULL)
			return -ENOMEM;
		s->cmds = c;
		s->cap = cap;
	}
	c = &s->cmds[s->n];
	c->line = strndup(line, len);
	if (c->line == NULL)
		return -ENOMEM;
	c->input_count = at;
	s->n++;
	return 0;
}

/* One line of the file, without its newline. @return NULL, or why it is
 * refused. */
static const char *
sched_line(struct rt_cmd_sched *s, char *text, unsigned int *same)
{
	const char *why;
	uint64_t at, prev;
	char *end, *cmd;
	size_t len;

	text += strspn(text, RT_CMD_BLANKS);
	if (*text == '\0' || *text == RT_CMD_COMMENT)
		return NULL;
	if (*text < '0' || *text > '9')
		return "expected INPUT_COUNT COMMAND";
	errno = 0;
	at = strtoull(text, &end, 10);
	if (errno != 0 || strchr(RT_CMD_BLANKS, *end) == NULL || *end == '\0')
		return "expected INPUT_COUNT COMMAND";
	cmd = end + strspn(end, RT_CMD_BLANKS);
	len = strlen(cmd);
	while (len > 0 && strchr(RT_CMD_BLANKS, cmd[len - 1]) != NULL)
		len--;
	if (len == 0)
		return "no command after the input count";
	why = rt_cmd_check(cmd, len);
	if (why != NULL)
		return why;
	prev = s->n > 0 ? s->cmds[s->n - 1].input_count : 0;
	if (s->n > 0 && at < prev)
		return "input counts must not decrease";
	*same = s->n > 0 && at == prev ? *same + 1 : 1;
	if (*same > RT_CMD_PER_POS_MAX)
		return "more than 16 commands at one input count";
	return sched_add(s, at, cmd, len) < 0 ? "out of memory" : NULL;
}

int
rt_cmd_sched_load(const char *path, struct rt_cmd_sched *s)
{
	unsigned int lineno = 0, same = 0;
	const char *why = NULL;
	char *text = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (why == NULL && (len = getline(&text, &cap, f)) > 0) {
		lineno++;
		if (text[len - 1] == '\n')
			text[--len] = '\0';
		if (memchr(text, '\0', (size_t)len) != NULL)
			why = "NUL byte in line";
		else
			why = sched_line(s, text, &same);
	}
	if (why == NULL && ferror(f)) {
		why = "read error";
		lineno++;
	}
	free(text);
	fclose(f);
	if (why == NULL)
		return 0;
	fprintf(stderr, "%s:%u: %s\n", path, lineno, why);
	rt_cmd_sched_free(s);
	return -EINVAL;
}

void
rt_cmd_sched_free(struct rt_cmd_sched *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->cmds[i].line);
	free(s->cmds);
	memset(s, 0, sizeof(*s));
}

size_t
rt_cmd_sched_skip(struct rt_cmd_sched *s, uint64_t input_count)
{
	size_t skipped = 0;

	while (s->next < s->n && s->cmds[s->next].input_count < input_count) {
		s->next++;
		skipped++;
	}
	return skipped;
}
