/*
 * check-name: an external function without a body may write what it is given, and is listed
 * check-object: ctrs updateable output_impacting all-flows
 * check-object: hidden !updateable !output_impacting all-flows
 * check-approx: unknown-external mystery_update
 * check-approx: unknown-external mystery_lookup
 *
 * mystery_update and mystery_lookup live in a library that is not part
 * of the module. A sound analysis assumes the first writes through its
 * argument and the second returns a pointer to anything that escaped,
 * and reports both. hidden has internal linkage and its address is never
 * taken: no outside code can reach it.
 */
#include <stdint.h>

#include <sa/mbox.h>

struct counters {
	uint64_t seen;
	uint64_t flagged;
};

void mystery_update(struct counters *c, const uint8_t *frame, uint32_t len);
struct counters *mystery_lookup(uint32_t len);

struct counters ctrs;
static struct counters hidden;

static void
ue_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct counters *c;

	mystery_update(&ctrs, pkt->data, pkt->len);
	c = mystery_lookup(pkt->len);
	if (c != NULL && c->flagged) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	if (ctrs.flagged > ctrs.seen / 2) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE + 1);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
ue_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "hidden", hidden.seen);
}

const struct sa_middlebox ue_mb = {
	.name = "unknown-external",
	.process = ue_process,
	.stats = ue_stats,
};

SA_MIDDLEBOX_REGISTER(ue_mb)
