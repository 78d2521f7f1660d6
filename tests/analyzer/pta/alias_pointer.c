/*
 * check-name: a write through a pointer reaches the global it points to, field by field
 * check-object: counters kind=global updateable output_impacting all-flows
 * check-field: counters hits updateable output_impacting
 * check-field: counters misses !updateable !output_impacting
 * check-object: cur kind=global !updateable output_impacting all-flows
 *
 * cur is set once by init and only read per packet, so it is not
 * updateable; the struct it points to is, through the alias. The verdict
 * depends on hits, and on cur because the load of hits goes through it.
 * misses is only touched by init and the stats callback: field
 * sensitivity keeps it apart from hits.
 */
#include <stdint.h>

#include <sa/mbox.h>

#define HIT_LIMIT 1000u

struct counters {
	uint64_t hits;
	uint64_t misses;
};

struct counters counters;
struct counters *cur;

static int
ap_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	counters.misses = 0;
	cur = &counters;
	return 0;
}

static void
ap_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct counters *c = cur;

	c->hits++;
	if (c->hits > HIT_LIMIT) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
ap_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "hits", counters.hits);
	fn(arg, "misses", counters.misses);
}

const struct sa_middlebox ap_mb = {
	.name = "alias-pointer",
	.init = ap_init,
	.process = ap_process,
	.stats = ap_stats,
};

SA_MIDDLEBOX_REGISTER(ap_mb)
