/*
 * check-name: counters written per packet and read only by the stats callback
 * check-object: mb_stats updateable !output_impacting multi-flow ipv4.proto
 * check-field: mb_stats packets updateable !output_impacting
 * check-field: mb_stats bytes updateable !output_impacting
 * check-field: mb_stats by_proto[] updateable !output_impacting
 * check-object: drops_by_reason updateable !output_impacting all-flows
 *
 * The case replication modes tell apart: this state changes with every
 * packet, so it is updateable, but no verdict, rewrite, alert or log
 * depends on it, so it never needs to reach the standby before the
 * packet leaves. The descriptor's stats callback is not an output.
 * by_proto is indexed by the IP protocol, which makes mb_stats multi-flow
 * state keyed by ipv4.proto.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define SO_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))
#define SO_REASONS	4u

struct so_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t by_proto[256];
};

struct so_stats mb_stats;
uint64_t drops_by_reason[SO_REASONS];

static void
so_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;

	mb_stats.packets++;
	mb_stats.bytes += pkt->len;
	if (pkt->len < SO_MIN_LEN) {
		drops_by_reason[0]++;
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	mb_stats.by_proto[ip->next_proto_id]++;
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
so_stats_report(sa_stat_fn fn, void *arg)
{
	unsigned int i;

	fn(arg, "packets", mb_stats.packets);
	fn(arg, "bytes", mb_stats.bytes);
	for (i = 0; i < 256; i++)
		fn(arg, "proto", mb_stats.by_proto[i]);
	for (i = 0; i < SO_REASONS; i++)
		fn(arg, "drops", drops_by_reason[i]);
}

const struct sa_middlebox so_mb = {
	.name = "stats-only",
	.process = so_process,
	.stats = so_stats_report,
};

SA_MIDDLEBOX_REGISTER(so_mb)
