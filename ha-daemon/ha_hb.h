/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_HB_H
#define HA_HB_H

/*
 * The heartbeat codec: seals a Heartbeat into one UDP datagram and opens
 * one, in the fixed checking order that proto/ha.proto documents (length,
 * magic, version, type, payload length, HMAC, protobuf, sender, replay).
 * Every failure has a name (enum ha_hb_reject), which the daemon counts
 * as hb.reject.<name>. No sockets here.
 */

#include <stddef.h>
#include <stdint.h>

#include "ha.pb-c.h"
#include "sa_hmac.h"

#define HA_HB_MAGIC		"SAHB"
#define HA_HB_VERSION		1
#define HA_HB_TYPE		1
#define HA_HB_HDR_LEN		8
#define HA_HB_MAC_LEN		32
#define HA_HB_KEY_LEN		32
#define HA_HB_PAYLOAD_MAX	512
#define HA_HB_DGRAM_MAX		(HA_HB_HDR_LEN + HA_HB_PAYLOAD_MAX + \
				 HA_HB_MAC_LEN)
/* Hashed before each datagram: a heartbeat MAC is never valid as a MAC
 * of anything else made with the same key. */
#define HA_HB_LABEL		"sa-ha-heartbeat"
/* Boots of the peer remembered with their last sequence number. */
#define HA_HB_BOOTS		8

#define HA_HB_REJECTS(X)						\
	X(SHORT,	"short")					\
	X(BAD_MAGIC,	"bad-magic")					\
	X(BAD_VERSION,	"bad-version")					\
	X(BAD_TYPE,	"bad-type")					\
	X(BAD_LENGTH,	"bad-length")					\
	X(BAD_HMAC,	"bad-hmac")					\
	X(MALFORMED,	"malformed")					\
	X(OWN_NODE,	"own-node")					\
	X(REPLAYED,	"replayed")

#define HA_HB_ENUM_(name, str) HA_HB_REJECT_##name,
enum ha_hb_reject {
	HA_HB_REJECT_NONE = 0,
	HA_HB_REJECTS(HA_HB_ENUM_)
	HA_HB_REJECT_COUNT,
};
#undef HA_HB_ENUM_

const char *ha_hb_reject_name(unsigned int r);

struct ha_hb_key {
	struct sa_hmac mac;
};

/**
 * Reads the pre-shared key (sa_hmac_key_load(), the replication key
 * format): 64 hex digits and an optional newline, in a regular file group
 * and others cannot access.
 * @return 0; -EPERM (mode), -EINVAL (content), -errno; message on stderr.
 */
int ha_hb_key_load(struct ha_hb_key *k, const char *path);
int ha_hb_key_init(struct ha_hb_key *k, const uint8_t key[HA_HB_KEY_LEN]);
/** Safe on a zeroed @p k. */
void ha_hb_key_fini(struct ha_hb_key *k);

/** Seals @p hb into @p buf. @return the datagram's length, or 0 when it
 *  does not fit @p cap or the MAC fails. */
size_t ha_hb_seal(struct ha_hb_key *k, const Sa__Ha__Heartbeat *hb,
		  uint8_t *buf, size_t cap);

/** What a receiver remembers of its peer's heartbeats: the last seq of
 *  each of the last HA_HB_BOOTS boots seen (least recently used out). */
struct ha_hb_replay {
	struct {
		uint64_t boot_id;
		uint64_t last_seq;
		uint64_t used;
	} boot[HA_HB_BOOTS];
	unsigned int n;
	uint64_t clock;
};

/**
 * Opens one datagram from the peer of node @p own_node.
 * Replays: within a boot, seq must grow, so a datagram is accepted at
 * most once (for the boots remembered). A boot never seen is taken as
 * the peer's restart and does not block the others: so a forged new boot
 * cannot silence the real peer, and a capture from a boot older than
 * this daemon would pass (its role and epoch are stale; ha_peer and the
 * epochs treat it as such).
 * @return 0 and *out (free with sa__ha__heartbeat__free_unpacked), or
 *   -EBADMSG with *why.
 */
int ha_hb_open(struct ha_hb_key *k, struct ha_hb_replay *rp,
	       uint32_t own_node, const uint8_t *buf, size_t len,
	       Sa__Ha__Heartbeat **out, enum ha_hb_reject *why);

#endif /* HA_HB_H */
