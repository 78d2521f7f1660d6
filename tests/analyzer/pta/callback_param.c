/*
 * check-name: a callback passed as an argument writes state through its void * argument
 * check-object: seen updateable !output_impacting multi-flow ipv4.src,ipv4.dst
 * check-object: visits updateable !output_impacting all-flows
 * check-no-approx: unresolved-indirect-call
 *
 * for_each_addr() calls whatever function it is given with the pointer it
 * is given: here mark_cb with &seen, so mark_cb's writes through arg land
 * in seen, at a bit chosen by either address of the packet.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define CP_BITS		4096u
#define CP_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

typedef void (*visit_fn)(void *arg, uint32_t addr);

struct seen_set {
	uint8_t bit[CP_BITS];
};

struct seen_set seen;
uint64_t visits;

static void
for_each_addr(const struct sa_ipv4_hdr *ip, visit_fn fn, void *arg)
{
	fn(arg, ip->src_addr);
	fn(arg, ip->dst_addr);
}

static void
mark_cb(void *arg, uint32_t addr)
{
	struct seen_set *s = arg;

	s->bit[addr % CP_BITS] = 1;
	visits++;
}

static void
cp_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (pkt->len >= CP_MIN_LEN)
		for_each_addr((const struct sa_ipv4_hdr *)(pkt->data +
				sizeof(struct sa_eth_hdr)), mark_cb, &seen);
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox cp_mb = {
	.name = "callback-param",
	.process = cp_process,
};

SA_MIDDLEBOX_REGISTER(cp_mb)
