/*
 * check-name: a learning bridge's table, written by source MAC and read by destination MAC
 * check-object: mac_port updateable output_impacting multi-flow eth.src,eth.dst
 * check-object: learned updateable !output_impacting all-flows
 *
 * The table is indexed by a hash of the source MAC when learning and of
 * the destination MAC when forwarding, so its keys are computed from
 * both. The arm read back from it is where the frame goes.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define ML_SLOTS	1024u
#define ML_UNKNOWN	0u

/* 0: unknown, else arm + 1 */
uint8_t mac_port[ML_SLOTS];
uint64_t learned;

static uint32_t
ml_hash(const uint8_t mac[SA_ETHER_ADDR_LEN])
{
	uint32_t h = 0;
	unsigned int i;

	for (i = 0; i < SA_ETHER_ADDR_LEN; i++)
		h = h * 131u + mac[i];
	return h % ML_SLOTS;
}

static void
ml_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_eth_hdr *eth;
	uint8_t out;

	if (pkt->len < sizeof(*eth) || pkt->arm >= SA_ARM_COUNT) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	eth = sa_eth(pkt);
	if (mac_port[ml_hash(eth->src_addr)] != pkt->arm + 1) {
		mac_port[ml_hash(eth->src_addr)] = (uint8_t)(pkt->arm + 1);
		learned++;
	}
	out = mac_port[ml_hash(eth->dst_addr)];
	if (out == pkt->arm + 1) {
		/* Both ends are on the arm it came from. */
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, out == ML_UNKNOWN ?
		(pkt->arm == SA_ARM_INSIDE ? SA_ARM_OUTSIDE : SA_ARM_INSIDE) :
		(enum sa_arm)(out - 1));
}

const struct sa_middlebox ml_mb = {
	.name = "mac-learning",
	.process = ml_process,
};

SA_MIDDLEBOX_REGISTER(ml_mb)
