/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_LOG_H
#define RT_LOG_H

/* The runtime's own rte_log type ("sa.runtime"); registered in rt_ctx.c. */

#include <rte_log.h>

extern int rt_logtype;

#define RT_LOG(level, ...) \
	rte_log(RTE_LOG_##level, rt_logtype, "sa-runtime: " __VA_ARGS__)

#endif /* RT_LOG_H */
