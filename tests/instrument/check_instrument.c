/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * statealyzr instrument on small fixture middleboxes (fx_*.c, built by
 * meson into bitcode, instrumented, compiled with -O2 and linked here):
 * the exact dirty hooks each packet or tick makes (address, length,
 * class), the embedded manifest (names, classes, addresses, sizes, hash)
 * and heap allocation landing in the state heap. The sa_* API is the
 * test shim's; sa_dirty_hook is this file's recorder. Addresses of
 * globals come from the manifest, checked against the globals' contents.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include <sa/mbox.h>
#include <sa/replica.h>

#include "check_main.h"
#include "sa_shim.h"

#define TEST_TIMEOUT	10
#define HOOK_MAX	64
#define FRAME_LEN	64
#define FLOW_SRC_OFF	26

extern const struct sa_middlebox fx_stats_mb, fx_flow_mb, fx_config_mb,
	fx_memcpy_mb, fx_alias_mb, fx_malloc_mb, fx_local_mb, fx_tick_mb,
	fx_libcall_mb;

struct hook {
	uintptr_t addr;
	uint64_t len;
	uint32_t cls;
};

static struct hook hooks[HOOK_MAX];
static unsigned int n_hooks;

/* Every class on: each test sees every hook unless it narrows the gate. */
#define GATE_ALL	((1u << SA_DIRTY_OUTPUT_IMPACTING) | \
			 (1u << SA_DIRTY_UPDATE_ONLY))
struct sa_dirty_gate sa_dirty_gate = { .mask = GATE_ALL };

void
sa_dirty_hook(const void *addr, uint64_t len, uint32_t cls)
{
	ck_assert_uint_lt(n_hooks, HOOK_MAX);
	hooks[n_hooks].addr = (uintptr_t)addr;
	hooks[n_hooks].len = len;
	hooks[n_hooks].cls = cls;
	n_hooks++;
}

