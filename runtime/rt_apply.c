/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rt_apply.h"
#include "rt_cmd.h"
#include "rt_ident.h"
#include "rt_log.h"
#include "rt_ranges.h"

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
rt_apply_set_command(struct rt_apply *ap, rt_apply_cmd_fn fn, void *arg)
{
	ap->cmd = fn;
	ap->cmd_arg = arg;
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
	ap->done = 0;
	ap->done_seq = 0;
}

/* A batch applied but not yet acked stays applied; its ack, a number of
 * the ended session, must not reach the next one (the primary refuses
 * it as bad-seq and drops the standby again). */
void
rt_apply_end_session(struct rt_apply *ap)
{
	stage_clear(ap);
	ap->done = 0;
}

void
rt_apply_fini(struct rt_apply *ap)
{
	stage_clear(ap);
	free(ap->stage);
	ap->stage = NULL;
}

/* Bounds of every range (a buffer rt_ranges_check() accepted) and
 * digest, then the frame's totals. */
static enum rt_reject
check_ranges(const struct rt_apply *ap, const ProtobufCBinaryData *rg,
	     Sa__Repl__Digest *const *d, size_t nd, uint64_t *bytes)
{
	struct rt_ranges_iter it;
	const uint8_t *data;
	uint64_t addr, len, n = 0;
	size_t i;
	int ret;

	*bytes = 0;
	rt_ranges_iter_init(&it, rg->data, rg->len);
	while ((ret = rt_ranges_next(&it, &addr, &data, &len)) > 0) {
		if (!rt_rmap_contains(ap->rmap, addr, len))
			return RT_REJECT_OUT_OF_RANGE;
		*bytes += len;
		n++;
	}
	if (ret < 0)
		return RT_REJECT_OUT_OF_RANGE;
	for (i = 0; i < nd; i++)
		if (!rt_rmap_contains(ap->rmap, d[i]->addr, d[i]->len))
			return RT_REJECT_OUT_OF_RANGE;
	if (*bytes > RT_FRAME_DATA_MAX || n > RT_FRAME_RANGES_MAX ||
	    nd > RT_VERIFY_DIGESTS_MAX)
		return RT_REJECT_TOO_LARGE;
	return RT_REJECT_NONE;
}

