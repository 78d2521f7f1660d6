/*
 * check-name: a heap ring with a flexible array member, sized at init
 * check-object: ring !updateable output_impacting all-flows
 * check-object: heap:ring kind=heap updateable output_impacting all-flows
 *
 * The ring's size comes from the configuration, so the heap object has
 * no fixed size; its head index and its slots both change per packet,
 * and a frame equal in length to the one 8 packets ago is dropped.
 */
#include <stdint.h>
#include <stdlib.h>

#include <sa/mbox.h>

#define FA_DEFAULT_SLOTS 8u

struct len_ring {
	uint32_t n;
	uint32_t head;
	uint32_t len[];
};

static struct len_ring *ring;

static int
fa_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	uint32_t n = cfg == NULL ? FA_DEFAULT_SLOTS : 2 * FA_DEFAULT_SLOTS;

	(void)ctx;
	ring = calloc(1, sizeof(*ring) + n * sizeof(ring->len[0])); /* site: ring */
	if (ring == NULL)
		return -12;
	ring->n = n;
	return 0;
}

static void
fa_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	uint32_t old = ring->len[ring->head];

	ring->len[ring->head] = pkt->len;
	ring->head = (ring->head + 1) % ring->n;
	if (old == pkt->len) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox fa_mb = {
	.name = "flexible-array",
	.init = fa_init,
	.process = fa_process,
};

SA_MIDDLEBOX_REGISTER(fa_mb)
