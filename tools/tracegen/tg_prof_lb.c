/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The lb profile: outside clients of the services of an lb configuration
 * (configs/lb.ini by default in the tests), seen at the balancer's one
 * port. Client packets go to a VIP; replies come from the backend the
 * balancer picked for the flow, which the balancer itself, run in-process
 * on the same configuration, names for the flow's first packet. Around
 * that: traffic the balancer must drop (unknown VIPs, ports and
 * protocols, ICMP, fragments, backend packets of no connection), each
 * counted so that a test can compare the balancer's counters.
 *
 * Backend state changes (--backend-changes N): before the first frame of
 * N sessions drawn from the seed, a backend of a service with another one
 * up is drained or marked down, or one that is not up comes back up. Each
 * change is lb's operator command, written to --commands-out with the
 * input position it precedes (sa-runtime --commands runs it there) and
 * run at once by the in-process balancer, so every later flow's backend
 * is the one sa-runtime will pick. A backend marked down is dead to the
 * connections it held: the sessions built before the change send nothing
 * from it from the change's time on, and their clients' next packets go
 * wherever lb reschedules them (sa-pcapcheck lb --commands checks that).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/headers.h>

#include "lb.h"

#include "tg_app.h"
#include "tg_conv.h"
#include "tg_lb.h"
#include "tg_ports.h"
#include "tg_prof.h"

/* Shares of the sessions besides --udp, percent. */
#define TG_LB_STRAY_PCT		3.0
#define TG_LB_ICMP_PCT		1.0
#define TG_LB_FRAG_PCT		1.0
#define TG_LB_UNSOL_PCT		1.0

#define TG_US_PER_S		1e6
#define TG_LB_CLIENTS_MAX	((1u << 17) - 2)
/* Clients: 198.18.0.0/15 (RFC 2544) and 2001:db8:c1::/48. */
#define TG_LB_CLIENT4		0xc6120000u
static const uint8_t tg_lb_client6[TG_ADDR6_BYTES] = {
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0xc1,
};
#define TG_LB_HOPS_MIN		5
#define TG_LB_HOPS_SPAN		20
#define TG_LB_TTL_CLIENT	64
/* Round trips client <-> balancer, and the backends' turnaround. */
#define TG_LB_RTT_MIN_US	2000.0
#define TG_LB_RTT_MAX_US	80000.0
#define TG_LB_BE_MIN_US		50
#define TG_LB_BE_SPAN_US	450
#define TG_LB_GAP_US		30
#define TG_LB_THINK_MIN_US	1000.0
#define TG_LB_THINK_MAX_US	300000.0
#define TG_LB_REQ_SEGS_MAX	3
#define TG_LB_RESP_XM		1.0
#define TG_LB_RESP_ALPHA	1.2
#define TG_LB_RESP_SEGS_MAX	40
#define TG_LB_XCHG_MAX		3
#define TG_LB_MSS		1400
#define TG_LB_REQ_MIN		80
#define TG_LB_REQ_SPAN		400
#define TG_LB_SYN_RETRIES	2
#define TG_LB_SYN_RTO_US	1000000
#define TG_LB_PINGS_MAX		3
#define TG_LB_FRAG_DGRAM	1400
#define TG_LB_FRAG_FIRST	1000
#define TG_LB_OPT_LEN		15	/* EDNS OPT record and option header */
#define TG_LB_STRAY_VARIANTS	3
#define TG_LB_STRAY_PORT_STEP	1000
#define TG_LB_UNSOL_PORT_MAX	1023	/* no client port is ever below */
#define TG_LB_VLAN_BASE		100
#define TG_LB_VLAN_COUNT	8
#define TG_LB_DNS_NAME		"www.example.com"
#define TG_LB_BUF		1600
#define TG_LB_IP4_SRC_OFF	12
#define TG_LB_IP6_SRC_OFF	8
/* Backends drawn for one change before giving it up. */
#define TG_LB_PLAN_TRIES	64
/* Keeps the change plan's stream apart from the sessions'. */
#define TG_LB_PLAN_SEED_MIX	0x6c622d706c616eull

enum tg_lb_kind {
	TG_LB_TCP,
	TG_LB_UDP,
	TG_LB_STRAY,		/* unknown VIP, port or protocol */
	TG_LB_ICMP,		/* echo to a VIP */
	TG_LB_FRAG,		/* fragmented datagram to a VIP */
	TG_LB_UNSOL,		/* backend packet of no connection */
	TG_LB_KIND_COUNT,
};

static const char *const tg_lb_kind_names[TG_LB_KIND_COUNT] = {
	"tcp", "udp", "stray", "icmp", "fragment", "unsolicited",
};

