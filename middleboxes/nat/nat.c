/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The nat descriptor and its packet path: one parse, one session lookup,
 * a few incremental checksum updates. Nothing here logs per packet; every
 * packet is either counted in nat_stats or dropped under a named reason.
 */

#include <string.h>

#include "nat_priv.h"

struct nat_config nat_cfg;
uint64_t nat_stats[NAT_STAT_COUNT];

#define NAT_STAT_NAME_(name, str) str,
static const char *const nat_stat_names[NAT_STAT_COUNT] = {
	NAT_STATS(NAT_STAT_NAME_)
};
#undef NAT_STAT_NAME_

#define NAT_DROP_NAME_(name, str) str,
static const char *const nat_drop_names[] = {
	NAT_DROP_REASONS(NAT_DROP_NAME_)
};
#undef NAT_DROP_NAME_

_Static_assert(sizeof(nat_drop_names) / sizeof(nat_drop_names[0]) ==
	       NAT_DROP_COUNT, "one name per drop reason");
_Static_assert(NAT_DROP_COUNT <= SA_DROP_MB_MAX, "too many drop reasons");

/* Length of the IP datagram, what session and global byte counters hold. */
static inline uint32_t
nat_ip_len(const struct sa_parsed *p)
{
	return p->ip_end - p->l3_off;
}

static inline void
nat_count(enum nat_stat pkts, const struct nat_session *s, uint32_t len)
{
	nat_stat_add(pkts, 1);
	nat_stat_add((enum nat_stat)(pkts + 1), len);
	nat_stat_add((enum nat_stat)(NAT_STAT_TCP_PACKETS + s->nproto), 1);
}

_Static_assert(NAT_STAT_IN2OUT_BYTES == NAT_STAT_IN2OUT_PACKETS + 1 &&
	       NAT_STAT_OUT2IN_BYTES == NAT_STAT_OUT2IN_PACKETS + 1,
	       "byte counters follow their packet counters");

static void
nat_in2out(struct sa_ctx *ctx, struct sa_pkt *pkt, const struct sa_parsed *p)
{
	struct nat_session *s = NULL;
	uint32_t len = nat_ip_len(p);
	struct nat_flow flow;
	unsigned int reason;
	uint64_t now = sa_now_ns(ctx);

	reason = nat_flow_from_pkt(pkt, p, SA_DIR_IN2OUT, &flow);
	if (NAT_LIKELY(reason == 0))
		s = nat_session_lookup_in2out(&flow.key);
	if (NAT_UNLIKELY(s == NULL)) {
		/* No session is ever created between two inside hosts, so
		 * only a miss needs the prefix match. */
		if (sa_prefix_set_match4(&nat_cfg.inside,
					 sa_ipv4(pkt, p)->dst_addr)) {
			nat_stat_add(NAT_STAT_FORWARDED_INSIDE, 1);
			sa_emit(ctx, pkt, SA_ARM_INSIDE);
			return;
		}
		if (reason == 0)
			reason = nat_session_create(&flow, now, &s);
		if (reason != 0) {
			sa_drop(ctx, pkt, reason);
			return;
		}
	}
	nat_session_refresh(s, SA_DIR_IN2OUT, flow.tcp_flags, len, now);
	nat_xlate_in2out(pkt, p, s);
	nat_count(NAT_STAT_IN2OUT_PACKETS, s, len);
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
nat_out2in(struct sa_ctx *ctx, struct sa_pkt *pkt, const struct sa_parsed *p)
{
	struct nat_session *s;
	uint32_t len = nat_ip_len(p);
	struct nat_flow flow;
	unsigned int reason;

	reason = nat_flow_from_pkt(pkt, p, SA_DIR_OUT2IN, &flow);
	if (NAT_LIKELY(reason == 0)) {
		s = nat_session_lookup_out2in(&flow.key);
		if (NAT_LIKELY(s != NULL)) {
			nat_session_refresh(s, SA_DIR_OUT2IN, flow.tcp_flags,
					    len, sa_now_ns(ctx));
			nat_xlate_out2in(pkt, p, s);
			nat_count(NAT_STAT_OUT2IN_PACKETS, s, len);
			sa_emit(ctx, pkt, SA_ARM_INSIDE);
			return;
		}
		reason = NAT_DROP_NO_SESSION;
	}
	/* Whatever else is wrong with it, a packet not addressed to the
	 * pool is not ours. */
	if (!nat_pool_contains(sa_ipv4(pkt, p)->dst_addr))
		reason = NAT_DROP_NOT_FOR_POOL;
	sa_drop(ctx, pkt, reason);
}

static inline enum sa_arm
nat_arm_for(enum sa_dir dir)
{
	return dir == SA_DIR_IN2OUT ? SA_ARM_OUTSIDE : SA_ARM_INSIDE;
}

static void
nat_ipv6(struct sa_ctx *ctx, struct sa_pkt *pkt, const struct sa_parsed *p)
{
	if (nat_cfg.ipv6_drop) {
		sa_drop(ctx, pkt, NAT_DROP_IPV6_DISABLED);
		return;
	}
	nat_stat_add(NAT_STAT_FORWARDED_IPV6, 1);
	sa_emit(ctx, pkt, nat_arm_for(sa_pkt_dir(pkt, p, &nat_cfg.inside)));
}

/* ARP and other non-IP frames cross unchanged; with one arm there is no
 * direction to tell, and either arm is the same port. */
static void
nat_non_ip(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	nat_stat_add(NAT_STAT_FORWARDED_NON_IP, 1);
	sa_emit(ctx, pkt, pkt->arm == SA_ARM_OUTSIDE ? SA_ARM_INSIDE :
						      SA_ARM_OUTSIDE);
}

static void
nat_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct sa_parsed p;
	unsigned int err;

	err = sa_parse(pkt->data, pkt->len, &p);
	if (NAT_UNLIKELY(err != SA_DROP_NONE)) {
		sa_drop(ctx, pkt, err);
		return;
	}
	switch (p.l3) {
	case SA_L3_IPV4:
		if (sa_pkt_dir(pkt, &p, &nat_cfg.inside) == SA_DIR_IN2OUT)
			nat_in2out(ctx, pkt, &p);
		else
			nat_out2in(ctx, pkt, &p);
		break;
	case SA_L3_IPV6:
		nat_ipv6(ctx, pkt, &p);
		break;
	default:
		nat_non_ip(ctx, pkt);
		break;
	}
}

