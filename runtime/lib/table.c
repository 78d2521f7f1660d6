/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sa_table: open addressing with linear probing over an index of
 * (hash, slot) buckets kept at most half full, so a probe rarely leaves the
 * first bucket's cache line and a mismatch never touches an entry. Entries
 * sit in a fixed pool of slots and never move, which is what keeps value
 * pointers stable. Deleting shifts the following buckets of the cluster
 * back instead of leaving tombstones, so a table under constant churn never
 * needs a rebuild.
 *
 * Everything, this header included, is one block from the allocator, and
 * the header finds the index and the pool by offset, not by address: with
 * the default allocator a byte-for-byte copy of the block (the standby's
 * replica) is the same table at any address of the same alignment. The
 * hash is unseeded for the same reason: both sides must put a key in the
 * same bucket.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <sa/mbox.h>
#include <sa/table.h>

/* Header, index and pool each start on a cache line of their own. */
#define TBL_ALIGN		64
/* Values hold ordinary C structs: uint64_t and pointers must fit. */
#define TBL_VALUE_ALIGN		8
#define TBL_NAME_MAX		32
/* Index buckets per entry of capacity, so linear probes stay short. */
#define TBL_BUCKETS_PER_ENTRY	2
/* link of a live entry; a free one holds the next free slot + 1. */
#define TBL_LINK_LIVE		UINT32_MAX
#define TBL_SLOT_NONE		UINT32_MAX
#define TBL_BUCKET_NONE		UINT32_MAX

/* Fixed so that the active and the standby hash alike. */
#define TBL_HASH_SEED		UINT64_C(0x9e3779b97f4a7c15)
#define TBL_HASH_MUL1		UINT64_C(0x87c37b91114253d5)
#define TBL_HASH_MUL2		UINT64_C(0x4cf5ad432745937f)
#define TBL_HASH_ROT		31
/* The MurmurHash3 finalizer: every input bit reaches every output bit. */
#define TBL_FMIX_MUL1		UINT64_C(0xff51afd7ed558ccd)
#define TBL_FMIX_MUL2		UINT64_C(0xc4ceb9fe1a85ec53)
#define TBL_FMIX_SHIFT		33

struct tbl_bucket {
	uint32_t hash;		/* spares most key compares; gives the home */
	uint32_t slot1;		/* slot + 1, so zeroed memory is all empty */
};

struct tbl_entry {
	uint64_t deadline;
	uint32_t hash;		/* finds the bucket again from a value */
	uint32_t link;		/* TBL_LINK_LIVE, or the free list */
	/* then the key, padded to TBL_VALUE_ALIGN, then the value */
};

struct sa_table {
	char name[TBL_NAME_MAX];	/* a copy: identifies it in a dump */
	struct sa_allocator alloc;	/* alloc == NULL: the state arena */
	uint64_t timeout_ns;
	uint64_t buckets_off;		/* from this header */
	uint64_t entries_off;
	uint32_t base_off;		/* from the allocation to this header */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t value_off;		/* within an entry */
	uint32_t entry_size;
	uint32_t capacity;
	uint32_t bucket_mask;
	uint32_t count;
	/* Slots ever handed out: those above were never live, so iteration
	 * and expiry stop there instead of walking an empty pool. */
	uint32_t used;
	uint32_t free_head;		/* last freed slot + 1, 0: none */
	uint32_t cursor;		/* where sa_table_expire() resumes */
};

_Static_assert(sizeof(struct tbl_entry) % TBL_VALUE_ALIGN == 0,
	       "keys and values must start aligned");
_Static_assert(TBL_ALIGN % TBL_VALUE_ALIGN == 0,
	       "the pool must start value-aligned");
_Static_assert((uint64_t)SA_TABLE_CAPACITY_MAX < TBL_SLOT_NONE,
	       "slot + 1 must fit in 32 bits beside the sentinels");

