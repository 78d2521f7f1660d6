/*
 * check-name: sa_alert is an output: what its arguments and its guard depend on impacts output
 * check-object: scan_ports updateable output_impacting multi-flow ipv4.src
 * check-object: alert_threshold !updateable output_impacting all-flows
 * check-object: alerts_raised updateable output_impacting all-flows
 * check-object: pkts updateable !output_impacting all-flows
 *
 * Every packet is emitted unchanged, so no verdict depends on any state:
 * the alert is the only output that does. Its guard reads scan_ports and
 * alert_threshold; its text prints alerts_raised.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define AO_HOSTS	1024u
#define AO_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))
#define AO_SID		1001u

uint32_t scan_ports[AO_HOSTS];
uint32_t alert_threshold = 100;
uint32_t alerts_raised;
uint64_t pkts;

static void
ao_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	uint32_t *n;

	pkts++;
	if (pkt->len >= AO_MIN_LEN) {
		ip = (const struct sa_ipv4_hdr *)(pkt->data +
						  sizeof(struct sa_eth_hdr));
		n = &scan_ports[ip->src_addr % AO_HOSTS];
		if (++*n == alert_threshold) {
			alerts_raised++;
			sa_alert(ctx, pkt, AO_SID, "port scan (alert %u)",
				 alerts_raised);
		}
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox ao_mb = {
	.name = "alert-output",
	.process = ao_process,
};

SA_MIDDLEBOX_REGISTER(ao_mb)
