/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_LOOP_H
#define RT_LOOP_H

/*
 * The datapath: RX bursts on each arm's queue, process() per packet in RX
 * order, verdicts into buffered TX drained on a TSC deadline, tick() on
 * the configured interval (of TSC or trace time). Runs on the calling
 * lcore until *quit is set, the run time ends or the input stays idle.
 * With replication, a primary sends each batch's delta and may hold the
 * batch's TX for its ack; a standby polls no RX until it is promoted.
 */

#include <stdbool.h>
#include <stdint.h>

#include "rt_args.h"
#include "rt_ctx.h"
#include "rt_port.h"

struct rt_repl;
struct rt_control;
struct rt_cmd_sched;

struct rt_loop_params {
	struct sa_ctx *ctx;
	const struct rt_port_conf *conf;
	const struct rt_args *args;
	volatile bool *quit;
	struct rt_repl *repl;		/* NULL: solo */
	struct rt_control *ctl;		/* NULL: none */
	struct rt_cmd_sched *cmds;	/* --commands, or NULL */
};

/** @return 0, or -errno if TX buffers cannot be set up or the trace clock
 *  has no timestamp field. */
int rt_loop_run(const struct rt_loop_params *p);

#endif /* RT_LOOP_H */
