/* SPDX-License-Identifier: BSD-3-Clause */

#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/headers.h>
#include <sa/cksum.h>

#include "tg_malformed.h"
#include "tg_rng.h"

#define TG_ETH_LEN		14
#define TG_IPV4_MIN_IHL		5
#define TG_IPV4_IHL_MASK	0x0f
#define TG_TCP_MIN_DOFF		5
#define TG_TCP_DOFF_SHIFT	4
#define TG_BAD_LEN_EXCESS	1000	/* at most this far past the frame */
#define TG_EXT_HDR_LEN_UNITS	4	/* claims 40 bytes of options */
#define TG_EXT_UDP_PAYLOAD	8	/* ... where only 8 + 8 follow */

/* Bits of one draw, used in turn for the choices of one frame. */
static uint32_t
tg_pick(uint64_t *bits, uint32_t n)
{
	uint32_t v = (uint32_t)(*bits % n);

	*bits /= n;
	return v;
}

/* Replaces the 16-bit word at @p word (network order) and keeps the
 * checksum at @p cksum valid, so only the word itself is wrong. */
static void
tg_patch16(uint8_t *word, uint8_t *cksum, uint16_t value)
{
	uint16_t old_n, new_n = htons(value), ck;

	memcpy(&old_n, word, sizeof(old_n));
	memcpy(&ck, cksum, sizeof(ck));
	ck = sa_cksum_update16(ck, old_n, new_n);
	memcpy(word, &new_n, sizeof(new_n));
	memcpy(cksum, &ck, sizeof(ck));
}

static enum tg_malformed_kind
tg_applicable(enum tg_malformed_kind k, const struct tg_frame_info *info)
{
	if (k == TG_MAL_BAD_IHL && info->family != 4)
		return TG_MAL_BAD_IP_LEN;
	if (k == TG_MAL_BAD_DOFF && info->proto != SA_IPPROTO_TCP)
		return TG_MAL_TRUNC_L4;
	return k;
}

static void
tg_set_ip4_len(uint8_t *l3, uint16_t value)
{
	tg_patch16(l3 + offsetof(struct sa_ipv4_hdr, total_length),
		   l3 + offsetof(struct sa_ipv4_hdr, hdr_checksum), value);
}

static size_t
tg_mal_ip_len(uint8_t *out, const struct tg_frame_info *info, uint64_t *bits)
{
	uint8_t *l3 = out + info->l3_off;
	uint32_t avail = info->len - info->l3_off;
	uint32_t excess = 1 + tg_pick(bits, TG_BAD_LEN_EXCESS);
	struct sa_ipv6_hdr *ip6;

	if (info->family == 6) {
		ip6 = (struct sa_ipv6_hdr *)l3;
		ip6->payload_len = htons((uint16_t)(avail - sizeof(*ip6) +
						    excess));
	} else if (tg_pick(bits, 2)) {
		tg_set_ip4_len(l3, (uint16_t)(avail + excess));
	} else {
		/* Shorter than the IPv4 header itself. */
		tg_set_ip4_len(l3, (uint16_t)tg_pick(bits,
					sizeof(struct sa_ipv4_hdr)));
	}
	return info->len;
}

/* The IP datagram (by its length field) ends inside the L4 header. */
static size_t
tg_mal_trunc_l4(uint8_t *out, const struct tg_frame_info *info,
		uint64_t *bits)
{
	uint32_t keep = 1 + tg_pick(bits, info->l4_hdr_len - 1);
	uint8_t *l3 = out + info->l3_off;
	struct sa_ipv6_hdr *ip6;

	if (info->family == 4) {
		tg_set_ip4_len(l3, (uint16_t)(info->l4_off + keep -
					      info->l3_off));
	} else {
		ip6 = (struct sa_ipv6_hdr *)l3;
		ip6->payload_len = htons((uint16_t)keep);
	}
	return info->l4_off + keep;
}

static size_t
tg_mal_bad_ihl(uint8_t *out, const struct tg_frame_info *info,
	       uint64_t *bits)
{
	uint8_t *l3 = out + info->l3_off;
	/* version_ihl shares its 16-bit word with the TOS byte. */
	uint8_t vihl = (uint8_t)((l3[0] & ~TG_IPV4_IHL_MASK) |
				 tg_pick(bits, TG_IPV4_MIN_IHL));

	tg_patch16(l3, l3 + offsetof(struct sa_ipv4_hdr, hdr_checksum),
		   (uint16_t)(vihl << 8 | l3[1]));
	return info->len;
}

