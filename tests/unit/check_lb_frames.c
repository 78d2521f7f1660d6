/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lb suite: incremental checksums against full ones, for random tuples
 * and at the edges; malformed, truncated and corrupted frames (test cases
 * "checksum" and "malformed").
 */
#include "check_lb.h"

/* ---- checksums: random tuples, and the values at the edges ---- */

#define IP4_CK_OFF	(ETH_LEN + 10)
#define TCP_CK_OFF	(ETH_LEN + 20 + 16)
#define UDP_CK_OFF	(ETH_LEN + 20 + 6)
#define UDP6_CK_OFF	(ETH_LEN + 40 + 6)
#define CK_ROUNDS	200
#define CK_PKTS		20
#define CK_PAYLOAD_MAX	41

static void
random_addr(struct pb_spec *s, bool src, uint32_t *rng)
{
	uint8_t *a6 = src ? s->src6 : s->dst6;
	unsigned int i;

	if (s->family == 4) {
		*(src ? &s->src4 : &s->dst4) = sr_xorshift(rng) | 1;
		return;
	}
	for (i = 0; i < 16; i++)
		a6[i] = (uint8_t)sr_xorshift(rng);
	a6[15] |= 1;
}

static void
endpoint_text(const struct pb_spec *s, bool src, uint16_t port, char *buf,
	      size_t n)
{
	char a[INET6_ADDRSTRLEN];
	uint32_t v4 = htonl(src ? s->src4 : s->dst4);

	if (s->family == 4) {
		inet_ntop(AF_INET, &v4, a, sizeof(a));
		snprintf(buf, n, "%s:%u", a, port);
	} else {
		inet_ntop(AF_INET6, src ? s->src6 : s->dst6, a, sizeof(a));
		snprintf(buf, n, "[%s]:%u", a, port);
	}
}

/* Processes @p in and compares the result with @p exp, both built by
 * pktbuild; @p zero_udp clears both UDP checksums first. */
static void
check_pair(const char *what, struct pb_spec *in, struct pb_spec *exp,
	   uint8_t arm, bool zero_udp)
{
	uint8_t ibuf[FRAME_MAX], ebuf[FRAME_MAX];
	size_t ilen = pb_build(ibuf, sizeof(ibuf), in);
	size_t elen = pb_build(ebuf, sizeof(ebuf), exp);
	size_t ck_off = (in->family == 4 ? UDP_CK_OFF : UDP6_CK_OFF);
	struct sa_shim_out out;

	ck_assert_uint_gt(ilen, 0);
	if (zero_udp) {
		memset(ibuf + ck_off, 0, 2);
		memset(ebuf + ck_off, 0, 2);
	}
	sa_shim_process(ibuf, (uint32_t)ilen, arm, S(1), &out);
	ck_assert_msg(out.verdict == SA_SHIM_EMIT, "%s: not emitted (%s)", what,
		      sa_shim_reason_name(out.reason));
	sr_expect_frame(what, &out, ebuf, elen);
}

/* One random service, backend and client; a client packet and a reply. */
static void
cksum_round(uint32_t r, uint32_t *rng)
{
	uint8_t proto = (r / 2) % 2 ? SA_IPPROTO_TCP : SA_IPPROTO_UDP;
	uint8_t payload[CK_PAYLOAD_MAX];
	char vip[64], be[64], what[64];
	struct pb_spec svc, c, e;
	uint16_t vport = (uint16_t)(sr_xorshift(rng) | 1);
	uint16_t bport = (uint16_t)(sr_xorshift(rng) | 1);
	uint32_t i, k;

	memset(&svc, 0, sizeof(svc));
	svc.family = r % 2 ? 6 : 4;
	random_addr(&svc, true, rng);		/* the backend */
	random_addr(&svc, false, rng);		/* the VIP */
	endpoint_text(&svc, false, vport, vip, sizeof(vip));
	endpoint_text(&svc, true, bport, be, sizeof(be));
	snprintf(lb_ini_buf, sizeof(lb_ini_buf), "[lb]\nservice = %s/%s\n"
		 "backend = %s/%s %s\nmaglev_size = 2\n", vip,
		 proto == SA_IPPROTO_TCP ? "tcp" : "udp", vip,
		 proto == SA_IPPROTO_TCP ? "tcp" : "udp", be);
	ck_assert_msg(sa_shim_init(&lb_middlebox, lb_ini_buf) == 0, "%s: %s",
		      lb_ini_buf, sa_shim_last_log());
	for (i = 0; i < CK_PKTS; i++) {
		snprintf(what, sizeof(what), "round %u packet %u", r, i);
		for (k = 0; k < sizeof(payload); k++)
			payload[k] = (uint8_t)sr_xorshift(rng);
		if (svc.family == 4)
			pb_spec_init4(&c, proto, 0, svc.dst4, 0, vport);
		else
			pb_spec_init6(&c, proto, svc.src6, svc.dst6, 0, vport);
		random_addr(&c, true, rng);
		c.sport = (uint16_t)(sr_xorshift(rng) | 1);
		c.seq = sr_xorshift(rng);
		c.ack = sr_xorshift(rng);
		c.tcp_flags = ACK;
		c.ttl = (uint8_t)(sr_xorshift(rng) | 1);
		c.payload = payload;
		c.payload_len = sr_xorshift(rng) % CK_PAYLOAD_MAX;
		e = c;
		e.dst4 = svc.src4;
		memcpy(e.dst6, svc.src6, 16);
		e.dport = bport;
		check_pair(what, &c, &e, OUT, proto == SA_IPPROTO_UDP && i % 4 == 0);
		/* the reply: the backend answers the client */
		c = e;
		c.src4 = e.dst4;
		c.dst4 = e.src4;
		memcpy(c.src6, e.dst6, 16);
		memcpy(c.dst6, e.src6, 16);
		c.sport = bport;
		c.dport = e.sport;
		e = c;
		e.src4 = svc.dst4;
		memcpy(e.src6, svc.dst6, 16);
		e.sport = vport;
		check_pair(what, &c, &e, IN, proto == SA_IPPROTO_UDP && i % 4 == 1);
	}
	sa_shim_fini();
}

