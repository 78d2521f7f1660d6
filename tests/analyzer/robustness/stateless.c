/*
 * check-name: a stateless middlebox has nothing to replicate
 * check-summary: updateable=0 output_impacting=0
 *
 * Like passthrough, with a constant table the packet path never reads:
 * whatever the report lists, none of it is updated or output-impacting.
 */
#include <sa/mbox.h>

const char *const names[] = { "inside", "outside" };

static void
sl_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	sa_emit(ctx, pkt, pkt->arm == SA_ARM_OUTSIDE ? SA_ARM_INSIDE :
						       SA_ARM_OUTSIDE);
}

const struct sa_middlebox sl_mb = {
	.name = "stateless",
	.process = sl_process,
};

SA_MIDDLEBOX_REGISTER(sl_mb)
