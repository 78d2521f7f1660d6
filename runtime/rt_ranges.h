/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_RANGES_H
#define RT_RANGES_H

/*
 * The packed ranges of StateDelta and SnapshotChunk (the 'ranges' bytes
 * field; proto/replication.proto, RANGES): entries of
 *
 *   varint gap    bytes from the end of the previous entry's range (the
 *                 first entry: from address 0) to this one's start
 *   varint len    at least 1
 *   len bytes     the range's new contents
 *
 * so ranges are ascending and disjoint, and a range of a typical delta
 * costs 2-4 bytes beside its data. Varints are protobuf's (base 128,
 * little-endian groups, at most 10 bytes). The one encoder and decoder:
 * the primary packs with rt_ranges_put(), the standby checks the shape
 * with rt_ranges_check() (malformed) and walks with rt_ranges_next()
 * (addresses past 2^64 are its caller's out-of-range).
 */

#include <stddef.h>
#include <stdint.h>

/** Bytes a varint takes at most. */
#define RT_VARINT_MAX		10
/** Encoded bytes an entry takes beside its data, at most. */
#define RT_RANGES_ENTRY_OVERHEAD	(2 * RT_VARINT_MAX)

/**
 * Appends the entry for [addr, addr + len) with the bytes at @p data to
 * @p out; @p end is where the previous entry's range ended (0 before the
 * first) and becomes addr + len. addr must be at least *end, len at
 * least 1. @return the byte after the entry.
 */
uint8_t *rt_ranges_put(uint8_t *out, uint64_t *end, uint64_t addr,
		       const void *data, uint64_t len);

/**
 * Checks that @p buf is a sequence of whole entries, each with a length
 * of at least 1, and counts them.
 * @return 0; -EBADMSG (truncated, overlong varint, zero or too long len).
 */
int rt_ranges_check(const uint8_t *buf, size_t len, uint64_t *n);

struct rt_ranges_iter {
	const uint8_t *p;
	const uint8_t *end;
	uint64_t next;		/* where the previous range ended */
};

static inline void
rt_ranges_iter_init(struct rt_ranges_iter *it, const uint8_t *buf,
		    size_t len)
{
	it->p = buf;
	it->end = buf + len;
	it->next = 0;
}

/**
 * The next entry of a buffer rt_ranges_check() accepted.
 * @return 1 with *addr, *data, *len; 0 at the end; -ERANGE when the
 *   range would start or end past 2^64.
 */
int rt_ranges_next(struct rt_ranges_iter *it, uint64_t *addr,
		   const uint8_t **data, uint64_t *len);

#endif /* RT_RANGES_H */