/* What sa-runtime's lb counters should read after the whole trace. */
struct tg_lb_expect {
	uint64_t client_packets;
	uint64_t reply_packets;
	uint64_t tcp_conns;
	uint64_t udp_conns;
	uint64_t unknown_vip;
	uint64_t proto_unsupported;
	uint64_t fragment;
	uint64_t no_connection;
	uint64_t first_dropped;	/* packets of flows it refused otherwise */
};

/* One backend change: before the first frame of session sess (sorted
 * index), backend be becomes state. */
struct tg_lb_change {
	uint32_t sess;
	uint16_t be;
	uint8_t state;		/* enum lb_backend_state */
};

struct tg_lb {
	struct tg_lb_cfg cfg;
	struct tg_ports ports;
	uint64_t kinds[TG_LB_KIND_COUNT];
	uint64_t v6, vlan;
	struct tg_lb_expect ex;
	struct tg_lb_change *chg;
	uint32_t n_chg, next_chg;
	FILE *cmd_out;			/* --commands-out */
	uint64_t changes_written;
	uint64_t frames_cut;		/* from backends marked down */
};

/* A session's parts, as its builder uses them. */
struct tg_lb_sess {
	struct tg_conv c;
	struct tg_lb_ep vip;	/* what the client sends to */
	struct tg_lb_ep be;	/* who answers */
	uint64_t *rng;
	uint32_t rtt_us;
};

static void
tg_lb_client_ep(uint32_t client, uint8_t family, struct tg_lb_ep *e)
{
	memset(e, 0, sizeof(*e));
	e->family = family;
	e->addr4 = TG_LB_CLIENT4 + 1 + client;
	memcpy(e->addr6, tg_lb_client6, sizeof(e->addr6));
	e->addr6[12] = (uint8_t)((client + 1) >> 24);
	e->addr6[13] = (uint8_t)((client + 1) >> 16);
	e->addr6[14] = (uint8_t)((client + 1) >> 8);
	e->addr6[15] = (uint8_t)(client + 1);
}

static void
tg_lb_end(struct tg_end *end, const struct tg_lb_ep *e)
{
	if (e->family == 4)
		tg_end_set4(end, e->addr4, e->port);
	else
		tg_end_set6(end, e->addr6, e->port);
}

/* A service of protocol @p proto, of family @p family if there is one. */
static int
tg_lb_pick_svc(const struct tg_lb_cfg *cfg, uint8_t proto, uint8_t family,
	       uint64_t bits)
{
	uint32_t idx[TG_LB_SERVICES_MAX], n = 0, i;
	int pass;

	for (pass = 0; pass < 2 && n == 0; pass++)
		for (i = 0; i < cfg->n_svc; i++)
			if (cfg->svc[i].proto == proto &&
			    (pass == 1 || cfg->svc[i].family == family))
				idx[n++] = i;
	return n == 0 ? -1 : (int)idx[tg_below(bits, n)];
}

static uint8_t
tg_lb_draw_kind(const struct tg_opts *o, uint64_t bits)
{
	double u = tg_unit(bits) * 100.0;
	const double shares[TG_LB_KIND_COUNT] = {
		[TG_LB_UDP] = o->udp_pct,
		[TG_LB_STRAY] = TG_LB_STRAY_PCT,
		[TG_LB_ICMP] = TG_LB_ICMP_PCT,
		/* Fragments do not fit fixed-size frames. */
		[TG_LB_FRAG] = o->pkt_size ? 0 : TG_LB_FRAG_PCT,
		[TG_LB_UNSOL] = TG_LB_UNSOL_PCT,
	};
	unsigned int k;

	for (k = TG_LB_UDP; k < TG_LB_KIND_COUNT; k++) {
		if (u < shares[k])
			return (uint8_t)k;
		u -= shares[k];
	}
	return TG_LB_TCP;
}

/* One session: kind, client, service, and the client's port. */
static int
tg_lb_draw(struct tg_prof *p, struct tg_lb *lb, uint64_t start_us)
{
	const struct tg_opts *o = p->o;
	uint8_t kind = tg_lb_draw_kind(o, tg_rng_next(&p->rng));
	uint8_t family = tg_chance(tg_rng_next(&p->rng), o->ipv6_pct) ? 6 : 4;
	uint64_t svc_bits = tg_rng_next(&p->rng);
	uint8_t proto = kind == TG_LB_UDP || kind == TG_LB_FRAG ?
			SA_IPPROTO_UDP : SA_IPPROTO_TCP;
	struct tg_sess *s;
	uint16_t port;
	int svc;

	svc = tg_lb_pick_svc(&lb->cfg, proto, family, svc_bits);
	if (svc < 0) {
		/* No service of that protocol: its clients use the other. */
		proto = proto == SA_IPPROTO_UDP ? SA_IPPROTO_TCP :
						  SA_IPPROTO_UDP;
		kind = kind == TG_LB_UDP ? TG_LB_TCP :
		       kind == TG_LB_TCP ? TG_LB_UDP : kind;
		svc = tg_lb_pick_svc(&lb->cfg, proto, family, svc_bits);
	}
	if (kind == TG_LB_FRAG && lb->cfg.svc[svc].family != 4)
		kind = TG_LB_STRAY;
	s = tg_prof_add(p, start_us, kind);
	if (s == NULL)
		return -1;
	s->a = (uint32_t)tg_below(tg_rng_next(&p->rng), o->hosts);
	s->b = (uint32_t)svc;
	if (tg_ports_alloc(&lb->ports, s->a, proto == SA_IPPROTO_UDP ?
			   TG_PORT_UDP : TG_PORT_TCP, &port) < 0) {
		fprintf(stderr, "sa-tracegen: --flows %llu: more than %u "
			"flows of one client: use more --hosts\n",
			(unsigned long long)o->flows, TG_PORT_RANGE);
		return -1;
	}
	s->c = port;
	lb->kinds[kind]++;
	lb->v6 += lb->cfg.svc[svc].family == 6;
	return 0;
}

