/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_IDENT_H
#define RT_IDENT_H

/*
 * What makes two instances able to replicate to each other, compared by
 * the Hello handshake: the same binary (GNU build-id), the same analysis
 * (manifest hash), the same arena, the same middlebox and the same state
 * layout after init (a digest of its config section and of the used
 * arena). Also the hash --verify-replica compares regions with.
 */

#include <stddef.h>
#include <stdint.h>

#include <sa/config.h>
#include <sa/mbox.h>

#include "rt_rmap.h"

#define RT_BUILD_ID_MAX		64
#define RT_DIGEST_LEN		32

struct rt_ident {
	uint8_t build_id[RT_BUILD_ID_MAX];
	size_t build_id_len;
	uint8_t manifest_hash[SA_MANIFEST_HASH_LEN];
	uint8_t init_digest[RT_DIGEST_LEN];
	const char *middlebox;
	uint64_t arena_base;
	uint64_t arena_size;
};

/**
 * Reads this executable's NT_GNU_BUILD_ID note (dl_iterate_phdr).
 * @return 0, or -ENOENT when it was linked without --build-id.
 */
int rt_ident_build_id(uint8_t *out, size_t cap, size_t *len);

/**
 * Fills @p id for @p mb, configured by @p cfg, right after its init: the
 * replicated memory @p m must hold exactly what init built.
 * @return 0 or -errno (logged).
 */
int rt_ident_init(struct rt_ident *id, const struct sa_middlebox *mb,
		  const struct sa_config *cfg, const struct rt_rmap *m);

/** Hex of @p len bytes into @p out (2 * len + 1 bytes). */
void rt_ident_hex(const uint8_t *b, size_t len, char *out);

/** 64-bit hash of [p, p + len) for replica comparison (not for security:
 *  the channel's HMAC protects the digests in transit). */
uint64_t rt_ident_hash(const void *p, size_t len);

#endif /* RT_IDENT_H */
