/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_CONFIG_H
#define HA_CONFIG_H

/*
 * sa-hadaemon's INI configuration (configs/hadaemon-a.ini documents every
 * key). Loading checks everything it can before the daemon starts: an
 * unknown section or key, a bad value, a missing required key, a missing
 * key file or an unwritable state directory is reported as
 * "FILE:LINE: message" and fails the load.
 */

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ha_log.h"

#define HA_VIPS_MAX		16
#define HA_PATH_MAX		108	/* sun_path */
#define HA_IFNAME_MAX		16

/* Defaults, justified where they are defined (ha_config.c). */
#define HA_INTERVAL_DEFAULT_US	2000
#define HA_MISS_DEFAULT		4
#define HA_RT_PRIORITY_MAX	99

struct ha_vip {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];
};

struct ha_config {
	const char *path;
	/* [daemon] */
	uint32_t node_id;
	char state_dir[4096];
	char control_socket[HA_PATH_MAX];
	char key_file[4096];
	enum ha_log_dest log;
	int debug;
	int rt_priority;		/* SCHED_FIFO priority, 0: off */
	/* [heartbeat] */
	struct sockaddr_storage listen;
	socklen_t listen_len;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	uint64_t interval_us;
	unsigned int miss_count;
	/* [runtime] */
	char runtime_socket[HA_PATH_MAX];
	char on_demote[4096];		/* "" : none */
	/* [announce] */
	char interface[HA_IFNAME_MAX];	/* "": no announcement */
	uint8_t mac[6];
	int have_mac;
	struct ha_vip vip[HA_VIPS_MAX];
	unsigned int n_vips;
	unsigned int announce_count;
	uint64_t announce_interval_us;
};

/**
 * Reads @p path into @p c. Messages go to stderr as FILE:LINE: ...
 * @return 0 or -EINVAL (config), -errno (file).
 */
int ha_config_load(const char *path, struct ha_config *c);

/** "HOST:PORT" (IPv4, or [IPv6]:PORT) into @p ss. @return 0 or -EINVAL. */
int ha_addr_parse(const char *text, struct sockaddr_storage *ss,
		  socklen_t *len);

/** "2ms", "500us", "1s", bare number = ms. @return 0 or -EINVAL. */
int ha_duration_parse(const char *text, uint64_t *us);

#endif /* HA_CONFIG_H */