/* Clients must be outside, or the balancer would take them for
 * backends. */
static int
tg_lb_check_clients(const struct tg_lb *lb, uint32_t n)
{
	struct tg_lb_ep e;
	uint32_t i;
	uint8_t fam;

	for (fam = 4; fam <= 6; fam += 2) {
		for (i = 0; i < n; i++) {
			tg_lb_client_ep(i, fam, &e);
			if (!tg_lb_cfg_inside(&lb->cfg, &e))
				continue;
			fprintf(stderr, "sa-tracegen: --config: the clients "
				"(198.18.0.0/15, 2001:db8:c1::/48) lie in its "
				"inside prefixes\n");
			return -1;
		}
	}
	return 0;
}

static int
tg_lb_u32_cmp(const void *a, const void *b)
{
	const struct tg_lb_change *x = a, *y = b;

	return x->sess < y->sess ? -1 : x->sess > y->sess;
}

/* The next change on the backend states @p st: a backend of a service
 * with another one up is drained or marked down, one not up comes back.
 * @return 0, or -1 when no backend can change. */
static int
tg_lb_plan_one(const struct tg_lb *lb, uint8_t *st, uint64_t *rng,
	       struct tg_lb_change *c)
{
	const struct tg_lb_cfg *cfg = &lb->cfg;
	uint32_t b, k, up, try;

	for (try = 0; try < TG_LB_PLAN_TRIES; try++) {
		b = (uint32_t)tg_below(tg_splitmix64(rng), cfg->n_be);
		if (st[b] != LB_BACKEND_UP) {
			c->state = LB_BACKEND_UP;
		} else {
			for (k = 0, up = 0; k < cfg->n_be; k++)
				up += cfg->be_svc[k] == cfg->be_svc[b] &&
				      st[k] == LB_BACKEND_UP;
			if (up < 2)
				continue;
			c->state = tg_splitmix64(rng) & 1 ? LB_BACKEND_DOWN :
							     LB_BACKEND_DRAIN;
		}
		c->be = (uint16_t)b;
		st[b] = c->state;
		return 0;
	}
	return -1;
}

/* --backend-changes: at which sessions, on which backends, to what. */
static int
tg_lb_plan(struct tg_prof *p, struct tg_lb *lb)
{
	const struct tg_opts *o = p->o;
	uint8_t st[TG_LB_BACKENDS_MAX];
	uint64_t rng = o->seed ^ TG_LB_PLAN_SEED_MIX;
	uint32_t i, n = 0;

	if (o->commands_out != NULL) {
		lb->cmd_out = fopen(o->commands_out, "w");
		if (lb->cmd_out == NULL) {
			fprintf(stderr, "sa-tracegen: --commands-out %s: %s\n",
				o->commands_out, strerror(errno));
			return -1;
		}
	}
	if (o->backend_changes == 0 || p->n_sess < 2)
		return 0;
	lb->chg = calloc(o->backend_changes, sizeof(*lb->chg));
	if (lb->chg == NULL) {
		fprintf(stderr, "sa-tracegen: out of memory\n");
		return -1;
	}
	/* Never before the first session: its first frame is input 0. */
	for (i = 0; i < o->backend_changes; i++)
		lb->chg[i].sess = 1 + (uint32_t)tg_below(tg_splitmix64(&rng),
							  p->n_sess - 1);
	qsort(lb->chg, o->backend_changes, sizeof(*lb->chg), tg_lb_u32_cmp);
	for (i = 0; i < lb->cfg.n_be; i++)
		st[i] = (uint8_t)tg_lb_cfg_state(&lb->cfg, i);
	for (i = 0; i < o->backend_changes; i++)
		if (tg_lb_plan_one(lb, st, &rng, &lb->chg[i]) == 0)
			lb->chg[n++] = lb->chg[i];
	lb->n_chg = n;
	return 0;
}

