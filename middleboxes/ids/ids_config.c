/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The [ids] configuration section.
 *
 *   rules            = PATH            rules file (required; relative paths
 *                                      from the working directory)
 *   mode             = passive|inline  inline drops on "drop" rules and
 *                                      normalizes; passive forwards all
 *                                      (default passive)
 *   inside           = PREFIX[, ...]   $HOME_NET of the rules, and the
 *                                      direction when one-armed
 *   fragments        = pass|drop       inline: IP fragments, which are
 *                                      not reassembled (default pass)
 *   max_flows        = N               flow table size (65536)
 *   stream_depth     = BYTES           inspected per flow direction (4096)
 *   stream_timeout   = DURATION        idle TCP flow both sides spoke in
 *                                      (10m)
 *   flow_timeout     = DURATION        any other flow (60s)
 *   portscan_ports   = N               distinct destination ports one
 *                                      source probes within the window
 *                                      that raise sid 1 (20, 0: off)
 *   portscan_hosts   = N               distinct destination hosts, sid 2
 *                                      (50, 0: off)
 *   portscan_window  = DURATION        (10s)
 *   portscan_sources = N               sources tracked at once (4096)
 *   synflood_syns    = N               half-open handshakes to one host
 *                                      within the window, sid 3 (200, 0:
 *                                      off)
 *   synflood_window  = DURATION        (1s)
 *   synflood_targets = N               destinations tracked at once (1024)
 *
 * Unknown and repeated keys are errors: a typo must not silently leave a
 * default in force.
 */

#include <errno.h>
#include <string.h>

#include "ids.h"

#define IDS_MAX_FLOWS_DEFAULT		65536u
#define IDS_STREAM_DEPTH_DEFAULT	4096u
#define IDS_STREAM_DEPTH_MAX		(1u << 20)
#define IDS_STREAM_TIMEOUT_DEFAULT	(600 * IDS_NS_PER_S)
#define IDS_FLOW_TIMEOUT_DEFAULT	(60 * IDS_NS_PER_S)
#define IDS_TIMEOUT_MIN			IDS_NS_PER_S
#define IDS_TIMEOUT_MAX			(7 * 24 * 3600 * IDS_NS_PER_S)
#define IDS_NS_PER_MS			1000000ull
#define IDS_WINDOW_MIN			IDS_NS_PER_MS
#define IDS_WINDOW_MAX			(3600 * IDS_NS_PER_S)
#define IDS_PORTS_THRESHOLD_DEFAULT	20u
#define IDS_HOSTS_THRESHOLD_DEFAULT	50u
/* The trackers' bitmaps hold 1024 bits; past half of them, hash
 * collisions make the distinct count too low to be worth a threshold. */
#define IDS_SCAN_THRESHOLD_MAX		512u
#define IDS_SCAN_WINDOW_DEFAULT		(10 * IDS_NS_PER_S)
#define IDS_SCAN_SOURCES_DEFAULT	4096u
#define IDS_FLOOD_SYNS_DEFAULT		200u
#define IDS_FLOOD_SYNS_MAX		1000000000u
#define IDS_FLOOD_WINDOW_DEFAULT	IDS_NS_PER_S
#define IDS_FLOOD_TARGETS_DEFAULT	1024u
#define IDS_TRACKERS_MAX		(1u << 20)
/* Two-valued keys: the index of the value is the setting. */
#define IDS_CHOICES			2

static const char *const ids_config_keys[] = {
	"rules", "mode", "inside", "fragments", "max_flows", "stream_depth",
	"stream_timeout", "flow_timeout", "portscan_ports", "portscan_hosts",
	"portscan_window", "portscan_sources", "synflood_syns",
	"synflood_window", "synflood_targets",
};

static bool
ids_config_known(const char *key)
{
	unsigned int i;

	for (i = 0; i < IDS_ARRAY_SIZE(ids_config_keys); i++)
		if (strcmp(key, ids_config_keys[i]) == 0)
			return true;
	return false;
}

static int
ids_config_check_keys(const struct sa_config *cfg)
{
	unsigned int i, n = sa_config_count(cfg);
	const char *key, *value;

	for (i = 0; i < n; i++) {
		if (sa_config_entry(cfg, i, &key, &value) < 0)
			return -EINVAL;
		if (!ids_config_known(key)) {
			sa_config_error(cfg, (int)i, "unknown key (known: "
					"rules, mode, inside, fragments, "
					"max_flows, "
					"stream_depth, stream_timeout, "
					"flow_timeout, portscan_*, "
					"synflood_*)");
			return -EINVAL;
		}
		if (sa_config_find(cfg, key) != (int)i) {
			sa_config_error(cfg, (int)i, "given more than once");
			return -EINVAL;
		}
	}
	return 0;
}

/* sa_config_choice() into the uint8_t fields of the config struct. */
static int
ids_config_choice(const struct sa_config *cfg, const char *key,
		  const char *const names[IDS_CHOICES], uint8_t def,
		  uint8_t *out)
{
	unsigned int v = def;
	int rc = sa_config_choice(cfg, key, names, IDS_CHOICES, def, &v);

	*out = (uint8_t)v;
	return rc;
}

