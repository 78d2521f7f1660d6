/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The [lb] section (grammar in configs/lb.ini). Every value is checked
 * here once, so the packet path trusts lb_cfg; every rejection names its
 * entry through sa_config_error() ("FILE:LINE: [lb] key: ..."), and a key
 * this module does not know is an error, so that a typo cannot silently
 * leave a default in force.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lb_priv.h"

#define LB_CFG_BLANKS		" \t"
/* A backend entry: service, backend, then at most one of each option. */
#define LB_BACKEND_TOKENS_MAX	4
#define LB_LINE_MAX		256
/* Fibonacci hashing of the service key into LB_SVC_BUCKETS buckets. */
#define LB_SVC_HASH_MUL		0x9e3779b1u
#define LB_SVC_HASH_SHIFT	25
#define LB_SVC_PORT_SHIFT	16

_Static_assert((1u << (32 - LB_SVC_HASH_SHIFT)) == LB_SVC_BUCKETS,
	       "the service hash yields a bucket index");

static const char *const lb_config_keys[] = {
	"inside",
	"service",
	"backend",
	"max_connections",
	"tcp_established_timeout",
	"tcp_transitory_timeout",
	"udp_timeout",
	"maglev_size",
};

#define LB_CONFIG_N_KEYS (sizeof(lb_config_keys) / sizeof(lb_config_keys[0]))

static bool
lb_config_repeatable(const char *key)
{
	return strcmp(key, "service") == 0 || strcmp(key, "backend") == 0;
}

static int
lb_config_check_keys(const struct sa_config *cfg)
{
	unsigned int i, k, n = sa_config_count(cfg);
	const char *key, *value;

	for (i = 0; i < n; i++) {
		if (sa_config_entry(cfg, i, &key, &value) < 0)
			return -EINVAL;
		for (k = 0; k < LB_CONFIG_N_KEYS; k++)
			if (strcmp(key, lb_config_keys[k]) == 0)
				break;
		if (k == LB_CONFIG_N_KEYS) {
			sa_config_error(cfg, (int)i, "unknown key (known: "
					"inside, service, backend, "
					"max_connections, "
					"tcp_established_timeout, "
					"tcp_transitory_timeout, udp_timeout, "
					"maglev_size)");
			return -EINVAL;
		}
		if (!lb_config_repeatable(key) &&
		    sa_config_find(cfg, key) != (int)i) {
			sa_config_error(cfg, (int)i, "given more than once");
			return -EINVAL;
		}
	}
	return 0;
}

static uint32_t
lb_svc_bucket(const uint8_t *vip, uint16_t port, uint8_t proto)
{
	uint32_t w[LB_ADDR_LEN / sizeof(uint32_t)];

	memcpy(w, vip, sizeof(w));
	return ((w[0] ^ w[1] ^ w[2] ^ w[3] ^
		 ((uint32_t)port << LB_SVC_PORT_SHIFT) ^ proto) *
		LB_SVC_HASH_MUL) >> LB_SVC_HASH_SHIFT;
}

/* Index of the service VIP:port/proto (port in network order), or -1. */
int
lb_service_find(const struct lb_config *c, const uint8_t *vip, uint16_t port,
		uint8_t proto, uint8_t family)
{
	uint32_t b = lb_svc_bucket(vip, port, proto);
	const struct lb_service *s;
	uint32_t i;

	for (; c->svc_index[b] != 0; b = (b + 1) % LB_SVC_BUCKETS) {
		i = c->svc_index[b] - 1u;
		s = &c->services[i];
		if (s->port == port && s->proto == proto &&
		    s->family == family &&
		    memcmp(s->vip, vip, LB_ADDR_LEN) == 0)
			return (int)i;
	}
	return -1;
}

static int
lb_config_service(const struct sa_config *cfg, int idx, const char *text,
		  struct lb_config *out)
{
	struct lb_endpoint ep;
	struct lb_service *s;
	const char *err;
	uint32_t b;

	err = lb_text_endpoint(text, true, &ep);
	if (err != NULL) {
		sa_config_error(cfg, idx, "'%s': %s", text, err);
		return -EINVAL;
	}
	if (lb_service_find(out, ep.addr, lb_bswap16(ep.port), ep.proto,
			    ep.family) >= 0) {
		sa_config_error(cfg, idx, "service %s is listed more than once",
				text);
		return -EINVAL;
	}
	if (out->n_services == LB_SERVICES_MAX) {
		sa_config_error(cfg, idx, "more than %u services",
				LB_SERVICES_MAX);
		return -EINVAL;
	}
	s = &out->services[out->n_services];
	memcpy(s->vip, ep.addr, LB_ADDR_LEN);
	s->port = lb_bswap16(ep.port);
	s->proto = ep.proto;
	s->family = ep.family;
	snprintf(s->text, sizeof(s->text), "%s", text);
	b = lb_svc_bucket(s->vip, s->port, s->proto);
	while (out->svc_index[b] != 0)
		b = (b + 1) % LB_SVC_BUCKETS;
	out->svc_index[b] = (uint8_t)(++out->n_services);
	return 0;
}

