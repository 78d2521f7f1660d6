/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The lb descriptor and its packet path: one parse, one connection
 * lookup, a precomputed rewrite. The Maglev table is read only for the
 * first packet of a flow. Nothing here logs per packet; every packet is
 * either counted in lb_stats or dropped under a named reason.
 */

#include <stdio.h>
#include <string.h>

#include "lb_priv.h"

struct lb_config lb_cfg;
uint64_t lb_stats[LB_STAT_COUNT];
struct lb_backend_stats lb_be_stats[LB_BACKENDS_MAX];

#define LB_STAT_NAME_MAX	48

#define LB_STAT_NAME_(name, str) str,
static const char *const lb_stat_names[LB_STAT_COUNT] = {
	LB_STATS(LB_STAT_NAME_)
};
#undef LB_STAT_NAME_

#define LB_DROP_NAME_(name, str) str,
static const char *const lb_drop_names[] = {
	LB_DROP_REASONS(LB_DROP_NAME_)
};
#undef LB_DROP_NAME_

_Static_assert(sizeof(lb_drop_names) / sizeof(lb_drop_names[0]) ==
	       LB_DROP_COUNT, "one name per drop reason");
_Static_assert(LB_DROP_COUNT <= SA_DROP_MB_MAX, "too many drop reasons");

/* Length of the IP datagram, what the byte counters hold. */
static inline uint32_t
lb_ip_len(const struct sa_parsed *p)
{
	return p->ip_end - p->l3_off;
}

/* A client packet: to its connection's backend, or to a new one. */
static void
lb_client(struct sa_ctx *ctx, struct sa_pkt *pkt, const struct sa_parsed *p,
	  const struct lb_flow *f)
{
	struct lb_conn *c = sa_table_lookup(lb_conns, &f->key);
	uint64_t now = sa_now_ns(ctx);
	uint32_t len = lb_ip_len(p);
	unsigned int reason = 0;
	int svc;

	if (LB_LIKELY(c != NULL)) {
		if (LB_UNLIKELY(lb_conn_stale(c, f->tcp_flags)))
			reason = lb_conn_reschedule(c, now);
	} else {
		svc = lb_service_find(&lb_cfg, f->key.dst, f->key.dport,
				      f->key.proto, f->key.family);
		reason = svc < 0 ? LB_DROP_UNKNOWN_VIP :
			 lb_conn_create(f, (uint32_t)svc, now, &c);
	}
	if (LB_UNLIKELY(reason != 0)) {
		sa_drop(ctx, pkt, reason);
		return;
	}
	lb_conn_refresh(c, LB_SIDE_CLIENT, f->tcp_flags, len, now);
	lb_xlate(pkt, p, &lb_cfg.backends[c->backend].rw[LB_SIDE_CLIENT],
		 LB_SIDE_CLIENT);
	lb_stat_add(LB_STAT_CLIENT_PACKETS, 1);
	lb_stat_add(LB_STAT_CLIENT_BYTES, len);
	sa_emit(ctx, pkt, SA_ARM_INSIDE);
}

/* A backend's reply: back to the client, from the VIP. */
static void
lb_reply(struct sa_ctx *ctx, struct sa_pkt *pkt, const struct sa_parsed *p,
	 const struct lb_flow *f)
{
	struct lb_conn **link = sa_table_lookup(lb_replies, &f->key);
	uint32_t len = lb_ip_len(p);
	struct lb_conn *c;

	if (LB_UNLIKELY(link == NULL)) {
		sa_drop(ctx, pkt, LB_DROP_NO_CONNECTION);
		return;
	}
	c = *link;
	lb_conn_refresh(c, LB_SIDE_BACKEND, f->tcp_flags, len, sa_now_ns(ctx));
	lb_xlate(pkt, p, &lb_cfg.backends[c->backend].rw[LB_SIDE_BACKEND],
		 LB_SIDE_BACKEND);
	lb_stat_add(LB_STAT_REPLY_PACKETS, 1);
	lb_stat_add(LB_STAT_REPLY_BYTES, len);
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

/* ARP and other non-IP frames cross unchanged; with one arm there is no
 * direction to tell, and either arm is the same port. */
static void
lb_non_ip(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	lb_stat_add(LB_STAT_FORWARDED_NON_IP, 1);
	sa_emit(ctx, pkt, pkt->arm == SA_ARM_OUTSIDE ? SA_ARM_INSIDE :
						      SA_ARM_OUTSIDE);
}

static void
lb_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct sa_parsed p;
	struct lb_flow f;
	unsigned int reason;

	reason = sa_parse(pkt->data, pkt->len, &p);
	if (LB_UNLIKELY(reason != SA_DROP_NONE)) {
		sa_drop(ctx, pkt, reason);
		return;
	}
	if (LB_UNLIKELY(p.l3 == SA_L3_NONE)) {
		lb_non_ip(ctx, pkt);
		return;
	}
	reason = lb_flow_key(pkt, &p, &f);
	if (LB_UNLIKELY(reason != 0)) {
		sa_drop(ctx, pkt, reason);
		return;
	}
	if (sa_pkt_dir(pkt, &p, &lb_cfg.inside) == SA_DIR_OUT2IN)
		lb_client(ctx, pkt, &p, &f);
	else
		lb_reply(ctx, pkt, &p, &f);
}

