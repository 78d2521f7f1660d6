/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_PORT_H
#define RT_PORT_H

/*
 * The [runtime] section and the DPDK ports behind the middlebox's arms.
 * One-armed: one port/queue pair serves both arms and the middlebox tells
 * direction from addresses; its TX may go to another port (tx_port), e.g.
 * a capture input with a separate injection port. Two-armed: the inside
 * and outside arms are different ports. Queue ids are configurable so that two instances can
 * own different queues (or VFs) of one NIC.
 */

#include <stdint.h>

#include "rt_pool.h"

#include <sa/mbox.h>
#include <sa/config.h>

struct rt_arm_conf {
	uint16_t rx_port;
	uint16_t rxq;
	uint16_t tx_port;	/* one-armed: tx_port, which defaults to port */
	uint16_t txq;
};

#define RT_PORTS_MAX (2 * SA_ARM_COUNT)

struct rt_port_conf {
	int two_armed;
	struct rt_arm_conf arm[SA_ARM_COUNT];
	uint16_t ports[RT_PORTS_MAX];	/* distinct ports to set up */
	unsigned int n_ports;
	uint16_t nb_rxq;	/* queues configured on each port */
	uint16_t nb_txq;
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint32_t mbufs;
	uint32_t burst;
	uint64_t tick_ns;
	uint64_t drain_ns;
	int promisc;
};

/**
 * Reads [runtime] (ports by id or device name, e.g. "net_pcap0"); EAL must
 * be up so names resolve. Errors are reported as FILE:LINE.
 * @return 0 or -EINVAL.
 */
int rt_port_conf_parse(const struct sa_config *sec, struct rt_port_conf *conf);

/**
 * Creates the mbuf pool and configures, sets up and starts every port of
 * @p conf. With @p rx_timestamps, ports that offer the RX timestamp
 * offload (--clock trace) get it enabled.
 * @return 0 or -errno, after logging which port failed and why.
 */
int rt_port_setup(const struct rt_port_conf *conf, int rx_timestamps,
		  struct rt_pool *pool);

/** Stops and closes the ports (flushing pcap writers) and frees the pool. */
void rt_port_teardown(const struct rt_port_conf *conf, struct rt_pool *pool);

#endif /* RT_PORT_H */
