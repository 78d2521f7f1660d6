/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sa_table unit tests. Tables take their memory from a counting allocator
 * so that every test also proves create took one block and free returned
 * it; the randomized cases replay a fixed seed against a plain array model.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sa/table.h>

#include "check_main.h"

#define TEST_ALIGN		64
#define TEST_TIMEOUT		10
/* The randomized cases run ~10^5 operations, slow under valgrind. */
#define TEST_TIMEOUT_SLOW	120

/* An IPv4 5-tuple the way middleboxes key flows, padding zeroed. */
struct flow_key {
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	uint8_t pad[3];
};

struct test_mem {
	unsigned int n_alloc;
	unsigned int n_free;
	size_t fail_above;	/* larger requests fail */
	size_t skew;		/* returned blocks are this far off 64 */
	void *last;		/* the last block returned */
	size_t last_size;
};

static struct test_mem mem;

static void *
test_alloc_cb(void *arg, size_t size)
{
	struct test_mem *m = arg;
	size_t n = (size + m->skew + TEST_ALIGN - 1) / TEST_ALIGN * TEST_ALIGN;
	uint8_t *p;

	if (size > m->fail_above)
		return NULL;
	p = aligned_alloc(TEST_ALIGN, n);
	if (p == NULL)
		return NULL;
	memset(p, 0, n);
	m->n_alloc++;
	m->last = p + m->skew;
	m->last_size = size;
	return p + m->skew;
}

static void
test_free_cb(void *arg, void *p)
{
	struct test_mem *m = arg;

	if (p == NULL)
		return;
	m->n_free++;
	free((uint8_t *)p - m->skew);
}

static const struct sa_allocator test_allocator = {
	.alloc = test_alloc_cb,
	.free = test_free_cb,
	.arg = &mem,
};

static void
mem_setup(void)
{
	memset(&mem, 0, sizeof(mem));
	mem.fail_above = SIZE_MAX;
}

static void
mem_teardown(void)
{
	ck_assert_uint_eq(mem.n_alloc, mem.n_free);
}

static uint64_t
rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static struct flow_key
fk(uint32_t i)
{
	struct flow_key k;

	memset(&k, 0, sizeof(k));
	k.src = 0x0a000000u | (i >> 8);
	k.dst = 0xc0a80001u;
	k.sport = (uint16_t)(1024 + (i & 0xff));
	k.dport = 80;
	k.proto = 6;
	return k;
}

static struct sa_table *
table_new(uint32_t key_size, uint32_t value_size, uint32_t capacity,
	  uint64_t timeout_ns)
{
	struct sa_table_params p = {
		.name = "test",
		.key_size = key_size,
		.value_size = value_size,
		.capacity = capacity,
		.timeout_ns = timeout_ns,
		.alloc = &test_allocator,
	};
	struct sa_table *t = NULL;

	ck_assert_int_eq(sa_table_create(&p, &t), 0);
	ck_assert_ptr_nonnull(t);
	return t;
}

static void *
add_ok(struct sa_table *t, const void *key, uint64_t now_ns)
{
	void *v = NULL;

	ck_assert_int_eq(sa_table_add(t, key, now_ns, &v), 0);
	ck_assert_ptr_nonnull(v);
	return v;
}

/* ---- core ---- */

