/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_MALFORMED_H
#define TG_MALFORMED_H

/**
 * @file
 * Malformed frames, each broken in exactly one way that the shared
 * parser must reject (everything else, checksums included, stays
 * consistent), so every middlebox's drop path for that reason is hit.
 */

#include <stddef.h>
#include <stdint.h>

#include "tg_frame.h"

enum tg_malformed_kind {
	TG_MAL_RUNT,		/**< shorter than an Ethernet header */
	TG_MAL_TRUNC_L3,	/**< ends inside the IP header */
	TG_MAL_TRUNC_L4,	/**< IP length ends inside the L4 header */
	TG_MAL_BAD_IP_LEN,	/**< total/payload length beyond the frame */
	TG_MAL_BAD_IHL,		/**< IPv4 IHL below 5 */
	TG_MAL_BAD_DOFF,	/**< TCP data offset below 5 */
	TG_MAL_IP6_EXT_TRUNC,	/**< hop-by-hop header longer than payload */
	TG_MAL_COUNT,
};

/**
 * Writes a malformed variant of the valid frame @p frame (laid out as
 * @p info, built for @p pkt of @p f) into @p out, of the kind picked by
 * @p bits among those that apply.
 * @return its length (at least 1), or 0 if it does not fit in @p cap.
 */
size_t tg_malformed_build(const struct tg_model *m, struct tg_flow *f,
			  const struct tg_pkt *pkt, uint64_t now_us,
			  const uint8_t *frame,
			  const struct tg_frame_info *info, uint64_t bits,
			  uint8_t *out, size_t cap);

/**
 * Like tg_malformed_build(), for a frame of no tg_model flow (the
 * profiles): only the kinds that break the frame itself, not
 * TG_MAL_IP6_EXT_TRUNC, which rebuilds the packet. @p info must describe
 * a whole TCP, UDP or ICMP datagram.
 */
size_t tg_malformed_frame(const uint8_t *frame,
			  const struct tg_frame_info *info, uint64_t bits,
			  uint8_t *out, size_t cap);

#endif /* TG_MALFORMED_H */
