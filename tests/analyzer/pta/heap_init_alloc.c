/*
 * check-name: state memory allocated at init, written per packet through a read-only pointer
 * check-object: ports !updateable output_impacting all-flows
 * check-object: heap:ports kind=heap updateable output_impacting multi-flow l4.dport
 * check-object: scratch !updateable !output_impacting all-flows
 * check-object: heap:scratch kind=heap !updateable !output_impacting
 *
 * ports points to sa_state_alloc() memory from init, one counter per
 * destination port; the pointer never changes per packet, the counters
 * do. scratch is allocated at init and used by nothing per packet.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define HA_PORTS	65536u
#define HA_PORT_LIMIT	10000u
#define HA_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr) + \
			 sizeof(struct sa_udp_hdr))

static uint32_t *ports;
static uint8_t *scratch;

static int
ha_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	ports = sa_state_alloc(HA_PORTS * sizeof(*ports)); /* site: ports */
	scratch = sa_state_alloc(4096); /* site: scratch */
	return ports != NULL && scratch != NULL ? 0 : -12;
}

static void
ha_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_udp_hdr *udp;
	uint32_t n;

	if (pkt->len < HA_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L4_TRUNC);
		return;
	}
	udp = (const struct sa_udp_hdr *)(pkt->data + sizeof(struct sa_eth_hdr) +
					  sizeof(struct sa_ipv4_hdr));
	n = ++ports[udp->dst_port];
	if (n > HA_PORT_LIMIT) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
ha_fini(struct sa_ctx *ctx)
{
	(void)ctx;
	sa_state_free(ports);
	sa_state_free(scratch);
}

const struct sa_middlebox ha_mb = {
	.name = "heap-init-alloc",
	.init = ha_init,
	.process = ha_process,
	.fini = ha_fini,
};

SA_MIDDLEBOX_REGISTER(ha_mb)