/* Ranges that check_ranges() accepted. @return how many. */
static uint64_t
write_ranges(const ProtobufCBinaryData *rg)
{
	struct rt_ranges_iter it;
	const uint8_t *data;
	uint64_t addr, len, n = 0;

	rt_ranges_iter_init(&it, rg->data, rg->len);
	while (rt_ranges_next(&it, &addr, &data, &len) > 0) {
		memcpy((void *)(uintptr_t)addr, data, len);
		n++;
	}
	return n;
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
batch_done(struct rt_apply *ap, uint64_t input_count, uint64_t clock_ns,
	   uint64_t input_marker)
{
	ap->input_count = input_count;
	ap->clock_ns = clock_ns;
	ap->input_marker = input_marker;
	ap->done_seq = ap->seq;
	ap->done = 1;
}

static enum rt_reject
take_snapshot(struct rt_apply *ap, Sa__Repl__SnapshotChunk *c)
{
	enum rt_reject why;
	uint64_t bytes;

	if (c->count == 0 || c->index >= c->count ||
	    (c->index > 0 && (c->index != ap->snap_next ||
			      c->count != ap->snap_count)))
		return RT_REJECT_UNEXPECTED;
	if (c->epoch != ap->epoch)
		return RT_REJECT_BAD_EPOCH;
	if (c->seq != ap->seq + 1)
		return RT_REJECT_BAD_SEQ;
	why = check_ranges(ap, &c->ranges, NULL, 0, &bytes);
	if (why != RT_REJECT_NONE)
		return why;
	ap->seq = c->seq;
	ap->sync = RT_SYNC_SYNCING;
	ap->snap_count = c->count;
	ap->snap_next = c->index + 1;
	write_ranges(&c->ranges);
	ap->stats->snapshot_bytes += bytes;
	if (ap->snap_next == ap->snap_count) {
		ap->sync = RT_SYNC_SYNCED;
		ap->stats->snapshots++;
		batch_done(ap, c->input_count, c->clock_ns,
			   c->input_marker);
	}
	return RT_REJECT_NONE;
}

static void
apply_batch(struct rt_apply *ap, Sa__Repl__StateDelta *last,
	    uint64_t last_bytes)
{
	unsigned int i;

	for (i = 0; i < ap->n_stage; i++)
		ap->stats->ranges += write_ranges(&ap->stage[i]->ranges);
	ap->stats->ranges += write_ranges(&last->ranges);
	ap->stats->range_bytes += ap->stage_bytes + last_bytes;
	ap->stats->deltas += ap->n_stage + 1;
	ap->stats->batches++;
	verify_digests(ap, last->digests, last->n_digests);
	stage_clear(ap);
	batch_done(ap, last->input_count, last->clock_ns,
		   last->input_marker);
}

/* The commands of the last delta of a batch: their number, lines and
 * positions (from the last batch applied up to this one's end). */
static enum rt_reject
check_commands(const struct rt_apply *ap, const Sa__Repl__StateDelta *d)
{
	uint64_t prev = ap->input_count;
	const Sa__Repl__Command *c;
	size_t i;

	if (d->n_commands == 0)
		return RT_REJECT_NONE;
	if (d->more || d->n_commands > RT_CMD_BATCH_MAX || ap->cmd == NULL)
		return RT_REJECT_BAD_COMMAND;
	for (i = 0; i < d->n_commands; i++) {
		c = d->commands[i];
		if (c->line == NULL ||
		    rt_cmd_check(c->line, strlen(c->line)) != NULL ||
		    c->input_count < prev || c->input_count > d->input_count)
			return RT_REJECT_BAD_COMMAND;
		prev = c->input_count;
	}
	return RT_REJECT_NONE;
}

/* Runs the batch's commands (checked). A failure after others ran leaves
 * the state at no batch boundary: SYNCING until the next snapshot. */
static enum rt_reject
run_commands(struct rt_apply *ap, const Sa__Repl__StateDelta *d)
{
	char reply[RT_CMD_REPLY_MAX];
	const Sa__Repl__Command *c;
	size_t i;
	int ret;

	for (i = 0; i < d->n_commands; i++) {
		c = d->commands[i];
		reply[0] = '\0';
		ret = ap->cmd(ap->cmd_arg, c->line, reply, sizeof(reply));
		if (ret == 0) {
			ap->stats->commands++;
			continue;
		}
		if (i > 0)
			ap->sync = RT_SYNC_SYNCING;
		if (ap->cmd_failures_logged++ < RT_MISMATCH_LOG_MAX)
			RT_LOG(ERR, "replicated command at input %" PRIu64
			       " failed here: '%s': %s%s\n", c->input_count,
			       c->line, reply, i > 0 ? " (earlier commands "
			       "of the batch ran: not promotable until the "
			       "next snapshot)" : "");
		return RT_REJECT_BAD_COMMAND;
	}
	return RT_REJECT_NONE;
}

/* @return RT_REJECT_NONE and takes ownership of @p d when staged. */
static enum rt_reject
take_delta(struct rt_apply *ap, Sa__Repl__StateDelta *d, int *staged)
{
	enum rt_reject why;
	uint64_t bytes;

	*staged = 0;
	if (ap->sync != RT_SYNC_SYNCED)
		return RT_REJECT_UNEXPECTED;
	if (d->epoch != ap->epoch)
		return RT_REJECT_BAD_EPOCH;
	if (d->seq != ap->seq + 1)
		return RT_REJECT_BAD_SEQ;
	why = check_ranges(ap, &d->ranges, d->digests, d->n_digests, &bytes);
	if (why != RT_REJECT_NONE)
		return why;
	/* A split batch never exceeds all of replicated memory. */
	if (ap->stage_bytes + bytes > rt_rmap_total(ap->rmap) +
	    (ap->rmap->arena_hi - ap->rmap->arena_lo))
		return RT_REJECT_TOO_LARGE;
	why = check_commands(ap, d);
	if (why != RT_REJECT_NONE)
		return why;
	if (!d->more) {
		why = run_commands(ap, d);
		if (why != RT_REJECT_NONE)
			return why;
		ap->seq = d->seq;
		apply_batch(ap, d, bytes);
		return RT_REJECT_NONE;
	}
	ap->seq = d->seq;
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

/* The packed ranges' shape: part of "malformed", checked with the
 * protobuf and so before the epoch. */
static int
ranges_well_formed(const ProtobufCBinaryData *rg)
{
	uint64_t n;

	return rt_ranges_check(rg->data, rg->len, &n) == 0;
}

static enum rt_reject
take_bye(struct rt_apply *ap, const struct rt_wire_frame *f)
{
	Sa__Repl__Bye *b = sa__repl__bye__unpack(NULL, f->len, f->payload);
	enum rt_reject why = RT_REJECT_NONE;

	if (b == NULL)
		return RT_REJECT_MALFORMED;
	if (b->epoch != ap->epoch) {
		why = RT_REJECT_BAD_EPOCH;
	} else {
		ap->stats->byes++;
		RT_LOG(WARNING, "the primary drops this standby: %s; %s (state "
		       "as of input packet %" PRIu64 ")\n",
		       b->reason[0] != '\0' ? b->reason : "no reason given",
		       ap->sync == RT_SYNC_SYNCED ? "stale until it resyncs" :
		       "not synced", ap->input_count);
		if (ap->sync == RT_SYNC_SYNCED)
			ap->sync = RT_SYNC_STALE;
	}
	sa__repl__bye__free_unpacked(b, NULL);
	return why;
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
		if (c == NULL || !ranges_well_formed(&c->ranges))
			*why = RT_REJECT_MALFORMED;
		else
			*why = take_snapshot(ap, c);
		sa__repl__snapshot_chunk__free_unpacked(c, NULL);
	} else if (f->type == RT_MSG_DELTA) {
		d = sa__repl__state_delta__unpack(NULL, f->len, f->payload);
		if (d == NULL || !ranges_well_formed(&d->ranges)) {
			*why = RT_REJECT_MALFORMED;
			sa__repl__state_delta__free_unpacked(d, NULL);
		} else {
			*why = take_delta(ap, d, &staged);
			if (!staged)
				sa__repl__state_delta__free_unpacked(d, NULL);
		}
	} else if (f->type == RT_MSG_BYE) {
		*why = take_bye(ap, f);
		if (*why == RT_REJECT_NONE)
			return RT_APPLY_BYE;
	} else {
		/* Hellos are over once the session runs; acks go the
		 * other way. */
		*why = RT_REJECT_UNEXPECTED;
	}
	return *why == RT_REJECT_NONE ? 0 : -EBADMSG;
}
