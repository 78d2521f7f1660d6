/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * monitor suite: what the monitor must survive (test case "malformed"):
 * malformed and well-formed TCP options in SYNs, frames the parser
 * rejects (forwarded unchanged, counted), and every truncation and random
 * corruption of frames it looks into.
 */
#include "check_monitor.h"

/* ---- TCP options -------------------------------------------------------- */

struct opt_case {
	const char *opts;
	bool malformed;
	const char *label;	/* NULL: none (or malformed) */
};

#define NOPS40	"x:" NOPS10 NOPS10 NOPS10 NOPS10
#define Z19	"00000000000000000000000000000000000000"
#define Z38	Z19 Z19

static const struct opt_case opt_cases[] = {
	{ "x:02000000", true, NULL },		/* length 0 */
	{ "x:03010000", true, NULL },		/* length 1 */
	{ "x:020a0000", true, NULL },		/* past the header */
	{ "x:fe000000", true, NULL },		/* unknown kind, length 0 */
	{ "x:fe010000", true, NULL },		/* unknown kind, length 1 */
	{ "x:01010102", true, NULL },		/* kind without length */
	{ "x:02030500", true, NULL },		/* MSS of length 3 */
	{ "x:03040700", true, NULL },		/* window scale of length 4 */
	{ "x:04030000", true, NULL },		/* SACK-permitted, length 3 */
	{ "x:0808000000000000", true, NULL },	/* timestamps, length 8 */
	{ "x:fe29" Z38, true, NULL },		/* 41 of 40 bytes */
	{ "x:22020000", false, "TFO stack" },
	{ NOPS40, false, "NOP stack" },
	{ "x:00000000", false, NULL },
	{ "x:0506000000000000", false, NULL },	/* SACK blocks in a SYN */
	{ "x:fe28" Z38, false, NULL },		/* 40 of 40 bytes */
};

START_TEST(test_tcp_options)
{
	const struct opt_case *c = &opt_cases[_i];
	struct sr_frame f = SYNF(H(1), R(1), 40000, 80, 64, 4128, c->opts);
	struct sa_shim_out out;

	ck_assert_int_eq(init_ini(INI), 0);
	send_pkt(c->opts, &f, S(1), &out);
	sr_expect_stat(c->opts, "tcp_options_malformed", c->malformed ? 1 : 0);
	sr_expect_stat(c->opts, "malformed_packets", 0);
	if (c->label != NULL)
		sr_expect_alerts(c->opts, &out, 2, EV_OS, c->label);
	else
		sr_expect_alerts(c->opts, &out, 1, EV_HOST, NULL);
	sa_shim_fini();
}
END_TEST

/* ---- malformed frames: forwarded unchanged, counted --------------------- */

enum mut { M_TRUNC, M_SET8, M_SET16 };

struct malformed {
	enum fkind kind;
	enum mut op;
	uint32_t off, val;	/* M_TRUNC: val is the new length */
	const char *counter;
};

#define IP4_LEN_OFF	(ETH_LEN + 2)
#define IP4_L4_OFF	(ETH_LEN + IP4_LEN)
#define IP6_PLEN_OFF	(ETH_LEN + 4)
#define IP6_NH_OFF	(ETH_LEN + 6)

static const struct malformed malformed[] = {
	{ F_UDP, M_TRUNC, 0, 10, "malformed_l2-truncated" },
	{ F_UDP, M_TRUNC, 0, ETH_LEN + 10, "malformed_ipv4-truncated" },
	{ F_UDP, M_SET8, ETH_LEN, 0x55, "malformed_ipv4-bad-version" },
	{ F_UDP, M_SET8, ETH_LEN, 0x44, "malformed_ipv4-bad-ihl" },
	{ F_UDP, M_SET16, IP4_LEN_OFF, 10, "malformed_ipv4-bad-total-length" },
	{ F_TCP, M_SET16, IP4_LEN_OFF, 30, "malformed_l4-truncated" },
	{ F_TCP, M_SET8, IP4_L4_OFF + 12, 0x40, "malformed_tcp-bad-data-offset" },
	{ F_TCP, M_SET8, IP4_L4_OFF + 12, 0xf0, "malformed_l4-truncated" },
	{ F_UDP, M_SET16, IP4_L4_OFF + 4, 4, "malformed_udp-bad-length" },
	{ F_UDP6, M_TRUNC, 0, ETH_LEN + 30, "malformed_ipv6-truncated" },
	{ F_UDP6, M_SET8, ETH_LEN, 0x40, "malformed_ipv6-bad-version" },
	{ F_UDP6, M_SET16, IP6_PLEN_OFF, 0, "malformed_ipv6-bad-payload-length" },
	{ F_UDP6, M_SET8, IP6_NH_OFF, SA_IPPROTO_HOPOPTS,
	  "malformed_ipv6-ext-truncated" },
};

