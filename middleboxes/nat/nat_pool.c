/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * External address and port allocation, following the deterministic
 * contract in nat.h. Port usage is one bitmap per (pool address,
 * protocol) with one bit per port of [port_min, port_max]; all bitmaps
 * are taken at init, so the packet path never allocates and the state
 * a standby needs is exactly these words plus the session tables.
 */

#include <errno.h>
#include <string.h>

#include "nat_priv.h"

#define NAT_WORD_BITS	64u
#define NAT_WORD_SHIFT	6u
#define NAT_WORD_MASK	(NAT_WORD_BITS - 1)
#define NAT_NO_PORT	UINT32_MAX

/* Bits past the port range in the last word are kept set, so that they
 * never look free and a scan needs no range check per bit. */
uint64_t *nat_port_map[NAT_POOL_MAX][NAT_PROTO_COUNT];
/* Ports in use per bitmap: exhaustion is known without a scan. */
uint32_t nat_port_used[NAT_POOL_MAX][NAT_PROTO_COUNT];
static uint32_t nat_port_bits;
static uint32_t nat_port_words;

void
nat_pool_fini(void)
{
	uint32_t i, p;

	for (i = 0; i < NAT_POOL_MAX; i++)
		for (p = 0; p < NAT_PROTO_COUNT; p++)
			sa_state_free(nat_port_map[i][p]);
	memset(nat_port_map, 0, sizeof(nat_port_map));
	memset(nat_port_used, 0, sizeof(nat_port_used));
	nat_port_bits = 0;
	nat_port_words = 0;
}

int
nat_pool_init(struct sa_ctx *ctx)
{
	uint32_t i, p, tail;
	uint64_t *map;

	nat_port_bits = nat_cfg.port_max - nat_cfg.port_min + 1;
	nat_port_words = (nat_port_bits + NAT_WORD_MASK) >> NAT_WORD_SHIFT;
	tail = nat_port_bits & NAT_WORD_MASK;
	for (i = 0; i < nat_cfg.pool_size; i++) {
		for (p = 0; p < NAT_PROTO_COUNT; p++) {
			map = sa_state_alloc(nat_port_words * sizeof(*map));
			if (map == NULL) {
				sa_log(ctx, SA_LOG_ERR, "out of state memory "
				       "for the port maps of %u pool addresses "
				       "x %u ports", nat_cfg.pool_size,
				       nat_port_bits);
				nat_pool_fini();
				return -ENOMEM;
			}
			if (tail != 0)
				map[nat_port_words - 1] = UINT64_MAX << tail;
			nat_port_map[i][p] = map;
		}
	}
	return 0;
}

uint32_t
nat_pool_index(uint32_t in_addr)
{
	/* The one division of the packet path, paid once per new session:
	 * the pairing contract is a modulo by an arbitrary pool size. */
	return nat_bswap32(in_addr) % nat_cfg.pool_size;
}

/* Index of the lowest clear bit of @p word, which has one: a binary
 * search over halves, plain arithmetic for the analyzer's bitcode. */
static inline uint32_t
nat_pool_lowest_clear(uint64_t word)
{
	uint64_t free_bits = ~word;
	uint32_t idx = 0, half;

	for (half = NAT_WORD_BITS / 2; half > 0; half /= 2) {
		if ((free_bits & ((1ull << half) - 1)) == 0) {
			free_bits >>= half;
			idx += half;
		}
	}
	return idx;
}

/* First clear bit at or after @p from, or NAT_NO_PORT. */
static uint32_t
nat_pool_find_free(const uint64_t *map, uint32_t from)
{
	uint32_t w = from >> NAT_WORD_SHIFT;
	uint64_t word;

	word = map[w] | ((1ull << (from & NAT_WORD_MASK)) - 1);
	while (word == UINT64_MAX) {
		if (++w == nat_port_words)
			return NAT_NO_PORT;
		word = map[w];
	}
	return (w << NAT_WORD_SHIFT) + nat_pool_lowest_clear(word);
}

int
nat_pool_port_alloc(uint32_t pool_idx, enum nat_proto nproto, uint16_t want,
		    uint16_t *port)
{
	uint64_t *map = nat_port_map[pool_idx][nproto];
	uint32_t start = 0, bit;

	if (nat_port_used[pool_idx][nproto] >= nat_port_bits)
		return -ENOSPC;
	if (want >= nat_cfg.port_min && want <= nat_cfg.port_max)
		start = want - nat_cfg.port_min;
	bit = nat_pool_find_free(map, start);
	if (bit == NAT_NO_PORT)
		bit = nat_pool_find_free(map, 0);
	/* Not reached while the used count is right; refuse rather than
	 * hand out a port twice. */
	if (bit == NAT_NO_PORT)
		return -ENOSPC;
	map[bit >> NAT_WORD_SHIFT] |= 1ull << (bit & NAT_WORD_MASK);
	nat_port_used[pool_idx][nproto]++;
	*port = (uint16_t)(nat_cfg.port_min + bit);
	return 0;
}

void
nat_pool_port_release(uint32_t pool_idx, enum nat_proto nproto, uint16_t port)
{
	uint64_t *map = nat_port_map[pool_idx][nproto];
	uint32_t bit;
	uint64_t mask;

	if (map == NULL || port < nat_cfg.port_min || port > nat_cfg.port_max)
		return;
	bit = port - nat_cfg.port_min;
	mask = 1ull << (bit & NAT_WORD_MASK);
	if ((map[bit >> NAT_WORD_SHIFT] & mask) == 0)
		return;
	map[bit >> NAT_WORD_SHIFT] &= ~mask;
	nat_port_used[pool_idx][nproto]--;
}

bool
nat_pool_contains(uint32_t addr)
{
	uint32_t a = nat_bswap32(addr), lo = 0, hi = nat_cfg.pool_size, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (nat_cfg.pool_sorted[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nat_cfg.pool_size && nat_cfg.pool_sorted[lo] == a;
}
