/*
 * check-name: state read deep in a callee reaches the verdict through return values
 * check-object: credits updateable output_impacting multi-flow ipv4.dst
 * check-object: refill updateable output_impacting all-flows
 * check-object: lookups updateable !output_impacting all-flows
 *
 * credit_of() reads credits and refill, its value comes back through
 * has_credit() to process, which branches on it. lookups is counted in
 * the same callee but returns nowhere.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define IR_DSTS		256u
#define IR_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

int32_t credits[IR_DSTS];
int32_t refill = 10;
uint64_t lookups;

static int32_t
credit_of(uint32_t dst)
{
	int32_t *c = &credits[dst % IR_DSTS];

	lookups++;
	if (*c <= 0) {
		*c += refill;
		refill = refill > 1 ? refill - 1 : 10;
	}
	return --*c;
}

static bool
has_credit(const struct sa_ipv4_hdr *ip)
{
	return credit_of(ip->dst_addr) >= 0;
}

static void
ir_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (pkt->len >= IR_MIN_LEN &&
	    !has_credit((const struct sa_ipv4_hdr *)(pkt->data +
						     sizeof(struct sa_eth_hdr)))) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox ir_mb = {
	.name = "interproc-return",
	.process = ir_process,
};

SA_MIDDLEBOX_REGISTER(ir_mb)
