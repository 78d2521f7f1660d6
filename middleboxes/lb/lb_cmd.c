/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * lb's operator commands (sa_middlebox.command: sa-ctl mb 'LINE',
 * sa-runtime --commands FILE):
 *
 *   backend SERVICE BACKEND up|drain|down
 *
 * SERVICE and BACKEND in the endpoint grammar of lb_text.c, as in the
 * [lb] entries: "backend 192.0.2.10:80/tcp 10.1.0.2:8080 drain",
 * "backend [2001:db8::10]:53/udp [fd00::1] down". Words are separated by
 * blanks. The change is lb_backend_set_state()'s; it depends only on the
 * configuration and earlier changes, so the standby, which runs the same
 * line at the same input position, ends with the same tables.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lb_priv.h"

#define LB_CMD_BLANKS		" \t"
#define LB_CMD_WORDS		4
#define LB_CMD_VERB		"backend"
#define LB_CMD_USAGE \
	"usage: backend SERVICE BACKEND up|drain|down"

static const char *const lb_cmd_states[] = {
	[LB_BACKEND_UP] = "up",
	[LB_BACKEND_DRAIN] = "drain",
	[LB_BACKEND_DOWN] = "down",
};

/* Splits @p buf in place into at most @p max words. @return how many
 * there are (max + 1 when there are more). */
static unsigned int
lb_cmd_split(char *buf, char **w, unsigned int max)
{
	unsigned int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(buf, LB_CMD_BLANKS, &save); t != NULL;
	     t = strtok_r(NULL, LB_CMD_BLANKS, &save)) {
		if (n == max)
			return max + 1;
		w[n++] = t;
	}
	return n;
}

static int
lb_cmd_state(const char *word)
{
	unsigned int i;

	for (i = 0; i < sizeof(lb_cmd_states) / sizeof(lb_cmd_states[0]); i++)
		if (strcmp(word, lb_cmd_states[i]) == 0)
			return (int)i;
	return -1;
}

static int
lb_cmd_fail(char *reply, size_t len, int rc, const char *fmt, const char *a)
{
	snprintf(reply, len, fmt, a);
	return rc;
}

int
lb_command(struct sa_ctx *ctx, const char *line, char *reply, size_t len)
{
	char buf[SA_MB_COMMAND_MAX], *w[LB_CMD_WORDS];
	struct lb_endpoint ep;
	const char *err;
	int st, rc;

	(void)ctx;
	if (strlen(line) >= sizeof(buf))
		return lb_cmd_fail(reply, len, -EINVAL, "%s", "line too long");
	strcpy(buf, line);
	if (lb_cmd_split(buf, w, LB_CMD_WORDS) != LB_CMD_WORDS ||
	    strcmp(w[0], LB_CMD_VERB) != 0)
		return lb_cmd_fail(reply, len, -EINVAL, "%s", LB_CMD_USAGE);
	err = lb_text_endpoint(w[1], true, &ep);
	if (err != NULL)
		return lb_cmd_fail(reply, len, -EINVAL, "service: %s", err);
	err = lb_text_endpoint(w[2], false, &ep);
	if (err != NULL)
		return lb_cmd_fail(reply, len, -EINVAL, "backend: %s", err);
	st = lb_cmd_state(w[3]);
	if (st < 0)
		return lb_cmd_fail(reply, len, -EINVAL, "state '%s': expected "
				   "up, drain or down", w[3]);
	if (lb_maglev == NULL)
		return lb_cmd_fail(reply, len, -ENODEV, "%s",
				   "lb is not running");
	if (lb_maglev_service(w[1]) < 0)
		return lb_cmd_fail(reply, len, -ENOENT, "no service %s", w[1]);
	rc = lb_backend_set_state(w[1], w[2], (enum lb_backend_state)st);
	if (rc == -ENOENT)
		return lb_cmd_fail(reply, len, rc, "no backend %s in that "
				   "service", w[2]);
	if (rc < 0)
		return lb_cmd_fail(reply, len, rc, "%s", strerror(-rc));
	snprintf(reply, len, "backend %s of %s: %s", w[2], w[1], w[3]);
	return 0;
}
