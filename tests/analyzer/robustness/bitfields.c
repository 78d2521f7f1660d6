/*
 * check-name: bit-field state: read-modify-write of a shared storage unit
 * check-object: flags updateable output_impacting all-flows
 * check-object: cfg_bits !updateable output_impacting all-flows
 *
 * Writing one bit-field is a load, mask and store of the whole unit;
 * the object is updated even though each packet touches only some bits.
 * cfg_bits is set at init and decides the verdict.
 */
#include <stdint.h>

#include <sa/mbox.h>

struct state_bits {
	unsigned int seen_syn : 1;
	unsigned int seen_fin : 1;
	unsigned int strikes : 6;
	unsigned int reserved : 24;
};

struct cfg_bits_t {
	unsigned int strict : 1;
	unsigned int max_strikes : 6;
};

struct state_bits flags;
struct cfg_bits_t cfg_bits;

static int
bf_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	cfg_bits.strict = 1;
	cfg_bits.max_strikes = 10;
	return 0;
}

static void
bf_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (pkt->len < 60)
		flags.strikes++;
	else
		flags.seen_syn = 1;
	if (cfg_bits.strict && flags.strikes > cfg_bits.max_strikes) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox bf_mb = {
	.name = "bitfields",
	.init = bf_init,
	.process = bf_process,
};

SA_MIDDLEBOX_REGISTER(bf_mb)
