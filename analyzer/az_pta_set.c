/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Points-to sets as sorted sparse bitmaps: an array of (word index, 64-bit
 * word) pairs, zero words never stored. Sets of locations are small and
 * clustered (locations of one object are mostly created together), so one
 * word often holds several elements; union and difference are linear
 * merges, which is what difference propagation does all day. Allocation
 * failure is fatal to the analysis and reported by the caller through
 * az_pta_nomem(); here a failed grow aborts, as half a set would make the
 * result silently unsound.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "az_pta_impl.h"

#define AZ_BITS_MIN_CAP	2
#define AZ_WORD_SHIFT	6
#define AZ_WORD_MASK	63u

static void
az_bits_reserve(struct az_bits *b, uint32_t need)
{
	uint32_t cap = b->cap ? b->cap : AZ_BITS_MIN_CAP;
	struct az_bword *v;

	if (need <= b->cap)
		return;
	while (cap < need)
		cap *= 2;
	v = realloc(b->v, (size_t)cap * sizeof(*v));
	if (v == NULL) {
		fputs("statealyzr: error: out of memory in the pointer "
		      "analysis\n", stderr);
		abort();
	}
	b->v = v;
	b->cap = cap;
}

/* First word with idx >= @p idx. */
static uint32_t
az_bits_lower(const struct az_bits *b, uint32_t idx)
{
	uint32_t lo = 0, hi = b->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->v[mid].idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool
az_bits_set(struct az_bits *b, uint32_t x)
{
	uint32_t idx = x >> AZ_WORD_SHIFT, i;
	uint64_t bit = 1ull << (x & AZ_WORD_MASK);

	/* Appending is the common case: new locations get new indices. */
	i = b->n != 0 && b->v[b->n - 1].idx < idx ? b->n :
						    az_bits_lower(b, idx);
	if (i < b->n && b->v[i].idx == idx) {
		if (b->v[i].bits & bit)
			return false;
		b->v[i].bits |= bit;
		return true;
	}
	az_bits_reserve(b, b->n + 1);
	memmove(&b->v[i + 1], &b->v[i], (b->n - i) * sizeof(*b->v));
	b->v[i].idx = idx;
	b->v[i].bits = bit;
	b->n++;
	return true;
}

bool
az_bits_test(const struct az_bits *b, uint32_t x)
{
	uint32_t i = az_bits_lower(b, x >> AZ_WORD_SHIFT);

	return i < b->n && b->v[i].idx == x >> AZ_WORD_SHIFT &&
	       (b->v[i].bits >> (x & AZ_WORD_MASK) & 1);
}

/* Is src a subset of dst? Checked first so that the common "nothing new"
 * union costs no allocation and no copy. */
static bool
az_bits_subset(const struct az_bits *src, const struct az_bits *dst)
{
	uint32_t i = 0, j = 0;

	while (i < src->n) {
		while (j < dst->n && dst->v[j].idx < src->v[i].idx)
			j++;
		if (j == dst->n || dst->v[j].idx != src->v[i].idx ||
		    (src->v[i].bits & ~dst->v[j].bits) != 0)
			return false;
		i++;
	}
	return true;
}

bool
az_bits_or(struct az_bits *dst, const struct az_bits *src)
{
	uint32_t i, j, k, n;

	if (src->n == 0 || az_bits_subset(src, dst))
		return false;
	/* Merge from the back into the grown array, in place. */
	n = dst->n;
	for (i = 0, j = 0, k = 0; i < src->n; i++) {
		while (j < n && dst->v[j].idx < src->v[i].idx)
			j++;
		if (j == n || dst->v[j].idx != src->v[i].idx)
			k++;
	}
	az_bits_reserve(dst, n + k);
	i = src->n;
	j = n;
	k = n + k;
	dst->n = k;
	while (i > 0) {
		if (j > 0 && dst->v[j - 1].idx > src->v[i - 1].idx) {
			dst->v[--k] = dst->v[--j];
		} else if (j > 0 && dst->v[j - 1].idx == src->v[i - 1].idx) {
			dst->v[--k].idx = dst->v[--j].idx;
			dst->v[k].bits = dst->v[j].bits | src->v[--i].bits;
		} else {
			dst->v[--k] = src->v[--i];
		}
	}
	return true;
}

void
az_bits_diff(struct az_bits *out, const struct az_bits *a,
	     const struct az_bits *b)
{
	uint32_t i, j = 0;
	uint64_t w;

	out->n = 0;
	az_bits_reserve(out, a->n);
	for (i = 0; i < a->n; i++) {
		w = a->v[i].bits;
		while (j < b->n && b->v[j].idx < a->v[i].idx)
			j++;
		if (j < b->n && b->v[j].idx == a->v[i].idx)
			w &= ~b->v[j].bits;
		if (w != 0) {
			out->v[out->n].idx = a->v[i].idx;
			out->v[out->n++].bits = w;
		}
	}
}

void
az_bits_and(struct az_bits *a, const struct az_bits *b)
{
	uint32_t i, j = 0, k = 0;
	uint64_t w;

	for (i = 0; i < a->n; i++) {
		while (j < b->n && b->v[j].idx < a->v[i].idx)
			j++;
		if (j == b->n || b->v[j].idx != a->v[i].idx)
			continue;
		w = a->v[i].bits & b->v[j].bits;
		if (w != 0) {
			a->v[k].idx = a->v[i].idx;
			a->v[k++].bits = w;
		}
	}
	a->n = k;
}

void
az_bits_copy(struct az_bits *dst, const struct az_bits *src)
{
	dst->n = 0;
	if (src->n == 0)
		return;
	az_bits_reserve(dst, src->n);
	memcpy(dst->v, src->v, src->n * sizeof(*src->v));
	dst->n = src->n;
}

bool
az_bits_empty(const struct az_bits *b)
{
	return b->n == 0;
}

bool
az_bits_equal(const struct az_bits *a, const struct az_bits *b)
{
	uint32_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->v[i].idx != b->v[i].idx || a->v[i].bits != b->v[i].bits)
			return false;
	return true;
}

size_t
az_bits_count(const struct az_bits *b)
{
	size_t c = 0;
	uint32_t i;

	for (i = 0; i < b->n; i++)
		c += (size_t)__builtin_popcountll(b->v[i].bits);
	return c;
}

void
az_bits_clear(struct az_bits *b)
{
	b->n = 0;
}

void
az_bits_free(struct az_bits *b)
{
	free(b->v);
	memset(b, 0, sizeof(*b));
}