static void
lb_tick(struct sa_ctx *ctx, uint64_t now_ns)
{
	(void)ctx;
	lb_conn_expire(now_ns, LB_EXPIRE_SCAN);
}

static void
lb_fini(struct sa_ctx *ctx)
{
	(void)ctx;
	lb_conn_fini();
	lb_maglev_fini();
	memset(lb_stats, 0, sizeof(lb_stats));
	memset(lb_be_stats, 0, sizeof(lb_be_stats));
	memset(&lb_cfg, 0, sizeof(lb_cfg));
}

static int
lb_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	int rc;

	/* Counters start from zero whatever an earlier instance in this
	 * process (tests) left behind. */
	memset(lb_stats, 0, sizeof(lb_stats));
	memset(lb_be_stats, 0, sizeof(lb_be_stats));
	rc = lb_config_parse(cfg, &lb_cfg);
	if (rc == 0)
		rc = lb_maglev_init(ctx);
	if (rc == 0)
		rc = lb_conn_init(ctx);
	if (rc < 0) {
		lb_fini(ctx);
		return rc;
	}
	sa_log(ctx, SA_LOG_INFO, "%u services, %u backends, Maglev tables "
	       "of %u slots, %u connections", lb_cfg.n_services,
	       lb_cfg.n_backends, lb_cfg.maglev_size, lb_cfg.max_conns);
	return 0;
}

static void
lb_stats_backend(sa_stat_fn fn, void *arg, uint32_t i)
{
	const struct lb_backend_stats *bs = &lb_be_stats[i];
	char name[LB_STAT_NAME_MAX];

	snprintf(name, sizeof(name), "backend%u.connections", i);
	fn(arg, name, bs->conns);
	snprintf(name, sizeof(name), "backend%u.active_connections", i);
	fn(arg, name, bs->active);
	snprintf(name, sizeof(name), "backend%u.packets", i);
	fn(arg, name, bs->packets);
	snprintf(name, sizeof(name), "backend%u.bytes", i);
	fn(arg, name, bs->bytes);
	snprintf(name, sizeof(name), "backend%u.state", i);
	fn(arg, name, lb_cfg.backends[i].state);
}

/*
 * Reports the totals of LB_STATS, the live connections, and per backend
 * (i: its entry index, 0 for the first 'backend' line) connections
 * assigned, connections held, packets and bytes both ways, and its state
 * (0 up, 1 drain, 2 down).
 */
static void
lb_stats_report(sa_stat_fn fn, void *arg)
{
	uint32_t i;

	for (i = 0; i < LB_STAT_COUNT; i++)
		fn(arg, lb_stat_names[i], lb_stats[i]);
	fn(arg, "conns_active", lb_conn_count());
	for (i = 0; i < lb_cfg.n_backends; i++)
		lb_stats_backend(fn, arg, i);
}

const struct sa_middlebox lb_middlebox = {
	.name = "lb",
	.desc = "L4 load balancer: VIP services, weighted Maglev hashing, "
		"connection affinity, destination NAT (IPv4 and IPv6)",
	.init = lb_init,
	.process = lb_process,
	.tick = lb_tick,
	.fini = lb_fini,
	.stats = lb_stats_report,
	.drop_names = lb_drop_names,
	.n_drop_names = LB_DROP_COUNT,
	.command = lb_command,
};

SA_MIDDLEBOX_REGISTER(lb_middlebox)
