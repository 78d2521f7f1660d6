/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_WIRE_H
#define RT_WIRE_H

/*
 * Frames of the replication channel, as documented in
 * proto/replication.proto: a 6-byte header (payload length, version,
 * type), the protobuf payload, and an HMAC-SHA256 over both. This module
 * seals and opens frames and holds the keys; it knows nothing of the
 * messages inside. Opening checks in the documented fixed order and names
 * the first failure (enum rt_reject), which the caller counts.
 */

#include <stddef.h>
#include <stdint.h>

#include "sa_hmac.h"

#define RT_WIRE_VERSION		1
#define RT_WIRE_HDR_LEN		6
#define RT_WIRE_MAC_LEN		32
#define RT_WIRE_OVERHEAD	(RT_WIRE_HDR_LEN + RT_WIRE_MAC_LEN)
#define RT_WIRE_PAYLOAD_MAX	(4u << 20)
#define RT_WIRE_KEY_LEN		32
#define RT_WIRE_NONCE_LEN	16

enum rt_msg_type {
	RT_MSG_HELLO = 1,
	RT_MSG_SNAPSHOT = 2,
	RT_MSG_DELTA = 3,
	RT_MSG_ACK = 4,
	RT_MSG_BYE = 5,
	RT_MSG_TYPE_MAX = RT_MSG_BYE,
};

/* Why a received frame was rejected, in checking order; each is a counter
 * repl.reject.<name>. */
#define RT_REJECT_REASONS(X)						\
	X(OVERSIZED,	"oversized")					\
	X(BAD_VERSION,	"bad-version")					\
	X(BAD_TYPE,	"bad-type")					\
	X(BAD_HMAC,	"bad-hmac")					\
	X(MALFORMED,	"malformed")					\
	X(UNEXPECTED,	"unexpected")					\
	X(BAD_EPOCH,	"bad-epoch")					\
	X(BAD_SEQ,	"bad-seq")					\
	X(OUT_OF_RANGE,	"out-of-range")					\
	X(TOO_LARGE,	"too-large")					\
	X(BAD_COMMAND,	"bad-command")					\
	X(TRUNCATED,	"truncated")

#define RT_REJECT_ENUM_(name, str) RT_REJECT_##name,
enum rt_reject {
	RT_REJECT_NONE = 0,
	RT_REJECT_REASONS(RT_REJECT_ENUM_)
	RT_REJECT_COUNT,
};
#undef RT_REJECT_ENUM_

/** Name of @p r ("none" for RT_REJECT_NONE). */
const char *rt_reject_name(unsigned int r);

/** Keys of one end of the channel (common/sa_hmac.h). */
struct rt_wire_auth {
	struct sa_hmac psk;		/* pre-shared key: Hellos */
	struct sa_hmac session;		/* session key, none until both
					 * Hellos */
};

/**
 * Reads the pre-shared key from @p path (sa_hmac_key_load(): 64 hex
 * digits, an optional newline, nothing else, in a file group and others
 * cannot access).
 * @return 0; -EPERM (mode), -EINVAL (content), -errno of open/read; each
 *   logged with the path.
 */
int rt_wire_auth_load(struct rt_wire_auth *a, const char *path);

/** Sets up @p a with @p key directly (tests). @return 0 or -ENOMEM. */
int rt_wire_auth_init(struct rt_wire_auth *a,
		      const uint8_t key[RT_WIRE_KEY_LEN]);

/** Switches to the session key derived from the two Hellos' nonces.
 *  @return 0 or -ENOMEM. */
int rt_wire_auth_session(struct rt_wire_auth *a,
			 const uint8_t primary_nonce[RT_WIRE_NONCE_LEN],
			 const uint8_t standby_nonce[RT_WIRE_NONCE_LEN]);

/** Back to the pre-shared key (the connection ended). */
void rt_wire_auth_end_session(struct rt_wire_auth *a);

void rt_wire_auth_fini(struct rt_wire_auth *a);

/**
 * Completes the frame whose payload (@p payload_len bytes) is already at
 * @p frame + RT_WIRE_HDR_LEN: writes the header before it and the MAC
 * after it. @return the frame's length, or 0 if the MAC failed.
 */
size_t rt_wire_seal(struct rt_wire_auth *a, uint8_t type, uint8_t *frame,
		    uint32_t payload_len);

struct rt_wire_frame {
	uint8_t type;
	uint32_t len;		/* payload bytes */
	const uint8_t *payload;
	size_t frame_len;	/* header + payload + MAC */
};

/**
 * Opens the frame at the start of @p buf (@p len bytes available).
 * @return 0 and *f; -EAGAIN when more bytes are needed; -EBADMSG with
 *   *why set: oversized, bad-version, bad-type or bad-hmac. An oversized
 *   length is refused from the header alone.
 */
int rt_wire_open(struct rt_wire_auth *a, const uint8_t *buf, size_t len,
		 struct rt_wire_frame *f, enum rt_reject *why);

/** Serial-number order (RFC 1982) of the 32-bit frame sequence numbers:
 *  a <= b and a < b modulo 2^32. */
static inline int
rt_seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) >= 0;
}

static inline int
rt_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) > 0;
}

#endif /* RT_WIRE_H */
