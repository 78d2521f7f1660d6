/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the analyzer engine's entry detection, call graph and
 * (post-)dominators. Each case compiles a small C program with clang-14
 * at test time. Concerns: the sa_middlebox descriptor, pcap_loop
 * callbacks, receive loops and their loop-locals, --entry / --loop and
 * missing entries, recursion in the call graph, dominance and control
 * dependence (endless loops included).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"

#include "az_cg.h"
#include "az_dom.h"
#include "az_entry.h"
#include "az_pta.h"

#define TEST_TIMEOUT	60
#define CMD_MAX		4096

struct et {
	char dir[64];
	struct az_module *m;
	struct az_pta *pta;
	struct az_cg *cg;
	struct az_entry_list el;
	struct az_dom *dom;
};

static struct et t;

#define ET_CC	AZ_TEST_CLANG " -g -O0 -Xclang -disable-O0-optnone " \
		"-emit-llvm -c -I" AZ_TEST_INC

/* Compiles @p src and runs the engine up to the call graph, keeping the
 * loop procedures' stack variables as az_entry.h asks. */
static void
et_build(const char *src, const struct az_entry_opts *eo)
{
	LLVMValueRef *keep = NULL;
	char cmd[CMD_MAX];
	size_t n_keep = 0;
	FILE *f;

	snprintf(t.dir, sizeof(t.dir), "/tmp/check_az_entry_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t.dir));
	snprintf(cmd, sizeof(cmd), "%s/t.c", t.dir);
	f = fopen(cmd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(src, f);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), ET_CC " -o %s/t.bc %s/t.c", t.dir, t.dir);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
	snprintf(cmd, sizeof(cmd), "%s/t.bc", t.dir);
	az_log_set_level(AZ_LOG_ERR);
	az_log_set_progress(false);
	ck_assert_int_eq(az_module_load(cmd, &t.m), 0);
	ck_assert_int_eq(az_entry_loop_procs(t.m, eo, &keep, &n_keep), 0);
	ck_assert_int_eq(az_module_prepare(t.m, keep, n_keep), 0);
	free(keep);
	ck_assert_int_eq(az_pta_run(t.m, NULL, &t.pta), 0);
	ck_assert_int_eq(az_cg_build(t.pta, &t.cg), 0);
}

static int
et_find(const struct az_entry_opts *eo)
{
	return az_entry_find(t.m, t.pta, t.cg, eo, &t.el);
}

static void
et_setup(void)
{
	memset(&t, 0, sizeof(t));
}

static void
et_teardown(void)
{
	char cmd[CMD_MAX];

	az_dom_free(t.dom);
	az_entry_list_free(&t.el);
	az_cg_free(t.cg);
	az_pta_free(t.pta);
	az_module_free(t.m);
	if (t.dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", t.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", t.dir);
	}
}

static LLVMValueRef
et_fn(const char *name)
{
	LLVMValueRef fn = LLVMGetNamedFunction(az_module_llvm(t.m), name);

	ck_assert_msg(fn != NULL, "no function %s", name);
	return fn;
}

static bool
et_has_local(const struct az_entry *e, const char *name)
{
	struct az_var v;
	size_t i;

	for (i = 0; i < e->n_loop_locals; i++)
		if (az_module_var(t.m, e->loop_locals[i], &v) == 0 &&
		    strcmp(v.name, name) == 0)
			return true;
	return false;
}

/* --- entries ------------------------------------------------------------ */

START_TEST(test_descriptor)
{
	et_build("#include <sa/mbox.h>\n"
		 "static unsigned long n;\n"
		 "static void process(struct sa_ctx *c, struct sa_pkt *p) {\n"
		 "	n++; sa_emit(c, p, SA_ARM_OUTSIDE);\n"
		 "}\n"
		 "static void tick(struct sa_ctx *c, unsigned long now) "
		 "{ (void)c; (void)now; }\n"
		 "const struct sa_middlebox mb = { .name = \"d\", "
		 ".process = process, .tick = tick };\n"
		 "SA_MIDDLEBOX_REGISTER(mb)\n", NULL);
	ck_assert_int_eq(et_find(NULL), 0);
	ck_assert_uint_eq(t.el.n, 1);
	ck_assert_int_eq(t.el.v[0].kind, AZ_ENTRY_DESCRIPTOR);
	ck_assert_str_eq(az_module_fn_name(t.el.v[0].func), "process");
	ck_assert_ptr_eq(t.el.v[0].desc.tick, et_fn("tick"));
	ck_assert_str_eq(t.el.v[0].desc.name, "d");
	ck_assert_str_eq(az_entry_kind_name(t.el.v[0].kind), "descriptor");
}
END_TEST