START_TEST(test_cksum_random)
{
	uint32_t rng = 4242, r;

	for (r = 0; r < CK_ROUNDS; r++)
		cksum_round(r, &rng);
}
END_TEST

#define CK_ZERO		0x0000
#define CK_UDP_ZERO	0xffff	/* a computed zero as sent (RFC 768) */
#define CLIENTS		65536

/* A checksum at @p off of the input (or of the expected output) frame
 * that must be @p value; the client address is searched for one. */
struct ck_edge {
	const char *name;
	bool reply;
	bool udp;
	bool on_input;
	uint32_t off;
	uint16_t value;
};

static const struct ck_edge ck_edges[] = {
	{ "dnat ip out 0", false, false, false, IP4_CK_OFF, CK_ZERO },
	{ "dnat ip in 0", false, false, true, IP4_CK_OFF, CK_ZERO },
	{ "dnat tcp out 0", false, false, false, TCP_CK_OFF, CK_ZERO },
	{ "dnat tcp in 0", false, false, true, TCP_CK_OFF, CK_ZERO },
	{ "dnat udp out 0", false, true, false, UDP_CK_OFF, CK_UDP_ZERO },
	{ "dnat udp in 0", false, true, true, UDP_CK_OFF, CK_UDP_ZERO },
	{ "snat ip out 0", true, false, false, IP4_CK_OFF, CK_ZERO },
	{ "snat tcp out 0", true, false, false, TCP_CK_OFF, CK_ZERO },
	{ "snat udp out 0", true, true, false, UDP_CK_OFF, CK_UDP_ZERO },
	{ "snat udp in 0", true, true, true, UDP_CK_OFF, CK_UDP_ZERO },
};

static void
edge_frames(const struct ck_edge *e, uint32_t client, struct sr_frame *in,
	    struct sr_frame *out)
{
	if (e->udp) {
		*in = (struct sr_frame)UDP(client, VIP, 5000, 53);
		*out = (struct sr_frame)UDP(client, B(2), 5000, 53);
	} else {
		*in = (struct sr_frame)TCP(client, VIP, 40000, 80, ACK);
		*out = (struct sr_frame)TCP(client, B(1), 40000, 8080, ACK);
	}
	if (e->reply) {
		struct sr_frame t = *in;

		*in = (struct sr_frame)FR(t.kind, out->dst, client, out->dport,
					  t.sport, t.flags);
		*out = (struct sr_frame)FR(t.kind, VIP, client, t.dport,
					   t.sport, t.flags);
	}
}

