/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The monitor profile: the roster of tg_mon_os.c at work, seen at the
 * monitor's one port. Inside servers accept connections and send their
 * banner first (SSH, SMTP, FTP, IMAP, POP3, MySQL) or answer a request
 * with it (HTTP, Redis); a DNS and NTP server answers over UDP; inside
 * clients connect to them and to outside servers. Every host keeps its
 * OS personality in every packet. The trace has two halves with an idle
 * gap between them, longer than the monitor's flow timeout; in the
 * second half one SSH server has been upgraded (new banner) and one
 * client reinstalled (new OS). Each half opens with one connection to
 * every service and one from every roster client, so each event is sure
 * to happen; --flows random sessions fill the rest, a few of them
 * half-open (reset after the SYN-ACK, so their banner never comes).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sa/headers.h>

#include "tg_app.h"
#include "tg_model.h"
#include "tg_mon.h"
#include "tg_ports.h"
#include "tg_prof.h"

#define TG_US_PER_S		1e6
#define TG_MON_GAP_S		40	/* > configs/monitor.ini flow_timeout */
#define TG_MON_GAP_US		(TG_MON_GAP_S * 1000000ull)
#define TG_MON_OUT_CLIENTS	256u
#define TG_MON_EXTRA_MAX	60000u	/* 10.0.3.1 and on, in 10.0.0.0/16 */
#define TG_MON_SERVERS_MAX	65000u
#define TG_MON_EXTRA4		0x0a000300u
#define TG_MON_OUT_CLIENT4	0xc6130000u	/* 198.19.0.0/16 */
#define TG_MON_OUT_SERVER4	0xc6120000u	/* 198.18.0.0/16 */
static const uint8_t tg_mon_out_client6[TG_ADDR6_BYTES] = {
	0x20, 0x01, 0x0d, 0xb8, 0, 0x01,
};
static const uint8_t tg_mon_out_server6[TG_ADDR6_BYTES] = {
	0x20, 0x01, 0x0d, 0xb8,
};
#define TG_MON_OUT_HOPS		10
#define TG_MON_MSS4		1460
#define TG_MON_MSS6		1440
#define TG_MON_IN_PCT		50.0	/* to an inside TCP service */
#define TG_MON_OUT_PCT		30.0	/* to an outside server */
#define TG_MON_UDP_PCT		15.0	/* half-open: the rest */
#define TG_MON_INSIDE_CLIENT_PCT 50.0
#define TG_MON_ROSTER_PCT	30.0
#define TG_MON_RTT_MIN_US	1000.0
#define TG_MON_RTT_MAX_US	100000.0
#define TG_MON_HOST_US		150
#define TG_MON_GAP_PKT_US	40
#define TG_MON_XCHG_MAX		3
#define TG_MON_LINE		96
#define TG_MON_BUF		1600
#define TG_MON_SCENE_STEP	0.002	/* of --duration, between sessions */
#define TG_MON_VLAN_BASE	300
#define TG_MON_VLAN_COUNT	8
#define TG_MON_SVC_MASK		0xffu
#define TG_MON_FAMILY_SHIFT	8
#define TG_MON_PORT_SHIFT	16
#define TG_MON_HTTPS_PORT	443
#define TG_MON_DNS_PORT		53
#define TG_MON_SCENE1_AT	0.01
#define TG_MON_SCENE2_AT	0.51

enum tg_mon_kind {
	TG_MON_TCP_IN,		/* a = client, b = server, c = service */
	TG_MON_TCP_OUT,		/* a = inside client, b = outside server */
	TG_MON_UDP,		/* a = client, b = server, c = service */
	TG_MON_HALF,		/* like TCP_IN, reset after the SYN-ACK */
	TG_MON_KIND_COUNT,
};

static const char *const tg_mon_kind_names[TG_MON_KIND_COUNT] = {
	"tcp_in", "tcp_out", "udp", "half_open",
};

