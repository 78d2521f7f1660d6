/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * passthrough: forwards every frame unchanged, to the other arm. The
 * throughput baseline: it costs the runtime's per-packet work and nothing
 * else, and it has no state at all.
 */
#include <sa/mbox.h>

static void
pt_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	sa_emit(ctx, pkt, pkt->arm == SA_ARM_OUTSIDE ? SA_ARM_INSIDE :
						       SA_ARM_OUTSIDE);
}

const struct sa_middlebox pt_middlebox = {
	.name = "passthrough",
	.desc = "forwards every frame unchanged (throughput baseline)",
	.process = pt_process,
};

SA_MIDDLEBOX_REGISTER(pt_middlebox)
