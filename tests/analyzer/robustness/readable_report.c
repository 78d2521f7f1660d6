/*
 * check-name: the readable report on stdout gives compiler-style locations and reasons
 * check-stdout: readable_report\.c:[0-9]+
 * check-stdout: \bhits\b
 * check-stdout: sa_(drop|emit)
 * check-object: hits updateable output_impacting all-flows
 *
 * Besides the JSON, analyze prints a report a person reads: each object
 * with its FILE:LINE and the reason chain, here ending at the verdict.
 */
#include <stdint.h>

#include <sa/mbox.h>

uint64_t hits;

static void
rr_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (++hits % 2 == 0) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox rr_mb = {
	.name = "readable-report",
	.process = rr_process,
};

SA_MIDDLEBOX_REGISTER(rr_mb)
