/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The ids profile: benign traffic with full handshakes (web both ways,
 * HTTPS, DNS, ping), some of it retransmitted or reordered, and once
 * each the attacks of tg_ids_att.c, spread over the trace. Benign
 * payloads are plain words and ordinary headers that no rule of
 * configs/ids/rules matches; benign hosts talk to a handful of peers and
 * ports each, well below the port-scan, host-sweep and SYN-flood
 * thresholds of configs/ids.ini.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sa/headers.h>

#include "tg_app.h"
#include "tg_ids.h"
#include "tg_model.h"
#include "tg_ports.h"

#define TG_US_PER_S		1e6
#define TG_IDS_CLIENTS_MAX	16000u	/* inside clients fit 10.0.0.0/18 */
#define TG_IDS_SERVERS_MAX	65000u	/* outside servers fit a /16 */
#define TG_IDS_OUT_CLIENTS	256u
#define TG_IDS_IN_SERVERS	8u
#define TG_IDS_PEERS		16u	/* servers one client talks to */
#define TG_IDS_HTTP_PORT	80
#define TG_IDS_HTTP_ALT_PORT	8080
#define TG_IDS_HTTPS_PORT	443
#define TG_IDS_DNS_PORT		53
#define TG_IDS_HTTP_OUT_PCT	45.0
#define TG_IDS_HTTPS_OUT_PCT	35.0	/* HTTP inbound: the rest of TCP */
#define TG_IDS_RETX_PCT		5.0
#define TG_IDS_REORDER_PCT	5.0
#define TG_IDS_RTT_MIN_US	2000.0
#define TG_IDS_RTT_MAX_US	150000.0
#define TG_IDS_HOST_US		100
#define TG_IDS_GAP_US		30
#define TG_IDS_RTO_US		200000
#define TG_IDS_MSS		1400
#define TG_IDS_BODY_XM		200.0
#define TG_IDS_BODY_ALPHA	1.2
#define TG_IDS_BODY_MAX		16000
#define TG_IDS_BUF		(TG_IDS_BODY_MAX + 512)
#define TG_IDS_PINGS_MAX	3
#define TG_IDS_PING_US		1000000
#define TG_IDS_VLAN_BASE	200
#define TG_IDS_VLAN_COUNT	8
#define TG_IDS_TTL		64
#define TG_IDS_HOPS_SPAN	16
/* Benign sessions' c: the client's port << 8 | the address family. */
#define TG_IDS_PORT_SHIFT	8
#define TG_IDS_FAMILY_MASK	0xffu
#define TG_TLS_HANDSHAKE	0x16
#define TG_TLS_APP_DATA		0x17
#define TG_TLS_HDR		5
#define TG_TLS_CLIENT_HELLO	517	/* what browsers send, padded */
#define TG_TLS_RECORD_MIN	64

static const char *const tg_ids_kind_names[TG_IDS_KIND_COUNT] = {
	"http_out", "https_out", "http_in", "dns", "ping", "web_attack",
	"shellcode", "dns_tunnel", "portscan", "hostsweep", "synflood",
	"flag_probe",
};

static const char *const tg_ids_paths[] = {
	"/", "/index.html", "/news/today", "/images/logo.png", "/about",
	"/api/items?page=2", "/css/site.css", "/docs/guide.pdf",
};

static const char *const tg_ids_names[] = {
	"www.example.com", "mail.example.org", "cdn.example.net",
	"api.example.com", "static.example.org", "news.example.net",
};

#define TG_IDS_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

