/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_HMAC_H
#define SA_HMAC_H

/*
 * HMAC-SHA256 (RFC 2104) and the pre-shared key files, shared by the
 * replication channel (runtime/rt_wire.c) and the heartbeats
 * (ha-daemon/ha_hb.c). Both MAC their messages with one key many times,
 * so a key is kept as the SHA-256 states after its inner and outer padded
 * blocks: a MAC copies them instead of hashing the key again (two
 * compressions fewer than HMAC(), and no EVP_MAC dispatch). No logging
 * here: errors come back as negative errno and, for key files, as a
 * "PATH: message" text the caller logs its own way.
 */

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/** Bytes of an HMAC-SHA256. */
#define SA_HMAC_LEN		32
/** Bytes of a key read from a key file (64 hex digits). */
#define SA_HMAC_KEY_LEN		32
/** SHA-256's block: the longest key taken as it is (longer ones are
 *  refused, not hashed first). */
#define SA_HMAC_KEY_MAX		64
/** Room for a key file's error message: a path and a sentence. */
#define SA_HMAC_ERR_MAX		(4096 + 128)

/** One HMAC-SHA256 key. The states are as secret as the key. */
struct sa_hmac {
	EVP_MD_CTX *inner;	/* after (key ^ ipad); NULL: no key */
	EVP_MD_CTX *outer;	/* after (key ^ opad) */
	EVP_MD_CTX *work;	/* a MAC is computed here */
};

/**
 * Sets up @p h with the @p len bytes of @p key (at most SA_HMAC_KEY_MAX).
 * @return 0; -EINVAL (key too long); -ENOMEM (then @p h holds no key).
 */
int sa_hmac_init(struct sa_hmac *h, const uint8_t *key, size_t len);

/** Forgets the key; @p h may be set up again. Safe on a zeroed @p h. */
void sa_hmac_fini(struct sa_hmac *h);

/** Whether @p h holds a key. */
static inline int
sa_hmac_is_set(const struct sa_hmac *h)
{
	return h->inner != NULL;
}

/**
 * The HMAC-SHA256 of @p a || @p b (@p b may be NULL when @p blen is 0)
 * into @p out. @return 0 or -EIO.
 */
int sa_hmac_sign(struct sa_hmac *h, const void *a, size_t alen,
		 const void *b, size_t blen, uint8_t out[SA_HMAC_LEN]);

/**
 * Checks @p mac against the HMAC-SHA256 of @p a || @p b, in constant
 * time. @return 0 when it matches; -EBADMSG when it does not or the MAC
 * could not be computed.
 */
int sa_hmac_verify(struct sa_hmac *h, const void *a, size_t alen,
		   const void *b, size_t blen, const uint8_t mac[SA_HMAC_LEN]);

/**
 * Reads a pre-shared key from @p path: 64 hex digits (SA_HMAC_KEY_LEN
 * bytes), an optional newline, nothing else, in a regular file (not a
 * symbolic link). Like ssh with private keys, a file that group or others
 * may access is refused.
 * @param err  on failure, "PATH: message" (at most @p errlen bytes, NUL
 *   included; SA_HMAC_ERR_MAX is enough for any path).
 * @return 0 and @p key; -EPERM (mode), -EINVAL (not a regular file, or
 *   content); -errno of open or read.
 */
int sa_hmac_key_load(const char *path, uint8_t key[SA_HMAC_KEY_LEN],
		     char *err, size_t errlen);

#endif /* SA_HMAC_H */