/* Splits @p text at blanks into at most @p max tokens of @p buf. */
static int
lb_config_split(const char *text, char *buf, size_t size, char **tok,
		unsigned int max)
{
	unsigned int n = 0;
	char *p = buf;
	size_t len;

	if (strlen(text) >= size)
		return -E2BIG;
	strcpy(buf, text);
	for (;;) {
		p += strspn(p, LB_CFG_BLANKS);
		if (*p == '\0')
			return (int)n;
		if (n == max)
			return -E2BIG;
		tok[n++] = p;
		len = strcspn(p, LB_CFG_BLANKS);
		if (p[len] == '\0')
			return (int)n;
		p[len] = '\0';
		p += len + 1;
	}
}

/* The value of "NAME=value" option @p opt, or NULL if it is not @p name. */
static const char *
lb_config_opt_value(const char *opt, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(opt, name, n) != 0 || opt[n] != '=')
		return NULL;
	return opt + n + 1;
}

/* Decimal digits only, within [min, max]. */
static int
lb_config_decimal(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * LB_DECIMAL_BASE + (uint64_t)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	if (v < min)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

#define LB_OPT_WEIGHT	0x1u
#define LB_OPT_STATE	0x2u

static int
lb_config_option(const struct sa_config *cfg, int idx, const char *opt,
		 struct lb_backend *be, unsigned int *seen)
{
	static const char *const states[] = {
		[LB_BACKEND_UP] = "up",
		[LB_BACKEND_DRAIN] = "drain",
		[LB_BACKEND_DOWN] = "down",
	};
	const char *v;
	uint32_t w;
	uint8_t st;

	if ((v = lb_config_opt_value(opt, "weight")) != NULL) {
		if (*seen & LB_OPT_WEIGHT)
			goto twice;
		*seen |= LB_OPT_WEIGHT;
		if (lb_config_decimal(v, LB_WEIGHT_MIN, LB_WEIGHT_MAX,
				      &w) < 0) {
			sa_config_error(cfg, idx, "'%s': weight must be a "
					"decimal number %u-%u", opt,
					LB_WEIGHT_MIN, LB_WEIGHT_MAX);
			return -EINVAL;
		}
		be->weight = (uint16_t)w;
		return 0;
	}
	if ((v = lb_config_opt_value(opt, "state")) != NULL) {
		if (*seen & LB_OPT_STATE)
			goto twice;
		*seen |= LB_OPT_STATE;
		for (st = 0; st < sizeof(states) / sizeof(states[0]); st++) {
			if (strcmp(v, states[st]) == 0) {
				be->state = st;
				return 0;
			}
		}
		sa_config_error(cfg, idx, "'%s': state must be up, drain or "
				"down", opt);
		return -EINVAL;
	}
	sa_config_error(cfg, idx, "unknown option '%s' (known: weight=W, "
			"state=up|drain|down)", opt);
	return -EINVAL;
twice:
	sa_config_error(cfg, idx, "'%s': option given twice", opt);
	return -EINVAL;
}

/* Refuses a backend that another entry already names, in any service:
 * its replies would be ambiguous. */
static int
lb_config_backend_unique(const struct sa_config *cfg, int idx,
			 const struct lb_config *out,
			 const struct lb_backend *be)
{
	const struct lb_rewrite *a = &be->rw[LB_SIDE_CLIENT];
	const struct lb_service *s = &out->services[be->service];
	const struct lb_backend *o;
	uint32_t i;

	for (i = 0; i < out->n_backends; i++) {
		o = &out->backends[i];
		if (o->rw[LB_SIDE_CLIENT].port != a->port ||
		    out->services[o->service].proto != s->proto ||
		    out->services[o->service].family != s->family ||
		    memcmp(o->rw[LB_SIDE_CLIENT].addr, a->addr,
			   LB_ADDR_LEN) != 0)
			continue;
		sa_config_error(cfg, idx, "backend %s is already backend%u, of "
				"service %s: its replies would be ambiguous",
				be->text, i, out->services[o->service].text);
		return -EINVAL;
	}
	return 0;
}

/* Fills where a backend sits (service, address, port) from two tokens. */
static int
lb_config_backend_where(const struct sa_config *cfg, int idx, char **tok,
			const struct lb_config *out, struct lb_backend *be,
			struct lb_endpoint *ep)
{
	struct lb_endpoint se;
	const char *err;
	int svc;

	err = lb_text_endpoint(tok[0], true, &se);
	if (err != NULL) {
		sa_config_error(cfg, idx, "service '%s': %s", tok[0], err);
		return -EINVAL;
	}
	svc = lb_service_find(out, se.addr, lb_bswap16(se.port), se.proto,
			      se.family);
	if (svc < 0) {
		sa_config_error(cfg, idx, "service %s has no 'service' entry",
				tok[0]);
		return -EINVAL;
	}
	err = lb_text_endpoint(tok[1], false, ep);
	if (err != NULL) {
		sa_config_error(cfg, idx, "backend '%s': %s", tok[1], err);
		return -EINVAL;
	}
	if (ep->family != se.family) {
		sa_config_error(cfg, idx, "backend %s and service %s are of "
				"different IP versions", tok[1], tok[0]);
		return -EINVAL;
	}
	if (ep->port == 0)
		ep->port = se.port;
	be->service = (uint16_t)svc;
	snprintf(be->text, sizeof(be->text), "%s", tok[1]);
	return 0;
}

static int
lb_config_backend(const struct sa_config *cfg, int idx, const char *text,
		  struct lb_config *out)
{
	char buf[LB_LINE_MAX], *tok[LB_BACKEND_TOKENS_MAX];
	struct lb_backend *be = &out->backends[out->n_backends];
	unsigned int seen = 0;
	struct lb_endpoint ep;
	uint32_t a4;
	int i, n;

	if (out->n_backends == LB_BACKENDS_MAX) {
		sa_config_error(cfg, idx, "more than %u backends",
				LB_BACKENDS_MAX);
		return -EINVAL;
	}
	n = lb_config_split(text, buf, sizeof(buf), tok, LB_BACKEND_TOKENS_MAX);
	if (n < 0) {
		sa_config_error(cfg, idx, "more than %u fields, or longer "
				"than %u characters", LB_BACKEND_TOKENS_MAX,
				LB_LINE_MAX - 1);
		return -EINVAL;
	}
	if (n < 2) {
		sa_config_error(cfg, idx, "expected 'VIP:PORT/PROTO "
				"BACKEND[:PORT] [weight=W] "
				"[state=up|drain|down]'");
		return -EINVAL;
	}
	memset(be, 0, sizeof(*be));
	be->weight = LB_WEIGHT_DEFAULT;
	be->state = LB_BACKEND_UP;
	if (lb_config_backend_where(cfg, idx, tok, out, be, &ep) < 0)
		return -EINVAL;
	for (i = 2; i < n; i++)
		if (lb_config_option(cfg, idx, tok[i], be, &seen) < 0)
			return -EINVAL;
	memcpy(&a4, ep.addr, sizeof(a4));
	if (out->inside.n != 0 &&
	    !(ep.family == SA_L3_IPV4 ?
	      sa_prefix_set_match4(&out->inside, a4) :
	      sa_prefix_set_match6(&out->inside, ep.addr))) {
		sa_config_error(cfg, idx, "backend %s is not inside (its "
				"replies would be taken for client traffic)",
				tok[1]);
		return -EINVAL;
	}
	memcpy(be->rw[LB_SIDE_CLIENT].addr, ep.addr, LB_ADDR_LEN);
	be->rw[LB_SIDE_CLIENT].port = lb_bswap16(ep.port);
	if (lb_config_backend_unique(cfg, idx, out, be) < 0)
		return -EINVAL;
	out->services[be->service].n_backends++;
	out->n_backends++;
	return 0;
}

static int
lb_config_inside(const struct sa_config *cfg, struct lb_config *out)
{
	int idx = sa_config_find(cfg, "inside");
	const char *key, *text;
	int bad = 0, rc;

	if (idx < 0)
		return 0;
	if (sa_config_entry(cfg, (unsigned int)idx, &key, &text) < 0)
		return -EINVAL;
	rc = sa_prefix_set_parse(text, &out->inside, &bad);
	if (rc == -E2BIG) {
		sa_config_error(cfg, idx, "more than %u prefixes",
				SA_PREFIX_SET_MAX);
		return -EINVAL;
	}
	if (rc < 0) {
		sa_config_error(cfg, idx, "element %d is not a prefix",
				bad + 1);
		return -EINVAL;
	}
	return 0;
}

/* Services first, so that a backend may name a service listed after it. */
static int
lb_config_entries(const struct sa_config *cfg, struct lb_config *out)
{
	unsigned int i, n = sa_config_count(cfg);
	const char *key, *value;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if (sa_config_entry(cfg, i, &key, &value) < 0)
			return -EINVAL;
		if (strcmp(key, "service") == 0)
			rc = lb_config_service(cfg, (int)i, value, out);
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (sa_config_entry(cfg, i, &key, &value) < 0)
			return -EINVAL;
		if (strcmp(key, "backend") == 0)
			rc = lb_config_backend(cfg, (int)i, value, out);
	}
	if (rc < 0)
		return rc;
	if (out->n_services == 0) {
		sa_config_error(cfg, -1, "no 'service' entry: nothing to "
				"balance");
		return -EINVAL;
	}
	return 0;
}

