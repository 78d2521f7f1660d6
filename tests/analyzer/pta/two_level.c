/*
 * check-name: a write through a pointer to a pointer reaches only the pointee
 * check-object: meter_a updateable output_impacting all-flows
 * check-object: meter_b !updateable !output_impacting all-flows
 * check-object: active !updateable output_impacting all-flows
 * check-object: active_ref !updateable output_impacting all-flows
 *
 * Both pointers are fixed by their static initializers; per packet only
 * meter_a.bytes changes, through **active_ref. meter_b's address is never
 * taken, so no pointer can reach it.
 */
#include <stdint.h>

#include <sa/mbox.h>

#define TL_QUOTA (1u << 30)

struct meter {
	uint64_t bytes;
};

struct meter meter_a;
struct meter meter_b;
struct meter *active = &meter_a;
struct meter **active_ref = &active;

static void
tl_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	(*active_ref)->bytes += pkt->len;
	if ((*active_ref)->bytes > TL_QUOTA) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
tl_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "a", meter_a.bytes);
	fn(arg, "b", meter_b.bytes);
}

const struct sa_middlebox tl_mb = {
	.name = "two-level",
	.process = tl_process,
	.stats = tl_stats,
};

SA_MIDDLEBOX_REGISTER(tl_mb)
