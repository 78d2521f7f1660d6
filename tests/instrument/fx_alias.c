/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixture: a store through a pointer that may alias two places of one
 * global: the hook gets the pointer's run-time value. */
#include <stdint.h>

#include <sa/mbox.h>

#define FX_ALIAS_SLOTS	4
#define FX_ALIAS_LIMIT	100

static uint32_t fx_alias_slots[FX_ALIAS_SLOTS];
static uint32_t *fx_alias_cur;

static int
fx_alias_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	fx_alias_cur = &fx_alias_slots[0];
	return 0;
}

static void
fx_alias_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	uint32_t *p;

	if (pkt->len == 0) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	p = (pkt->data[0] & 1) ? &fx_alias_slots[1] : fx_alias_cur;
	*p += 1;
	if (fx_alias_slots[1] > FX_ALIAS_LIMIT)
		sa_drop(ctx, pkt, SA_DROP_NO_VERDICT);
	else
		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox fx_alias_mb = {
	.name = "fx_alias",
	.desc = "instrument fixture: store through an alias",
	.init = fx_alias_init,
	.process = fx_alias_process,
};
SA_MIDDLEBOX_REGISTER(fx_alias_mb)
