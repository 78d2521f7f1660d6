/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rt_apply.h"
#include "rt_ident.h"
#include "rt_log.h"

/* Replica mismatches logged per session; the rest are counted. */
#define RT_MISMATCH_LOG_MAX	10

void
rt_apply_init(struct rt_apply *ap, const struct rt_rmap *m,
	      struct rt_repl_stats *stats)
{
	memset(ap, 0, sizeof(*ap));
	ap->rmap = m;
	ap->stats = stats;
}

static void
stage_clear(struct rt_apply *ap)
{
	unsigned int i;

	for (i = 0; i < ap->n_stage; i++)
		sa__repl__state_delta__free_unpacked(ap->stage[i], NULL);
	ap->n_stage = 0;
	ap->stage_bytes = 0;
}

void
rt_apply_session(struct rt_apply *ap, uint64_t epoch)
{
	stage_clear(ap);
	ap->epoch = epoch;
	ap->seq = 0;
	ap->snap_count = 0;
	ap->snap_next = 0;
	ap->mismatches_logged = 0;
}

void
rt_apply_end_session(struct rt_apply *ap)
{
	stage_clear(ap);
}

void
rt_apply_fini(struct rt_apply *ap)
{
	stage_clear(ap);
	free(ap->stage);
	ap->stage = NULL;
}

/* Bounds of every range and digest, then the frame's byte total. */
static enum rt_reject
check_ranges(const struct rt_apply *ap, Sa__Repl__Range *const *r, size_t n,
	     Sa__Repl__Digest *const *d, size_t nd)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!rt_rmap_contains(ap->rmap, r[i]->addr, r[i]->data.len))
			return RT_REJECT_OUT_OF_RANGE;
		total += r[i]->data.len;
	}
	for (i = 0; i < nd; i++)
		if (!rt_rmap_contains(ap->rmap, d[i]->addr, d[i]->len))
			return RT_REJECT_OUT_OF_RANGE;
	if (total > RT_FRAME_DATA_MAX || n > RT_FRAME_RANGES_MAX ||
	    nd > RT_VERIFY_DIGESTS_MAX)
		return RT_REJECT_TOO_LARGE;
	return RT_REJECT_NONE;
}

static uint64_t
write_ranges(Sa__Repl__Range *const *r, size_t n)
{
	uint64_t bytes = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy((void *)(uintptr_t)r[i]->addr, r[i]->data.data,
		       r[i]->data.len);
		bytes += r[i]->data.len;
	}
	return bytes;
}

static void
verify_digests(struct rt_apply *ap, Sa__Repl__Digest *const *d, size_t n)
{
	uint64_t off;
	const char *name;
	size_t i;

	for (i = 0; i < n; i++) {
		if (rt_ident_hash((const void *)(uintptr_t)d[i]->addr,
				  d[i]->len) == d[i]->hash)
			continue;
		ap->verify_mismatches++;
		ap->stats->verify_mismatches++;
		if (ap->mismatches_logged++ >= RT_MISMATCH_LOG_MAX)
			continue;
		name = rt_rmap_name(ap->rmap, d[i]->addr, &off);
		RT_LOG(ERR, "replica differs from the primary after batch %"
		       PRIu32 ": '%s' offset 0x%" PRIx64 " (%" PRIu32
		       " bytes from 0x%" PRIx64 ")\n", ap->seq, name, off,
		       d[i]->len, d[i]->addr);
	}
	ap->stats->verify_checked += n;
}

static void
batch_done(struct rt_apply *ap, uint64_t input_count, uint64_t clock_ns)
{
	ap->input_count = input_count;
	ap->clock_ns = clock_ns;
	ap->done_seq = ap->seq;
	ap->done = 1;
}

static enum rt_reject
take_snapshot(struct rt_apply *ap, Sa__Repl__SnapshotChunk *c)
{
	enum rt_reject why;

	if (c->count == 0 || c->index >= c->count ||
	    (c->index > 0 && (c->index != ap->snap_next ||
			      c->count != ap->snap_count)))
		return RT_REJECT_UNEXPECTED;
	if (c->epoch != ap->epoch)
		return RT_REJECT_BAD_EPOCH;
	if (c->seq != ap->seq + 1)
		return RT_REJECT_BAD_SEQ;
	why = check_ranges(ap, c->ranges, c->n_ranges, NULL, 0);
	if (why != RT_REJECT_NONE)
		return why;
	ap->seq = c->seq;
	ap->sync = RT_SYNC_SYNCING;
	ap->snap_count = c->count;
	ap->snap_next = c->index + 1;
	ap->stats->snapshot_bytes += write_ranges(c->ranges, c->n_ranges);
	if (ap->snap_next == ap->snap_count) {
		ap->sync = RT_SYNC_SYNCED;
		ap->stats->snapshots++;
		batch_done(ap, c->input_count, c->clock_ns);
	}
	return RT_REJECT_NONE;
}

