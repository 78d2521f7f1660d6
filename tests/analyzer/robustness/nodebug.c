/*
 * check-name: without debug info the analysis still runs, names objects by IR names and says so
 * check-nodebug
 * check-object: src_counts updateable output_impacting multi-flow ipv4.src
 * check-object: nd_process.calls updateable !output_impacting all-flows
 * check-object: limit !updateable output_impacting all-flows
 *
 * Built without -g: the report must say debug_info false (the runner
 * checks that for every check-nodebug fixture), a function's static is
 * known by its IR name "function.variable", and header fields can only be
 * recognized from constant offsets into the frame: bytes 26..29 of an
 * Ethernet frame are the IPv4 source address.
 */
#include <stdint.h>
#include <string.h>

#include <sa/mbox.h>

#define ND_SRC_OFF	26u
#define ND_SLOTS	512u

uint32_t src_counts[ND_SLOTS];
uint32_t limit = 50;

static void
nd_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	static uint64_t calls;
	uint32_t src;

	calls++;
	if (pkt->len < ND_SRC_OFF + sizeof(src)) {
		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
		return;
	}
	memcpy(&src, pkt->data + ND_SRC_OFF, sizeof(src));
	if (++src_counts[src % ND_SLOTS] > limit) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox nd_mb = {
	.name = "nodebug",
	.process = nd_process,
};

SA_MIDDLEBOX_REGISTER(nd_mb)