START_TEST(test_add_lookup_del)
{
	struct sa_table *t = table_new(sizeof(struct flow_key), 24, 64, 0);
	struct flow_key k = fk(1), k2 = fk(2);
	uint64_t *v, *again = NULL;
	const struct flow_key *kp;

	ck_assert_ptr_null(sa_table_lookup(t, &k));
	v = add_ok(t, &k, 0);
	ck_assert_uint_eq(v[0] | v[1] | v[2], 0);
	v[0] = 0xdeadbeef;
	ck_assert_ptr_eq(sa_table_lookup(t, &k), v);
	ck_assert_ptr_null(sa_table_lookup(t, &k2));
	ck_assert_uint_eq(sa_table_count(t), 1);
	ck_assert_uint_eq(sa_table_capacity(t), 64);

	ck_assert_int_eq(sa_table_add(t, &k, 0, (void **)&again), -EEXIST);
	ck_assert_ptr_eq(again, v);
	ck_assert_uint_eq(v[0], 0xdeadbeef);
	ck_assert_uint_eq(sa_table_count(t), 1);

	kp = sa_table_key(t, v);
	ck_assert_mem_eq(kp, &k, sizeof(k));

	ck_assert_int_eq(sa_table_add(t, &k2, 0, NULL), 0);
	ck_assert_int_eq(sa_table_del(t, &k), 0);
	ck_assert_int_eq(sa_table_del(t, &k), -ENOENT);
	ck_assert_ptr_null(sa_table_lookup(t, &k));
	ck_assert_ptr_nonnull(sa_table_lookup(t, &k2));
	ck_assert_uint_eq(sa_table_count(t), 1);
	/* The freed slot comes back with its old bytes cleared. */
	ck_assert_ptr_eq(add_ok(t, &k, 0), v);
	ck_assert_uint_eq(v[0] | v[1] | v[2], 0);
	sa_table_free(t);
}
END_TEST

START_TEST(test_del_value)
{
	struct sa_table *t = table_new(sizeof(struct flow_key), 16, 8, 0);
	struct flow_key k = fk(1), k2 = fk(2);
	uint8_t *v, *v2;
	uint64_t outside;

	v = add_ok(t, &k, 0);
	v2 = add_ok(t, &k2, 0);
	ck_assert_int_eq(sa_table_del_value(t, NULL), -EINVAL);
	ck_assert_int_eq(sa_table_del_value(t, &outside), -EINVAL);
	ck_assert_int_eq(sa_table_del_value(t, v + 1), -EINVAL);
	ck_assert_int_eq(sa_table_del_value(t, v + 8), -EINVAL);
	ck_assert_int_eq(sa_table_del_value(t, (void *)sa_table_key(t, v)),
			 -EINVAL);
	/* A slot boundary that never held an entry. */
	ck_assert_int_eq(sa_table_del_value(t, v2 + (v2 - v)), -EINVAL);
	ck_assert_uint_eq(sa_table_count(t), 2);

	ck_assert_int_eq(sa_table_del_value(t, v), 0);
	ck_assert_int_eq(sa_table_del_value(t, v), -EINVAL);
	ck_assert_ptr_null(sa_table_lookup(t, &k));
	ck_assert_ptr_eq(sa_table_lookup(t, &k2), v2);
	ck_assert_uint_eq(sa_table_count(t), 1);
	sa_table_free(t);
}
END_TEST

/* A set: values of size 0 still identify their entry. */
START_TEST(test_zero_value_size)
{
	struct sa_table *t = table_new(4, 0, 16, 0);
	void *v[16];
	uint32_t i, j;

	for (i = 0; i < 16; i++) {
		v[i] = add_ok(t, &i, 0);
		for (j = 0; j < i; j++)
			ck_assert_ptr_ne(v[i], v[j]);
	}
	for (i = 0; i < 16; i++) {
		ck_assert_uint_eq(*(const uint32_t *)sa_table_key(t, v[i]), i);
		ck_assert_int_eq(sa_table_del_value(t, v[i]), 0);
	}
	ck_assert_uint_eq(sa_table_count(t), 0);
	sa_table_free(t);
}
END_TEST

START_TEST(test_default_allocator)
{
	struct sa_table_params p = {
		.key_size = sizeof(struct flow_key), .value_size = 8,
		.capacity = 100,
	};
	struct sa_table *t = NULL;
	struct flow_key k = fk(3);

	ck_assert_int_eq(sa_table_create(&p, &t), 0);
	add_ok(t, &k, 0);
	ck_assert_ptr_nonnull(sa_table_lookup(t, &k));
	sa_table_free(t);
	sa_table_free(NULL);
	ck_assert_uint_eq(mem.n_alloc, 0);
}
END_TEST

/* The standby takes the block byte for byte: the same operations must
 * leave the same bytes, whatever the name's length or the history. */
