/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "rt_log.h"
#include "rt_mode.h"

static const char *const rt_mode_names[RT_REPL_MODE_COUNT] = {
	[RT_REPL_OFF] = "off",
	[RT_REPL_ANALYZED] = "analyzed",
	[RT_REPL_UPDATEABLE] = "updateable",
	[RT_REPL_PAGES] = "pages",
	[RT_REPL_SNAPSHOT] = "snapshot",
};

const char *
rt_repl_mode_name(enum rt_repl_mode m)
{
	return (unsigned int)m < RT_REPL_MODE_COUNT ? rt_mode_names[m] : "?";
}

int
rt_repl_mode_parse(const char *name)
{
	int i;

	for (i = 0; i < RT_REPL_MODE_COUNT; i++)
		if (strcmp(name, rt_mode_names[i]) == 0)
			return i;
	return -EINVAL;
}

static const struct rt_mode_ops *
pick_ops(enum rt_repl_mode mode, const struct rt_rmap *m)
{
	switch (mode) {
	case RT_REPL_ANALYZED:
	case RT_REPL_UPDATEABLE:
		if (m->has_manifest)
			return &rt_mode_hook_ops;
		RT_LOG(NOTICE, "--replicate %s: the middlebox has no manifest "
		       "(not instrumented, so no dirty hooks): replicating "
		       "the arena's dirty pages instead, as pages mode\n",
		       rt_repl_mode_name(mode));
		return &rt_mode_pages_ops;
	case RT_REPL_PAGES:
		return &rt_mode_pages_ops;
	case RT_REPL_SNAPSHOT:
		return &rt_mode_snapshot_ops;
	default:
		return &rt_mode_off_ops;
	}
}

static uint64_t
manifest_bytes(const struct rt_rmap *m)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < m->n_regions; i++)
		n += m->regions[i].len;
	return n;
}

int
rt_mode_init(struct rt_mode *md, enum rt_repl_mode mode,
	     const struct rt_rmap *m, int verify, struct rt_repl_stats *stats)
{
	memset(md, 0, sizeof(*md));
	md->mode = mode;
	md->rmap = m;
	md->verify = verify;
	md->stats = stats;
	md->ops = pick_ops(mode, m);
	if (!m->has_manifest)
		RT_LOG(INFO, "replicated memory: the arena only (no manifest), "
		       "0x%" PRIx64 "+0x%" PRIx64 "\n", m->arena_lo,
		       m->arena_hi - m->arena_lo);
	else
		RT_LOG(INFO, "replicated memory: manifest present, %u "
		       "regions (%" PRIu64 " bytes), and the arena 0x%" PRIx64
		       "+0x%" PRIx64 "; --replicate %s uses %s\n",
		       m->n_regions, manifest_bytes(m), m->arena_lo,
		       m->arena_hi - m->arena_lo, rt_repl_mode_name(mode),
		       md->ops->name);
	return md->ops->start(md);
}

void
rt_mode_fini(struct rt_mode *md)
{
	if (md->ops != NULL)
		md->ops->stop(md);
	md->ops = NULL;
}
