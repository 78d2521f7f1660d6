/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The profile runner. Sessions are sorted by start time; a session is
 * built when no frame still to be written is earlier than its start, and
 * its frames wait in its tg_out. A binary min-heap over the live sessions,
 * ordered by (next frame time, draw order), merges them, so memory
 * follows the sessions in flight, not the trace.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sa/headers.h>

#include "tg_frame.h"
#include "tg_malformed.h"
#include "tg_model.h"
#include "tg_prof.h"
#include "tg_writer.h"

#define TG_OUT_ALIGN		8
#define TG_OUT_CAP_MIN		4096
#define TG_SESS_CAP_MIN		1024
#define TG_US_PER_S		1e6
#define TG_BAD_FRAME_MAX	2048
/* Keeps the malformed-frame stream apart from the session streams, and
 * each profile's sessions apart from another's. */
#define TG_MALFORMED_SEED_MIX	0x6d616c666f726dull
#define TG_PROF_SEED_MIX	0x70726f66696c65ull

struct tg_live {
	struct tg_out out;
	size_t pos;		/**< next record in out.buf */
	uint64_t next_us;
	uint32_t order;
};

struct tg_run_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t malformed;
	uint64_t first_us, last_us;
	int capped;
};

struct tg_prof_run {
	struct tg_prof prof;
	struct tg_writer writer;
	struct tg_rng mal_rng;
	struct tg_live **heap;
	uint32_t n_live;
	struct tg_run_stats st;
	uint8_t bad[TG_BAD_FRAME_MAX];
};

static size_t
tg_out_round(size_t n)
{
	return (n + TG_OUT_ALIGN - 1) & ~(size_t)(TG_OUT_ALIGN - 1);
}

void
tg_out_put(struct tg_out *out, uint64_t ts_us, const uint8_t *frame,
	   uint32_t len)
{
	size_t need = sizeof(struct tg_rec) + tg_out_round(len);
	struct tg_rec rec = { .ts_us = ts_us, .len = len };
	size_t cap;
	uint8_t *b;

	if (out->failed)
		return;
	/* Builders keep time order; a frame before its predecessor would
	 * break the merge, so it is an error, not something to sort. */
	if (out->n > 0 && ts_us < out->last_us) {
		fprintf(stderr, "sa-tracegen: internal error: frame out of "
			"time order in a session\n");
		out->failed = 1;
		return;
	}
	if (out->len + need > out->cap) {
		cap = out->cap ? out->cap : TG_OUT_CAP_MIN;
		while (cap < out->len + need)
			cap *= 2;
		b = realloc(out->buf, cap);
		if (b == NULL) {
			fprintf(stderr, "sa-tracegen: out of memory\n");
			out->failed = 1;
			return;
		}
		out->buf = b;
		out->cap = cap;
	}
	memcpy(out->buf + out->len, &rec, sizeof(rec));
	memcpy(out->buf + out->len + sizeof(rec), frame, len);
	out->last_off = out->len;
	out->len += need;
	out->last_us = ts_us;
	out->n++;
}

uint32_t
tg_out_filter(struct tg_out *out,
	      int (*drop)(void *arg, uint64_t ts_us, const uint8_t *frame,
			  uint32_t len),
	      void *arg)
{
	size_t rd = 0, wr = 0, need;
	uint32_t removed = 0;
	struct tg_rec rec;

	while (rd < out->len) {
		memcpy(&rec, out->buf + rd, sizeof(rec));
		need = sizeof(rec) + tg_out_round(rec.len);
		if (drop(arg, rec.ts_us, out->buf + rd + sizeof(rec), rec.len)) {
			removed++;
		} else {
			memmove(out->buf + wr, out->buf + rd, need);
			out->last_off = wr;
			out->last_us = rec.ts_us;
			wr += need;
		}
		rd += need;
	}
	out->len = wr;
	out->n -= removed;
	return removed;
}

const uint8_t *
tg_out_last(const struct tg_out *out, uint32_t *len)
{
	struct tg_rec rec;

	if (out->n == 0 || out->failed)
		return NULL;
	memcpy(&rec, out->buf + out->last_off, sizeof(rec));
	*len = rec.len;
	return out->buf + out->last_off + sizeof(rec);
}

