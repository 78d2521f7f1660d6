/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixture: modelled library calls that write state: snprintf (its size
 * argument is the length) and strcpy (length unknown). */
#include <stdio.h>
#include <string.h>

#include <sa/mbox.h>

#define FX_LIBCALL_BIG	60

static char fx_libcall_name[32];
static char fx_libcall_last[16];

static void
fx_libcall_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	snprintf(fx_libcall_name, sizeof(fx_libcall_name), "len %u",
		 (unsigned int)pkt->len);
	strcpy(fx_libcall_last, pkt->len > FX_LIBCALL_BIG ? "big" : "small");
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox fx_libcall_mb = {
	.name = "fx_libcall",
	.desc = "instrument fixture: library calls writing state",
	.process = fx_libcall_process,
};
SA_MIDDLEBOX_REGISTER(fx_libcall_mb)
