/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_RNG_H
#define TG_RNG_H

/**
 * @file
 * Deterministic random numbers: the same seed gives the same trace on any
 * libc, which rand() does not promise. xoshiro256** drives the global
 * choices; each flow has its own splitmix64 stream seeded from the global
 * one, so a flow's packets do not depend on how flows interleave.
 */

#include <stdint.h>
#include <math.h>

#define TG_SPLITMIX_GAMMA	0x9e3779b97f4a7c15ull
/* 53 random bits make every double in [0, 1) equally likely. */
#define TG_DOUBLE_BITS		53
#define TG_DOUBLE_SHIFT		(64 - TG_DOUBLE_BITS)

struct tg_rng {
	uint64_t s[4];
};

static inline uint64_t
tg_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += TG_SPLITMIX_GAMMA);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t
tg_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline void
tg_rng_seed(struct tg_rng *r, uint64_t seed)
{
	unsigned int i;

	/* splitmix64 expansion never yields the all-zero xoshiro state. */
	for (i = 0; i < 4; i++)
		r->s[i] = tg_splitmix64(&seed);
}

static inline uint64_t
tg_rng_next(struct tg_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = tg_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = tg_rotl(s[3], 45);
	return result;
}

/** Uniform double in [0, 1) from 64 random bits. */
static inline double
tg_unit(uint64_t bits)
{
	return (double)(bits >> TG_DOUBLE_SHIFT) /
	       (double)(1ull << TG_DOUBLE_BITS);
}

/** Uniform integer in [0, n) (n > 0); the bias is below 2^-32 for the
 *  ranges the generator uses. */
static inline uint64_t
tg_below(uint64_t bits, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)bits * n) >> 64);
}

/** Exponential with the given mean. */
static inline double
tg_exponential(uint64_t bits, double mean)
{
	return -mean * log1p(-tg_unit(bits));
}

/** Pareto with scale @p xm and shape @p alpha: heavy-tailed sizes. */
static inline double
tg_pareto(uint64_t bits, double xm, double alpha)
{
	return xm / pow(1.0 - tg_unit(bits), 1.0 / alpha);
}

/** Log-uniform in [lo, hi): as many short values as long ones per decade. */
static inline double
tg_log_uniform(uint64_t bits, double lo, double hi)
{
	return lo * exp(tg_unit(bits) * log(hi / lo));
}

/** True with probability @p pct percent. */
static inline int
tg_chance(uint64_t bits, double pct)
{
	return tg_unit(bits) * 100.0 < pct;
}

#endif /* TG_RNG_H */