START_TEST(test_malformed)
{
	const struct malformed *m = &malformed[_i];
	struct sr_frame f = SYNF(H(1), R(1), 40000, 80, 64, 64240, LINUX_OPTS);
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	size_t len;

	f.kind = m->kind;
	ck_assert_int_eq(init_ini(INI), 0);
	len = build(&f, buf);
	if (m->op == M_TRUNC)
		len = m->val;
	else if (m->op == M_SET8)
		buf[m->off] = (uint8_t)m->val;
	else
		sr_put16(buf + m->off, m->val);
	send_frame(m->counter, buf, len, SA_ARM_ANY, S(1), &out);
	sr_expect_alerts(m->counter, &out, 0, 0, NULL);
	sr_expect_stat(m->counter, m->counter, 1);
	sr_expect_stat(m->counter, "malformed_packets", 1);
	sr_expect_stat(m->counter, "hosts_active", 0);
	sa_shim_fini();
}
END_TEST

#define FUZZ_ROUNDS	3000
#define FUZZ_FLIPS	4
#define OPT_AREA	(ETH_LEN + IP4_LEN + TCP_LEN)

/* Every truncation and random corruption of frames the monitor looks
 * into, with banners pending: always forwarded unchanged, no crash; and
 * SYNs whose 40 option bytes are random walk safely. */
START_TEST(test_fuzz)
{
	static const struct sr_frame seeds[] = {
		SYNF(H(1), R(1), 40000, 80, 64, 64240, LINUX_OPTS),
		SYNACKF(H(2), R(1), 22, 40000),
		DATA(H(2), R(1), 22, 40000, SSH89),
		DATA(H(2), R(1), 22, 40000, "HTTP/1.1 200 OK\r\nServer: x\r\n"),
		UDPF(H(3), R(1), 53, 40000, DNS_REPLY, DNS_LEN),
		V6SYN(H(1), R(1)),
		V6SYNACK(H(4), R(1)),
		V6DATA(H(4), R(1), SSH89),
	};
	const struct sr_frame nops = SYNF(H(5), R(1), 1, 2, 64, 64240, NOPS40);
	uint8_t base[FRAME_MAX], buf[FRAME_MAX];
	struct sa_shim_out out;
	uint32_t rng = 12345, i, k, len;
	size_t n;

	ck_assert_int_eq(init_ini(INI), 0);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		n = build(&seeds[i], base);
		for (len = 0; len <= n; len++)
			send_frame("truncated", base, len, SA_ARM_ANY, S(1), &out);
		for (k = 0; k < FUZZ_ROUNDS; k++) {
			len = sr_corrupt(buf, base, n, FUZZ_FLIPS, &rng);
			send_frame("corrupted", buf, len, SA_ARM_ANY, S(1), &out);
		}
	}
	n = build(&nops, base);
	for (k = 0; k < FUZZ_ROUNDS; k++) {
		for (i = 0; i < OPTS_MAX; i++)
			base[OPT_AREA + i] = (uint8_t)sr_xorshift(&rng);
		send_frame("options", base, n, SA_ARM_ANY, S(1), &out);
	}
	ck_assert_uint_gt(sa_shim_stat("tcp_options_malformed"), 0);
	sa_shim_fini();
}
END_TEST

void
mon_add_frames(Suite *s)
{
	TCase *tc = sa_tcase(s, "malformed", 60);

	tcase_add_checked_fixture(tc, files_setup, files_teardown);
	tcase_add_loop_test(tc, test_tcp_options, 0,
			    sizeof(opt_cases) / sizeof(opt_cases[0]));
	tcase_add_loop_test(tc, test_malformed, 0,
			    sizeof(malformed) / sizeof(malformed[0]));
	tcase_add_test(tc, test_fuzz);
}