/* The hooks since the last call must be exactly @p want, in order. */
static void
expect_hooks(const char *what, const struct hook *want, unsigned int n)
{
	unsigned int i;

	ck_assert_msg(n_hooks == n, "%s: %u hooks, expected %u", what,
		      n_hooks, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(hooks[i].addr == want[i].addr &&
			      hooks[i].len == want[i].len &&
			      hooks[i].cls == want[i].cls,
			      "%s: hook %u is (%#lx, %lu, %u), expected "
			      "(%#lx, %lu, %u)", what, i,
			      (unsigned long)hooks[i].addr,
			      (unsigned long)hooks[i].len, hooks[i].cls,
			      (unsigned long)want[i].addr,
			      (unsigned long)want[i].len, want[i].cls);
	n_hooks = 0;
}

static const struct sa_manifest_region *
region(const struct sa_middlebox *mb, const char *name)
{
	const struct sa_manifest *mf = mb->manifest;
	uint32_t i;

	ck_assert_ptr_nonnull(mf);
	for (i = 0; i < mf->n_regions; i++)
		if (strcmp(mf->regions[i].name, name) == 0)
			return &mf->regions[i];
	ck_abort_msg("%s: no manifest region %s", mb->name, name);
	return NULL;
}

static uintptr_t
at(const struct sa_middlebox *mb, const char *name)
{
	return (uintptr_t)region(mb, name)->addr;
}

/* What a READ_ONLY pointer global holds (a heap base). */
static uintptr_t
ptr_in(const struct sa_middlebox *mb, const char *name)
{
	uintptr_t p;

	memcpy(&p, region(mb, name)->addr, sizeof(p));
	return p;
}

static void
start(const struct sa_middlebox *mb)
{
	ck_assert_int_eq(sa_shim_init(mb, ""), 0);
	n_hooks = 0;
}

static void
packet(uint32_t len, uint8_t first, uint64_t now, struct sa_shim_out *out)
{
	uint8_t f[FRAME_LEN * 2];
	uint32_t i;

	for (i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)(i * 7 + 1);
	f[0] = first;
	sa_shim_process(f, len, SA_ARM_INSIDE, now, out);
}

/* --- manifest ------------------------------------------------------------ */

struct want_region {
	const char *name;
	uint32_t cls;
	uint64_t len;
};

struct want_manifest {
	const struct sa_middlebox *mb;
	unsigned int n;
	struct want_region r[4];
};

START_TEST(manifests)
{
	static const struct want_manifest want[] = {
		{ &fx_stats_mb, 2, { { "fx_stats_bytes", 2, 8 },
				     { "fx_stats_pkts", 2, 8 } } },
		{ &fx_flow_mb, 1, { { "fx_flow_tbl", 3, 8 } } },
		{ &fx_config_mb, 1, { { "fx_config_cfg", 3, 8 } } },
		{ &fx_memcpy_mb, 2, { { "fx_memcpy_last", 1, 64 },
				      { "fx_memcpy_len", 1, 4 } } },
		{ &fx_alias_mb, 2, { { "fx_alias_cur", 3, 8 },
				     { "fx_alias_slots", 1, 16 } } },
		{ &fx_malloc_mb, 4, { { "fx_malloc_hist", 1, 8 },
				      { "fx_malloc_label", 3, 8 },
				      { "fx_malloc_n", 1, 4 },
				      { "fx_malloc_rec", 3, 8 } } },
		{ &fx_local_mb, 0, { { NULL, 0, 0 } } },
		{ &fx_tick_mb, 2, { { "fx_tick_expired", 2, 4 },
				    { "fx_tick_tab", 1, 128 } } },
		{ &fx_libcall_mb, 2, { { "fx_libcall_last", 2, 16 },
				       { "fx_libcall_name", 2, 32 } } },
	};
	const struct sa_manifest *mf;
	const struct want_manifest *w;
	unsigned int i, k, zero;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		w = &want[i];
		mf = w->mb->manifest;
		ck_assert_msg(mf != NULL, "%s: no manifest", w->mb->name);
		ck_assert_uint_eq(mf->version, SA_MANIFEST_VERSION);
		ck_assert_msg(mf->n_regions == w->n, "%s: %u regions, "
			      "expected %u", w->mb->name, mf->n_regions, w->n);
		for (k = 0, zero = 0; k < SA_MANIFEST_HASH_LEN; k++)
			zero += mf->analysis_hash[k] == 0;
		ck_assert_msg(zero < SA_MANIFEST_HASH_LEN, "%s: no hash",
			      w->mb->name);
		for (k = 0; k < w->n; k++) {
			const struct sa_manifest_region *r = &mf->regions[k];

			ck_assert_str_eq(r->name, w->r[k].name);
			ck_assert_msg(r->cls == w->r[k].cls, "%s: class %u, "
				      "expected %u", r->name, r->cls,
				      w->r[k].cls);
			ck_assert_uint_eq(r->len, w->r[k].len);
			ck_assert_ptr_nonnull(r->addr);
		}
	}
	/* The three classes are the runtime's numbers. */
	ck_assert_int_eq(SA_DIRTY_OUTPUT_IMPACTING, 1);
	ck_assert_int_eq(SA_DIRTY_UPDATE_ONLY, 2);
	ck_assert_int_eq(SA_REGION_READ_ONLY, 3);
}
END_TEST

/* --- hooks ------------------------------------------------------------------ */

START_TEST(stats_update_only)
{
	struct sa_shim_out out;
	uint64_t pkts;
	int i;

	start(&fx_stats_mb);
	for (i = 0; i < 3; i++) {
		const struct hook want[] = {
			{ at(&fx_stats_mb, "fx_stats_pkts"), 8,
			  SA_DIRTY_UPDATE_ONLY },
			{ at(&fx_stats_mb, "fx_stats_bytes"), 8,
			  SA_DIRTY_UPDATE_ONLY },
		};

		packet(FRAME_LEN, 0, 1, &out);
		expect_hooks("fx_stats", want, 2);
	}
	memcpy(&pkts, region(&fx_stats_mb, "fx_stats_pkts")->addr, 8);
	ck_assert_uint_eq(pkts, 3);
	ck_assert_uint_eq(sa_shim_stat("pkts"), 3);
	sa_shim_fini();
}
END_TEST