static const char et_pcap_src[] =
	"typedef struct pcap pcap_t;\n"
	"struct pcap_pkthdr;\n"
	"typedef void (*pcap_handler)(unsigned char *, "
	"const struct pcap_pkthdr *, const unsigned char *);\n"
	"pcap_t *pcap_open_live(const char *, int, int, int, char *);\n"
	"int pcap_loop(pcap_t *, int, pcap_handler, unsigned char *);\n"
	"const unsigned char *seen;\n"
	"unsigned long count;\n"
	"static void handler(unsigned char *u, const struct pcap_pkthdr *h,\n"
	"		    const unsigned char *b) {\n"
	"	(void)u; (void)h; seen = b; count++;\n"
	"}\n"
	"int main(void) {\n"
	"	char err[256];\n"
	"	pcap_t *p = pcap_open_live(\"eth0\", 65535, 1, 0, err);\n"
	"	return pcap_loop(p, -1, handler, 0);\n"
	"}\n";

START_TEST(test_pcap_loop)
{
	struct az_locset s = { 0 };
	az_obj_t seen;

	et_build(et_pcap_src, NULL);
	ck_assert_int_eq(et_find(NULL), 0);
	ck_assert_uint_eq(t.el.n, 1);
	ck_assert_int_eq(t.el.v[0].kind, AZ_ENTRY_PCAP_LOOP);
	ck_assert_ptr_eq(t.el.v[0].func, et_fn("handler"));
	ck_assert_ptr_nonnull(t.el.v[0].recv_call);
	seen = az_pta_obj_of(t.pta, LLVMGetNamedGlobal(az_module_llvm(t.m),
						       "seen"));
	ck_assert_int_eq(az_pta_contents(t.pta, seen, 0, &s), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.v[0].obj, az_pta_packet_obj(t.pta));
	az_locset_fini(&s);
}
END_TEST

static const char et_recv_src[] =
	"#include <sys/types.h>\n"
	"#include <sys/socket.h>\n"
	"int state[16];\n"
	"static int handle(const char *b) { state[b[0] & 15]++; return 0; }\n"
	"static void setup(void) { state[0] = 0; }\n"
	"int main(void) {\n"
	"	char buf[2048];\n"
	"	unsigned long count = 0;\n"
	"	int fd = 3;\n"
	"	setup();\n"
	"	for (;;) {\n"
	"		long n = recv(fd, buf, sizeof(buf), 0);\n"
	"		if (n <= 0)\n"
	"			break;\n"
	"		count++;\n"
	"		handle(buf);\n"
	"	}\n"
	"	return count > 0;\n"
	"}\n";

START_TEST(test_recv_loop)
{
	uint8_t *reach;
	const struct az_entry *e;

	et_build(et_recv_src, NULL);
	ck_assert_int_eq(et_find(NULL), 0);
	ck_assert_uint_eq(t.el.n, 1);
	e = &t.el.v[0];
	ck_assert_int_eq(e->kind, AZ_ENTRY_DETECTED);
	ck_assert_ptr_eq(e->func, et_fn("main"));
	ck_assert_ptr_nonnull(e->recv_call);
	ck_assert_ptr_nonnull(e->header);
	ck_assert(az_entry_in_loop(e, e->header));
	ck_assert(az_entry_in_loop(e, LLVMGetInstructionParent(e->recv_call)));
	ck_assert(!az_entry_in_loop(e, LLVMGetEntryBasicBlock(e->func)));
	/* Kept as memory: the loop procedure was left unpromoted. */
	ck_assert(et_has_local(e, "buf"));
	ck_assert(et_has_local(e, "count"));
	ck_assert(et_has_local(e, "fd"));
	reach = calloc(az_cg_n_funcs(t.cg), 1);
	ck_assert_ptr_nonnull(reach);
	az_entry_per_packet(e, t.cg, reach);
	ck_assert(reach[az_cg_index(t.cg, et_fn("handle"))]);
	ck_assert(!reach[az_cg_index(t.cg, et_fn("setup"))]);
	ck_assert(!reach[az_cg_index(t.cg, et_fn("main"))]);
	free(reach);
}
END_TEST