/* Every service needs a backend: one without is most likely a typo. */
static int
lb_config_check_services(const struct sa_config *cfg,
			 const struct lb_config *out)
{
	unsigned int i, s = 0, n = sa_config_count(cfg);
	const char *key, *value;

	for (i = 0; i < n; i++) {
		if (sa_config_entry(cfg, i, &key, &value) < 0)
			return -EINVAL;
		if (strcmp(key, "service") != 0)
			continue;
		if (out->services[s++].n_backends == 0) {
			sa_config_error(cfg, (int)i, "service %s has no "
					"'backend' entry", value);
			return -EINVAL;
		}
	}
	return 0;
}

static bool
lb_config_is_prime(uint64_t n)
{
	uint64_t d;

	if (n < 2)
		return false;
	for (d = 2; d * d <= n; d++)
		if (n % d == 0)
			return false;
	return true;
}

static int
lb_config_numbers(const struct sa_config *cfg, struct lb_config *out)
{
	uint64_t conns, size;
	uint32_t i, most = 0;

	if (sa_config_u64(cfg, "max_connections", LB_MAX_CONNS_DEFAULT, 1,
			  SA_TABLE_CAPACITY_MAX, &conns) < 0 ||
	    sa_config_u64(cfg, "maglev_size", LB_MAGLEV_SIZE_DEFAULT,
			  LB_MAGLEV_SIZE_MIN, LB_MAGLEV_SIZE_MAX, &size) < 0)
		return -EINVAL;
	if (!lb_config_is_prime(size)) {
		sa_config_error(cfg, sa_config_find(cfg, "maglev_size"),
				"%llu is not a prime (Maglev needs one, e.g. "
				"65537)", (unsigned long long)size);
		return -EINVAL;
	}
	for (i = 0; i < out->n_services; i++)
		if (out->services[i].n_backends > most)
			most = out->services[i].n_backends;
	if (size < most) {
		sa_config_error(cfg, sa_config_find(cfg, "maglev_size"),
				"%llu is below the %u backends of a service "
				"(at least 100 times that is best)",
				(unsigned long long)size, most);
		return -EINVAL;
	}
	out->max_conns = (uint32_t)conns;
	out->maglev_size = (uint32_t)size;
	return 0;
}

