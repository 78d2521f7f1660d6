/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ids suite: bounded memory and work. State memory too small for the
 * tables, rule sets too large, more alerts than the event queue holds,
 * full tracker tables (test case "limits"); patterns built for the worst
 * automaton case and random streams through the shipped rules, the work
 * counted against the bytes inspected (test case "hostile").
 */
#include "check_ids.h"

/* ---- limits ----------------------------------------------------------- */

/* However little state memory there is, init fails cleanly or the IDS
 * works; the packet path never allocates. */
START_TEST(test_state_limit)
{
	static const size_t limits[] = {
		0, 64, 2000, 8192, 100000, 1000000, 4000000, 32000000, SIZE_MAX,
	};
	static const struct sr_frame f = TCP(H(1), R1, 1, 80, PSH, 1, "evil");
	char ini[INI_MAX];
	uint8_t buf[FRAME_MAX];
	struct sa_shim_out out;
	unsigned int i, ok = 0;
	size_t len = build(&f, buf);
	int rc;

	snprintf(ini, sizeof(ini), "[ids]\nrules = %s\nmax_flows = 20000\n",
		 write_rules(EVIL RULE80(1001, "two", "content:\"a\"; content:\"b\";")
			     "alert tcp any any -> any any (msg:\"h\"; flags:0; sid:1002;)\n"));
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		sa_shim_state_limit(limits[i]);
		rc = sa_shim_init(&ids_middlebox, ini);
		if (rc != 0) {
			ck_assert_int_eq(rc, -ENOMEM);
			ck_assert_ptr_nonnull(strstr(sa_shim_last_log(),
						     "out of state memory"));
			continue;
		}
		ok++;
		sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
		ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
		ck_assert_uint_eq(out.n_alerts, 1);
		sa_shim_fini();
	}
	unlink(rules_path);
	sa_shim_state_limit(SIZE_MAX);
	ck_assert_uint_ge(ok, 1);
	ck_assert_uint_lt(ok, sizeof(limits) / sizeof(limits[0]));
}
END_TEST

/* Writes @n lines made by @line(i, buf) into a rules file and loads it;
 * returns init's result with the log in the shim. */
static int
init_generated(unsigned int n, void (*line)(unsigned int, char *, size_t))
{
	const size_t cap = (size_t)n * 1024 + 1;
	char *text = malloc(cap);
	size_t used = 0;
	unsigned int i;
	int rc;

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < n; i++) {
		line(i, text + used, cap - used);
		used += strlen(text + used);
	}
	rc = init_ids(text, NULL);
	free(text);
	return rc;
}

static void
line_plain(unsigned int i, char *out, size_t size)
{
	snprintf(out, size, HDR "(msg:\"r\"; content:\"x\"; sid:%u;)\n", 1000 + i);
}

static void
line_header(unsigned int i, char *out, size_t size)
{
	snprintf(out, size, HDR "(msg:\"r\"; sid:%u;)\n", 1000 + i);
}

static void
line_eight(unsigned int i, char *out, size_t size)
{
	snprintf(out, size, HDR "(msg:\"r\"; content:\"c1\"; content:\"c2\"; "
		 "content:\"c3\"; content:\"c4\"; content:\"c5\"; "
		 "content:\"c6\"; content:\"c7\"; content:\"c8\"; sid:%u;)\n",
		 1000 + i);
}

#define LONG_CONTENT 255

static void
line_random(unsigned int i, char *out, size_t size)
{
	uint32_t rng = i * 2654435761u + 1;
	int n = snprintf(out, size, HDR "(msg:\"r\"; content:\"|");
	unsigned int k;

	for (k = 0; k < LONG_CONTENT; k++)
		n += snprintf(out + n, size - (size_t)n, "%02x",
			      sr_xorshift(&rng) & 0xff);
	snprintf(out + n, size - (size_t)n, "|\"; sid:%u;)\n", 1000 + i);
}

/* Rule sets too large for bounded memory or per-packet work fail at
 * start with a message saying which limit. */