START_TEST(test_same_ops_same_bytes)
{
	static const char long_name[] = "a-name-far-longer-than-the-limit-of-32";
	struct sa_table_params p = {
		.name = long_name,
		.key_size = 13,
		.value_size = 20,
		.capacity = 300,
		.timeout_ns = 50,
		.alloc = &test_allocator,
	};
	struct sa_table *t[2];
	void *block[2];
	size_t size = 0;
	uint8_t key[13];
	uint64_t seed;
	unsigned int r, op;
	void *v;

	for (r = 0; r < 2; r++) {
		ck_assert_int_eq(sa_table_create(&p, &t[r]), 0);
		block[r] = mem.last;
		size = mem.last_size;
		seed = 42;
		memset(key, 0, sizeof(key));
		for (op = 0; op < 5000; op++) {
			uint64_t x = rng_next(&seed);

			key[0] = (uint8_t)x;
			key[12] = (uint8_t)(x >> 8);
			if (x >> 62 == 0)
				sa_table_del(t[r], key);
			else if (sa_table_add(t[r], key, op, &v) == -EEXIST)
				memset(v, (int)op, 20);
			if (op % 16 == 0)
				sa_table_expire(t[r], op, 7, NULL, NULL);
		}
	}
	ck_assert_uint_eq(sa_table_count(t[0]), sa_table_count(t[1]));
	ck_assert_int_eq(memcmp(block[0], block[1], size), 0);
	sa_table_free(t[0]);
	sa_table_free(t[1]);
}
END_TEST

/* ---- full ---- */

START_TEST(test_full)
{
	enum { CAP = 100 };
	struct sa_table *t = table_new(sizeof(struct flow_key), 8, CAP, 0);
	struct flow_key k;
	void *v;
	uint32_t i;

	for (i = 0; i < CAP; i++) {
		k = fk(i);
		add_ok(t, &k, 0);
	}
	ck_assert_uint_eq(sa_table_count(t), CAP);
	k = fk(CAP);
	v = &k;
	ck_assert_int_eq(sa_table_add(t, &k, 0, &v), -ENOSPC);
	ck_assert_ptr_null(v);
	ck_assert_ptr_null(sa_table_lookup(t, &k));
	/* Present keys are still found, not refused, when full. */
	k = fk(5);
	ck_assert_int_eq(sa_table_add(t, &k, 0, &v), -EEXIST);
	ck_assert_ptr_eq(v, sa_table_lookup(t, &k));

	ck_assert_int_eq(sa_table_del(t, &k), 0);
	k = fk(CAP);
	add_ok(t, &k, 0);
	k = fk(CAP + 1);
	ck_assert_int_eq(sa_table_add(t, &k, 0, NULL), -ENOSPC);
	ck_assert_uint_eq(sa_table_count(t), CAP);
	sa_table_free(t);
}
END_TEST

/* ---- expiry ---- */

START_TEST(test_deadline)
{
	struct sa_table *t = table_new(sizeof(struct flow_key), 8, 16, 100);
	struct flow_key k = fk(1);
	void *v = add_ok(t, &k, 1000);

	ck_assert_uint_eq(sa_table_deadline(t, v), 1100);
	ck_assert_uint_eq(sa_table_expire(t, 1099, 16, NULL, NULL), 0);
	ck_assert_ptr_eq(sa_table_lookup(t, &k), v);
	/* The deadline itself is already late. */
	ck_assert_uint_eq(sa_table_expire(t, 1100, 16, NULL, NULL), 1);
	ck_assert_ptr_null(sa_table_lookup(t, &k));
	ck_assert_uint_eq(sa_table_expire(t, 2000, 16, NULL, NULL), 0);
	add_ok(t, &k, 0);
	ck_assert_uint_eq(sa_table_expire(t, 2000, 0, NULL, NULL), 0);
	ck_assert_uint_eq(sa_table_expire(t, 2000, UINT32_MAX, NULL, NULL), 1);
	sa_table_free(t);

	t = table_new(sizeof(struct flow_key), 8, 16, 0);
	v = add_ok(t, &k, 12345);
	ck_assert_uint_eq(sa_table_deadline(t, v), SA_TABLE_NEVER);
	ck_assert_uint_eq(sa_table_expire(t, UINT64_MAX, 16, NULL, NULL), 0);
	ck_assert_uint_eq(sa_table_count(t), 1);
	sa_table_free(t);
}
END_TEST

