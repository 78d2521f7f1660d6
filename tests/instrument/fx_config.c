/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixture: configuration written by init only: no hook, a READ_ONLY
 * manifest region. */
#include <stdint.h>

#include <sa/mbox.h>

#define FX_CONFIG_MIN_LEN	60

struct fx_config {
	uint32_t min_len;
	uint32_t arm;
};

static struct fx_config fx_config_cfg;

static int
fx_config_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	fx_config_cfg.min_len = FX_CONFIG_MIN_LEN;
	fx_config_cfg.arm = SA_ARM_OUTSIDE;
	return 0;
}

static void
fx_config_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (pkt->len >= fx_config_cfg.min_len)
		sa_emit(ctx, pkt, (enum sa_arm)fx_config_cfg.arm);
	else
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
}

const struct sa_middlebox fx_config_mb = {
	.name = "fx_config",
	.desc = "instrument fixture: read-only configuration",
	.init = fx_config_init,
	.process = fx_config_process,
};
SA_MIDDLEBOX_REGISTER(fx_config_mb)
