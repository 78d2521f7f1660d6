/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "rt_log.h"
#include "rt_wire.h"

/* Room to read a key file: 64 hex digits, a newline, and one more byte to
 * notice trailing garbage. */
#define RT_KEY_FILE_MAX		(2 * RT_WIRE_KEY_LEN + 2)
#define RT_SESSION_LABEL	"sa-repl-session"

#define RT_REJECT_NAME_(name, str) str,
static const char *const rt_reject_names[RT_REJECT_COUNT] = {
	"none",
	RT_REJECT_REASONS(RT_REJECT_NAME_)
};
#undef RT_REJECT_NAME_

const char *
rt_reject_name(unsigned int r)
{
	return r < RT_REJECT_COUNT ? rt_reject_names[r] : "?";
}

/* RFC 2104 pads, and SHA-256's block: longer keys would be hashed first
 * (ours are RT_WIRE_KEY_LEN or a MAC, both shorter). */
#define RT_HMAC_IPAD		0x36
#define RT_HMAC_OPAD		0x5c
#define RT_SHA256_BLOCK		64

static void
key_free(struct rt_wire_key *k)
{
	EVP_MD_CTX_free(k->inner);
	EVP_MD_CTX_free(k->outer);
	k->inner = NULL;
	k->outer = NULL;
}

/* The SHA-256 state after the block of @p key padded and xored with
 * @p pad. */
