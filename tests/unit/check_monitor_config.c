/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * monitor suite: configurations and signature files refused with
 * FILE:LINE and the reason, or accepted, and the limits on signature
 * files (test case "config"); state memory and expiry work per tick
 * (test case "limits").
 */
#include "check_monitor.h"

/* ---- configuration ------------------------------------------------------- */

struct bad_config {
	const char *ini;
	const char *text;	/* must appear in the message */
	unsigned int line;	/* FILE:LINE of the message */
};

static const struct bad_config bad_configs[] = {
	{ "[monitor]\ntrack = all\nfoo = 1\n", "foo", 3 },
	{ "[monitor]\ntrack = all\ntrack = all\n", "more than once", 3 },
	{ "[monitor]\ntrack = some\n", "track", 2 },
	{ "[monitor]\nmax_hosts = 10\n", "needs inside", 1 },
	{ "[monitor]\ntrack = inside\n", "needs inside", 2 },
	{ "[monitor]\ninside = 10.0.0.0/33\n", "inside", 2 },
	{ "[monitor]\ninside = 10.0.0.1/8\n", "inside", 2 },
	{ "[monitor]\ntrack = all\nmax_hosts = 0\n", "max_hosts", 3 },
	{ "[monitor]\ntrack = all\nmax_services = 99999999999\n",
	  "max_services", 3 },
	{ "[monitor]\ntrack = all\nmax_flows = x\n", "max_flows", 3 },
	{ "[monitor]\ntrack = all\nhost_timeout = 0\n", "host_timeout", 3 },
	{ "[monitor]\ntrack = all\nflow_timeout = 1 year\n", "flow_timeout", 3 },
	{ "[monitor]\ntrack = all\nservice_timeout = 2h\n", "outlive", 3 },
	{ "[monitor]\ntrack = all\nhost_timeout = 10s\n", "outlive", 3 },
	{ "[monitor]\ntrack = all\nos_signatures = /nonexistent/os.sigs\n",
	  "cannot read '/nonexistent/os.sigs'", 3 },
	{ "[monitor]\ntrack = all\nservice_signatures =\n", "empty path", 3 },
	{ "[monitor]\ntrack = all\nos_signatures = /tmp\n",
	  "Is a directory", 3 },
};

START_TEST(test_bad_config)
{
	const struct bad_config *b = &bad_configs[_i];

	ck_assert_int_eq(init_ini(b->ini), -EINVAL);
	sr_expect_config_error(_i, "monitor", b->line, b->text);
	sa_shim_fini();
}
END_TEST

static const char *const good_configs[] = {
	"[monitor]\ntrack = all\n",
	"[monitor]\ninside = 10.0.0.0/8 fd00::/8\ntrack = inside\n"
	"max_hosts = 1\nmax_services = 1\nmax_flows = 1\n"
	"host_timeout = 168h\nservice_timeout = 168h\nflow_timeout = 1s\n",
	"[other]\nx = 1\n[monitor]\ninside = 192.168.0.0/16\n" INI_SIGS,
};

START_TEST(test_good_config)
{
	ck_assert_msg(init_ini(good_configs[_i]) == 0, "config %u: %s", _i,
		      sa_shim_last_log());
	sa_shim_fini();
}
END_TEST

/* ---- signature files -------------------------------------------------- */

enum sig_kind { SIG_OS, SIG_SVC };

struct bad_sig {
	enum sig_kind kind;
	const char *text;
	unsigned int line;
	const char *msg;	/* must appear in the message */
};

#define LONG_LABEL "0123456789012345678901234567890123456789012345678901234567890123"

