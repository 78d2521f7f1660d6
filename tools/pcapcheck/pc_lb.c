/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The lb check (middleboxes/lb/lb.h). A client packet to a service may
 * leave only with its destination rewritten to an "up" backend of that
 * service, the same backend for every packet of its flow; a backend's
 * reply only with its source rewritten to the VIP and port of the
 * connection; nothing else may change, checksums must hold. Input frames
 * that have no output frame are checked too: a client packet to a
 * service, or a reply of a known connection, must not be lost.
 *
 * With a --commands schedule the backend states change at their input
 * positions, as in sa-runtime: a new flow must reach a backend that is up
 * at its first packet; a flow keeps its backend unless that backend is
 * down at one of its client packets, which then moves it, once, to one
 * that is up (the old backend's replies are then the lb's to drop).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "pc_check.h"
#include "pc_frame.h"
#include "pc_lbconf.h"
#include "pc_reader.h"

#define PC_WHY_MAX		160
#define PC_EP_STR_MAX		64
#define PC_LB_MAP_INIT		4096
#define PC_LB_MAX_LOAD_DEN	2
#define PC_HASH_MUL		0x9e3779b97f4a7c15ull
#define PC_RANGES_MAX		4
#define PC_IP4_CKSUM_OFF	10
#define PC_IP4_SRC_OFF		12
#define PC_IP4_DST_OFF		16
#define PC_IP6_SRC_OFF		8
#define PC_IP6_DST_OFF		24
#define PC_IP4_ADDR_LEN		4
#define PC_PORT_LEN		2
#define PC_TCP_CKSUM_OFF	16
#define PC_UDP_CKSUM_OFF	6

/* A whole TCP or UDP datagram's ends, source and destination. */
struct pc_lb_tuple {
	struct tl_lb_ep src, dst;
};

/* A flow as seen on one side: both ends, network bytes. */
struct pc_lb_key {
	struct pc_lb_tuple t;
};

struct pc_lb_slot {
	struct pc_lb_key key;
	uint32_t val;		/* backend index */
	uint8_t used;
};

struct pc_lb_map {
	struct pc_lb_slot *slots;
	uint64_t cap, n;
};

/* Value of a reply key whose connection moved to another backend. */
#define PC_LB_MOVED		UINT32_MAX

struct pc_lb {
	struct pc_reader in, out;
	struct pc_lbconf *cfg;
	uint64_t moved;
	struct pc_lb_map flows;		/* client tuple -> backend */
	struct pc_lb_map conns;		/* backend -> client tuple -> backend */
	uint64_t client, reply, other;
	uint64_t be_flows[TL_LB_BACKENDS_MAX];
};

static uint64_t
pc_lb_hash(const struct pc_lb_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * PC_HASH_MUL;
	return h ^ (h >> 29);
}