START_TEST(test_rule_set_limits)
{
	char loc[PATH_MAX_ + 64];

	ck_assert_int_eq(init_generated(4096, line_plain), 0);
	ck_assert_uint_eq(sa_shim_stat("rules"), 4096);
	ck_assert_int_eq(init_generated(4097, line_plain), -EINVAL);
	snprintf(loc, sizeof(loc), "%s:4097: more than 4096 rules", rules_path);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), loc));

	ck_assert_int_eq(init_generated(256, line_header), 0);
	ck_assert_int_eq(init_generated(257, line_header), -EINVAL);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "257 rules without "
				     "content; at most 256"));

	ck_assert_int_eq(init_generated(1800, line_eight), 0);
	ck_assert_int_eq(init_generated(2000, line_eight), -EINVAL);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "bytes of state per "
				     "flow (at most 4096)"));

	ck_assert_int_eq(init_generated(2000, line_random), -EINVAL);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "automata would need "
				     "more than 32 MiB"));
	sa_shim_fini();
}
END_TEST

static void
send_tcp(uint32_t src, uint16_t sport, uint32_t seq, const uint8_t *pl,
	 uint32_t plen, struct sa_shim_out *out)
{
	struct sr_frame f = TCP(src, R1, sport, 80, PSH, seq, NULL);
	uint8_t buf[FRAME_MAX];
	size_t len = build_bin(&f, pl, plen, buf);

	sa_shim_process(buf, (uint32_t)len, ANY, S(1), out);
}

/* More rules fire on one packet than the event queue holds: the first
 * IDS_EVENTS_MAX alert, the rest are counted, and a drop among them
 * still drops. */
START_TEST(test_event_overflow)
{
	char text[INI_MAX];
	struct sa_shim_out out;
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < 19; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      HDR "(msg:\"r%u\"; sid:%u;)\n", i, 1000 + i);
	snprintf(text + n, sizeof(text) - n,
		 "drop tcp any any -> any any (msg:\"last\"; sid:2000;)\n");
	ck_assert_int_eq(init_ids(text, "mode = inline\n"), 0);
	send_tcp(H(1), 1, 1, (const uint8_t *)"x", 1, &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_DROP);
	ck_assert_str_eq(sa_shim_reason_name(out.reason), "rule-drop");
	ck_assert_uint_eq(out.n_alerts, 16);
	ck_assert_uint_eq(sa_shim_stat("event_queue_overflow"), 4);
	ck_assert_uint_eq(sa_shim_stat("sid_2000"), 1);
	sa_shim_fini();
}
END_TEST

START_TEST(test_tracker_tables_full)
{
	static const struct sr_step steps[] = {
		PKT(S(1), TCP(R1, H(1), 9, 1, SYN, 1, NULL)),
		PKT(S(1), TCP(R2, H(1), 9, 2, SYN, 1, NULL)),
		PKT(S(1), TCP(R2, H(2), 9, 3, SYN, 1, NULL)),
	};
	unsigned int i;

	ck_assert_int_eq(init_ids(EVIL, "portscan_sources = 1\n"
				  "synflood_targets = 1\n"), 0);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		sr_run_packet(&ids_steps, "tracker", &steps[i]);
	ck_assert_uint_eq(sa_shim_stat("scan_table_full"), 2);
	ck_assert_uint_eq(sa_shim_stat("flood_table_full"), 1);
	ck_assert_uint_eq(sa_shim_stat("scan_sources"), 1);
	ck_assert_uint_eq(sa_shim_stat("flood_targets"), 1);
	sa_shim_fini();
}
END_TEST

/* ---- hostile input ---------------------------------------------------- */

#define HOSTILE_PATTERNS	64u
#define HOSTILE_PKT		1400u
#define HOSTILE_PKTS		10u
#define HOSTILE_DATAGRAMS	20u
#define DEPTH_DEFAULT		4096u
#define N_AUTOMATA		2u

/*
 * "a", "aa", ... 64 a's against a stream of a's: every position ends up
 * to 64 patterns, the worst an automaton of these patterns can do. The
 * work is counted, not timed: one transition per inspected byte and
 * automaton, inspection stops at stream_depth whatever is sent, and the
 * pattern hits are exactly the occurrences.
 */
