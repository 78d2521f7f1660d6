/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The standby's applier, driven the way rt_standby drives it (rt_wire_open
 * then rt_apply_frame): good snapshots and deltas land at their addresses;
 * every bad frame — unauthenticated, truncated, oversized, malformed,
 * out of order, of another epoch, reaching outside the arena and the
 * manifest regions, too large, unexpected — is rejected whole under its
 * own counter and writes nothing; a split batch lands only when complete.
 * Operator commands a delta carries run before its ranges are written; a
 * bad command record (too long, not UTF-8, out of order) or one that
 * fails here rejects the frame.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_main.h"
#include "rt_apply.h"
#include "rt_arena.h"
#include "rt_cmd.h"
#include "rt_ident.h"
#include "rt_ranges.h"

#define TEST_BASE	0x620000000000ULL
#define TEST_SIZE	(4ULL << 20)
#define TEST_EPOCH	5
#define TEST_TIMEOUT	10
#define TEST_BUF	(RT_WIRE_OVERHEAD + (2u << 20))

/* Two adjacent "globals" and one apart, as an instrumenter would list. */
static uint8_t g_pair[2][64] __attribute__((aligned(64)));
/* The guard keeps whatever the linker puts next out of reach. */
static struct {
	uint8_t far[32];
	uint8_t guard[32];
} g_far_s;
#define g_far g_far_s.far
static const struct sa_manifest_region regions[] = {
	{ g_pair[0], sizeof(g_pair[0]), SA_DIRTY_OUTPUT_IMPACTING, "pair0" },
	{ g_pair[1], sizeof(g_pair[1]), SA_DIRTY_UPDATE_ONLY, "pair1" },
	{ g_far, sizeof(g_far), SA_DIRTY_OUTPUT_IMPACTING, "far" },
};
static const struct sa_manifest manifest = {
	.version = SA_MANIFEST_VERSION,
	.n_regions = 3,
	.regions = regions,
};
static const uint8_t key[RT_WIRE_KEY_LEN] = { 42 };

static struct rt_arena *arena;
static struct rt_rmap rmap;
static struct rt_apply ap;
static struct rt_repl_stats stats;
static struct rt_wire_auth auth;
static uint8_t *arena_mem;
static uint8_t buf[TEST_BUF];

struct test_range {
	uint64_t addr;
	const void *data;
	size_t len;
};

static void
setup(void)
{
	ck_assert_int_eq(rt_arena_create(TEST_BASE, TEST_SIZE, &arena), 0);
	arena_mem = rt_arena_get(arena, 2u << 20);
	ck_assert_ptr_nonnull(arena_mem);
	ck_assert_int_eq(rt_rmap_init(&rmap, arena, &manifest), 0);
	memset(&stats, 0, sizeof(stats));
	rt_apply_init(&ap, &rmap, &stats);
	rt_apply_session(&ap, TEST_EPOCH);
	ck_assert_int_eq(rt_wire_auth_init(&auth, key), 0);
}

static void
teardown(void)
{
	rt_apply_fini(&ap);
	rt_rmap_fini(&rmap);
	rt_wire_auth_fini(&auth);
	rt_arena_free(arena);
}

/* Packs @p tr in the given order as the primary does (rt_ranges); ranges
 * out of order come out as a gap that would pass 2^64. */
static void
fill_ranges(ProtobufCBinaryData *out, const struct test_range *tr,
	    unsigned int n)
{
	static uint8_t blob[2 * RT_FRAME_DATA_MAX];
	uint8_t *p = blob;
	uint64_t end = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		p = rt_ranges_put(p, &end, tr[i].addr, tr[i].data, tr[i].len);
	out->data = blob;
	out->len = (size_t)(p - blob);
}

