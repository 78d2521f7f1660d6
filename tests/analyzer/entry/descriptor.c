/*
 * check-name: the registered descriptor's process callback is the entry, and tick is analyzed with it
 * check-object: pkts updateable !output_impacting all-flows
 * check-object: idle_ticks updateable !output_impacting all-flows
 * check-object: init_calls !updateable !output_impacting all-flows
 * check-entry: descriptor ds_process
 *
 * No --entry is given: the entry comes from the sa_middlebox descriptor
 * registered with SA_MIDDLEBOX_REGISTER. main exists, but it is a test
 * driver, not a packet loop.
 */
#include <stdint.h>

#include <sa/mbox.h>

uint64_t pkts;
uint64_t idle_ticks;
uint32_t init_calls;

static int
ds_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	init_calls++;
	return 0;
}

static void
ds_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	pkts++;
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
ds_tick(struct sa_ctx *ctx, uint64_t now_ns)
{
	(void)ctx;
	(void)now_ns;
	idle_ticks++;
}

const struct sa_middlebox ds_mb = {
	.name = "descriptor",
	.init = ds_init,
	.process = ds_process,
	.tick = ds_tick,
};

SA_MIDDLEBOX_REGISTER(ds_mb)

int
main(void)
{
	return ds_init(0, 0);
}
