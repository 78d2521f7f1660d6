/*
 * check-name: nested structs: configuration and meter state side by side
 * check-object: pol updateable output_impacting all-flows
 * check-field: pol lim.max_pkts !updateable output_impacting
 * check-field: pol lim.burst !updateable output_impacting
 * check-field: pol st.count updateable output_impacting
 * check-field: pol st.window_start updateable output_impacting
 * check-field: pol dropped updateable !output_impacting
 *
 * A single-rate policer. lim is written only by init. window_start is
 * output-impacting through control dependence: it decides when count is
 * reset, and count decides the verdict. dropped is a statistic.
 */
#include <stdint.h>

#include <sa/mbox.h>

#define NS_WINDOW_NS	1000000000ull
#define NS_MAX_PKTS	10000u
#define NS_BURST	100u

struct limits {
	uint32_t max_pkts;
	uint32_t burst;
};

struct meter_state {
	uint64_t window_start;
	uint32_t count;
};

struct policer {
	struct limits lim;
	struct meter_state st;
	uint64_t dropped;
};

struct policer pol;

static int
ns_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	pol.lim.max_pkts = NS_MAX_PKTS;
	pol.lim.burst = NS_BURST;
	return 0;
}

static void
ns_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	uint64_t now = sa_now_ns(ctx);

	if (now - pol.st.window_start >= NS_WINDOW_NS) {
		pol.st.window_start = now;
		pol.st.count = 0;
	}
	pol.st.count++;
	if (pol.st.count > pol.lim.max_pkts + pol.lim.burst) {
		pol.dropped++;
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
ns_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "dropped", pol.dropped);
}

const struct sa_middlebox ns_mb = {
	.name = "nested-struct",
	.init = ns_init,
	.process = ns_process,
	.stats = ns_stats,
};

SA_MIDDLEBOX_REGISTER(ns_mb)