static struct pc_lb_slot *
pc_lb_probe(struct pc_lb_slot *slots, uint64_t cap, const struct pc_lb_key *k)
{
	uint64_t i = pc_lb_hash(k) & (cap - 1);

	while (slots[i].used && memcmp(&slots[i].key, k, sizeof(*k)) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static uint32_t *
pc_lb_find(const struct pc_lb_map *m, const struct pc_lb_key *k)
{
	struct pc_lb_slot *s = pc_lb_probe(m->slots, m->cap, k);

	return s->used ? &s->val : NULL;
}

static int
pc_lb_add(struct pc_lb_map *m, const struct pc_lb_key *k, uint32_t v)
{
	struct pc_lb_slot *slots, *s;
	uint64_t cap, i;

	if ((m->n + 1) * PC_LB_MAX_LOAD_DEN > m->cap) {
		cap = m->cap * 2;
		slots = calloc(cap, sizeof(*slots));
		if (slots == NULL)
			return -1;
		for (i = 0; i < m->cap; i++)
			if (m->slots[i].used)
				*pc_lb_probe(slots, cap, &m->slots[i].key) =
					m->slots[i];
		free(m->slots);
		m->slots = slots;
		m->cap = cap;
	}
	s = pc_lb_probe(m->slots, m->cap, k);
	s->key = *k;
	s->val = v;
	s->used = 1;
	m->n++;
	return 0;
}

static int
pc_lb_map_init(struct pc_lb_map *m)
{
	m->cap = PC_LB_MAP_INIT;
	m->n = 0;
	m->slots = calloc(m->cap, sizeof(*m->slots));
	return m->slots == NULL ? -1 : 0;
}

static int
pc_lb_fail(const struct pc_reader *r, const char *fmt, ...)
{
	va_list ap;

	printf("%s: packet %llu: ", r->path, (unsigned long long)r->cur.index);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return -1;
}

/* Fills @p t (zeroed first: keys compare bytewise) if @p f is a whole
 * TCP or UDP datagram. */
static int
pc_lb_tuple_get(const struct pc_frame *f, struct pc_lb_tuple *t)
{
	const struct sa_parsed *p = &f->p;
	const uint8_t *l3 = f->data + p->l3_off, *l4 = f->data + p->l4_off;
	uint16_t port;

	memset(t, 0, sizeof(*t));
	if (f->parse_rc != SA_DROP_NONE || p->l3 == SA_L3_NONE ||
	    !p->has_l4 || p->frag != SA_FRAG_NONE ||
	    (p->l4_proto != SA_IPPROTO_TCP && p->l4_proto != SA_IPPROTO_UDP))
		return 0;
	t->src.family = t->dst.family = p->l3;
	t->src.proto = t->dst.proto = p->l4_proto;
	if (p->l3 == SA_L3_IPV4) {
		memcpy(t->src.addr, l3 + PC_IP4_SRC_OFF, PC_IP4_ADDR_LEN);
		memcpy(t->dst.addr, l3 + PC_IP4_DST_OFF, PC_IP4_ADDR_LEN);
	} else {
		memcpy(t->src.addr, l3 + PC_IP6_SRC_OFF, TL_LB_ADDR_LEN);
		memcpy(t->dst.addr, l3 + PC_IP6_DST_OFF, TL_LB_ADDR_LEN);
	}
	/* TCP and UDP ports sit at the same offsets. */
	memcpy(&port, l4, sizeof(port));
	t->src.port = ntohs(port);
	memcpy(&port, l4 + PC_PORT_LEN, sizeof(port));
	t->dst.port = ntohs(port);
	return 1;
}

/* Frames @p a and @p b are equal but in the ranges the lb rewrites on a
 * packet whose destination (@p dst) or source it translates. */
static int
pc_lb_same_but(const struct pc_frame *a, const struct pc_frame *b, int dst)
{
	const struct sa_parsed *p = &a->p;
	uint32_t off[PC_RANGES_MAX], len[PC_RANGES_MAX], pos = 0, i, n = 0;
	struct pc_lb_tuple t;

	if (a->len != b->len || a->p.l3 != b->p.l3 ||
	    a->p.l3_off != b->p.l3_off || a->p.l4_off != b->p.l4_off ||
	    a->p.l4_hdr_len != b->p.l4_hdr_len ||
	    a->p.l4_proto != b->p.l4_proto || a->p.ip_end != b->p.ip_end ||
	    !pc_lb_tuple_get(b, &t))
		return 0;
	if (p->l3 == SA_L3_IPV4) {
		off[n] = p->l3_off + PC_IP4_CKSUM_OFF;
		len[n++] = PC_PORT_LEN;
		off[n] = p->l3_off + (dst ? PC_IP4_DST_OFF : PC_IP4_SRC_OFF);
		len[n++] = PC_IP4_ADDR_LEN;
	} else {
		off[n] = p->l3_off + (dst ? PC_IP6_DST_OFF : PC_IP6_SRC_OFF);
		len[n++] = TL_LB_ADDR_LEN;
	}
	off[n] = p->l4_off + (dst ? PC_PORT_LEN : 0);
	len[n++] = PC_PORT_LEN;
	off[n] = p->l4_off + (p->l4_proto == SA_IPPROTO_TCP ?
			      PC_TCP_CKSUM_OFF : PC_UDP_CKSUM_OFF);
	len[n++] = PC_PORT_LEN;
	for (i = 0; i < n; i++) {
		if (memcmp(a->data + pos, b->data + pos, off[i] - pos) != 0)
			return 0;
		pos = off[i] + len[i];
	}
	return memcmp(a->data + pos, b->data + pos, a->len - pos) == 0;
}

/* Could @p out be @p in after the lb? */
static int
pc_lb_match(const struct pc_lb *c, const struct pc_frame *in,
	    const struct pc_frame *out)
{
	struct pc_lb_tuple t;

	if (!pc_lb_tuple_get(in, &t))
		return in->len == out->len &&
		       memcmp(in->data, out->data, in->len) == 0;
	return pc_lb_same_but(in, out, !tl_lbconf_inside(&c->cfg->lb, &t.src));
}

/* The key of the reply direction of connection @p t on backend @p be. */
static void
pc_lb_conn_key(const struct pc_lb_tuple *t, const struct tl_lb_ep *be,
	       struct pc_lb_key *k)
{
	memset(k, 0, sizeof(*k));
	k->t.src = *be;
	k->t.dst = t->src;
}

/* A client packet @p ti left as @p to. */
static int
pc_lb_client(struct pc_lb *c, const struct pc_lb_tuple *ti,
	     const struct pc_lb_tuple *to)
{
	char a[PC_EP_STR_MAX], b[PC_EP_STR_MAX], d[PC_EP_STR_MAX];
	const struct tl_lbconf *lb = &c->cfg->lb;
	const struct tl_lb_backend *be;
	struct pc_lb_key fk, rk;
	uint32_t *v;
	int svc = tl_lbconf_service(lb, &ti->dst);
	int i = tl_lbconf_backend(lb, &to->dst);

	if (svc < 0)
		return pc_lb_fail(&c->out, "packet to %s, no service, "
				  "forwarded", pc_ep_str(&ti->dst, a,
							 sizeof(a)));
	be = &lb->be[i < 0 ? 0 : i];
	if (i < 0 || be->service != (uint16_t)svc)
		return pc_lb_fail(&c->out, "packet to %s sent to %s, no "
				  "backend of that service",
				  pc_ep_str(&ti->dst, a, sizeof(a)),
				  pc_ep_str(&to->dst, b, sizeof(b)));
	memset(&fk, 0, sizeof(fk));
	fk.t = *ti;
	v = pc_lb_find(&c->flows, &fk);
	if (v != NULL && *v != (uint32_t)i &&
	    lb->be[*v].state != TL_LB_DOWN)
		return pc_lb_fail(&c->out, "flow from %s moved from backend "
				  "%s to %s", pc_ep_str(&ti->src, a, sizeof(a)),
				  pc_ep_str(&lb->be[*v].ep, b, sizeof(b)),
				  pc_ep_str(&to->dst, d, sizeof(d)));
	if (v != NULL && *v == (uint32_t)i)
		return 0;
	if (v != NULL && !be->up)
		return pc_lb_fail(&c->out, "flow from %s moved off down "
				  "backend %s to %s, which is not up",
				  pc_ep_str(&ti->src, a, sizeof(a)),
				  pc_ep_str(&lb->be[*v].ep, b, sizeof(b)),
				  pc_ep_str(&to->dst, d, sizeof(d)));
	if (v != NULL) {
		/* Its backend is down: the lb moved it; the old backend's
		 * replies now belong nowhere. */
		pc_lb_conn_key(ti, &lb->be[*v].ep, &rk);
		*pc_lb_find(&c->conns, &rk) = PC_LB_MOVED;
		*v = (uint32_t)i;
		pc_lb_conn_key(ti, &to->dst, &rk);
		c->moved++;
		c->be_flows[i]++;
		return pc_lb_add(&c->conns, &rk, (uint32_t)i) < 0 ?
		       pc_lb_fail(&c->out, "out of memory") : 0;
	}
	if (!be->up)
		return pc_lb_fail(&c->out, "new flow from %s sent to %s, "
				  "which is not up", pc_ep_str(&ti->src, a,
							       sizeof(a)),
				  pc_ep_str(&to->dst, b, sizeof(b)));
	pc_lb_conn_key(ti, &to->dst, &rk);
	if (pc_lb_add(&c->flows, &fk, (uint32_t)i) < 0 ||
	    pc_lb_add(&c->conns, &rk, (uint32_t)i) < 0)
		return pc_lb_fail(&c->out, "out of memory");
	c->be_flows[i]++;
	return 0;
}

/* A reply @p ti left as @p to. */
static int
pc_lb_reply(struct pc_lb *c, const struct pc_lb_tuple *ti,
	    const struct pc_lb_tuple *to)
{
	char a[PC_EP_STR_MAX], b[PC_EP_STR_MAX], d[PC_EP_STR_MAX];
	struct pc_lb_key rk;
	const struct tl_lb_ep *vip;
	const uint32_t *v;

	memset(&rk, 0, sizeof(rk));
	rk.t = *ti;
	v = pc_lb_find(&c->conns, &rk);
	if (v == NULL || *v == PC_LB_MOVED)
		return pc_lb_fail(&c->out, "reply from %s to %s forwarded, "
				  "but no flow of that client %s there",
				  pc_ep_str(&ti->src, a, sizeof(a)),
				  pc_ep_str(&ti->dst, b, sizeof(b)),
				  v == NULL ? "went" : "is left");
	vip = &c->cfg->lb.svc[c->cfg->lb.be[*v].service];
	if (memcmp(to->src.addr, vip->addr, TL_LB_ADDR_LEN) != 0 ||
	    to->src.port != vip->port)
		return pc_lb_fail(&c->out, "reply from %s left from %s, "
				  "not from its service %s",
				  pc_ep_str(&ti->src, a, sizeof(a)),
				  pc_ep_str(&to->src, b, sizeof(b)),
				  pc_ep_str(vip, d, sizeof(d)));
	return 0;
}

static int
pc_lb_pair(struct pc_lb *c, const struct pc_frame *in,
	   const struct pc_frame *out)
{
	struct pc_lb_tuple ti, to;

	if (!pc_lb_tuple_get(in, &ti) || !pc_lb_tuple_get(out, &to)) {
		c->other++;
		return 0;
	}
	if (!tl_lbconf_inside(&c->cfg->lb, &ti.src)) {
		c->client++;
		return pc_lb_client(c, &ti, &to);
	}
	c->reply++;
	return pc_lb_reply(c, &ti, &to);
}

/* An input frame with no output: fine unless the lb owed it one. */
static int
pc_lb_lost(struct pc_lb *c, const struct pc_frame *in)
{
	char a[PC_EP_STR_MAX];
	struct pc_lb_tuple t;
	struct pc_lb_key rk;
	const uint32_t *v;

	if (!pc_lb_tuple_get(in, &t))
		return 0;
	if (!tl_lbconf_inside(&c->cfg->lb, &t.src)) {
		if (tl_lbconf_service(&c->cfg->lb, &t.dst) < 0)
			return 0;
		return pc_lb_fail(&c->in, "client packet to %s dropped",
				  pc_ep_str(&t.dst, a, sizeof(a)));
	}
	memset(&rk, 0, sizeof(rk));
	rk.t = t;
	v = pc_lb_find(&c->conns, &rk);
	if (v == NULL || *v == PC_LB_MOVED)
		return 0;
	return pc_lb_fail(&c->in, "reply from %s of a connection dropped",
			  pc_ep_str(&t.src, a, sizeof(a)));
}

/* The input frame @p out came from; every frame skipped on the way must
 * have been the lb's to drop. @return 1, 0 at the end, -1. */
static int
pc_lb_next_in(struct pc_lb *c)
{
	int rc;

	while ((rc = pc_reader_next(&c->in)) > 0) {
		pc_lbconf_advance(c->cfg, c->in.cur.index - 1);
		if (pc_lb_match(c, &c->in.cur, &c->out.cur))
			return 1;
		if (pc_lb_lost(c, &c->in.cur) < 0)
			return -1;
	}
	return rc;
}

static int
pc_lb_walk(struct pc_lb *c)
{
	char why[PC_WHY_MAX];
	int rc;

	while ((rc = pc_reader_next(&c->out)) > 0) {
		if (c->out.cur.parse_rc != SA_DROP_NONE)
			return pc_lb_fail(&c->out, "malformed frame "
					  "forwarded (%s)", sa_drop_common_name(
					  c->out.cur.parse_rc));
		if (pc_cksum_check(&c->out.cur, why, sizeof(why)) < 0)
			return pc_lb_fail(&c->out, "%s", why);
		rc = pc_lb_next_in(c);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return pc_lb_fail(&c->out, "comes from no frame of %s "
					  "(rewritten wrongly, reordered or "
					  "not from the input)", c->in.path);
		if (pc_lb_pair(c, &c->in.cur, &c->out.cur) < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	while ((rc = pc_reader_next(&c->in)) > 0) {
		pc_lbconf_advance(c->cfg, c->in.cur.index - 1);
		if (pc_lb_lost(c, &c->in.cur) < 0)
			return -1;
	}
	return rc;
}

static void
pc_lb_summary(const struct pc_lb *c)
{
	uint32_t i;

	printf("in_packets=%llu\nout_packets=%llu\nclient=%llu\nreply=%llu\n"
	       "other=%llu\nflows=%llu\n",
	       (unsigned long long)c->in.count,
	       (unsigned long long)c->out.count,
	       (unsigned long long)c->client, (unsigned long long)c->reply,
	       (unsigned long long)c->other,
	       (unsigned long long)c->flows.n);
	printf("moved=%llu\nchanges=%u\n", (unsigned long long)c->moved,
	       c->cfg->next_chg);
	for (i = 0; i < c->cfg->lb.n_be; i++)
		printf("backend%u.flows=%llu\n", i,
		       (unsigned long long)c->be_flows[i]);
}

int
pc_check_lb(const char *in, const char *out, struct pc_lbconf *cfg)
{
	static struct pc_lb c;
	int rc = 1;

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	if (pc_lb_map_init(&c.flows) < 0 || pc_lb_map_init(&c.conns) < 0) {
		printf("out of memory\n");
		goto err_map;
	}
	if (pc_reader_open(&c.in, in) < 0)
		goto err_map;
	if (pc_reader_open(&c.out, out) < 0)
		goto err_in;
	if (pc_lb_walk(&c) == 0) {
		pc_lb_summary(&c);
		rc = 0;
	}
	pc_reader_close(&c.out);
err_in:
	pc_reader_close(&c.in);
err_map:
	free(c.conns.slots);
	free(c.flows.slots);
	return rc;
}
