/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixture: state from malloc / calloc / realloc / strdup, which the
 * instrumenter redirects to the state arena; writes into it are hooked
 * at their arena addresses. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sa/mbox.h>

#define FX_MALLOC_HIST	4
#define FX_MALLOC_LIMIT	2

struct fx_rec {
	uint64_t seen;
	uint64_t spare;
};

static struct fx_rec *fx_malloc_rec;
static uint32_t *fx_malloc_hist;
static uint32_t fx_malloc_n;
static char *fx_malloc_label;

static int
fx_malloc_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	fx_malloc_rec = malloc(sizeof(*fx_malloc_rec));
	fx_malloc_hist = calloc(FX_MALLOC_HIST, sizeof(*fx_malloc_hist));
	fx_malloc_label = strdup("fx_malloc");
	if (fx_malloc_rec == NULL || fx_malloc_hist == NULL ||
	    fx_malloc_label == NULL)
		return -ENOMEM;
	fx_malloc_rec->seen = 0;
	fx_malloc_n = FX_MALLOC_HIST;
	return 0;
}

static void
fx_malloc_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	uint32_t idx, *p;

	if (pkt->len == 0) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	fx_malloc_rec->seen++;
	idx = pkt->data[0];
	if (idx >= fx_malloc_n) {
		p = realloc(fx_malloc_hist, (idx + 1) * sizeof(*p));
		if (p == NULL) {
			sa_drop(ctx, pkt, SA_DROP_STATE_FULL);
			return;
		}
		fx_malloc_hist = p;
		fx_malloc_n = idx + 1;
	}
	fx_malloc_hist[idx]++;
	if (fx_malloc_hist[idx] > FX_MALLOC_LIMIT)
		sa_drop(ctx, pkt, SA_DROP_NO_VERDICT);
	else
		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
fx_malloc_fini(struct sa_ctx *ctx)
{
	(void)ctx;
	free(fx_malloc_rec);
	free(fx_malloc_hist);
	free(fx_malloc_label);
}

const struct sa_middlebox fx_malloc_mb = {
	.name = "fx_malloc",
	.desc = "instrument fixture: malloc'ed state",
	.init = fx_malloc_init,
	.process = fx_malloc_process,
	.fini = fx_malloc_fini,
};
SA_MIDDLEBOX_REGISTER(fx_malloc_mb)
