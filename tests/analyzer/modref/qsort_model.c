/*
 * check-name: qsort writes the array it sorts and calls its comparator
 * check-object: top_ports updateable output_impacting all-flows
 * check-object: cmp_calls updateable !output_impacting all-flows
 * check-no-approx: unknown-external qsort
 * check-no-approx: unresolved-indirect-call
 *
 * Only the model of qsort connects the comparator to this module's call
 * graph: cmp_calls is written nowhere else. The sorted array then decides
 * which ports pass.
 */
#include <stdint.h>
#include <stdlib.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define QM_TOP		16u
#define QM_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr) + \
			 sizeof(struct sa_udp_hdr))

uint32_t top_ports[QM_TOP];
uint64_t cmp_calls;

static int
port_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a;
	uint32_t y = *(const uint32_t *)b;

	cmp_calls++;
	return x < y ? -1 : x > y;
}

static void
qm_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_udp_hdr *udp;

	if (pkt->len < QM_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L4_TRUNC);
		return;
	}
	udp = (const struct sa_udp_hdr *)(pkt->data + sizeof(struct sa_eth_hdr) +
					  sizeof(struct sa_ipv4_hdr));
	top_ports[QM_TOP - 1] = udp->dst_port;
	qsort(top_ports, QM_TOP, sizeof(top_ports[0]), port_cmp);
	if (top_ports[0] == udp->dst_port) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox qm_mb = {
	.name = "qsort-model",
	.process = qm_process,
};

SA_MIDDLEBOX_REGISTER(qm_mb)
