/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The [monitor] configuration section.
 *
 *   inside             = PREFIX[, PREFIX...]  the networks whose hosts are
 *                                             assets (default: none)
 *   track              = inside | all         assets: sources inside, or
 *                                             every source (inside)
 *   os_signatures      = PATH                 OS signature file (none: no
 *                                             OS guesses), see mon_os.c
 *   service_signatures = PATH                 service signature file (none:
 *                                             services by port only), see
 *                                             mon_svc.c
 *   max_hosts          = N                    host records (65536)
 *   max_services       = N                    service records (65536)
 *   max_flows          = N                    connections awaiting their
 *                                             banner (65536)
 *   host_timeout       = DURATION             idle time before a host is
 *                                             forgotten (1h), to 1/16 of
 *                                             it (see struct mon_host)
 *   service_timeout    = DURATION             same for a service (1h); at
 *                                             most host_timeout
 *   flow_timeout       = DURATION             how long a banner is awaited
 *                                             after the SYN-ACK (30s)
 *
 * Paths are opened as given, relative to the runtime's working directory.
 * Unknown keys and keys given twice are errors, so a typo cannot leave a
 * default silently in force; a signature file that does not open is
 * reported against its key, a bad line in it as "PATH:LINE: message".
 */

#include <errno.h>
#include <string.h>

#include <sa/table.h>

#include "mon.h"

#define MON_MAX_HOSTS_DEFAULT		65536u
#define MON_MAX_SERVICES_DEFAULT	65536u
#define MON_MAX_FLOWS_DEFAULT		65536u
#define MON_HOST_TIMEOUT_DEFAULT	(3600 * MON_NS_PER_S)
#define MON_SERVICE_TIMEOUT_DEFAULT	(3600 * MON_NS_PER_S)
/* A server speaks within a few round trips of its SYN-ACK or not at all
 * (then the client spoke first, and its answer is the banner). */
#define MON_FLOW_TIMEOUT_DEFAULT	(30 * MON_NS_PER_S)
#define MON_TIMEOUT_MIN			MON_NS_PER_S
#define MON_TIMEOUT_MAX			(30ull * 24 * 3600 * MON_NS_PER_S)

static const char *const mon_config_keys[] = {
	"inside", "track", "os_signatures", "service_signatures",
	"max_hosts", "max_services", "max_flows",
	"host_timeout", "service_timeout", "flow_timeout",
};

static int
mon_config_check_keys(const struct sa_config *cfg)
{
	unsigned int i, k, n = sa_config_count(cfg);
	const char *key, *value;

	for (i = 0; i < n; i++) {
		if (sa_config_entry(cfg, i, &key, &value) < 0)
			return -EINVAL;
		for (k = 0; k < MON_ARRAY_SIZE(mon_config_keys); k++)
			if (strcmp(key, mon_config_keys[k]) == 0)
				break;
		if (k == MON_ARRAY_SIZE(mon_config_keys)) {
			sa_config_error(cfg, (int)i, "unknown key (known: "
					"inside, track, os_signatures, "
					"service_signatures, max_hosts, "
					"max_services, max_flows, host_timeout, "
					"service_timeout, flow_timeout)");
			return -EINVAL;
		}
		if (sa_config_find(cfg, key) != (int)i) {
			sa_config_error(cfg, (int)i, "given more than once");
			return -EINVAL;
		}
	}
	return 0;
}

static int
mon_config_track(const struct sa_config *cfg, struct mon_config *out)
{
	const char *track = sa_config_get(cfg, "track");
	const char *inside = sa_config_get(cfg, "inside");
	int idx = sa_config_find(cfg, "inside");
	int bad = 0, rc;

	if (inside != NULL) {
		rc = sa_prefix_set_parse(inside, &out->inside, &bad);
		if (rc == -E2BIG) {
			sa_config_error(cfg, idx, "more than %u prefixes",
					SA_PREFIX_SET_MAX);
			return -EINVAL;
		}
		if (rc < 0) {
			sa_config_error(cfg, idx, "element %d is not a prefix",
					bad + 1);
			return -EINVAL;
		}
	}
	if (track != NULL && strcmp(track, "all") == 0) {
		out->track_all = true;
		return 0;
	}
	if (track != NULL && strcmp(track, "inside") != 0) {
		sa_config_error(cfg, sa_config_find(cfg, "track"),
				"'%s' is neither 'inside' nor 'all'", track);
		return -EINVAL;
	}
	if (out->inside.n == 0) {
		sa_config_error(cfg, idx < 0 ? sa_config_find(cfg, "track") :
				idx, "track = inside needs inside prefixes "
				"(or track = all)");
		return -EINVAL;
	}
	return 0;
}