static int
lb_config_timeouts(const struct sa_config *cfg, struct lb_config *out)
{
	uint64_t *t = out->timeout_ns;

	if (sa_config_duration(cfg, "tcp_established_timeout",
			       LB_TCP_EST_TIMEOUT_DEFAULT, LB_TIMEOUT_MIN,
			       LB_TIMEOUT_MAX, &t[LB_TO_TCP_ESTABLISHED]) < 0 ||
	    sa_config_duration(cfg, "tcp_transitory_timeout",
			       LB_TCP_TRANS_TIMEOUT_DEFAULT, LB_TIMEOUT_MIN,
			       LB_TIMEOUT_MAX, &t[LB_TO_TCP_TRANSITORY]) < 0 ||
	    sa_config_duration(cfg, "udp_timeout", LB_UDP_TIMEOUT_DEFAULT,
			       LB_TIMEOUT_MIN, LB_TIMEOUT_MAX,
			       &t[LB_TO_UDP]) < 0)
		return -EINVAL;
	return 0;
}

int
lb_config_parse(const struct sa_config *cfg, struct lb_config *out)
{
	uint32_t i;

	memset(out, 0, sizeof(*out));
	if (lb_config_check_keys(cfg) < 0 ||
	    lb_config_inside(cfg, out) < 0 ||
	    lb_config_entries(cfg, out) < 0 ||
	    lb_config_check_services(cfg, out) < 0 ||
	    lb_config_numbers(cfg, out) < 0 ||
	    lb_config_timeouts(cfg, out) < 0)
		return -EINVAL;
	for (i = 0; i < out->n_backends; i++)
		lb_rewrite_init(&out->backends[i],
				&out->services[out->backends[i].service]);
	return 0;
}