static int
tg_lb_init(struct tg_prof *p)
{
	const struct tg_opts *o = p->o;
	double t = 0, mean = o->duration * TG_US_PER_S / (double)o->flows;
	struct tg_lb *lb = calloc(1, sizeof(*lb));
	uint64_t i;

	p->priv = lb;
	if (o->hosts > TG_LB_CLIENTS_MAX) {
		fprintf(stderr, "sa-tracegen: --hosts %llu: the lb profile "
			"has room for %u clients\n",
			(unsigned long long)o->hosts, TG_LB_CLIENTS_MAX);
		return -1;
	}
	if (lb == NULL || tg_ports_init(&lb->ports, o->hosts, o->seed) < 0) {
		fprintf(stderr, "sa-tracegen: out of memory\n");
		return -1;
	}
	if (tg_lb_cfg_load(&lb->cfg, o->config) < 0 ||
	    tg_lb_check_clients(lb, (uint32_t)o->hosts) < 0)
		return -1;
	for (i = 0; i < o->flows; i++) {
		t += tg_exponential(tg_rng_next(&p->rng), mean);
		if (tg_lb_draw(p, lb, (uint64_t)t) < 0)
			return -1;
	}
	return tg_lb_plan(p, lb);
}

/* The conversation of session @p s: client end 0, VIP end 1. */
static void
tg_lb_conv(struct tg_prof *p, struct tg_lb *lb, struct tg_sess *s,
	   struct tg_out *out, uint8_t proto, struct tg_lb_sess *ls)
{
	struct tg_lb_ep client;

	ls->rng = &s->rng;
	ls->vip = lb->cfg.svc[s->b];
	tg_lb_client_ep(s->a, ls->vip.family, &client);
	client.port = (uint16_t)s->c;
	if (proto == SA_IPPROTO_ICMP && ls->vip.family == 6)
		proto = SA_IPPROTO_ICMPV6;
	tg_conv_init(&ls->c, p->o, out, ls->vip.family, proto, s->start_us);
	tg_lb_end(&ls->c.end[0], &client);
	tg_lb_end(&ls->c.end[1], &ls->vip);
	ls->c.end[0].ttl = (uint8_t)(TG_LB_TTL_CLIENT - TG_LB_HOPS_MIN -
				     s->a % TG_LB_HOPS_SPAN);
	ls->c.end[1].inside = 1;
	ls->c.end[0].seq = (uint32_t)tg_splitmix64(ls->rng);
	ls->c.end[1].seq = (uint32_t)tg_splitmix64(ls->rng);
	ls->c.end[0].ip_id = (uint16_t)tg_splitmix64(ls->rng);
	ls->c.end[1].ip_id = (uint16_t)tg_splitmix64(ls->rng);
	if (tg_chance(tg_splitmix64(ls->rng), p->o->vlan_pct)) {
		ls->c.n_vlan = 1;
		ls->c.vlan_tci = TG_LB_VLAN_BASE + s->a % TG_LB_VLAN_COUNT;
		lb->vlan++;
	}
	ls->rtt_us = (uint32_t)tg_log_uniform(tg_splitmix64(ls->rng),
					      TG_LB_RTT_MIN_US,
					      TG_LB_RTT_MAX_US);
}

static uint32_t
tg_lb_be_delay(struct tg_lb_sess *ls)
{
	return TG_LB_BE_MIN_US + (uint32_t)tg_below(tg_splitmix64(ls->rng),
						    TG_LB_BE_SPAN_US);
}

/* Sends from the client (side 0, to the VIP) or the backend (side 1,
 * from its own address): end 1 is whichever the packet names. */
static void
tg_lb_side(struct tg_lb_sess *ls, unsigned int side)
{
	tg_lb_end(&ls->c.end[1], side == 0 ? &ls->vip : &ls->be);
}

/*
 * The first client packet has been sent: asks the balancer where it went.
 * @return 0 with ls->be set, 1 when the balancer refused the flow (the
 *   rest of the session is the client retrying), -1 on error.
 */
static int
tg_lb_first(struct tg_lb *lb, struct tg_lb_sess *ls)
{
	const char *why = NULL;
	const uint8_t *f;
	uint32_t len;
	int rc;

	f = tg_out_last(ls->c.out, &len);
	if (f == NULL)
		return -1;
	rc = tg_lb_pick(&lb->cfg, f, len, &ls->be, &why);
	if (rc == 0) {
		lb->ex.client_packets++;
		if (ls->c.proto == SA_IPPROTO_TCP)
			lb->ex.tcp_conns++;
		else
			lb->ex.udp_conns++;
	} else if (rc > 0) {
		lb->ex.first_dropped++;
	}
	return rc;
}