static int
mon_config_numbers(const struct sa_config *cfg, struct mon_config *out)
{
	uint64_t hosts, services, flows;

	if (sa_config_u64(cfg, "max_hosts", MON_MAX_HOSTS_DEFAULT, 1,
			  SA_TABLE_CAPACITY_MAX, &hosts) < 0 ||
	    sa_config_u64(cfg, "max_services", MON_MAX_SERVICES_DEFAULT, 1,
			  SA_TABLE_CAPACITY_MAX, &services) < 0 ||
	    sa_config_u64(cfg, "max_flows", MON_MAX_FLOWS_DEFAULT, 1,
			  SA_TABLE_CAPACITY_MAX, &flows) < 0)
		return -EINVAL;
	out->max_hosts = (uint32_t)hosts;
	out->max_services = (uint32_t)services;
	out->max_flows = (uint32_t)flows;
	if (sa_config_duration(cfg, "host_timeout", MON_HOST_TIMEOUT_DEFAULT,
			       MON_TIMEOUT_MIN, MON_TIMEOUT_MAX,
			       &out->host_timeout_ns) < 0 ||
	    sa_config_duration(cfg, "service_timeout",
			       MON_SERVICE_TIMEOUT_DEFAULT, MON_TIMEOUT_MIN,
			       MON_TIMEOUT_MAX, &out->service_timeout_ns) < 0 ||
	    sa_config_duration(cfg, "flow_timeout", MON_FLOW_TIMEOUT_DEFAULT,
			       MON_TIMEOUT_MIN, MON_TIMEOUT_MAX,
			       &out->flow_timeout_ns) < 0)
		return -EINVAL;
	out->host_refresh_ns = out->host_timeout_ns / MON_REFRESH_DIV;
	if (out->service_timeout_ns > out->host_timeout_ns) {
		sa_config_error(cfg, sa_config_find(cfg, "service_timeout") >= 0 ?
				sa_config_find(cfg, "service_timeout") :
				sa_config_find(cfg, "host_timeout"),
				"service_timeout is longer than host_timeout: "
				"a service would outlive its host");
		return -EINVAL;
	}
	return 0;
}

/* Loads the file named by @p key with @p load, when the key is given. */
static int
mon_config_file(struct sa_ctx *ctx, const struct sa_config *cfg,
		const char *key, int (*load)(struct sa_ctx *, const char *))
{
	const char *path = sa_config_get(cfg, key);
	int rc;

	if (path == NULL)
		return 0;
	if (*path == '\0') {
		sa_config_error(cfg, sa_config_find(cfg, key), "empty path");
		return -EINVAL;
	}
	rc = load(ctx, path);
	if (rc == -EINVAL)
		return rc;	/* reported as PATH:LINE */
	if (rc < 0) {
		sa_config_error(cfg, sa_config_find(cfg, key), "cannot read "
				"'%s': %s", path, strerror(-rc));
		return -EINVAL;
	}
	return 0;
}

int
mon_config_parse(struct sa_ctx *ctx, const struct sa_config *cfg,
		 struct mon_config *out)
{
	memset(out, 0, sizeof(*out));
	memset(&mon_os_db, 0, sizeof(mon_os_db));
	memset(&mon_svc_db, 0, sizeof(mon_svc_db));
	if (mon_config_check_keys(cfg) < 0 ||
	    mon_config_track(cfg, out) < 0 ||
	    mon_config_numbers(cfg, out) < 0 ||
	    mon_config_file(ctx, cfg, "os_signatures", mon_os_load) < 0 ||
	    mon_config_file(ctx, cfg, "service_signatures", mon_svc_load) < 0)
		return -EINVAL;
	return 0;
}
