/*
 * check-name: structs sharing a common first member, written through a base pointer
 * check-object: tcp_o updateable output_impacting all-flows
 * check-field: tcp_o base.refs updateable output_impacting
 * check-field: tcp_o seq !updateable
 * check-object: udp_o updateable output_impacting all-flows
 * check-object: spare_o !updateable !output_impacting all-flows
 *
 * retain() takes the embedded base of either object, once as &x.base and
 * once as a cast of the whole object's address (C's usual "inheritance"):
 * both land on the base.refs field at offset 0. spare_o's address is
 * never taken.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define SP_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))
#define SP_MAX_REFS	100000u

struct obj_base {
	uint32_t refs;
	uint32_t kind;
};

struct tcp_obj {
	struct obj_base base;
	uint32_t seq;
};

struct udp_obj {
	struct obj_base base;
	uint64_t bytes;
};

struct tcp_obj tcp_o;
struct udp_obj udp_o;
struct udp_obj spare_o;

static uint32_t
retain(struct obj_base *b)
{
	return ++b->refs;
}

static void
sp_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	uint32_t refs = 0;

	if (pkt->len < SP_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	if (ip->next_proto_id == SA_IPPROTO_TCP)
		refs = retain(&tcp_o.base);
	else if (ip->next_proto_id == SA_IPPROTO_UDP)
		refs = retain((struct obj_base *)&udp_o);
	if (refs > SP_MAX_REFS) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
sp_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "seq", tcp_o.seq);
	fn(arg, "spare", spare_o.bytes + spare_o.base.refs);
}

const struct sa_middlebox sp_mb = {
	.name = "struct-prefix-cast",
	.process = sp_process,
	.stats = sp_stats,
};

SA_MIDDLEBOX_REGISTER(sp_mb)
