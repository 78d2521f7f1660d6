/*
 * check-name: two arrays in one program keyed by different header fields keep separate flowspaces
 * check-object: by_dport updateable output_impacting multi-flow l4.dport
 * check-object: by_pair updateable !output_impacting multi-flow ipv4.src,ipv4.dst
 * check-object: by_tos updateable !output_impacting multi-flow ipv4.tos
 *
 * One packet feeds all three; each is indexed by its own fields, and no
 * array's flowspace may borrow another's. Source and destination address
 * without ports is multi-flow.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define TK_SLOTS	256u
#define TK_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr) + \
			 sizeof(struct sa_udp_hdr))
#define TK_PORT_LIMIT	100000u

uint32_t by_dport[TK_SLOTS];
uint32_t by_pair[TK_SLOTS];
uint32_t by_tos[TK_SLOTS];

static void
tk_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	const struct sa_udp_hdr *udp;

	if (pkt->len < TK_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L4_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	udp = (const struct sa_udp_hdr *)(ip + 1);
	by_pair[(ip->src_addr + ip->dst_addr) % TK_SLOTS]++;
	by_tos[ip->type_of_service]++;
	if (++by_dport[udp->dst_port % TK_SLOTS] > TK_PORT_LIMIT) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox tk_mb = {
	.name = "two-keys",
	.process = tk_process,
};

SA_MIDDLEBOX_REGISTER(tk_mb)