static EVP_MD_CTX *
key_state(const uint8_t *key, size_t len, uint8_t pad)
{
	uint8_t block[RT_SHA256_BLOCK];
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

static int
key_init(struct rt_wire_key *k, const uint8_t *key, size_t len)
{
	RTE_BUILD_BUG_ON(RT_WIRE_KEY_LEN > RT_SHA256_BLOCK ||
			 RT_WIRE_MAC_LEN > RT_SHA256_BLOCK);
	k->inner = key_state(key, len, RT_HMAC_IPAD);
	k->outer = key_state(key, len, RT_HMAC_OPAD);
	if (k->inner == NULL || k->outer == NULL) {
		key_free(k);
		return -ENOMEM;
	}
	return 0;
}

/* HMAC-SHA256 of a || b under @p k, in @p work:
 * H((key ^ opad) || H((key ^ ipad) || a || b)), both pads already
 * hashed. */
static int
hmac2(const struct rt_wire_key *k, EVP_MD_CTX *work, const uint8_t *a,
      size_t alen, const uint8_t *b, size_t blen,
      uint8_t out[RT_WIRE_MAC_LEN])
{
	uint8_t inner[RT_WIRE_MAC_LEN];
	unsigned int len = 0;
	int ok;

	ok = EVP_MD_CTX_copy_ex(work, k->inner) == 1 &&
	     EVP_DigestUpdate(work, a, alen) == 1 &&
	     (blen == 0 || EVP_DigestUpdate(work, b, blen) == 1) &&
	     EVP_DigestFinal_ex(work, inner, &len) == 1 &&
	     len == RT_WIRE_MAC_LEN &&
	     EVP_MD_CTX_copy_ex(work, k->outer) == 1 &&
	     EVP_DigestUpdate(work, inner, sizeof(inner)) == 1 &&
	     EVP_DigestFinal_ex(work, out, &len) == 1 &&
	     len == RT_WIRE_MAC_LEN;
	return ok ? 0 : -EIO;
}

int
rt_wire_auth_init(struct rt_wire_auth *a, const uint8_t key[RT_WIRE_KEY_LEN])
{
	memset(a, 0, sizeof(*a));
	a->work = EVP_MD_CTX_new();
	if (a->work == NULL || key_init(&a->psk, key, RT_WIRE_KEY_LEN) < 0) {
		rt_wire_auth_fini(a);
		return -ENOMEM;
	}
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
parse_key(const char *text, size_t n, uint8_t key[RT_WIRE_KEY_LEN])
{
	size_t i;
	int hi, lo;

	if (n == 2 * RT_WIRE_KEY_LEN + 1 && text[n - 1] == '\n')
		n--;
	if (n != 2 * RT_WIRE_KEY_LEN)
		return -EINVAL;
	for (i = 0; i < RT_WIRE_KEY_LEN; i++) {
		hi = hex_digit(text[2 * i]);
		lo = hex_digit(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int
read_key_file(const char *path, char *text, size_t *n)
{
	struct stat st;
	ssize_t got;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err = errno;
		RT_LOG(ERR, "key_file %s: %s\n", path, strerror(err));
		return -err;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		RT_LOG(ERR, "key_file %s: not a regular file\n", path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		RT_LOG(ERR, "key_file %s: mode %04o lets group or others "
		       "access the key; refused (chmod 600 it)\n", path,
		       (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	got = read(fd, text, RT_KEY_FILE_MAX);
	err = errno;
	close(fd);
	if (got < 0) {
		RT_LOG(ERR, "key_file %s: %s\n", path, strerror(err));
		return -err;
	}
	*n = (size_t)got;
	return 0;
}

int
rt_wire_auth_load(struct rt_wire_auth *a, const char *path)
{
	char text[RT_KEY_FILE_MAX];
	uint8_t key[RT_WIRE_KEY_LEN];
	size_t n = 0;
	int ret;

	ret = read_key_file(path, text, &n);
	if (ret == 0 && parse_key(text, n, key) < 0) {
		RT_LOG(ERR, "key_file %s: expected 64 hex digits (32 bytes, "
		       "e.g. from 'openssl rand -hex 32')\n", path);
		ret = -EINVAL;
	}
	if (ret == 0)
		ret = rt_wire_auth_init(a, key);
	OPENSSL_cleanse(text, sizeof(text));
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

int
rt_wire_auth_session(struct rt_wire_auth *a,
		     const uint8_t primary_nonce[RT_WIRE_NONCE_LEN],
		     const uint8_t standby_nonce[RT_WIRE_NONCE_LEN])
{
	uint8_t msg[sizeof(RT_SESSION_LABEL) - 1 + 2 * RT_WIRE_NONCE_LEN];
	uint8_t key[RT_WIRE_MAC_LEN];
	size_t lab = sizeof(RT_SESSION_LABEL) - 1;
	int ret;

	rt_wire_auth_end_session(a);
	memcpy(msg, RT_SESSION_LABEL, lab);
	memcpy(msg + lab, primary_nonce, RT_WIRE_NONCE_LEN);
	memcpy(msg + lab + RT_WIRE_NONCE_LEN, standby_nonce,
	       RT_WIRE_NONCE_LEN);
	if (hmac2(&a->psk, a->work, msg, sizeof(msg), NULL, 0, key) < 0)
		return -EIO;
	ret = key_init(&a->session, key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

void
rt_wire_auth_end_session(struct rt_wire_auth *a)
{
	key_free(&a->session);
}

void
rt_wire_auth_fini(struct rt_wire_auth *a)
{
	rt_wire_auth_end_session(a);
	key_free(&a->psk);
	EVP_MD_CTX_free(a->work);
	a->work = NULL;
}

static inline const struct rt_wire_key *
current_key(const struct rt_wire_auth *a)
{
	return a->session.inner != NULL ? &a->session : &a->psk;
}

size_t
rt_wire_seal(struct rt_wire_auth *a, uint8_t type, uint8_t *frame,
	     uint32_t payload_len)
{
	rte_be32_t be = rte_cpu_to_be_32(payload_len);

	memcpy(frame, &be, sizeof(be));
	frame[4] = RT_WIRE_VERSION;
	frame[5] = type;
	if (hmac2(current_key(a), a->work, frame, RT_WIRE_HDR_LEN,
		  frame + RT_WIRE_HDR_LEN, payload_len,
		  frame + RT_WIRE_HDR_LEN + payload_len) < 0)
		return 0;
	return RT_WIRE_OVERHEAD + (size_t)payload_len;
}

int
rt_wire_open(struct rt_wire_auth *a, const uint8_t *buf, size_t len,
	     struct rt_wire_frame *f, enum rt_reject *why)
{
	uint8_t mac[RT_WIRE_MAC_LEN];
	rte_be32_t be;
	uint32_t plen;

	if (len < RT_WIRE_HDR_LEN)
		return -EAGAIN;
	memcpy(&be, buf, sizeof(be));
	plen = rte_be_to_cpu_32(be);
	*why = RT_REJECT_NONE;
	if (plen > RT_WIRE_PAYLOAD_MAX)
		*why = RT_REJECT_OVERSIZED;
	else if (buf[4] != RT_WIRE_VERSION)
		*why = RT_REJECT_BAD_VERSION;
	else if (buf[5] == 0 || buf[5] > RT_MSG_TYPE_MAX)
		*why = RT_REJECT_BAD_TYPE;
	if (*why != RT_REJECT_NONE)
		return -EBADMSG;
	if (len < RT_WIRE_OVERHEAD + (size_t)plen)
		return -EAGAIN;
	if (hmac2(current_key(a), a->work, buf, RT_WIRE_HDR_LEN,
		  buf + RT_WIRE_HDR_LEN, plen, mac) < 0 ||
	    CRYPTO_memcmp(mac, buf + RT_WIRE_HDR_LEN + plen, sizeof(mac)) != 0) {
		*why = RT_REJECT_BAD_HMAC;
		return -EBADMSG;
	}
	f->type = buf[5];
	f->len = plen;
	f->payload = buf + RT_WIRE_HDR_LEN;
	f->frame_len = RT_WIRE_OVERHEAD + (size_t)plen;
	return 0;
}
