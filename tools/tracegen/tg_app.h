/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_APP_H
#define TG_APP_H

/**
 * @file
 * Application payloads the profiles share: DNS messages with any name and
 * record type, ping(8) echo data, NTP, and text bodies that no shipped
 * IDS rule or monitor signature takes for anything.
 */

#include <stddef.h>
#include <stdint.h>

#define TG_DNS_TYPE_A		1
#define TG_DNS_TYPE_TXT		16
#define TG_DNS_TYPE_AAAA	28
#define TG_PING_DATA_LEN	56	/* what ping(8) sends by default */
#define TG_NTP_MSG_LEN		48

/**
 * A DNS query (@p rdata NULL) or its answer (one record of @p rdlen
 * bytes) for the dotted @p name of @p qtype, id @p id, into @p buf.
 * A TXT answer's rdata is split into strings of at most 255 bytes.
 * @return its length, 0 if it does not fit in @p cap or a label is
 *   longer than 63 bytes.
 */
uint32_t tg_app_dns(uint8_t *buf, size_t cap, uint16_t id, const char *name,
		    uint16_t qtype, const uint8_t *rdata, uint16_t rdlen);

/** Appends to the DNS message of @p len bytes in @p buf an EDNS(0) OPT
 *  record with a padding option of @p pad bytes (RFC 7830).
 *  @return the new length, @p len if it does not fit in @p cap. */
uint32_t tg_app_dns_pad(uint8_t *buf, uint32_t len, size_t cap,
			uint16_t pad);

/** ping(8)'s echo data at trace time @p now_us: a timeval, then bytes
 *  0x10, 0x11, ... @return TG_PING_DATA_LEN. */
uint32_t tg_app_ping(uint8_t *buf, uint64_t now_us);

/** An NTP v4 client request or server reply at @p now_us.
 *  @return TG_NTP_MSG_LEN. */
uint32_t tg_app_ntp(uint8_t *buf, int server, uint64_t now_us);

/** @p len bytes of lower-case words and blanks drawn from @p rng. */
void tg_app_words(uint8_t *buf, uint32_t len, uint64_t *rng);

#endif /* TG_APP_H */
