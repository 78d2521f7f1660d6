/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixture: stores to a local array and to the packet only: no hook, no
 * manifest region (a constant table is not state either). */
#include <stdint.h>

#include <sa/mbox.h>

#define FX_LOCAL_N	16

static const uint8_t fx_local_mix[FX_LOCAL_N] = {
	3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,
};

static void
fx_local_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	uint8_t tmp[FX_LOCAL_N];
	unsigned int i;

	if (pkt->len < FX_LOCAL_N) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	for (i = 0; i < FX_LOCAL_N; i++)
		tmp[i] = pkt->data[i] ^ fx_local_mix[i];
	pkt->data[FX_LOCAL_N - 1] = tmp[3] ^ tmp[5];
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox fx_local_mb = {
	.name = "fx_local",
	.desc = "instrument fixture: local and packet stores",
	.process = fx_local_process,
};
SA_MIDDLEBOX_REGISTER(fx_local_mb)
