/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the analyzer engine's pointer analysis. Each case
 * compiles a small C program with clang-14 at test time, runs the
 * analysis and checks what the program's globals may point to: results
 * are stored into globals so that every check is "what may the memory of
 * global g at offset o point to". Concerns: aliasing, pointer arithmetic,
 * struct fields, arrays of structs, heap lists, function pointer tables,
 * copy cycles, memcpy, unknown externals, integer/pointer casts, library
 * models, and loading bad input.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"

#include "az_pta.h"

#define TEST_TIMEOUT	60
#define CMD_MAX		4096
#define NAME_MAX_LEN	128

struct pt {
	char dir[64];
	struct az_module *m;
	struct az_pta *pta;
	struct az_locset s;
};

static struct pt t;

#define PT_CC	AZ_TEST_CLANG " -O0 -Xclang -disable-O0-optnone " \
		"-emit-llvm -c -I" AZ_TEST_INC

static void
pt_system(const char *cmd)
{
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

static void
pt_write(const char *name, const char *text)
{
	char path[CMD_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t.dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Compiles @p src (with debug info unless @p nodebug; linked with the
 * flow table when @p table) and runs the pointer analysis on it. */
static void
pt_run_opts(const char *src, bool nodebug, bool table)
{
	char cmd[CMD_MAX], bc[CMD_MAX];

	snprintf(t.dir, sizeof(t.dir), "/tmp/check_az_pta_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t.dir));
	pt_write("t.c", src);
	snprintf(cmd, sizeof(cmd), PT_CC " %s -o %s/t.bc %s/t.c",
		 nodebug ? "" : "-g", t.dir, t.dir);
	pt_system(cmd);
	snprintf(bc, sizeof(bc), "%s/t.bc", t.dir);
	if (table) {
		snprintf(cmd, sizeof(cmd), PT_CC " -g -o %s/tbl.bc "
			 AZ_TEST_RTLIB "/table.c && " AZ_TEST_LLVM_LINK
			 " -o %s/all.bc %s/t.bc %s/tbl.bc", t.dir, t.dir,
			 t.dir, t.dir);
		pt_system(cmd);
		snprintf(bc, sizeof(bc), "%s/all.bc", t.dir);
	}
	az_log_set_level(AZ_LOG_ERR);
	az_log_set_progress(false);
	ck_assert_int_eq(az_module_load(bc, &t.m), 0);
	ck_assert_int_eq(az_module_prepare(t.m, NULL, 0), 0);
	ck_assert_int_eq(az_pta_run(t.m, NULL, &t.pta), 0);
}

static void
pt_run(const char *src)
{
	pt_run_opts(src, false, false);
}

static void
pt_setup(void)
{
	memset(&t, 0, sizeof(t));
}

static void
pt_teardown(void)
{
	char cmd[CMD_MAX];

	az_locset_fini(&t.s);
	az_pta_free(t.pta);
	az_module_free(t.m);
	if (t.dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", t.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", t.dir);
	}
}

static az_obj_t
pt_obj(const char *name)
{
	char buf[NAME_MAX_LEN];
	az_obj_t o;

	for (o = 0; o < az_pta_n_objects(t.pta); o++)
		if (strcmp(az_pta_obj_name(t.pta, o, buf, sizeof(buf)),
			   name) == 0)
			return o;
	ck_abort_msg("no object %s", name);
	return AZ_OBJ_NONE;
}

/* Fills t.s with what global @p g may point to at byte @p off. */
static void
pt_contents(const char *g, uint64_t off)
{
	ck_assert_int_eq(az_pta_contents(t.pta, pt_obj(g), off, &t.s), 0);
}

/* Does t.s hold @p name at @p off (AZ_OFF_ANY: at any offset)? */
static bool
pt_has(const char *name, uint64_t off)
{
	char buf[NAME_MAX_LEN];
	size_t i;

	for (i = 0; i < t.s.n; i++)
		if (strcmp(az_pta_obj_name(t.pta, t.s.v[i].obj, buf,
					   sizeof(buf)), name) == 0 &&
		    (off == AZ_OFF_ANY || t.s.v[i].off == off))
			return true;
	return false;
}

/* Does t.s hold an object whose name starts with @p prefix? */
static bool
pt_has_prefix(const char *prefix)
{
	char buf[NAME_MAX_LEN];
	size_t i;

	for (i = 0; i < t.s.n; i++)
		if (strncmp(az_pta_obj_name(t.pta, t.s.v[i].obj, buf,
					    sizeof(buf)), prefix,
			    strlen(prefix)) == 0)
			return true;
	return false;
}

static size_t
pt_count_approx(enum az_approx_kind kind)
{
	const struct az_approx *a;
	size_t i, n = az_pta_approx(t.pta, &a), c = 0;

	for (i = 0; i < n; i++)
		c += a[i].kind == kind;
	return c;
}

/* --- core: aliasing, fields, arrays ------------------------------------ */

START_TEST(test_alias)
{
	pt_run("int x, y;\n"
	       "int *p1, *p2, *p3;\n"
	       "int **pp;\n"
	       "void f(int c) {\n"
	       "	int *q = c ? &x : &y;\n"
	       "	pp = &p1;\n"
	       "	*pp = q;\n"
	       "	p2 = *pp;\n"
	       "	p3 = &x;\n"
	       "}\n"
	       "int main(void) { f(1); return 0; }\n");
	pt_contents("p1", 0);
	ck_assert(pt_has("x", 0) && pt_has("y", 0));
	pt_contents("p2", 0);
	ck_assert(pt_has("x", 0) && pt_has("y", 0));
	pt_contents("p3", 0);
	ck_assert(pt_has("x", 0) && !pt_has("y", AZ_OFF_ANY));
	pt_contents("pp", 0);
	ck_assert(pt_has("p1", 0) && t.s.n == 1);
}
END_TEST

START_TEST(test_fields)
{
	pt_run("struct in { int *c; int *d; };\n"
	       "struct s { int n; int *a; struct in in; int *b; };\n"
	       "int x, y, z;\n"
	       "struct s g;\n"
	       "int *ra, *rd;\n"
	       "void f(struct s *p) {\n"
	       "	p->a = &x;\n"
	       "	p->b = &y;\n"
	       "	p->in.d = &z;\n"
	       "	ra = g.a;\n"
	       "	rd = p->in.d;\n"
	       "}\n"
	       "int main(void) { f(&g); return 0; }\n");
	pt_contents("g", 8);
	ck_assert(pt_has("x", 0) && t.s.n == 1);
	pt_contents("g", 32);
	ck_assert(pt_has("y", 0) && t.s.n == 1);
	pt_contents("g", 24);
	ck_assert(pt_has("z", 0) && t.s.n == 1);
	pt_contents("ra", 0);
	ck_assert(pt_has("x", 0) && t.s.n == 1);
	pt_contents("rd", 0);
	ck_assert(pt_has("z", 0) && t.s.n == 1);
	ck_assert(!az_pta_obj(t.pta, pt_obj("g"))->collapsed);
}
END_TEST

START_TEST(test_array_of_structs)
{
	pt_run("struct e { int *a; int *b; };\n"
	       "struct e arr[8];\n"
	       "struct { int n; struct e in[4]; } nested;\n"
	       "int x, y;\n"
	       "int *r1, *r2;\n"
	       "void f(int i, int j) {\n"
	       "	arr[i].a = &x;\n"
	       "	arr[j].b = &y;\n"
	       "	r1 = arr[3].a;\n"
	       "	nested.in[i].b = &x;\n"
	       "	r2 = nested.in[2].b;\n"
	       "}\n"
	       "int main(void) { f(1, 2); return 0; }\n");
	ck_assert(!az_pta_obj(t.pta, pt_obj("arr"))->collapsed);
	pt_contents("arr", 0);
	ck_assert(pt_has("x", 0) && t.s.n == 1);
	pt_contents("arr", 8);
	ck_assert(pt_has("y", 0) && t.s.n == 1);
	/* Element 5's field is the element-0 field. */
	ck_assert_uint_eq(az_pta_norm_off(t.pta, pt_obj("arr"), 5 * 16 + 8), 8);
	pt_contents("r1", 0);
	ck_assert(pt_has("x", 0) && t.s.n == 1);
	pt_contents("r2", 0);
	ck_assert(pt_has("x", 0));
	ck_assert(!az_pta_obj(t.pta, pt_obj("nested"))->collapsed);
}
END_TEST

/* --- pointer arithmetic and casts -------------------------------------- */

START_TEST(test_pointer_arith)
{
	pt_run("struct s { int *a; int *b; };\n"
	       "char buf[64];\n"
	       "struct s obj;\n"
	       "int x;\n"
	       "char *r1; int **r2;\n"
	       "void f(long i) {\n"
	       "	r1 = buf + i;\n"
	       "	obj.a = &x;\n"
	       "	r2 = (int **)((char *)&obj + i);\n"
	       "}\n"
	       "int main(void) { f(3); return 0; }\n");
	pt_contents("r1", 0);
	ck_assert(pt_has("buf", 0));
	ck_assert(!az_pta_obj(t.pta, pt_obj("buf"))->collapsed);
	/* An unknown byte offset into a struct: the whole object. */
	ck_assert(az_pta_obj(t.pta, pt_obj("obj"))->collapsed);
	pt_contents("r2", 0);
	ck_assert(pt_has("obj", AZ_OFF_ANY));
	ck_assert_uint_gt(pt_count_approx(AZ_APPROX_COLLAPSE), 0);
	pt_contents("obj", 0);
	ck_assert(pt_has("x", 0));
}
END_TEST

START_TEST(test_int_ptr_casts)
{
	pt_run("#include <stdint.h>\n"
	       "int x;\n"
	       "int *r1, *r2, *r3;\n"
	       "uintptr_t keep;\n"
	       "void f(void) {\n"
	       "	uintptr_t u = (uintptr_t)&x;\n"
	       "	r1 = (int *)u;\n"
	       "	r2 = (int *)(uintptr_t)0x1000;\n"
	       "	keep = u;\n"
	       "	r3 = (int *)keep;\n"
	       "}\n"
	       "int main(void) { f(); return 0; }\n");
	pt_contents("r1", 0);
	ck_assert(pt_has("x", 0) && t.s.n == 1);
	pt_contents("r2", 0);
	ck_assert(pt_has("unknown", AZ_OFF_ANY));
	ck_assert_uint_gt(pt_count_approx(AZ_APPROX_INT_TO_PTR), 0);
	/* Stored as an integer: its target escapes, the load may be it. */
	ck_assert(az_pta_obj(t.pta, pt_obj("x"))->escaped);
	ck_assert_uint_gt(pt_count_approx(AZ_APPROX_PTR_TO_INT), 0);
	pt_contents("r3", 0);
	ck_assert(pt_has("x", 0));
}
END_TEST

/* --- heap, calls, cycles ----------------------------------------------- */

START_TEST(test_heap_list)
{
	pt_run("#include <stdlib.h>\n"
	       "struct node { int v; struct node *next; };\n"
	       "struct node *head;\n"
	       "struct node *other;\n"
	       "void push(int v) {\n"
	       "	struct node *n = malloc(sizeof(*n));\n"
	       "	n->v = v; n->next = head; head = n;\n"
	       "}\n"
	       "void mk(void) { other = calloc(1, sizeof(*other)); }\n"
	       "int main(void) { push(1); push(2); mk(); return 0; }\n");
	pt_contents("head", 0);
	ck_assert_uint_eq(t.s.n, 1);
	ck_assert(pt_has_prefix("heap@t.c:6"));
	ck_assert(az_pta_obj(t.pta, t.s.v[0].obj)->kind == AZ_OBJ_HEAP);
	ck_assert(az_pta_obj(t.pta, t.s.v[0].obj)->type != NULL);
	/* The list links the one abstract node to itself. */
	ck_assert_int_eq(az_pta_contents(t.pta, t.s.v[0].obj, 8, &t.s), 0);
	ck_assert(pt_has_prefix("heap@t.c:6") && t.s.n == 1);
	pt_contents("other", 0);
	ck_assert(pt_has_prefix("heap@t.c:9") && t.s.n == 1);
}
END_TEST

START_TEST(test_fn_table)
{
	pt_run("int x, y;\n"
	       "int *seen1, *seen2;\n"
	       "typedef void (*cb_t)(int *);\n"
	       "static void h1(int *p) { seen1 = p; }\n"
	       "static void h2(int *p) { seen2 = p; }\n"
	       "struct ops { const char *name; cb_t cb; };\n"
	       "static const struct ops table[] = { { \"a\", h1 }, "
	       "{ \"b\", h2 } };\n"
	       "void run(int i) { table[i].cb(&x); }\n"
	       "void direct(void) { h1(&y); }\n"
	       "int main(void) { run(1); direct(); return 0; }\n");
	pt_contents("seen1", 0);
	ck_assert(pt_has("x", 0) && pt_has("y", 0));
	pt_contents("seen2", 0);
	ck_assert(pt_has("x", 0) && !pt_has("y", AZ_OFF_ANY));
	ck_assert_uint_eq(az_pta_stats(t.pta)->indirect_edges, 2);
}
END_TEST

START_TEST(test_cycles)
{
	pt_run("int a, b, c;\n"
	       "int *p, *q, *r;\n"
	       "int **pp, **pq;\n"
	       "void f(int k) {\n"
	       "	for (int i = 0; i < k; i++) {\n"
	       "		p = q; q = r; r = p;\n"
	       "		*pp = *pq; *pq = *pp;\n"
	       "	}\n"
	       "	p = &a; q = &b;\n"
	       "	pp = &r; pq = &p;\n"
	       "	r = &c;\n"
	       "}\n"
	       "int main(void) { f(3); return 0; }\n");
	pt_contents("p", 0);
	ck_assert(pt_has("a", 0) && pt_has("b", 0) && pt_has("c", 0));
	pt_contents("q", 0);
	ck_assert(pt_has("a", 0) && pt_has("b", 0) && pt_has("c", 0));
	pt_contents("r", 0);
	ck_assert(pt_has("a", 0) && pt_has("b", 0) && pt_has("c", 0));
	ck_assert_uint_eq(t.s.n, 3);
	ck_assert_uint_gt(az_pta_stats(t.pta)->merged, 0);
}
END_TEST

START_TEST(test_memcpy)
{
	pt_run("#include <string.h>\n"
	       "struct s { long n; int *a; int *b; };\n"
	       "struct s src, dst, part;\n"
	       "struct s *heap_copy;\n"
	       "int x, y;\n"
	       "void f(void) {\n"
	       "	src.a = &x; src.b = &y;\n"
	       "	memcpy(&dst, &src, sizeof(src));\n"
	       "	memcpy(&part.b, &src.b, sizeof(int *));\n"
	       "	dst = src;\n"
	       "}\n"
	       "int main(void) { f(); return 0; }\n");
	pt_contents("dst", 8);
	ck_assert(pt_has("x", 0) && t.s.n == 1);
	pt_contents("dst", 16);
	ck_assert(pt_has("y", 0) && t.s.n == 1);
	pt_contents("part", 16);
	ck_assert(pt_has("y", 0) && t.s.n == 1);
	pt_contents("part", 8);
	ck_assert_uint_eq(t.s.n, 0);
}
END_TEST

START_TEST(test_unknown_external)
{
	pt_run("extern void ext(int **);\n"
	       "extern int *ext_ret(void);\n"
	       "int x;\n"
	       "int *gp, *gr, *safe;\n"
	       "int y;\n"
	       "void f(void) {\n"
	       "	gp = &x;\n"
	       "	ext(&gp);\n"
	       "	gr = ext_ret();\n"
	       "	safe = &y;\n"
	       "}\n"
	       "int main(void) { f(); return 0; }\n");
	ck_assert(az_pta_obj(t.pta, pt_obj("gp"))->escaped);
	ck_assert(az_pta_obj(t.pta, pt_obj("x"))->escaped);
	ck_assert(!az_pta_obj(t.pta, pt_obj("safe"))->escaped);
	pt_contents("gp", 0);
	ck_assert(pt_has("x", 0) && pt_has("unknown", AZ_OFF_ANY));
	pt_contents("gr", 0);
	ck_assert(pt_has("unknown", AZ_OFF_ANY) && pt_has("x", 0));
	pt_contents("safe", 0);
	ck_assert(pt_has("y", 0) && t.s.n == 1);
	ck_assert_uint_eq(pt_count_approx(AZ_APPROX_UNKNOWN_EXTERNAL), 2);
}
END_TEST

/* --- models ------------------------------------------------------------ */

START_TEST(test_libc_models)
{
	pt_run("#include <stdlib.h>\n"
	       "#include <string.h>\n"
	       "#include <stdarg.h>\n"
	       "char name[32];\n"
	       "char *found;\n"
	       "int *arr[4];\n"
	       "int x;\n"
	       "int **grown;\n"
	       "const void *cmp_seen;\n"
	       "int *va_seen;\n"
	       "static int cmp(const void *a, const void *b) {\n"
	       "	cmp_seen = a; return a < b;\n"
	       "}\n"
	       "static void va(int n, ...) {\n"
	       "	va_list ap; va_start(ap, n);\n"
	       "	va_seen = va_arg(ap, int *); va_end(ap);\n"
	       "}\n"
	       "void f(void) {\n"
	       "	found = strchr(name, 'a');\n"
	       "	arr[0] = &x;\n"
	       "	qsort(arr, 4, sizeof(arr[0]), cmp);\n"
	       "	int **m = malloc(sizeof(int *));\n"
	       "	m[0] = &x;\n"
	       "	grown = realloc(m, 2 * sizeof(int *));\n"
	       "	va(1, &x);\n"
	       "}\n"
	       "int main(void) { f(); return 0; }\n");
	pt_contents("found", 0);
	ck_assert(pt_has("name", 0) && t.s.n == 1);
	pt_contents("cmp_seen", 0);
	ck_assert(pt_has("arr", 0));
	pt_contents("grown", 0);
	ck_assert(pt_has_prefix("heap@t.c:24"));
	/* realloc's new block holds what the old one held. */
	ck_assert_int_eq(az_pta_contents(t.pta, t.s.v[t.s.n - 1].obj,
					 AZ_OFF_ANY, &t.s), 0);
	ck_assert(pt_has("x", 0));
	pt_contents("va_seen", 0);
	ck_assert(pt_has("x", 0));
	ck_assert_uint_eq(pt_count_approx(AZ_APPROX_UNKNOWN_EXTERNAL), 0);
}
END_TEST

static const char pt_mbox_src[] =
	"#include <sa/mbox.h>\n"
	"#include <sa/table.h>\n"
	"struct sess { unsigned int a; unsigned long hits; "
	"unsigned long by_dir[2]; };\n"
	"struct key { unsigned int src, dst; };\n"
	"struct sa_table *flows, *other;\n"
	"unsigned char *last_data;\n"
	"struct sess *last_sess;\n"
	"void *other_val;\n"
	"static int init(struct sa_ctx *ctx, const struct sa_config *cfg) {\n"
	"	struct sa_table_params p = { \"f\", sizeof(struct key), "
	"sizeof(struct sess), 64, 0, 0 };\n"
	"	(void)ctx; (void)cfg;\n"
	"	if (sa_table_create(&p, &flows) < 0) return -1;\n"
	"	p.value_size = 8;\n"
	"	return sa_table_create(&p, &other);\n"
	"}\n"
	"static void process(struct sa_ctx *ctx, struct sa_pkt *pkt) {\n"
	"	struct key k = { pkt->data[0], pkt->data[1] };\n"
	"	void *v;\n"
	"	struct sess *s = sa_table_lookup(flows, &k);\n"
	"	last_data = pkt->data;\n"
	"	if (s == 0 && sa_table_add(flows, &k, 0, &v) == 0)\n"
	"		s = v;\n"
	"	if (s != 0) { s->hits++; s->by_dir[pkt->arm & 1]++; "
	"last_sess = s; }\n"
	"	other_val = sa_table_lookup(other, &k);\n"
	"	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);\n"
	"}\n"
	"const struct sa_middlebox mb = { .name = \"t\", .init = init, "
	".process = process };\n"
	"SA_MIDDLEBOX_REGISTER(mb)\n";

START_TEST(test_sa_table_model)
{
	const struct az_obj_info *in;
	az_obj_t vals;

	pt_run_opts(pt_mbox_src, false, true);
	pt_contents("last_data", 0);
	ck_assert(pt_has("packet", AZ_OFF_ANY) && t.s.n == 1);
	pt_contents("flows", 0);
	ck_assert(pt_has_prefix("table@t.c:") && t.s.n == 1);
	pt_contents("last_sess", 0);
	ck_assert_uint_eq(t.s.n, 1);
	vals = t.s.v[0].obj;
	in = az_pta_obj(t.pta, vals);
	ck_assert_int_eq(in->part, AZ_HEAP_TABLE_VALUES);
	/* Typed by the cast, its fields stay apart (by_dir[] too). */
	ck_assert(!in->collapsed);
	ck_assert(in->type != NULL);
	pt_contents("other_val", 0);
	ck_assert_uint_eq(t.s.n, 1);
	ck_assert(t.s.v[0].obj != vals);
	ck_assert(az_pta_obj(t.pta, t.s.v[0].obj)->table !=
		  az_pta_obj(t.pta, vals)->table);
	ck_assert_uint_eq(pt_count_approx(AZ_APPROX_UNKNOWN_EXTERNAL), 0);
}
END_TEST

START_TEST(test_no_debug_info)
{
	pt_run_opts("int x; int *p;\n"
		    "int main(void) { p = &x; return 0; }\n", true, false);
	ck_assert(!az_module_has_debug_info(t.m));
	pt_contents("p", 0);
	ck_assert(pt_has("x", 0));
}
END_TEST

/* --- malformed input --------------------------------------------------- */

START_TEST(test_bad_input)
{
	struct az_module *m = NULL;

	snprintf(t.dir, sizeof(t.dir), "/tmp/check_az_pta_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t.dir));
	az_log_set_level(AZ_LOG_ERR + 0);
	ck_assert_int_eq(az_module_load("/nonexistent/x.bc", &m), -ENOENT);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(az_module_load(t.dir, &m), -EISDIR);
	pt_write("junk.bc", "BC\xc0\xde garbage that is not bitcode");
	pt_write("junk.ll", "define i32 @f( {\n");
	pt_write("bad.ll", "define i32 @f() {\n  ret i64 0\n}\n");
	{
		char path[CMD_MAX];

		snprintf(path, sizeof(path), "%s/junk.bc", t.dir);
		ck_assert_int_eq(az_module_load(path, &m), -EINVAL);
		snprintf(path, sizeof(path), "%s/junk.ll", t.dir);
		ck_assert_int_eq(az_module_load(path, &m), -EINVAL);
		snprintf(path, sizeof(path), "%s/bad.ll", t.dir);
		ck_assert_int_eq(az_module_load(path, &m), -EINVAL);
	}
	ck_assert_ptr_null(m);
}
END_TEST

static Suite *
az_pta_suite(void)
{
	Suite *s = suite_create("az_pta");
	TCase *tc;

	tc = sa_tcase(s, "core", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, pt_setup, pt_teardown);
	tcase_add_test(tc, test_alias);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_array_of_structs);
	tcase_add_test(tc, test_pointer_arith);
	tcase_add_test(tc, test_int_ptr_casts);
	tc = sa_tcase(s, "calls", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, pt_setup, pt_teardown);
	tcase_add_test(tc, test_heap_list);
	tcase_add_test(tc, test_fn_table);
	tcase_add_test(tc, test_cycles);
	tcase_add_test(tc, test_memcpy);
	tcase_add_test(tc, test_unknown_external);
	tc = sa_tcase(s, "models", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, pt_setup, pt_teardown);
	tcase_add_test(tc, test_libc_models);
	tcase_add_test(tc, test_sa_table_model);
	tcase_add_test(tc, test_no_debug_info);
	tc = sa_tcase(s, "malformed", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, pt_setup, pt_teardown);
	tcase_add_test(tc, test_bad_input);
	return s;
}

SA_CHECK_MAIN(az_pta_suite)
