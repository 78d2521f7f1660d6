/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * sa-tracegen: reproducible one-armed traffic for the middlebox tests and
 * benchmarks. The flow table is drawn first (tg_model), the scheduler
 * merges the flows' packets by time (tg_sched), each packet becomes a
 * frame (tg_frame, tg_malformed) and goes to the pcap (tg_writer). The
 * other profiles (--profile lb, ids, monitor) script sessions instead
 * (tg_prof and the tg_prof_* modules).
 */

#include <stdio.h>
#include <stdlib.h>

#include "tg_frame.h"
#include "tg_malformed.h"
#include "tg_model.h"
#include "tg_opts.h"
#include "tg_prof.h"
#include "tg_rng.h"
#include "tg_sched.h"
#include "tg_writer.h"

#define TG_FRAME_MAX		2048
#define TG_US_PER_S		1e6
/* Keeps the malformed-frame stream apart from the flow stream. */
#define TG_MALFORMED_SEED_MIX	0x6d616c666f726dull

struct tg_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t dir[2];	/**< valid packets per enum tg_dir */
	uint64_t malformed;
	uint64_t first_us, last_us;
	int capped;
};

struct tg_run {
	struct tg_model model;
	struct tg_sched sched;
	struct tg_writer writer;
	struct tg_rng mal_rng;
	struct tg_stats st;
	uint8_t frame[TG_FRAME_MAX];
	uint8_t bad[TG_FRAME_MAX];
};

static int
tg_room(const struct tg_run *r)
{
	uint64_t max = r->model.o->max_packets;

	return max == 0 || r->st.packets < max;
}

static void
tg_put(struct tg_run *r, uint64_t ts_us, const uint8_t *frame, size_t len)
{
	tg_writer_put(&r->writer, ts_us, frame, (uint32_t)len);
	if (r->st.packets == 0)
		r->st.first_us = ts_us;
	r->st.last_us = ts_us;
	r->st.packets++;
	r->st.bytes += len;
}

/* One packet of the flow due next, maybe followed by a broken copy. */
static int
tg_step(struct tg_run *r, struct tg_flow *f)
{
	const struct tg_opts *o = r->model.o;
	uint64_t ts = f->next_us;
	struct tg_frame_info info;
	struct tg_pkt pkt;
	size_t len;
	int more;

	more = tg_model_next(&r->model, f, &pkt);
	len = tg_frame_build(&r->model, f, &pkt, ts, 0, r->frame,
			     sizeof(r->frame), &info);
	if (len == 0) {
		fprintf(stderr, "sa-tracegen: internal error: frame does not "
			"fit in %zu bytes\n", sizeof(r->frame));
		return -1;
	}
	tg_put(r, ts, r->frame, len);
	r->st.dir[pkt.dir]++;
	if (o->malformed_pct > 0 && tg_room(r) &&
	    tg_chance(tg_rng_next(&r->mal_rng), o->malformed_pct)) {
		len = tg_malformed_build(&r->model, f, &pkt, ts, r->frame,
					 &info, tg_rng_next(&r->mal_rng),
					 r->bad, sizeof(r->bad));
		if (len > 0) {
			tg_put(r, ts, r->bad, len);
			r->st.malformed++;
		}
	}
	tg_sched_done(&r->sched, more);
	return 0;
}

static int
tg_generate(struct tg_run *r)
{
	struct tg_flow *f;

	while ((f = tg_sched_peek(&r->sched)) != NULL) {
		if (!tg_room(r)) {
			r->st.capped = 1;
			break;
		}
		if (tg_step(r, f) < 0)
			return -1;
	}
	return 0;
}

static void
tg_print_stats(const struct tg_run *r)
{
	const struct tg_model *m = &r->model;
	const struct tg_stats *st = &r->st;

	printf("packets=%llu\nbytes=%llu\nin2out=%llu\nout2in=%llu\n"
	       "malformed=%llu\n",
	       (unsigned long long)st->packets, (unsigned long long)st->bytes,
	       (unsigned long long)st->dir[0], (unsigned long long)st->dir[1],
	       (unsigned long long)st->malformed);
	printf("flows=%llu\nflows_tcp=%llu\nflows_udp=%llu\nflows_icmp=%llu\n"
	       "flows_unsolicited=%llu\nflows_ipv6=%llu\nflows_vlan=%llu\n",
	       (unsigned long long)m->n_flows,
	       (unsigned long long)m->kind_count[TG_KIND_TCP],
	       (unsigned long long)m->kind_count[TG_KIND_UDP],
	       (unsigned long long)m->kind_count[TG_KIND_ICMP],
	       (unsigned long long)m->kind_count[TG_KIND_UNSOLICITED],
	       (unsigned long long)m->v6_flows,
	       (unsigned long long)m->vlan_flows);
	printf("trace_seconds=%.6f\ncapped=%d\n",
	       st->packets ? (double)(st->last_us - st->first_us) /
			     TG_US_PER_S : 0.0,
	       st->capped);
}

int
main(int argc, char **argv)
{
	static struct tg_run run;
	struct tg_opts opts;
	int rc;

	rc = tg_opts_parse(argc, argv, &opts);
	if (rc != 0) {
		tg_opts_fini(&opts);
		return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	rc = EXIT_FAILURE;
	if (opts.profile != TG_PROFILE_DEFAULT) {
		if (tg_prof_main(&opts) == 0)
			rc = EXIT_SUCCESS;
		goto err_opts;
	}
	if (tg_model_init(&run.model, &opts) < 0)
		goto err_opts;
	if (tg_sched_init(&run.sched, run.model.flows,
			  run.model.n_flows) < 0) {
		fprintf(stderr, "sa-tracegen: out of memory\n");
		goto err_model;
	}
	if (tg_writer_open(&run.writer, opts.out) < 0)
		goto err_sched;
	tg_rng_seed(&run.mal_rng, opts.seed ^ TG_MALFORMED_SEED_MIX);
	if (tg_generate(&run) < 0) {
		tg_writer_close(&run.writer);
		goto err_sched;
	}
	if (tg_writer_close(&run.writer) < 0)
		goto err_sched;
	if (opts.stats)
		tg_print_stats(&run);
	rc = EXIT_SUCCESS;
err_sched:
	tg_sched_fini(&run.sched);
err_model:
	tg_model_fini(&run.model);
err_opts:
	tg_opts_fini(&opts);
	return rc;
}
