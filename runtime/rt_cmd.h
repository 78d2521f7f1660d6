/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_CMD_H
#define RT_CMD_H

/*
 * Operator commands (sa_middlebox.command, sa/mbox.h): the checks every
 * command line passes before a middlebox sees it, whether it comes from
 * the control socket (sa-ctl mb), a --commands schedule or a StateDelta;
 * and the schedule itself.
 *
 * A command runs on the datapath lcore between two packets. Its position
 * is an input count: the number of packets received before it ran, so
 * position P runs right before input packet P (counted from 0) is
 * processed, P = 0 before the first. The primary replicates each
 * command that succeeded with its position (proto/replication.proto,
 * Command), and the standby runs it before it applies the delta's ranges.
 *
 * Schedule file (--commands FILE), for traces and tests: one command per
 * line,
 *
 *   INPUT_COUNT COMMAND...        e.g. "1500 backend 192.0.2.10:80/tcp
 *                                       10.1.0.2:8080 drain"
 *
 * INPUT_COUNT decimal and never below the previous line's (commands of
 * one position run in file order, at most RT_CMD_PER_POS_MAX of them);
 * blank lines and lines starting with '#' are skipped. A command whose
 * position is never reached (the input ends first) never runs. A promoted
 * standby skips the commands before the input count it resumes from:
 * those reached it through replication.
 */

#include <stddef.h>
#include <stdint.h>

#include <sa/mbox.h>

/** Longest line, NUL included. */
#define RT_CMD_LINE_MAX		SA_MB_COMMAND_MAX
/** Longest reply a middlebox may give. */
#define RT_CMD_REPLY_MAX	256
/** Commands one batch (one StateDelta) may carry. */
#define RT_CMD_BATCH_MAX	4096
/** Commands a schedule may place at one input position: a batch holds
 *  at most two bursts of 64, so a batch's schedule fits a delta. */
#define RT_CMD_PER_POS_MAX	16

struct rt_cmd {
	uint64_t input_count;	/* runs before input packet input_count */
	char *line;
};

struct rt_cmd_sched {
	struct rt_cmd *cmds;	/* by position, then file order */
	size_t n;
	size_t cap;
	size_t next;		/* the next to run */
};

/**
 * Whether @p len bytes at @p line may be a command: 1 to
 * RT_CMD_LINE_MAX - 1 bytes of UTF-8 (shortest forms, no surrogates)
 * without control characters (no NUL, newline or DEL either).
 * @return NULL, or what is wrong with it.
 */
const char *rt_cmd_check(const char *line, size_t len);

/**
 * Reads the schedule file @p path into @p s (zeroed first).
 * @return 0, or -errno after printing "PATH:LINE: message" on stderr.
 */
int rt_cmd_sched_load(const char *path, struct rt_cmd_sched *s);

void rt_cmd_sched_free(struct rt_cmd_sched *s);

/** Skips the commands placed before @p input_count. @return how many. */
size_t rt_cmd_sched_skip(struct rt_cmd_sched *s, uint64_t input_count);

/** Position of the next command, UINT64_MAX when there is none. */
static inline uint64_t
rt_cmd_sched_next_at(const struct rt_cmd_sched *s)
{
	return s != NULL && s->next < s->n ? s->cmds[s->next].input_count :
					     UINT64_MAX;
}

#endif /* RT_CMD_H */
