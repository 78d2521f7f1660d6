/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_PAYLOAD_H
#define TG_PAYLOAD_H

/**
 * @file
 * Application payloads that protocol dissectors accept (DNS, NTP), so a
 * capture of a generated trace reads as plausible traffic.
 */

#include <stddef.h>
#include <stdint.h>

#include "tg_model.h"

/** Largest payload tg_payload_build() writes. */
#define TG_PAYLOAD_APP_MAX	TG_PATTERN_MAX

/** Shortest TLS segment: a record header and one byte. */
#define TG_TLS_MIN_LEN		6

/**
 * Writes the payload of @p pkt (pkt->app is DNS, NTP or TLS; TLS takes
 * pkt->payload_len, at least TG_TLS_MIN_LEN) at trace time @p now_us into
 * @p buf (TG_PAYLOAD_APP_MAX bytes).
 * @return its length, 0 if it would not fit.
 */
uint32_t tg_payload_build(const struct tg_model *m, const struct tg_flow *f,
			  const struct tg_pkt *pkt, uint64_t now_us,
			  uint8_t *buf);

#endif /* TG_PAYLOAD_H */