struct tbl_layout {
	uint64_t buckets_off;
	uint64_t entries_off;
	uint64_t total;
	uint32_t n_buckets;
	uint32_t value_off;
	uint32_t entry_size;
};

static inline uint64_t
tbl_round_up(uint64_t n, uint64_t align)
{
	return (n + align - 1) / align * align;
}

static inline uint64_t
tbl_rotl(uint64_t x, unsigned int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t
tbl_hash_round(uint64_t h, uint64_t w)
{
	return tbl_rotl(h ^ (w * TBL_HASH_MUL1), TBL_HASH_ROT) * TBL_HASH_MUL2;
}

/*
 * Words are loaded through memcpy, which compiles to plain loads at any
 * alignment and keeps the code free of intrinsics for the bitcode build.
 * The tail is gathered with fixed-size loads rather than a byte loop or a
 * variable-length memcpy call.
 */
static inline uint32_t
tbl_hash(const void *key, uint32_t len)
{
	const uint8_t *p = key;
	uint64_t h = TBL_HASH_SEED ^ len;
	uint64_t w = 0;
	unsigned int shift = 0;

	for (; len >= 8; len -= 8) {
		memcpy(&w, p, sizeof(w));
		h = tbl_hash_round(h, w);
		p += 8;
	}
	if (len != 0) {
		uint32_t w32;
		uint16_t w16;

		w = 0;
		if (len & 4) {
			memcpy(&w32, p, sizeof(w32));
			w = w32;
			shift = 32;
			p += 4;
		}
		if (len & 2) {
			memcpy(&w16, p, sizeof(w16));
			w |= (uint64_t)w16 << shift;
			shift += 16;
			p += 2;
		}
		if (len & 1)
			w |= (uint64_t)*p << shift;
		h = tbl_hash_round(h, w);
	}
	h ^= h >> TBL_FMIX_SHIFT;
	h *= TBL_FMIX_MUL1;
	h ^= h >> TBL_FMIX_SHIFT;
	h *= TBL_FMIX_MUL2;
	h ^= h >> TBL_FMIX_SHIFT;
	return (uint32_t)h;
}

static inline struct tbl_bucket *
tbl_buckets(const struct sa_table *t)
{
	return (struct tbl_bucket *)((uint8_t *)t + t->buckets_off);
}

static inline uint8_t *
tbl_entries(const struct sa_table *t)
{
	return (uint8_t *)t + t->entries_off;
}

static inline struct tbl_entry *
tbl_entry(const struct sa_table *t, uint32_t slot)
{
	return (struct tbl_entry *)(tbl_entries(t) +
				    (size_t)slot * t->entry_size);
}

static inline void *
tbl_key(struct tbl_entry *e)
{
	return e + 1;
}

static inline void *
tbl_value(const struct sa_table *t, struct tbl_entry *e)
{
	return (uint8_t *)e + t->value_off;
}

static inline struct tbl_entry *
tbl_entry_of(const struct sa_table *t, const void *value)
{
	return (struct tbl_entry *)((const uint8_t *)value - t->value_off);
}

static inline uint64_t
tbl_deadline(uint64_t now_ns, uint64_t timeout_ns)
{
	/* Saturating: a deadline past the end of time is no deadline. */
	if (timeout_ns == 0 || timeout_ns >= SA_TABLE_NEVER - now_ns)
		return SA_TABLE_NEVER;
	return now_ns + timeout_ns;
}

/*
 * Returns true with *bucket at the key's bucket, or false with *bucket at
 * the empty bucket that ends its probe, where an add would put it. The
 * index is never more than half full, so an empty bucket always exists.
 */
static inline bool
tbl_probe(const struct sa_table *t, const void *key, uint32_t hash,
	  uint32_t *bucket)
{
	const struct tbl_bucket *b = tbl_buckets(t);
	uint32_t mask = t->bucket_mask;
	uint32_t i = hash & mask;

	for (; b[i].slot1 != 0; i = (i + 1) & mask) {
		if (b[i].hash == hash &&
		    memcmp(tbl_key(tbl_entry(t, b[i].slot1 - 1)), key,
			   t->key_size) == 0) {
			*bucket = i;
			return true;
		}
	}
	*bucket = i;
	return false;
}

static uint32_t
tbl_bucket_of_slot(const struct sa_table *t, uint32_t slot)
{
	const struct tbl_bucket *b = tbl_buckets(t);
	uint32_t mask = t->bucket_mask;
	uint32_t i = tbl_entry(t, slot)->hash & mask;

	for (; b[i].slot1 != 0; i = (i + 1) & mask)
		if (b[i].slot1 == slot + 1)
			return i;
	return TBL_BUCKET_NONE;
}

/*
 * Empties bucket @p hole and refills it from later in the cluster: a
 * bucket may move back to the hole unless its home lies cyclically in
 * (hole, j], where the move would put it before its home and hide it.
 */
static void
tbl_bucket_clear(struct sa_table *t, uint32_t hole)
{
	struct tbl_bucket *b = tbl_buckets(t);
	uint32_t mask = t->bucket_mask;
	uint32_t j = hole;
	uint32_t home;

	for (;;) {
		j = (j + 1) & mask;
		if (b[j].slot1 == 0)
			break;
		home = b[j].hash & mask;
		if (((j - home) & mask) >= ((j - hole) & mask)) {
			b[hole] = b[j];
			hole = j;
		}
	}
	/* All of it, so an emptied index is byte-identical to a fresh one. */
	b[hole].hash = 0;
	b[hole].slot1 = 0;
}

static void
tbl_remove(struct sa_table *t, uint32_t bucket)
{
	uint32_t slot = tbl_buckets(t)[bucket].slot1 - 1;
	struct tbl_entry *e = tbl_entry(t, slot);

	tbl_bucket_clear(t, bucket);
	e->link = t->free_head;
	t->free_head = slot + 1;
	t->count--;
}

/* The most recently freed slot first: it is likely still in cache. */
static uint32_t
tbl_slot_get(struct sa_table *t)
{
	uint32_t slot;

	if (t->free_head != 0) {
		slot = t->free_head - 1;
		t->free_head = tbl_entry(t, slot)->link;
		return slot;
	}
	if (t->used < t->capacity)
		return t->used++;
	return TBL_SLOT_NONE;
}

/*
 * The slot of a live entry's value, checked by arithmetic on integers so
 * that a pointer from elsewhere is rejected without being dereferenced.
 */
static int
tbl_slot_of_value(const struct sa_table *t, const void *value,
		  uint32_t *slot)
{
	uintptr_t first = (uintptr_t)(tbl_entries(t) + t->value_off);
	uintptr_t v = (uintptr_t)value;
	uint32_t idx;

	if (value == NULL || v < first || (v - first) % t->entry_size != 0 ||
	    (v - first) / t->entry_size >= t->used)
		return -EINVAL;
	idx = (uint32_t)((v - first) / t->entry_size);
	if (tbl_entry(t, idx)->link != TBL_LINK_LIVE)
		return -EINVAL;
	*slot = idx;
	return 0;
}

static void *
tbl_mem_alloc(const struct sa_allocator *a, size_t size)
{
	if (a == NULL)
		return sa_state_alloc(size);
	return a->alloc(a->arg, size);
}

static void
tbl_mem_free(const struct sa_allocator *a, void *p)
{
	if (a->alloc == NULL)
		sa_state_free(p);
	else
		a->free(a->arg, p);
}

static bool
tbl_params_ok(const struct sa_table_params *p)
{
	if (p == NULL)
		return false;
	if (p->key_size == 0 || p->key_size > SA_TABLE_KEY_MAX)
		return false;
	if (p->value_size > SA_TABLE_VALUE_MAX)
		return false;
	if (p->capacity == 0 || p->capacity > SA_TABLE_CAPACITY_MAX)
		return false;
	if (p->alloc != NULL && (p->alloc->alloc == NULL ||
				 p->alloc->free == NULL))
		return false;
	return true;
}

static int
tbl_layout(const struct sa_table_params *p, struct tbl_layout *l)
{
	uint64_t n_buckets = 1;
	uint64_t value_bytes;

	while (n_buckets < (uint64_t)p->capacity * TBL_BUCKETS_PER_ENTRY)
		n_buckets <<= 1;
	/* A zero-size value still needs an address of its own entry. */
	value_bytes = tbl_round_up(p->value_size, TBL_VALUE_ALIGN);
	if (value_bytes == 0)
		value_bytes = TBL_VALUE_ALIGN;
	l->n_buckets = (uint32_t)n_buckets;
	l->value_off = sizeof(struct tbl_entry) +
		(uint32_t)tbl_round_up(p->key_size, TBL_VALUE_ALIGN);
	l->entry_size = l->value_off + (uint32_t)value_bytes;
	l->buckets_off = tbl_round_up(sizeof(struct sa_table), TBL_ALIGN);
	l->entries_off = tbl_round_up(l->buckets_off +
				      n_buckets * sizeof(struct tbl_bucket),
				      TBL_ALIGN);
	l->total = l->entries_off + (uint64_t)p->capacity * l->entry_size;
	/* Room to align the header, on a 32-bit size_t too. */
	if (l->total > SIZE_MAX - TBL_ALIGN)
		return -ENOMEM;
	return 0;
}

int
sa_table_create(const struct sa_table_params *params, struct sa_table **out)
{
	struct tbl_layout l;
	struct sa_table *t;
	uint8_t *raw;
	uint32_t pad;
	uint32_t i;

	if (out == NULL)
		return -EINVAL;
	*out = NULL;
	if (!tbl_params_ok(params))
		return -EINVAL;
	if (tbl_layout(params, &l) != 0)
		return -ENOMEM;
	raw = tbl_mem_alloc(params->alloc, l.total + TBL_ALIGN - 1);
	if (raw == NULL)
		return -ENOMEM;
	pad = (TBL_ALIGN - (uintptr_t)raw % TBL_ALIGN) % TBL_ALIGN;
	t = (struct sa_table *)(raw + pad);

	/* The rest of the block is already zero: an empty index, no free
	 * list, no slot used. */
	for (i = 0; params->name != NULL && params->name[i] != '\0' &&
	     i < TBL_NAME_MAX - 1; i++)
		t->name[i] = params->name[i];
	if (params->alloc != NULL)
		t->alloc = *params->alloc;
	t->timeout_ns = params->timeout_ns;
	t->buckets_off = l.buckets_off;
	t->entries_off = l.entries_off;
	t->base_off = pad;
	t->key_size = params->key_size;
	t->value_size = params->value_size;
	t->value_off = l.value_off;
	t->entry_size = l.entry_size;
	t->capacity = params->capacity;
	t->bucket_mask = l.n_buckets - 1;
	*out = t;
	return 0;
}

void
sa_table_free(struct sa_table *t)
{
	struct sa_allocator a;

	if (t == NULL)
		return;
	/* The allocator lives in the block being freed. */
	a = t->alloc;
	tbl_mem_free(&a, (uint8_t *)t - t->base_off);
}

int
sa_table_add(struct sa_table *t, const void *key, uint64_t now_ns,
	     void **value)
{
	struct tbl_bucket *b = tbl_buckets(t);
	uint32_t hash = tbl_hash(key, t->key_size);
	struct tbl_entry *e;
	uint32_t bucket;
	uint32_t slot;
	void *v;

	if (tbl_probe(t, key, hash, &bucket)) {
		v = tbl_value(t, tbl_entry(t, b[bucket].slot1 - 1));
		if (value != NULL)
			*value = v;
		return -EEXIST;
	}
	slot = tbl_slot_get(t);
	if (slot == TBL_SLOT_NONE) {
		if (value != NULL)
			*value = NULL;
		return -ENOSPC;
	}
	e = tbl_entry(t, slot);
	e->deadline = tbl_deadline(now_ns, t->timeout_ns);
	e->hash = hash;
	e->link = TBL_LINK_LIVE;
	memcpy(tbl_key(e), key, t->key_size);
	v = tbl_value(t, e);
	memset(v, 0, t->value_size);
	b[bucket].hash = hash;
	b[bucket].slot1 = slot + 1;
	t->count++;
	if (value != NULL)
		*value = v;
	return 0;
}

void *
sa_table_lookup(const struct sa_table *t, const void *key)
{
	uint32_t bucket;

	if (!tbl_probe(t, key, tbl_hash(key, t->key_size), &bucket))
		return NULL;
	return tbl_value(t, tbl_entry(t, tbl_buckets(t)[bucket].slot1 - 1));
}

int
sa_table_del(struct sa_table *t, const void *key)
{
	uint32_t bucket;

	if (!tbl_probe(t, key, tbl_hash(key, t->key_size), &bucket))
		return -ENOENT;
	tbl_remove(t, bucket);
	return 0;
}

int
sa_table_del_value(struct sa_table *t, void *value)
{
	uint32_t bucket;
	uint32_t slot;

	if (tbl_slot_of_value(t, value, &slot) != 0)
		return -EINVAL;
	bucket = tbl_bucket_of_slot(t, slot);
	/* A live slot is always indexed; anything else is a corrupt block. */
	if (bucket == TBL_BUCKET_NONE)
		return -EINVAL;
	tbl_remove(t, bucket);
	return 0;
}

const void *
sa_table_key(const struct sa_table *t, const void *value)
{
	return tbl_key(tbl_entry_of(t, value));
}

void
sa_table_touch(struct sa_table *t, void *value, uint64_t now_ns,
	       uint64_t timeout_ns)
{
	tbl_entry_of(t, value)->deadline = tbl_deadline(now_ns, timeout_ns);
}

uint64_t
sa_table_deadline(const struct sa_table *t, const void *value)
{
	return tbl_entry_of(t, value)->deadline;
}

uint32_t
sa_table_count(const struct sa_table *t)
{
	return t->count;
}

uint32_t
sa_table_capacity(const struct sa_table *t)
{
	return t->capacity;
}

/*
 * Slots above t->used were never live, so the cursor wraps there and a
 * call never visits a slot twice. fn may delete the expiring entry itself
 * (a flow's callback typically frees both directions of it), so the entry
 * is checked again before it is removed; either way it counts as expired.
 */
uint32_t
sa_table_expire(struct sa_table *t, uint64_t now_ns, uint32_t max_scan,
		sa_table_expire_fn fn, void *arg)
{
	uint32_t scan = max_scan < t->used ? max_scan : t->used;
	uint32_t n = 0;
	struct tbl_entry *e;
	uint32_t slot;

	while (scan-- > 0) {
		slot = t->cursor;
		t->cursor = slot + 1 < t->used ? slot + 1 : 0;
		e = tbl_entry(t, slot);
		if (e->link != TBL_LINK_LIVE || e->deadline == SA_TABLE_NEVER ||
		    e->deadline > now_ns)
			continue;
		if (fn != NULL)
			fn(arg, tbl_key(e), tbl_value(t, e));
		if (e->link == TBL_LINK_LIVE)
			tbl_remove(t, tbl_bucket_of_slot(t, slot));
		n++;
	}
	return n;
}

int
sa_table_iterate(const struct sa_table *t, uint32_t *iter, const void **key,
		 void **value)
{
	struct tbl_entry *e;
	uint32_t slot;

	for (slot = *iter; slot < t->used; slot++) {
		e = tbl_entry(t, slot);
		if (e->link != TBL_LINK_LIVE)
			continue;
		*iter = slot + 1;
		if (key != NULL)
			*key = tbl_key(e);
		if (value != NULL)
			*value = tbl_value(t, e);
		return 0;
	}
	*iter = slot;
	return -ENOENT;
}
