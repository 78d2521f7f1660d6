/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/headers.h>

#include "tl_lbconf.h"

#define TL_LB_PORT_MAX		65535u
#define TL_LB_DECIMAL		10u
#define TL_LB_PROTO_LEN		4	/* "/tcp", "/udp" */
#define TL_LB_BLANKS		" \t\r\n"
#define TL_LB_STATE_OPT		"state="

static int
tl_lb_addr(const char *t, size_t n, struct tl_lb_ep *e)
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
tl_lb_port(const char *t, size_t n, uint16_t *port)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		v = v * TL_LB_DECIMAL + (uint32_t)(t[i] - '0');
		if (v > TL_LB_PORT_MAX)
			return -1;
	}
	*port = (uint16_t)v;
	return v == 0 ? -1 : 0;
}

int
tl_lb_ep_parse(const char *t, size_t n, struct tl_lb_ep *e)
{
	const char *slash = memchr(t, '/', n), *close, *colon;

	memset(e, 0, sizeof(*e));
	if (slash != NULL) {
		if (t + n - slash != TL_LB_PROTO_LEN)
			return -1;
		if (memcmp(slash, "/tcp", TL_LB_PROTO_LEN) == 0)
			e->proto = SA_IPPROTO_TCP;
		else if (memcmp(slash, "/udp", TL_LB_PROTO_LEN) == 0)
			e->proto = SA_IPPROTO_UDP;
		else
			return -1;
		n = (size_t)(slash - t);
	}
	if (n > 0 && t[0] == '[') {
		close = memchr(t, ']', n);
		if (close == NULL ||
		    tl_lb_addr(t + 1, (size_t)(close - t) - 1, e) < 0 ||
		    e->family != 6)
			return -1;
		colon = close + 1 < t + n ? close + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return -1;
	} else {
		colon = memchr(t, ':', n);
		if (tl_lb_addr(t, colon != NULL ? (size_t)(colon - t) : n,
			       e) < 0 || e->family != 4)
			return -1;
	}
	if (colon == NULL)
		return 0;
	return tl_lb_port(colon + 1, (size_t)(t + n - colon - 1), &e->port);
}

static bool
tl_lb_ep_eq(const struct tl_lb_ep *a, const struct tl_lb_ep *b)
{
	return a->family == b->family && a->port == b->port &&
	       a->proto == b->proto &&
	       memcmp(a->addr, b->addr, TL_LB_ADDR_LEN) == 0;
}

int
tl_lbconf_service(const struct tl_lbconf *c, const struct tl_lb_ep *e)
{
	uint32_t i;

	for (i = 0; i < c->n_svc; i++)
		if (tl_lb_ep_eq(&c->svc[i], e))
			return (int)i;
	return -1;
}

int
tl_lbconf_backend(const struct tl_lbconf *c, const struct tl_lb_ep *e)
{
	uint32_t i;

	for (i = 0; i < c->n_be; i++)
		if (tl_lb_ep_eq(&c->be[i].ep, e))
			return (int)i;
	return -1;
}

bool
tl_lbconf_inside(const struct tl_lbconf *c, const struct tl_lb_ep *e)
{
	uint32_t a4;

	if (e->family == 6)
		return sa_prefix_set_match6(&c->inside, e->addr);
	memcpy(&a4, e->addr, sizeof(a4));
	return sa_prefix_set_match4(&c->inside, a4);
}

const char *
tl_lb_ep_str(const struct tl_lb_ep *e, bool proto, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(e->family == 6 ? AF_INET6 : AF_INET, e->addr, a, sizeof(a));
	snprintf(buf, len, e->family == 6 ? "[%s]:%u%s" : "%s:%u%s", a,
		 e->port, !proto ? "" : e->proto == SA_IPPROTO_TCP ? "/tcp" :
		 "/udp");
	return buf;
}

