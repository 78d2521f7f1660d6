/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PC_LBCONF_H
#define PC_LBCONF_H

/**
 * @file
 * The [lb] section of an lb configuration as the lb check needs it
 * (tools/common/tl_lbconf.h), read line by line (KEY = VALUE, '#' and
 * ';' comments), and the backend changes of a --commands schedule.
 */

#include <stddef.h>
#include <stdint.h>

#include "tl_lbconf.h"

/** A backend state change of a --commands schedule. */
struct pc_lb_change {
	uint64_t at;		/**< before input packet at (from 0) */
	uint16_t be;
	uint8_t state;
};

struct pc_lbconf {
	struct tl_lbconf lb;		/**< the [lb] section */
	struct pc_lb_change *chg;	/**< by position; NULL: none */
	uint32_t n_chg, next_chg;
};

/** Reads @p path; prints "PATH:LINE: why" and returns -1 on error. */
int pc_lbconf_load(const char *path, struct pc_lbconf *c);

/**
 * Reads the backend changes of an sa-runtime --commands file (lines
 * "INPUT_COUNT backend SERVICE BACKEND up|drain|down", lb's command);
 * prints "PATH:LINE: why" and returns -1 on error.
 */
int pc_lbconf_commands(const char *path, struct pc_lbconf *c);

/** Applies the changes placed at or before input packet @p pos (from
 *  0), as the runtime does before processing it. */
void pc_lbconf_advance(struct pc_lbconf *c, uint64_t pos);

void pc_lbconf_free(struct pc_lbconf *c);

/** "[a:b::c]:p" or "a.b.c.d:p" of @p e into @p buf. */
static inline const char *
pc_ep_str(const struct tl_lb_ep *e, char *buf, size_t len)
{
	return tl_lb_ep_str(e, false, buf, len);
}

#endif /* PC_LBCONF_H */
