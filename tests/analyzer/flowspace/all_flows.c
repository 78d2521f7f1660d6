/*
 * check-name: state no header field selects is all-flows, even when it stores header fields
 * check-object: total_bytes updateable output_impacting all-flows
 * check-object: last_dst updateable !output_impacting all-flows
 * check-object: budget !updateable output_impacting all-flows
 *
 * Scope is about the key, not the value: last_dst holds a header field,
 * but one copy serves every flow. total_bytes is one global byte budget
 * shared by all traffic.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define AF_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

uint64_t total_bytes;
uint32_t last_dst;
uint64_t budget = 1ull << 32;

static void
af_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (pkt->len >= AF_MIN_LEN)
		last_dst = ((const struct sa_ipv4_hdr *)(pkt->data +
			sizeof(struct sa_eth_hdr)))->dst_addr;
	total_bytes += pkt->len;
	if (total_bytes > budget) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox af_mb = {
	.name = "all-flows",
	.process = af_process,
};

SA_MIDDLEBOX_REGISTER(af_mb)
