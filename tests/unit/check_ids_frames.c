/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ids suite: malformed frames, forwarded and counted in passive mode and
 * dropped with the parser's reason inline, and every truncation and
 * random corruption of a few live flows' frames (test case "malformed").
 */
#include "check_ids.h"

#define ETH_LEN		14
#define IP4_LEN		20

/* ---- malformed frames ------------------------------------------------- */

enum mut { M_TRUNC, M_SET8, M_SET16 };

struct malformed {
	const char *name;
	enum fkind kind;
	enum mut op;
	uint32_t off, val;	/* M_TRUNC: val is the new length */
	unsigned int reason;
};

#define IP4_LEN_OFF	(ETH_LEN + 2)
#define IP4_L4_OFF	(ETH_LEN + IP4_LEN)

static const struct malformed malformed[] = {
	{ "runt", F_UDP, M_TRUNC, 0, 10, SA_DROP_L2_TRUNC },
	{ "ipv4 cut", F_UDP, M_TRUNC, 0, ETH_LEN + 10, SA_DROP_IP4_TRUNC },
	{ "ipv4 version", F_UDP, M_SET8, ETH_LEN, 0x55, SA_DROP_IP4_BAD_VERSION },
	{ "ipv4 ihl", F_UDP, M_SET8, ETH_LEN, 0x44, SA_DROP_IP4_BAD_IHL },
	{ "ipv4 length short", F_UDP, M_SET16, IP4_LEN_OFF, 10, SA_DROP_IP4_BAD_LEN },
	{ "ipv4 length long", F_UDP, M_SET16, IP4_LEN_OFF, 1000, SA_DROP_IP4_TRUNC },
	{ "tcp cut", F_TCP, M_SET16, IP4_LEN_OFF, 30, SA_DROP_L4_TRUNC },
	{ "tcp doff", F_TCP, M_SET8, IP4_L4_OFF + 12, 0x40, SA_DROP_TCP_BAD_DOFF },
	{ "udp length", F_UDP, M_SET16, IP4_L4_OFF + 4, 4, SA_DROP_UDP_BAD_LEN },
	{ "icmp cut", F_ICMP, M_SET16, IP4_LEN_OFF, 24, SA_DROP_L4_TRUNC },
	{ "ipv6 cut", F_TCP6, M_TRUNC, 0, ETH_LEN + 30, SA_DROP_IP6_TRUNC },
};

static size_t
build_malformed(const struct malformed *m, uint8_t *buf)
{
	struct sr_frame f = FR(m->kind, H(1), R1, 1, 80, PSH, 1, "evil");
	size_t len = build(&f, buf);

	if (m->op == M_TRUNC) {
		len = m->val;
	} else if (m->op == M_SET8) {
		buf[m->off] = (uint8_t)m->val;
	} else {
		buf[m->off] = (uint8_t)(m->val >> 8);
		buf[m->off + 1] = (uint8_t)m->val;
	}
	return len;
}

/* Passive mode forwards malformed frames, counted; inline drops them. */
START_TEST(test_malformed)
{
	const struct malformed *m = &malformed[_i];
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	size_t len;

	ck_assert_int_eq(init_ids(EVIL, NULL), 0);
	len = build_malformed(m, buf);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
	ck_assert_uint_eq(out.n_alerts, 0);
	ck_assert_uint_eq(sa_shim_stat("malformed"), 1);
	ck_assert_int_eq(init_ids(EVIL, "mode = inline\n"), 0);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	ck_assert_msg(out.verdict == SA_SHIM_DROP && out.reason == m->reason,
		      "%s: verdict %d reason %s, expected %s", m->name,
		      out.verdict, sa_shim_reason_name(out.reason),
		      sa_shim_reason_name(m->reason));
	ck_assert_uint_eq(sa_shim_stat("flows_created"), 0);
	sa_shim_fini();
}
END_TEST

#define FUZZ_ROUNDS	2000
#define FUZZ_FLIPS	4

/* Every truncation and random corruption of frames of live flows:
 * exactly one verdict, the frame unchanged, no crash. */
START_TEST(test_truncated_and_corrupted)
{
	static const struct sr_frame seeds[] = {
		TCP(H(1), R1, 40000, 80, PSH, 1, "GET /evil HTTP/1.0"),
		TCP(R1, H(1), 80, 40000, SYNACK, 1, NULL),
		UDP(H(1), R1, 5000, 53, "query"),
		ICMP(H(1), R1, SA_ICMP_ECHO_REQUEST, "ping"),
		TCP6(40000, 80, PSH, 1, "evil"),
		FRAME(F_GRE, H(1), R1, "x"),
	};
	uint8_t base[FRAME_MAX], buf[FRAME_MAX];
	struct sa_shim_out out;
	uint32_t rng = 4242, i, k, len;
	size_t n;

	ck_assert_int_eq(init_ids(EVIL, "mode = inline\n"), 0);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		n = build(&seeds[i], base);
		for (len = 0; len <= n; len++) {
			sa_shim_process(base, len, ANY, S(1), &out);
			ck_assert_uint_eq(out.n_verdicts, 1);
		}
		for (k = 0; k < FUZZ_ROUNDS; k++) {
			len = sr_corrupt(buf, base, n, FUZZ_FLIPS, &rng);
			sa_shim_process(buf, len, ANY, S(1), &out);
			ck_assert_uint_eq(out.n_verdicts, 1);
			ck_assert_uint_le(out.len, len);
			ck_assert(out.verdict == SA_SHIM_DROP ||
				  memcmp(out.frame, buf, len) == 0);
		}
	}
	sa_shim_fini();
}
END_TEST

void
ids_add_frames(Suite *s)
{
	TCase *tc = sa_tcase(s, "malformed", 60);

	tcase_add_loop_test(tc, test_malformed, 0,
			    sizeof(malformed) / sizeof(malformed[0]));
	tcase_add_test(tc, test_truncated_and_corrupted);
}
