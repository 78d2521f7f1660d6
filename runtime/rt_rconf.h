/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_RCONF_H
#define RT_RCONF_H

/*
 * The configuration replication needs: the state arena and the control
 * socket from [runtime], and the [replication] section. Errors are
 * reported as FILE:LINE like every other configuration error.
 *
 *   [runtime]      arena_base = 0x600000000000   (page-aligned address)
 *                  arena_size = 1G               (bytes; K, M, G suffixes)
 *                  control_socket = /run/sa.ctl  (optional)
 *   [replication]  key_file = /etc/sa/repl.key   (roles primary, standby)
 *                  ack_timeout = 200ms
 *                  reconnect = 1s
 */

#include <stdint.h>

#include <sa/config.h>

/* High above the heap, DPDK's default VA base (4 GiB) and the mmap area
 * below the stack, which ASLR keeps near 0x7f.. on x86-64. */
#define RT_ARENA_BASE_DEFAULT	0x600000000000ULL
#define RT_ARENA_SIZE_DEFAULT	(1ULL << 30)

struct rt_rconf {
	uint64_t arena_base;
	uint64_t arena_size;
	const char *control_socket;	/* NULL: none */
	const char *key_file;		/* NULL: absent */
	uint64_t ack_timeout_ns;
	uint64_t reconnect_ns;
};

/** The [runtime] keys this module reads, for the unknown-key check. */
extern const char *const rt_rconf_runtime_keys[];
extern const unsigned int rt_rconf_n_runtime_keys;

/**
 * Reads @p runtime and @p repl (either may be an empty section).
 * @p need_key: a replicating role, for which key_file is required.
 * @return 0 or -EINVAL (reported).
 */
int rt_rconf_parse(const struct sa_config *runtime,
		   const struct sa_config *repl, int need_key,
		   struct rt_rconf *out);

#endif /* RT_RCONF_H */