/* A response of a Pareto number of segments, acked every second one. */
static void
tg_lb_tcp_response(struct tg_lb *lb, struct tg_lb_sess *ls, uint8_t *buf)
{
	uint32_t n = (uint32_t)tg_pareto(tg_splitmix64(ls->rng), TG_LB_RESP_XM,
					 TG_LB_RESP_ALPHA);
	uint32_t i;

	if (n > TG_LB_RESP_SEGS_MAX)
		n = TG_LB_RESP_SEGS_MAX;
	tg_app_words(buf, TG_LB_MSS, ls->rng);
	for (i = 0; i < n; i++) {
		tg_lb_side(ls, 1);
		tg_conv_tcp(&ls->c, 1, i == 0 ? tg_lb_be_delay(ls) :
				       TG_LB_GAP_US,
			    SA_TCP_ACK | (i + 1 == n ? SA_TCP_PSH : 0), buf,
			    TG_LB_MSS);
		lb->ex.reply_packets++;
		if (i % 2 == 1 || i + 1 == n) {
			tg_lb_side(ls, 0);
			tg_conv_tcp(&ls->c, 0, TG_LB_GAP_US / 2, SA_TCP_ACK,
				    NULL, 0);
			lb->ex.client_packets++;
		}
	}
}

static void
tg_lb_tcp_close(struct tg_prof *p, struct tg_lb *lb, struct tg_lb_sess *ls)
{
	unsigned int side;

	if (tg_chance(tg_splitmix64(ls->rng), p->o->rst_pct)) {
		side = tg_splitmix64(ls->rng) & 1;
		tg_lb_side(ls, side);
		tg_conv_tcp(&ls->c, side, tg_lb_be_delay(ls),
			    SA_TCP_RST | SA_TCP_ACK, NULL, 0);
		if (side == 0)
			lb->ex.client_packets++;
		else
			lb->ex.reply_packets++;
		return;
	}
	tg_lb_side(ls, 0);
	tg_conv_tcp(&ls->c, 0, ls->rtt_us, SA_TCP_FIN | SA_TCP_ACK, NULL, 0);
	tg_lb_side(ls, 1);
	tg_conv_tcp(&ls->c, 1, tg_lb_be_delay(ls), SA_TCP_FIN | SA_TCP_ACK,
		    NULL, 0);
	tg_lb_side(ls, 0);
	tg_conv_tcp(&ls->c, 0, ls->rtt_us, SA_TCP_ACK, NULL, 0);
	lb->ex.client_packets += 2;
	lb->ex.reply_packets++;
}

/* A client retrying what the balancer refused: SYNs or datagrams. */
static void
tg_lb_retries(struct tg_lb_sess *ls, const uint8_t *payload, uint32_t len,
	      uint64_t *counter)
{
	uint32_t seq = ls->c.end[0].seq - 1;	/* the SYN's */
	unsigned int i;

	for (i = 0; i < TG_LB_SYN_RETRIES; i++) {
		if (ls->c.proto == SA_IPPROTO_TCP)
			tg_conv_tcp_at(&ls->c, 0, TG_LB_SYN_RTO_US << i,
				       SA_TCP_SYN, seq, NULL, 0);
		else
			tg_conv_udp(&ls->c, 0, TG_LB_SYN_RTO_US << i, payload,
				    len);
		(*counter)++;
	}
}

static int
tg_lb_tcp(struct tg_prof *p, struct tg_lb *lb, struct tg_lb_sess *ls)
{
	uint8_t buf[TG_LB_BUF];
	uint32_t segs, i, len;
	int rc;

	tg_conv_tcp(&ls->c, 0, 0, SA_TCP_SYN, NULL, 0);
	rc = tg_lb_first(lb, ls);
	if (rc != 0) {
		tg_lb_retries(ls, NULL, 0, &lb->ex.first_dropped);
		return rc < 0 ? -1 : 0;
	}
	tg_lb_side(ls, 1);
	tg_conv_tcp(&ls->c, 1, tg_lb_be_delay(ls), SA_TCP_SYN | SA_TCP_ACK,
		    NULL, 0);
	tg_lb_side(ls, 0);
	tg_conv_tcp(&ls->c, 0, ls->rtt_us, SA_TCP_ACK, NULL, 0);
	segs = 1 + (uint32_t)tg_below(tg_splitmix64(ls->rng),
				      TG_LB_REQ_SEGS_MAX);
	len = TG_LB_REQ_MIN + (uint32_t)tg_below(tg_splitmix64(ls->rng),
						 TG_LB_REQ_SPAN);
	tg_app_words(buf, len, ls->rng);
	for (i = 0; i < segs; i++)
		tg_conv_tcp(&ls->c, 0, TG_LB_GAP_US,
			    SA_TCP_ACK | (i + 1 == segs ? SA_TCP_PSH : 0),
			    buf, len);
	lb->ex.client_packets += 1 + segs;
	lb->ex.reply_packets++;
	tg_lb_tcp_response(lb, ls, buf);
	tg_lb_tcp_close(p, lb, ls);
	return 0;
}

