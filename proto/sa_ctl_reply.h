/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_CTL_REPLY_H
#define SA_CTL_REPLY_H

/*
 * A helper of the control protocol (ha.proto, ControlReply) shared by its
 * two servers, sa-runtime's control socket (runtime/rt_control.c) and
 * sa-hadaemon's (ha-daemon/ha_ctl.c).
 */

#include <stdint.h>

#include "ha.pb-c.h"

/** Makes @p rep an error reply: @p err (the caller's, like @p msg, alive
 *  until @p rep is packed) with @p code and @p msg. */
static inline void
sa_ctl_reply_error(Sa__Ha__ControlReply *rep, Sa__Ha__Error *err,
		   Sa__Ha__ErrorCode code, const char *msg)
{
	err->code = code;
	err->message = (char *)(uintptr_t)msg;
	rep->reply_case = SA__HA__CONTROL_REPLY__REPLY_ERROR;
	rep->error = err;
}

#endif /* SA_CTL_REPLY_H */
