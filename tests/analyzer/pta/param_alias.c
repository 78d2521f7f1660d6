/*
 * check-name: state written through helpers' pointer parameters and returned pointers
 * check-object: stats updateable all-flows
 * check-field: stats rx_bytes updateable
 * check-field: stats tx_bytes !updateable
 * check-object: quota_used updateable output_impacting all-flows
 * check-object: slots updateable output_impacting multi-flow ipv4.dst
 * check-object: untouched !updateable !output_impacting all-flows
 *
 * bump() is called with the address of a field and of a scalar; slot_of()
 * returns the address of an array element that the caller then writes.
 * Whether stats.rx_bytes also counts as output-impacting is left open on
 * purpose: bump()'s parameter may point to either object in a
 * context-insensitive analysis, so either answer is defensible.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define PR_QUOTA	(1u << 20)
#define PR_SLOTS	128u
#define PR_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

struct pr_stats {
	uint64_t rx_bytes;
	uint64_t tx_bytes;
};

struct pr_stats stats;
uint64_t quota_used;
uint32_t slots[PR_SLOTS];
uint32_t untouched;

static void
bump(uint64_t *ctr, uint64_t n)
{
	*ctr += n;
}

static uint32_t *
slot_of(uint32_t addr)
{
	return &slots[addr % PR_SLOTS];
}

static void
pr_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	uint32_t *s;

	bump(&stats.rx_bytes, pkt->len);
	if (pkt->len < PR_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	s = slot_of(ip->dst_addr);
	(*s)++;
	bump(&quota_used, pkt->len);
	if (quota_used > PR_QUOTA || *s > PR_QUOTA / PR_SLOTS) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
pr_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "rx", stats.rx_bytes);
	fn(arg, "tx", stats.tx_bytes);
	fn(arg, "untouched", untouched);
}

const struct sa_middlebox pr_mb = {
	.name = "param-alias",
	.process = pr_process,
	.stats = pr_stats,
};

SA_MIDDLEBOX_REGISTER(pr_mb)
