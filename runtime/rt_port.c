/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "rt_log.h"
#include "rt_port.h"
#include "rt_rconf.h"

#define RT_DEFAULT_DESC		1024
#define RT_DEFAULT_MBUFS	16383
#define RT_BURST_MAX		64
#define RT_QUEUES_MAX		64
#define NS_PER_MS		1000000ULL
#define NS_PER_US		1000ULL

static int
port_by_text(const struct sa_config *sec, int idx, const char *text,
	     uint16_t *port)
{
	char *end;
	unsigned long id;

	if (rte_eth_dev_get_port_by_name(text, port) == 0)
		return 0;
	id = strtoul(text, &end, 10);
	if (*text != '\0' && *end == '\0' && id < RTE_MAX_ETHPORTS &&
	    rte_eth_dev_is_valid_port((uint16_t)id)) {
		*port = (uint16_t)id;
		return 0;
	}
	sa_config_error(sec, idx, "no port '%s' (%u ports; give an id or a "
			"device name such as net_pcap0)", text,
			rte_eth_dev_count_avail());
	return -EINVAL;
}

static int
parse_port_key(const struct sa_config *sec, const char *key, int required,
	       uint16_t *port)
{
	int idx = sa_config_find(sec, key);

	if (idx < 0) {
		if (!required)
			return 0;
		sa_config_error(sec, -1, "'%s' is required", key);
		return -EINVAL;
	}
	return port_by_text(sec, idx, sa_config_get(sec, key), port);
}

static int
parse_arm(const struct sa_config *sec, const char *prefix,
	  struct rt_arm_conf *arm)
{
	char key[64];
	uint64_t v;

	snprintf(key, sizeof(key), "%sport", prefix);
	if (parse_port_key(sec, key, 1, &arm->rx_port) < 0)
		return -EINVAL;
	arm->tx_port = arm->rx_port;
	snprintf(key, sizeof(key), "%srx_queue", prefix);
	if (sa_config_u64(sec, key, 0, 0, RT_QUEUES_MAX - 1, &v) < 0)
		return -EINVAL;
	arm->rxq = (uint16_t)v;
	snprintf(key, sizeof(key), "%stx_queue", prefix);
	if (sa_config_u64(sec, key, 0, 0, RT_QUEUES_MAX - 1, &v) < 0)
		return -EINVAL;
	arm->txq = (uint16_t)v;
	return 0;
}

static int
parse_mode(const struct sa_config *sec, struct rt_port_conf *conf)
{
	const char *mode = sa_config_get(sec, "mode");

	if (mode == NULL || strcmp(mode, "one-armed") == 0) {
		conf->two_armed = 0;
		if (parse_arm(sec, "", &conf->arm[SA_ARM_INSIDE]) < 0 ||
		    parse_port_key(sec, "tx_port", 0,
				   &conf->arm[SA_ARM_INSIDE].tx_port) < 0)
			return -EINVAL;
		conf->arm[SA_ARM_OUTSIDE] = conf->arm[SA_ARM_INSIDE];
		return 0;
	}
	if (strcmp(mode, "two-armed") != 0) {
		sa_config_error(sec, sa_config_find(sec, "mode"),
				"'%s' is not one-armed or two-armed", mode);
		return -EINVAL;
	}
	conf->two_armed = 1;
	if (parse_arm(sec, "inside_", &conf->arm[SA_ARM_INSIDE]) < 0 ||
	    parse_arm(sec, "outside_", &conf->arm[SA_ARM_OUTSIDE]) < 0)
		return -EINVAL;
	if (conf->arm[SA_ARM_INSIDE].rx_port ==
	    conf->arm[SA_ARM_OUTSIDE].rx_port) {
		sa_config_error(sec, sa_config_find(sec, "outside_port"),
				"two-armed needs two different ports");
		return -EINVAL;
	}
	return 0;
}

static int
check_queues(const struct sa_config *sec, const struct rt_port_conf *conf)
{
	unsigned int a;

	for (a = 0; a < SA_ARM_COUNT; a++) {
		if (conf->arm[a].rxq >= conf->nb_rxq ||
		    conf->arm[a].txq >= conf->nb_txq) {
			sa_config_error(sec, -1, "%s queue ids must be below "
					"nb_rx_queues/nb_tx_queues",
					a == SA_ARM_INSIDE ? "inside" :
							     "outside");
			return -EINVAL;
		}
	}
	return 0;
}

static void
add_port(struct rt_port_conf *conf, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < conf->n_ports; i++)
		if (conf->ports[i] == port)
			return;
	conf->ports[conf->n_ports++] = port;
}

static void
collect_ports(struct rt_port_conf *conf)
{
	unsigned int a;

	for (a = 0; a < SA_ARM_COUNT; a++) {
		add_port(conf, conf->arm[a].rx_port);
		add_port(conf, conf->arm[a].tx_port);
	}
}

/* [runtime] is shared with rt_rconf.c (arena, control socket). */
static int
key_known(const char *key, const char *const *known, unsigned int n)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		if (strcmp(key, known[k]) == 0)
			return 1;
	return 0;
}