static const struct bad_sig bad_sigs[] = {
	{ SIG_OS, "syn:64:1:2:3 = x\n", 1, "5 fields, expected 6" },
	{ SIG_OS, "# c\n\nsyn:63:*:*:*:* = x\n", 3, "ttl field '63'" },
	{ SIG_OS, "sin:64:*:*:*:* = x\n", 1, "role field 'sin'" },
	{ SIG_OS, "syn:64:abc:*:*:* = x\n", 1, "window field 'abc'" },
	{ SIG_OS, "syn:64:mss*0:*:*:* = x\n", 1, "mss*" },
	{ SIG_OS, "syn:64:70000:*:*:* = x\n", 1, "window field" },
	{ SIG_OS, "syn:64:*:70000:*:* = x\n", 1, "mss field '70000'" },
	{ SIG_OS, "syn:64:*:*:15:* = x\n", 1, "window scale field '15'" },
	{ SIG_OS, "syn:64:*:*:*:M,X = x\n", 1, "options field" },
	{ SIG_OS, "syn:64:*:*:*:M,,N = x\n", 1, "empty one" },
	{ SIG_OS, "syn:64:*:*:*: = x\n", 1, "options field" },
	{ SIG_OS, "syn:64:*:*:*:?2 = x\n", 1, "use its letter" },
	{ SIG_OS, "syn:64:*:*:*:?300 = x\n", 1, "K not 0-255" },
	{ SIG_OS, "syn:64:*:*:*:E,M = x\n", 1, "after E" },
	{ SIG_OS, "syn:64:*:*:*:" NOPS10 " = x\n", 1, "options field" },
	{ SIG_OS, "syn:64:*:1460:*:N = x\n", 1, "disagree on M" },
	{ SIG_OS, "syn:64:*:-:*:M = x\n", 1, "disagree on M" },
	{ SIG_OS, "syn:64:*:*:7:N = x\n", 1, "disagree on W" },
	{ SIG_OS, "syn:64:mss*10:-:*:* = x\n", 1, "needs an MSS option" },
	{ SIG_OS, "syn:64:mss*10:*:*:N = x\n", 1, "needs M" },
	{ SIG_OS, "syn:64:*:*:*:*\n", 1, "expected 'FIELDS = LABEL'" },
	{ SIG_OS, "syn:64:*:*:*:* = " LONG_LABEL "\n", 1, "longer than 63" },
	{ SIG_OS, "syn:64:*:*:*:* = a \"b\"\n", 1, "label holds" },
	{ SIG_OS, "syn:64:*:*:*:* = a\tb\n", 1, "label holds" },
	{ SIG_OS, "syn:64:*:*:*:* = a\nsyn:64:*:*:*:* = b\n", 2,
	  "same fingerprint as line 1" },
	{ SIG_OS, "# nothing\n", 1, "no signatures" },
	{ SIG_OS, "", 0, "no signatures" },
	{ SIG_SVC, "xyz:22:abc = x\n", 1, "protocol 'xyz'" },
	{ SIG_SVC, "tcp:0:abc = x\n", 1, "port '0'" },
	{ SIG_SVC, "tcp:65536:abc = x\n", 1, "port '65536'" },
	{ SIG_SVC, "tcp:22 = x\n", 1, "expected 'PROTO:PORT:PATTERN = LABEL'" },
	{ SIG_SVC, "tcp:*:a\\qb = x\n", 1, "at offset 2: unknown escape" },
	{ SIG_SVC, "tcp:*:abc\\ = x\n", 1, "at the end" },
	{ SIG_SVC, "tcp:*:a(b = x\n", 1, "unclosed '('" },
	{ SIG_SVC, "tcp:*:(a(b)) = x\n", 1, "groups do not nest" },
	{ SIG_SVC, "tcp:*:(a)(b)(c)(d)(e) = x\n", 1, "more than 4 groups" },
	{ SIG_SVC, "tcp:*:a) = x\n", 1, "unbalanced ')'" },
	{ SIG_SVC, "tcp:*:a$ = x\n", 1, "not supported" },
	{ SIG_SVC, "tcp:*:a|b = x\n", 1, "not supported" },
	{ SIG_SVC, "tcp:*:a{2} = x\n", 1, "not supported" },
	{ SIG_SVC, "tcp:*:.*? = x\n", 1, "must be followed by a literal" },
	{ SIG_SVC, "tcp:*:.*?\\d = x\n", 1, "must be followed by a literal" },
	{ SIG_SVC, "tcp:*:.*?(a) = x\n", 1, "must be followed by a literal" },
	{ SIG_SVC, "tcp:*:a(?i) = x\n", 1, "(?i) at the start" },
	{ SIG_SVC, "tcp:*:(a)* = x\n", 1, "nothing to repeat" },
	{ SIG_SVC, "tcp:*:a** = x\n", 1, "nothing to repeat" },
	{ SIG_SVC, "tcp:*:a+? = x\n", 1, "only .*? is lazy" },
	{ SIG_SVC, "tcp:*:*a = x\n", 1, "nothing to repeat" },
	{ SIG_SVC, "tcp:*:a^ = x\n", 1, "only allowed at the start" },
	{ SIG_SVC, "tcp:*:[z-a] = x\n", 1, "bad range" },
	{ SIG_SVC, "tcp:*:[abc = x\n", 1, "unclosed '['" },
	{ SIG_SVC, "tcp:*:\\x4 = x\n", 1, "two hex digits" },
	{ SIG_SVC, "tcp:*:^ = x\n", 1, "empty pattern" },
	{ SIG_SVC, "tcp:*:(a) = x $2\n", 1, "number of a group" },
	{ SIG_SVC, "tcp:*:abc = cost $\n", 1, "number of a group" },
	{ SIG_SVC, "tcp:*:a = x\ntcp:*:b = y\r\ntcp:*:c\n", 3,
	  "expected 'FIELDS = LABEL'" },
};

static void
expect_sig_error(const char *text, size_t len, enum sig_kind kind,
		 unsigned int line, const char *msg)
{
	char ini[INI_MAX], loc[PATH_MAX_ + 16];
	const char *log;

	write_file(extra_path, text, len);
	snprintf(ini, sizeof(ini), "[monitor]\ntrack = all\n%s = %s\n",
		 kind == SIG_OS ? "os_signatures" : "service_signatures",
		 extra_path);
	ck_assert_int_eq(sa_shim_init(&mon_middlebox, ini), -EINVAL);
	log = sa_shim_last_log();
	snprintf(loc, sizeof(loc), "%s:%u: ", extra_path, line);
	ck_assert_msg(strstr(log, loc) != NULL && strstr(log, msg) != NULL,
		      "'%s' lacks '%s' or '%s'", log, loc, msg);
	sa_shim_fini();
}

