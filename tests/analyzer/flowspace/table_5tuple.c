/*
 * check-name: an sa_table keyed on the 5-tuple: its memory is per-flow state
 * check-link: table,parse
 * check-object: conns !updateable output_impacting all-flows
 * check-object: heap:conns type="struct tt_val" updateable output_impacting per-flow ipv4.src,ipv4.dst,ipv4.proto,l4.sport,l4.dport
 * check-object: created updateable !output_impacting all-flows
 * check-no-approx: unknown-external sa_table_*
 *
 * The table's memory comes from sa_state_alloc() inside table.c, for the
 * sa_table_create() call marked here; its values (struct tt_val) are found
 * by the key built from the 5-tuple, which makes them per-flow state. The
 * value's state field decides the verdict. table.c is linked in, so no
 * sa_table_* call is unknown.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <sa/mbox.h>
#include <sa/headers.h>
#include <sa/table.h>

#define TT_CAPACITY	4096u
#define TT_TIMEOUT_NS	(60ull * 1000000000ull)

struct tt_key {
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	uint8_t pad[3];
};

struct tt_val {
	uint8_t state;
	uint64_t packets;
};

struct sa_table *conns;
uint64_t created;

static int
tt_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	struct sa_table_params params = {
		.name = "tt",
		.key_size = sizeof(struct tt_key),
		.value_size = sizeof(struct tt_val),
		.capacity = TT_CAPACITY,
		.timeout_ns = TT_TIMEOUT_NS,
	};

	(void)ctx;
	(void)cfg;
	return sa_table_create(&params, &conns); /* site: conns */
}

static void
tt_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	const struct sa_tcp_hdr *tcp;
	struct sa_parsed p;
	struct tt_key k;
	struct tt_val *v;
	void *slot;
	int rc;

	if (sa_parse(pkt->data, pkt->len, &p) != SA_DROP_NONE ||
	    p.l3 != SA_L3_IPV4 || !p.has_l4 ||
	    p.l4_proto != SA_IPPROTO_TCP) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	ip = sa_ipv4(pkt, &p);
	tcp = sa_tcp(pkt, &p);
	memset(&k, 0, sizeof(k));
	k.src = ip->src_addr;
	k.dst = ip->dst_addr;
	k.sport = tcp->src_port;
	k.dport = tcp->dst_port;
	k.proto = ip->next_proto_id;
	v = sa_table_lookup(conns, &k);
	if (v == NULL) {
		if (!(tcp->tcp_flags & SA_TCP_SYN)) {
			sa_drop(ctx, pkt, SA_DROP_MB_BASE + 1);
			return;
		}
		rc = sa_table_add(conns, &k, sa_now_ns(ctx), &slot);
		if (rc != 0 && rc != -EEXIST) {
			sa_drop(ctx, pkt, SA_DROP_STATE_FULL);
			return;
		}
		v = slot;
		v->state = 1;
		created++;
	}
	if (tcp->tcp_flags & SA_TCP_RST)
		v->state = 0;
	v->packets++;
	if (v->state == 0) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE + 2);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox tt_mb = {
	.name = "table-5tuple",
	.init = tt_init,
	.process = tt_process,
};

SA_MIDDLEBOX_REGISTER(tt_mb)
