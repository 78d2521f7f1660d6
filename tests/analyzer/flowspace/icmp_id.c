/*
 * check-name: ICMP echo state keyed on both addresses and the identifier is per-flow
 * check-object: echo_slots updateable output_impacting per-flow ipv4.src,ipv4.dst,icmp.id
 * check-object: echo_seen updateable !output_impacting all-flows
 *
 * An echo request opens the slot of (src, dst, id); a reply is let
 * through only if the slot of (dst, src, id) is open. The identifier plays
 * the role of the ports (analyzer/SCHEMA.md).
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define IC_SLOTS	1024u
#define IC_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr) + \
			 sizeof(struct sa_icmp_hdr))

uint8_t echo_slots[IC_SLOTS];
uint64_t echo_seen;

static uint32_t
ic_slot(uint32_t a, uint32_t b, uint16_t id)
{
	return (a * 31u + b * 17u + id) % IC_SLOTS;
}

static void
ic_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	const struct sa_icmp_hdr *icmp;

	if (pkt->len < IC_MIN_LEN) {
		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	if (ip->next_proto_id != SA_IPPROTO_ICMP) {
		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
		return;
	}
	icmp = (const struct sa_icmp_hdr *)(ip + 1);
	echo_seen++;
	if (icmp->icmp_type == SA_ICMP_ECHO_REQUEST) {
		echo_slots[ic_slot(ip->src_addr, ip->dst_addr,
				   icmp->icmp_ident)] = 1;
	} else if (icmp->icmp_type == SA_ICMP_ECHO_REPLY &&
		   !echo_slots[ic_slot(ip->dst_addr, ip->src_addr,
				       icmp->icmp_ident)]) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox ic_mb = {
	.name = "icmp-id",
	.process = ic_process,
};

SA_MIDDLEBOX_REGISTER(ic_mb)
