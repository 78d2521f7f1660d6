/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/headers.h>

#include "pc_lbconf.h"

#define PC_LINE_MAX		1024
#define PC_PORT_MAX		65535u
#define PC_DECIMAL		10u
#define PC_PROTO_LEN		4	/* "/tcp", "/udp" */
#define PC_BLANKS		" \t\r\n"
/* A command line: INPUT_COUNT backend SERVICE BACKEND STATE. */
#define PC_CMD_WORDS		5
#define PC_CHG_MIN		16

static int
pc_ep_addr(const char *t, size_t n, struct pc_ep *e)
{
	char buf[INET6_ADDRSTRLEN];

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, e->addr) == 1) {
		e->family = 6;
		return 0;
	}
	if (inet_pton(AF_INET, buf, e->addr) != 1)
		return -1;
	e->family = 4;
	return 0;
}

static int
pc_ep_port(const char *t, size_t n, uint16_t *port)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		v = v * PC_DECIMAL + (uint32_t)(t[i] - '0');
		if (v > PC_PORT_MAX)
			return -1;
	}
	*port = (uint16_t)v;
	return v == 0 ? -1 : 0;
}

/* A.B.C.D[:PORT][/PROTO] or [IPV6][:PORT][/PROTO], @p n bytes. */
static int
pc_ep_parse(const char *t, size_t n, struct pc_ep *e)
{
	const char *slash = memchr(t, '/', n), *close, *colon;

	memset(e, 0, sizeof(*e));
	if (slash != NULL) {
		if (t + n - slash != PC_PROTO_LEN)
			return -1;
		if (memcmp(slash, "/tcp", PC_PROTO_LEN) == 0)
			e->proto = SA_IPPROTO_TCP;
		else if (memcmp(slash, "/udp", PC_PROTO_LEN) == 0)
			e->proto = SA_IPPROTO_UDP;
		else
			return -1;
		n = (size_t)(slash - t);
	}
	if (n > 0 && t[0] == '[') {
		close = memchr(t, ']', n);
		if (close == NULL ||
		    pc_ep_addr(t + 1, (size_t)(close - t) - 1, e) < 0 ||
		    e->family != 6)
			return -1;
		colon = close + 1 < t + n ? close + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return -1;
	} else {
		colon = memchr(t, ':', n);
		if (pc_ep_addr(t, colon != NULL ? (size_t)(colon - t) : n,
			       e) < 0 || e->family != 4)
			return -1;
	}
	if (colon == NULL)
		return 0;
	return pc_ep_port(colon + 1, (size_t)(t + n - colon - 1), &e->port);
}

static int
pc_ep_eq(const struct pc_ep *a, const struct pc_ep *b)
{
	return a->family == b->family && a->port == b->port &&
	       a->proto == b->proto &&
	       memcmp(a->addr, b->addr, PC_ADDR_LEN) == 0;
}

int
pc_lbconf_service(const struct pc_lbconf *c, const struct pc_ep *e)
{
	uint32_t i;

	for (i = 0; i < c->n_svc; i++)
		if (pc_ep_eq(&c->svc[i], e))
			return (int)i;
	return -1;
}

int
pc_lbconf_backend(const struct pc_lbconf *c, const struct pc_ep *e)
{
	uint32_t i;

	for (i = 0; i < c->n_be; i++)
		if (pc_ep_eq(&c->be[i].ep, e))
			return (int)i;
	return -1;
}

int
pc_lbconf_inside(const struct pc_lbconf *c, const struct pc_ep *e)
{
	uint32_t a4;

	if (e->family == 6)
		return sa_prefix_set_match6(&c->inside, e->addr);
	memcpy(&a4, e->addr, sizeof(a4));
	return sa_prefix_set_match4(&c->inside, a4);
}

const char *
pc_ep_str(const struct pc_ep *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(e->family == 6 ? AF_INET6 : AF_INET, e->addr, a, sizeof(a));
	snprintf(buf, len, e->family == 6 ? "[%s]:%u" : "%s:%u", a, e->port);
	return buf;
}

static int
pc_lb_state_parse(const char *w)
{
	if (strcmp(w, "up") == 0)
		return PC_LB_UP;
	if (strcmp(w, "drain") == 0)
		return PC_LB_DRAIN;
	if (strcmp(w, "down") == 0)
		return PC_LB_DOWN;
	return -1;
}

