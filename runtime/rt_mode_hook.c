/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * analyzed and updateable: the ranges instrumented stores reported through
 * sa_dirty_hook(), plus the allocator's own writes. analyzed logs only
 * OUTPUT_IMPACTING ranges; with --verify-replica it logs UPDATE_ONLY ones
 * too, so that byte equality of the replica checks that no store escaped
 * the instrumentation (whether the classification is right is what the
 * failover test checks).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt_log.h"
#include "rt_mode.h"

static int
hook_start(struct rt_mode *md)
{
	uint32_t mask = RT_DIRTY_CLASS(SA_DIRTY_OUTPUT_IMPACTING);

	if (md->mode == RT_REPL_UPDATEABLE || md->verify)
		mask |= RT_DIRTY_CLASS(SA_DIRTY_UPDATE_ONLY);
	if (md->mode == RT_REPL_ANALYZED && md->verify)
		RT_LOG(NOTICE, "--verify-replica: analyzed also sends "
		       "UPDATE_ONLY ranges so that replicas compare equal\n");
	/* The batch's ranges are copied out so the log can start over. */
	md->priv = calloc(RT_DIRTY_LOG_MAX, sizeof(struct rt_range));
	if (md->priv == NULL)
		return -ENOMEM;
	rt_dirty_enable(md->rmap, mask);
	return 0;
}

static unsigned int
hook_collect(struct rt_mode *md, const struct rt_range **out, int *all)
{
	const struct rt_range *log;
	unsigned int n = rt_dirty_collect(&log, all);

	memcpy(md->priv, log, n * sizeof(*log));
	rt_dirty_reset();
	*out = md->priv;
	return n;
}

static void
hook_reset(struct rt_mode *md)
{
	(void)md;
	rt_dirty_reset();
}

static void
hook_stop(struct rt_mode *md)
{
	rt_dirty_disable();
	free(md->priv);
	md->priv = NULL;
}

const struct rt_mode_ops rt_mode_hook_ops = {
	.name = "hooks",
	.start = hook_start,
	.collect = hook_collect,
	.reset = hook_reset,
	.stop = hook_stop,
};