START_TEST(test_touch)
{
	struct sa_table *t = table_new(sizeof(struct flow_key), 8, 16, 100);
	struct flow_key k = fk(1);
	void *v = add_ok(t, &k, 0);

	sa_table_touch(t, v, 90, 100);
	ck_assert_uint_eq(sa_table_deadline(t, v), 190);
	ck_assert_uint_eq(sa_table_expire(t, 150, 16, NULL, NULL), 0);
	sa_table_touch(t, v, 150, 0);
	ck_assert_uint_eq(sa_table_deadline(t, v), SA_TABLE_NEVER);
	ck_assert_uint_eq(sa_table_expire(t, UINT64_MAX, 16, NULL, NULL), 0);
	/* No wrap-around into the past. */
	sa_table_touch(t, v, UINT64_MAX - 5, 10);
	ck_assert_uint_eq(sa_table_deadline(t, v), SA_TABLE_NEVER);
	sa_table_touch(t, v, UINT64_MAX - 10, 5);
	ck_assert_uint_eq(sa_table_deadline(t, v), UINT64_MAX - 5);
	ck_assert_uint_eq(sa_table_expire(t, UINT64_MAX - 5, 1, NULL, NULL),
			  1);
	sa_table_free(t);
}
END_TEST

/*
 * Slots are visited in index order from where the last call stopped, and
 * a call visits at most max_scan of them. Fresh slots are handed out in
 * order (checked through iteration), so keys map to known slots.
 */
START_TEST(test_expire_bounded)
{
	enum { CAP = 8 };
	struct sa_table *t = table_new(sizeof(struct flow_key), 8, CAP, 10);
	const struct flow_key *kp;
	struct flow_key k;
	uint32_t i, iter = 0;

	for (i = 0; i < CAP; i++) {
		k = fk(i);
		add_ok(t, &k, 0);
	}
	for (i = 0; sa_table_iterate(t, &iter, (const void **)&kp, NULL) == 0;
	     i++) {
		k = fk(i);
		ck_assert_mem_eq(kp, &k, sizeof(k));
	}
	ck_assert_uint_eq(sa_table_expire(t, 10, 5, NULL, NULL), 5);
	for (i = 0; i < CAP; i++) {
		k = fk(i);
		ck_assert(!sa_table_lookup(t, &k) == (i < 5));
	}
	/* Refill slots 0..4 with entries that expire later. */
	for (i = 100; i < 105; i++) {
		k = fk(i);
		add_ok(t, &k, 10);
	}
	/* Nothing due at 15: the cursor still advances over 5, 6, 7, 0, 1. */
	ck_assert_uint_eq(sa_table_expire(t, 15, 5, NULL, NULL), 3);
	ck_assert_uint_eq(sa_table_count(t), 5);
	/* From 2: slots 2, 3, 4; then 5, 6, 7 (empty) and 0; then 1. */
	ck_assert_uint_eq(sa_table_expire(t, 20, 3, NULL, NULL), 3);
	ck_assert_uint_eq(sa_table_expire(t, 20, 4, NULL, NULL), 1);
	ck_assert_uint_eq(sa_table_count(t), 1);
	ck_assert_uint_eq(sa_table_expire(t, 20, 1, NULL, NULL), 1);
	ck_assert_uint_eq(sa_table_count(t), 0);
	sa_table_free(t);
}
END_TEST

struct expire_log {
	struct sa_table *self;
	struct sa_table *other;
	uint32_t calls;
	uint32_t seen[64];
};

/* Each flow has a reverse entry in another table, removed with it. */
static void
expire_other_cb(void *arg, const void *key, void *value)
{
	struct expire_log *log = arg;
	uint32_t id = *(const uint32_t *)key;

	ck_assert_uint_eq(*(uint32_t *)value, id);
	log->seen[log->calls++] = id;
	id |= 0x80000000u;
	ck_assert_int_eq(sa_table_del(log->other, &id), 0);
}