static int
ids_config_rules(const struct sa_config *cfg, struct ids_config *out)
{
	const char *v = sa_config_get(cfg, "rules");

	if (v == NULL || *v == '\0') {
		sa_config_error(cfg, v == NULL ? -1 :
				sa_config_find(cfg, "rules"),
				"missing required key 'rules' (path of the "
				"rules file)");
		return -EINVAL;
	}
	if (strlen(v) >= sizeof(out->rules_path)) {
		sa_config_error(cfg, sa_config_find(cfg, "rules"),
				"path longer than %zu characters",
				sizeof(out->rules_path) - 1);
		return -EINVAL;
	}
	strcpy(out->rules_path, v);
	return 0;
}

static int
ids_config_inside(const struct sa_config *cfg, struct sa_prefix_set *out)
{
	const char *v = sa_config_get(cfg, "inside");
	int bad = -1;
	int rc;

	if (v == NULL)
		return 0;
	rc = sa_prefix_set_parse(v, out, &bad);
	if (rc == -E2BIG) {
		sa_config_error(cfg, sa_config_find(cfg, "inside"),
				"more than %d prefixes", SA_PREFIX_SET_MAX);
		return -EINVAL;
	}
	if (rc != 0) {
		sa_config_error(cfg, sa_config_find(cfg, "inside"),
				"element %d is not a prefix", bad + 1);
		return -EINVAL;
	}
	return 0;
}

static int
ids_config_u32(const struct sa_config *cfg, const char *key, uint32_t def,
	       uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (sa_config_u64(cfg, key, def, min, max, &v) < 0)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int
ids_config_flows(const struct sa_config *cfg, struct ids_config *out)
{
	if (ids_config_u32(cfg, "max_flows", IDS_MAX_FLOWS_DEFAULT, 1,
			   SA_TABLE_CAPACITY_MAX, &out->max_flows) < 0 ||
	    ids_config_u32(cfg, "stream_depth", IDS_STREAM_DEPTH_DEFAULT, 1,
			   IDS_STREAM_DEPTH_MAX, &out->stream_depth) < 0 ||
	    sa_config_duration(cfg, "stream_timeout",
			       IDS_STREAM_TIMEOUT_DEFAULT, IDS_TIMEOUT_MIN,
			       IDS_TIMEOUT_MAX, &out->stream_timeout_ns) < 0 ||
	    sa_config_duration(cfg, "flow_timeout", IDS_FLOW_TIMEOUT_DEFAULT,
			       IDS_TIMEOUT_MIN, IDS_TIMEOUT_MAX,
			       &out->flow_timeout_ns) < 0)
		return -EINVAL;
	return 0;
}

static int
ids_config_detectors(const struct sa_config *cfg, struct ids_config *out)
{
	if (ids_config_u32(cfg, "portscan_ports", IDS_PORTS_THRESHOLD_DEFAULT,
			   0, IDS_SCAN_THRESHOLD_MAX, &out->scan_ports) < 0 ||
	    ids_config_u32(cfg, "portscan_hosts", IDS_HOSTS_THRESHOLD_DEFAULT,
			   0, IDS_SCAN_THRESHOLD_MAX, &out->scan_hosts) < 0 ||
	    sa_config_duration(cfg, "portscan_window",
			       IDS_SCAN_WINDOW_DEFAULT, IDS_WINDOW_MIN,
			       IDS_WINDOW_MAX, &out->scan_window_ns) < 0 ||
	    ids_config_u32(cfg, "portscan_sources", IDS_SCAN_SOURCES_DEFAULT,
			   1, IDS_TRACKERS_MAX, &out->scan_sources) < 0 ||
	    ids_config_u32(cfg, "synflood_syns", IDS_FLOOD_SYNS_DEFAULT, 0,
			   IDS_FLOOD_SYNS_MAX, &out->flood_syns) < 0 ||
	    sa_config_duration(cfg, "synflood_window",
			       IDS_FLOOD_WINDOW_DEFAULT, IDS_WINDOW_MIN,
			       IDS_WINDOW_MAX, &out->flood_window_ns) < 0 ||
	    ids_config_u32(cfg, "synflood_targets", IDS_FLOOD_TARGETS_DEFAULT,
			   1, IDS_TRACKERS_MAX, &out->flood_targets) < 0)
		return -EINVAL;
	return 0;
}

/*
 * Reads the whole section into @out. Returns 0, or -EINVAL after the
 * problem was reported with sa_config_error().
 */
int
ids_config_parse(const struct sa_config *cfg, struct ids_config *out)
{
	static const char *const modes[IDS_CHOICES] = { "passive", "inline" };
	static const char *const frags[IDS_CHOICES] = { "pass", "drop" };

	memset(out, 0, sizeof(*out));
	if (ids_config_check_keys(cfg) < 0 ||
	    ids_config_rules(cfg, out) < 0 ||
	    ids_config_choice(cfg, "mode", modes, IDS_MODE_PASSIVE,
			      &out->mode) < 0 ||
	    ids_config_choice(cfg, "fragments", frags, IDS_FRAG_PASS,
			      &out->fragments) < 0 ||
	    ids_config_inside(cfg, &out->inside) < 0 ||
	    ids_config_flows(cfg, out) < 0 ||
	    ids_config_detectors(cfg, out) < 0)
		return -EINVAL;
	return 0;
}
