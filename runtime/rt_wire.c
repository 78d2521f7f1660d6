/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include <rte_byteorder.h>

#include "rt_log.h"
#include "rt_wire.h"

#define RT_SESSION_LABEL	"sa-repl-session"

/* The wire's sizes are HMAC-SHA256's, and the session key (a MAC) is a
 * key as long as the pre-shared one. */
_Static_assert(RT_WIRE_MAC_LEN == SA_HMAC_LEN, "MAC length");
_Static_assert(RT_WIRE_KEY_LEN == SA_HMAC_KEY_LEN, "key length");

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

int
rt_wire_auth_init(struct rt_wire_auth *a, const uint8_t key[RT_WIRE_KEY_LEN])
{
	memset(a, 0, sizeof(*a));
	return sa_hmac_init(&a->psk, key, RT_WIRE_KEY_LEN);
}

int
rt_wire_auth_load(struct rt_wire_auth *a, const char *path)
{
	char err[SA_HMAC_ERR_MAX];
	uint8_t key[RT_WIRE_KEY_LEN];
	int ret;

	ret = sa_hmac_key_load(path, key, err, sizeof(err));
	if (ret < 0) {
		RT_LOG(ERR, "key_file %s\n", err);
		return ret;
	}
	ret = rt_wire_auth_init(a, key);
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
	if (sa_hmac_sign(&a->psk, msg, sizeof(msg), NULL, 0, key) < 0)
		return -EIO;
	ret = sa_hmac_init(&a->session, key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

void
rt_wire_auth_end_session(struct rt_wire_auth *a)
{
	sa_hmac_fini(&a->session);
}

void
rt_wire_auth_fini(struct rt_wire_auth *a)
{
	rt_wire_auth_end_session(a);
	sa_hmac_fini(&a->psk);
}

static inline struct sa_hmac *
current_key(struct rt_wire_auth *a)
{
	return sa_hmac_is_set(&a->session) ? &a->session : &a->psk;
}

size_t
rt_wire_seal(struct rt_wire_auth *a, uint8_t type, uint8_t *frame,
	     uint32_t payload_len)
{
	rte_be32_t be = rte_cpu_to_be_32(payload_len);

	memcpy(frame, &be, sizeof(be));
	frame[4] = RT_WIRE_VERSION;
	frame[5] = type;
	if (sa_hmac_sign(current_key(a), frame, RT_WIRE_HDR_LEN,
			 frame + RT_WIRE_HDR_LEN, payload_len,
			 frame + RT_WIRE_HDR_LEN + payload_len) < 0)
		return 0;
	return RT_WIRE_OVERHEAD + (size_t)payload_len;
}

int
rt_wire_open(struct rt_wire_auth *a, const uint8_t *buf, size_t len,
	     struct rt_wire_frame *f, enum rt_reject *why)
{
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
	if (sa_hmac_verify(current_key(a), buf, RT_WIRE_HDR_LEN,
			   buf + RT_WIRE_HDR_LEN, plen,
			   buf + RT_WIRE_HDR_LEN + plen) < 0) {
		*why = RT_REJECT_BAD_HMAC;
		return -EBADMSG;
	}
	f->type = buf[5];
	f->len = plen;
	f->payload = buf + RT_WIRE_HDR_LEN;
	f->frame_len = RT_WIRE_OVERHEAD + (size_t)plen;
	return 0;
}