START_TEST(test_expire_cb_other_table)
{
	struct sa_table *flows = table_new(sizeof(uint32_t), 4, 64, 10);
	struct sa_table *rev = table_new(sizeof(uint32_t), 4, 64, 0);
	struct expire_log log = { .self = flows, .other = rev };
	uint32_t i, id;

	for (i = 0; i < 20; i++) {
		*(uint32_t *)add_ok(flows, &i, i) = i;
		id = i | 0x80000000u;
		add_ok(rev, &id, 0);
	}
	ck_assert_uint_eq(sa_table_expire(flows, 19, 64, expire_other_cb,
					  &log), 10);
	ck_assert_uint_eq(log.calls, 10);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(log.seen[i], i);
	ck_assert_uint_eq(sa_table_count(flows), 10);
	ck_assert_uint_eq(sa_table_count(rev), 10);
	sa_table_free(flows);
	sa_table_free(rev);
}
END_TEST

/*
 * A flow stored as two entries (one per direction, ids 2n and 2n+1):
 * expiring either half deletes the partner, and every third callback also
 * deletes the expiring entry itself, as a shared flow_del() would.
 */
static void
expire_pair_cb(void *arg, const void *key, void *value)
{
	struct expire_log *log = arg;
	uint32_t partner = *(const uint32_t *)key ^ 1;

	log->seen[log->calls] = *(const uint32_t *)key;
	ck_assert_int_eq(sa_table_del(log->self, &partner), 0);
	if (log->calls % 3 == 0)
		ck_assert_int_eq(sa_table_del_value(log->self, value), 0);
	log->calls++;
}

START_TEST(test_expire_cb_same_table)
{
	enum { CAP = 40 };
	struct sa_table *t = table_new(sizeof(uint32_t), 4, CAP, 10);
	struct expire_log log = { .self = t };
	uint32_t i;

	for (i = 0; i < CAP; i++)
		add_ok(t, &i, 0);
	/* Only even halves are due, the odd ones are deleted with them. */
	for (i = 1; i < CAP; i += 2)
		sa_table_touch(t, sa_table_lookup(t, &i), 0, 1000);
	ck_assert_uint_eq(sa_table_expire(t, 10, 7, expire_pair_cb, &log), 4);
	ck_assert_uint_eq(sa_table_expire(t, 10, CAP, expire_pair_cb, &log),
			  CAP / 2 - 4);
	ck_assert_uint_eq(log.calls, CAP / 2);
	for (i = 0; i < log.calls; i++)
		ck_assert_uint_eq(log.seen[i], 2 * i);
	ck_assert_uint_eq(sa_table_count(t), 0);
	/* The free list survived: exactly CAP entries fit again. */
	for (i = 0; i < CAP; i++)
		add_ok(t, &i, 0);
	ck_assert_int_eq(sa_table_add(t, &i, 0, NULL), -ENOSPC);
	sa_table_free(t);
}
END_TEST

/* ---- iterate ---- */

struct iter_check {
	struct sa_table *t;
	uint8_t visits[256];
	bool deleted_early[256];
};

static void
iter_fill(struct iter_check *c, uint32_t n)
{
	uint32_t i;

	memset(c, 0, sizeof(*c));
	c->t = table_new(sizeof(uint32_t), 4, n, 0);
	for (i = 0; i < n; i++)
		*(uint32_t *)add_ok(c->t, &i, 0) = i;
}

/* One step: false at the end, else counts the visit of the key. */
static bool
iter_next(struct iter_check *c, uint32_t *iter, uint32_t **value)
{
	const uint32_t *k;
	uint32_t *v;
	int rc;

	rc = sa_table_iterate(c->t, iter, (const void **)&k, (void **)&v);
	if (rc != 0) {
		ck_assert_int_eq(rc, -ENOENT);
		return false;
	}
	ck_assert_uint_eq(*k, *v);
	ck_assert_uint_lt(*k, 256);
	c->visits[*k]++;
	if (value != NULL)
		*value = v;
	return true;
}

