/*
 * check-name: a constant table of pointers to globals, set up by static initializers
 * check-object: ring_a updateable !output_impacting all-flows
 * check-object: ring_b updateable !output_impacting all-flows
 * check-object: ring_c !updateable !output_impacting all-flows
 * check-object: turn updateable !output_impacting all-flows
 *
 * The points-to sets come only from the initializer of ring[]: a write
 * through ring[turn] may reach ring_a or ring_b, never ring_c. Nothing
 * here decides a verdict.
 */
#include <stdint.h>

#include <sa/mbox.h>

struct bucket {
	uint64_t pkts;
	uint64_t bytes;
};

struct bucket ring_a;
struct bucket ring_b;
struct bucket ring_c;
struct bucket *const ring[2] = { &ring_a, &ring_b };
uint32_t turn;

static void
gi_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct bucket *b = ring[turn];

	b->pkts++;
	b->bytes += pkt->len;
	turn ^= 1;
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
gi_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "c", ring_c.pkts);
}

const struct sa_middlebox gi_mb = {
	.name = "global-init-ptrs",
	.process = gi_process,
	.stats = gi_stats,
};

SA_MIDDLEBOX_REGISTER(gi_mb)
