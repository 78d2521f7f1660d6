/*
 * check-name: state written only by init and fini is not updated by packet processing
 * check-object: table_size !updateable output_impacting all-flows
 * check-object: generation !updateable !output_impacting all-flows
 * check-object: seen updateable output_impacting all-flows
 *
 * init and fini run once, before the first and after the last packet;
 * their writes are not per-packet updates even though fini clears
 * everything, seen included (seen is updated by process, though).
 */
#include <stdint.h>
#include <string.h>

#include <sa/mbox.h>

#define IF_DEFAULT_SIZE 1000u

uint32_t table_size;
uint32_t generation;
uint64_t seen;

static int
if_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	table_size = IF_DEFAULT_SIZE;
	generation++;
	return 0;
}

static void
if_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (++seen > table_size) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
if_fini(struct sa_ctx *ctx)
{
	(void)ctx;
	table_size = 0;
	generation++;
	memset(&seen, 0, sizeof(seen));
}

const struct sa_middlebox if_mb = {
	.name = "init-fini-only",
	.init = if_init,
	.process = if_process,
	.fini = if_fini,
};

SA_MIDDLEBOX_REGISTER(if_mb)
