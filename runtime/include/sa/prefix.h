/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_PREFIX_H
#define SA_PREFIX_H

/**
 * @file
 * IPv4/IPv6 prefixes and small prefix sets, parsed from configuration text
 * ("10.0.0.0/8, fd00::/8") and matched against header addresses. A
 * one-armed middlebox uses its "inside" set to tell a packet's direction.
 */

#include <stdint.h>
#include <stdbool.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SA_PREFIX_SET_MAX 32

struct sa_prefix {
	uint8_t family;		/**< 4 or 6 */
	uint8_t len;		/**< prefix length in bits */
	uint8_t addr[16];	/**< network order, host bits cleared; v4 in [0..3] */
};

struct sa_prefix_set {
	uint32_t n;
	struct sa_prefix p[SA_PREFIX_SET_MAX];
};

/**
 * Parses "A.B.C.D[/len]" or "v6addr[/len]" (no length: a host prefix).
 * Host bits set beyond the length are an error, as in most router CLIs.
 * @return 0, or -EINVAL on malformed text or length.
 */
int sa_prefix_parse(const char *text, struct sa_prefix *out);

/**
 * Parses a list of prefixes separated by commas and/or blanks.
 * @return 0; -EINVAL on a malformed element (@p bad, if not NULL, receives
 *   its index); -E2BIG with more than SA_PREFIX_SET_MAX elements.
 */
int sa_prefix_set_parse(const char *text, struct sa_prefix_set *out, int *bad);

/** True if the network-order IPv4 address is inside @p p. */
bool sa_prefix_match4(const struct sa_prefix *p, uint32_t addr);
/** True if the 16-byte IPv6 address is inside @p p. */
bool sa_prefix_match6(const struct sa_prefix *p, const uint8_t addr[16]);

bool sa_prefix_set_match4(const struct sa_prefix_set *s, uint32_t addr);
bool sa_prefix_set_match6(const struct sa_prefix_set *s, const uint8_t addr[16]);

/** Direction of a packet relative to the protected side. */
enum sa_dir {
	SA_DIR_IN2OUT = 0,	/**< sent by an inside host */
	SA_DIR_OUT2IN = 1,
};

/**
 * Direction of a parsed IP packet: from its RX arm when two-armed, else
 * from whether its source address is inside @p inside.
 */
enum sa_dir sa_pkt_dir(const struct sa_pkt *pkt, const struct sa_parsed *p,
		       const struct sa_prefix_set *inside);

#ifdef __cplusplus
}
#endif

#endif /* SA_PREFIX_H */
