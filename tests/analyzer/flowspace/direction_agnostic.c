/*
 * check-name: a key ordered so that both directions of a connection share it is still per-flow
 * check-link: table,parse
 * check-object: heap:conns type="struct da_conn" updateable output_impacting per-flow ipv4.src,ipv4.dst,ipv4.proto,l4.sport,l4.dport
 * check-object: conns !updateable output_impacting all-flows
 *
 * The lower endpoint goes first, so A->B and B->A build the same key:
 * each key field comes from the source or the destination field depending
 * on a comparison, and so depends on both. The flowspace is the
 * 5-tuple, as for a directional key. The value records which side opened
 * the conversation, and that decides the arm each packet leaves by.
 */
#include <stdint.h>
#include <string.h>

#include <sa/mbox.h>
#include <sa/headers.h>
#include <sa/table.h>

#define DA_CAPACITY 2048u

struct da_key {
	uint32_t addr[2];
	uint16_t port[2];
	uint8_t proto;
	uint8_t pad[3];
};

struct da_conn {
	uint8_t replied;
	uint8_t opener;
};

struct sa_table *conns;

static int
da_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	struct sa_table_params params = {
		.name = "da",
		.key_size = sizeof(struct da_key),
		.value_size = sizeof(struct da_conn),
		.capacity = DA_CAPACITY,
	};

	(void)ctx;
	(void)cfg;
	return sa_table_create(&params, &conns); /* site: conns */
}

/* Returns the key side the packet's source is on. */
static unsigned int
da_key_of(const struct sa_ipv4_hdr *ip, const struct sa_udp_hdr *l4,
	  struct da_key *k)
{
	unsigned int side = ip->src_addr > ip->dst_addr ||
		(ip->src_addr == ip->dst_addr && l4->src_port > l4->dst_port);

	memset(k, 0, sizeof(*k));
	k->addr[side] = ip->src_addr;
	k->addr[!side] = ip->dst_addr;
	k->port[side] = l4->src_port;
	k->port[!side] = l4->dst_port;
	k->proto = ip->next_proto_id;
	return side;
}

static void
da_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct sa_parsed p;
	struct da_key k;
	struct da_conn *c;
	enum sa_arm out;
	unsigned int side;
	void *v;

	if (sa_parse(pkt->data, pkt->len, &p) != SA_DROP_NONE ||
	    p.l3 != SA_L3_IPV4 || !p.has_l4 || p.l4_proto != SA_IPPROTO_UDP) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	side = da_key_of(sa_ipv4(pkt, &p), sa_udp(pkt, &p), &k);
	c = sa_table_lookup(conns, &k);
	if (c == NULL) {
		/* Only the inside arm may open a conversation. */
		if (pkt->arm != SA_ARM_INSIDE ||
		    sa_table_add(conns, &k, sa_now_ns(ctx), &v) != 0) {
			sa_drop(ctx, pkt, SA_DROP_MB_BASE + 1);
			return;
		}
		c = v;
		c->opener = (uint8_t)side;
	} else if (side != c->opener) {
		c->replied = 1;
	}
	/* The opener is inside: its side goes out, the other side in. */
	out = side == c->opener ? SA_ARM_OUTSIDE : SA_ARM_INSIDE;
	sa_emit(ctx, pkt, out);
}

const struct sa_middlebox da_mb = {
	.name = "direction-agnostic",
	.init = da_init,
	.process = da_process,
};

SA_MIDDLEBOX_REGISTER(da_mb)