static int
test_range_cmp(const void *x, const void *y)
{
	const struct test_range *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static size_t
seal_msg(uint8_t type, const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_pack(m, buf + RT_WIRE_HDR_LEN);

	return rt_wire_seal(&auth, type, buf, (uint32_t)len);
}

static size_t
delta(uint64_t epoch, uint32_t seq, int more, const struct test_range *tr,
      unsigned int n)
{
	Sa__Repl__StateDelta d = SA__REPL__STATE_DELTA__INIT;

	fill_ranges(&d.ranges, tr, n);
	d.epoch = epoch;
	d.seq = seq;
	d.input_count = seq * 32;
	d.more = more;
	return seal_msg(RT_MSG_DELTA, &d.base);
}

/* A delta whose packed ranges are @p blob as given. */
static size_t
delta_raw(uint64_t epoch, uint32_t seq, const uint8_t *blob, size_t len)
{
	Sa__Repl__StateDelta d = SA__REPL__STATE_DELTA__INIT;

	d.epoch = epoch;
	d.seq = seq;
	d.ranges.data = (uint8_t *)(uintptr_t)blob;
	d.ranges.len = len;
	return seal_msg(RT_MSG_DELTA, &d.base);
}

static size_t
chunk(uint32_t seq, uint32_t index, uint32_t count,
      const struct test_range *tr, unsigned int n)
{
	Sa__Repl__SnapshotChunk c = SA__REPL__SNAPSHOT_CHUNK__INIT;

	fill_ranges(&c.ranges, tr, n);
	c.epoch = TEST_EPOCH;
	c.seq = seq;
	c.index = index;
	c.count = count;
	return seal_msg(RT_MSG_SNAPSHOT, &c.base);
}

/* As rt_standby: open, then apply; count the reason of a rejection.
 * @return the reason (RT_REJECT_NONE: applied), or -EAGAIN. */
static int
feed(const struct rt_wire_auth *a, size_t len)
{
	struct rt_wire_frame f;
	enum rt_reject why = RT_REJECT_NONE;
	int ret;

	ret = rt_wire_open((struct rt_wire_auth *)(uintptr_t)a, buf, len, &f,
			   &why);
	if (ret == -EAGAIN)
		return -EAGAIN;
	if (ret == 0)
		rt_apply_frame(&ap, &f, &why);
	stats.reject[why]++;
	return why;
}

/* Snapshot of nothing: the standby is synced at seq 1. */
static void
sync_up(void)
{
	ck_assert_int_eq(feed(&auth, chunk(1, 0, 1, NULL, 0)), 0);
	ck_assert_uint_eq(ap.sync, RT_SYNC_SYNCED);
}

static uint64_t
addr_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

START_TEST(snapshot_and_delta)
{
	static const uint8_t a[] = "arena bytes", b[] = "global";
	struct test_range s[] = {
		{ addr_of(arena_mem), a, sizeof(a) },
		{ addr_of(g_far), b, sizeof(b) },
	};
	struct test_range d[] = {
		/* Spans two adjacent regions: one range suffices. */
		{ addr_of(g_pair[0]) + 60, a, 8 },
	};

	ck_assert_int_eq(feed(&auth, chunk(1, 0, 2, s, 1)), 0);
	ck_assert_uint_eq(ap.sync, RT_SYNC_SYNCING);
	ck_assert_int_eq(feed(&auth, chunk(2, 1, 2, s + 1, 1)), 0);
	ck_assert_uint_eq(ap.sync, RT_SYNC_SYNCED);
	ck_assert_mem_eq(arena_mem, a, sizeof(a));
	ck_assert_mem_eq(g_far, b, sizeof(b));
	ck_assert_int_eq(feed(&auth, delta(TEST_EPOCH, 3, 0, d, 1)), 0);
	ck_assert_mem_eq(&g_pair[0][60], a, 8);
	ck_assert_uint_eq(ap.done_seq, 3);
	ck_assert_uint_eq(ap.input_count, 3 * 32);
	ck_assert_uint_eq(stats.batches, 1);
}
END_TEST

/* Each bad frame: its reason counted, not a byte written. */
static void
expect_rejected(const struct rt_wire_auth *a, size_t len, enum rt_reject r)
{
	uint64_t before = stats.reject[r];

	ck_assert_int_eq(feed(a, len), r);
	ck_assert_uint_eq(stats.reject[r], before + 1);
	ck_assert_uint_eq(arena_mem[0], 0);
	ck_assert_uint_eq(g_far[0], 0);
	ck_assert_uint_eq(stats.batches, 0);
}

START_TEST(bad_frames)
{
	static const uint8_t x[] = "X";
	static const uint8_t other_key[RT_WIRE_KEY_LEN] = { 43 };
	struct test_range ok = { addr_of(arena_mem), x, 1 };
	struct test_range far = { addr_of(g_far), x, 1 };
	struct rt_wire_auth stranger;
	size_t n;

	sync_up();
	ck_assert_int_eq(rt_wire_auth_init(&stranger, other_key), 0);
	/* Unauthenticated: sealed under another key. */
	n = delta(TEST_EPOCH, 2, 0, &ok, 1);
	expect_rejected(&stranger, n, RT_REJECT_BAD_HMAC);
	/* Truncated: never opened, so nothing to apply. */
	ck_assert_int_eq(feed(&auth, n - 1), -EAGAIN);
	/* Malformed protobuf, correctly sealed. */
	memset(buf + RT_WIRE_HDR_LEN, 0xff, 16);
	expect_rejected(&auth, rt_wire_seal(&auth, RT_MSG_DELTA, buf, 16),
			RT_REJECT_MALFORMED);
	expect_rejected(&auth, delta(TEST_EPOCH + 1, 2, 0, &ok, 1),
			RT_REJECT_BAD_EPOCH);
	expect_rejected(&auth, delta(TEST_EPOCH, 3, 0, &ok, 1),
			RT_REJECT_BAD_SEQ);
	expect_rejected(&auth, delta(TEST_EPOCH, 1, 0, &ok, 1),
			RT_REJECT_BAD_SEQ);
	/* A Hello or an Ack has no place in a running session. */
	n = delta(TEST_EPOCH, 2, 0, &ok, 1);
	n = rt_wire_seal(&auth, RT_MSG_ACK, buf, (uint32_t)(n -
			 RT_WIRE_OVERHEAD));
	expect_rejected(&auth, n, RT_REJECT_UNEXPECTED);
	/* Good ranges do not save a frame with one bad range. */
	{
		struct test_range bad[] = {
			ok, far,
			{ addr_of(&stats), x, 1 },
		};
		struct test_range edge[] = {
			ok,
			{ TEST_BASE + TEST_SIZE - 4, x, 8 },
		};
		struct test_range gap[] = {
			{ addr_of(g_far) + sizeof(g_far) - 1, x, 2 },
		};
		/* Each inside, but not in ascending order: the second's gap
		 * would pass 2^64. */
		struct test_range backwards[] = {
			{ addr_of(arena_mem) + 64, x, 1 },
			ok,
		};

		/* In address order, as the primary sends them, so that what
		 * is refused is the range in 'stats', not the order. */
		qsort(bad, sizeof(bad) / sizeof(bad[0]), sizeof(bad[0]),
		      test_range_cmp);
		expect_rejected(&auth, delta(TEST_EPOCH, 2, 0, bad, 3),
				RT_REJECT_OUT_OF_RANGE);
		expect_rejected(&auth, delta(TEST_EPOCH, 2, 0, backwards, 2),
				RT_REJECT_OUT_OF_RANGE);
		expect_rejected(&auth, delta(TEST_EPOCH, 2, 0, edge, 2),
				RT_REJECT_OUT_OF_RANGE);
		expect_rejected(&auth, delta(TEST_EPOCH, 2, 0, gap, 1),
				RT_REJECT_OUT_OF_RANGE);
	}
	rt_wire_auth_fini(&stranger);
	/* After all that, the next good frame is still seq 2. */
	ck_assert_int_eq(feed(&auth, delta(TEST_EPOCH, 2, 0, &ok, 1)), 0);
	ck_assert_uint_eq(arena_mem[0], 'X');
}
END_TEST

static size_t
bye(uint64_t epoch, const char *reason)
{
	Sa__Repl__Bye b = SA__REPL__BYE__INIT;

	b.epoch = epoch;
	b.reason = (char *)(uintptr_t)reason;
	return seal_msg(RT_MSG_BYE, &b.base);
}

/* The primary drops this standby and lives on: a synced state goes
 * STALE and the session is over; a malformed or foreign Bye is refused
 * like any frame and changes nothing. */
START_TEST(bye_makes_stale)
{
	struct rt_wire_frame f;
	enum rt_reject why = RT_REJECT_NONE;
	size_t n;

	sync_up();
	memset(buf + RT_WIRE_HDR_LEN, 0xff, 16);
	expect_rejected(&auth, rt_wire_seal(&auth, RT_MSG_BYE, buf, 16),
			RT_REJECT_MALFORMED);
	expect_rejected(&auth, bye(TEST_EPOCH + 1, "silent"),
			RT_REJECT_BAD_EPOCH);
	ck_assert_uint_eq(ap.sync, RT_SYNC_SYNCED);
	ck_assert_uint_eq(stats.byes, 0);
	n = bye(TEST_EPOCH, "silent past ack_timeout");
	ck_assert_int_eq(rt_wire_open(&auth, buf, n, &f, &why), 0);
	ck_assert_int_eq(rt_apply_frame(&ap, &f, &why), RT_APPLY_BYE);
	ck_assert_int_eq(why, RT_REJECT_NONE);
	ck_assert_uint_eq(ap.sync, RT_SYNC_STALE);
	ck_assert_uint_eq(stats.byes, 1);
	/* A standby never synced stays so: STALE is for a whole state. */
	rt_apply_session(&ap, TEST_EPOCH);
	ap.sync = RT_SYNC_SYNCING;
	ck_assert_int_eq(rt_apply_frame(&ap, &f, &why), RT_APPLY_BYE);
	ck_assert_uint_eq(ap.sync, RT_SYNC_SYNCING);
}
END_TEST

/* Packed ranges that do not parse are malformed, whatever else is wrong
 * (the epoch here): checked with the protobuf. */
START_TEST(bad_packed_ranges)
{
	/* gap 0, len 10, two bytes of data. */
	static const uint8_t truncated[] = { 0x00, 0x0a, 'a', 'b' };
	/* gap 0, len 0. */
	static const uint8_t empty[] = { 0x00, 0x00 };
	/* A gap varint of 11 bytes. */
	static const uint8_t overlong[] = {
		0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
		0x01, 0x01, 'x',
	};
	/* A 10th varint byte above 1: more than 64 bits. */
	static const uint8_t wide[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
		0x01, 'x',
	};
	/* Only a gap. */
	static const uint8_t gap_only[] = { 0x85 };
	uint8_t far[RT_VARINT_MAX + 2], *p = far;
	uint64_t end = 0;

	sync_up();
	expect_rejected(&auth, delta_raw(TEST_EPOCH + 1, 2, truncated,
					 sizeof(truncated)),
			RT_REJECT_MALFORMED);
	expect_rejected(&auth, delta_raw(TEST_EPOCH, 2, empty, sizeof(empty)),
			RT_REJECT_MALFORMED);
	expect_rejected(&auth, delta_raw(TEST_EPOCH, 2, overlong,
					 sizeof(overlong)),
			RT_REJECT_MALFORMED);
	expect_rejected(&auth, delta_raw(TEST_EPOCH, 2, wide, sizeof(wide)),
			RT_REJECT_MALFORMED);
	expect_rejected(&auth, delta_raw(TEST_EPOCH, 2, gap_only,
					 sizeof(gap_only)),
			RT_REJECT_MALFORMED);
	/* Well formed, but the range ends past 2^64. */
	p = rt_ranges_put(p, &end, UINT64_MAX, "x", 1);
	expect_rejected(&auth, delta_raw(TEST_EPOCH, 2, far,
					 (size_t)(p - far)),
			RT_REJECT_OUT_OF_RANGE);
	/* The session goes on at seq 2. */
	ck_assert_int_eq(feed(&auth, delta_raw(TEST_EPOCH, 2, NULL, 0)), 0);
}
END_TEST

START_TEST(too_large)
{
	static uint8_t big[RT_FRAME_DATA_MAX / 2 + 1];
	struct test_range r[] = {
		{ addr_of(arena_mem), big, sizeof(big) },
		{ addr_of(arena_mem) + sizeof(big), big, sizeof(big) },
	};

	memset(big, 0x5a, sizeof(big));
	sync_up();
	expect_rejected(&auth, delta(TEST_EPOCH, 2, 0, r, 2),
			RT_REJECT_TOO_LARGE);
}
END_TEST

START_TEST(unexpected_before_sync)
{
	static const uint8_t x[] = "X";
	struct test_range ok = { addr_of(arena_mem), x, 1 };

	expect_rejected(&auth, delta(TEST_EPOCH, 1, 0, &ok, 1),
			RT_REJECT_UNEXPECTED);
	/* A snapshot chunk out of place. */
	expect_rejected(&auth, chunk(1, 1, 2, &ok, 1), RT_REJECT_UNEXPECTED);
}
END_TEST

START_TEST(split_batch)
{
	static const uint8_t a[] = "first", b[] = "second";
	struct test_range r1 = { addr_of(arena_mem), a, sizeof(a) };
	struct test_range r2 = { addr_of(g_far), b, sizeof(b) };

	sync_up();
	ck_assert_int_eq(feed(&auth, delta(TEST_EPOCH, 2, 1, &r1, 1)), 0);
	/* Staged: the state is still the previous batch's. */
	ck_assert_uint_eq(arena_mem[0], 0);
	ck_assert_uint_eq(ap.done_seq, 1);
	ck_assert_int_eq(feed(&auth, delta(TEST_EPOCH, 3, 0, &r2, 1)), 0);
	ck_assert_mem_eq(arena_mem, a, sizeof(a));
	ck_assert_mem_eq(g_far, b, sizeof(b));
	ck_assert_uint_eq(ap.done_seq, 3);
	ck_assert_uint_eq(stats.batches, 1);
	/* A split batch cut short by the end of the session: dropped. */
	ck_assert_int_eq(feed(&auth, delta(TEST_EPOCH, 4, 1, &r1, 1)), 0);
	rt_apply_end_session(&ap);
	ck_assert_uint_eq(ap.done_seq, 3);
}
END_TEST

START_TEST(ack_not_carried_over)
{
	static const uint8_t a[] = "applied";
	struct test_range r1 = { addr_of(arena_mem), a, sizeof(a) };

	sync_up();
	ap.done = 0;
	ck_assert_int_eq(feed(&auth, delta(TEST_EPOCH, 2, 0, &r1, 1)), 0);
	ck_assert_int_eq(ap.done, 1);
	/* The session ends (a Bye read with the delta) before the ack went
	 * out: the next session must not ack seq 2. */
	rt_apply_end_session(&ap);
	ck_assert_int_eq(ap.done, 0);
	rt_apply_session(&ap, TEST_EPOCH);
	ck_assert_int_eq(ap.done, 0);
	ck_assert_uint_eq(ap.done_seq, 0);
	ck_assert_mem_eq(arena_mem, a, sizeof(a));
}
END_TEST

START_TEST(verify_mismatch)
{
	Sa__Repl__StateDelta d = SA__REPL__STATE_DELTA__INIT;
	Sa__Repl__Digest dg[2], *dp[2];

	sync_up();
	sa__repl__digest__init(&dg[0]);
	dg[0].addr = addr_of(g_far);
	dg[0].len = sizeof(g_far);
	dg[0].hash = rt_ident_hash(g_far, sizeof(g_far));
	sa__repl__digest__init(&dg[1]);
	dg[1].addr = addr_of(arena_mem) + 4096;
	dg[1].len = 4096;
	dg[1].hash = 1;		/* the primary's bytes differ */
	dp[0] = &dg[0];
	dp[1] = &dg[1];
	d.epoch = TEST_EPOCH;
	d.seq = 2;
	d.n_digests = 2;
	d.digests = dp;
	ck_assert_int_eq(feed(&auth, seal_msg(RT_MSG_DELTA, &d.base)), 0);
	ck_assert_uint_eq(stats.verify_checked, 2);
	ck_assert_uint_eq(stats.verify_mismatches, 1);
	ck_assert_uint_eq(ap.verify_mismatches, 1);
}
END_TEST

START_TEST(rmap_bounds)
{
	uint64_t off;

	ck_assert(rt_rmap_contains(&rmap, addr_of(g_pair[0]),
				   sizeof(g_pair)));
	ck_assert(!rt_rmap_contains(&rmap, addr_of(g_far) - 1, 2));
	ck_assert(!rt_rmap_contains(&rmap, TEST_BASE, 0));
	ck_assert(!rt_rmap_contains(&rmap, UINT64_MAX - 1, 4));
	ck_assert_str_eq(rt_rmap_name(&rmap, addr_of(g_pair[1]) + 3, &off),
			 "pair1");
	ck_assert_uint_eq(off, 3);
	ck_assert_str_eq(rt_rmap_name(&rmap, TEST_BASE + 100, &off),
			 RT_RMAP_ARENA_NAME);
	ck_assert_uint_eq(off, 100);
}
END_TEST

/* ---- operator commands in deltas (proto/replication.proto, COMMANDS) */

#define CMD_MAX_SEEN	8

static struct {
	unsigned int calls;
	char line[CMD_MAX_SEEN][RT_CMD_LINE_MAX];
	uint8_t arena0[CMD_MAX_SEEN];	/* arena_mem[0] when it ran */
} cmd_seen;

/* The middlebox's stand-in: records the call; "fail" fails. */
static int
cmd_cb(void *arg, const char *line, char *reply, size_t len)
{
	unsigned int i = cmd_seen.calls++;

	(void)arg;
	if (i < CMD_MAX_SEEN) {
		snprintf(cmd_seen.line[i], sizeof(cmd_seen.line[i]), "%s",
			 line);
		cmd_seen.arena0[i] = arena_mem[0];
	}
	if (strcmp(line, "fail") == 0) {
		snprintf(reply, len, "refused");
		return -EINVAL;
	}
	return 0;
}

/* A delta of batch @p seq (input count seq * 32) with one range and the
 * commands @p lines at positions @p at. */
static size_t
delta_cmds(uint32_t seq, int more, const char *const *lines,
	   const uint64_t *at, unsigned int n)
{
	static const uint8_t x[] = "X";
	struct test_range r = { addr_of(arena_mem), x, 1 };
	Sa__Repl__StateDelta d = SA__REPL__STATE_DELTA__INIT;
	Sa__Repl__Command c[CMD_MAX_SEEN], *cp[CMD_MAX_SEEN];
	unsigned int i;

	ck_assert_uint_le(n, CMD_MAX_SEEN);
	for (i = 0; i < n; i++) {
		sa__repl__command__init(&c[i]);
		c[i].line = (char *)(uintptr_t)lines[i];
		c[i].input_count = at[i];
		cp[i] = &c[i];
	}
	fill_ranges(&d.ranges, &r, 1);
	d.epoch = TEST_EPOCH;
	d.seq = seq;
	d.input_count = seq * 32;
	d.more = more;
	d.n_commands = n;
	d.commands = cp;
	return seal_msg(RT_MSG_DELTA, &d.base);
}

static void
cmd_setup(void)
{
	setup();
	memset(&cmd_seen, 0, sizeof(cmd_seen));
	rt_apply_set_command(&ap, cmd_cb, NULL);
}

START_TEST(commands_before_ranges)
{
	static const char *const lines[] = { "backend a b down", "second" };
	static const uint64_t at[] = { 33, 64 };

	sync_up();
	ck_assert_int_eq(feed(&auth, delta_cmds(2, 0, lines, at, 2)), 0);
	ck_assert_uint_eq(cmd_seen.calls, 2);
	ck_assert_str_eq(cmd_seen.line[0], lines[0]);
	ck_assert_str_eq(cmd_seen.line[1], lines[1]);
	/* Both ran before the batch's range was written. */
	ck_assert_uint_eq(cmd_seen.arena0[0], 0);
	ck_assert_uint_eq(cmd_seen.arena0[1], 0);
	ck_assert_uint_eq(arena_mem[0], 'X');
	ck_assert_uint_eq(stats.commands, 2);
	ck_assert_uint_eq(ap.input_count, 64);
	/* At the last batch's end (a command between batches): fine. */
	ck_assert_int_eq(feed(&auth, delta_cmds(3, 0, lines, at + 1, 1)), 0);
	ck_assert_uint_eq(stats.commands, 3);
}
END_TEST

/* A bad command record: the frame is rejected whole, nothing runs. */
static const struct {
	const char *line;
	uint64_t at;
	int more;
} bad_cmds[] = {
	{ "", 40, 0 },				/* empty */
	{ "backend \xff\xfe down", 40, 0 },	/* not UTF-8 */
	{ "backend \xc0\xaf down", 40, 0 },	/* overlong */
	{ "backend\nsecond", 40, 0 },		/* control character */
	{ "backend \x7f", 40, 0 },		/* DEL */
	{ "ok", 65, 0 },			/* past the batch's end */
	{ "ok", 40, 1 },			/* in a delta with more */
	{ NULL, 40, 0 },			/* too long: set below */
};

START_TEST(bad_command_records)
{
	static char longline[RT_CMD_LINE_MAX + 1];
	const char *line = bad_cmds[_i].line;

	memset(longline, 'a', RT_CMD_LINE_MAX);
	if (line == NULL)
		line = longline;
	sync_up();
	expect_rejected(&auth, delta_cmds(2, bad_cmds[_i].more, &line,
					  &bad_cmds[_i].at, 1),
			RT_REJECT_BAD_COMMAND);
	ck_assert_uint_eq(cmd_seen.calls, 0);
	ck_assert_uint_eq(ap.sync, RT_SYNC_SYNCED);
}
END_TEST

START_TEST(bad_command_order)
{
	static const char *const lines[] = { "one", "two" };
	static const uint64_t back[] = { 50, 40 };
	static const uint64_t early[] = { 10 };

	sync_up();
	expect_rejected(&auth, delta_cmds(2, 0, lines, back, 2),
			RT_REJECT_BAD_COMMAND);
	/* Before the last batch applied (input 64 after this one). */
	rt_apply_session(&ap, TEST_EPOCH);
	sync_up();
	ck_assert_int_eq(feed(&auth, delta(TEST_EPOCH, 2, 0, NULL, 0)), 0);
	ck_assert_int_eq(feed(&auth, delta_cmds(3, 0, lines, early, 1)),
			 RT_REJECT_BAD_COMMAND);
	ck_assert_uint_eq(cmd_seen.calls, 0);
	/* Without a middlebox to run them, commands are refused too. */
	rt_apply_set_command(&ap, NULL, NULL);
	rt_apply_session(&ap, TEST_EPOCH);
	sync_up();
	ck_assert_int_eq(feed(&auth, delta_cmds(2, 0, lines, back + 1, 1)),
			 RT_REJECT_BAD_COMMAND);
	ck_assert_uint_eq(arena_mem[0], 0);
}
END_TEST

START_TEST(command_fails_here)
{
	static const char *const first[] = { "fail", "ok" };
	static const char *const later[] = { "ok", "fail" };
	static const uint64_t at[] = { 40, 41 };

	sync_up();
	/* The first fails: nothing ran, nothing written, still synced. */
	expect_rejected(&auth, delta_cmds(2, 0, first, at, 2),
			RT_REJECT_BAD_COMMAND);
	ck_assert_uint_eq(cmd_seen.calls, 1);
	ck_assert_uint_eq(ap.sync, RT_SYNC_SYNCED);
	/* A later one fails: the first ran, so no batch boundary any more:
	 * not promotable until a snapshot. */
	rt_apply_session(&ap, TEST_EPOCH);
	sync_up();
	expect_rejected(&auth, delta_cmds(2, 0, later, at, 2),
			RT_REJECT_BAD_COMMAND);
	ck_assert_uint_eq(cmd_seen.calls, 3);
	ck_assert_uint_eq(ap.sync, RT_SYNC_SYNCING);
	ck_assert_uint_eq(stats.commands, 1);
}
END_TEST

START_TEST(command_check)
{
	ck_assert_ptr_null(rt_cmd_check("backend 192.0.2.10:80/tcp x up",
					30));
	ck_assert_ptr_null(rt_cmd_check("caf\xc3\xa9 \xf0\x9f\x98\x80", 10));
	ck_assert_ptr_nonnull(rt_cmd_check("", 0));
	ck_assert_ptr_nonnull(rt_cmd_check("a\0b", 3));
	ck_assert_ptr_nonnull(rt_cmd_check("\xed\xa0\x80", 3)); /* surrogate */
	ck_assert_ptr_nonnull(rt_cmd_check("\xf4\x90\x80\x80", 4)); /* > max */
	/* truncated */
	ck_assert_ptr_nonnull(rt_cmd_check("\xe2\x82", 2));
	ck_assert_ptr_nonnull(rt_cmd_check("\xc2\x85", 2));	/* C1 NEL */
}
END_TEST

static Suite *
rt_apply_suite(void)
{
	Suite *s = suite_create("rt_apply");
	TCase *tc;

	tc = sa_tcase(s, "core", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, snapshot_and_delta);
	tcase_add_test(tc, split_batch);
	tcase_add_test(tc, ack_not_carried_over);
	tcase_add_test(tc, verify_mismatch);
	tcase_add_test(tc, rmap_bounds);
	tc = sa_tcase(s, "malformed", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bad_frames);
	tcase_add_test(tc, bye_makes_stale);
	tcase_add_test(tc, bad_packed_ranges);
	tcase_add_test(tc, too_large);
	tcase_add_test(tc, unexpected_before_sync);
	tc = sa_tcase(s, "commands", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, cmd_setup, teardown);
	tcase_add_test(tc, commands_before_ranges);
	tcase_add_loop_test(tc, bad_command_records, 0,
			    sizeof(bad_cmds) / sizeof(bad_cmds[0]));
	tcase_add_test(tc, bad_command_order);
	tcase_add_test(tc, command_fails_here);
	tcase_add_test(tc, command_check);
	return s;
}

SA_CHECK_MAIN(rt_apply_suite)
