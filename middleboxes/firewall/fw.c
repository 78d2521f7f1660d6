/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateful firewall: descriptor and per-packet dispatch.
 *
 * One parse, one direction decision, one connection lookup per packet;
 * rules are evaluated only when a packet would open a connection. The
 * firewall never rewrites a frame: it emits it unchanged towards the other
 * side (inside to outside arm and back) or drops it with a named reason.
 */

#include <errno.h>

#include "fw.h"

struct fw_config fw_cfg;
struct sa_table *fw_conns;
struct fw_stats fw_stats;

static inline enum sa_arm
fw_arm_for(enum sa_dir dir)
{
	return dir == SA_DIR_IN2OUT ? SA_ARM_OUTSIDE : SA_ARM_INSIDE;
}

/*
 * Non-IP frames carry no address to tell their direction from: they cross
 * to the other arm, and when one-armed leave by the outside arm, as the
 * runtime then has a single port anyway.
 */
static inline enum sa_arm
fw_arm_across(uint8_t rx_arm)
{
	return rx_arm == SA_ARM_OUTSIDE ? SA_ARM_INSIDE : SA_ARM_OUTSIDE;
}

static unsigned int
fw_filter(const struct sa_pkt *pkt, const struct sa_parsed *p, uint64_t now)
{
	if (p->l3 == SA_L3_IPV4)
		fw_stats.ipv4++;
	else
		fw_stats.ipv6++;
	/* Later fragments carry no ports, so no state can vouch for them. */
	if (FW_UNLIKELY(p->frag == SA_FRAG_LATER)) {
		if (fw_cfg.fragments != FW_FRAG_PASS)
			return FW_DROP_FRAGMENT;
		fw_stats.fragments_passed++;
		return FW_PASS;
	}
	if (FW_LIKELY(p->has_l4)) {
		switch (p->l4_proto) {
		case SA_IPPROTO_TCP:
			return fw_tcp_filter(pkt, p, now);
		case SA_IPPROTO_ICMP:
		case SA_IPPROTO_ICMPV6:
			return fw_icmp_filter(pkt, p, now);
		default:
			break;
		}
	}
	return fw_dgram_filter(pkt, p, now);
}

static void
fw_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct sa_parsed p;
	unsigned int reason;
	enum sa_arm out;

	fw_stats.packets++;
	reason = sa_parse(pkt->data, pkt->len, &p);
	if (FW_UNLIKELY(reason != SA_DROP_NONE))
		goto drop;
	if (FW_UNLIKELY(p.l3 == SA_L3_NONE)) {
		if (!fw_cfg.pass_non_ip) {
			reason = SA_DROP_NOT_IP;
			goto drop;
		}
		fw_stats.non_ip_passed++;
		sa_emit(ctx, pkt, fw_arm_across(pkt->arm));
		return;
	}
	out = fw_arm_for(sa_pkt_dir(pkt, &p, &fw_cfg.inside));
	reason = fw_filter(pkt, &p, sa_now_ns(ctx));
	if (FW_LIKELY(reason == FW_PASS)) {
		sa_emit(ctx, pkt, out);
		return;
	}
drop:
	fw_stats_drop(reason);
	sa_drop(ctx, pkt, reason);
}

static void
fw_fini(struct sa_ctx *ctx FW_UNUSED)
{
	sa_table_free(fw_conns);
	fw_conns = NULL;
}

static int
fw_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	struct sa_table_params params = {
		.name = "firewall-states",
		.key_size = sizeof(struct fw_key),
		.value_size = sizeof(struct fw_conn),
		.alloc = NULL,
	};
	int rc;

	fw_fini(ctx);
	fw_stats_reset();
	rc = fw_config_parse(cfg, &fw_cfg);
	if (rc != 0)
		return rc;
	params.capacity = fw_cfg.max_states;
	/* Every admitted packet sets its state's timeout right away. */
	params.timeout_ns = fw_cfg.timeout_ns[FW_STATE_SYN_SENT];
	rc = sa_table_create(&params, &fw_conns);
	if (rc != 0) {
		sa_config_error(cfg, sa_config_find(cfg, "max_states"),
				"cannot create a table of %u connections: %s",
				fw_cfg.max_states, rc == -ENOMEM ?
				"out of state memory" : "invalid size");
		fw_conns = NULL;
		return rc;
	}
	return 0;
}

static void
fw_tick(struct sa_ctx *ctx FW_UNUSED, uint64_t now_ns)
{
	fw_conn_expire(now_ns);
}

const struct sa_middlebox fw_middlebox = {
	.name = "firewall",
	.desc = "stateful IPv4/IPv6 firewall with TCP window tracking",
	.init = fw_init,
	.process = fw_process,
	.tick = fw_tick,
	.fini = fw_fini,
	.stats = fw_stats_report,
	.drop_names = fw_drop_names,
	.n_drop_names = FW_DROP_COUNT,
};

SA_MIDDLEBOX_REGISTER(fw_middlebox)