void
tg_ids_conv(struct tg_prof *p, struct tg_ids *ids, struct tg_sess *s,
	    struct tg_conv *c, struct tg_out *out, uint8_t family,
	    uint8_t proto)
{
	unsigned int i;

	if (family == 6 && proto == SA_IPPROTO_ICMP)
		proto = SA_IPPROTO_ICMPV6;
	tg_conv_init(c, p->o, out, family, proto, s->start_us);
	for (i = 0; i < 2; i++) {
		c->end[i].seq = (uint32_t)tg_splitmix64(&s->rng);
		c->end[i].ip_id = (uint16_t)tg_splitmix64(&s->rng);
	}
	if (tg_chance(tg_splitmix64(&s->rng), p->o->vlan_pct)) {
		c->n_vlan = 1;
		c->vlan_tci = TG_IDS_VLAN_BASE + s->order % TG_IDS_VLAN_COUNT;
		ids->vlan++;
	}
	ids->v6 += family == 6;
}

/* ---- the TCP exchange ---- */

static void
tg_ids_handshake(struct tg_conv *c, const struct tg_ids_xchg *x)
{
	tg_conv_tcp(c, 0, 0, SA_TCP_SYN, NULL, 0);
	tg_conv_tcp(c, 1, x->rtt_us, SA_TCP_SYN | SA_TCP_ACK, NULL, 0);
	tg_conv_tcp(c, 0, TG_IDS_HOST_US, SA_TCP_ACK, NULL, 0);
}

/* The request, cut at x->cut and at the MSS, maybe its last segment
 * again. @return the frame index of the segment that completes the drop
 * content, or UINT32_MAX. */
static uint32_t
tg_ids_request(struct tg_ids *ids, struct tg_conv *c,
	       const struct tg_ids_xchg *x)
{
	uint32_t off = 0, last = 0, n, sent = 0, at = UINT32_MAX;

	while (off < x->req_len) {
		n = x->cut > off ? x->cut - off : x->req_len - off;
		if (n > TG_IDS_MSS)
			n = TG_IDS_MSS;
		sent = tg_conv_tcp(c, 0, TG_IDS_GAP_US,
				   SA_TCP_ACK | (off + n == x->req_len ?
						 SA_TCP_PSH : 0),
				   x->req + off, n);
		/* Cut segments (--pkt-size) do not carry the content. */
		if (x->drop_end > off && x->drop_end <= off + n && sent == n &&
		    at == UINT32_MAX)
			at = c->out->n - 1;
		last = off;
		off += n;
	}
	if (x->disturb == TG_IDS_RETX && sent > 0) {
		tg_conv_tcp_at(c, 0, TG_IDS_RTO_US, SA_TCP_ACK | SA_TCP_PSH,
			       c->end[0].seq - sent, x->req + last, sent);
		ids->ex.retransmitted++;
	}
	return at;
}

/* Response segments 2, 1, then 2 again: a hole, filled by the first,
 * then the second's retransmission. @return the segments sent. */
static uint32_t
tg_ids_reordered(struct tg_ids *ids, struct tg_conv *c,
		 const struct tg_ids_xchg *x)
{
	uint32_t s1 = c->end[1].seq, n2 = x->resp_len - TG_IDS_MSS;

	if (n2 > TG_IDS_MSS)
		n2 = TG_IDS_MSS;
	tg_conv_tcp_at(c, 1, x->rtt_us, SA_TCP_ACK, s1 + TG_IDS_MSS,
		       x->resp + TG_IDS_MSS, n2);
	tg_conv_tcp_at(c, 1, TG_IDS_GAP_US, SA_TCP_ACK, s1, x->resp,
		       TG_IDS_MSS);
	tg_conv_tcp_at(c, 1, TG_IDS_GAP_US, SA_TCP_ACK, s1 + TG_IDS_MSS,
		       x->resp + TG_IDS_MSS, n2);
	c->end[1].seq = s1 + TG_IDS_MSS + n2;
	tg_conv_tcp(c, 0, TG_IDS_HOST_US, SA_TCP_ACK, NULL, 0);
	ids->ex.reordered++;
	return 2;
}

