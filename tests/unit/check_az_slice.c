/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the analyses on top of the engine: persistent objects,
 * mod/ref, the output slice and the flowspace. Each case compiles a small
 * middlebox with clang-14 (as the middleboxes' bitcode is built), runs the
 * phases through the library and checks objects and fields: statistics
 * are updateable but not output-impacting, a drop flag is
 * output-impacting through control dependence, dependences go through
 * memory and calls, and state indexed by header fields gets its
 * flowspace.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"

#include "az_cg.h"
#include "az_entry.h"
#include "az_flowspace.h"
#include "az_modref.h"
#include "az_persist.h"
#include "az_pta.h"
#include "az_result.h"
#include "az_slice.h"

#define TEST_TIMEOUT	60
#define CMD_MAX		4096

/* A complete run over one compiled snippet. */
struct az_t {
	char dir[64];
	struct az_module *m;
	struct az_pta *pta;
	struct az_cg *cg;
	struct az_entry_list el;
	struct az_modref *mr;
	struct az_result r;
	bool have_result;
};

static struct az_t t;

static void
az_t_system(const char *cmd)
{
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

#define AZ_T_CC	AZ_TEST_CLANG " -g -O0 -Xclang -disable-O0-optnone " \
		"-emit-llvm -c -I" AZ_TEST_INC

/* Compiles @p src (plus runtime/lib/table.c when @p table) to one
 * module, then runs every phase. */
static void
az_t_run(const char *src, bool table)
{
	struct az_entry_opts eo = { NULL, NULL };
	LLVMValueRef *keep = NULL;
	char cmd[CMD_MAX], bc[CMD_MAX];
	size_t n_keep = 0;
	FILE *f;

	snprintf(t.dir, sizeof(t.dir), "/tmp/check_az_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t.dir));
	snprintf(cmd, sizeof(cmd), "%s/t.c", t.dir);
	f = fopen(cmd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(src, f);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), AZ_T_CC " -o %s/t.bc %s/t.c", t.dir,
		 t.dir);
	az_t_system(cmd);
	snprintf(bc, sizeof(bc), "%s/t.bc", t.dir);
	if (table) {
		snprintf(cmd, sizeof(cmd), AZ_T_CC " -o %s/tbl.bc "
			 AZ_TEST_RTLIB "/table.c && " AZ_TEST_LLVM_LINK
			 " -o %s/all.bc %s/t.bc %s/tbl.bc", t.dir, t.dir, t.dir,
			 t.dir);
		az_t_system(cmd);
		snprintf(bc, sizeof(bc), "%s/all.bc", t.dir);
	}
	az_log_set_level(AZ_LOG_WARN);
	az_log_set_progress(false);
	ck_assert_int_eq(az_module_load(bc, &t.m), 0);
	ck_assert_int_eq(az_entry_loop_procs(t.m, &eo, &keep, &n_keep), 0);
	ck_assert_int_eq(az_module_prepare(t.m, keep, n_keep), 0);
	free(keep);
	ck_assert_int_eq(az_pta_run(t.m, NULL, &t.pta), 0);
	ck_assert_int_eq(az_cg_build(t.pta, &t.cg), 0);
	ck_assert_int_eq(az_entry_find(t.m, t.pta, t.cg, &eo, &t.el), 0);
	ck_assert_int_eq(az_result_init(&t.r, t.m, t.pta), 0);
	t.have_result = true;
	ck_assert_int_eq(az_persist_find(&t.r, &t.el), 0);
	ck_assert_int_eq(az_modref_build(t.m, t.pta, t.cg, &t.el, &t.mr), 0);
	ck_assert_int_eq(az_modref_mark(t.mr, &t.r), 0);
	ck_assert_int_eq(az_slice_run(t.mr, &t.r), 0);
	ck_assert_int_eq(az_flowspace_run(t.mr, &t.r), 0);
	az_result_finish(&t.r);
}

static void
az_t_teardown(void)
{
	char cmd[CMD_MAX];

	az_modref_free(t.mr);
	if (t.have_result)
		az_result_fini(&t.r);
	az_entry_list_free(&t.el);
	az_cg_free(t.cg);
	az_pta_free(t.pta);
	az_module_free(t.m);
	if (t.dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", t.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", t.dir);
	}
	memset(&t, 0, sizeof(t));
}

static const struct az_robj *
az_t_obj(const char *name)
{
	size_t i;

	for (i = 0; i < t.r.n_objs; i++)
		if (strcmp(t.r.objs[i].name, name) == 0)
			return &t.r.objs[i];
	ck_abort_msg("no persistent object %s", name);
	return NULL;
}

static const struct az_rfield *
az_t_field(const char *obj, const char *field)
{
	const struct az_robj *o = az_t_obj(obj);
	size_t i;

	for (i = 0; i < o->n_fields; i++)
		if (strcmp(o->fields[i].name, field) == 0)
			return &o->fields[i];
	ck_abort_msg("no field %s.%s", obj, field);
	return NULL;
}

/* Asserts object @p name's flags: 1 set, 0 clear. */
static void
az_t_flags(const char *name, int upd, int out)
{
	const struct az_robj *o = az_t_obj(name);

	ck_assert_msg(o->flag[AZ_FLAG_UPDATEABLE] == upd,
		      "%s: updateable %d (%s)", name,
		      o->flag[AZ_FLAG_UPDATEABLE],
		      o->reason[AZ_FLAG_UPDATEABLE]);
	ck_assert_msg(o->flag[AZ_FLAG_OUTPUT] == out,
		      "%s: output-impacting %d (%s)", name,
		      o->flag[AZ_FLAG_OUTPUT], o->reason[AZ_FLAG_OUTPUT]);
}

#define AZ_T_PROLOGUE							\
	"#include <stdint.h>\n#include <string.h>\n"			\
	"#include <sa/mbox.h>\n#include <sa/headers.h>\n"
#define AZ_T_DESCRIPTOR							\
	"const struct sa_middlebox mb = { .name = \"t\", .init = t_init,"\
	" .process = t_process };\nSA_MIDDLEBOX_REGISTER(mb)\n"

static const char src_stats[] = AZ_T_PROLOGUE
	"uint64_t pkts;\nuint64_t bytes;\nint blocked;\n"
	"static int t_init(struct sa_ctx *c, const struct sa_config *cfg)\n"
	"{ (void)c; (void)cfg; blocked = 0; return 0; }\n"
	"static void t_count(uint64_t *c, uint64_t n) { *c += n; }\n"
	"static void t_process(struct sa_ctx *ctx, struct sa_pkt *pkt)\n{\n"
	"	pkts++;\n	t_count(&bytes, pkt->len);\n"
	"	if (blocked) { sa_drop(ctx, pkt, 64); return; }\n"
	"	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);\n}\n" AZ_T_DESCRIPTOR;

START_TEST(stats_not_output)
{
	az_t_run(src_stats, false);
	az_t_flags("pkts", 1, 0);
	az_t_flags("bytes", 1, 0);
	/* Only decides whether the packet is dropped: control dependence. */
	az_t_flags("blocked", 0, 1);
	ck_assert_int_eq(az_t_obj("blocked")->kind, AZ_POBJ_GLOBAL);
	ck_assert_uint_ge(t.r.sum.stores_to_persistent, 2);
}
END_TEST

static const char src_memory[] = AZ_T_PROLOGUE
	"uint32_t last_src;\nuint32_t seen;\n"
	"struct t_cfg { uint32_t limit; uint32_t unused; } cfg;\n"
	"static int t_init(struct sa_ctx *c, const struct sa_config *x)\n"
	"{ (void)c; (void)x; cfg.limit = 7; cfg.unused = 1; return 0; }\n"
	"static unsigned int t_pick(uint32_t v) "
	"{ return v > cfg.limit ? 1u : 0u; }\n"
	"static void t_process(struct sa_ctx *ctx, struct sa_pkt *pkt)\n{\n"
	"	const struct sa_ipv4_hdr *ip = (const void *)(pkt->data + 14);\n"
	"	uint32_t s = seen;\n	unsigned int arm;\n"
	"	(void)s;\n	arm = t_pick(last_src);\n"
	"	last_src = ip->src_addr;\n"
	"	sa_emit(ctx, pkt, (enum sa_arm)arm);\n}\n" AZ_T_DESCRIPTOR;

START_TEST(memory_and_calls)
{
	az_t_run(src_memory, false);
	/* Read by the previous packet's arm decision, through a call. */
	az_t_flags("last_src", 1, 1);
	az_t_flags("seen", 0, 0);
	az_t_flags("cfg", 0, 1);
	ck_assert(az_t_field("cfg", "limit")->flag[AZ_FLAG_OUTPUT]);
	ck_assert(!az_t_field("cfg", "unused")->flag[AZ_FLAG_OUTPUT]);
	ck_assert_ptr_nonnull(strstr(az_t_obj("cfg")->reason[AZ_FLAG_OUTPUT],
				     "sa_emit"));
}
END_TEST

static const char src_modref[] = AZ_T_PROLOGUE
	"struct t_st { uint8_t mac[6]; uint16_t pad; uint32_t n; "
	"uint32_t never; } st;\nuint32_t cfg_val;\n"
	"static int t_init(struct sa_ctx *c, const struct sa_config *x)\n"
	"{ (void)c; (void)x; cfg_val = 3; st.never = 1; return 0; }\n"
	"static void t_touch(uint32_t *p) { (*p)++; }\n"
	"static void t_process(struct sa_ctx *ctx, struct sa_pkt *pkt)\n{\n"
	"	memcpy(st.mac, pkt->data + 6, 6);\n	t_touch(&st.n);\n"
	"	sa_emit(ctx, pkt, cfg_val ? SA_ARM_INSIDE : SA_ARM_OUTSIDE);\n}\n"
	AZ_T_DESCRIPTOR;

START_TEST(modref_fields)
{
	az_t_run(src_modref, false);
	ck_assert(az_t_field("st", "mac[]")->flag[AZ_FLAG_UPDATEABLE] ||
		  az_t_field("st", "mac")->flag[AZ_FLAG_UPDATEABLE]);
	ck_assert(az_t_field("st", "n")->flag[AZ_FLAG_UPDATEABLE]);
	ck_assert(!az_t_field("st", "never")->flag[AZ_FLAG_UPDATEABLE]);
	az_t_flags("cfg_val", 0, 1);
}
END_TEST

static const char src_flows[] = AZ_T_PROLOGUE
	"struct t_flow { uint64_t pkts; uint32_t src; };\n"
	"struct t_flow flows[1024];\nuint32_t per_src[256];\n"
	"uint64_t total;\n"
	"static int t_init(struct sa_ctx *c, const struct sa_config *x)\n"
	"{ (void)c; (void)x; return 0; }\n"
	"static uint32_t t_hash(uint32_t a, uint32_t b, uint16_t p, "
	"uint16_t q, uint8_t r)\n"
	"{ return (a ^ b ^ p ^ ((uint32_t)q << 16) ^ r) & 1023u; }\n"
	"static void t_process(struct sa_ctx *ctx, struct sa_pkt *pkt)\n{\n"
	"	const struct sa_ipv4_hdr *ip = (const void *)(pkt->data + 14);\n"
	"	const struct sa_udp_hdr *udp = (const void *)(ip + 1);\n"
	"	uint32_t h = t_hash(ip->src_addr, ip->dst_addr, "
	"udp->src_port, udp->dst_port, ip->next_proto_id);\n"
	"	flows[h].pkts++;\n	per_src[ip->src_addr & 255u]++;\n"
	"	total++;\n"
	"	if (flows[h].pkts > 100 || per_src[ip->src_addr & 255u] > 9)\n"
	"		sa_drop(ctx, pkt, 64);\n"
	"	else\n		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);\n}\n"
	AZ_T_DESCRIPTOR;

START_TEST(flowspace_scopes)
{
	const az_hdrset_t tuple = AZ_HDR_BIT(IPV4_SRC) | AZ_HDR_BIT(IPV4_DST) |
		AZ_HDR_BIT(IPV4_PROTO) | AZ_HDR_BIT(L4_SPORT) |
		AZ_HDR_BIT(L4_DPORT);

	az_t_run(src_flows, false);
	ck_assert_uint_eq(az_t_obj("flows")->flowspace, tuple);
	ck_assert_int_eq(az_t_obj("flows")->scope, AZ_SCOPE_PER_FLOW);
	ck_assert_uint_eq(az_t_obj("per_src")->flowspace,
			  AZ_HDR_BIT(IPV4_SRC));
	ck_assert_int_eq(az_t_obj("per_src")->scope, AZ_SCOPE_MULTI_FLOW);
	ck_assert_int_eq(az_t_obj("total")->scope, AZ_SCOPE_ALL_FLOWS);
	az_t_flags("total", 1, 0);
	az_t_flags("flows", 1, 1);
	ck_assert(!az_t_field("flows", "flows[].src")->flag[AZ_FLAG_UPDATEABLE]);
}
END_TEST

static const char src_table[] = AZ_T_PROLOGUE "#include <sa/table.h>\n"
	"struct t_key { uint32_t src, dst; uint16_t sport, dport; "
	"uint8_t proto, pad[3]; };\n"
	"struct t_val { uint8_t state; uint64_t bytes; };\n"
	"struct sa_table *tab;\nuint64_t created;\n"
	"static int t_init(struct sa_ctx *c, const struct sa_config *x)\n{\n"
	"	struct sa_table_params p = { .name = \"t\", .key_size = "
	"sizeof(struct t_key), .value_size = sizeof(struct t_val), "
	".capacity = 64 };\n	(void)c; (void)x;\n"
	"	return sa_table_create(&p, &tab);\n}\n"
	"static void t_process(struct sa_ctx *ctx, struct sa_pkt *pkt)\n{\n"
	"	const struct sa_ipv4_hdr *ip = (const void *)(pkt->data + 14);\n"
	"	const struct sa_tcp_hdr *tcp = (const void *)(ip + 1);\n"
	"	struct t_key k;\n	struct t_val *v;\n	void *nv;\n"
	"	memset(&k, 0, sizeof(k));\n	k.src = ip->src_addr;\n"
	"	k.dst = ip->dst_addr;\n	k.sport = tcp->src_port;\n"
	"	k.dport = tcp->dst_port;\n	k.proto = ip->next_proto_id;\n"
	"	v = sa_table_lookup(tab, &k);\n	if (v == NULL) {\n"
	"		if (sa_table_add(tab, &k, 0, &nv) != 0) "
	"{ sa_drop(ctx, pkt, 64); return; }\n"
	"		v = nv;\n		created++;\n	}\n"
	"	v->bytes += pkt->len;\n"
	"	sa_emit(ctx, pkt, v->state ? SA_ARM_INSIDE : SA_ARM_OUTSIDE);\n}\n"
	AZ_T_DESCRIPTOR;

START_TEST(table_per_flow)
{
	const az_hdrset_t tuple = AZ_HDR_BIT(IPV4_SRC) | AZ_HDR_BIT(IPV4_DST) |
		AZ_HDR_BIT(IPV4_PROTO) | AZ_HDR_BIT(L4_SPORT) |
		AZ_HDR_BIT(L4_DPORT);
	size_t i, heaps = 0;

	az_t_run(src_table, true);
	az_t_flags("tab", 0, 1);
	az_t_flags("created", 1, 0);
	for (i = 0; i < t.r.n_objs; i++) {
		const struct az_robj *o = &t.r.objs[i];

		if (o->kind != AZ_POBJ_HEAP)
			continue;
		heaps++;
		ck_assert_msg((o->flowspace & tuple) == tuple,
			      "%s: flowspace %#x", o->name, o->flowspace);
		ck_assert_int_eq(o->scope, AZ_SCOPE_PER_FLOW);
	}
	ck_assert_uint_ge(heaps, 1);
}
END_TEST

/* A key inside a bigger struct, hashed byte by byte: the pointer
 * analysis collapses the struct, yet the field next to the key stays
 * apart, since it is stored and loaded at exact offsets. */
static const char src_collapsed[] = AZ_T_PROLOGUE
	"struct t_key { uint32_t src, dst; uint16_t sport, dport; "
	"uint8_t proto, pad[3]; };\n"
	"struct t_flow { struct t_key key; uint8_t kind; };\n"
	"uint64_t slots[256];\nuint64_t by_kind[4];\n"
	"static int t_init(struct sa_ctx *c, const struct sa_config *x)\n"
	"{ (void)c; (void)x; return 0; }\n"
	"static uint32_t t_hash(const void *k, uint32_t len)\n{\n"
	"	const uint8_t *p = k;\n	uint32_t h = 0;\n"
	"	while (len-- > 0)\n		h = h * 31u + *p++;\n"
	"	return h & 255u;\n}\n"
	"static void t_fill(const struct sa_pkt *pkt, struct t_flow *f)\n{\n"
	"	const struct sa_ipv4_hdr *ip = (const void *)(pkt->data + 14);\n"
	"	const struct sa_udp_hdr *udp = (const void *)(ip + 1);\n"
	"	f->key = (struct t_key){ .src = ip->src_addr, .dst = "
	"ip->dst_addr, .sport = udp->src_port, .dport = udp->dst_port, "
	".proto = ip->next_proto_id };\n"
	"	f->kind = 1;\n}\n"
	"static void t_process(struct sa_ctx *ctx, struct sa_pkt *pkt)\n{\n"
	"	struct t_flow f;\n\n	t_fill(pkt, &f);\n"
	"	slots[t_hash(&f.key, sizeof(f.key))]++;\n"
	"	by_kind[f.kind & 3u]++;\n"
	"	sa_emit(ctx, pkt, slots[0] != 0 ? SA_ARM_INSIDE : "
	"SA_ARM_OUTSIDE);\n}\n" AZ_T_DESCRIPTOR;

START_TEST(collapsed_key)
{
	const az_hdrset_t tuple = AZ_HDR_BIT(IPV4_SRC) | AZ_HDR_BIT(IPV4_DST) |
		AZ_HDR_BIT(IPV4_PROTO) | AZ_HDR_BIT(L4_SPORT) |
		AZ_HDR_BIT(L4_DPORT);

	az_t_run(src_collapsed, false);
	ck_assert_uint_eq(az_t_obj("slots")->flowspace, tuple);
	ck_assert_int_eq(az_t_obj("by_kind")->scope, AZ_SCOPE_ALL_FLOWS);
	az_t_flags("slots", 1, 1);
	az_t_flags("by_kind", 1, 0);
}
END_TEST

static Suite *
az_slice_suite(void)
{
	Suite *s = suite_create("az_slice");
	TCase *tc;

	tc = sa_tcase(s, "slice", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, NULL, az_t_teardown);
	tcase_add_test(tc, stats_not_output);
	tcase_add_test(tc, memory_and_calls);
	tc = sa_tcase(s, "modref", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, NULL, az_t_teardown);
	tcase_add_test(tc, modref_fields);
	tc = sa_tcase(s, "flowspace", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, NULL, az_t_teardown);
	tcase_add_test(tc, flowspace_scopes);
	tcase_add_test(tc, table_per_flow);
	tcase_add_test(tc, collapsed_key);
	return s;
}

SA_CHECK_MAIN(az_slice_suite)
