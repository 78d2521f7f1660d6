/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "sa_hmac.h"

/* RFC 2104 pads. */
#define SA_HMAC_IPAD		0x36
#define SA_HMAC_OPAD		0x5c
/* Room to read a key file: 64 hex digits, a newline, and one more byte to
 * notice trailing garbage. */
#define SA_KEY_FILE_HEX		(2 * SA_HMAC_KEY_LEN)
#define SA_KEY_FILE_MAX		(SA_KEY_FILE_HEX + 2)

_Static_assert(SA_HMAC_LEN <= SA_HMAC_KEY_MAX,
	       "a MAC is usable as a key as it is");

void
sa_hmac_fini(struct sa_hmac *h)
{
	EVP_MD_CTX_free(h->inner);
	EVP_MD_CTX_free(h->outer);
	EVP_MD_CTX_free(h->work);
	h->inner = NULL;
	h->outer = NULL;
	h->work = NULL;
}

/* The SHA-256 state after the block of @p key padded and xored with
 * @p pad. */
static EVP_MD_CTX *
pad_state(const uint8_t *key, size_t len, uint8_t pad)
{
	uint8_t block[SA_HMAC_KEY_MAX];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t i;
	int ok;

	if (ctx == NULL)
		return NULL;
	for (i = 0; i < sizeof(block); i++)
		block[i] = (uint8_t)((i < len ? key[i] : 0) ^ pad);
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, block, sizeof(block)) == 1;
	OPENSSL_cleanse(block, sizeof(block));
	if (!ok) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int
sa_hmac_init(struct sa_hmac *h, const uint8_t *key, size_t len)
{
	memset(h, 0, sizeof(*h));
	if (len > SA_HMAC_KEY_MAX)
		return -EINVAL;
	h->inner = pad_state(key, len, SA_HMAC_IPAD);
	h->outer = pad_state(key, len, SA_HMAC_OPAD);
	h->work = EVP_MD_CTX_new();
	if (h->inner == NULL || h->outer == NULL || h->work == NULL) {
		sa_hmac_fini(h);
		return -ENOMEM;
	}
	return 0;
}

/* H((key ^ opad) || H((key ^ ipad) || a || b)), both pads already
 * hashed. */
int
sa_hmac_sign(struct sa_hmac *h, const void *a, size_t alen, const void *b,
	     size_t blen, uint8_t out[SA_HMAC_LEN])
{
	uint8_t inner[SA_HMAC_LEN];
	unsigned int len = 0;
	int ok;

	ok = EVP_MD_CTX_copy_ex(h->work, h->inner) == 1 &&
	     EVP_DigestUpdate(h->work, a, alen) == 1 &&
	     (blen == 0 || EVP_DigestUpdate(h->work, b, blen) == 1) &&
	     EVP_DigestFinal_ex(h->work, inner, &len) == 1 &&
	     len == SA_HMAC_LEN &&
	     EVP_MD_CTX_copy_ex(h->work, h->outer) == 1 &&
	     EVP_DigestUpdate(h->work, inner, sizeof(inner)) == 1 &&
	     EVP_DigestFinal_ex(h->work, out, &len) == 1 &&
	     len == SA_HMAC_LEN;
	return ok ? 0 : -EIO;
}

int
sa_hmac_verify(struct sa_hmac *h, const void *a, size_t alen, const void *b,
	       size_t blen, const uint8_t mac[SA_HMAC_LEN])
{
	uint8_t want[SA_HMAC_LEN];

	if (sa_hmac_sign(h, a, alen, b, blen, want) != 0 ||
	    CRYPTO_memcmp(want, mac, sizeof(want)) != 0)
		return -EBADMSG;
	return 0;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_key(const char *text, size_t n, uint8_t key[SA_HMAC_KEY_LEN])
{
	size_t i;
	int hi, lo;

	if (n == SA_KEY_FILE_HEX + 1 && text[n - 1] == '\n')
		n--;
	if (n != SA_KEY_FILE_HEX)
		return -EINVAL;
	for (i = 0; i < SA_HMAC_KEY_LEN; i++) {
		hi = hex_digit(text[2 * i]);
		lo = hex_digit(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Reads at most SA_KEY_FILE_MAX bytes of @p path into @p text, after the
 * checks of its type and mode. */
static int
read_key_file(const char *path, char *text, size_t *n, char *err,
	      size_t errlen)
{
	struct stat st;
	ssize_t got;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "%s: mode %04o lets group or others "
			 "access the key; refused (chmod 600 it)", path,
			 (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	got = read(fd, text, SA_KEY_FILE_MAX);
	ret = got < 0 ? -errno : 0;
	close(fd);
	if (ret < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	*n = (size_t)got;
	return 0;
}

int
sa_hmac_key_load(const char *path, uint8_t key[SA_HMAC_KEY_LEN], char *err,
		 size_t errlen)
{
	char text[SA_KEY_FILE_MAX];
	size_t n = 0;
	int ret;

	ret = read_key_file(path, text, &n, err, errlen);
	if (ret == 0 && parse_key(text, n, key) < 0) {
		snprintf(err, errlen, "%s: expected 64 hex digits (32 bytes, "
			 "e.g. from 'openssl rand -hex 32') and an optional "
			 "newline", path);
		ret = -EINVAL;
	}
	OPENSSL_cleanse(text, sizeof(text));
	if (ret < 0)
		OPENSSL_cleanse(key, SA_HMAC_KEY_LEN);
	return ret;
}