static void
apply_batch(struct rt_apply *ap, Sa__Repl__StateDelta *last)
{
	unsigned int i;

	for (i = 0; i < ap->n_stage; i++) {
		ap->stats->range_bytes += write_ranges(ap->stage[i]->ranges,
						       ap->stage[i]->n_ranges);
		ap->stats->ranges += ap->stage[i]->n_ranges;
	}
	ap->stats->range_bytes += write_ranges(last->ranges, last->n_ranges);
	ap->stats->ranges += last->n_ranges;
	ap->stats->deltas += ap->n_stage + 1;
	ap->stats->batches++;
	verify_digests(ap, last->digests, last->n_digests);
	stage_clear(ap);
	batch_done(ap, last->input_count, last->clock_ns);
}

/* @return RT_REJECT_NONE and takes ownership of @p d when staged. */
static enum rt_reject
take_delta(struct rt_apply *ap, Sa__Repl__StateDelta *d, int *staged)
{
	enum rt_reject why;
	uint64_t bytes = 0;
	size_t i;

	*staged = 0;
	if (ap->sync != RT_SYNC_SYNCED)
		return RT_REJECT_UNEXPECTED;
	if (d->epoch != ap->epoch)
		return RT_REJECT_BAD_EPOCH;
	if (d->seq != ap->seq + 1)
		return RT_REJECT_BAD_SEQ;
	why = check_ranges(ap, d->ranges, d->n_ranges, d->digests,
			   d->n_digests);
	if (why != RT_REJECT_NONE)
		return why;
	for (i = 0; i < d->n_ranges; i++)
		bytes += d->ranges[i]->data.len;
	/* A split batch never exceeds all of replicated memory. */
	if (ap->stage_bytes + bytes > rt_rmap_total(ap->rmap) +
	    (ap->rmap->arena_hi - ap->rmap->arena_lo))
		return RT_REJECT_TOO_LARGE;
	ap->seq = d->seq;
	if (!d->more) {
		apply_batch(ap, d);
		return RT_REJECT_NONE;
	}
	if (ap->n_stage == ap->cap_stage) {
		unsigned int cap = ap->cap_stage ? ap->cap_stage * 2 : 8;
		void *p = realloc(ap->stage, cap * sizeof(*ap->stage));

		if (p == NULL)
			return RT_REJECT_TOO_LARGE;
		ap->stage = p;
		ap->cap_stage = cap;
	}
	ap->stage[ap->n_stage++] = d;
	ap->stage_bytes += bytes;
	*staged = 1;
	return RT_REJECT_NONE;
}

int
rt_apply_frame(struct rt_apply *ap, const struct rt_wire_frame *f,
	       enum rt_reject *why)
{
	Sa__Repl__SnapshotChunk *c;
	Sa__Repl__StateDelta *d;
	int staged = 0;

	*why = RT_REJECT_NONE;
	if (f->type == RT_MSG_SNAPSHOT) {
		c = sa__repl__snapshot_chunk__unpack(NULL, f->len, f->payload);
		if (c == NULL) {
			*why = RT_REJECT_MALFORMED;
		} else {
			*why = take_snapshot(ap, c);
			sa__repl__snapshot_chunk__free_unpacked(c, NULL);
		}
	} else if (f->type == RT_MSG_DELTA) {
		d = sa__repl__state_delta__unpack(NULL, f->len, f->payload);
		if (d == NULL) {
			*why = RT_REJECT_MALFORMED;
		} else {
			*why = take_delta(ap, d, &staged);
			if (!staged)
				sa__repl__state_delta__free_unpacked(d, NULL);
		}
	} else {
		/* Hellos are over once the session runs; acks go the
		 * other way. */
		*why = RT_REJECT_UNEXPECTED;
	}
	return *why == RT_REJECT_NONE ? 0 : -EBADMSG;
}
