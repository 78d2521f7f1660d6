/*
 * check-name: union members overlap and a byte buffer can hold a struct
 * check-object: last_tag updateable output_impacting all-flows
 * check-object: idle_tag !updateable !output_impacting all-flows
 * check-object: raw_state updateable !output_impacting all-flows
 *
 * last_tag is written byte by byte through octet[] and read as a whole
 * through word: a field-sensitive analysis must treat union members as
 * the same bytes, or it loses the dependence of the verdict on the
 * written bytes. raw_state is written through a struct pointer cast
 * from its address.
 */
#include <stdint.h>

#include <sa/mbox.h>

#define UO_MAGIC	0xdeadbeefu

union tag {
	uint32_t word;
	uint8_t octet[4];
};

struct overlay {
	uint32_t seq;
	uint32_t ack;
};

union tag last_tag;
union tag idle_tag;
_Alignas(8) uint8_t raw_state[64];

static void
uo_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct overlay *ov = (struct overlay *)raw_state;

	if (pkt->len >= 1)
		last_tag.octet[pkt->len % 4] = pkt->data[0];
	ov->seq++;
	if (last_tag.word == UO_MAGIC) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
uo_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "idle", idle_tag.word);
	fn(arg, "seq", ((const struct overlay *)raw_state)->seq);
}

const struct sa_middlebox uo_mb = {
	.name = "union-overlay",
	.process = uo_process,
	.stats = uo_stats,
};

SA_MIDDLEBOX_REGISTER(uo_mb)