/*
 * Client ids: roster clients first, then the --hosts extra inside clients
 * (10.0.3.1 and on, fd00::3:1 and on), then outside clients (198.19.0.1
 * and on, 2001:db8:1::1 and on).
 */
struct tg_mon {
	struct tg_ports ports;	/* per client id */
	uint32_t n_extra;
	uint64_t half_us;	/* virtual time where the second half starts */
	uint64_t kinds[TG_MON_KIND_COUNT];
	uint64_t v6, vlan;
};

/* One end as a host of the profile: address, OS, hops. */
struct tg_mon_host {
	uint8_t os;
	uint8_t hops;
	uint8_t inside;
};

static void
tg_mon_addr6(uint8_t *a6, const uint8_t *pfx, uint32_t idx)
{
	memcpy(a6, pfx, TG_ADDR6_BYTES);
	a6[12] = (uint8_t)((idx + 1) >> 24);
	a6[13] = (uint8_t)((idx + 1) >> 16);
	a6[14] = (uint8_t)((idx + 1) >> 8);
	a6[15] = (uint8_t)(idx + 1);
}

/* Client @p id at end @p e: address and who it is, in phase @p late. */
static void
tg_mon_client(const struct tg_mon *m, uint32_t id, uint8_t family,
	      int late, struct tg_end *e, struct tg_mon_host *h)
{
	static const uint8_t extra6[TG_ADDR6_BYTES] = { 0xfd, [13] = 0x03 };
	const struct tg_mon_client *rc;
	uint8_t a6[TG_ADDR6_BYTES];

	memset(h, 0, sizeof(*h));
	if (id < TG_MON_CLIENTS) {
		rc = &tg_mon_clients[id];
		h->os = late ? rc->os2 : rc->os;
		h->inside = 1;
		memcpy(a6, rc->addr6, sizeof(a6));
		e->addr4 = rc->addr4;
	} else if (id < TG_MON_CLIENTS + m->n_extra) {
		id -= TG_MON_CLIENTS;
		/* Desktop and server stacks in turn. */
		h->os = (uint8_t)(id % TG_MON_CISCO);
		h->hops = (uint8_t)(id % 2);
		h->inside = 1;
		e->addr4 = TG_MON_EXTRA4 + 1 + id;
		tg_mon_addr6(a6, extra6, id);
	} else {
		id -= TG_MON_CLIENTS + m->n_extra;
		h->os = TG_MON_LINUX;
		h->hops = TG_MON_OUT_HOPS;
		e->addr4 = TG_MON_OUT_CLIENT4 + 1 + id;
		tg_mon_addr6(a6, tg_mon_out_client6, id);
	}
	if (family == 6)
		memcpy(e->addr6, a6, sizeof(a6));
	e->inside = h->inside;
}

/* A random client of @p family: inside (roster or extra) or outside. */
static uint32_t
tg_mon_draw_client(const struct tg_mon *m, struct tg_rng *r, uint8_t family,
		   int inside_only)
{
	int inside = inside_only ||
		     tg_chance(tg_rng_next(r), TG_MON_INSIDE_CLIENT_PCT);

	if (!inside)
		return TG_MON_CLIENTS + m->n_extra +
		       (uint32_t)tg_below(tg_rng_next(r), TG_MON_OUT_CLIENTS);
	if (family == 6)
		return TG_MON_CLIENTS - TG_MON_CLIENTS_V6 +
		       (uint32_t)tg_below(tg_rng_next(r), TG_MON_CLIENTS_V6);
	if (m->n_extra == 0 || tg_chance(tg_rng_next(r), TG_MON_ROSTER_PCT))
		return (uint32_t)tg_below(tg_rng_next(r),
					  TG_MON_CLIENTS - TG_MON_CLIENTS_V6);
	return TG_MON_CLIENTS + (uint32_t)tg_below(tg_rng_next(r),
						   m->n_extra);
}

