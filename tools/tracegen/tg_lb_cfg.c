/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The lb profile's view of the balancer. The configuration is read with
 * the runtime's own INI loader, so its errors name FILE:LINE exactly as
 * sa-runtime would; the balancer runs through the unit-test shim on the
 * file's text. Endpoints follow the grammar of configs/lb.ini:
 * A.B.C.D[:PORT][/PROTO] and [IPV6][:PORT][/PROTO].
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/config.h>
#include <sa/headers.h>

#include "lb.h"
#include "rt_config.h"
#include "sa_shim.h"
#include "tg_lb.h"

#define TG_LB_PORT_MAX		65535u
#define TG_LB_DECIMAL		10u
#define TG_LB_INI_MAX		(16u << 20)
#define TG_LB_PROTO_LEN		4	/* "/tcp", "/udp" */
#define TG_LB_SHIM_TMP		"/tmp/sa_shim_"
#define TG_LB_REPLY_MAX		256
#define TG_LB_CMDS_MIN		16
#define TG_LB_STAT_NAME_MAX	48

/* The address in the @p n bytes at @p t into @p e; 0 or -1. */
static int
tg_lb_addr(const char *t, size_t n, struct tg_lb_ep *e)
{
	char buf[INET6_ADDRSTRLEN];
	struct in_addr a4;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, e->addr6) == 1) {
		e->family = 6;
		return 0;
	}
	if (inet_pton(AF_INET, buf, &a4) != 1)
		return -1;
	e->family = 4;
	e->addr4 = ntohl(a4.s_addr);
	return 0;
}

static int
tg_lb_port(const char *t, size_t n, uint16_t *port)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		v = v * TG_LB_DECIMAL + (uint32_t)(t[i] - '0');
		if (v > TG_LB_PORT_MAX)
			return -1;
	}
	*port = (uint16_t)v;
	return v == 0 ? -1 : 0;
}

/* One endpoint word (no blanks) into @p e; 0 or -1. */
static int
tg_lb_ep_parse(const char *t, size_t n, struct tg_lb_ep *e)
{
	const char *slash = memchr(t, '/', n), *close, *colon;
	size_t an;

	memset(e, 0, sizeof(*e));
	if (slash != NULL) {
		if (t + n - slash != TG_LB_PROTO_LEN)
			return -1;
		if (memcmp(slash, "/tcp", TG_LB_PROTO_LEN) == 0)
			e->proto = SA_IPPROTO_TCP;
		else if (memcmp(slash, "/udp", TG_LB_PROTO_LEN) == 0)
			e->proto = SA_IPPROTO_UDP;
		else
			return -1;
		n = (size_t)(slash - t);
	}
	if (n > 0 && t[0] == '[') {
		close = memchr(t, ']', n);
		if (close == NULL)
			return -1;
		an = (size_t)(close - t) - 1;
		if (tg_lb_addr(t + 1, an, e) < 0 || e->family != 6)
			return -1;
		colon = close + 1 < t + n ? close + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return -1;
	} else {
		colon = memchr(t, ':', n);
		an = colon != NULL ? (size_t)(colon - t) : n;
		if (tg_lb_addr(t, an, e) < 0 || e->family != 4)
			return -1;
	}
	if (colon == NULL)
		return 0;
	return tg_lb_port(colon + 1, (size_t)(t + n - colon - 1), &e->port);
}

/* "VIP:PORT/PROTO ADDR[:PORT] ..." into the service it names and the
 * backend as it sends replies. */
static int
tg_lb_backend(const struct tg_lb_cfg *c, const char *v, struct tg_lb_ep *be,
	      uint16_t *svc_index)
{
	struct tg_lb_ep svc;
	size_t n = strcspn(v, " \t");
	int i;

	if (tg_lb_ep_parse(v, n, &svc) < 0)
		return -1;
	i = tg_lb_cfg_service(c, &svc);
	if (i < 0)
		return -1;
	v += n;
	v += strspn(v, " \t");
	if (tg_lb_ep_parse(v, strcspn(v, " \t"), be) < 0 || be->proto != 0 ||
	    be->family != svc.family)
		return -1;
	be->proto = svc.proto;
	if (be->port == 0)
		be->port = svc.port;
	*svc_index = (uint16_t)i;
	return 0;
}

