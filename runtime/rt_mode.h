/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_MODE_H
#define RT_MODE_H

/*
 * Replication modes (--replicate), as strategy ops: each tells the primary
 * which bytes of replicated memory a batch dirtied.
 *
 *   analyzed    hook ranges of class OUTPUT_IMPACTING   (rt_mode_hook.c)
 *   updateable  all hook ranges                         (rt_mode_hook.c)
 *   pages       dirty 4 KiB pages since the last batch  (rt_mode_pages.c)
 *   snapshot    everything, every batch                 (rt_mode_full.c)
 *   off         nothing: deltas carry only the counters (rt_mode_full.c)
 *
 * Without a manifest the middlebox is not instrumented and calls no hook:
 * analyzed and updateable then track the arena's dirty pages like pages
 * mode (said so in a log line), so every mode works on the arena alone.
 */

#include <stdint.h>

#include "rt_dirty.h"
#include "rt_repl_stats.h"
#include "rt_rmap.h"

enum rt_repl_mode {
	RT_REPL_OFF = 0,
	RT_REPL_ANALYZED,
	RT_REPL_UPDATEABLE,
	RT_REPL_PAGES,
	RT_REPL_SNAPSHOT,
	RT_REPL_MODE_COUNT,
};

/** --replicate name of @p m. */
const char *rt_repl_mode_name(enum rt_repl_mode m);

/** Mode named @p name, or -EINVAL. */
int rt_repl_mode_parse(const char *name);

struct rt_mode;

struct rt_mode_ops {
	const char *name;
	/** Starts tracking; 0 or -errno (logged). */
	int (*start)(struct rt_mode *md);
	/**
	 * What the batch that just ended dirtied, sorted and disjoint, valid
	 * until the next call. *all set: replicate everything instead.
	 * @return the number of ranges.
	 */
	unsigned int (*collect)(struct rt_mode *md,
				const struct rt_range **out, int *all);
	/** Forgets what is dirty: everything was just copied. */
	void (*reset)(struct rt_mode *md);
	void (*stop)(struct rt_mode *md);
};

struct rt_mode {
	const struct rt_mode_ops *ops;
	enum rt_repl_mode mode;
	const struct rt_rmap *rmap;
	struct rt_repl_stats *stats;
	int verify;
	void *priv;
};

extern const struct rt_mode_ops rt_mode_hook_ops;
extern const struct rt_mode_ops rt_mode_pages_ops;
extern const struct rt_mode_ops rt_mode_snapshot_ops;
extern const struct rt_mode_ops rt_mode_off_ops;

/**
 * Picks the ops for @p mode (see above) and starts them.
 * @return 0 or -errno.
 */
int rt_mode_init(struct rt_mode *md, enum rt_repl_mode mode,
		 const struct rt_rmap *m, int verify,
		 struct rt_repl_stats *stats);

void rt_mode_fini(struct rt_mode *md);

#endif /* RT_MODE_H */
