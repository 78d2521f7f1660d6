/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_CKSUM_H
#define SA_CKSUM_H

/**
 * @file
 * Internet checksums: full computation (RFC 1071) and incremental update
 * (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')). Every value passed and
 * returned is in network byte order, exactly as it sits in the header, so
 * callers never swap bytes around an update.
 */

#include <stdint.h>
#include <stddef.h>

#include <sa/headers.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Folds a 32-bit one's-complement sum to 16 bits (not complemented). */
static inline uint16_t
sa_cksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/** Checksum field after a 16-bit word of the covered data changed. */
static inline uint16_t
sa_cksum_update16(uint16_t cksum, uint16_t old_val, uint16_t new_val)
{
	uint32_t sum = (uint16_t)~cksum;

	sum += (uint16_t)~old_val;
	sum += new_val;
	return (uint16_t)~sa_cksum_fold(sum);
}

/** Checksum field after a 32-bit word (e.g. an IPv4 address) changed. */
static inline uint16_t
sa_cksum_update32(uint16_t cksum, uint32_t old_val, uint32_t new_val)
{
	cksum = sa_cksum_update16(cksum, (uint16_t)(old_val >> 16),
				  (uint16_t)(new_val >> 16));
	return sa_cksum_update16(cksum, (uint16_t)old_val, (uint16_t)new_val);
}

/**
 * UDP variant: a zero checksum means "none" over IPv4 and stays zero, and
 * a computed zero is sent as 0xffff (RFC 768).
 */
static inline uint16_t
sa_cksum_update_udp32(uint16_t cksum, uint32_t old_val, uint32_t new_val)
{
	if (cksum == 0)
		return 0;
	cksum = sa_cksum_update32(cksum, old_val, new_val);
	return cksum == 0 ? 0xffff : cksum;
}

static inline uint16_t
sa_cksum_update_udp16(uint16_t cksum, uint16_t old_val, uint16_t new_val)
{
	if (cksum == 0)
		return 0;
	cksum = sa_cksum_update16(cksum, old_val, new_val);
	return cksum == 0 ? 0xffff : cksum;
}

/** One's-complement sum of @p len bytes added to @p sum (not folded). */
uint32_t sa_cksum_sum(const void *buf, size_t len, uint32_t sum);

/** Header checksum an IPv4 header should carry (its own field ignored). */
uint16_t sa_cksum_ipv4_hdr(const struct sa_ipv4_hdr *ip);

/**
 * Complemented one's-complement sum over the pseudo-header and @p l4_len
 * bytes at @p l4 as they are: with the L4 checksum field zeroed this is the
 * value to store (for UDP, store a computed 0 as 0xffff, RFC 768); with the
 * field in place it is 0 when the field is right.
 * ICMP over IPv4 has no pseudo-header: use sa_cksum_sum() for it.
 */
uint16_t sa_cksum_ipv4_l4(const struct sa_ipv4_hdr *ip, const void *l4,
			  uint32_t l4_len);
uint16_t sa_cksum_ipv6_l4(const struct sa_ipv6_hdr *ip, uint8_t proto,
			  const void *l4, uint32_t l4_len);

#ifdef __cplusplus
}
#endif

#endif /* SA_CKSUM_H */