struct tg_sess *
tg_prof_add(struct tg_prof *p, uint64_t start_us, uint32_t kind)
{
	struct tg_sess *s;
	uint32_t cap;

	if (p->n_sess == p->cap_sess) {
		cap = p->cap_sess ? 2 * p->cap_sess : TG_SESS_CAP_MIN;
		s = realloc(p->sess, (size_t)cap * sizeof(*s));
		if (s == NULL || cap <= p->cap_sess) {
			fprintf(stderr, "sa-tracegen: out of memory for "
				"%u sessions\n", p->n_sess);
			return NULL;
		}
		p->sess = s;
		p->cap_sess = cap;
	}
	s = &p->sess[p->n_sess];
	memset(s, 0, sizeof(*s));
	s->start_us = TG_EPOCH_US + start_us;
	s->rng = tg_rng_next(&p->rng);
	s->order = p->n_sess++;
	s->kind = kind;
	return s;
}

static int
tg_sess_cmp(const void *a, const void *b)
{
	const struct tg_sess *x = a, *y = b;

	if (x->start_us != y->start_us)
		return x->start_us < y->start_us ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
tg_live_before(const struct tg_live *a, const struct tg_live *b)
{
	return a->next_us < b->next_us ||
	       (a->next_us == b->next_us && a->order < b->order);
}

static void
tg_heap_down(struct tg_prof_run *r, uint32_t i)
{
	struct tg_live *v = r->heap[i];
	uint32_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= r->n_live)
			break;
		if (c + 1 < r->n_live &&
		    tg_live_before(r->heap[c + 1], r->heap[c]))
			c++;
		if (!tg_live_before(r->heap[c], v))
			break;
		r->heap[i] = r->heap[c];
		i = c;
	}
	r->heap[i] = v;
}

static void
tg_heap_up(struct tg_prof_run *r, uint32_t i)
{
	struct tg_live *v = r->heap[i];
	uint32_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!tg_live_before(v, r->heap[parent]))
			break;
		r->heap[i] = r->heap[parent];
		i = parent;
	}
	r->heap[i] = v;
}

static void
tg_live_free(struct tg_live *l)
{
	free(l->out.buf);
	free(l);
}

/* Builds session @p s and, if it has frames, makes it live. */
static int
tg_admit(struct tg_prof_run *r, struct tg_sess *s)
{
	struct tg_live *l = calloc(1, sizeof(*l));
	struct tg_rec rec;

	if (l == NULL) {
		fprintf(stderr, "sa-tracegen: out of memory\n");
		return -1;
	}
	r->prof.pos = r->st.packets;
	if (r->prof.ops->build(&r->prof, s, &l->out) < 0 || l->out.failed) {
		tg_live_free(l);
		return -1;
	}
	if (l->out.n == 0) {
		tg_live_free(l);
		return 0;
	}
	memcpy(&rec, l->out.buf, sizeof(rec));
	if (rec.ts_us < s->start_us) {
		fprintf(stderr, "sa-tracegen: internal error: a session's "
			"frame precedes its start\n");
		tg_live_free(l);
		return -1;
	}
	l->next_us = rec.ts_us;
	l->order = s->order;
	r->heap[r->n_live] = l;
	tg_heap_up(r, r->n_live++);
	return 0;
}

static int
tg_room(const struct tg_prof_run *r)
{
	uint64_t max = r->prof.o->max_packets;

	return max == 0 || r->st.packets < max;
}

static void
tg_write(struct tg_prof_run *r, uint64_t ts_us, const uint8_t *frame,
	 uint32_t len)
{
	tg_writer_put(&r->writer, ts_us, frame, len);
	if (r->st.packets == 0)
		r->st.first_us = ts_us;
	r->st.last_us = ts_us;
	r->st.packets++;
	r->st.bytes += len;
}

/* Where the headers of a whole TCP/UDP/ICMP frame are; -1 for other
 * frames (fragments, malformed ones), which get no broken copy. */
static int
tg_frame_info_of(const uint8_t *frame, uint32_t len,
		 struct tg_frame_info *info)
{
	struct sa_parsed p;

	if (sa_parse(frame, len, &p) != SA_DROP_NONE || !p.has_l4 ||
	    p.frag != SA_FRAG_NONE)
		return -1;
	info->len = len;
	info->l3_off = p.l3_off;
	info->l4_off = p.l4_off;
	info->l4_hdr_len = p.l4_hdr_len;
	info->family = p.l3;
	info->proto = p.l4_proto;
	return 0;
}