START_TEST(test_iterate_all)
{
	struct iter_check c;
	uint32_t i, iter = 0;
	uint32_t *v;

	iter_fill(&c, 200);
	for (i = 0; i < 200; i += 3)
		ck_assert_int_eq(sa_table_del(c.t, &i), 0);
	while (iter_next(&c, &iter, NULL))
		;
	ck_assert(!iter_next(&c, &iter, NULL));
	for (i = 0; i < 200; i++)
		ck_assert_uint_eq(c.visits[i], i % 3 != 0);
	iter = UINT32_MAX;
	ck_assert_int_eq(sa_table_iterate(c.t, &iter, NULL, NULL), -ENOENT);

	/* Again, deleting each entry as it is visited. */
	memset(c.visits, 0, sizeof(c.visits));
	iter = 0;
	while (iter_next(&c, &iter, &v))
		ck_assert_int_eq(sa_table_del_value(c.t, v), 0);
	for (i = 0; i < 200; i++)
		ck_assert_uint_eq(c.visits[i], i % 3 != 0);
	ck_assert_uint_eq(sa_table_count(c.t), 0);
	iter = 0;
	ck_assert(!iter_next(&c, &iter, NULL));
	sa_table_free(c.t);
}
END_TEST

/* Deleting others, visited or not: each survivor is seen exactly once. */
START_TEST(test_iterate_del_others)
{
	enum { N = 250 };
	struct iter_check c;
	uint64_t seed = 99;
	uint32_t i, victim, iter = 0;

	iter_fill(&c, N);
	while (iter_next(&c, &iter, NULL)) {
		victim = (uint32_t)(rng_next(&seed) % N);
		if (sa_table_del(c.t, &victim) == 0 && c.visits[victim] == 0)
			c.deleted_early[victim] = true;
	}
	for (i = 0; i < N; i++)
		ck_assert_uint_eq(c.visits[i], !c.deleted_early[i]);
	ck_assert_uint_gt(sa_table_count(c.t), 0);
	sa_table_free(c.t);
}
END_TEST

/* ---- params ---- */

START_TEST(test_bad_params)
{
	static const struct sa_allocator no_alloc = {
		.free = test_free_cb, .arg = &mem,
	};
	static const struct sa_allocator no_free = {
		.alloc = test_alloc_cb, .arg = &mem,
	};
	const struct sa_table_params good = {
		.key_size = 8, .value_size = 8, .capacity = 8,
		.alloc = &test_allocator,
	};
	struct sa_table_params p[9];
	static int sentinel;
	struct sa_table *t;
	unsigned int i;

	for (i = 0; i < 9; i++)
		p[i] = good;
	p[0].key_size = 0;
	p[1].key_size = SA_TABLE_KEY_MAX + 1;
	p[2].value_size = SA_TABLE_VALUE_MAX + 1;
	p[3].capacity = 0;
	p[4].capacity = SA_TABLE_CAPACITY_MAX + 1;
	p[5].alloc = &no_alloc;
	p[6].alloc = &no_free;
	p[7].key_size = UINT32_MAX;
	p[8].capacity = UINT32_MAX;
	for (i = 0; i < 9; i++) {
		t = (struct sa_table *)&sentinel;
		ck_assert_int_eq(sa_table_create(&p[i], &t), -EINVAL);
		ck_assert_ptr_null(t);
	}
	ck_assert_int_eq(sa_table_create(NULL, &t), -EINVAL);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(sa_table_create(&good, NULL), -EINVAL);
	ck_assert_uint_eq(mem.n_alloc, 0);
}
END_TEST

/* ---- alloc ---- */

