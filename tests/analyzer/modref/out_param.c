/*
 * check-name: state filled by a helper through an out parameter
 * check-object: cur_flow updateable output_impacting all-flows
 * check-field: cur_flow sport updateable output_impacting
 * check-field: cur_flow dport updateable !output_impacting
 * check-object: prev_flow updateable !output_impacting all-flows
 *
 * extract() writes the caller's struct: called with &cur_flow, it updates
 * the global. The whole struct is then copied to prev_flow by value. Only
 * the source port decides the verdict.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define OP_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr) + \
			 sizeof(struct sa_udp_hdr))
#define OP_BAD_PORT	0x3500u

struct ports {
	uint16_t sport;
	uint16_t dport;
};

struct ports cur_flow;
struct ports prev_flow;

static int
extract(const struct sa_pkt *pkt, struct ports *out)
{
	const struct sa_udp_hdr *udp;

	if (pkt->len < OP_MIN_LEN)
		return -1;
	udp = (const struct sa_udp_hdr *)(pkt->data + sizeof(struct sa_eth_hdr) +
					  sizeof(struct sa_ipv4_hdr));
	out->sport = udp->src_port;
	out->dport = udp->dst_port;
	return 0;
}

static void
op_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	prev_flow = cur_flow;
	if (extract(pkt, &cur_flow) != 0 || cur_flow.sport == OP_BAD_PORT) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox op_mb = {
	.name = "out-param",
	.process = op_process,
};

SA_MIDDLEBOX_REGISTER(op_mb)
