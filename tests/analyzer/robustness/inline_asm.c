/*
 * check-name: inline assembly on the packet path does not stop the analysis
 * check-object: cycles updateable all-flows
 * check-object: pkts updateable output_impacting all-flows
 *
 * An empty asm with a register operand, like the barriers and timestamp
 * reads real fast paths contain: the value it produces is stored to
 * state.
 */
#include <stdint.h>

#include <sa/mbox.h>

uint64_t cycles;
uint64_t pkts;

static void
ia_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	uint64_t t = pkt->len;

	__asm__ volatile("" : "+r"(t));
	cycles += t;
	if (++pkts % 1000 == 0) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox ia_mb = {
	.name = "inline-asm",
	.process = ia_process,
};

SA_MIDDLEBOX_REGISTER(ia_mb)
