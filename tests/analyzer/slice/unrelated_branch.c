/*
 * check-name: a counter updated under a verdict branch does not impact the verdict
 * check-object: dropped_big updateable !output_impacting all-flows
 * check-object: passed updateable !output_impacting all-flows
 * check-object: max_len !updateable output_impacting all-flows
 *
 * The counters' writes are control dependent on the branch that decides
 * the verdict, but dependence runs from the branch to them, not from them
 * to any output: a slice from sa_drop/sa_emit never includes them.
 */
#include <stdint.h>

#include <sa/mbox.h>

uint64_t dropped_big;
uint64_t passed;
uint32_t max_len = 1514;

static void
ub_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (pkt->len > max_len) {
		dropped_big++;
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	passed++;
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox ub_mb = {
	.name = "unrelated-branch",
	.process = ub_process,
};

SA_MIDDLEBOX_REGISTER(ub_mb)