/* Services first: a backend line may come before its service's. */
static int
tg_lb_entries(struct tg_lb_cfg *c, const struct sa_config *sec, int pass)
{
	const char *key, *val;
	unsigned int i;
	int bad;

	for (i = 0; sa_config_entry(sec, i, &key, &val) == 0; i++) {
		if (pass == 0 && strcmp(key, "service") == 0) {
			if (c->n_svc == TG_LB_SERVICES_MAX ||
			    tg_lb_ep_parse(val, strlen(val),
					   &c->svc[c->n_svc]) < 0 ||
			    c->svc[c->n_svc].proto == 0 ||
			    c->svc[c->n_svc].port == 0)
				goto bad;
			c->n_svc++;
		} else if (pass == 0 && strcmp(key, "inside") == 0) {
			if (sa_prefix_set_parse(val, &c->inside, &bad) < 0)
				goto bad;
		} else if (pass == 1 && strcmp(key, "backend") == 0) {
			if (c->n_be == TG_LB_BACKENDS_MAX ||
			    tg_lb_backend(c, val, &c->be[c->n_be],
					  &c->be_svc[c->n_be]) < 0)
				goto bad;
			c->n_be++;
		}
	}
	return 0;
bad:
	sa_config_error(sec, (int)i, "not understood by sa-tracegen");
	return -1;
}

static char *
tg_lb_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t n = 0;
	long size;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    (unsigned long)size < TG_LB_INI_MAX && fseek(f, 0, SEEK_SET) == 0) {
		text = malloc((size_t)size + 1);
		if (text != NULL) {
			n = fread(text, 1, (size_t)size, f);
			text[n] = '\0';
		}
	}
	fclose(f);
	return text;
}

/* The balancer's complaint. The shim has it read a temporary copy of
 * the file (tests/shim/sa_shim.c), whose name its FILE:LINE carries:
 * the line is right, the name becomes the user's. */
static void
tg_lb_refused(const char *path)
{
	const char *msg = sa_shim_last_log();
	const char *tmp = strstr(msg, TG_LB_SHIM_TMP);
	const char *colon = tmp != NULL ? strchr(tmp, ':') : NULL;

	if (colon == NULL)
		fprintf(stderr, "sa-tracegen: --config %s: the lb refuses it: "
			"%s\n", path, msg);
	else
		fprintf(stderr, "sa-tracegen: --config: the lb refuses it: "
			"%.*s%s%s\n", (int)(tmp - msg), msg, path, colon);
}

static int
tg_lb_start(struct tg_lb_cfg *c, const char *path)
{
	int rc;

	c->ini = tg_lb_slurp(path);
	if (c->ini == NULL) {
		fprintf(stderr, "sa-tracegen: --config %s: cannot read it\n",
			path);
		return -1;
	}
	rc = sa_shim_init(&lb_middlebox, c->ini);
	if (rc < 0) {
		tg_lb_refused(path);
		return -1;
	}
	c->running = true;
	return 0;
}

int
tg_lb_cfg_load(struct tg_lb_cfg *c, const char *path)
{
	const struct sa_config *sec;
	struct rt_config *cfg;
	int rc;

	memset(c, 0, sizeof(*c));
	if (rt_config_load(path, &cfg) < 0) {
		fprintf(stderr, "sa-tracegen: --config: %s\n",
			sa_shim_last_log());
		return -1;
	}
	sec = rt_config_section(cfg, "lb");
	rc = sec == NULL ? -1 : tg_lb_entries(c, sec, 0);
	if (rc == 0)
		rc = tg_lb_entries(c, sec, 1);
	if (rc < 0 && sec != NULL)
		fprintf(stderr, "sa-tracegen: --config: %s\n",
			sa_shim_last_log());
	rt_config_free(cfg);
	if (rc == 0 && c->n_svc == 0) {
		fprintf(stderr, "sa-tracegen: --config %s: no [lb] service\n",
			path);
		rc = -1;
	}
	if (rc == 0)
		rc = tg_lb_start(c, path);
	return rc;
}

void
tg_lb_cfg_free(struct tg_lb_cfg *c)
{
	uint32_t i;

	if (c->running)
		sa_shim_fini();
	c->running = false;
	free(c->ini);
	c->ini = NULL;
	for (i = 0; i < c->n_cmds; i++)
		free(c->cmds[i]);
	free(c->cmds);
	c->cmds = NULL;
	c->n_cmds = c->cap_cmds = 0;
}

static int
tg_lb_run(const char *line)
{
	char reply[TG_LB_REPLY_MAX];

	if (sa_shim_command(line, reply, sizeof(reply)) == 0)
		return 0;
	fprintf(stderr, "sa-tracegen: internal error: the lb refused '%s': "
		"%s\n", line, reply);
	return -1;
}

