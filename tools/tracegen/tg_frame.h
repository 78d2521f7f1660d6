/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_FRAME_H
#define TG_FRAME_H

/**
 * @file
 * Turns a flow's packet description into frame bytes: addresses as the
 * deployment sees them (NAT-translated return traffic with --nat-pool),
 * MACs, VLAN tag, TTL, payload, IPv4 id.
 */

#include <stddef.h>
#include <stdint.h>

#include "tg_model.h"

#define TG_MAC_LEN		6

/** Source MACs of frames from inside and from outside, and the
 *  destination of every frame: the middlebox's port. */
extern const uint8_t tg_mac_inside_gw[TG_MAC_LEN];
extern const uint8_t tg_mac_outside_gw[TG_MAC_LEN];
extern const uint8_t tg_mac_mbox[TG_MAC_LEN];

/** Where the headers of a built frame are, for the malformer. */
struct tg_frame_info {
	uint32_t len;
	uint32_t l3_off;
	uint32_t l4_off;
	uint32_t l4_hdr_len;
	uint8_t family;
	uint8_t proto;
};

/**
 * Builds the frame of @p pkt, sent at @p now_us, into @p buf.
 * @p family 0 uses the flow's own; 4 or 6 forces one (the malformer
 * needs IPv6 frames from IPv4 flows). Consumes an IPv4 id of the flow.
 * @return the frame length, 0 if it does not fit in @p cap.
 */
size_t tg_frame_build(const struct tg_model *m, struct tg_flow *f,
		      const struct tg_pkt *pkt, uint64_t now_us,
		      uint8_t family, uint8_t *buf, size_t cap,
		      struct tg_frame_info *info);

#endif /* TG_FRAME_H */