/* A valid frame, maybe followed by a broken copy of it. */
static void
tg_emit(struct tg_prof_run *r, uint64_t ts_us, const uint8_t *frame,
	uint32_t len)
{
	const struct tg_opts *o = r->prof.o;
	struct tg_frame_info info;
	size_t bad;

	tg_write(r, ts_us, frame, len);
	if (o->malformed_pct <= 0 || !tg_room(r) ||
	    !tg_chance(tg_rng_next(&r->mal_rng), o->malformed_pct) ||
	    tg_frame_info_of(frame, len, &info) < 0)
		return;
	bad = tg_malformed_frame(frame, &info, tg_rng_next(&r->mal_rng),
				 r->bad, sizeof(r->bad));
	if (bad > 0) {
		tg_write(r, ts_us, r->bad, (uint32_t)bad);
		r->st.malformed++;
	}
}

/* Writes the next frame of the earliest live session. */
static void
tg_step(struct tg_prof_run *r)
{
	struct tg_live *l = r->heap[0];
	struct tg_rec rec;

	memcpy(&rec, l->out.buf + l->pos, sizeof(rec));
	tg_emit(r, rec.ts_us, l->out.buf + l->pos + sizeof(rec), rec.len);
	l->pos += sizeof(rec) + tg_out_round(rec.len);
	if (l->pos < l->out.len) {
		memcpy(&rec, l->out.buf + l->pos, sizeof(rec));
		l->next_us = rec.ts_us;
	} else {
		tg_live_free(l);
		r->heap[0] = r->heap[--r->n_live];
	}
	if (r->n_live > 0)
		tg_heap_down(r, 0);
}

static int
tg_generate(struct tg_prof_run *r)
{
	struct tg_prof *p = &r->prof;
	uint32_t next = 0;

	for (;;) {
		/* A session starting before the earliest pending frame may
		 * have frames before it: build it first. */
		while (next < p->n_sess &&
		       (r->n_live == 0 ||
			p->sess[next].start_us < r->heap[0]->next_us)) {
			if (tg_admit(r, &p->sess[next++]) < 0)
				return -1;
		}
		if (r->n_live == 0)
			return 0;
		if (!tg_room(r)) {
			r->st.capped = 1;
			return 0;
		}
		tg_step(r);
	}
}

static void
tg_print_stats(const struct tg_prof_run *r)
{
	const struct tg_run_stats *st = &r->st;

	printf("profile=%s\npackets=%llu\nbytes=%llu\nmalformed=%llu\n"
	       "sessions=%u\n", r->prof.ops->name,
	       (unsigned long long)st->packets,
	       (unsigned long long)st->bytes,
	       (unsigned long long)st->malformed, r->prof.n_sess);
	printf("trace_seconds=%.6f\ncapped=%d\n",
	       st->packets ? (double)(st->last_us - st->first_us) /
			     TG_US_PER_S : 0.0, st->capped);
	r->prof.ops->stats(&r->prof);
}

static const struct tg_prof_ops *
tg_prof_ops_of(uint8_t profile)
{
	switch (profile) {
	case TG_PROFILE_LB:
		return &tg_prof_lb_ops;
	case TG_PROFILE_IDS:
		return &tg_prof_ids_ops;
	default:
		return &tg_prof_monitor_ops;
	}
}

static void
tg_prof_fini(struct tg_prof_run *r)
{
	while (r->n_live > 0)
		tg_live_free(r->heap[--r->n_live]);
	free(r->heap);
	r->prof.ops->fini(&r->prof);
	free(r->prof.sess);
}

int
tg_prof_main(const struct tg_opts *o)
{
	static struct tg_prof_run run;
	struct tg_prof_run *r = &run;
	int rc = -1;

	r->prof.o = o;
	r->prof.ops = tg_prof_ops_of(o->profile);
	tg_rng_seed(&r->prof.rng, o->seed ^ TG_PROF_SEED_MIX);
	tg_rng_seed(&r->mal_rng, o->seed ^ TG_MALFORMED_SEED_MIX);
	if (r->prof.ops->init(&r->prof) < 0)
		goto out;
	qsort(r->prof.sess, r->prof.n_sess, sizeof(*r->prof.sess),
	      tg_sess_cmp);
	r->heap = malloc(((size_t)r->prof.n_sess + 1) * sizeof(*r->heap));
	if (r->heap == NULL) {
		fprintf(stderr, "sa-tracegen: out of memory\n");
		goto out;
	}
	if (tg_writer_open(&r->writer, o->out) < 0)
		goto out;
	rc = tg_generate(r);
	if (tg_writer_close(&r->writer) < 0)
		rc = -1;
	if (rc == 0 && o->stats)
		tg_print_stats(r);
out:
	tg_prof_fini(r);
	return rc;
}
