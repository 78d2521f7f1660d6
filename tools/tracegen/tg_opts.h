/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_OPTS_H
#define TG_OPTS_H

/**
 * @file
 * sa-tracegen command line: every knob of the traffic model, validated
 * once here so the model can trust it.
 */

#include <stdint.h>
#include <stdbool.h>

#include "tl_parse.h"

/** What the trace exercises (--profile). */
enum tg_profile {
	TG_PROFILE_DEFAULT = 0,	/**< one-armed client traffic (tg_model) */
	TG_PROFILE_LB,		/**< clients of the lb's VIP services */
	TG_PROFILE_IDS,		/**< benign traffic and attacks */
	TG_PROFILE_MONITOR,	/**< inside hosts with OS and service traits */
	TG_PROFILE_COUNT,
};

struct tg_opts {
	const char *out;	/**< output pcap, required */
	uint64_t seed;
	uint64_t flows;
	uint64_t hosts;		/**< inside hosts */
	uint64_t servers;	/**< outside servers */
	double duration;	/**< seconds over which flows start */
	double udp_pct;		/**< share of flows that are UDP */
	double icmp_pct;	/**< share of flows that are ICMP echo */
	double rst_pct;		/**< share of TCP flows ending in RST */
	double unsolicited_pct;	/**< share of flows that are unsolicited */
	double ipv6_pct;	/**< share of flows over IPv6 */
	double vlan_pct;	/**< share of flows with an 802.1Q tag */
	double malformed_pct;	/**< malformed frames per 100 packets */
	uint64_t max_packets;	/**< 0: no cap */
	uint32_t pkt_size;	/**< 0: realistic sizes; else fixed wire size */
	uint32_t inside4;	/**< inside IPv4 prefix, host order */
	uint8_t inside4_len;
	struct tl_pool pool;	/**< NAT pool; n == 0 without --nat-pool */
	bool stats;
	uint8_t profile;	/**< enum tg_profile */
	const char *config;	/**< --config: the middlebox's INI file */
	uint64_t backend_changes;	/**< lb: --backend-changes N */
	const char *commands_out;	/**< lb: --commands-out FILE */
	uint32_t given;		/**< bit per option given on the command line */
};

/**
 * Parses argv into @p o. On error prints a message naming the option and
 * returns -1; after --help prints usage and returns 1; else 0.
 */
int tg_opts_parse(int argc, char **argv, struct tg_opts *o);

void tg_opts_fini(struct tg_opts *o);

#endif /* TG_OPTS_H */
