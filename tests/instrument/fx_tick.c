/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixture: tick() expires entries: its stores are per-packet code too. */
#include <stdint.h>

#include <sa/mbox.h>

#define FX_TICK_SLOTS	8
#define FX_TICK_TTL_NS	1000

struct fx_tick_ent {
	uint64_t deadline;
	uint32_t live;
	uint32_t pad;
};

static struct fx_tick_ent fx_tick_tab[FX_TICK_SLOTS];
static uint32_t fx_tick_expired;

static void
fx_tick_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct fx_tick_ent *e;

	if (pkt->len == 0) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	e = &fx_tick_tab[pkt->data[0] % FX_TICK_SLOTS];
	sa_emit(ctx, pkt, e->live ? SA_ARM_OUTSIDE : SA_ARM_INSIDE);
	e->live = 1;
	e->deadline = sa_now_ns(ctx) + FX_TICK_TTL_NS;
}

static void
fx_tick_tick(struct sa_ctx *ctx, uint64_t now)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < FX_TICK_SLOTS; i++) {
		if (fx_tick_tab[i].live && fx_tick_tab[i].deadline <= now) {
			fx_tick_tab[i].live = 0;
			fx_tick_expired++;
		}
	}
}

const struct sa_middlebox fx_tick_mb = {
	.name = "fx_tick",
	.desc = "instrument fixture: expiry in tick()",
	.process = fx_tick_process,
	.tick = fx_tick_tick,
};
SA_MIDDLEBOX_REGISTER(fx_tick_mb)
