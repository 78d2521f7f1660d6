/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "rt_ranges.h"

#define RT_VARINT_MORE		0x80u
#define RT_VARINT_BITS		7
#define RT_VARINT_MASK		0x7fu
/* The 10th byte holds bit 63 only. */
#define RT_VARINT_LAST_MAX	1u

static inline uint8_t *
put_varint(uint8_t *p, uint64_t v)
{
	while (v >= RT_VARINT_MORE) {
		*p++ = (uint8_t)(v | RT_VARINT_MORE);
		v >>= RT_VARINT_BITS;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* @return bytes read, or 0: truncated or not a valid 64-bit varint. */
static inline size_t
get_varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < RT_VARINT_MAX && p + i < end; i++) {
		if (i == RT_VARINT_MAX - 1 && p[i] > RT_VARINT_LAST_MAX)
			return 0;
		x |= (uint64_t)(p[i] & RT_VARINT_MASK) << (RT_VARINT_BITS * i);
		if (!(p[i] & RT_VARINT_MORE)) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

uint8_t *
rt_ranges_put(uint8_t *out, uint64_t *end, uint64_t addr, const void *data,
	      uint64_t len)
{
	out = put_varint(out, addr - *end);
	out = put_varint(out, len);
	memcpy(out, data, len);
	*end = addr + len;
	return out + len;
}

/* One entry's gap and length at @p p. @return its encoded size, or 0. */
static inline size_t
entry(const uint8_t *p, const uint8_t *end, uint64_t *gap, uint64_t *len)
{
	size_t a, b;

	a = get_varint(p, end, gap);
	if (a == 0)
		return 0;
	b = get_varint(p + a, end, len);
	if (b == 0 || *len == 0 || *len > (uint64_t)(end - (p + a + b)))
		return 0;
	return a + b + *len;
}

int
rt_ranges_check(const uint8_t *buf, size_t len, uint64_t *n)
{
	const uint8_t *p = buf, *end = buf + len;
	uint64_t gap, rlen;
	size_t sz;

	*n = 0;
	while (p < end) {
		sz = entry(p, end, &gap, &rlen);
		if (sz == 0)
			return -EBADMSG;
		p += sz;
		(*n)++;
	}
	return 0;
}

int
rt_ranges_next(struct rt_ranges_iter *it, uint64_t *addr,
	       const uint8_t **data, uint64_t *len)
{
	uint64_t gap;
	size_t sz;

	if (it->p >= it->end)
		return 0;
	sz = entry(it->p, it->end, &gap, len);
	if (sz == 0)
		return -EBADMSG;	/* not from rt_ranges_check() */
	if (gap > UINT64_MAX - it->next ||
	    *len > UINT64_MAX - (it->next + gap))
		return -ERANGE;
	*addr = it->next + gap;
	*data = it->p + sz - *len;
	it->next = *addr + *len;
	it->p += sz;
	return 1;
}
