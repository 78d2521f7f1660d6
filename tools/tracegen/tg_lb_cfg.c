/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The lb profile's view of the balancer. The configuration is read with
 * the runtime's own INI loader, so its errors name FILE:LINE exactly as
 * sa-runtime would; the balancer runs through the unit-test shim on the
 * file's text. Its [lb] entries are understood by tools/common/tl_lbconf.c,
 * as sa-pcapcheck understands them.
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

#define TG_LB_INI_MAX		(16u << 20)
#define TG_LB_SHIM_TMP		"/tmp/sa_shim_"
#define TG_LB_REPLY_MAX		256
#define TG_LB_CMDS_MIN		16
#define TG_LB_STAT_NAME_MAX	48

/* The profile's form of @p t: IPv4 addresses in host order. */
static void
tg_lb_ep_from(const struct tl_lb_ep *t, struct tg_lb_ep *e)
{
	uint32_t a4;

	memset(e, 0, sizeof(*e));
	e->family = t->family;
	e->proto = t->proto;
	e->port = t->port;
	if (t->family == 4) {
		memcpy(&a4, t->addr, sizeof(a4));
		e->addr4 = ntohl(a4);
	} else {
		memcpy(e->addr6, t->addr, sizeof(e->addr6));
	}
}

static void
tg_lb_ep_to(const struct tg_lb_ep *e, struct tl_lb_ep *t)
{
	uint32_t a4 = htonl(e->addr4);

	memset(t, 0, sizeof(*t));
	t->family = e->family;
	t->proto = e->proto;
	t->port = e->port;
	if (e->family == 4)
		memcpy(t->addr, &a4, sizeof(a4));
	else
		memcpy(t->addr, e->addr6, sizeof(e->addr6));
}

/* Services first: a backend line may come before its service's. */
static int
tg_lb_entries(struct tg_lb_cfg *c, const struct sa_config *sec, int pass)
{
	const char *key, *val;
	unsigned int i;
	int rc;

	/* A bad backend state is the balancer's to explain (tg_lb_start). */
	for (i = 0; sa_config_entry(sec, i, &key, &val) == 0; i++) {
		rc = tl_lbconf_entry(&c->lb, key, val, pass);
		if (rc < 0 && rc != TL_LBCONF_BAD_STATE) {
			sa_config_error(sec, (int)i,
					"not understood by sa-tracegen");
			return -1;
		}
	}
	return 0;
}

/* The services and backends as the profile uses them. */
static void
tg_lb_import(struct tg_lb_cfg *c)
{
	uint32_t i;

	c->n_svc = c->lb.n_svc;
	c->n_be = c->lb.n_be;
	for (i = 0; i < c->n_svc; i++)
		tg_lb_ep_from(&c->lb.svc[i], &c->svc[i]);
	for (i = 0; i < c->n_be; i++) {
		tg_lb_ep_from(&c->lb.be[i].ep, &c->be[i]);
		c->be_svc[i] = c->lb.be[i].service;
	}
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
	int rc, pass;

	memset(c, 0, sizeof(*c));
	if (rt_config_load(path, &cfg) < 0) {
		fprintf(stderr, "sa-tracegen: --config: %s\n",
			sa_shim_last_log());
		return -1;
	}
	sec = rt_config_section(cfg, "lb");
	rc = sec == NULL ? -1 : 0;
	for (pass = 0; rc == 0 && pass < TL_LBCONF_PASSES; pass++)
		rc = tg_lb_entries(c, sec, pass);
	tg_lb_import(c);
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
	struct tl_lb_ep t;

	tg_lb_ep_to(e, &t);
	return tl_lb_ep_str(&t, proto, buf, len);
}

int
tg_lb_cfg_service(const struct tg_lb_cfg *c, const struct tg_lb_ep *e)
{
	struct tl_lb_ep t;

	tg_lb_ep_to(e, &t);
	return tl_lbconf_service(&c->lb, &t);
}

bool
tg_lb_cfg_inside(const struct tg_lb_cfg *c, const struct tg_lb_ep *e)
{
	struct tl_lb_ep t;

	tg_lb_ep_to(e, &t);
	return tl_lbconf_inside(&c->lb, &t);
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