int
tg_lb_command(struct tg_lb_cfg *c, const char *line)
{
	uint32_t cap;
	char **p;

	if (c->n_cmds == c->cap_cmds) {
		cap = c->cap_cmds ? 2 * c->cap_cmds : TG_LB_CMDS_MIN;
		p = realloc(c->cmds, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		c->cmds = p;
		c->cap_cmds = cap;
	}
	c->cmds[c->n_cmds] = strdup(line);
	if (c->cmds[c->n_cmds] == NULL)
		return -1;
	c->n_cmds++;
	return tg_lb_run(line);
}

int
tg_lb_cfg_state(const struct tg_lb_cfg *c, uint32_t i)
{
	char name[TG_LB_STAT_NAME_MAX];

	(void)c;
	snprintf(name, sizeof(name), "backend%u.state", i);
	return (int)sa_shim_stat(name);
}

const char *
tg_lb_ep_text(const struct tg_lb_ep *e, bool proto, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	struct in_addr a4 = { .s_addr = htonl(e->addr4) };

	if (e->family == 4)
		inet_ntop(AF_INET, &a4, a, sizeof(a));
	else
		inet_ntop(AF_INET6, e->addr6, a, sizeof(a));
	snprintf(buf, len, e->family == 4 ? "%s:%u%s" : "[%s]:%u%s", a,
		 e->port, !proto ? "" : e->proto == SA_IPPROTO_TCP ? "/tcp" :
		 "/udp");
	return buf;
}

int
tg_lb_cfg_service(const struct tg_lb_cfg *c, const struct tg_lb_ep *e)
{
	const struct tg_lb_ep *s;
	uint32_t i;

	for (i = 0; i < c->n_svc; i++) {
		s = &c->svc[i];
		if (s->family == e->family && s->port == e->port &&
		    s->proto == e->proto &&
		    (e->family == 4 ? s->addr4 == e->addr4 :
		     memcmp(s->addr6, e->addr6, sizeof(s->addr6)) == 0))
			return (int)i;
	}
	return -1;
}

bool
tg_lb_cfg_inside(const struct tg_lb_cfg *c, const struct tg_lb_ep *e)
{
	if (e->family == 4)
		return sa_prefix_set_match4(&c->inside, htonl(e->addr4));
	return sa_prefix_set_match6(&c->inside, e->addr6);
}

/* The destination of a frame the balancer emitted. */
static void
tg_lb_dst(const uint8_t *frame, const struct sa_parsed *p,
	  struct tg_lb_ep *be)
{
	const struct sa_udp_hdr *l4 = (const void *)(frame + p->l4_off);
	const struct sa_ipv4_hdr *ip4 = (const void *)(frame + p->l3_off);
	const struct sa_ipv6_hdr *ip6 = (const void *)(frame + p->l3_off);

	memset(be, 0, sizeof(*be));
	be->family = p->l3;
	be->proto = p->l4_proto;
	/* TCP and UDP ports sit at the same offsets. */
	be->port = ntohs(l4->dst_port);
	if (p->l3 == SA_L3_IPV4)
		be->addr4 = ntohl(ip4->dst_addr);
	else
		memcpy(be->addr6, ip6->dst_addr, sizeof(be->addr6));
}

int
tg_lb_pick(struct tg_lb_cfg *c, const uint8_t *frame, uint32_t len,
	   struct tg_lb_ep *be, const char **why)
{
	static struct sa_shim_out res;
	struct sa_parsed p;
	uint32_t i;
	int again;

	for (again = 0; again < 2; again++) {
		sa_shim_process(frame, len, SA_ARM_ANY, 0, &res);
		if (res.verdict == SA_SHIM_EMIT) {
			if (sa_parse(res.frame, res.len, &p) != SA_DROP_NONE ||
			    !p.has_l4)
				break;
			tg_lb_dst(res.frame, &p, be);
			return 0;
		}
		if (res.verdict != SA_SHIM_DROP)
			break;
		*why = sa_shim_reason_name(res.reason);
		/* Connections never expire here (no tick): a full table is
		 * this process's, not the trace's; start over, as the
		 * choice of backend depends on the configuration alone. */
		if (strcmp(*why, "conn-table-full") != 0)
			return 1;
		sa_shim_fini();
		c->running = false;
		if (sa_shim_init(&lb_middlebox, c->ini) < 0)
			break;
		c->running = true;
		for (i = 0; i < c->n_cmds; i++)
			if (tg_lb_run(c->cmds[i]) < 0)
				return -1;
	}
	fprintf(stderr, "sa-tracegen: internal error: the lb gave no usable "
		"verdict on a client frame\n");
	return -1;
}
