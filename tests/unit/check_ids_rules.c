/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ids suite: configuration and rules files (test case "config"): bad
 * [ids] keys, a missing rules file, rules refused with FILE:LINE and the
 * reason (syntax, addresses, ports, options, contents, limits on lines
 * and strings, NUL bytes), and rules accepted.
 */
#include "check_ids.h"

/* ---- configuration errors --------------------------------------------- */

struct bad_config {
	const char *ini;	/* after "[ids]\nrules = PATH\n" (line 2) */
	const char *key;	/* must appear in the message */
	unsigned int line;
};

static const struct bad_config bad_configs[] = {
	{ "mode = active\n", "mode", 3 },
	{ "fragments = maybe\n", "fragments", 3 },
	{ "inside = 10.0.0.0/33\n", "inside", 3 },
	{ "max_flows = 0\n", "max_flows", 3 },
	{ "max_flows = 99999999999\n", "max_flows", 3 },
	{ "stream_depth = 0\n", "stream_depth", 3 },
	{ "stream_depth = 4k\n", "stream_depth", 3 },
	{ "stream_timeout = 0\n", "stream_timeout", 3 },
	{ "flow_timeout = 2 weeks\n", "flow_timeout", 3 },
	{ "portscan_ports = 513\n", "portscan_ports", 3 },
	{ "portscan_hosts = -1\n", "portscan_hosts", 3 },
	{ "portscan_window = 0\n", "portscan_window", 3 },
	{ "portscan_sources = 0\n", "portscan_sources", 3 },
	{ "synflood_syns = x\n", "synflood_syns", 3 },
	{ "synflood_window = 2h\n", "synflood_window", 3 },
	{ "synflood_targets = 0\n", "synflood_targets", 3 },
	{ "mod = inline\n", "mod", 3 },
	{ "mode = inline\nmode = passive\n", "mode", 4 },
};

START_TEST(test_bad_config)
{
	const struct bad_config *b = &bad_configs[_i];

	ck_assert_int_eq(init_ids(EVIL, b->ini), -EINVAL);
	sr_expect_config_error(_i, "ids", b->line, b->key);
	sa_shim_fini();
}
END_TEST

START_TEST(test_missing_rules)
{
	char ini[INI_MAX];

	ck_assert_int_eq(sa_shim_init(&ids_middlebox, "[ids]\nmode = inline\n"),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "[ids]: missing "
				     "required key 'rules'"));
	snprintf(ini, sizeof(ini), "[ids]\nrules = /nonexistent/ids.rules\n");
	ck_assert_int_eq(sa_shim_init(&ids_middlebox, ini), -EINVAL);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), "/nonexistent/ids."
				     "rules: cannot open rules file"));
	sa_shim_fini();
}
END_TEST

struct bad_rules {
	const char *text;
	unsigned int line;
	const char *what;	/* must appear in the message */
};

#define OK_RULE "alert tcp any any -> any any (msg:\"ok\"; content:\"x\"; sid:1000;)\n"
#define BAD(opts) HDR "(" opts ")\n"

