/*
 * check-name: an array of structs indexed by a 5-tuple hash, collapsed to its element
 * check-link: parse
 * check-object: flows updateable output_impacting per-flow ipv4.src,ipv4.dst,ipv4.proto,l4.sport,l4.dport
 * check-field: flows flows[].src updateable output_impacting
 * check-field: flows flows[].used updateable output_impacting
 * check-field: flows flows[].packets updateable !output_impacting
 * check-field: flows flows[].first_ns updateable !output_impacting
 * check-object: n_used updateable output_impacting all-flows
 *
 * The slot is chosen by a hash over the 5-tuple, so every element is
 * per-flow state. Only the key fields and used decide the verdict (a
 * collision or a full table drops); packets and first_ns are bookkeeping.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define AS_SLOTS	1024u
#define AS_MAX_USED	900u

struct flow_slot {
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	bool used;
	uint64_t packets;
	uint64_t first_ns;
};

struct flow_slot flows[AS_SLOTS];
uint32_t n_used;

static uint32_t
as_hash(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	uint8_t proto)
{
	uint32_t h = 2166136261u;

	h = (h ^ src) * 16777619u;
	h = (h ^ dst) * 16777619u;
	h = (h ^ ((uint32_t)sport << 16 | dport)) * 16777619u;
	h = (h ^ proto) * 16777619u;
	return h;
}

static void
as_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	const struct sa_udp_hdr *l4;
	struct flow_slot *f;
	struct sa_parsed p;
	unsigned int err;

	err = sa_parse(pkt->data, pkt->len, &p);
	if (err != SA_DROP_NONE || p.l3 != SA_L3_IPV4 || !p.has_l4 ||
	    (p.l4_proto != SA_IPPROTO_TCP && p.l4_proto != SA_IPPROTO_UDP)) {
		sa_drop(ctx, pkt, err != SA_DROP_NONE ? err : SA_DROP_MB_BASE);
		return;
	}
	ip = sa_ipv4(pkt, &p);
	/* TCP and UDP put their ports at the same offsets. */
	l4 = sa_udp(pkt, &p);
	f = &flows[as_hash(ip->src_addr, ip->dst_addr, l4->src_port,
			   l4->dst_port, ip->next_proto_id) % AS_SLOTS];
	if (!f->used) {
		if (n_used >= AS_MAX_USED) {
			sa_drop(ctx, pkt, SA_DROP_STATE_FULL);
			return;
		}
		f->used = true;
		f->src = ip->src_addr;
		f->dst = ip->dst_addr;
		f->sport = l4->src_port;
		f->dport = l4->dst_port;
		f->proto = ip->next_proto_id;
		f->first_ns = sa_now_ns(ctx);
		n_used++;
	} else if (f->src != ip->src_addr || f->dst != ip->dst_addr ||
		   f->sport != l4->src_port || f->dport != l4->dst_port ||
		   f->proto != ip->next_proto_id) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	f->packets++;
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
as_stats(sa_stat_fn fn, void *arg)
{
	uint64_t total = 0;
	uint32_t i;

	for (i = 0; i < AS_SLOTS; i++)
		total += flows[i].packets;
	fn(arg, "packets", total);
}

const struct sa_middlebox as_mb = {
	.name = "array-of-structs",
	.process = as_process,
	.stats = as_stats,
};

SA_MIDDLEBOX_REGISTER(as_mb)
