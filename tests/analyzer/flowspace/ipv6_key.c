/*
 * check-name: IPv6 flows keyed on both 16-byte addresses, next header and ports
 * check-object: v6_flows updateable output_impacting per-flow ipv6.src,ipv6.dst,ipv6.next,l4.sport,l4.dport
 * check-object: v6_pkts updateable !output_impacting all-flows
 *
 * The slot index is a hash over the whole addresses, byte by byte, the
 * next-header field and both ports: per-flow on the IPv6 5-tuple.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define V6_SLOTS	2048u
#define V6_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv6_hdr) + \
			 sizeof(struct sa_udp_hdr))

struct v6_slot {
	uint8_t used;
	uint8_t blocked;
	uint32_t pkts;
};

struct v6_slot v6_flows[V6_SLOTS];
uint64_t v6_pkts;

static uint32_t
v6_hash(const struct sa_ipv6_hdr *ip6, const struct sa_udp_hdr *l4)
{
	uint32_t h = 5381;
	unsigned int i;

	for (i = 0; i < 16; i++)
		h = h * 33 + ip6->src_addr[i];
	for (i = 0; i < 16; i++)
		h = h * 33 + ip6->dst_addr[i];
	h = h * 33 + ip6->proto;
	h = h * 33 + l4->src_port;
	h = h * 33 + l4->dst_port;
	return h % V6_SLOTS;
}

static void
v6_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv6_hdr *ip6;
	const struct sa_udp_hdr *l4;
	struct v6_slot *s;

	v6_pkts++;
	if (pkt->len < V6_MIN_LEN) {
		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
		return;
	}
	ip6 = (const struct sa_ipv6_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	/* No extension headers in this fixture: the L4 header follows. */
	l4 = (const struct sa_udp_hdr *)(ip6 + 1);
	s = &v6_flows[v6_hash(ip6, l4)];
	s->used = 1;
	if (++s->pkts > 1000000u)
		s->blocked = 1;
	if (s->blocked) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox v6_mb = {
	.name = "ipv6-key",
	.process = v6_process,
};

SA_MIDDLEBOX_REGISTER(v6_mb)
