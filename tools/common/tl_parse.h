/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TL_PARSE_H
#define TL_PARSE_H

/**
 * @file
 * Command-line value parsing shared by the tools: strict numbers (the
 * whole text must be a number in range) and NAT pool lists. Each parser
 * prints nothing; callers name the option in their message.
 */

#include <stdint.h>

/** Largest NAT pool the tools accept (a /16 worth of addresses). */
#define TL_POOL_MAX	65536u

/** A NAT pool: IPv4 addresses in host order, in the order they were given. */
struct tl_pool {
	uint32_t n;
	uint32_t *addr;		/**< pool order: what pairing indexes */
	uint32_t *sorted;	/**< ascending, for lookups */
};

/** Parses a decimal unsigned integer in [min, max]. @return 0 or -1. */
int tl_parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out);

/** Parses a decimal real in [min, max] (no NaN/inf). @return 0 or -1. */
int tl_parse_double(const char *text, double min, double max, double *out);

/**
 * Parses a pool list: elements separated by commas and/or blanks, each an
 * IPv4 address or a prefix a.b.c.d/len (host bits clear). A prefix
 * contributes every one of its addresses, network and broadcast included,
 * in ascending order: the pool contract of middleboxes/nat/nat.h, which
 * the generator's return traffic and the checker must follow exactly.
 * Duplicates are refused, since the pool index of an address must be
 * unique.
 * @return 0; -1 with @p err set to a static description on bad input.
 */
int tl_pool_parse(const char *text, struct tl_pool *pool, const char **err);

/** True if @p addr (host order) is in @p pool. */
int tl_pool_has(const struct tl_pool *pool, uint32_t addr);

/** The pool address an inside host (host order) is paired with. */
static inline uint32_t
tl_pool_pick(const struct tl_pool *pool, uint32_t inside_addr)
{
	return pool->addr[inside_addr % pool->n];
}

void tl_pool_free(struct tl_pool *pool);

#endif /* TL_PARSE_H */
