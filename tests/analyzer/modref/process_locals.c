/*
 * check-name: locals of a per-packet callback and constant tables are not updated state
 * check-absent: tmp
 * check-absent: verdict_len
 * check-object: last_port updateable !output_impacting all-flows
 * check-summary: updateable=1
 *
 * process is called once per packet: its locals die with the call, so
 * they are not persistent state (only the locals of a procedure that
 * loops over packets are). last_port is the only state that changes;
 * well_known is const data, which may or may not be listed but is never
 * updated.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define PL_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr) + \
			 sizeof(struct sa_udp_hdr))

static const uint16_t well_known[] = { 22, 53, 80, 123, 443 };
uint16_t last_port;

static void
pl_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_udp_hdr *udp;
	uint32_t verdict_len = pkt->len;
	uint16_t tmp;
	unsigned int i;

	if (verdict_len < PL_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L4_TRUNC);
		return;
	}
	udp = (const struct sa_udp_hdr *)(pkt->data + sizeof(struct sa_eth_hdr) +
					  sizeof(struct sa_ipv4_hdr));
	tmp = (uint16_t)(udp->dst_port << 8 | udp->dst_port >> 8);
	last_port = tmp;
	for (i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++) {
		if (well_known[i] == tmp) {
			sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
			return;
		}
	}
	sa_drop(ctx, pkt, SA_DROP_MB_BASE);
}

const struct sa_middlebox pl_mb = {
	.name = "process-locals",
	.process = pl_process,
};

SA_MIDDLEBOX_REGISTER(pl_mb)