static void
tg_ids_response(struct tg_ids *ids, struct tg_conv *c,
		const struct tg_ids_xchg *x)
{
	uint32_t off = 0, n, i = 0;

	if (x->disturb == TG_IDS_REORDER && x->resp_len > TG_IDS_MSS &&
	    c->o->pkt_size == 0) {
		i = tg_ids_reordered(ids, c, x);
		off = TG_IDS_MSS * i;
	}
	while (off < x->resp_len) {
		n = x->resp_len - off < TG_IDS_MSS ? x->resp_len - off :
						     TG_IDS_MSS;
		tg_conv_tcp(c, 1, off == 0 ? x->rtt_us : TG_IDS_GAP_US,
			    SA_TCP_ACK | (off + n == x->resp_len ?
					  SA_TCP_PSH : 0), x->resp + off, n);
		off += n;
		if (++i % 2 == 0 || off == x->resp_len)
			tg_conv_tcp(c, 0, TG_IDS_HOST_US, SA_TCP_ACK, NULL, 0);
	}
	if (x->resp_len == 0)
		tg_conv_tcp(c, 1, x->rtt_us, SA_TCP_ACK, NULL, 0);
}

void
tg_ids_tcp_xchg(struct tg_ids *ids, struct tg_conv *c, uint64_t *rng,
		const struct tg_ids_xchg *x)
{
	uint32_t at;

	tg_ids_handshake(c, x);
	at = tg_ids_request(ids, c, x);
	tg_ids_response(ids, c, x);
	if (x->rst) {
		tg_conv_tcp(c, 0, TG_IDS_HOST_US, SA_TCP_RST | SA_TCP_ACK,
			    NULL, 0);
	} else {
		tg_conv_tcp(c, 0, TG_IDS_HOST_US + tg_below(tg_splitmix64(rng),
							     x->rtt_us),
			    SA_TCP_FIN | SA_TCP_ACK, NULL, 0);
		tg_conv_tcp(c, 1, x->rtt_us, SA_TCP_FIN | SA_TCP_ACK, NULL, 0);
		tg_conv_tcp(c, 0, TG_IDS_HOST_US, SA_TCP_ACK, NULL, 0);
	}
	if (at != UINT32_MAX) {
		/* Inline, the firing segment and all after it are dropped. */
		ids->ex.drop_flows++;
		ids->ex.inline_drops += c->out->n - at;
	}
}

/* ---- benign sessions ---- */

/* Per enum tg_ids_net: IPv4 base, IPv6 prefix, inside or not. */
static const struct {
	uint32_t base4;
	uint8_t pfx6[TG_ADDR6_BYTES];
	uint8_t inside;
} tg_ids_nets[TG_IDS_NET_COUNT] = {
	[TG_IDS_NET_IN_CLIENT] = { 0x0a000000u, { 0xfd }, 1 },
	[TG_IDS_NET_IN_SERVER] = { 0x0a006400u,
		{ 0xfd, [12] = 0x01 }, 1 },
	[TG_IDS_NET_OUT_SERVER] = { 0xc6120000u,
		{ 0x20, 0x01, 0x0d, 0xb8 }, 0 },
	[TG_IDS_NET_OUT_CLIENT] = { 0xc6130000u,
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 0x01 }, 0 },
	[TG_IDS_NET_ATTACKER] = { 0xcb007100u,
		{ 0x20, 0x01, 0x0d, 0xb8, 0x0b, 0xad }, 0 },
	[TG_IDS_NET_SPOOFED] = { 0x64400000u, { 0 }, 0 },
	[TG_IDS_NET_COMPROMISED] = { 0x0a00c800u, { 0xfd, [12] = 0x02 }, 1 },
	[TG_IDS_NET_SWEPT] = { 0x0a006500u, { 0xfd, [12] = 0x03 }, 1 },
};

void
tg_ids_end(struct tg_end *e, uint8_t family, enum tg_ids_net net,
	   uint32_t idx, uint16_t port)
{
	uint8_t a6[TG_ADDR6_BYTES];

	if (family == 6) {
		memcpy(a6, tg_ids_nets[net].pfx6, sizeof(a6));
		a6[14] = (uint8_t)((idx + 1) >> 8);
		a6[15] = (uint8_t)(idx + 1);
		tg_end_set6(e, a6, port);
	} else {
		tg_end_set4(e, tg_ids_nets[net].base4 + 1 + idx, port);
	}
	e->inside = tg_ids_nets[net].inside;
	/* Outside hosts sit some hops away; inside ones next to the tap. */
	if (!e->inside)
		e->ttl = (uint8_t)(TG_IDS_TTL - 1 - idx % TG_IDS_HOPS_SPAN);
}

