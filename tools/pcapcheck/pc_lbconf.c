/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_lbconf.h"

#define PC_LINE_MAX		1024
#define PC_DECIMAL		10u
#define PC_BLANKS		" \t\r\n"
/* A command line: INPUT_COUNT backend SERVICE BACKEND STATE. */
#define PC_CMD_WORDS		5
#define PC_CHG_MIN		16

static char *
pc_trim(char *s)
{
	char *end;

	s += strspn(s, PC_BLANKS);
	end = s + strlen(s);
	while (end > s && strchr(PC_BLANKS, end[-1]) != NULL)
		*--end = '\0';
	return s;
}

static int
pc_lbconf_pass(FILE *f, const char *path, struct pc_lbconf *c, int pass)
{
	char line[PC_LINE_MAX], *s, *eq;
	unsigned int n = 0;
	int in_lb = 0;

	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		n++;
		s = pc_trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			in_lb = strcmp(s, "[lb]") == 0;
			continue;
		}
		eq = strchr(s, '=');
		if (!in_lb || eq == NULL)
			continue;
		*eq = '\0';
		if (tl_lbconf_entry(&c->lb, pc_trim(s), pc_trim(eq + 1),
				    pass) < 0) {
			printf("%s:%u: [lb] %s: not understood\n", path, n,
			       pc_trim(s));
			return -1;
		}
	}
	return 0;
}

int
pc_lbconf_load(const char *path, struct pc_lbconf *c)
{
	FILE *f = fopen(path, "r");
	int rc, pass;

	memset(c, 0, sizeof(*c));
	if (f == NULL) {
		printf("%s: cannot read\n", path);
		return -1;
	}
	for (pass = 0, rc = 0; rc == 0 && pass < TL_LBCONF_PASSES; pass++)
		rc = pc_lbconf_pass(f, path, c, pass);
	fclose(f);
	if (rc == 0 && c->lb.n_svc == 0) {
		printf("%s: no [lb] service\n", path);
		rc = -1;
	}
	return rc;
}

/* "N backend SERVICE BACKEND STATE" into the next change. */
static const char *
pc_lbconf_change(struct pc_lbconf *c, char *s, uint32_t *cap)
{
	char *w[PC_CMD_WORDS], *save = NULL, *end;
	struct pc_lb_change *chg;
	unsigned int n = 0;
	unsigned long long at;
	int be, st;

	for (w[n] = strtok_r(s, PC_BLANKS, &save); w[n] != NULL;
	     w[n] = strtok_r(NULL, PC_BLANKS, &save))
		if (++n == PC_CMD_WORDS)
			break;
	if (n != PC_CMD_WORDS || strtok_r(NULL, PC_BLANKS, &save) != NULL ||
	    strcmp(w[1], "backend") != 0)
		return "expected INPUT_COUNT backend SERVICE BACKEND STATE";
	at = strtoull(w[0], &end, PC_DECIMAL);
	if (*end != '\0' || w[0][0] < '0' || w[0][0] > '9')
		return "bad input count";
	if (c->n_chg > 0 && at < c->chg[c->n_chg - 1].at)
		return "input counts must not decrease";
	be = tl_lbconf_named(&c->lb, w[2], w[3]);
	if (be < 0)
		return "no such service and backend in the config";
	st = tl_lb_state_parse(w[4]);
	if (st < 0)
		return "state must be up, drain or down";
	if (c->n_chg == *cap) {
		*cap = *cap ? 2 * *cap : PC_CHG_MIN;
		chg = realloc(c->chg, *cap * sizeof(*chg));
		if (chg == NULL)
			return "out of memory";
		c->chg = chg;
	}
	c->chg[c->n_chg++] = (struct pc_lb_change){
		.at = at, .be = (uint16_t)be, .state = (uint8_t)st };
	return NULL;
}

int
pc_lbconf_commands(const char *path, struct pc_lbconf *c)
{
	char line[PC_LINE_MAX], *s;
	const char *why = NULL;
	unsigned int n = 0;
	uint32_t cap = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		printf("%s: cannot read\n", path);
		return -1;
	}
	while (why == NULL && fgets(line, sizeof(line), f) != NULL) {
		n++;
		s = pc_trim(line);
		if (*s != '\0' && *s != '#')
			why = pc_lbconf_change(c, s, &cap);
	}
	fclose(f);
	if (why == NULL)
		return 0;
	printf("%s:%u: %s\n", path, n, why);
	return -1;
}

void
pc_lbconf_advance(struct pc_lbconf *c, uint64_t pos)
{
	struct tl_lb_backend *be;

	while (c->next_chg < c->n_chg && c->chg[c->next_chg].at <= pos) {
		be = &c->lb.be[c->chg[c->next_chg].be];
		be->state = c->chg[c->next_chg++].state;
		be->up = be->state == TL_LB_UP;
	}
}

void
pc_lbconf_free(struct pc_lbconf *c)
{
	free(c->chg);
	c->chg = NULL;
	c->n_chg = c->next_chg = 0;
}