static const struct bad_rules bad_rules[] = {
	{ "alrt tcp any any -> any any (msg:\"x\"; sid:1001;)\n", 1, "expected an action" },
	{ "# comment\n\n" "alert tcpx any any -> any any (msg:\"x\"; sid:1001;)\n", 3, "protocol" },
	{ OK_RULE "alert tcp 10.0.0.300 any -> any any (msg:\"x\"; sid:1001;)\n", 2, "bad address" },
	{ "alert tcp 10.0.0.1/24 any -> any any (msg:\"x\"; sid:1001;)\n", 1, "host bits" },
	{ "alert tcp any 70000 -> any any (msg:\"x\"; sid:1001;)\n", 1, "bad port" },
	{ "alert tcp any 90:80 -> any any (msg:\"x\"; sid:1001;)\n", 1, "bad port" },
	{ "alert tcp any [1,x] -> any any (msg:\"x\"; sid:1001;)\n", 1, "bad port" },
	{ "alert tcp any [1,2 -> any any (msg:\"x\"; sid:1001;)\n", 1, "lacks its ']'" },
	{ "alert tcp any any => any any (msg:\"x\"; sid:1001;)\n", 1, "\"->\" or \"<>\"" },
	{ "alert tcp any any -> any\n", 1, "ports were expected" },
	{ "alert tcp any any -> any any msg:\"x\"; sid:1001;\n", 1, "expected \"(\"" },
	{ "alert tcp any any -> any any (msg:\"x\"; sid:1001;\n", 1, "do not end" },
	{ "alert tcp $FOO any -> any any (msg:\"x\"; sid:1001;)\n", 1, "unknown variable" },
	{ "alert tcp !any any -> any any (msg:\"x\"; sid:1001;)\n", 1, "matches nothing" },
	{ "alert tcp [] any -> any any (msg:\"x\"; sid:1001;)\n", 1, "empty address list" },
	{ "alert tcp [1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6,1.1.1.7,"
	  "1.1.1.8,1.1.1.9,1.1.1.10,1.1.1.11,1.1.1.12,1.1.1.13,1.1.1.14,"
	  "1.1.1.15,1.1.1.16,1.1.1.17] any -> any any (msg:\"x\"; sid:1001;)\n",
	  1, "more than 16 addresses" },
	{ "alert icmp any 80 -> any any (msg:\"x\"; sid:1001;)\n", 1, "ports need tcp or udp" },
	{ "alert udp any any -> any any (msg:\"x\"; flags:S; sid:1001;)\n", 1, "flags needs tcp" },
	{ BAD("msg:\"x\"; itype:8; sid:1001;"), 1, "need icmp" },
	{ BAD("msg:\"x\"; sid:10;"), 1, "sid: 10 is out of range" },
	{ OK_RULE BAD("msg:\"y\"; sid:1000;"), 2, "duplicate sid 1000 (first at line 1)" },
	{ BAD("sid:1001;"), 1, "lacks msg" },
	{ BAD("msg:\"x\";"), 1, "lacks sid" },
	{ BAD("msg:\"x\"; msg:\"y\"; sid:1001;"), 1, "msg given twice" },
	{ BAD("msg:\"x\"; sid:1001; sid:1002;"), 1, "sid given twice" },
	{ BAD("msg:\"x\"; sid:1001; rev:0;"), 1, "rev: 0 is out of range" },
	{ BAD("msg:\"x\"; content:\"|4g|\"; sid:1001;"), 1, "bad hex byte" },
	{ BAD("msg:\"x\"; content:\"|414|\"; sid:1001;"), 1, "bad hex byte" },
	{ BAD("msg:\"abc; sid:1001;"), 1, "unterminated string" },
	{ BAD("msg:\"a\\qb\"; sid:1001;"), 1, "unknown escape" },
	{ BAD("msg:\"a\"b; sid:1001;"), 1, "after the closing quote" },
	{ BAD("msg:x; sid:1001;"), 1, "quoted string" },
	{ BAD("msg:\"a\tb\"; sid:1001;"), 1, "non-printable" },
	{ BAD("msg:\"x\"; sid:1001"), 1, "lacks its closing ';'" },
	{ BAD("msg:\"x\"; bogus:1; sid:1001;"), 1, "unknown option \"bogus\"" },
	{ BAD("msg:\"x\"; 5; sid:1001;"), 1, "expected an option name" },
	{ BAD("msg:\"x\"; nocase; sid:1001;"), 1, "must follow a content" },
	{ BAD("msg:\"x\"; content:\"a\"; nocase:1; sid:1001;"), 1, "takes no value" },
	{ BAD("msg:\"x\"; content:\"a\"; nocase; nocase; sid:1001;"), 1, "nocase given twice" },
	{ BAD("msg:\"x\"; content:\"abc\"; depth:2; sid:1001;"), 1, "shorter than its content" },
	{ BAD("msg:\"x\"; content:\"abc\"; offset:2000000; sid:1001;"), 1, "out of range" },
	{ BAD("msg:\"x\"; content:\"abc\"; offset:1; offset:2; sid:1001;"), 1, "offset given twice" },
	{ BAD("msg:\"x\"; content:\"\"; sid:1001;"), 1, "empty content" },
	{ BAD("msg:\"x\"; content:!\"a\"; sid:1001;"), 1, "not supported" },
	{ BAD("msg:\"x\"; content:\"1\"; content:\"2\"; content:\"3\"; content:\"4\"; "
	      "content:\"5\"; content:\"6\"; content:\"7\"; content:\"8\"; content:\"9\"; "
	      "sid:1001;"), 1, "more than 8 contents" },
	{ BAD("msg:\"x\"; flags:SX; sid:1001;"), 1, "bad TCP flag 'X'" },
	{ BAD("msg:\"x\"; flags:+; sid:1001;"), 1, "lists no flag" },
	{ BAD("msg:\"x\"; dsize:5<>6; sid:1001;"), 1, "is empty" },
	{ BAD("msg:\"x\"; dsize:>65535; sid:1001;"), 1, "out of range" },
	{ BAD("msg:\"x\"; flow:sideways; sid:1001;"), 1, "unknown flow option" },
	{ BAD("msg:\"x\"; flow:to_server,to_client; sid:1001;"), 1, "both to_server" },
	{ BAD("msg:\"x\"; classtype:; sid:1001;"), 1, "needs a value" },
	{ "alert icmp any any -> any any (msg:\"x\"; itype:256; sid:1001;)\n", 1, "out of range" },
	{ "alert icmp any any -> any any (msg:\"x\"; icode:1; icode:2; sid:1001;)\n", 1,
	  "icode given twice" },
};

