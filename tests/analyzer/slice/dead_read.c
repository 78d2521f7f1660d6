/*
 * check-name: state that is read but whose value reaches no output is not output-impacting
 * check-object: last_len updateable !output_impacting all-flows
 * check-object: total updateable !output_impacting all-flows
 * check-object: averages updateable !output_impacting all-flows
 *
 * last_len and total are read to compute averages, and averages is read
 * back, but the chain ends in another state write, never in an output.
 */
#include <stdint.h>

#include <sa/mbox.h>

uint32_t last_len;
uint64_t total;
uint64_t averages[4];

static void
dr_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	uint64_t avg;

	total += pkt->len;
	avg = (total + last_len) / 2;
	averages[pkt->len % 4] = avg + averages[(pkt->len + 1) % 4] / 2;
	last_len = pkt->len;
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox dr_mb = {
	.name = "dead-read",
	.process = dr_process,
};

SA_MIDDLEBOX_REGISTER(dr_mb)
