/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksums (RFC 1071). The sum is taken over 16-bit words in
 * host order: one's-complement addition commutes with byte swapping, so a
 * sum folded and complemented in host order is already the network-order
 * field value, and no byte is swapped except the pseudo-header's protocol
 * and length, which are not in the packet.
 */

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include <sa/cksum.h>

#define IP4_IHL_MASK	0x0f

/* Native-order load; memcpy is how C spells an unaligned load, and the
 * compiler turns it into one instruction. */
static inline uint32_t
load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint16_t
load16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A host value as it would sit, big-endian, in two bytes of a header. */
static inline uint16_t
to_be16(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

static inline uint64_t
fold64(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return sum;
}

/*
 * The result is folded to 16 bits, which is still "not folded" as far as
 * callers know: they fold and complement it themselves, and can add further
 * words without overflowing. Chained calls must keep every chunk but the
 * last an even length, or the later words would be summed shifted by one
 * byte.
 */
uint32_t
sa_cksum_sum(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	/* 32-bit words into a 64-bit accumulator: carries pile up in the
	 * upper half and are folded once at the end. */
	while (len >= 16) {
		acc += load32(p);
		acc += load32(p + 4);
		acc += load32(p + 8);
		acc += load32(p + 12);
		p += 16;
		len -= 16;
	}
	while (len >= 4) {
		acc += load32(p);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		acc += load16(p);
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high-order byte of a word padded with
		 * zero (RFC 1071 4.1), wherever that lands in host order. */
		uint8_t last[2] = { p[0], 0 };

		acc += load16(last);
	}
	return sa_cksum_fold((uint32_t)fold64(acc));
}

uint16_t
sa_cksum_ipv4_hdr(const struct sa_ipv4_hdr *ip)
{
	size_t hlen = (size_t)(ip->version_ihl & IP4_IHL_MASK) * 4;
	uint32_t sum = sa_cksum_sum(ip, hlen, 0);

	/* Take the stored field back out instead of copying the header to
	 * zero it: adding its complement is one's-complement subtraction. */
	sum += (uint16_t)~ip->hdr_checksum;
	return (uint16_t)~sa_cksum_fold(sum);
}

uint16_t
sa_cksum_ipv4_l4(const struct sa_ipv4_hdr *ip, const void *l4,
		 uint32_t l4_len)
{
	uint32_t sum;

	sum = (ip->src_addr & 0xffff) + (ip->src_addr >> 16);
	sum += (ip->dst_addr & 0xffff) + (ip->dst_addr >> 16);
	sum += to_be16(ip->next_proto_id);
	sum += to_be16((uint16_t)l4_len);
	sum = sa_cksum_sum(l4, l4_len, sum);
	return (uint16_t)~sa_cksum_fold(sum);
}

uint16_t
sa_cksum_ipv6_l4(const struct sa_ipv6_hdr *ip, uint8_t proto,
		 const void *l4, uint32_t l4_len)
{
	uint32_t sum;

	/* RFC 8200 8.1: the upper-layer length is 32 bits here. */
	sum = sa_cksum_sum(ip->src_addr, sizeof(ip->src_addr), 0);
	sum = sa_cksum_sum(ip->dst_addr, sizeof(ip->dst_addr), sum);
	sum += to_be16((uint16_t)(l4_len >> 16));
	sum += to_be16((uint16_t)l4_len);
	sum += to_be16(proto);
	sum = sa_cksum_sum(l4, l4_len, sum);
	return (uint16_t)~sa_cksum_fold(sum);
}
