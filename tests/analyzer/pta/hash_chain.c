/*
 * check-name: hash chains of heap connection records keyed on the 5-tuple
 * check-object: buckets updateable output_impacting per-flow ipv4.src,ipv4.dst,ipv4.proto,l4.sport,l4.dport
 * check-object: heap:conn kind=heap updateable output_impacting per-flow ipv4.src,ipv4.dst,ipv4.proto,l4.sport,l4.dport
 * check-field: heap:conn state updateable output_impacting
 * check-field: heap:conn bytes updateable !output_impacting
 * check-object: n_conns updateable output_impacting all-flows
 *
 * A bucket is picked by a hash over the 5-tuple and its chain holds the
 * connections that hash there, so both the bucket array and the records
 * reached through it are per-flow. A record's state decides the verdict;
 * bytes is only counted.
 */
#include <stdint.h>
#include <stdlib.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define HC_BUCKETS	1024u
#define HC_MAX_CONNS	65536u
#define HC_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr) + \
			 sizeof(struct sa_udp_hdr))

enum hc_state { HC_OPEN = 1, HC_CLOSED = 2 };

struct conn {
	uint32_t saddr;
	uint32_t daddr;
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	uint8_t state;
	uint64_t bytes;
	struct conn *next;
};

static struct conn *buckets[HC_BUCKETS];
static uint32_t n_conns;

static uint32_t
hc_hash(uint32_t a, uint32_t b, uint16_t sp, uint16_t dp, uint8_t proto)
{
	uint32_t h = a * 0x9e3779b1u;

	h ^= b + 0x7f4a7c15u + (h << 6) + (h >> 2);
	h ^= ((uint32_t)sp << 16 | dp) + (h << 6) + (h >> 2);
	h ^= proto + (h << 6) + (h >> 2);
	return h % HC_BUCKETS;
}

static void
hc_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	const struct sa_tcp_hdr *tcp;
	struct conn *c;
	uint32_t h;

	if (pkt->len < HC_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L4_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	/* A 20-byte IPv4 header is assumed; ports sit first in TCP and UDP. */
	tcp = (const struct sa_tcp_hdr *)(ip + 1);
	h = hc_hash(ip->src_addr, ip->dst_addr, tcp->src_port, tcp->dst_port,
		    ip->next_proto_id);
	for (c = buckets[h]; c != NULL; c = c->next)
		if (c->saddr == ip->src_addr && c->daddr == ip->dst_addr &&
		    c->sport == tcp->src_port && c->dport == tcp->dst_port &&
		    c->proto == ip->next_proto_id)
			break;
	if (c == NULL) {
		if (n_conns >= HC_MAX_CONNS) {
			sa_drop(ctx, pkt, SA_DROP_STATE_FULL);
			return;
		}
		c = calloc(1, sizeof(*c)); /* site: conn */
		if (c == NULL) {
			sa_drop(ctx, pkt, SA_DROP_STATE_FULL);
			return;
		}
		c->saddr = ip->src_addr;
		c->daddr = ip->dst_addr;
		c->sport = tcp->src_port;
		c->dport = tcp->dst_port;
		c->proto = ip->next_proto_id;
		c->state = HC_OPEN;
		c->next = buckets[h];
		buckets[h] = c;
		n_conns++;
	}
	c->bytes += pkt->len;
	if (ip->next_proto_id == SA_IPPROTO_TCP &&
	    (tcp->tcp_flags & (SA_TCP_FIN | SA_TCP_RST)))
		c->state = HC_CLOSED;
	else if (c->state == HC_CLOSED) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox hc_mb = {
	.name = "hash-chain",
	.process = hc_process,
};

SA_MIDDLEBOX_REGISTER(hc_mb)
