/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PC_CHECK_H
#define PC_CHECK_H

/**
 * @file
 * The checks of sa-pcapcheck. Each walks the output capture once, pairing
 * every output frame with the first input frame after the previous pair
 * that it can have come from (frames the device dropped are skipped), and
 * stops at the first violation with "OUT: packet N: what is wrong".
 *
 * Each returns 0 after printing key=value summary lines, 1 after
 * printing the violation or file error.
 */

#include <stdint.h>

#include <sa/prefix.h>

#include "pc_lbconf.h"
#include "tl_parse.h"

/** Output frames equal input frames byte for byte, in order. */
int pc_check_subset(const char *in, const char *out);

/** Output is the input as translated by a NAT with @p pool, inside
 *  hosts being @p inside (see middleboxes/nat/nat.h). */
int pc_check_nat(const char *in, const char *out, const struct tl_pool *pool,
		 const struct sa_prefix_set *inside);

/** Output is the input as balanced by the lb middlebox with @p cfg
 *  (see middleboxes/lb/lb.h), whose backend changes (if any) it applies
 *  at their input positions. */
int pc_check_lb(const char *in, const char *out, struct pc_lbconf *cfg);

/** Prints packets=N for @p path. */
int pc_check_count(const char *path);

#endif /* PC_CHECK_H */
