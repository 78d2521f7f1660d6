/*
 * check-name: an ops table chosen at init; only the tables it may point to are called
 * check-object: fast_bytes updateable !output_impacting all-flows
 * check-object: slow_bytes updateable !output_impacting all-flows
 * check-object: slow_denied updateable !output_impacting all-flows
 * check-object: audit_bytes !updateable !output_impacting all-flows
 * check-object: ops !updateable output_impacting all-flows
 * check-object: deny_net !updateable output_impacting all-flows
 * check-no-approx: unresolved-indirect-call
 *
 * ops points to fast_ops or slow_ops. audit_ops has the same type and its
 * functions have the same signatures, but it is never stored into ops:
 * an analysis that resolves indirect calls by points-to sets, not by
 * type, never calls audit_count from process. admit() decides the
 * verdict, so ops is output-impacting, and so is deny_net, which
 * slow_admit reads.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define FO_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

struct mb_ops {
	void (*count)(uint32_t len);
	int (*admit)(uint32_t src);
};

uint64_t fast_bytes;
uint64_t slow_bytes;
uint64_t audit_bytes;
uint32_t slow_denied;
uint32_t deny_net;
static const struct mb_ops *ops;

static void
fast_count(uint32_t len)
{
	fast_bytes += len;
}

static int
fast_admit(uint32_t src)
{
	(void)src;
	return 1;
}

static void
slow_count(uint32_t len)
{
	slow_bytes += len;
}

static int
slow_admit(uint32_t src)
{
	if ((src & 0xffu) == deny_net) {
		slow_denied++;
		return 0;
	}
	return 1;
}

static void
audit_count(uint32_t len)
{
	audit_bytes += len;
}

static const struct mb_ops fast_ops = { fast_count, fast_admit };
static const struct mb_ops slow_ops = { slow_count, slow_admit };
/* Exported for a debugging build; never selected by this middlebox. */
const struct mb_ops audit_ops = { audit_count, fast_admit };

static int
fo_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	deny_net = 10;
	ops = cfg == NULL ? &fast_ops : &slow_ops;
	return 0;
}

static void
fo_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;

	ops->count(pkt->len);
	if (pkt->len < FO_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	if (!ops->admit(ip->src_addr)) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox fo_mb = {
	.name = "fnptr-ops",
	.init = fo_init,
	.process = fo_process,
};

SA_MIDDLEBOX_REGISTER(fo_mb)
