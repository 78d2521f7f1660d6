/*
 * check-name: an address kept as an integer handle and cast back is followed soundly
 * check-object: fs updateable output_impacting all-flows
 * check-object: other_state !updateable !output_impacting all-flows
 * check-object: fs_handle !updateable output_impacting all-flows
 * check-approx: int-to-ptr
 *
 * process writes through a pointer made from an integer. A sound analysis
 * lets it point to every object whose address was turned into an integer
 * (here fs), and says that it did so. other_state's address is never
 * taken at all, so no pointer, made from an integer or not, may reach it.
 */
#include <stdint.h>

#include <sa/mbox.h>

#define IP_LIMIT 5000u

struct flow_stats {
	uint64_t pkts;
	uint64_t bytes;
};

struct flow_stats fs;
struct flow_stats other_state;
uintptr_t fs_handle;

static int
ip_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	fs_handle = (uintptr_t)&fs;
	return 0;
}

static void
ip_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct flow_stats *p = (struct flow_stats *)fs_handle;

	p->pkts++;
	p->bytes += pkt->len;
	if (p->pkts > IP_LIMIT) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
ip_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "other", other_state.pkts);
}

const struct sa_middlebox ip_mb = {
	.name = "int-ptr-cast",
	.init = ip_init,
	.process = ip_process,
	.stats = ip_stats,
};

SA_MIDDLEBOX_REGISTER(ip_mb)
