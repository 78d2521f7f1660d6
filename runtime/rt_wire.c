/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

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

static EVP_MAC_CTX *
hmac_new(const uint8_t *key, size_t len)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = NULL;

	if (mac == NULL)
		return NULL;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (ctx != NULL && EVP_MAC_init(ctx, key, len, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* MAC of a || b with ctx's key. A NULL key re-initialises the context
 * with the key it already has (OpenSSL 3), saving the key schedule. */
static int
hmac2(EVP_MAC_CTX *ctx, const uint8_t *a, size_t alen, const uint8_t *b,
      size_t blen, uint8_t out[RT_WIRE_MAC_LEN])
{
	size_t outlen;

	if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(ctx, a, alen) != 1 ||
	    (blen > 0 && EVP_MAC_update(ctx, b, blen) != 1) ||
	    EVP_MAC_final(ctx, out, &outlen, RT_WIRE_MAC_LEN) != 1 ||
	    outlen != RT_WIRE_MAC_LEN)
		return -EIO;
	return 0;
}

int
rt_wire_auth_init(struct rt_wire_auth *a, const uint8_t key[RT_WIRE_KEY_LEN])
{
	memset(a, 0, sizeof(*a));
	a->psk = hmac_new(key, RT_WIRE_KEY_LEN);
	return a->psk != NULL ? 0 : -ENOMEM;
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

	rt_wire_auth_end_session(a);
	memcpy(msg, RT_SESSION_LABEL, lab);
	memcpy(msg + lab, primary_nonce, RT_WIRE_NONCE_LEN);
	memcpy(msg + lab + RT_WIRE_NONCE_LEN, standby_nonce,
	       RT_WIRE_NONCE_LEN);
	if (hmac2(a->psk, msg, sizeof(msg), NULL, 0, key) < 0)
		return -EIO;
	a->session = hmac_new(key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	return a->session != NULL ? 0 : -ENOMEM;
}

void
rt_wire_auth_end_session(struct rt_wire_auth *a)
{
	EVP_MAC_CTX_free(a->session);
	a->session = NULL;
}

void
rt_wire_auth_fini(struct rt_wire_auth *a)
{
	rt_wire_auth_end_session(a);
	EVP_MAC_CTX_free(a->psk);
	a->psk = NULL;
}

static inline EVP_MAC_CTX *
current_key(const struct rt_wire_auth *a)
{
	return a->session != NULL ? a->session : a->psk;
}

size_t
rt_wire_seal(struct rt_wire_auth *a, uint8_t type, uint8_t *frame,
	     uint32_t payload_len)
{
	rte_be32_t be = rte_cpu_to_be_32(payload_len);

	memcpy(frame, &be, sizeof(be));
	frame[4] = RT_WIRE_VERSION;
	frame[5] = type;
	if (hmac2(current_key(a), frame, RT_WIRE_HDR_LEN,
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
	if (hmac2(current_key(a), buf, RT_WIRE_HDR_LEN, buf + RT_WIRE_HDR_LEN,
		  plen, mac) < 0 ||
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