static size_t
tg_mal_bad_doff(uint8_t *out, const struct tg_frame_info *info,
		uint64_t *bits)
{
	uint8_t *tcp = out + info->l4_off;
	uint8_t doff = (uint8_t)(tg_pick(bits, TG_TCP_MIN_DOFF) <<
				 TG_TCP_DOFF_SHIFT);

	/* data_off shares its 16-bit word with the flags. */
	tg_patch16(tcp + offsetof(struct sa_tcp_hdr, data_off),
		   tcp + offsetof(struct sa_tcp_hdr, cksum),
		   (uint16_t)(doff << 8 |
			      tcp[offsetof(struct sa_tcp_hdr, tcp_flags)]));
	return info->len;
}

static size_t
tg_mal_ip6_ext(const struct tg_model *m, struct tg_flow *f,
	       const struct tg_pkt *pkt, uint64_t now_us, uint8_t *out,
	       size_t cap)
{
	struct tg_frame_info info;
	struct tg_pkt p6 = *pkt;
	struct sa_ipv6_hdr *ip6;
	uint8_t *ext;
	size_t len;

	/* A short pattern datagram of the same flow, over IPv6. */
	p6.app = TG_APP_PATTERN;
	p6.payload_len = TG_EXT_UDP_PAYLOAD;
	len = tg_frame_build(m, f, &p6, now_us, 6, out, cap, &info);
	if (len == 0)
		return 0;
	ip6 = (struct sa_ipv6_hdr *)(out + info.l3_off);
	ext = out + info.l4_off;
	/* The L4 header's first bytes become a hop-by-hop header that
	 * claims more bytes than the payload holds. */
	ext[0] = ip6->proto;
	ext[1] = TG_EXT_HDR_LEN_UNITS;
	ip6->proto = SA_IPPROTO_HOPOPTS;
	return len;
}

/* Breaks the copy of @p frame in @p out in the frame-local way @p k. */
static size_t
tg_mal_apply(enum tg_malformed_kind k, const uint8_t *frame,
	     const struct tg_frame_info *info, uint64_t *bits, uint8_t *out,
	     size_t cap)
{
	uint32_t ip_hdr_len = info->l4_off - info->l3_off;

	if (info->len > cap)
		return 0;
	memcpy(out, frame, info->len);
	switch (tg_applicable(k, info)) {
	case TG_MAL_RUNT:
		return 1 + tg_pick(bits, TG_ETH_LEN - 1);
	case TG_MAL_TRUNC_L3:
		return info->l3_off + 1 + tg_pick(bits, ip_hdr_len - 1);
	case TG_MAL_TRUNC_L4:
		return tg_mal_trunc_l4(out, info, bits);
	case TG_MAL_BAD_IP_LEN:
		return tg_mal_ip_len(out, info, bits);
	case TG_MAL_BAD_IHL:
		return tg_mal_bad_ihl(out, info, bits);
	default:
		return tg_mal_bad_doff(out, info, bits);
	}
}

size_t
tg_malformed_build(const struct tg_model *m, struct tg_flow *f,
		   const struct tg_pkt *pkt, uint64_t now_us,
		   const uint8_t *frame, const struct tg_frame_info *info,
		   uint64_t bits, uint8_t *out, size_t cap)
{
	enum tg_malformed_kind k = tg_pick(&bits, TG_MAL_COUNT);

	if (k == TG_MAL_IP6_EXT_TRUNC)
		return tg_mal_ip6_ext(m, f, pkt, now_us, out, cap);
	return tg_mal_apply(k, frame, info, &bits, out, cap);
}

size_t
tg_malformed_frame(const uint8_t *frame, const struct tg_frame_info *info,
		   uint64_t bits, uint8_t *out, size_t cap)
{
	/* The kinds before TG_MAL_IP6_EXT_TRUNC need nothing but the frame. */
	enum tg_malformed_kind k = tg_pick(&bits, TG_MAL_IP6_EXT_TRUNC);

	return tg_mal_apply(k, frame, info, &bits, out, cap);
}