START_TEST(test_options)
{
	struct az_entry_opts by_fn = { "handle", NULL };
	struct az_entry_opts by_loop = { NULL, "main" };
	struct az_entry_opts missing = { "nothere", NULL };
	struct az_entry_opts missing_loop = { NULL, "nothere" };
	LLVMValueRef *fns = NULL;
	size_t n = 0;

	et_build(et_recv_src, &by_loop);
	ck_assert_int_eq(et_find(&by_fn), 0);
	ck_assert_int_eq(t.el.v[0].kind, AZ_ENTRY_FN);
	ck_assert_ptr_eq(t.el.v[0].func, et_fn("handle"));
	az_entry_list_free(&t.el);
	ck_assert_int_eq(et_find(&by_loop), 0);
	ck_assert_int_eq(t.el.v[0].kind, AZ_ENTRY_LOOP);
	ck_assert_str_eq(az_entry_kind_name(AZ_ENTRY_LOOP), "loop");
	az_entry_list_free(&t.el);
	ck_assert_int_eq(et_find(&missing), -ENOENT);
	ck_assert_int_eq(et_find(&missing_loop), -ENOENT);
	ck_assert_int_eq(az_entry_loop_procs(t.m, &missing_loop, &fns, &n),
			 -ENOENT);
	ck_assert_ptr_null(fns);
}
END_TEST

START_TEST(test_no_entry)
{
	et_build("int g;\n"
		 "void f(int n) { for (int i = 0; i < n; i++) g += i; }\n",
		 NULL);
	ck_assert_int_eq(et_find(NULL), -ENOENT);
	ck_assert_uint_eq(t.el.n, 0);
}
END_TEST

/* --- call graph ------------------------------------------------------- */

START_TEST(test_cg_recursion)
{
	uint32_t even, odd, leaf, mn;
	const uint32_t *bu;
	size_t i, pos_leaf = 0, pos_main = 0;

	et_build("int even(int n);\n"
		 "int odd(int n) { return n ? even(n - 1) : 0; }\n"
		 "int even(int n) { return n ? odd(n - 1) : 1; }\n"
		 "int leaf(int x) { return x + 1; }\n"
		 "int fact(int n) { return n ? n * fact(n - 1) : 1; }\n"
		 "int main(void) { return even(leaf(3)) + fact(3); }\n", NULL);
	even = (uint32_t)az_cg_index(t.cg, et_fn("even"));
	odd = (uint32_t)az_cg_index(t.cg, et_fn("odd"));
	leaf = (uint32_t)az_cg_index(t.cg, et_fn("leaf"));
	mn = (uint32_t)az_cg_index(t.cg, et_fn("main"));
	ck_assert_uint_eq(az_cg_scc(t.cg, even), az_cg_scc(t.cg, odd));
	ck_assert(az_cg_is_recursive(t.cg, even));
	ck_assert(az_cg_is_recursive(t.cg,
				     (uint32_t)az_cg_index(t.cg, et_fn("fact"))));
	ck_assert(!az_cg_is_recursive(t.cg, leaf));
	ck_assert(!az_cg_is_recursive(t.cg, mn));
	ck_assert_uint_lt(az_cg_scc(t.cg, even), az_cg_scc(t.cg, mn));
	bu = az_cg_bottom_up(t.cg);
	for (i = 0; i < az_cg_n_funcs(t.cg); i++) {
		if (bu[i] == leaf)
			pos_leaf = i;
		if (bu[i] == mn)
			pos_main = i;
	}
	ck_assert_uint_lt(pos_leaf, pos_main);
}
END_TEST