/* Who talks: inside client a or outside client a, to outside server b
 * or inside server b, as the session's kind says. */
static void
tg_ids_ends(const struct tg_sess *s, struct tg_conv *c, uint16_t dport)
{
	int in = s->kind == TG_IDS_HTTP_IN;
	uint16_t sport = (uint16_t)(s->c >> TG_IDS_PORT_SHIFT);

	tg_ids_end(&c->end[0], c->family, in ? TG_IDS_NET_OUT_CLIENT :
		   TG_IDS_NET_IN_CLIENT, s->a, sport);
	tg_ids_end(&c->end[1], c->family, in ? TG_IDS_NET_IN_SERVER :
		   TG_IDS_NET_OUT_SERVER, s->b, dport);
}

static uint32_t
tg_ids_http_req(uint8_t *buf, size_t cap, const char *path, const char *host)
{
	int n = snprintf((char *)buf, cap, "GET %s HTTP/1.1\r\nHost: %s\r\n"
			 "User-Agent: Mozilla/5.0 (X11; Linux x86_64; "
			 "rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
			 "Accept: text/html,application/xhtml+xml\r\n"
			 "Accept-Language: en-US,en;q=0.5\r\n"
			 "Connection: keep-alive\r\n\r\n", path, host);

	return n > 0 && (size_t)n < cap ? (uint32_t)n : 0;
}

static uint32_t
tg_ids_http_resp(uint8_t *buf, size_t cap, uint64_t *rng)
{
	uint32_t body = (uint32_t)tg_pareto(tg_splitmix64(rng), TG_IDS_BODY_XM,
					    TG_IDS_BODY_ALPHA);
	int n;

	if (body > TG_IDS_BODY_MAX)
		body = TG_IDS_BODY_MAX;
	n = snprintf((char *)buf, cap, "HTTP/1.1 200 OK\r\nServer: nginx\r\n"
		     "Content-Type: text/html; charset=utf-8\r\n"
		     "Content-Length: %u\r\n\r\n", body);
	if (n <= 0 || (size_t)n + body > cap)
		return 0;
	tg_app_words(buf + n, body, rng);
	return (uint32_t)n + body;
}

/* A TLS record of @p len bytes of @p type (contents: words, not
 * ciphertext, which might spell a binary rule's bytes by chance). */
static uint32_t
tg_ids_tls(uint8_t *buf, uint8_t type, uint32_t len, uint64_t *rng)
{
	buf[0] = type;
	buf[1] = 3;
	buf[2] = type == TG_TLS_HANDSHAKE ? 1 : 3;
	buf[3] = (uint8_t)((len - TG_TLS_HDR) >> 8);
	buf[4] = (uint8_t)(len - TG_TLS_HDR);
	tg_app_words(buf + TG_TLS_HDR, len - TG_TLS_HDR, rng);
	return len;
}

static void
tg_ids_web(struct tg_prof *p, struct tg_ids *ids, struct tg_sess *s,
	   struct tg_conv *c)
{
	/* Static: too large for the stack, and used one session at a time. */
	static uint8_t req[TG_IDS_BUF], resp[TG_IDS_BUF];
	uint64_t *rng = &s->rng;
	struct tg_ids_xchg x = { .req = req, .resp = resp };
	double u = tg_unit(tg_splitmix64(rng)) * 100.0;

