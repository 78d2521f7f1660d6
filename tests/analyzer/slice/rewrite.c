/*
 * check-name: state written into the packet impacts the output by data dependence through memory
 * check-object: next_port updateable output_impacting all-flows
 * check-object: ext_addr !updateable output_impacting all-flows
 * check-object: rewrites updateable !output_impacting all-flows
 *
 * The verdict is always sa_emit on the same arm; what depends on the
 * state are the bytes emitted. next_port and ext_addr are stored into
 * the frame, and the frame is sa_emit's argument.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define RW_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr) + \
			 sizeof(struct sa_udp_hdr))
#define RW_PORT_FIRST	20000u

uint16_t next_port = RW_PORT_FIRST;
uint32_t ext_addr = 0x0100000au;
uint64_t rewrites;

static void
rw_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct sa_ipv4_hdr *ip;
	struct sa_udp_hdr *udp;

	if (pkt->len >= RW_MIN_LEN) {
		ip = (struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
		udp = (struct sa_udp_hdr *)(ip + 1);
		ip->src_addr = ext_addr;
		udp->src_port = next_port++;
		udp->dgram_cksum = 0;
		rewrites++;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox rw_mb = {
	.name = "rewrite",
	.process = rw_process,
};

SA_MIDDLEBOX_REGISTER(rw_mb)
