/*
 * check-name: pointer arithmetic stays inside the array it starts from
 * check-object: src_hits updateable output_impacting multi-flow ipv4.src
 * check-object: spare !updateable !output_impacting all-flows
 *
 * slot is src_hits plus an offset computed from the source address; a
 * write through it may reach any element of src_hits but never the
 * neighbouring global spare, whatever the linker puts next to it. The
 * element chosen depends only on ipv4.src: multi-flow.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define PA_SLOTS	256u
#define PA_LIMIT	64u
#define PA_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

uint32_t src_hits[PA_SLOTS];
uint32_t spare[PA_SLOTS];

static void
pa_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	uint32_t *slot;

	if (pkt->len < PA_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	slot = src_hits + (ip->src_addr % PA_SLOTS);
	*slot += 1;
	if (*slot > PA_LIMIT) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
pa_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "spare0", spare[0]);
}

const struct sa_middlebox pa_mb = {
	.name = "pointer-arith",
	.process = pa_process,
	.stats = pa_stats,
};

SA_MIDDLEBOX_REGISTER(pa_mb)