	if (s->kind == TG_IDS_HTTPS_OUT) {
		tg_ids_ends(s, c, TG_IDS_HTTPS_PORT);
		x.req_len = tg_ids_tls(req, TG_TLS_HANDSHAKE,
				       TG_TLS_CLIENT_HELLO, rng);
		x.resp_len = tg_ids_tls(resp, TG_TLS_APP_DATA,
			TG_TLS_RECORD_MIN + (uint32_t)tg_below(
				tg_splitmix64(rng), TG_IDS_BODY_MAX), rng);
	} else {
		tg_ids_ends(s, c, s->kind == TG_IDS_HTTP_IN && (s->b & 1) ?
				  TG_IDS_HTTP_ALT_PORT : TG_IDS_HTTP_PORT);
		x.req_len = tg_ids_http_req(req, sizeof(req), tg_ids_paths[
			tg_below(tg_splitmix64(rng),
				 TG_IDS_ARRAY_SIZE(tg_ids_paths))],
			tg_ids_names[s->b % TG_IDS_ARRAY_SIZE(tg_ids_names)]);
		x.resp_len = tg_ids_http_resp(resp, sizeof(resp), rng);
	}
	x.rtt_us = (uint32_t)tg_log_uniform(tg_splitmix64(rng),
					    TG_IDS_RTT_MIN_US,
					    TG_IDS_RTT_MAX_US);
	x.disturb = u < TG_IDS_RETX_PCT ? TG_IDS_RETX :
		    u < TG_IDS_RETX_PCT + TG_IDS_REORDER_PCT ?
		    TG_IDS_REORDER : TG_IDS_CLEAN;
	x.rst = tg_chance(tg_splitmix64(rng), p->o->rst_pct);
	tg_ids_tcp_xchg(ids, c, rng, &x);
}

static void
tg_ids_dns(struct tg_sess *s, struct tg_conv *c)
{
	uint8_t q[TG_IDS_MSS], r[TG_IDS_MSS], rdata[TG_ADDR6_BYTES];
	const char *name = tg_ids_names[tg_below(tg_splitmix64(&s->rng),
				TG_IDS_ARRAY_SIZE(tg_ids_names))];
	uint16_t type = c->family == 6 ? TG_DNS_TYPE_AAAA : TG_DNS_TYPE_A;
	uint16_t id = (uint16_t)tg_splitmix64(&s->rng);
	uint32_t qlen, rlen;

	tg_ids_ends(s, c, TG_IDS_DNS_PORT);
	memset(rdata, 0, sizeof(rdata));
	rdata[0] = 198;
	rdata[1] = 18;
	qlen = tg_app_dns(q, sizeof(q), id, name, type, NULL, 0);
	rlen = tg_app_dns(r, sizeof(r), id, name, type, rdata,
			  type == TG_DNS_TYPE_A ? 4 : TG_ADDR6_BYTES);
	tg_conv_udp(c, 0, 0, q, qlen);
	tg_conv_udp(c, 1, (uint64_t)tg_log_uniform(tg_splitmix64(&s->rng),
						   TG_IDS_RTT_MIN_US,
						   TG_IDS_RTT_MAX_US), r, rlen);
}

static void
tg_ids_ping(struct tg_sess *s, struct tg_conv *c)
{
	uint32_t n = 1 + (uint32_t)tg_below(tg_splitmix64(&s->rng),
					    TG_IDS_PINGS_MAX);
	uint32_t rtt = (uint32_t)tg_log_uniform(tg_splitmix64(&s->rng),
						TG_IDS_RTT_MIN_US,
						TG_IDS_RTT_MAX_US);
	uint16_t id = (uint16_t)(s->c >> TG_IDS_PORT_SHIFT);
	uint8_t data[TG_PING_DATA_LEN];
	int v6 = c->family == 6;
	uint32_t i;

	tg_ids_ends(s, c, 0);
	for (i = 0; i < n; i++) {
		tg_app_ping(data, c->now_us + (i ? TG_IDS_PING_US - rtt : 0));
		tg_conv_icmp(c, 0, i ? TG_IDS_PING_US - rtt : 0,
			     v6 ? SA_ICMP6_ECHO_REQUEST : SA_ICMP_ECHO_REQUEST,
			     0, id, (uint16_t)(i + 1), data, sizeof(data));
		tg_conv_icmp(c, 1, rtt, v6 ? SA_ICMP6_ECHO_REPLY :
			     SA_ICMP_ECHO_REPLY, 0, id, (uint16_t)(i + 1), data,
			     sizeof(data));
	}
}