/* The client packet that opens the connection a reply edge needs. */
static void
edge_open(bool udp, uint32_t client)
{
	const struct ck_edge open = { .udp = udp };
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	struct sr_frame fi, fo;
	size_t len;

	edge_frames(&open, client, &fi, &fo);
	len = lb_build(&fi, buf);
	sa_shim_process(buf, (uint32_t)len, OUT, S(1), &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
}

START_TEST(test_cksum_edges)
{
	const struct ck_edge *e = &ck_edges[_i];
	uint8_t in[FRAME_MAX], exp[FRAME_MAX];
	struct sa_shim_out out;
	size_t len = 0, elen = 0;
	struct sr_frame fi, fo;
	uint32_t i, client = 0;
	const uint8_t *ck;

	for (i = 0; i < CLIENTS; i++) {
		client = CX(i);
		edge_frames(e, client, &fi, &fo);
		len = lb_build(&fi, in);
		elen = lb_build(&fo, exp);
		ck = (e->on_input ? in : exp) + e->off;
		if ((uint16_t)(ck[0] << 8 | ck[1]) == e->value)
			break;
	}
	ck_assert_msg(i < CLIENTS, "%s: no client address gives it", e->name);
	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_BASE), 0);
	if (e->reply)
		edge_open(e->udp, client);
	sa_shim_process(in, (uint32_t)len, e->reply ? IN : OUT, S(1), &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
	sr_expect_frame(e->name, &out, exp, elen);
	sa_shim_fini();
}
END_TEST

/* ---- malformed frames (the shared cases of step_runner) ---- */

START_TEST(test_malformed)
{
	static const enum fkind kinds[] = {
		[SR_BASE_UDP4] = F_UDP, [SR_BASE_TCP4] = F_TCP,
		[SR_BASE_TCP4_VLAN] = F_TCP_VLAN, [SR_BASE_UDP6] = F_UDP6,
		[SR_BASE_ECHO4] = F_ECHO,
	};
	const struct sr_malformed *m = &sr_malformed[_i];
	struct sr_frame f = FR(kinds[m->base], C(1), VIP, 5000, 53, SYN);
	uint8_t buf[FRAME_MAX];

	if (m->base == SR_BASE_UDP6)
		f = (struct sr_frame)UDP6(A6_CLIENT, A6_VIP, 5000, 53);
	if (m->base == SR_BASE_TCP4 || m->base == SR_BASE_TCP4_VLAN)
		f.dport = 80;
	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_BASE), 0);
	sr_expect_malformed(m, buf, lb_build(&f, buf), S(1));
	ck_assert_uint_eq(sa_shim_stat("conns_created"), 0);
	sa_shim_fini();
}
END_TEST

#define FUZZ_ROUNDS	3000
#define FUZZ_FLIPS	4

/* Every truncation and random corruption of frames that hit live
 * connections: exactly one verdict, the frame never grows, no crash. */
START_TEST(test_truncated_and_corrupted)
{
	static const struct sr_step seeds[] = {
		PKT(S(1), OUT, TCP(C(1), VIP, 40000, 80, SYN), EMIT(IN)),
		PKT(S(1), IN, TCP(B(1), C(1), 8080, 40000, SYNACK), EMIT(OUT)),
		PKT(S(1), OUT, UDP(C(1), VIP, 5000, 53), EMIT(IN)),
		PKT(S(1), IN, UDP(B(2), C(1), 53, 5000), EMIT(OUT)),
		PKT(S(1), ANY, TCPV(C(2), VIP, 40000, 80, SYN), EMIT(IN)),
		PKT(S(1), OUT, TCP6(A6_CLIENT, A6_VIP, 40000, 443, SYN), EMIT(IN)),
		PKT(S(1), ANY, UDP6(A6_BACKEND, A6_CLIENT, 53, 5000), EMIT(OUT)),
	};
	uint8_t base[FRAME_MAX], buf[FRAME_MAX];
	struct sa_shim_out out;
	uint32_t rng = 12345, i, k, len;
	size_t n;

	ck_assert_int_eq(sa_shim_init(&lb_middlebox, INI_BASE), 0);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		n = lb_build(&seeds[i].f, base);
		for (len = 0; len <= n; len++) {
			sa_shim_process(base, len, seeds[i].arm, S(1), &out);
			ck_assert_uint_eq(out.n_verdicts, 1);
			ck_assert_uint_le(out.len, len);
		}
		for (k = 0; k < FUZZ_ROUNDS; k++) {
			len = sr_corrupt(buf, base, n, FUZZ_FLIPS, &rng);
			sa_shim_process(buf, len, seeds[i].arm, S(1), &out);
			ck_assert_uint_eq(out.n_verdicts, 1);
			ck_assert_uint_le(out.len, len);
		}
	}
	sa_shim_fini();
}
END_TEST

void
lb_add_frames(Suite *s)
{
	TCase *tc = sa_tcase(s, "checksum", 60);

	tcase_add_test(tc, test_cksum_random);
	tcase_add_loop_test(tc, test_cksum_edges, 0,
			    sizeof(ck_edges) / sizeof(ck_edges[0]));
	tc = sa_tcase(s, "malformed", 60);
	tcase_add_loop_test(tc, test_malformed, 0, sr_n_malformed);
	tcase_add_test(tc, test_truncated_and_corrupted);
}
