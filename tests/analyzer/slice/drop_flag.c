/*
 * check-name: a persistent flag that only decides whether packets are dropped
 * check-object: under_attack updateable output_impacting all-flows
 * check-object: rst_seen updateable output_impacting all-flows
 * check-object: syn_seen updateable !output_impacting all-flows
 *
 * under_attack never flows into any argument of sa_drop or sa_emit: it
 * only picks which of the two runs. That is control dependence, and it
 * is enough to make the flag output-impacting; rst_seen sets the flag,
 * so it is output-impacting too. syn_seen is counted and nothing reads
 * it.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define DF_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr) + \
			 sizeof(struct sa_tcp_hdr))
#define DF_RST_LIMIT	1000u

bool under_attack;
uint32_t rst_seen;
uint32_t syn_seen;

static void
df_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_tcp_hdr *tcp;

	if (pkt->len >= DF_MIN_LEN) {
		tcp = (const struct sa_tcp_hdr *)(pkt->data +
			sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr));
		if (tcp->tcp_flags & SA_TCP_SYN)
			syn_seen++;
		if ((tcp->tcp_flags & SA_TCP_RST) && ++rst_seen > DF_RST_LIMIT)
			under_attack = true;
	}
	if (under_attack)
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
	else
		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox df_mb = {
	.name = "drop-flag",
	.process = df_process,
};

SA_MIDDLEBOX_REGISTER(df_mb)