static int
tg_lb_udp(struct tg_lb *lb, struct tg_lb_sess *ls)
{
	static const uint8_t answer[] = { 192, 0, 2, 1 };	/* TEST-NET */
	uint8_t q[TG_LB_BUF], r[TG_LB_BUF];
	uint32_t n = 1 + (uint32_t)tg_below(tg_splitmix64(ls->rng),
					    TG_LB_XCHG_MAX);
	uint32_t i, qlen, rlen;
	uint16_t id;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		id = (uint16_t)tg_splitmix64(ls->rng);
		qlen = tg_app_dns(q, sizeof(q), id, TG_LB_DNS_NAME,
				  TG_DNS_TYPE_A, NULL, 0);
		rlen = tg_app_dns(r, sizeof(r), id, TG_LB_DNS_NAME,
				  TG_DNS_TYPE_A, answer, sizeof(answer));
		tg_lb_side(ls, 0);
		tg_conv_udp(&ls->c, 0, i == 0 ? 0 :
			    (uint64_t)tg_log_uniform(tg_splitmix64(ls->rng),
						     TG_LB_THINK_MIN_US,
						     TG_LB_THINK_MAX_US),
			    q, qlen);
		if (i == 0) {
			rc = tg_lb_first(lb, ls);
			if (rc != 0) {
				tg_lb_retries(ls, q, qlen,
					      &lb->ex.first_dropped);
				break;
			}
		} else {
			lb->ex.client_packets++;
		}
		tg_lb_side(ls, 1);
		tg_conv_udp(&ls->c, 1, tg_lb_be_delay(ls), r, rlen);
		lb->ex.reply_packets++;
	}
	return rc < 0 ? -1 : 0;
}

/* An address, port or protocol next to a service's that no service
 * names. */
static void
tg_lb_stray_dst(const struct tg_lb *lb, struct tg_lb_sess *ls,
		unsigned int variant)
{
	struct tg_lb_ep *e = &ls->vip;

	do {
		if (variant == 0) {
			e->addr4++;
			e->addr6[TG_ADDR6_BYTES - 1]++;
		} else if (variant == 1) {
			e->port = (uint16_t)(e->port + TG_LB_STRAY_PORT_STEP);
		} else {
			e->proto = e->proto == SA_IPPROTO_TCP ?
				   SA_IPPROTO_UDP : SA_IPPROTO_TCP;
			variant = 1;
		}
	} while (tg_lb_cfg_service(&lb->cfg, e) >= 0);
	ls->c.proto = e->proto;
	tg_lb_end(&ls->c.end[1], e);
}

static void
tg_lb_stray(struct tg_lb *lb, struct tg_lb_sess *ls)
{
	uint8_t q[TG_LB_BUF];
	uint32_t qlen;

	tg_lb_stray_dst(lb, ls, (unsigned int)tg_below(tg_splitmix64(ls->rng),
						       TG_LB_STRAY_VARIANTS));
	qlen = tg_app_dns(q, sizeof(q), (uint16_t)tg_splitmix64(ls->rng),
			  TG_LB_DNS_NAME, TG_DNS_TYPE_A, NULL, 0);
	if (ls->c.proto == SA_IPPROTO_TCP)
		tg_conv_tcp(&ls->c, 0, 0, SA_TCP_SYN, NULL, 0);
	else
		tg_conv_udp(&ls->c, 0, 0, q, qlen);
	lb->ex.unknown_vip++;
	tg_lb_retries(ls, q, qlen, &lb->ex.unknown_vip);
}

static void
tg_lb_icmp(struct tg_lb *lb, struct tg_lb_sess *ls)
{
	uint8_t data[TG_PING_DATA_LEN];
	uint8_t type = ls->c.family == 6 ? SA_ICMP6_ECHO_REQUEST :
					   SA_ICMP_ECHO_REQUEST;
	uint32_t n = 1 + (uint32_t)tg_below(tg_splitmix64(ls->rng),
					    TG_LB_PINGS_MAX);
	uint32_t i;

	for (i = 0; i < n; i++) {
		tg_app_ping(data, ls->c.now_us + (i ? TG_LB_SYN_RTO_US : 0));
		tg_conv_icmp(&ls->c, 0, i ? TG_LB_SYN_RTO_US : 0, type, 0,
			     ls->c.end[0].port, (uint16_t)(i + 1), data,
			     sizeof(data));
		lb->ex.proto_unsupported++;
	}
}

/* A DNS query grown by EDNS padding past the MTU's worth of a first
 * fragment, as large resolver traffic is. */
