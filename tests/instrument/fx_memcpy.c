/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixture: memcpy and memset of run-time length into a global that
 * decides the verdict (duplicate suppression): hooks carry the length. */
#include <stdint.h>
#include <string.h>

#include <sa/mbox.h>

#define FX_MEMCPY_KEEP	64

static uint8_t fx_memcpy_last[FX_MEMCPY_KEEP];
static uint32_t fx_memcpy_len;
static const char *const fx_memcpy_drops[] = { "duplicate" };

static void
fx_memcpy_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	uint32_t n = pkt->len < FX_MEMCPY_KEEP ? pkt->len : FX_MEMCPY_KEEP;

	if (n == fx_memcpy_len && memcmp(fx_memcpy_last, pkt->data, n) == 0) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	memcpy(fx_memcpy_last, pkt->data, n);
	fx_memcpy_len = n;
	memset(fx_memcpy_last + n, 0, FX_MEMCPY_KEEP - n);
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox fx_memcpy_mb = {
	.name = "fx_memcpy",
	.desc = "instrument fixture: memcpy / memset into state",
	.process = fx_memcpy_process,
	.drop_names = fx_memcpy_drops,
	.n_drop_names = 1,
};
SA_MIDDLEBOX_REGISTER(fx_memcpy_mb)