START_TEST(flow_table_in_heap)
{
	struct sa_shim_out out;
	const void *base;
	uintptr_t tbl, e;
	uint32_t src, count;
	uint8_t f[FRAME_LEN];
	size_t size;
	int i;

	start(&fx_flow_mb);
	tbl = ptr_in(&fx_flow_mb, "fx_flow_tbl");
	ck_assert_int_eq(sa_shim_state_find((void *)tbl, &base, &size), 1);
	ck_assert_uint_eq((uintptr_t)base, tbl);
	ck_assert_uint_eq(size, 256 * 8);
	memset(f, 0, sizeof(f));
	f[FLOW_SRC_OFF] = 10;
	f[FLOW_SRC_OFF + 3] = 5;
	memcpy(&src, f + FLOW_SRC_OFF, sizeof(src));
	e = tbl + (src % 256) * 8;
	for (i = 0; i < 3; i++) {
		const struct hook want[] = {
			{ e, 4, SA_DIRTY_UPDATE_ONLY },
			{ e + 4, 4, SA_DIRTY_OUTPUT_IMPACTING },
		};

		sa_shim_process(f, sizeof(f), SA_ARM_INSIDE, 1, &out);
		expect_hooks("fx_flow", want, 2);
		ck_assert_int_eq(out.verdict, i < 2 ? SA_SHIM_EMIT :
				 SA_SHIM_DROP);
	}
	memcpy(&count, (void *)(e + 4), sizeof(count));
	ck_assert_uint_eq(count, 3);
	/* Too short: a drop, no state touched. */
	sa_shim_process(f, 10, SA_ARM_INSIDE, 1, &out);
	expect_hooks("fx_flow short", NULL, 0);
	sa_shim_fini();
}
END_TEST

/* The inline gate: a class the runtime does not log is never called,
 * and an OUTPUT_IMPACTING store marks the packet whatever the mask. */
START_TEST(gate)
{
	struct sa_shim_out out;
	uintptr_t e;
	uint32_t src;
	uint8_t f[FRAME_LEN];

	start(&fx_flow_mb);
	memset(f, 0, sizeof(f));
	f[FLOW_SRC_OFF] = 7;
	memcpy(&src, f + FLOW_SRC_OFF, sizeof(src));
	e = ptr_in(&fx_flow_mb, "fx_flow_tbl") + (src % 256) * 8;

	sa_dirty_gate.mask = 0;
	sa_dirty_gate.output_impacting = 0;
	sa_shim_process(f, sizeof(f), SA_ARM_INSIDE, 1, &out);
	expect_hooks("mask 0", NULL, 0);
	ck_assert_uint_eq(sa_dirty_gate.output_impacting, 1);

	sa_dirty_gate.mask = 1u << SA_DIRTY_OUTPUT_IMPACTING;
	sa_shim_process(f, sizeof(f), SA_ARM_INSIDE, 1, &out);
	expect_hooks("output only", (const struct hook[]){
		{ e + 4, 4, SA_DIRTY_OUTPUT_IMPACTING } }, 1);

	sa_dirty_gate.mask = 1u << SA_DIRTY_UPDATE_ONLY;
	sa_dirty_gate.output_impacting = 0;
	sa_shim_process(f, sizeof(f), SA_ARM_INSIDE, 1, &out);
	expect_hooks("update-only only", (const struct hook[]){
		{ e, 4, SA_DIRTY_UPDATE_ONLY } }, 1);
	ck_assert_uint_eq(sa_dirty_gate.output_impacting, 1);

	sa_dirty_gate.mask = GATE_ALL;
	sa_shim_fini();
}
END_TEST