START_TEST(test_bad_sigs)
{
	const struct bad_sig *b = &bad_sigs[_i];

	expect_sig_error(b->text, strlen(b->text), b->kind, b->line, b->msg);
}
END_TEST

#define SIGS_MAX	1024
#define LINE_MAX_	512

START_TEST(test_sig_limits)
{
	static char text[(SIGS_MAX + 1) * 32];
	char line[LINE_MAX_ + 16];
	size_t n = 0;
	unsigned int i;

	for (i = 0; i <= SIGS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "syn:64:%u:*:*:* = x\n", i);
	expect_sig_error(text, n, SIG_OS, SIGS_MAX + 1, "more than 1024");
	for (n = 0, i = 0; i <= SIGS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "udp:*:%u = x\n", i);
	expect_sig_error(text, n, SIG_SVC, SIGS_MAX + 1, "more than 1024");
	/* 512 characters are fine, 513 are not */
	memset(line, 'a', sizeof(line));
	memcpy(line, "tcp:*:", 6);
	memcpy(line + LINE_MAX_ - 4, " = x\n", 5);
	write_file(extra_path, line, LINE_MAX_ + 1);
	ck_assert_int_eq(init_ini("[monitor]\ntrack = all\n"
				  "service_signatures = @EXTRA@\n"), 0);
	sa_shim_fini();
	memcpy(line + LINE_MAX_ - 3, " = x\n", 5);
	expect_sig_error(line, LINE_MAX_ + 2, SIG_SVC, 1, "longer than 512");
	/* a NUL byte inside a line */
	expect_sig_error("tcp:*:a\0b = x\n", 14, SIG_SVC, 1, "NUL byte");
}
END_TEST

/* ---- state ------------------------------------------------------------- */

/* However little state memory there is, init fails cleanly naming the
 * table, or the monitor works; the packet path never allocates. */
START_TEST(test_state_limit)
{
	static const size_t limits[] = {
		0, 64, 8192, 100000, 1000000, 4000000, 16000000, SIZE_MAX,
	};
	const struct sr_frame f = SYNACKF(H(1), R(1), 22, 40000);
	unsigned int i, ok = 0;
	struct sa_shim_out out;
	int rc;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		sa_shim_state_limit(limits[i]);
		rc = init_ini(INI "max_hosts = 20000\nmax_services = 20000\n"
			      "max_flows = 20000\n");
		if (rc != 0) {
			ck_assert_int_eq(rc, -ENOMEM);
			ck_assert_ptr_nonnull(strstr(sa_shim_last_log(),
						     "out of state memory"));
			continue;
		}
		ok++;
		send_pkt("limit", &f, S(1), &out);
		ck_assert_uint_eq(out.n_alerts, 3);
		sa_shim_fini();
	}
	sa_shim_state_limit(SIZE_MAX);
	ck_assert_uint_ge(ok, 1);
	ck_assert_uint_lt(ok, sizeof(limits) / sizeof(limits[0]));
}
END_TEST

#define MANY		5000u
#define SCAN_PER_TICK	4096u

/* Expiry work per tick is bounded; every host goes in the end. */
START_TEST(test_many_hosts)
{
	struct sa_shim_out out;
	struct sr_frame f = UDPF(0, R(1), 1, 2, NULL, 0);
	uint32_t i;

	ck_assert_int_eq(init_ini(INI "host_timeout = 10s\n"
				  "service_timeout = 10s\n"), 0);
	for (i = 0; i < MANY; i++) {
		f.src = IP4(10, 1, i >> 8, i & 0xff);
		send_pkt("many", &f, S(1), &out);
		ck_assert_uint_eq(out.n_alerts, 1);
	}
	sr_expect_stat("many", "hosts_active", MANY);
	sa_shim_tick(S(11));
	sr_expect_stat("many", "hosts_expired", SCAN_PER_TICK);
	sa_shim_tick(S(11));
	sr_expect_stat("many", "hosts_expired", MANY);
	sr_expect_stat("many", "hosts_active", 0);
	sa_shim_fini();
}
END_TEST

void
mon_add_config(Suite *s)
{
	TCase *tc = sa_tcase(s, "config", 30);

	tcase_add_checked_fixture(tc, files_setup, files_teardown);
	tcase_add_loop_test(tc, test_bad_config, 0,
			    sizeof(bad_configs) / sizeof(bad_configs[0]));
	tcase_add_loop_test(tc, test_good_config, 0,
			    sizeof(good_configs) / sizeof(good_configs[0]));
	tcase_add_loop_test(tc, test_bad_sigs, 0,
			    sizeof(bad_sigs) / sizeof(bad_sigs[0]));
	tcase_add_test(tc, test_sig_limits);

	tc = sa_tcase(s, "limits", 60);
	tcase_add_checked_fixture(tc, files_setup, files_teardown);
	tcase_add_test(tc, test_state_limit);
	tcase_add_test(tc, test_many_hosts);
}
