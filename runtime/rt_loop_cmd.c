/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath's operator commands (rt_cmd.h): the --commands schedule,
 * run right before the packet of each command's position; sa-ctl mb,
 * run between batches; and, on a standby, the commands its primary
 * replicated, run by rt_apply before a delta's ranges. Commands are
 * operator actions, rare by nature: each one is logged.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include "rt_log.h"
#include "rt_loop_priv.h"

/*
 * Runs @p line at input position @p at. @return 0 or the middlebox's
 * -errno, reason in @p msg; *refused set when it never reached the
 * middlebox (not primary, no command callback, bad line, full log).
 */
static int
cmd_run(struct rt_loop *l, const char *line, uint64_t at, char *msg,
	size_t len, int *refused)
{
	const char *why = rt_cmd_check(line, strlen(line));
	int ret;

	*refused = 1;
	msg[0] = '\0';
	if (l->repl != NULL && rt_repl_role(l->repl) == RT_ROLE_STANDBY)
		why = "not primary: operator commands go to the primary, "
		      "which replicates them";
	else if (l->mb->command == NULL)
		why = "this middlebox takes no commands";
	else if (why == NULL && l->repl != NULL &&
		 !rt_repl_command_room(l->repl))
		why = "too many commands in one batch";
	if (why != NULL) {
		snprintf(msg, len, "%s", why);
		l->stats->cmds_failed++;
		return -EINVAL;
	}
	*refused = 0;
	ret = l->mb->command(l->ctx, line, msg, len);
	if (ret == 0 && l->repl != NULL &&
	    rt_repl_command(l->repl, at, line) < 0)
		RT_LOG(ERR, "command at input %" PRIu64 " ran but cannot be "
		       "replicated: out of memory\n", at);
	if (ret == 0)
		l->stats->cmds_run++;
	else
		l->stats->cmds_failed++;
	rte_log(ret == 0 ? RTE_LOG_NOTICE : RTE_LOG_WARNING, rt_logtype,
		"sa-runtime: command at input %" PRIu64 ": '%s': %s%s\n", at,
		line, ret == 0 ? "ok: " : "failed: ", msg);
	return ret;
}

void
rt_loop_cmd_due(struct rt_loop *l, uint64_t pos)
{
	char msg[RT_CMD_REPLY_MAX];
	const struct rt_cmd *c;
	int refused;

	while (rt_cmd_sched_next_at(l->cmds) <= pos) {
		c = &l->cmds->cmds[l->cmds->next++];
		if (cmd_run(l, c->line, pos, msg, sizeof(msg), &refused) != 0 &&
		    refused)
			RT_LOG(WARNING, "command at input %" PRIu64 ": '%s' "
			       "refused: %s\n", pos, c->line, msg);
	}
	l->next_cmd_at = rt_cmd_sched_next_at(l->cmds);
}

void
rt_loop_cmd_start(struct rt_loop *l)
{
	size_t n;

	if (l->cmds == NULL)
		return;
	/* A promoted standby: what its state covers reached it as
	 * replicated commands. */
	n = rt_cmd_sched_skip(l->cmds, l->input_count);
	l->stats->cmds_skipped += n;
	if (n > 0)
		RT_LOG(INFO, "--commands: %zu commands before input %" PRIu64
		       " skipped (replicated)\n", n, l->input_count);
	l->next_cmd_at = rt_cmd_sched_next_at(l->cmds);
}

int
rt_loop_command_cb(void *arg, const char *line, Sa__Ha__MbCommandReply *rep,
		   char *msg, size_t len, Sa__Ha__ErrorCode *code)
{
	struct rt_loop *l = arg;
	int refused, ret;

	ret = cmd_run(l, line, l->input_count, msg, len, &refused);
	if (refused) {
		*code = l->repl != NULL &&
			rt_repl_role(l->repl) == RT_ROLE_STANDBY ?
			SA__HA__ERROR_CODE__ERROR_NOT_PRIMARY :
			SA__HA__ERROR_CODE__ERROR_BAD_REQUEST;
		return ret;
	}
	rep->result = ret;
	rep->message = msg;
	rep->input_count = l->input_count;
	/* Between batches: ship it now, not with the next batch, which may
	 * be long in coming. */
	if (ret == 0 && l->repl != NULL &&
	    rt_repl_role(l->repl) == RT_ROLE_PRIMARY)
		rt_loop_repl_batch_end(l);
	return 0;
}

/* Standby: a replicated command (rt_apply, before the delta's ranges). */
static int
apply_cmd_cb(void *arg, const char *line, char *reply, size_t len)
{
	struct rt_loop *l = arg;

	if (l->mb->command == NULL) {
		snprintf(reply, len, "this middlebox takes no commands");
		return -ENOTSUP;
	}
	return l->mb->command(l->ctx, line, reply, len);
}

void
rt_loop_cmd_attach(struct rt_loop *l)
{
	if (l->repl != NULL && rt_repl_role(l->repl) == RT_ROLE_STANDBY)
		rt_repl_set_command(l->repl, apply_cmd_cb, l);
}