START_TEST(test_alloc_fail)
{
	struct sa_table_params p = {
		.key_size = 16,
		.value_size = 64,
		.capacity = 1000,
		.alloc = &test_allocator,
	};
	static int sentinel;
	struct sa_table *t = (struct sa_table *)&sentinel;

	mem.fail_above = 0;
	ck_assert_int_eq(sa_table_create(&p, &t), -ENOMEM);
	ck_assert_ptr_null(t);
	/* The largest table: refused by the allocator, never touched. */
	mem.fail_above = (size_t)1 << 30;
	p.key_size = SA_TABLE_KEY_MAX;
	p.value_size = SA_TABLE_VALUE_MAX;
	p.capacity = SA_TABLE_CAPACITY_MAX;
	ck_assert_int_eq(sa_table_create(&p, &t), -ENOMEM);
	ck_assert_ptr_null(t);
	ck_assert_uint_eq(mem.n_alloc, 0);
}
END_TEST

/* ---- collisions ---- */

/*
 * Random add/del/del_value/lookup against an array model. The key space is
 * larger than the capacity so the table runs full, and values are filled
 * whole so that overlapping values or moved entries show up.
 */
struct model_cfg {
	size_t skew;		/* of the allocator's blocks off 64 bytes */
	uint32_t key_size;
	uint32_t value_size;	/* at least 4: the id is stored first */
	uint32_t capacity;
	uint32_t n_keys;
	uint32_t ops;
	uint64_t seed;
};

static const struct model_cfg model_cfgs[] = {
	{ 0, 1, 4, 1, 3, 5000, 6 },	/* the smallest table */
	{ 1, 2, 5, 3, 6, 20000, 1 },	/* tiny: the index wraps all the time */
	{ 8, 13, 13, 256, 512, 100000, 2 },
	{ 24, 16, 64, 1000, 2500, 100000, 3 },
	{ 40, 40, 7, 64, 200, 50000, 4 },	/* IPv6-sized keys */
	{ 0, 7, 4, 3000, 8192, 60000, 5 },
	{ 63, SA_TABLE_KEY_MAX, SA_TABLE_VALUE_MAX, 8, 20, 2000, 7 },
};

#define MODEL_KEYS_MAX 8192

struct model {
	const struct model_cfg *cfg;
	struct sa_table *t;
	uint8_t *val[MODEL_KEYS_MAX];	/* NULL: absent */
	uint32_t count;
	uint32_t n_full;		/* adds refused with -ENOSPC */
};

/* The id sits in the key's last bytes so only the hash tail differs. */
static void
model_key(const struct model *m, uint32_t id, uint8_t *key)
{
	uint32_t n = m->cfg->key_size < 4 ? m->cfg->key_size : 4;

	memset(key, 0x5a, m->cfg->key_size);
	memcpy(key + m->cfg->key_size - n, &id, n);
}

static void
model_verify(const struct model *m)
{
	uint8_t key[SA_TABLE_KEY_MAX];
	uint32_t id, b, iter = 0, n = 0;
	uint8_t *v;

	ck_assert_uint_eq(sa_table_count(m->t), m->count);
	for (id = 0; id < m->cfg->n_keys; id++) {
		model_key(m, id, key);
		ck_assert_ptr_eq(sa_table_lookup(m->t, key), m->val[id]);
	}
	while (sa_table_iterate(m->t, &iter, NULL, (void **)&v) == 0) {
		memcpy(&id, v, sizeof(id));
		ck_assert_uint_lt(id, m->cfg->n_keys);
		ck_assert_ptr_eq(m->val[id], v);
		model_key(m, id, key);
		ck_assert_mem_eq(sa_table_key(m->t, v), key, m->cfg->key_size);
		for (b = sizeof(id); b < m->cfg->value_size; b++)
			ck_assert_uint_eq(v[b], (uint8_t)id);
		n++;
	}
	ck_assert_uint_eq(n, m->count);
}

static void
model_add(struct model *m, uint32_t id, const uint8_t *key)
{
	void *v = NULL;
	int rc;

	rc = sa_table_add(m->t, key, 0, &v);
	if (m->val[id] != NULL) {
		ck_assert_int_eq(rc, -EEXIST);
		ck_assert_ptr_eq(v, m->val[id]);
	} else if (m->count == m->cfg->capacity) {
		ck_assert_int_eq(rc, -ENOSPC);
		ck_assert_ptr_null(v);
		m->n_full++;
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_eq((uintptr_t)v % 8, 0);
		memset(v, (uint8_t)id, m->cfg->value_size);
		memcpy(v, &id, sizeof(id));
		m->val[id] = v;
		m->count++;
	}
}

