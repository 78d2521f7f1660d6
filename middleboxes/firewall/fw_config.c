/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The [firewall] configuration section.
 *
 *   inside       = PREFIX[, PREFIX...]  inside networks; decides direction
 *                                       when one-armed (default: none)
 *   default      = allow | deny         new connections no rule matches
 *                                       (default: deny)
 *   rule         = ...                  repeated, see fw_rules.c
 *   max_states   = N                    connection table size (65536)
 *   pass_non_ip  = yes | no             forward ARP and other non-IP (yes)
 *   fragments    = drop | pass          non-first fragments (drop)
 *   tcp_first    = DURATION             idle timeouts per state, pf-like:
 *   tcp_opening, tcp_established, tcp_closing, tcp_finwait, tcp_closed,
 *   udp_first, udp_multiple, icmp       see FW_STATES in fw.h
 *
 * Unknown keys, and any key but "rule" given twice, are errors: a typo
 * must not silently leave a default in force.
 */

#include <errno.h>
#include <string.h>

#include "fw.h"

#define FW_MAX_STATES_DEFAULT	65536u
#define FW_NS_PER_MS		1000000ull
#define FW_TIMEOUT_MIN_NS	FW_NS_PER_MS
#define FW_TIMEOUT_MAX_NS	(30ull * 24 * 3600 * FW_NS_PER_S)

#define FW_STATE_KEY_(name, stat, key, def) key,
static const char *const fw_timeout_keys[FW_STATE_COUNT] = {
	FW_STATES(FW_STATE_KEY_)
};
#undef FW_STATE_KEY_

#define FW_STATE_DEF_(name, stat, key, def) (def) * FW_NS_PER_S,
static const uint64_t fw_timeout_defaults[FW_STATE_COUNT] = {
	FW_STATES(FW_STATE_DEF_)
};
#undef FW_STATE_DEF_

static const char *const fw_plain_keys[] = {
	"inside", "default", "rule", "max_states", "pass_non_ip", "fragments",
};

#define FW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* Two-valued keys: the index of the value is the setting. */
#define FW_CHOICES 2

static bool
fw_key_known(const char *key)
{
	unsigned int i;

	for (i = 0; i < FW_ARRAY_SIZE(fw_plain_keys); i++)
		if (strcmp(key, fw_plain_keys[i]) == 0)
			return true;
	for (i = 0; i < FW_STATE_COUNT; i++)
		if (strcmp(key, fw_timeout_keys[i]) == 0)
			return true;
	return false;
}

static int
fw_config_check_keys(const struct sa_config *cfg)
{
	unsigned int n = sa_config_count(cfg);
	const char *key, *value;
	unsigned int idx;

	for (idx = 0; idx < n; idx++) {
		if (sa_config_entry(cfg, idx, &key, &value) != 0)
			return -EINVAL;
		if (!fw_key_known(key)) {
			sa_config_error(cfg, (int)idx, "unknown key");
			return -EINVAL;
		}
		if (strcmp(key, "rule") != 0 &&
		    sa_config_find(cfg, key) != (int)idx) {
			sa_config_error(cfg, (int)idx,
					"given more than once");
			return -EINVAL;
		}
	}
	return 0;
}

/* sa_config_choice() into the uint8_t fields of the config struct. */
static int
fw_config_choice(const struct sa_config *cfg, const char *key,
		 const char *const names[FW_CHOICES], uint8_t def,
		 uint8_t *out)
{
	unsigned int v = def;
	int rc = sa_config_choice(cfg, key, names, FW_CHOICES, def, &v);

	*out = (uint8_t)v;
	return rc;
}

static int
fw_config_inside(const struct sa_config *cfg, struct sa_prefix_set *out)
{
	const char *v = sa_config_get(cfg, "inside");
	int bad = -1;
	int rc;

	memset(out, 0, sizeof(*out));
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
				"bad prefix (element %d)", bad + 1);
		return -EINVAL;
	}
	return 0;
}

static int
fw_config_rules(const struct sa_config *cfg, struct fw_config *out)
{
	unsigned int n = sa_config_count(cfg);
	const char *key, *value;
	unsigned int idx;

	out->n_rules = 0;
	for (idx = 0; idx < n; idx++) {
		if (sa_config_entry(cfg, idx, &key, &value) != 0)
			return -EINVAL;
		if (strcmp(key, "rule") != 0)
			continue;
		if (out->n_rules == FW_RULES_MAX) {
			sa_config_error(cfg, (int)idx, "more than %d rules",
					FW_RULES_MAX);
			return -EINVAL;
		}
		if (fw_rule_parse(cfg, (int)idx, value,
				  &out->rules[out->n_rules]) != 0)
			return -EINVAL;
		out->n_rules++;
	}
	return 0;
}

static int
fw_config_scalars(const struct sa_config *cfg, struct fw_config *out)
{
	static const char *const actions[FW_CHOICES] = { "allow", "deny" };
	static const char *const frags[FW_CHOICES] = { "drop", "pass" };
	uint64_t max_states;
	unsigned int st;
	int pass_non_ip;

	if (fw_config_choice(cfg, "default", actions, FW_ACT_DENY,
			     &out->default_action) != 0 ||
	    fw_config_choice(cfg, "fragments", frags, FW_FRAG_DROP,
			     &out->fragments) != 0 ||
	    sa_config_bool(cfg, "pass_non_ip", 1, &pass_non_ip) != 0 ||
	    sa_config_u64(cfg, "max_states", FW_MAX_STATES_DEFAULT, 1,
			  SA_TABLE_CAPACITY_MAX, &max_states) != 0)
		return -EINVAL;
	out->pass_non_ip = pass_non_ip != 0;
	out->max_states = (uint32_t)max_states;
	for (st = 0; st < FW_STATE_COUNT; st++) {
		if (sa_config_duration(cfg, fw_timeout_keys[st],
				       fw_timeout_defaults[st],
				       FW_TIMEOUT_MIN_NS, FW_TIMEOUT_MAX_NS,
				       &out->timeout_ns[st]) != 0)
			return -EINVAL;
	}
	return 0;
}

/*
 * Reads the whole section into @out. Returns 0, or -EINVAL after the
 * problem was reported with sa_config_error().
 */
int
fw_config_parse(const struct sa_config *cfg, struct fw_config *out)
{
	memset(out, 0, sizeof(*out));
	if (fw_config_check_keys(cfg) != 0 ||
	    fw_config_inside(cfg, &out->inside) != 0 ||
	    fw_config_scalars(cfg, out) != 0 ||
	    fw_config_rules(cfg, out) != 0)
		return -EINVAL;
	return 0;
}