START_TEST(test_hostile_bound)
{
	static uint8_t pl[HOSTILE_PKT];
	static char text[HOSTILE_PATTERNS * 160];
	uint64_t hits = 0, inspected, trans;
	struct sa_shim_out out;
	size_t n = 0;
	unsigned int i, k;

	for (i = 1; i <= HOSTILE_PATTERNS; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "alert tcp any any -> any 80 (msg:\"a%u\"; "
				      "content:\"", i);
		for (k = 0; k < i; k++)
			text[n++] = 'a';
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "\"; sid:%u;)\n", 1000 + i);
	}
	snprintf(text + n, sizeof(text) - n, "alert tcp any any -> any 80 "
		 "(msg:\"b\"; content:\"B\"; nocase; sid:2000;)\n");
	ck_assert_int_eq(init_ids(text, NULL), 0);
	memset(pl, 'a', sizeof(pl));
	for (i = 0; i < HOSTILE_PKTS; i++)
		send_tcp(H(1), 1, 1 + i * HOSTILE_PKT, pl, HOSTILE_PKT, &out);
	inspected = sa_shim_stat("bytes_inspected");
	ck_assert_uint_eq(inspected, DEPTH_DEFAULT);
	ck_assert_uint_eq(sa_shim_stat("ac_transitions"), N_AUTOMATA * inspected);
	for (i = 1; i <= DEPTH_DEFAULT; i++)
		hits += i < HOSTILE_PATTERNS ? i : HOSTILE_PATTERNS;
	ck_assert_uint_eq(sa_shim_stat("pattern_hits"), hits);
	ck_assert_uint_eq(sa_shim_stat("rule_evals"), HOSTILE_PATTERNS);
	ck_assert_uint_eq(sa_shim_stat("alerts"), 16);
	ck_assert_uint_eq(sa_shim_stat("event_queue_overflow"),
			  HOSTILE_PATTERNS - 16);

	/* Datagrams start over each time, each one bounded the same way. */
	trans = sa_shim_stat("ac_transitions");
	for (i = 0; i < HOSTILE_DATAGRAMS; i++) {
		struct sr_frame f = UDP(H(2), R1, 7, 80, NULL);
		uint8_t buf[FRAME_MAX];
		size_t len = build_bin(&f, pl, HOSTILE_PKT, buf);

		sa_shim_process(buf, (uint32_t)len, ANY, S(1), &out);
	}
	ck_assert_uint_eq(sa_shim_stat("ac_transitions") - trans,
			  N_AUTOMATA * HOSTILE_DATAGRAMS * HOSTILE_PKT);
	ck_assert_uint_le(sa_shim_stat("pattern_hits"),
			  HOSTILE_PATTERNS * sa_shim_stat("bytes_inspected"));
	ck_assert_uint_le(sa_shim_stat("rule_evals"),
			  sa_shim_stat("pattern_hits"));
	sa_shim_fini();
}
END_TEST

#define FUZZ_STREAMS	200u

/* Random binary streams, NUL bytes included, through the shipped rules:
 * no crash, one verdict each, work proportional to bytes inspected. */
START_TEST(test_fuzz_shipped_rules)
{
	char rules[PATH_MAX_ * 2], ini[INI_MAX];
	static uint8_t pl[HOSTILE_PKT];
	struct sa_shim_out out;
	uint32_t rng = 99, i, j, k, len, seq;

	source_path("configs/ids/rules", rules, sizeof(rules));
	snprintf(ini, sizeof(ini), "[ids]\nrules = %s\ninside = 10.0.0.0/8\n",
		 rules);
	ck_assert_int_eq(sa_shim_init(&ids_middlebox, ini), 0);
	for (i = 0; i < FUZZ_STREAMS; i++) {
		seq = sr_xorshift(&rng);
		for (k = 0; k < 4; k++) {
			len = sr_xorshift(&rng) % HOSTILE_PKT;
			/* random bytes, a seventh of them pattern-ish */
			for (j = 0; j < len; j++)
				pl[j] = sr_xorshift(&rng) % 7 == 0 ?
					(uint8_t)"ab/.<%|"[j % 7] :
					(uint8_t)sr_xorshift(&rng);
			send_tcp(HX(i), (uint16_t)(1 + i), seq, pl, len, &out);
			ck_assert_uint_eq(out.n_verdicts, 1);
			seq += len;
		}
	}
	ck_assert_uint_eq(sa_shim_stat("ac_transitions"),
			  N_AUTOMATA * sa_shim_stat("bytes_inspected"));
	sa_shim_fini();
}
END_TEST

void
ids_add_limits(Suite *s)
{
	TCase *tc = sa_tcase(s, "limits", 120);

	tcase_add_test(tc, test_state_limit);
	tcase_add_test(tc, test_rule_set_limits);
	tcase_add_test(tc, test_event_overflow);
	tcase_add_test(tc, test_tracker_tables_full);

	tc = sa_tcase(s, "hostile", 120);
	tcase_add_test(tc, test_hostile_bound);
	tcase_add_test(tc, test_fuzz_shipped_rules);
}