static void
tg_mon_conv(struct tg_prof *p, struct tg_mon *m, struct tg_sess *s,
	    struct tg_conv *c, struct tg_out *out, uint8_t family,
	    uint8_t proto)
{
	unsigned int i;

	tg_conv_init(c, p->o, out, family, proto, s->start_us);
	for (i = 0; i < 2; i++) {
		c->end[i].seq = (uint32_t)tg_splitmix64(&s->rng);
		c->end[i].ip_id = (uint16_t)tg_splitmix64(&s->rng);
	}
	c->end[0].port = (uint16_t)(s->c >> TG_MON_PORT_SHIFT);
	if (tg_chance(tg_splitmix64(&s->rng), p->o->vlan_pct)) {
		c->n_vlan = 1;
		c->vlan_tci = TG_MON_VLAN_BASE + s->a % TG_MON_VLAN_COUNT;
		m->vlan++;
	}
	m->v6 += family == 6;
	m->kinds[s->kind]++;
}

/* Both ends of session @p s, with their personalities. */
static void
tg_mon_ends(const struct tg_mon *m, struct tg_sess *s, struct tg_conv *c,
	    int late)
{
	uint16_t mss = c->family == 6 ? TG_MON_MSS6 : TG_MON_MSS4;
	uint32_t ts = (uint32_t)tg_splitmix64(&s->rng);
	const struct tg_mon_server *srv;
	struct tg_mon_host h;

	tg_mon_client(m, s->a, c->family, late, &c->end[0], &h);
	tg_mon_os_apply(&c->end[0], h.os, 0, h.hops, mss, ts);
	if (s->kind == TG_MON_TCP_OUT) {
		if (c->family == 6)
			tg_mon_addr6(c->end[1].addr6, tg_mon_out_server6,
				     s->b);
		c->end[1].addr4 = TG_MON_OUT_SERVER4 + 1 + s->b;
		c->end[1].port = TG_MON_HTTPS_PORT;
		tg_mon_os_apply(&c->end[1], TG_MON_LINUX, 1, TG_MON_OUT_HOPS,
				mss, ts ^ s->b);
		return;
	}
	srv = &tg_mon_servers[s->b];
	memcpy(c->end[1].addr6, srv->addr6, TG_ADDR6_BYTES);
	c->end[1].addr4 = srv->addr4;
	c->end[1].port = srv->svc[s->c & TG_MON_SVC_MASK].port;
	c->end[1].inside = 1;
	tg_mon_os_apply(&c->end[1], srv->os, 1, srv->hops, mss, ts ^ s->b);
}

/* The server's first words: its banner, the later one after the gap. */
static void
tg_mon_banner(const struct tg_mon_svc *v, int late, const uint8_t **b,
	      uint32_t *len)
{
	*b = late && v->banner2 != NULL ? v->banner2 : v->banner;
	*len = late && v->banner2 != NULL ? v->banner2_len : v->banner_len;
}

/* Words both ways after the banner, then the close. */
static void
tg_mon_tcp_rest(struct tg_sess *s, struct tg_conv *c, uint32_t rtt)
{
	uint8_t line[TG_MON_LINE];
	uint32_t n = 1 + (uint32_t)tg_below(tg_splitmix64(&s->rng),
					    TG_MON_XCHG_MAX);
	uint32_t i;

	for (i = 0; i < n; i++) {
		tg_app_words(line, sizeof(line) - 2, &s->rng);
		line[sizeof(line) - 2] = '\r';
		line[sizeof(line) - 1] = '\n';
		tg_conv_tcp(c, 0, rtt, SA_TCP_ACK | SA_TCP_PSH, line,
			    sizeof(line));
		tg_conv_tcp(c, 1, TG_MON_HOST_US, SA_TCP_ACK | SA_TCP_PSH,
			    line, sizeof(line));
	}
	tg_conv_tcp(c, 0, rtt, SA_TCP_FIN | SA_TCP_ACK, NULL, 0);
	tg_conv_tcp(c, 1, TG_MON_HOST_US, SA_TCP_FIN | SA_TCP_ACK, NULL, 0);
	tg_conv_tcp(c, 0, rtt, SA_TCP_ACK, NULL, 0);
}

