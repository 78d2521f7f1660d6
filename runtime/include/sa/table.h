/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_TABLE_H
#define SA_TABLE_H

/**
 * @file
 * sa_table: a fixed-capacity hash table of fixed-size keys and values with
 * per-entry idle deadlines, for flow state.
 *
 * All memory (buckets, entries, keys, values) is taken once at creation
 * from a pluggable allocator, so the state arena can back it and nothing is
 * allocated per packet. Keys are compared bytewise: zero their padding.
 * Lookups ignore deadlines; entries go away only through sa_table_del*()
 * or sa_table_expire(), so expiry happens at points the middlebox chooses
 * (its tick) and a trace replays identically. Iteration and expiry walk
 * entry slots in index order, so deleting the current entry — or any
 * other — while walking is safe. Not thread-safe.
 */

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sa_table;

/** Where a table's memory comes from. alloc returns zeroed memory. */
struct sa_allocator {
	void *(*alloc)(void *arg, size_t size);
	void (*free)(void *arg, void *p);
	void *arg;
};

#define SA_TABLE_KEY_MAX	64
#define SA_TABLE_VALUE_MAX	4096
#define SA_TABLE_CAPACITY_MAX	(1u << 26)
/** Deadline of an entry that never expires. */
#define SA_TABLE_NEVER		UINT64_MAX

struct sa_table_params {
	const char *name;	/**< for messages */
	uint32_t key_size;	/**< 1..SA_TABLE_KEY_MAX bytes */
	uint32_t value_size;	/**< 0..SA_TABLE_VALUE_MAX bytes */
	uint32_t capacity;	/**< 1..SA_TABLE_CAPACITY_MAX entries */
	uint64_t timeout_ns;	/**< idle timeout of new entries; 0: never */
	/** NULL: sa_state_alloc()/sa_state_free() */
	const struct sa_allocator *alloc;
};

/**
 * Creates a table.
 * @return 0; -EINVAL on bad params; -ENOMEM if the allocator fails.
 */
int sa_table_create(const struct sa_table_params *params, struct sa_table **out);

/** Frees the table and all its memory; NULL is ignored. */
void sa_table_free(struct sa_table *t);

/**
 * Inserts @p key with a zeroed value and deadline now + timeout_ns.
 * @return 0 when inserted; -EEXIST when present (*value points to the
 *   existing value, nothing changes); -ENOSPC when the table is full
 *   (*value is NULL).
 */
int sa_table_add(struct sa_table *t, const void *key, uint64_t now_ns,
		 void **value);

/** The value stored under @p key, or NULL. */
void *sa_table_lookup(const struct sa_table *t, const void *key);

/** Deletes @p key. @return 0, or -ENOENT. */
int sa_table_del(struct sa_table *t, const void *key);

/** Deletes the entry @p value belongs to. @return 0, or -EINVAL if
 *  @p value is not a live entry's value. */
int sa_table_del_value(struct sa_table *t, void *value);

/** The key of the entry @p value belongs to. */
const void *sa_table_key(const struct sa_table *t, const void *value);

/** Sets the entry's deadline to now + timeout (0: never expires). */
void sa_table_touch(struct sa_table *t, void *value, uint64_t now_ns,
		    uint64_t timeout_ns);

/** The entry's absolute deadline in ns, SA_TABLE_NEVER if none. */
uint64_t sa_table_deadline(const struct sa_table *t, const void *value);

uint32_t sa_table_count(const struct sa_table *t);
uint32_t sa_table_capacity(const struct sa_table *t);

/** Called for an expiring entry just before it is deleted. It may delete
 *  other entries (of any table) but must not add to this one. */
typedef void (*sa_table_expire_fn)(void *arg, const void *key, void *value);

/**
 * Deletes entries whose deadline is <= @p now_ns, visiting at most
 * @p max_scan entry slots from where the previous call stopped (wrapping
 * round), so the work per tick is bounded. @p fn may be NULL.
 * @return the number of entries deleted.
 */
uint32_t sa_table_expire(struct sa_table *t, uint64_t now_ns,
			 uint32_t max_scan, sa_table_expire_fn fn, void *arg);

/**
 * Iterates over live entries. Start with *iter = 0; each call returns 0
 * with the next entry, or -ENOENT when done. Deleting entries meanwhile
 * is safe; entries added meanwhile may or may not be visited.
 */
int sa_table_iterate(const struct sa_table *t, uint32_t *iter,
		     const void **key, void **value);

#ifdef __cplusplus
}
#endif

#endif /* SA_TABLE_H */