static int
tg_ids_build(struct tg_prof *p, struct tg_sess *s, struct tg_out *out)
{
	struct tg_ids *ids = p->priv;
	uint8_t family = (uint8_t)(s->c & TG_IDS_FAMILY_MASK);
	struct tg_conv c;

	ids->kinds[s->kind]++;
	if (s->kind >= TG_IDS_BENIGN_COUNT)
		return tg_ids_attack_build(p, ids, s, out);
	tg_ids_conv(p, ids, s, &c, out, family,
		    s->kind == TG_IDS_DNS ? SA_IPPROTO_UDP :
		    s->kind == TG_IDS_PING ? SA_IPPROTO_ICMP : SA_IPPROTO_TCP);
	if (s->kind == TG_IDS_DNS)
		tg_ids_dns(s, &c);
	else if (s->kind == TG_IDS_PING)
		tg_ids_ping(s, &c);
	else
		tg_ids_web(p, ids, s, &c);
	return 0;
}

/* ---- drawing ---- */

static uint32_t
tg_ids_draw_kind(const struct tg_opts *o, uint64_t bits)
{
	double u = tg_unit(bits) * 100.0;
	double tcp = 100.0 - o->udp_pct - o->icmp_pct;

	if (u < o->udp_pct)
		return TG_IDS_DNS;
	u -= o->udp_pct;
	if (u < o->icmp_pct)
		return TG_IDS_PING;
	u = (u - o->icmp_pct) * 100.0 / (tcp > 0 ? tcp : 1);
	if (u < TG_IDS_HTTP_OUT_PCT)
		return TG_IDS_HTTP_OUT;
	return u < TG_IDS_HTTP_OUT_PCT + TG_IDS_HTTPS_OUT_PCT ?
	       TG_IDS_HTTPS_OUT : TG_IDS_HTTP_IN;
}

/* Session fields: a the client, b the server, c the client's port and
 * the address family. */
static int
tg_ids_draw_benign(struct tg_prof *p, struct tg_ports *ports, uint64_t t)
{
	const struct tg_opts *o = p->o;
	uint32_t kind = tg_ids_draw_kind(o, tg_rng_next(&p->rng));
	uint64_t fam = tg_chance(tg_rng_next(&p->rng), o->ipv6_pct) ? 6 : 4;
	int in = kind == TG_IDS_HTTP_IN;
	struct tg_sess *s = tg_prof_add(p, t, kind);
	uint16_t port;

	if (s == NULL)
		return -1;
	s->a = (uint32_t)tg_below(tg_rng_next(&p->rng),
				  in ? TG_IDS_OUT_CLIENTS : o->hosts);
	s->b = in ? (uint32_t)tg_below(tg_rng_next(&p->rng),
				       TG_IDS_IN_SERVERS) :
	       (uint32_t)((s->a * TG_IDS_PEERS +
			   tg_below(tg_rng_next(&p->rng), TG_IDS_PEERS)) %
			  o->servers);
	if (tg_ports_alloc(ports, in ? o->hosts + s->a : s->a,
			   kind == TG_IDS_DNS ? TG_PORT_UDP :
			   kind == TG_IDS_PING ? TG_PORT_ICMP : TG_PORT_TCP,
			   &port) < 0) {
		fprintf(stderr, "sa-tracegen: --flows %llu: more than %u "
			"sessions of one client: use more --hosts\n",
			(unsigned long long)o->flows, TG_PORT_RANGE);
		return -1;
	}
	s->c = (uint32_t)port << TG_IDS_PORT_SHIFT | (uint32_t)fam;
	return 0;
}