START_TEST(config_read_only)
{
	struct sa_shim_out out;
	uint32_t min_len;

	start(&fx_config_mb);
	memcpy(&min_len, region(&fx_config_mb, "fx_config_cfg")->addr, 4);
	ck_assert_uint_eq(min_len, 60);
	packet(FRAME_LEN, 0, 1, &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
	packet(20, 0, 1, &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_DROP);
	expect_hooks("fx_config", NULL, 0);
	sa_shim_fini();
}
END_TEST

START_TEST(memcpy_lengths)
{
	struct sa_shim_out out;
	uintptr_t last;

	start(&fx_memcpy_mb);
	last = at(&fx_memcpy_mb, "fx_memcpy_last");
	{
		const struct hook want[] = {
			{ last, 40, SA_DIRTY_OUTPUT_IMPACTING },
			{ at(&fx_memcpy_mb, "fx_memcpy_len"), 4,
			  SA_DIRTY_OUTPUT_IMPACTING },
			{ last + 40, 24, SA_DIRTY_OUTPUT_IMPACTING },
		};

		packet(40, 9, 1, &out);
		expect_hooks("fx_memcpy 40", want, 3);
	}
	{
		const struct hook want[] = {
			{ last, 64, SA_DIRTY_OUTPUT_IMPACTING },
			{ at(&fx_memcpy_mb, "fx_memcpy_len"), 4,
			  SA_DIRTY_OUTPUT_IMPACTING },
			{ last + 64, 0, SA_DIRTY_OUTPUT_IMPACTING },
		};

		packet(100, 9, 1, &out);
		expect_hooks("fx_memcpy 100", want, 3);
	}
	ck_assert_uint_eq(((const uint8_t *)last)[0], 9);
	/* A duplicate is dropped before any store. */
	packet(100, 9, 1, &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_DROP);
	expect_hooks("fx_memcpy dup", NULL, 0);
	sa_shim_fini();
}
END_TEST

START_TEST(store_through_alias)
{
	struct sa_shim_out out;
	uintptr_t slots;

	start(&fx_alias_mb);
	slots = at(&fx_alias_mb, "fx_alias_slots");
	ck_assert_uint_eq(ptr_in(&fx_alias_mb, "fx_alias_cur"), slots);
	{
		const struct hook want[] = {
			{ slots + 4, 4, SA_DIRTY_OUTPUT_IMPACTING },
		};

		packet(FRAME_LEN, 1, 1, &out);
		expect_hooks("fx_alias odd", want, 1);
	}
	{
		const struct hook want[] = {
			{ slots, 4, SA_DIRTY_OUTPUT_IMPACTING },
		};

		packet(FRAME_LEN, 2, 1, &out);
		expect_hooks("fx_alias even", want, 1);
	}
	ck_assert_uint_eq(((const uint32_t *)slots)[0], 1);
	ck_assert_uint_eq(((const uint32_t *)slots)[1], 1);
	sa_shim_fini();
}
END_TEST

START_TEST(malloc_in_state_heap)
{
	struct sa_shim_out out;
	uintptr_t rec, hist, nhist;
	const void *base;
	size_t size;

	start(&fx_malloc_mb);
	rec = ptr_in(&fx_malloc_mb, "fx_malloc_rec");
	hist = ptr_in(&fx_malloc_mb, "fx_malloc_hist");
	ck_assert_int_eq(sa_shim_state_find((void *)rec, &base, &size), 1);
	ck_assert_uint_eq(size, 16);
	ck_assert_int_eq(sa_shim_state_find((void *)hist, &base, &size), 1);
	ck_assert_uint_eq(size, 16);
	ck_assert_int_eq(sa_shim_state_find((void *)ptr_in(&fx_malloc_mb,
				"fx_malloc_label"), &base, &size), 1);
	ck_assert_str_eq((const char *)base, "fx_malloc");
	{
		const struct hook want[] = {
			{ rec, 8, SA_DIRTY_UPDATE_ONLY },
			{ hist + 8, 4, SA_DIRTY_OUTPUT_IMPACTING },
		};

		packet(FRAME_LEN, 2, 1, &out);
		expect_hooks("fx_malloc in place", want, 2);
	}
	packet(FRAME_LEN, 9, 1, &out);
	nhist = ptr_in(&fx_malloc_mb, "fx_malloc_hist");
	ck_assert(nhist != hist);
	ck_assert_int_eq(sa_shim_state_find((void *)nhist, &base, &size), 1);
	ck_assert_uint_eq(size, 40);
	ck_assert_int_eq(sa_shim_state_find((void *)hist, &base, &size), 0);
	{
		const struct hook want[] = {
			{ rec, 8, SA_DIRTY_UPDATE_ONLY },
			{ at(&fx_malloc_mb, "fx_malloc_hist"), 8,
			  SA_DIRTY_OUTPUT_IMPACTING },
			{ at(&fx_malloc_mb, "fx_malloc_n"), 4,
			  SA_DIRTY_OUTPUT_IMPACTING },
			{ nhist + 36, 4, SA_DIRTY_OUTPUT_IMPACTING },
		};

		expect_hooks("fx_malloc realloc", want, 4);
	}
	ck_assert_uint_eq(((const uint32_t *)nhist)[2], 1);
	sa_shim_fini();
	/* fini's free() went to the state heap too. */
	ck_assert_int_eq(sa_shim_state_find((void *)rec, &base, &size), 0);
}
END_TEST

START_TEST(local_and_packet_stores)
{
	struct sa_shim_out out;

	start(&fx_local_mb);
	packet(FRAME_LEN, 3, 1, &out);
	ck_assert_int_eq(out.verdict, SA_SHIM_EMIT);
	expect_hooks("fx_local", NULL, 0);
	sa_shim_fini();
}
END_TEST

START_TEST(tick_expiry)
{
	struct sa_shim_out out;
	uintptr_t e;

	start(&fx_tick_mb);
	e = at(&fx_tick_mb, "fx_tick_tab") + 3 * 16;
	{
		const struct hook want[] = {
			{ e + 8, 4, SA_DIRTY_OUTPUT_IMPACTING },
			{ e, 8, SA_DIRTY_OUTPUT_IMPACTING },
		};

		packet(FRAME_LEN, 3, 100, &out);
		expect_hooks("fx_tick process", want, 2);
	}
	sa_shim_tick(500);
	expect_hooks("fx_tick early", NULL, 0);
	{
		const struct hook want[] = {
			{ e + 8, 4, SA_DIRTY_OUTPUT_IMPACTING },
			{ at(&fx_tick_mb, "fx_tick_expired"), 4,
			  SA_DIRTY_UPDATE_ONLY },
		};

		sa_shim_tick(2000);
		expect_hooks("fx_tick expiry", want, 2);
	}
	sa_shim_fini();
}
END_TEST

START_TEST(library_calls)
{
	struct sa_shim_out out;
	const struct hook want[] = {
		{ at(&fx_libcall_mb, "fx_libcall_name"), 32,
		  SA_DIRTY_UPDATE_ONLY },
		{ at(&fx_libcall_mb, "fx_libcall_last"), SA_DIRTY_LEN_UNKNOWN,
		  SA_DIRTY_UPDATE_ONLY },
	};

	start(&fx_libcall_mb);
	packet(FRAME_LEN, 0, 1, &out);
	expect_hooks("fx_libcall", want, 2);
	ck_assert_str_eq((const char *)want[0].addr, "len 64");
	ck_assert_str_eq((const char *)want[1].addr, "big");
	sa_shim_fini();
}
END_TEST

static Suite *
instrument_suite(void)
{
	Suite *s = suite_create("instrument");
	TCase *tc;

	tc = sa_tcase(s, "manifest", TEST_TIMEOUT);
	tcase_add_test(tc, manifests);
	tc = sa_tcase(s, "hooks", TEST_TIMEOUT);
	tcase_add_test(tc, stats_update_only);
	tcase_add_test(tc, flow_table_in_heap);
	tcase_add_test(tc, gate);
	tcase_add_test(tc, config_read_only);
	tcase_add_test(tc, memcpy_lengths);
	tcase_add_test(tc, store_through_alias);
	tcase_add_test(tc, local_and_packet_stores);
	tcase_add_test(tc, tick_expiry);
	tcase_add_test(tc, library_calls);
	tc = sa_tcase(s, "heap", TEST_TIMEOUT);
	tcase_add_test(tc, malloc_in_state_heap);
	return s;
}

SA_CHECK_MAIN(instrument_suite)
