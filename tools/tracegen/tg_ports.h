/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_PORTS_H
#define TG_PORTS_H

/**
 * @file
 * Client port (ICMP identifier) allocation. Every flow of a group — one
 * NAT pool address, or one inside host when nothing is translated — gets
 * a port no other flow of that group and protocol ever uses, so a NAT
 * that preserves ports never has to choose another one and the tests can
 * predict its output exactly.
 */

#include <stdint.h>

#define TG_PORT_FIRST		1024
#define TG_PORT_RANGE		(65536 - TG_PORT_FIRST)

enum tg_port_proto {
	TG_PORT_TCP,
	TG_PORT_UDP,
	TG_PORT_ICMP,
	TG_PORT_PROTO_COUNT,
};

struct tg_ports {
	uint64_t seed;
	uint64_t n_groups;
	uint16_t *used;		/**< ports handed out, per (group, proto) */
};

int tg_ports_init(struct tg_ports *p, uint64_t n_groups, uint64_t seed);
void tg_ports_fini(struct tg_ports *p);

/**
 * Next unused port of (@p group, @p proto), in a per-group scrambled
 * order so that ports look random.
 * @return 0, or -1 when all TG_PORT_RANGE ports are taken.
 */
int tg_ports_alloc(struct tg_ports *p, uint64_t group,
		   enum tg_port_proto proto, uint16_t *port);

#endif /* TG_PORTS_H */