static void
tg_mon_tcp(struct tg_sess *s, struct tg_conv *c, int late)
{
	uint32_t rtt = (uint32_t)tg_log_uniform(tg_splitmix64(&s->rng),
						TG_MON_RTT_MIN_US,
						TG_MON_RTT_MAX_US);
	const struct tg_mon_svc *v;
	const uint8_t *banner = NULL;
	uint32_t len = 0;

	tg_conv_tcp(c, 0, 0, SA_TCP_SYN, NULL, 0);
	tg_conv_tcp(c, 1, TG_MON_HOST_US, SA_TCP_SYN | SA_TCP_ACK, NULL, 0);
	if (s->kind == TG_MON_HALF) {
		tg_conv_tcp(c, 0, rtt, SA_TCP_RST, NULL, 0);
		return;
	}
	tg_conv_tcp(c, 0, rtt, SA_TCP_ACK, NULL, 0);
	/* b is a roster server, unless the server is outside. */
	if (s->kind == TG_MON_TCP_IN) {
		v = &tg_mon_servers[s->b].svc[s->c & TG_MON_SVC_MASK];
		tg_mon_banner(v, late, &banner, &len);
		if (v->request != NULL)
			tg_conv_tcp(c, 0, TG_MON_GAP_PKT_US,
				    SA_TCP_ACK | SA_TCP_PSH,
				    (const uint8_t *)v->request,
				    (uint32_t)strlen(v->request));
	}
	if (banner != NULL)
		tg_conv_tcp(c, 1, TG_MON_HOST_US, SA_TCP_ACK | SA_TCP_PSH,
			    banner, len);
	tg_mon_tcp_rest(s, c, rtt);
}

/* A DNS query or NTP request, and the inside server's answer. */
static void
tg_mon_udp(struct tg_sess *s, struct tg_conv *c)
{
	static const uint8_t addr[] = { 10, 0, 1, 1 };
	uint8_t q[TG_MON_BUF], r[TG_MON_BUF];
	uint16_t id = (uint16_t)tg_splitmix64(&s->rng);
	uint32_t qlen, rlen;

	if (c->end[1].port == TG_MON_DNS_PORT) {
		qlen = tg_app_dns(q, sizeof(q), id, "www.example.org",
				  TG_DNS_TYPE_A, NULL, 0);
		rlen = tg_app_dns(r, sizeof(r), id, "www.example.org",
				  TG_DNS_TYPE_A, addr, sizeof(addr));
	} else {
		qlen = tg_app_ntp(q, 0, c->now_us);
		rlen = tg_app_ntp(r, 1, c->now_us + TG_MON_HOST_US);
	}
	tg_conv_udp(c, 0, 0, q, qlen);
	tg_conv_udp(c, 1, TG_MON_HOST_US, r, rlen);
}

static int
tg_mon_build(struct tg_prof *p, struct tg_sess *s, struct tg_out *out)
{
	struct tg_mon *m = p->priv;
	int late = s->start_us - TG_EPOCH_US >= m->half_us + TG_MON_GAP_US;
	uint8_t family = (uint8_t)(s->c >> TG_MON_FAMILY_SHIFT);
	struct tg_conv c;

	tg_mon_conv(p, m, s, &c, out, family, s->kind == TG_MON_UDP ?
		    SA_IPPROTO_UDP : SA_IPPROTO_TCP);
	tg_mon_ends(m, s, &c, late);
	if (s->kind == TG_MON_UDP)
		tg_mon_udp(s, &c);
	else
		tg_mon_tcp(s, &c, late);
	return 0;
}

/* ---- drawing ---- */

/* Virtual time @p v_us on the trace: the second half after the gap. */
static uint64_t
tg_mon_at(const struct tg_mon *m, uint64_t v_us)
{
	return v_us < m->half_us ? v_us : v_us + TG_MON_GAP_US;
}

