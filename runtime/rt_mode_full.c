/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two modes that track nothing. snapshot replicates all replicated
 * memory after every batch (the naive baseline); off replicates none of it,
 * yet still sends one empty delta per batch, so the standby knows the
 * input count and clock and the failover harness can show what is lost.
 */
#include "rt_mode.h"

static int
none_start(struct rt_mode *md)
{
	(void)md;
	return 0;
}

static unsigned int
snapshot_collect(struct rt_mode *md, const struct rt_range **out, int *all)
{
	(void)md;
	*out = NULL;
	*all = 1;
	return 0;
}

static unsigned int
off_collect(struct rt_mode *md, const struct rt_range **out, int *all)
{
	(void)md;
	*out = NULL;
	*all = 0;
	return 0;
}

static void
none_reset(struct rt_mode *md)
{
	(void)md;
}

const struct rt_mode_ops rt_mode_snapshot_ops = {
	.name = "snapshot",
	.start = none_start,
	.collect = snapshot_collect,
	.reset = none_reset,
	.stop = none_reset,
};

const struct rt_mode_ops rt_mode_off_ops = {
	.name = "off",
	.start = none_start,
	.collect = off_collect,
	.reset = none_reset,
	.stop = none_reset,
};