START_TEST(test_bad_rules)
{
	const struct bad_rules *b = &bad_rules[_i];
	const char *log;
	char loc[PATH_MAX_ + 64];

	ck_assert_int_eq(init_ids(b->text, NULL), -EINVAL);
	log = sa_shim_last_log();
	snprintf(loc, sizeof(loc), "%s:%u: ", rules_path, b->line);
	ck_assert_msg(strstr(log, loc) != NULL && strstr(log, b->what) != NULL,
		      "rules %u: '%s' lacks '%s' or '%s'", _i, log, loc,
		      b->what);
	sa_shim_fini();
}
END_TEST

/* Long lines and long contents, built at run time. */
START_TEST(test_bad_rules_built)
{
	static char text[8192];
	char loc[PATH_MAX_ + 64];
	size_t n;

	memset(text, 'a', sizeof(text));
	memcpy(text, "# ", 2);
	text[5000] = '\n';
	text[5001] = '\0';
	ck_assert_int_eq(init_ids(text, NULL), -EINVAL);
	snprintf(loc, sizeof(loc), "%s:1: line longer than 4095", rules_path);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), loc));

	n = (size_t)snprintf(text, sizeof(text), OK_RULE HDR "(msg:\"x\"; content:\"");
	memset(text + n, 'b', 256);
	snprintf(text + n + 256, sizeof(text) - n - 256, "\"; sid:1001;)\n");
	ck_assert_int_eq(init_ids(text, NULL), -EINVAL);
	snprintf(loc, sizeof(loc), "%s:2: string longer than 255", rules_path);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), loc));
	sa_shim_fini();
}
END_TEST

/* A NUL byte in a line: written by hand, as strlen() would stop there. */
START_TEST(test_nul_byte)
{
	static const char text[] = OK_RULE "alert\0tcp\n";
	char ini[INI_MAX], loc[PATH_MAX_ + 64];
	int fd;

	snprintf(rules_path, sizeof(rules_path), "/tmp/check_ids_XXXXXX");
	fd = mkstemp(rules_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1),
			 (ssize_t)sizeof(text) - 1);
	close(fd);
	snprintf(ini, sizeof(ini), "[ids]\nrules = %s\n", rules_path);
	ck_assert_int_eq(sa_shim_init(&ids_middlebox, ini), -EINVAL);
	unlink(rules_path);
	snprintf(loc, sizeof(loc), "%s:2: NUL byte", rules_path);
	ck_assert_ptr_nonnull(strstr(sa_shim_last_log(), loc));
	sa_shim_fini();
}
END_TEST

static const char *const good_rules[] = {
	"",
	"# only comments\n\n   # indented\n",
	"alert ip any any -> any any (msg:\"all\"; sid:1000;)\r\n",
	"alert tcp [10.0.0.0/8, 192.0.2.0/24] [1:1023,8080] <> !$HOME_NET :1023 "
	"(msg:\"a; b \\\"q\\\" c\\\\\"; content:\"a\\;b\\:c\\|d\\\"\"; nocase; "
	"offset:0; depth:12; content:\"|00 01 02|x|ff|\"; flow:to_client,established; "
	"flags:!R; dsize:1<>1000; classtype:misc; reference:url,example.com/x; "
	"priority:2; metadata:k v; sid:4294967294; rev:7;)\n",
	"drop udp $EXTERNAL_NET 53: -> fd00::/8 any (msg:\"v6\"; dsize:<10; sid:1001;)\n"
	"pass icmp any any -> any any (msg:\"e\"; itype:0; icode:0; sid:1002;)\n"
	"alert tcp any any -> any any (msg:\"n\"; flags:0; sid:1003;)\n"
	"alert tcp any any -> any any (msg:\"n\"; flags:*SF; sid:1004;)\n",
};

START_TEST(test_good_rules)
{
	ck_assert_msg(init_ids(good_rules[_i], "mode = inline\n") == 0,
		      "rules %u: %s", _i, sa_shim_last_log());
	sa_shim_fini();
}
END_TEST

void
ids_add_rules(Suite *s)
{
	TCase *tc = sa_tcase(s, "config", 30);

	tcase_add_loop_test(tc, test_bad_config, 0,
			    sizeof(bad_configs) / sizeof(bad_configs[0]));
	tcase_add_test(tc, test_missing_rules);
	tcase_add_loop_test(tc, test_bad_rules, 0,
			    sizeof(bad_rules) / sizeof(bad_rules[0]));
	tcase_add_test(tc, test_bad_rules_built);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_loop_test(tc, test_good_rules, 0,
			    sizeof(good_rules) / sizeof(good_rules[0]));
}
