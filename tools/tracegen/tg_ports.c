/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdlib.h>

#include "tg_ports.h"
#include "tg_rng.h"

/* TG_PORT_RANGE = 64512 = 2^10 * 3^2 * 7: a stride sharing none of these
 * factors walks every port of the range exactly once. */
#define TG_RANGE_FACTOR_A	3
#define TG_RANGE_FACTOR_B	7

int
tg_ports_init(struct tg_ports *p, uint64_t n_groups, uint64_t seed)
{
	p->seed = seed;
	p->n_groups = n_groups;
	p->used = calloc(n_groups * TG_PORT_PROTO_COUNT, sizeof(*p->used));
	return p->used == NULL ? -1 : 0;
}

void
tg_ports_fini(struct tg_ports *p)
{
	free(p->used);
	p->used = NULL;
}

int
tg_ports_alloc(struct tg_ports *p, uint64_t group, enum tg_port_proto proto,
	       uint16_t *port)
{
	uint16_t *used = &p->used[group * TG_PORT_PROTO_COUNT + proto];
	uint64_t state = p->seed ^ (group * TG_PORT_PROTO_COUNT + proto);
	uint64_t start, stride;

	if (*used >= TG_PORT_RANGE)
		return -1;
	/* Derived, not stored: two draws of the group's own stream. */
	start = tg_below(tg_splitmix64(&state), TG_PORT_RANGE);
	stride = tg_below(tg_splitmix64(&state), TG_PORT_RANGE) | 1;
	while (stride % TG_RANGE_FACTOR_A == 0 ||
	       stride % TG_RANGE_FACTOR_B == 0)
		stride += 2;
	*port = (uint16_t)(TG_PORT_FIRST +
			   (start + *used * stride) % TG_PORT_RANGE);
	(*used)++;
	return 0;
}
