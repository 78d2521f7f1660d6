/*
 * check-name: a dependence that passes through another global and a local first
 * check-object: blocklist updateable output_impacting multi-flow ipv4.src
 * check-object: cache updateable output_impacting all-flows
 * check-object: mirror updateable !output_impacting all-flows
 *
 * blocklist is read into cache (a persistent global), cache into a local,
 * and the local picks the arm. Every hop is a store and a load: the slice
 * follows them back to blocklist. mirror receives the same values but
 * feeds nothing.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define TM_SLOTS	512u
#define TM_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

uint8_t blocklist[TM_SLOTS];
uint8_t cache;
uint8_t mirror;

static void
tm_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	enum sa_arm arm;
	uint8_t hit;

	if (pkt->len < TM_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	if (ip->time_to_live == 1)
		blocklist[ip->src_addr % TM_SLOTS] = 1;
	cache = blocklist[ip->src_addr % TM_SLOTS];
	mirror = cache;
	hit = cache;
	arm = hit ? SA_ARM_INSIDE : SA_ARM_OUTSIDE;
	sa_emit(ctx, pkt, arm);
}

const struct sa_middlebox tm_mb = {
	.name = "through-memory",
	.process = tm_process,
};

SA_MIDDLEBOX_REGISTER(tm_mb)