/* The attacks at fixed points of the trace, each once. */
static int
tg_ids_draw_attacks(struct tg_prof *p)
{
	const double d = p->o->duration * TG_US_PER_S;
	const struct { uint32_t kind, n; double at, span; } plan[] = {
		{ TG_IDS_WEB, TG_IDS_ATTACKS_WEB, 0.05, 0.8 },
		{ TG_IDS_SHELL, TG_IDS_SHELLCODES, 0.15, 0.6 },
		{ TG_IDS_TUNNEL, TG_IDS_TUNNELS, 0.3, 0.4 },
		{ TG_IDS_PORTSCAN, 1, 0.2, 0 },
		{ TG_IDS_SWEEP, 1, 0.4, 0 },
		{ TG_IDS_FLOOD, 1, 0.6, 0 },
		{ TG_IDS_FLAGS, 1, 0.7, 0 },
	};
	struct tg_sess *s;
	uint32_t i, j;

	for (i = 0; i < TG_IDS_ARRAY_SIZE(plan); i++) {
		for (j = 0; j < plan[i].n; j++) {
			if (plan[i].kind == TG_IDS_WEB &&
			    tg_ids_web_is_v6(j) && p->o->ipv6_pct <= 0)
				continue;
			s = tg_prof_add(p, (uint64_t)(d * (plan[i].at +
				plan[i].span * j / plan[i].n)), plan[i].kind);
			if (s == NULL)
				return -1;
			s->a = j;
		}
	}
	return 0;
}

static int
tg_ids_init(struct tg_prof *p)
{
	const struct tg_opts *o = p->o;
	double t = 0, mean = o->duration * TG_US_PER_S / (double)o->flows;
	struct tg_ids *ids = calloc(1, sizeof(*ids));
	struct tg_ports ports;
	uint64_t i;
	int rc = 0;

	p->priv = ids;
	if (o->hosts > TG_IDS_CLIENTS_MAX || o->servers > TG_IDS_SERVERS_MAX) {
		fprintf(stderr, "sa-tracegen: the ids profile has room for "
			"%u --hosts and %u --servers\n", TG_IDS_CLIENTS_MAX,
			TG_IDS_SERVERS_MAX);
		return -1;
	}
	if (ids == NULL || tg_ports_init(&ports, o->hosts + TG_IDS_OUT_CLIENTS,
					 o->seed) < 0) {
		fprintf(stderr, "sa-tracegen: out of memory\n");
		return -1;
	}
	for (i = 0; i < o->flows && rc == 0; i++) {
		t += tg_exponential(tg_rng_next(&p->rng), mean);
		rc = tg_ids_draw_benign(p, &ports, (uint64_t)t);
	}
	tg_ports_fini(&ports);
	return rc == 0 ? tg_ids_draw_attacks(p) : -1;
}

static void
tg_ids_stats(const struct tg_prof *p)
{
	const struct tg_ids *ids = p->priv;
	unsigned int k;

	for (k = 0; k < TG_IDS_KIND_COUNT; k++)
		printf("sessions_%s=%llu\n", tg_ids_kind_names[k],
		       (unsigned long long)ids->kinds[k]);
	printf("sessions_ipv6=%llu\nsessions_vlan=%llu\n",
	       (unsigned long long)ids->v6, (unsigned long long)ids->vlan);
	printf("ids_drop_flows=%llu\nids_inline_drops=%llu\n"
	       "ids_reordered=%llu\nids_retransmitted=%llu\n",
	       (unsigned long long)ids->ex.drop_flows,
	       (unsigned long long)ids->ex.inline_drops,
	       (unsigned long long)ids->ex.reordered,
	       (unsigned long long)ids->ex.retransmitted);
}

static void
tg_ids_fini(struct tg_prof *p)
{
	free(p->priv);
	p->priv = NULL;
}

const struct tg_prof_ops tg_prof_ids_ops = {
	.name = "ids",
	.init = tg_ids_init,
	.build = tg_ids_build,
	.stats = tg_ids_stats,
	.fini = tg_ids_fini,
};