/* --- dominators --------------------------------------------------------- */

START_TEST(test_dom_diamond)
{
	const uint32_t *s, *cd;
	uint32_t then_b, else_b, join = AZ_DOM_NONE, i;
	size_t ns;

	et_build("int g;\n"
		 "void diamond(int c) { if (c) g = 1; else g = 2; g++; }\n"
		 "int main(void) { diamond(1); return 0; }\n", NULL);
	ck_assert_int_eq(az_dom_build(et_fn("diamond"), AZ_DOM_FORWARD,
				      &t.dom), 0);
	ck_assert_uint_eq(az_dom_n_blocks(t.dom), 4);
	ns = az_dom_succs(t.dom, 0, &s);
	ck_assert_uint_eq(ns, 2);
	then_b = s[0];
	else_b = s[1];
	for (i = 0; i < 4; i++)
		if (i != 0 && i != then_b && i != else_b)
			join = i;
	ck_assert_uint_eq(az_dom_idom(t.dom, join), 0);
	ck_assert(az_dom_dominates(t.dom, 0, then_b));
	ck_assert(!az_dom_dominates(t.dom, then_b, join));
	ck_assert_uint_eq(az_dom_frontier(t.dom, then_b, &s), 1);
	ck_assert_uint_eq(s[0], join);
	az_dom_free(t.dom);
	ck_assert_int_eq(az_dom_build(et_fn("diamond"), AZ_DOM_POST, &t.dom), 0);
	ck_assert(az_dom_dominates(t.dom, join, 0));
	ck_assert_uint_eq(az_dom_idom(t.dom, 0), join);
	ck_assert_uint_eq(az_dom_cdeps(t.dom, then_b, &cd), 1);
	ck_assert_uint_eq(cd[0], 0);
	ck_assert_uint_eq(az_dom_cdeps(t.dom, join, &cd), 0);
	ck_assert_uint_eq(az_dom_cdeps(t.dom, 0, &cd), 0);
}
END_TEST

START_TEST(test_dom_endless)
{
	LLVMValueRef fn;
	const uint32_t *cd;
	uint32_t i, n, with_cd = 0;

	et_build("int g;\n"
		 "void endless(int c) { for (;;) { if (c) g++; } }\n"
		 "int main(void) { endless(1); return 0; }\n", NULL);
	fn = et_fn("endless");
	ck_assert_int_eq(az_dom_build(fn, AZ_DOM_POST, &t.dom), 0);
	n = az_dom_n_blocks(t.dom);
	for (i = 0; i < n; i++) {
		ck_assert_msg(az_dom_idom(t.dom, i) != AZ_DOM_NONE,
			      "block %u has no post-dominator", i);
		if (az_dom_cdeps(t.dom, i, &cd) != 0)
			with_cd++;
	}
	/* The conditional increment depends on the branch on c. */
	ck_assert_uint_gt(with_cd, 0);
	az_dom_free(t.dom);
	ck_assert_int_eq(az_dom_build(fn, AZ_DOM_FORWARD, &t.dom), 0);
	for (i = 0; i < n; i++)
		ck_assert(az_dom_dominates(t.dom, 0, i));
}
END_TEST

static Suite *
az_entry_suite(void)
{
	Suite *s = suite_create("az_entry");
	TCase *tc;

	tc = sa_tcase(s, "entries", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, et_setup, et_teardown);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_pcap_loop);
	tcase_add_test(tc, test_recv_loop);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_no_entry);
	tc = sa_tcase(s, "callgraph", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, et_setup, et_teardown);
	tcase_add_test(tc, test_cg_recursion);
	tc = sa_tcase(s, "dominators", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, et_setup, et_teardown);
	tcase_add_test(tc, test_dom_diamond);
	tcase_add_test(tc, test_dom_endless);
	return s;
}

SA_CHECK_MAIN(az_entry_suite)