/* The backend SERVICE BACKEND names (its port defaults to the
 * service's), or -1. */
static int
pc_lbconf_named(const struct pc_lbconf *c, const char *svc_text,
		const char *be_text)
{
	struct pc_ep svc, be;
	int i;

	if (pc_ep_parse(svc_text, strlen(svc_text), &svc) < 0 ||
	    (i = pc_lbconf_service(c, &svc)) < 0 ||
	    pc_ep_parse(be_text, strlen(be_text), &be) < 0 || be.proto != 0)
		return -1;
	be.proto = svc.proto;
	if (be.port == 0)
		be.port = svc.port;
	i = pc_lbconf_backend(c, &be);
	return i >= 0 && c->be[i].service == pc_lbconf_service(c, &svc) ? i :
									  -1;
}

/* "SERVICE ADDR[:PORT] [weight=W] [state=S]": the backend entry. */
static int
pc_lbconf_be(struct pc_lbconf *c, char *v)
{
	struct pc_lb_backend *be = &c->be[c->n_be];
	struct pc_ep svc;
	char *w, *save = NULL;
	int i;

	w = strtok_r(v, PC_BLANKS, &save);
	if (w == NULL || pc_ep_parse(w, strlen(w), &svc) < 0 ||
	    (i = pc_lbconf_service(c, &svc)) < 0)
		return -1;
	w = strtok_r(NULL, PC_BLANKS, &save);
	if (w == NULL || pc_ep_parse(w, strlen(w), &be->ep) < 0 ||
	    be->ep.proto != 0 || be->ep.family != svc.family)
		return -1;
	be->ep.proto = svc.proto;
	if (be->ep.port == 0)
		be->ep.port = svc.port;
	be->service = (uint16_t)i;
	be->state = PC_LB_UP;
	while ((w = strtok_r(NULL, PC_BLANKS, &save)) != NULL) {
		if (strncmp(w, "state=", strlen("state=")) != 0)
			continue;
		i = pc_lb_state_parse(w + strlen("state="));
		if (i < 0)
			return -1;
		be->state = (uint8_t)i;
	}
	be->up = be->state == PC_LB_UP;
	c->n_be++;
	return 0;
}

/* One KEY = VALUE line of [lb] in pass @p pass (0: services and
 * inside, 1: backends, which may precede their service). */
static int
pc_lbconf_entry(struct pc_lbconf *c, char *key, char *val, int pass)
{
	int bad;

	if (pass == 0 && strcmp(key, "service") == 0) {
		if (c->n_svc == PC_LB_SERVICES_MAX ||
		    pc_ep_parse(val, strlen(val), &c->svc[c->n_svc]) < 0 ||
		    c->svc[c->n_svc].proto == 0 || c->svc[c->n_svc].port == 0)
			return -1;
		c->n_svc++;
	} else if (pass == 0 && strcmp(key, "inside") == 0) {
		return sa_prefix_set_parse(val, &c->inside, &bad) < 0 ? -1 : 0;
	} else if (pass == 1 && strcmp(key, "backend") == 0) {
		return c->n_be == PC_LB_BACKENDS_MAX ? -1 :
		       pc_lbconf_be(c, val);
	}
	return 0;
}

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
		if (pc_lbconf_entry(c, pc_trim(s), pc_trim(eq + 1), pass) < 0) {
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
	int rc;

	memset(c, 0, sizeof(*c));
	if (f == NULL) {
		printf("%s: cannot read\n", path);
		return -1;
	}
	rc = pc_lbconf_pass(f, path, c, 0);
	if (rc == 0)
		rc = pc_lbconf_pass(f, path, c, 1);
	fclose(f);
	if (rc == 0 && c->n_svc == 0) {
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
	be = pc_lbconf_named(c, w[2], w[3]);
	if (be < 0)
		return "no such service and backend in the config";
	st = pc_lb_state_parse(w[4]);
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
	struct pc_lb_backend *be;

	while (c->next_chg < c->n_chg && c->chg[c->next_chg].at <= pos) {
		be = &c->be[c->chg[c->next_chg].be];
		be->state = c->chg[c->next_chg++].state;
		be->up = be->state == PC_LB_UP;
	}
}

void
pc_lbconf_free(struct pc_lbconf *c)
{
	free(c->chg);
	c->chg = NULL;
	c->n_chg = c->next_chg = 0;
}
