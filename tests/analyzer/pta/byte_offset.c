/*
 * check-name: a byte-offset write into a struct updates that struct only
 * check-object: rec updateable !output_impacting all-flows
 * check-field: rec last_src updateable
 * check-field: rec created_ns !updateable
 * check-object: neighbour !updateable all-flows
 *
 * The copy goes through a uint8_t pointer at offsetof(last_src), the way
 * serializers and packed-record code write fields. It must land in rec,
 * at the last_src field when the offset is constant, and never in
 * neighbour. rec is not keyed by anything: it holds whatever the last
 * packet carried, so all-flows.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define BO_MIN_LEN (sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

struct record {
	uint64_t created_ns;
	uint32_t last_src;
	uint32_t count;
};

struct record rec;
struct record neighbour;

static void
bo_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	uint8_t *raw = (uint8_t *)&rec;

	if (pkt->len >= BO_MIN_LEN) {
		ip = (const struct sa_ipv4_hdr *)(pkt->data +
						  sizeof(struct sa_eth_hdr));
		memcpy(raw + offsetof(struct record, last_src), &ip->src_addr,
		       sizeof(ip->src_addr));
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
bo_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "last_src", rec.last_src);
	fn(arg, "created", rec.created_ns);
	fn(arg, "neighbour", neighbour.count);
}

const struct sa_middlebox bo_mb = {
	.name = "byte-offset",
	.process = bo_process,
	.stats = bo_stats,
};

SA_MIDDLEBOX_REGISTER(bo_mb)