static void
model_step(struct model *m, uint64_t x)
{
	uint8_t key[SA_TABLE_KEY_MAX];
	uint32_t id = (uint32_t)(x % m->cfg->n_keys);
	int rc;

	model_key(m, id, key);
	switch ((x >> 32) % 4) {
	case 0:
	case 1:
		model_add(m, id, key);
		return;
	case 2:
		rc = sa_table_del(m->t, key);
		ck_assert_int_eq(rc, m->val[id] != NULL ? 0 : -ENOENT);
		break;
	default:
		if (m->val[id] == NULL) {
			ck_assert_ptr_null(sa_table_lookup(m->t, key));
			return;
		}
		ck_assert_int_eq(sa_table_del_value(m->t, m->val[id]), 0);
		break;
	}
	if (m->val[id] != NULL) {
		m->val[id] = NULL;
		m->count--;
	}
}

START_TEST(test_random_model)
{
	static struct model m;
	uint64_t seed;
	uint32_t op;

	memset(&m, 0, sizeof(m));
	m.cfg = &model_cfgs[_i];
	/* The table must align itself inside whatever block it gets. */
	mem.skew = m.cfg->skew;
	ck_assert_uint_le(m.cfg->n_keys, MODEL_KEYS_MAX);
	m.t = table_new(m.cfg->key_size, m.cfg->value_size, m.cfg->capacity,
			0);
	seed = m.cfg->seed;
	for (op = 0; op < m.cfg->ops; op++) {
		model_step(&m, rng_next(&seed));
		if (op % 4096 == 0)
			model_verify(&m);
	}
	model_verify(&m);
	ck_assert_uint_gt(m.n_full, 0);
	/* Everything came from the block taken at create. */
	ck_assert_uint_eq(mem.n_alloc, 1);
	sa_table_free(m.t);
}
END_TEST

/* Every case checks that the table returned all it took. */
static TCase *
tcase_new(Suite *s, const char *name, double timeout)
{
	TCase *tc = sa_tcase(s, name, timeout);

	tcase_add_checked_fixture(tc, mem_setup, mem_teardown);
	return tc;
}

Suite *
table_suite(void)
{
	Suite *s = suite_create("table");
	TCase *tc;

	tc = tcase_new(s, "core", TEST_TIMEOUT);
	tcase_add_test(tc, test_add_lookup_del);
	tcase_add_test(tc, test_del_value);
	tcase_add_test(tc, test_zero_value_size);
	tcase_add_test(tc, test_default_allocator);
	tcase_add_test(tc, test_same_ops_same_bytes);

	tc = tcase_new(s, "full", TEST_TIMEOUT);
	tcase_add_test(tc, test_full);

	tc = tcase_new(s, "expiry", TEST_TIMEOUT);
	tcase_add_test(tc, test_deadline);
	tcase_add_test(tc, test_touch);
	tcase_add_test(tc, test_expire_bounded);
	tcase_add_test(tc, test_expire_cb_other_table);
	tcase_add_test(tc, test_expire_cb_same_table);

	tc = tcase_new(s, "iterate", TEST_TIMEOUT);
	tcase_add_test(tc, test_iterate_all);
	tcase_add_test(tc, test_iterate_del_others);

	tc = tcase_new(s, "params", TEST_TIMEOUT);
	tcase_add_test(tc, test_bad_params);

	tc = tcase_new(s, "alloc", TEST_TIMEOUT);
	tcase_add_test(tc, test_alloc_fail);

	tc = tcase_new(s, "collisions", TEST_TIMEOUT_SLOW);
	tcase_add_loop_test(tc, test_random_model, 0,
			    sizeof(model_cfgs) / sizeof(model_cfgs[0]));

	return s;
}

SA_CHECK_MAIN(table_suite)