int
rt_port_conf_parse(const struct sa_config *sec, struct rt_port_conf *conf)
{
	uint64_t rxq, txq, rxd, txd, mbufs, burst;
	static const char *const known[] = {
		"mode", "port", "tx_port", "rx_queue", "tx_queue",
		"inside_port",
		"inside_rx_queue", "inside_tx_queue", "outside_port",
		"outside_rx_queue", "outside_tx_queue", "nb_rx_queues",
		"nb_tx_queues", "rx_desc", "tx_desc", "mbufs", "burst",
		"tick", "tx_drain", "promiscuous",
	};
	const char *key, *val;
	unsigned int i;

	memset(conf, 0, sizeof(*conf));
	for (i = 0; sa_config_entry(sec, i, &key, &val) == 0; i++) {
		if (key_known(key, known, RTE_DIM(known)) ||
		    key_known(key, rt_rconf_runtime_keys,
			      rt_rconf_n_runtime_keys))
			continue;
		sa_config_error(sec, (int)i, "unknown key");
		return -EINVAL;
	}
	if (parse_mode(sec, conf) < 0 ||
	    sa_config_u64(sec, "nb_rx_queues", 1, 1, RT_QUEUES_MAX, &rxq) < 0 ||
	    sa_config_u64(sec, "nb_tx_queues", 1, 1, RT_QUEUES_MAX, &txq) < 0 ||
	    sa_config_u64(sec, "rx_desc", RT_DEFAULT_DESC, 64, 16384, &rxd) < 0 ||
	    sa_config_u64(sec, "tx_desc", RT_DEFAULT_DESC, 64, 16384, &txd) < 0 ||
	    sa_config_u64(sec, "mbufs", RT_DEFAULT_MBUFS, 1023, 1u << 24,
			  &mbufs) < 0 ||
	    sa_config_u64(sec, "burst", 32, 1, RT_BURST_MAX, &burst) < 0 ||
	    sa_config_duration(sec, "tick", 100 * NS_PER_MS, NS_PER_MS,
			       3600ULL * 1000 * NS_PER_MS, &conf->tick_ns) < 0 ||
	    sa_config_duration(sec, "tx_drain", 100 * NS_PER_US, NS_PER_US,
			       100 * NS_PER_MS, &conf->drain_ns) < 0 ||
	    sa_config_bool(sec, "promiscuous", 1, &conf->promisc) < 0)
		return -EINVAL;
	conf->nb_rxq = (uint16_t)rxq;
	conf->nb_txq = (uint16_t)txq;
	conf->rx_desc = (uint16_t)rxd;
	conf->tx_desc = (uint16_t)txd;
	conf->mbufs = (uint32_t)mbufs;
	conf->burst = (uint32_t)burst;
	collect_ports(conf);
	return check_queues(sec, conf);
}

static int
port_init(const struct rt_port_conf *conf, uint16_t port, int rx_timestamps,
	  struct rte_mempool *pool)
{
	struct rte_eth_conf eth_conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t rxd = conf->rx_desc, txd = conf->tx_desc, q;
	int socket = rte_eth_dev_socket_id(port);
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	if (ret < 0)
		return ret;
	/* net_pcap stamps every mbuf with its capture time without
	 * announcing the offload; devices that announce it must be asked. */
	if (rx_timestamps &&
	    (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP))
		eth_conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		eth_conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	if (conf->nb_rxq > info.max_rx_queues ||
	    conf->nb_txq > info.max_tx_queues) {
		RT_LOG(ERR, "port %u (%s): %u/%u queues requested, has %u/%u\n",
		       port, info.driver_name, conf->nb_rxq, conf->nb_txq,
		       info.max_rx_queues, info.max_tx_queues);
		return -EINVAL;
	}
	ret = rte_eth_dev_configure(port, conf->nb_rxq, conf->nb_txq,
				    &eth_conf);
	if (ret < 0)
		return ret;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd);
	if (ret < 0)
		return ret;
	for (q = 0; q < conf->nb_rxq; q++) {
		struct rte_eth_rxconf rxconf = info.default_rxconf;

		rxconf.offloads = eth_conf.rxmode.offloads;
		ret = rte_eth_rx_queue_setup(port, q, rxd, socket, &rxconf,
					     pool);
		if (ret < 0)
			return ret;
	}
	for (q = 0; q < conf->nb_txq; q++) {
		struct rte_eth_txconf txconf = info.default_txconf;

		txconf.offloads = eth_conf.txmode.offloads;
		ret = rte_eth_tx_queue_setup(port, q, txd, socket, &txconf);
		if (ret < 0)
			return ret;
	}
	ret = rte_eth_dev_start(port);
	if (ret < 0)
		return ret;
	/* Virtual devices often cannot change promiscuity; not fatal. */
	if (conf->promisc && rte_eth_promiscuous_enable(port) != 0)
		RT_LOG(INFO, "port %u (%s): promiscuous mode unavailable\n",
		       port, info.driver_name);
	return 0;
}

int
rt_port_setup(const struct rt_port_conf *conf, int rx_timestamps,
	      struct rt_pool *pool)
{
	unsigned int i;
	int ret;

	ret = rt_pool_create(pool, "sa_mbufs", conf->mbufs);
	if (ret < 0)
		return ret;
	for (i = 0; i < conf->n_ports; i++) {
		uint16_t port = conf->ports[i];

		ret = port_init(conf, port, rx_timestamps, pool->mp);
		if (ret < 0) {
			RT_LOG(ERR, "port %u: setup failed: %s\n", port,
			       rte_strerror(-ret));
			return ret;
		}
	}
	return 0;
}

void
rt_port_teardown(const struct rt_port_conf *conf, struct rt_pool *pool)
{
	unsigned int i;

	for (i = 0; i < conf->n_ports; i++) {
		rte_eth_dev_stop(conf->ports[i]);
		rte_eth_dev_close(conf->ports[i]);
	}
	rt_pool_free(pool);
}
