/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_UTIL_H
#define AZ_UTIL_H

/**
 * @file
 * Small containers the analyzer phases share: growable arrays, a map from
 * pointers (LLVMValueRef, LLVMBasicBlockRef, metadata) to 32-bit ids, a
 * map from pairs of integers to integers, a map from strings to pointers,
 * and a string pool.
 *
 * Contract:
 * - Zero-initialized structs are valid empty containers; *_fini() frees
 *   and leaves them empty again.
 * - Functions that allocate return 0 or -ENOMEM and leave the container
 *   unchanged on failure.
 * - The pointer map never stores NULL keys; its values are any uint32_t
 *   except AZ_PTRMAP_NONE, which az_ptrmap_get() returns for absent keys.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Grows *@p v (elements of @p size bytes, capacity *@p cap) to hold at
 *  least @p need elements, doubling. @return 0 or -ENOMEM. */
int az_grow(void **v, size_t *cap, size_t need, size_t size);

/** A vector of uint32_t. */
struct az_u32vec {
	uint32_t *v;
	size_t n;
	size_t cap;
};

int az_u32vec_push(struct az_u32vec *vec, uint32_t x);
void az_u32vec_fini(struct az_u32vec *vec);

/** A vector of pointers. */
struct az_ptrvec {
	void **v;
	size_t n;
	size_t cap;
};

int az_ptrvec_push(struct az_ptrvec *vec, void *p);
void az_ptrvec_fini(struct az_ptrvec *vec);

#define AZ_PTRMAP_NONE	UINT32_MAX

/** Open addressing, linear probing, power-of-two capacity. */
struct az_ptrmap {
	const void **keys;
	uint32_t *vals;
	size_t n;
	size_t cap;
};

/** The value of @p key, or AZ_PTRMAP_NONE. */
uint32_t az_ptrmap_get(const struct az_ptrmap *m, const void *key);
/** Sets @p key to @p val (replacing). @return 0, -EINVAL (NULL key or
 *  AZ_PTRMAP_NONE value), -ENOMEM. */
int az_ptrmap_put(struct az_ptrmap *m, const void *key, uint32_t val);
void az_ptrmap_fini(struct az_ptrmap *m);

#define AZ_PAIRMAP_NONE	UINT64_MAX

/** Open addressing map from a pair of 64-bit keys to a 64-bit value
 *  (caches keyed by (object, offset), (type, offset), ...). */
struct az_pairmap {
	uint64_t *k;		/* 2 per slot; slot empty when val is NONE */
	uint64_t *val;
	size_t n;
	size_t cap;
};

/** The value of (@p a, @p b), or AZ_PAIRMAP_NONE. */
uint64_t az_pairmap_get(const struct az_pairmap *m, uint64_t a, uint64_t b);
/** Sets (@p a, @p b) to @p val (not AZ_PAIRMAP_NONE). @return 0, -ENOMEM. */
int az_pairmap_put(struct az_pairmap *m, uint64_t a, uint64_t b,
		   uint64_t val);
void az_pairmap_fini(struct az_pairmap *m);

/** Open-addressing map from a string (kept by pointer: it must outlive
 *  the map) to a pointer. */
struct az_strmap {
	const char **keys;
	void **vals;
	size_t n;
	size_t cap;
};

/** The value of @p key, or NULL. */
void *az_strmap_get(const struct az_strmap *m, const char *key);
/** Maps @p key to @p val; an existing key keeps its value unless
 *  @p replace. @return 0 or -ENOMEM. */
int az_strmap_put(struct az_strmap *m, const char *key, void *val,
		  bool replace);
void az_strmap_fini(struct az_strmap *m);

/** A pool of strings freed together; chunks of 64 KiB or more. */
struct az_strpool {
	struct az_strpool_chunk *head;
};

/** Copies @p len bytes of @p s (plus a NUL) into the pool; NULL if out of
 *  memory. */
char *az_strpool_add(struct az_strpool *p, const char *s, size_t len);
/** printf into the pool; NULL if out of memory. */
char *az_strpool_printf(struct az_strpool *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void az_strpool_fini(struct az_strpool *p);

#ifdef __cplusplus
}
#endif

#endif /* AZ_UTIL_H */
