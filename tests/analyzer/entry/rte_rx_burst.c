/*
 * check-name: an rte_eth_rx_burst loop, with the DPDK prototypes declared by hand
 * check-object: port_pkts kind=global updateable !output_impacting all-flows
 * check-object: lb_slots !updateable output_impacting
 * check-object: port kind=loop-local function=lcore_main updateable all-flows
 * check-object: nb_ports !updateable output_impacting all-flows
 * check-entry: detected lcore_main
 * check-no-approx: unknown-external rte_eth_rx_burst
 * check-no-approx: unknown-external rte_eth_tx_burst
 *
 * The loop in lcore_main receives bursts with rte_eth_rx_burst and sends
 * each packet out of the port that lb_slots picks for its source address
 * with rte_eth_tx_burst: the receive and the output are known by name.
 * lb_slots is filled by main before the loop. port, the queue polled in
 * turn, is a loop-local. The mbuf layout is this fixture's own, as DPDK
 * headers are not used, so the header fields behind buf_addr + data_off
 * are not something the analyzer can be asked to name here.
 */
#include <stdint.h>

#define RB_BURST	32
#define RB_SLOTS	64u
#define RB_ETH_LEN	14u
#define RB_SRC_OFF	(RB_ETH_LEN + 12u)

struct rte_mbuf {
	void *buf_addr;
	uint16_t data_off;
	uint16_t data_len;
};

uint16_t rte_eth_rx_burst(uint16_t port_id, uint16_t queue_id,
			  struct rte_mbuf **rx_pkts, uint16_t nb_pkts);
uint16_t rte_eth_tx_burst(uint16_t port_id, uint16_t queue_id,
			  struct rte_mbuf **tx_pkts, uint16_t nb_pkts);
void rte_pktmbuf_free(struct rte_mbuf *m);

uint64_t port_pkts[2];
uint16_t lb_slots[RB_SLOTS];
uint16_t nb_ports = 2;
volatile int force_quit;

static uint32_t
src_of(const struct rte_mbuf *m)
{
	const uint8_t *d = (const uint8_t *)m->buf_addr + m->data_off;
	uint32_t src;

	src = (uint32_t)d[RB_SRC_OFF] << 24 | (uint32_t)d[RB_SRC_OFF + 1] << 16 |
	      (uint32_t)d[RB_SRC_OFF + 2] << 8 | d[RB_SRC_OFF + 3];
	return src;
}

static void
lcore_main(void)
{
	struct rte_mbuf *bufs[RB_BURST];
	uint16_t port = 0;

	while (!force_quit) {
		uint16_t nb_rx = rte_eth_rx_burst(port, 0, bufs, RB_BURST);
		uint16_t i;

		port_pkts[port] += nb_rx;
		for (i = 0; i < nb_rx; i++) {
			uint16_t out;

			if (bufs[i]->data_len < RB_SRC_OFF + 4) {
				rte_pktmbuf_free(bufs[i]);
				continue;
			}
			out = lb_slots[src_of(bufs[i]) % RB_SLOTS] % nb_ports;
			if (rte_eth_tx_burst(out, 0, &bufs[i], 1) == 0)
				rte_pktmbuf_free(bufs[i]);
		}
		port = (uint16_t)((port + 1) % nb_ports);
	}
}

int
main(void)
{
	unsigned int i;

	for (i = 0; i < RB_SLOTS; i++)
		lb_slots[i] = (uint16_t)i;
	lcore_main();
	return 0;
}