static int
tg_lb_frag(struct tg_lb *lb, struct tg_lb_sess *ls)
{
	uint8_t buf[TG_LB_BUF];
	uint32_t len;
	uint16_t pad;

	len = tg_app_dns(buf, sizeof(buf), (uint16_t)tg_splitmix64(ls->rng),
			 TG_LB_DNS_NAME, TG_DNS_TYPE_TXT, NULL, 0);
	pad = (uint16_t)(TG_LB_FRAG_DGRAM - len - TG_LB_OPT_LEN);
	len = tg_app_dns_pad(buf, len, sizeof(buf), pad);
	ls->c.proto = SA_IPPROTO_UDP;
	if (tg_conv_udp_frags(&ls->c, 0, 0, buf, len, TG_LB_FRAG_FIRST) < 0)
		return -1;
	lb->ex.fragment += 2;
	return 0;
}

/* A backend speaks to a client port no connection uses: a late
 * segment, or a late DNS answer. */
static void
tg_lb_unsol(struct tg_lb *lb, struct tg_lb_sess *ls)
{
	static const uint8_t answer[] = { 192, 0, 2, 1 };
	uint8_t buf[TG_LB_BUF];
	uint32_t i, n = 0, len, pick[TG_LB_BACKENDS_MAX];

	for (i = 0; i < lb->cfg.n_be; i++)
		if (lb->cfg.be[i].family == ls->vip.family)
			pick[n++] = i;
	if (n == 0)
		return;
	ls->be = lb->cfg.be[pick[tg_below(tg_splitmix64(ls->rng), n)]];
	ls->c.proto = ls->be.proto;
	ls->c.end[0].port = (uint16_t)(1 + tg_below(tg_splitmix64(ls->rng),
						    TG_LB_UNSOL_PORT_MAX));
	tg_lb_side(ls, 1);
	if (ls->c.proto == SA_IPPROTO_TCP) {
		tg_app_words(buf, TG_LB_REQ_MIN, ls->rng);
		tg_conv_tcp(&ls->c, 1, 0, SA_TCP_ACK | SA_TCP_PSH, buf,
			    TG_LB_REQ_MIN);
	} else {
		len = tg_app_dns(buf, sizeof(buf),
				 (uint16_t)tg_splitmix64(ls->rng),
				 TG_LB_DNS_NAME, TG_DNS_TYPE_A, answer,
				 sizeof(answer));
		tg_conv_udp(&ls->c, 1, 0, buf, len);
	}
	lb->ex.no_connection++;
}

/* The changes placed before session @p idx: to the balancer, and to the
 * schedule at the input position of the session's first frame. */
static int
tg_lb_changes_due(struct tg_prof *p, struct tg_lb *lb, uint32_t idx)
{
	static const char *const names[] = {
		[LB_BACKEND_UP] = "up",
		[LB_BACKEND_DRAIN] = "drain",
		[LB_BACKEND_DOWN] = "down",
	};
	char svc[TG_LB_EP_TEXT_MAX], be[TG_LB_EP_TEXT_MAX];
	char line[SA_MB_COMMAND_MAX];
	const struct tg_lb_change *c;

	while (lb->next_chg < lb->n_chg && lb->chg[lb->next_chg].sess <= idx) {
		c = &lb->chg[lb->next_chg++];
		snprintf(line, sizeof(line), "backend %s %s %s",
			 tg_lb_ep_text(&lb->cfg.svc[lb->cfg.be_svc[c->be]],
				       true, svc, sizeof(svc)),
			 tg_lb_ep_text(&lb->cfg.be[c->be], false, be,
				       sizeof(be)), names[c->state]);
		if (tg_lb_command(&lb->cfg, line) < 0)
			return -1;
		fprintf(lb->cmd_out, "%llu %s\n", (unsigned long long)p->pos,
			line);
		lb->changes_written++;
	}
	return 0;
}

struct tg_lb_cut {
	const struct tg_lb_ep *be;
	uint64_t from_us;
};

/* A frame the backend sends at or after from_us. */
static int
tg_lb_cut_cb(void *arg, uint64_t ts_us, const uint8_t *frame, uint32_t len)
{
	const struct tg_lb_cut *cut = arg;
	struct sa_parsed p;
	uint32_t a4;

	if (ts_us < cut->from_us || sa_parse(frame, len, &p) != SA_DROP_NONE)
		return 0;
	if (p.l3 == SA_L3_IPV4 && cut->be->family == 4) {
		memcpy(&a4, frame + p.l3_off + TG_LB_IP4_SRC_OFF, sizeof(a4));
		return ntohl(a4) == cut->be->addr4;
	}
	return p.l3 == SA_L3_IPV6 && cut->be->family == 6 &&
	       memcmp(frame + p.l3_off + TG_LB_IP6_SRC_OFF, cut->be->addr6,
		      sizeof(cut->be->addr6)) == 0;
}

