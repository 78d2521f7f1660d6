/*
 * check-name: state keyed by the source address only is multi-flow
 * check-link: table,parse
 * check-object: heap:per_src type="struct src_rate" updateable output_impacting multi-flow ipv4.src
 * check-object: per_src !updateable output_impacting all-flows
 *
 * A per-source connection-rate limiter: every flow from one host shares
 * the entry, so the state is multi-flow, keyed by ipv4.src alone, though
 * the packets it counts differ in every other field.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>
#include <sa/table.h>

#define SRC_CAPACITY	1024u
#define SRC_LIMIT	20u

struct src_rate {
	uint32_t count;
};

struct sa_table *per_src;

static int
src_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	struct sa_table_params params = {
		.name = "per-src",
		.key_size = sizeof(uint32_t),
		.value_size = sizeof(struct src_rate),
		.capacity = SRC_CAPACITY,
	};

	(void)ctx;
	(void)cfg;
	return sa_table_create(&params, &per_src); /* site: per_src */
}

static void
src_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct sa_parsed p;
	uint32_t src;
	struct src_rate *rate;
	void *v;

	if (sa_parse(pkt->data, pkt->len, &p) != SA_DROP_NONE ||
	    p.l3 != SA_L3_IPV4) {
		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
		return;
	}
	src = sa_ipv4(pkt, &p)->src_addr;
	rate = sa_table_lookup(per_src, &src);
	if (rate == NULL) {
		if (sa_table_add(per_src, &src, sa_now_ns(ctx), &v) != 0) {
			sa_drop(ctx, pkt, SA_DROP_STATE_FULL);
			return;
		}
		rate = v;
	}
	if (++rate->count > SRC_LIMIT) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox src_mb = {
	.name = "src-only",
	.init = src_init,
	.process = src_process,
};

SA_MIDDLEBOX_REGISTER(src_mb)
