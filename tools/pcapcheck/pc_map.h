/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PC_MAP_H
#define PC_MAP_H

/**
 * @file
 * A growable hash map from a flow key to an (address, port), for the NAT
 * mappings the checker learns from the output. Keys are compared
 * bytewise, so callers build them with pc_key_make().
 */

#include <stdint.h>

struct pc_key {
	uint32_t a, b;		/**< host-order addresses */
	uint16_t pa, pb;	/**< ports / ICMP identifier */
	uint8_t proto;
	uint8_t pad[3];		/**< always zero */
};

struct pc_val {
	uint32_t addr;
	uint16_t port;
};

struct pc_slot {
	struct pc_key key;
	struct pc_val val;
	uint8_t used;
};

struct pc_map {
	struct pc_slot *slots;
	uint64_t cap;		/**< a power of two */
	uint64_t n;
};

static inline struct pc_key
pc_key_make(uint8_t proto, uint32_t a, uint16_t pa, uint32_t b, uint16_t pb)
{
	struct pc_key k = { .a = a, .b = b, .pa = pa, .pb = pb,
			    .proto = proto };

	return k;
}

int pc_map_init(struct pc_map *m);
void pc_map_fini(struct pc_map *m);

/** The value stored under @p k, or NULL. */
const struct pc_val *pc_map_find(const struct pc_map *m,
				 const struct pc_key *k);

/** Stores @p v under @p k (which must be absent). @return 0 or -1 (ENOMEM). */
int pc_map_add(struct pc_map *m, const struct pc_key *k,
	       const struct pc_val *v);

#endif /* PC_MAP_H */
