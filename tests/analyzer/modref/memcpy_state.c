/*
 * check-name: memcpy, memmove and memset into state update it; memcpy out of state does not
 * check-object: last updateable !output_impacting all-flows
 * check-field: last ip updateable
 * check-field: last when_ns !updateable
 * check-object: history updateable !output_impacting all-flows
 * check-object: scratch updateable !output_impacting all-flows
 * check-object: allow !updateable output_impacting all-flows
 *
 * allow is copied into a local before use: a read of state, however it
 * is done, does not make it updateable, and the copy carries the
 * dependence of the verdict on it.
 */
#include <stdint.h>
#include <string.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define MC_HISTORY	8u
#define MC_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

struct last_seen {
	struct sa_ipv4_hdr ip;
	uint64_t when_ns;
};

struct allow_rule {
	uint32_t net;
	uint32_t mask;
};

struct last_seen last;
uint32_t history[MC_HISTORY];
uint8_t scratch[256];
struct allow_rule allow;

static int
mc_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	allow.net = 0x0000000au;
	allow.mask = 0x000000ffu;
	return 0;
}

static void
mc_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	struct allow_rule rule;

	memset(scratch, 0, sizeof(scratch));
	if (pkt->len < MC_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	memcpy(&last.ip, ip, sizeof(last.ip));
	memmove(history + 1, history, sizeof(history) - sizeof(history[0]));
	history[0] = ip->src_addr;
	memcpy(&rule, &allow, sizeof(rule));
	if ((ip->src_addr & rule.mask) != rule.net) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
mc_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "last_src", last.ip.src_addr);
	fn(arg, "last_when", last.when_ns);
	fn(arg, "scratch0", scratch[0]);
}

const struct sa_middlebox mc_mb = {
	.name = "memcpy-state",
	.init = mc_init,
	.process = mc_process,
	.stats = mc_stats,
};

SA_MIDDLEBOX_REGISTER(mc_mb)
