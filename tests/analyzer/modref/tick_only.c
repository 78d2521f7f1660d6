/*
 * check-name: state updated only by the tick callback is updateable
 * check-object: epoch updateable output_impacting all-flows
 * check-object: ticks updateable !output_impacting all-flows
 * check-object: emitted updateable !output_impacting all-flows
 *
 * tick() runs between packets on the instance that processes them
 * (expiry, rate windows), so its writes change what later packets see:
 * a standby that lacked them would diverge after failover. process never
 * writes epoch, but epoch decides its verdict; ticks is only counted.
 */
#include <stdint.h>

#include <sa/mbox.h>

uint64_t epoch;
uint64_t ticks;
uint64_t emitted;

static void
to_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	/* Every other epoch is a maintenance window: nothing passes. */
	if (epoch & 1) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	emitted++;
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
to_tick(struct sa_ctx *ctx, uint64_t now_ns)
{
	(void)ctx;
	ticks++;
	epoch = now_ns / 1000000000ull;
}

const struct sa_middlebox to_mb = {
	.name = "tick-only",
	.process = to_process,
	.tick = to_tick,
};

SA_MIDDLEBOX_REGISTER(to_mb)
