/*
 * check-name: mutually recursive functions walking nested headers
 * check-object: even_calls updateable !output_impacting all-flows
 * check-object: odd_calls updateable !output_impacting all-flows
 * check-object: max_nesting !updateable output_impacting all-flows
 *
 * walk_even and walk_odd call each other, so both belong to the packet
 * path even though process calls only walk_even. max_nesting is a
 * configuration constant that bounds the walk and so the verdict.
 */
#include <stdint.h>

#include <sa/mbox.h>

uint64_t even_calls;
uint64_t odd_calls;
uint32_t max_nesting = 6;

static int walk_odd(const uint8_t *p, uint32_t len, uint32_t depth);

static int
walk_even(const uint8_t *p, uint32_t len, uint32_t depth)
{
	even_calls++;
	if (depth > max_nesting)
		return -1;
	if (len < 2 || p[0] == 0)
		return 0;
	return walk_odd(p + p[1] % len, len - p[1] % len, depth + 1);
}

static int
walk_odd(const uint8_t *p, uint32_t len, uint32_t depth)
{
	odd_calls++;
	if (len < 2 || p[0] == 0)
		return 0;
	return walk_even(p + p[1] % len, len - p[1] % len, depth + 1);
}

static void
mr_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (walk_even(pkt->data, pkt->len, 0) < 0) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox mr_mb = {
	.name = "mutual-recursion",
	.process = mr_process,
};

SA_MIDDLEBOX_REGISTER(mr_mb)