/* Session fields: a the client id, b the server, c its service | the
 * address family << 8 | the client's port << 16. */
static int
tg_mon_add(struct tg_prof *p, struct tg_mon *m, uint64_t v_us, uint32_t kind,
	   uint32_t client, uint32_t server, uint32_t svc, uint8_t family)
{
	struct tg_sess *s = tg_prof_add(p, tg_mon_at(m, v_us), kind);
	uint16_t port;

	if (s == NULL)
		return -1;
	if (tg_ports_alloc(&m->ports, client, kind == TG_MON_UDP ?
			   TG_PORT_UDP : TG_PORT_TCP, &port) < 0) {
		fprintf(stderr, "sa-tracegen: --flows %llu: more than %u "
			"sessions of one client: use more --hosts\n",
			(unsigned long long)p->o->flows, TG_PORT_RANGE);
		return -1;
	}
	s->a = client;
	s->b = server;
	s->c = (uint32_t)port << TG_MON_PORT_SHIFT |
	       (uint32_t)family << TG_MON_FAMILY_SHIFT | svc;
	return 0;
}

/* Each half opens with every service used and every roster client
 * connecting out once. */
static int
tg_mon_scene(struct tg_prof *p, struct tg_mon *m, uint64_t v_us,
	     uint64_t step_us)
{
	const struct tg_mon_server *srv;
	uint32_t i, k, outside = TG_MON_CLIENTS + m->n_extra;
	int v6 = p->o->ipv6_pct > 0;

	for (i = 0; i < TG_MON_SERVERS; i++) {
		srv = &tg_mon_servers[i];
		if (srv->family == 6 && !v6)
			continue;
		for (k = 0; k < srv->n_svc; k++, v_us += step_us)
			if (tg_mon_add(p, m, v_us, srv->svc[k].proto ==
				       SA_IPPROTO_UDP ? TG_MON_UDP :
				       TG_MON_TCP_IN, outside, i, k,
				       srv->family) < 0)
				return -1;
	}
	for (i = 0; i < TG_MON_CLIENTS; i++, v_us += step_us) {
		if (tg_mon_clients[i].family == 6 && !v6)
			continue;
		if (tg_mon_add(p, m, v_us, TG_MON_TCP_OUT, i, i, 0,
			       tg_mon_clients[i].family) < 0)
			return -1;
	}
	return 0;
}

/* A random roster service of @p proto and @p family: server and index. */
static int
tg_mon_pick_svc(uint8_t proto, uint8_t family, uint64_t bits, uint32_t *srv,
		uint32_t *svc)
{
	uint32_t cand[TG_MON_SERVERS * 4][2], n = 0, i, k;
	const struct tg_mon_server *v;

	for (i = 0; i < TG_MON_SERVERS; i++) {
		v = &tg_mon_servers[i];
		for (k = 0; k < v->n_svc && n < TG_MON_SERVERS * 4; k++) {
			if (v->family != family || v->svc[k].proto != proto)
				continue;
			cand[n][0] = i;
			cand[n++][1] = k;
		}
	}
	if (n == 0)
		return -1;
	i = (uint32_t)tg_below(bits, n);
	*srv = cand[i][0];
	*svc = cand[i][1];
	return 0;
}

