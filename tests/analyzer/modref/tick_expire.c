/*
 * check-name: sa_table expiry from tick calls back into the middlebox, which updates state
 * check-link: table
 * check-object: expired updateable !output_impacting all-flows
 * check-object: active updateable output_impacting all-flows
 * check-object: heap:flows type="struct te_val" updateable output_impacting multi-flow ipv4.src
 *
 * tick() hands te_expire_cb to sa_table_expire(), which calls it (through
 * a function pointer, inside table.c) for each idle entry: the callback's
 * writes are updates made between packets, like NAT session expiry.
 * active, decremented there and incremented per new source, caps the
 * table and so decides drops.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>
#include <sa/table.h>

#define TE_CAPACITY	1024u
#define TE_MAX_ACTIVE	1000u
#define TE_IDLE_NS	(30ull * 1000000000ull)
#define TE_SCAN		64u
#define TE_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

struct te_val {
	uint32_t pkts;
	uint8_t blocked;
};

struct sa_table *flows;
uint32_t active;
uint64_t expired;

static int
te_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	struct sa_table_params params = {
		.name = "te",
		.key_size = sizeof(uint32_t),
		.value_size = sizeof(struct te_val),
		.capacity = TE_CAPACITY,
		.timeout_ns = TE_IDLE_NS,
	};

	(void)ctx;
	(void)cfg;
	return sa_table_create(&params, &flows); /* site: flows */
}

static void
te_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	struct te_val *v;
	uint32_t src;
	void *slot;

	if (pkt->len < TE_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	src = ip->src_addr;
	v = sa_table_lookup(flows, &src);
	if (v == NULL) {
		if (active >= TE_MAX_ACTIVE ||
		    sa_table_add(flows, &src, sa_now_ns(ctx), &slot) != 0) {
			sa_drop(ctx, pkt, SA_DROP_STATE_FULL);
			return;
		}
		active++;
		v = slot;
	}
	sa_table_touch(flows, v, sa_now_ns(ctx), TE_IDLE_NS);
	if (++v->pkts > 1000000u)
		v->blocked = 1;
	if (v->blocked) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
te_expire_cb(void *arg, const void *key, void *value)
{
	(void)arg;
	(void)key;
	(void)value;
	active--;
	expired++;
}

static void
te_tick(struct sa_ctx *ctx, uint64_t now_ns)
{
	(void)ctx;
	sa_table_expire(flows, now_ns, TE_SCAN, te_expire_cb, NULL);
}

const struct sa_middlebox te_mb = {
	.name = "tick-expire",
	.init = te_init,
	.process = te_process,
	.tick = te_tick,
};

SA_MIDDLEBOX_REGISTER(te_mb)