static void
nat_tick(struct sa_ctx *ctx, uint64_t now_ns)
{
	(void)ctx;
	nat_session_expire(now_ns, NAT_EXPIRE_SCAN);
}

static void
nat_fini(struct sa_ctx *ctx)
{
	(void)ctx;
	nat_session_fini();
	nat_pool_fini();
	memset(nat_stats, 0, sizeof(nat_stats));
	memset(&nat_cfg, 0, sizeof(nat_cfg));
}

static int
nat_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	int rc;

	/* A previous instance in this process (tests) left nothing behind,
	 * but counters must start from zero whatever happened before. */
	memset(nat_stats, 0, sizeof(nat_stats));
	rc = nat_config_parse(cfg, &nat_cfg);
	if (rc < 0)
		return rc;
	rc = nat_pool_init(ctx);
	if (rc < 0)
		return rc;
	rc = nat_session_init(ctx);
	if (rc < 0) {
		nat_pool_fini();
		return rc;
	}
	sa_log(ctx, SA_LOG_INFO, "%u pool addresses, ports %u-%u, "
	       "%u sessions", nat_cfg.pool_size, nat_cfg.port_min,
	       nat_cfg.port_max, nat_cfg.max_sessions);
	return 0;
}

static void
nat_stats_report(sa_stat_fn fn, void *arg)
{
	unsigned int i;

	for (i = 0; i < NAT_STAT_COUNT; i++)
		fn(arg, nat_stat_names[i], nat_stats[i]);
	fn(arg, "sessions_active", nat_session_count());
}

const struct sa_middlebox nat_middlebox = {
	.name = "nat",
	.desc = "source NAPT for IPv4 (NAT44): paired pooling, port "
		"preservation, RFC 4787/5382 timeouts",
	.init = nat_init,
	.process = nat_process,
	.tick = nat_tick,
	.fini = nat_fini,
	.stats = nat_stats_report,
	.drop_names = nat_drop_names,
	.n_drop_names = NAT_DROP_COUNT,
};

SA_MIDDLEBOX_REGISTER(nat_middlebox)
