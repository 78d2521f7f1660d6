/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixture: a per-flow table in the state arena, allocated by init; the
 * count decides the verdict (OUTPUT_IMPACTING), the key is only written
 * (UPDATE_ONLY); the table pointer is READ_ONLY. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <sa/mbox.h>

#define FX_FLOW_SLOTS	256
#define FX_FLOW_LIMIT	2
#define FX_FLOW_SRC_OFF	26

struct fx_flow {
	uint32_t src;
	uint32_t count;
};

static struct fx_flow *fx_flow_tbl;
static const char *const fx_flow_drops[] = { "over-limit" };

static int
fx_flow_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	fx_flow_tbl = sa_state_alloc(FX_FLOW_SLOTS * sizeof(*fx_flow_tbl));
	return fx_flow_tbl != NULL ? 0 : -ENOMEM;
}

static void
fx_flow_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct fx_flow *e;
	uint32_t src;

	if (pkt->len < FX_FLOW_SRC_OFF + sizeof(src)) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	memcpy(&src, pkt->data + FX_FLOW_SRC_OFF, sizeof(src));
	e = &fx_flow_tbl[src % FX_FLOW_SLOTS];
	e->src = src;
	e->count++;
	if (e->count > FX_FLOW_LIMIT)
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
	else
		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox fx_flow_mb = {
	.name = "fx_flow",
	.desc = "instrument fixture: per-flow table in the arena",
	.init = fx_flow_init,
	.process = fx_flow_process,
	.drop_names = fx_flow_drops,
	.n_drop_names = 1,
};
SA_MIDDLEBOX_REGISTER(fx_flow_mb)