int
tl_lb_state_parse(const char *w)
{
	if (strcmp(w, "up") == 0)
		return TL_LB_UP;
	if (strcmp(w, "drain") == 0)
		return TL_LB_DRAIN;
	if (strcmp(w, "down") == 0)
		return TL_LB_DOWN;
	return -1;
}

int
tl_lbconf_named(const struct tl_lbconf *c, const char *svc_text,
		const char *be_text)
{
	struct tl_lb_ep svc, be;
	int i;

	if (tl_lb_ep_parse(svc_text, strlen(svc_text), &svc) < 0 ||
	    (i = tl_lbconf_service(c, &svc)) < 0 ||
	    tl_lb_ep_parse(be_text, strlen(be_text), &be) < 0 || be.proto != 0)
		return -1;
	be.proto = svc.proto;
	if (be.port == 0)
		be.port = svc.port;
	i = tl_lbconf_backend(c, &be);
	return i >= 0 && c->be[i].service == tl_lbconf_service(c, &svc) ? i :
									  -1;
}

/* The next word of @p *s (blank-separated) and its length; NULL at the
 * end. */
static const char *
tl_lb_word(const char **s, size_t *n)
{
	const char *w = *s + strspn(*s, TL_LB_BLANKS);

	*n = strcspn(w, TL_LB_BLANKS);
	*s = w + *n;
	return *n > 0 ? w : NULL;
}

/* "SERVICE ADDR[:PORT] [weight=W] [state=S]": the backend entry. */
static int
tl_lbconf_be(struct tl_lbconf *c, const char *v)
{
	struct tl_lb_backend *be = &c->be[c->n_be];
	char state[sizeof(TL_LB_STATE_OPT) + TL_LB_PROTO_LEN + 2];
	const size_t opt = strlen(TL_LB_STATE_OPT);
	struct tl_lb_ep svc;
	const char *w;
	size_t n;
	int i, ret;

	w = tl_lb_word(&v, &n);
	if (w == NULL || tl_lb_ep_parse(w, n, &svc) < 0 ||
	    (i = tl_lbconf_service(c, &svc)) < 0)
		return -1;
	w = tl_lb_word(&v, &n);
	if (w == NULL || tl_lb_ep_parse(w, n, &be->ep) < 0 ||
	    be->ep.proto != 0 || be->ep.family != svc.family)
		return -1;
	be->ep.proto = svc.proto;
	if (be->ep.port == 0)
		be->ep.port = svc.port;
	be->service = (uint16_t)i;
	be->state = TL_LB_UP;
	ret = 0;
	while ((w = tl_lb_word(&v, &n)) != NULL) {
		if (n < opt || strncmp(w, TL_LB_STATE_OPT, opt) != 0)
			continue;
		i = -1;
		if (n - opt < sizeof(state)) {
			memcpy(state, w + opt, n - opt);
			state[n - opt] = '\0';
			i = tl_lb_state_parse(state);
		}
		if (i < 0) {
			ret = TL_LBCONF_BAD_STATE;
			break;
		}
		be->state = (uint8_t)i;
	}
	if (ret != 0)
		be->state = TL_LB_UP;
	be->up = be->state == TL_LB_UP;
	c->n_be++;
	return ret;
}

int
tl_lbconf_entry(struct tl_lbconf *c, const char *key, const char *val,
		int pass)
{
	struct tl_lb_ep *svc = &c->svc[c->n_svc];
	int bad;

	if (pass == 0 && strcmp(key, "service") == 0) {
		if (c->n_svc == TL_LB_SERVICES_MAX ||
		    tl_lb_ep_parse(val, strlen(val), svc) < 0 ||
		    svc->proto == 0 || svc->port == 0)
			return -1;
		c->n_svc++;
	} else if (pass == 0 && strcmp(key, "inside") == 0) {
		return sa_prefix_set_parse(val, &c->inside, &bad) < 0 ? -1 : 0;
	} else if (pass == 1 && strcmp(key, "backend") == 0) {
		return c->n_be == TL_LB_BACKENDS_MAX ? -1 :
		       tl_lbconf_be(c, val);
	}
	return 0;
}