static int
tg_mon_draw(struct tg_prof *p, struct tg_mon *m, uint64_t v_us)
{
	struct tg_rng *r = &p->rng;
	double u = tg_unit(tg_rng_next(r)) * 100.0;
	uint8_t family = tg_chance(tg_rng_next(r), p->o->ipv6_pct) ? 6 : 4;
	uint64_t bits = tg_rng_next(r);
	uint32_t kind, client, srv, svc = 0;

	kind = u < TG_MON_IN_PCT ? TG_MON_TCP_IN :
	       u < TG_MON_IN_PCT + TG_MON_OUT_PCT ? TG_MON_TCP_OUT :
	       u < TG_MON_IN_PCT + TG_MON_OUT_PCT + TG_MON_UDP_PCT ?
	       TG_MON_UDP : TG_MON_HALF;
	if (kind == TG_MON_TCP_OUT) {
		client = tg_mon_draw_client(m, r, family, 1);
		srv = (uint32_t)tg_below(bits, p->o->servers);
		return tg_mon_add(p, m, v_us, kind, client, srv, 0, family);
	}
	if (tg_mon_pick_svc(kind == TG_MON_UDP ? SA_IPPROTO_UDP :
			    SA_IPPROTO_TCP, family, bits, &srv, &svc) < 0) {
		/* Only IPv4 servers offer it. */
		family = 4;
		if (tg_mon_pick_svc(kind == TG_MON_UDP ? SA_IPPROTO_UDP :
				    SA_IPPROTO_TCP, family, bits, &srv,
				    &svc) < 0)
			return -1;
	}
	client = tg_mon_draw_client(m, r, family, 0);
	return tg_mon_add(p, m, v_us, kind, client, srv, svc, family);
}

static int
tg_mon_init(struct tg_prof *p)
{
	const struct tg_opts *o = p->o;
	const double d = o->duration * TG_US_PER_S;
	double t = 0, mean = d / (double)o->flows;
	struct tg_mon *m = calloc(1, sizeof(*m));
	uint64_t i;

	p->priv = m;
	if (m == NULL) {
		fprintf(stderr, "sa-tracegen: out of memory\n");
		return -1;
	}
	if (o->hosts > TG_MON_EXTRA_MAX || o->servers > TG_MON_SERVERS_MAX) {
		fprintf(stderr, "sa-tracegen: the monitor profile has room "
			"for %u --hosts and %u --servers\n", TG_MON_EXTRA_MAX,
			TG_MON_SERVERS_MAX);
		return -1;
	}
	m->n_extra = (uint32_t)o->hosts;
	if (tg_ports_init(&m->ports, TG_MON_CLIENTS + m->n_extra +
			  TG_MON_OUT_CLIENTS, o->seed) < 0) {
		fprintf(stderr, "sa-tracegen: out of memory\n");
		return -1;
	}
	m->half_us = (uint64_t)(d / 2);
	if (tg_mon_scene(p, m, (uint64_t)(d * TG_MON_SCENE1_AT),
			 (uint64_t)(d * TG_MON_SCENE_STEP)) < 0 ||
	    tg_mon_scene(p, m, (uint64_t)(d * TG_MON_SCENE2_AT),
			 (uint64_t)(d * TG_MON_SCENE_STEP)) < 0)
		return -1;
	for (i = 0; i < o->flows; i++) {
		t += tg_exponential(tg_rng_next(&p->rng), mean);
		if (t >= d)
			break;
		if (tg_mon_draw(p, m, (uint64_t)t) < 0)
			return -1;
	}
	return 0;
}

static void
tg_mon_stats(const struct tg_prof *p)
{
	const struct tg_mon *m = p->priv;
	unsigned int k;

	for (k = 0; k < TG_MON_KIND_COUNT; k++)
		printf("sessions_%s=%llu\n", tg_mon_kind_names[k],
		       (unsigned long long)m->kinds[k]);
	printf("sessions_ipv6=%llu\nsessions_vlan=%llu\n"
	       "idle_gap_seconds=%d\n", (unsigned long long)m->v6,
	       (unsigned long long)m->vlan, TG_MON_GAP_S);
}

static void
tg_mon_fini(struct tg_prof *p)
{
	struct tg_mon *m = p->priv;

	if (m == NULL)
		return;
	tg_ports_fini(&m->ports);
	free(m);
	p->priv = NULL;
}

const struct tg_prof_ops tg_prof_monitor_ops = {
	.name = "monitor",
	.init = tg_mon_init,
	.build = tg_mon_build,
	.stats = tg_mon_stats,
	.fini = tg_mon_fini,
};