/* Session @p idx went to backend ls->be: if a later change marks that
 * backend down, it sends nothing from then on. */
static void
tg_lb_cut_down(struct tg_prof *p, struct tg_lb *lb, struct tg_lb_sess *ls)
{
	struct tg_lb_cut cut = { .be = &ls->be };
	const struct tg_lb_ep *e;
	uint32_t k, b;

	for (k = lb->next_chg; k < lb->n_chg; k++) {
		if (lb->chg[k].state != LB_BACKEND_DOWN)
			continue;
		b = lb->chg[k].be;
		e = &lb->cfg.be[b];
		if (e->family != ls->be.family || e->port != ls->be.port ||
		    e->proto != ls->be.proto || e->addr4 != ls->be.addr4 ||
		    memcmp(e->addr6, ls->be.addr6, sizeof(e->addr6)) != 0)
			continue;
		cut.from_us = p->sess[lb->chg[k].sess].start_us;
		k = tg_out_filter(ls->c.out, tg_lb_cut_cb, &cut);
		lb->frames_cut += k;
		lb->ex.reply_packets -= k;
		return;
	}
}

static int
tg_lb_build(struct tg_prof *p, struct tg_sess *s, struct tg_out *out)
{
	struct tg_lb *lb = p->priv;
	struct tg_lb_sess ls;
	uint8_t proto = s->kind == TG_LB_ICMP ? SA_IPPROTO_ICMP :
			lb->cfg.svc[s->b].proto;
	int rc;

	if (tg_lb_changes_due(p, lb, (uint32_t)(s - p->sess)) < 0)
		return -1;
	tg_lb_conv(p, lb, s, out, proto, &ls);
	memset(&ls.be, 0, sizeof(ls.be));
	switch (s->kind) {
	case TG_LB_TCP:
	case TG_LB_UDP:
		rc = s->kind == TG_LB_TCP ? tg_lb_tcp(p, lb, &ls) :
					    tg_lb_udp(lb, &ls);
		if (rc == 0 && ls.be.family != 0)
			tg_lb_cut_down(p, lb, &ls);
		return rc;
	case TG_LB_STRAY:
		tg_lb_stray(lb, &ls);
		return 0;
	case TG_LB_ICMP:
		tg_lb_icmp(lb, &ls);
		return 0;
	case TG_LB_FRAG:
		return tg_lb_frag(lb, &ls);
	default:
		tg_lb_unsol(lb, &ls);
		return 0;
	}
}

static void
tg_lb_stats(const struct tg_prof *p)
{
	const struct tg_lb *lb = p->priv;
	const struct tg_lb_expect *ex = &lb->ex;
	unsigned int k;

	for (k = 0; k < TG_LB_KIND_COUNT; k++)
		printf("sessions_%s=%llu\n", tg_lb_kind_names[k],
		       (unsigned long long)lb->kinds[k]);
	printf("sessions_ipv6=%llu\nsessions_vlan=%llu\n",
	       (unsigned long long)lb->v6, (unsigned long long)lb->vlan);
	printf("lb_client_packets=%llu\nlb_reply_packets=%llu\n"
	       "lb_tcp_conns=%llu\nlb_udp_conns=%llu\n",
	       (unsigned long long)ex->client_packets,
	       (unsigned long long)ex->reply_packets,
	       (unsigned long long)ex->tcp_conns,
	       (unsigned long long)ex->udp_conns);
	printf("lb_backend_changes=%llu\nlb_backend_frames_cut=%llu\n",
	       (unsigned long long)lb->changes_written,
	       (unsigned long long)lb->frames_cut);
	printf("lb_drop_unknown_vip=%llu\nlb_drop_proto_unsupported=%llu\n"
	       "lb_drop_fragment=%llu\nlb_drop_no_connection=%llu\n"
	       "lb_drop_first_refused=%llu\n",
	       (unsigned long long)ex->unknown_vip,
	       (unsigned long long)ex->proto_unsupported,
	       (unsigned long long)ex->fragment,
	       (unsigned long long)ex->no_connection,
	       (unsigned long long)ex->first_dropped);
}

static void
tg_lb_fini(struct tg_prof *p)
{
	struct tg_lb *lb = p->priv;

	if (lb == NULL)
		return;
	tg_lb_cfg_free(&lb->cfg);
	tg_ports_fini(&lb->ports);
	if (lb->cmd_out != NULL && fclose(lb->cmd_out) != 0)
		fprintf(stderr, "sa-tracegen: --commands-out: %s\n",
			strerror(errno));
	free(lb->chg);
	free(lb);
	p->priv = NULL;
}

const struct tg_prof_ops tg_prof_lb_ops = {
	.name = "lb",
	.init = tg_lb_init,
	.build = tg_lb_build,
	.stats = tg_lb_stats,
	.fini = tg_lb_fini,
};
