/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The [nat] section. Every value is checked here once, so the packet path
 * trusts nat_cfg; every rejection names its entry through
 * sa_config_error() ("FILE:LINE: [nat] key: ..."), and a key this module
 * does not know is an error, so that a typo cannot silently leave a
 * default in force.
 */

#include <errno.h>
#include <string.h>

#include <sa/table.h>

#include "nat_priv.h"

#define NAT_CFG_SEPARATORS	", \t"
/* Longest pool element: an IPv4 prefix needs 18 characters, anything much
 * longer is a typo worth reporting whole. */
#define NAT_CFG_ELEM_MAX	64
#define NAT_IPV4_BITS		32
#define NAT_OCTET_BITS		8
#define NAT_OCTET_MASK		0xffu
/* First octets that cannot be a NAT's source address: "this network"
 * (0/8) and multicast, reserved and broadcast (224/3). */
#define NAT_FIRST_OCTET_THIS_NET	0u
#define NAT_FIRST_OCTET_MULTICAST	224u

/* Formats a host-order IPv4 address as four printf arguments. */
#define NAT_IP4_FMT		"%u.%u.%u.%u"
#define NAT_IP4_ARGS(a)							\
	(unsigned int)((a) >> 24 & NAT_OCTET_MASK),			\
	(unsigned int)((a) >> 16 & NAT_OCTET_MASK),			\
	(unsigned int)((a) >> 8 & NAT_OCTET_MASK),			\
	(unsigned int)((a) & NAT_OCTET_MASK)

static const char *const nat_config_keys[] = {
	"inside",
	"pool",
	"port_min",
	"port_max",
	"max_sessions",
	"tcp_established_timeout",
	"tcp_transitory_timeout",
	"udp_timeout",
	"icmp_timeout",
	"ipv6",
};

#define NAT_CONFIG_N_KEYS (sizeof(nat_config_keys) / sizeof(nat_config_keys[0]))

static bool
nat_config_known(const char *key)
{
	unsigned int i;

	for (i = 0; i < NAT_CONFIG_N_KEYS; i++)
		if (strcmp(key, nat_config_keys[i]) == 0)
			return true;
	return false;
}

static int
nat_config_check_keys(const struct sa_config *cfg)
{
	unsigned int i, n = sa_config_count(cfg);
	const char *key, *value;

	for (i = 0; i < n; i++) {
		if (sa_config_entry(cfg, i, &key, &value) < 0)
			return -EINVAL;
		if (!nat_config_known(key)) {
			sa_config_error(cfg, (int)i, "unknown key (known: inside, "
					"pool, port_min, port_max, max_sessions, "
					"tcp_established_timeout, "
					"tcp_transitory_timeout, udp_timeout, "
					"icmp_timeout, ipv6)");
			return -EINVAL;
		}
		if (sa_config_find(cfg, key) != (int)i) {
			sa_config_error(cfg, (int)i, "given more than once");
			return -EINVAL;
		}
	}
	return 0;
}

static void
nat_config_sort(uint32_t *a, uint32_t n)
{
	uint32_t i, j, v;

	/* At most NAT_POOL_MAX elements, once at init: insertion sort. */
	for (i = 1; i < n; i++) {
		v = a[i];
		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

/* Appends the addresses of one pool element (address or prefix). */
static int
nat_config_pool_elem(const struct sa_config *cfg, int idx, const char *elem,
		     struct nat_config *out)
{
	struct sa_prefix pfx;
	uint64_t count, i;
	uint32_t base, a;

	if (sa_prefix_parse(elem, &pfx) < 0) {
		sa_config_error(cfg, idx, "'%s' is not an IPv4 address or "
				"prefix (a.b.c.d or a.b.c.d/len, host bits "
				"clear)", elem);
		return -EINVAL;
	}
	if (pfx.family != SA_L3_IPV4) {
		sa_config_error(cfg, idx, "'%s' is IPv6; this NAT translates "
				"IPv4 only", elem);
		return -EINVAL;
	}
	count = 1ull << (NAT_IPV4_BITS - pfx.len);
	if (count > NAT_POOL_MAX - out->pool_size) {
		sa_config_error(cfg, idx, "more than %u addresses (reached at "
				"'%s')", NAT_POOL_MAX, elem);
		return -EINVAL;
	}
	base = (uint32_t)pfx.addr[0] << 24 | (uint32_t)pfx.addr[1] << 16 |
	       (uint32_t)pfx.addr[2] << 8 | pfx.addr[3];
	for (i = 0; i < count; i++) {
		a = base + (uint32_t)i;
		if ((a >> 24) == NAT_FIRST_OCTET_THIS_NET ||
		    (a >> 24) >= NAT_FIRST_OCTET_MULTICAST) {
			sa_config_error(cfg, idx, "'%s' holds " NAT_IP4_FMT
					", which cannot be a source address "
					"(0/8, multicast or reserved)", elem,
					NAT_IP4_ARGS(a));
			return -EINVAL;
		}
		out->pool_sorted[out->pool_size] = a;
		out->pool[out->pool_size++] = nat_bswap32(a);
	}
	return 0;
}

static int
nat_config_pool(const struct sa_config *cfg, struct nat_config *out)
{
	char elem[NAT_CFG_ELEM_MAX];
	const char *key, *text;
	uint32_t i;
	size_t len;
	int idx, rc;

	idx = sa_config_find(cfg, "pool");
	if (idx < 0) {
		sa_config_error(cfg, -1, "missing required key 'pool' (the "
				"external IPv4 addresses)");
		return -EINVAL;
	}
	if (sa_config_entry(cfg, (unsigned int)idx, &key, &text) < 0)
		return -EINVAL;
	while (*text != '\0') {
		text += strspn(text, NAT_CFG_SEPARATORS);
		len = strcspn(text, NAT_CFG_SEPARATORS);
		if (len == 0)
			break;
		if (len >= sizeof(elem)) {
			sa_config_error(cfg, idx, "element '%.*s' is too long",
					(int)len, text);
			return -EINVAL;
		}
		memcpy(elem, text, len);
		elem[len] = '\0';
		text += len;
		rc = nat_config_pool_elem(cfg, idx, elem, out);
		if (rc < 0)
			return rc;
	}
	if (out->pool_size == 0) {
		sa_config_error(cfg, idx, "empty address list");
		return -EINVAL;
	}
	nat_config_sort(out->pool_sorted, out->pool_size);
	for (i = 1; i < out->pool_size; i++) {
		if (out->pool_sorted[i] == out->pool_sorted[i - 1]) {
			sa_config_error(cfg, idx, NAT_IP4_FMT " is listed more "
					"than once",
					NAT_IP4_ARGS(out->pool_sorted[i]));
			return -EINVAL;
		}
	}
	return 0;
}

static int
nat_config_inside(const struct sa_config *cfg, struct nat_config *out)
{
	int idx = sa_config_find(cfg, "inside");
	const char *key, *text;
	int bad = 0, rc;

	if (idx < 0)
		return 0;
	if (sa_config_entry(cfg, (unsigned int)idx, &key, &text) < 0)
		return -EINVAL;
	rc = sa_prefix_set_parse(text, &out->inside, &bad);
	if (rc == -E2BIG) {
		sa_config_error(cfg, idx, "more than %u prefixes",
				SA_PREFIX_SET_MAX);
		return -EINVAL;
	}
	if (rc < 0) {
		sa_config_error(cfg, idx, "element %d is not a prefix", bad + 1);
		return -EINVAL;
	}
	return 0;
}

static int
nat_config_numbers(const struct sa_config *cfg, struct nat_config *out)
{
	uint64_t port_min, port_max, sessions;
	int idx;

	if (sa_config_u64(cfg, "port_min", NAT_PORT_MIN_DEFAULT,
			  NAT_PORT_LOWEST, NAT_PORT_HIGHEST, &port_min) < 0 ||
	    sa_config_u64(cfg, "port_max", NAT_PORT_MAX_DEFAULT,
			  NAT_PORT_LOWEST, NAT_PORT_HIGHEST, &port_max) < 0 ||
	    sa_config_u64(cfg, "max_sessions", NAT_MAX_SESSIONS_DEFAULT, 1,
			  SA_TABLE_CAPACITY_MAX, &sessions) < 0)
		return -EINVAL;
	if (port_min > port_max) {
		idx = sa_config_find(cfg, "port_min");
		if (idx < 0)
			idx = sa_config_find(cfg, "port_max");
		sa_config_error(cfg, idx, "port range is empty: port_min %u "
				"is above port_max %u", (unsigned int)port_min,
				(unsigned int)port_max);
		return -EINVAL;
	}
	out->port_min = (uint32_t)port_min;
	out->port_max = (uint32_t)port_max;
	out->max_sessions = (uint32_t)sessions;
	return 0;
}

static int
nat_config_timeouts(const struct sa_config *cfg, struct nat_config *out)
{
	uint64_t *t = out->timeout_ns;

	if (sa_config_duration(cfg, "tcp_established_timeout",
			       NAT_TCP_EST_TIMEOUT_DEFAULT, NAT_TIMEOUT_MIN,
			       NAT_TIMEOUT_MAX,
			       &t[NAT_TO_TCP_ESTABLISHED]) < 0 ||
	    sa_config_duration(cfg, "tcp_transitory_timeout",
			       NAT_TCP_TRANS_TIMEOUT_DEFAULT, NAT_TIMEOUT_MIN,
			       NAT_TIMEOUT_MAX, &t[NAT_TO_TCP_TRANSITORY]) < 0 ||
	    sa_config_duration(cfg, "udp_timeout", NAT_UDP_TIMEOUT_DEFAULT,
			       NAT_TIMEOUT_MIN, NAT_TIMEOUT_MAX,
			       &t[NAT_TO_UDP]) < 0 ||
	    sa_config_duration(cfg, "icmp_timeout", NAT_ICMP_TIMEOUT_DEFAULT,
			       NAT_TIMEOUT_MIN, NAT_TIMEOUT_MAX,
			       &t[NAT_TO_ICMP]) < 0)
		return -EINVAL;
	return 0;
}

static int
nat_config_ipv6(const struct sa_config *cfg, struct nat_config *out)
{
	static const char *const actions[] = { "forward", "drop" };
	unsigned int v = 0;
	int rc;

	rc = sa_config_choice(cfg, "ipv6", actions,
			      sizeof(actions) / sizeof(actions[0]), 0, &v);
	out->ipv6_drop = v == 1;
	return rc;
}

int
nat_config_parse(const struct sa_config *cfg, struct nat_config *out)
{
	memset(out, 0, sizeof(*out));
	if (nat_config_check_keys(cfg) < 0 ||
	    nat_config_inside(cfg, out) < 0 ||
	    nat_config_pool(cfg, out) < 0 ||
	    nat_config_numbers(cfg, out) < 0 ||
	    nat_config_timeouts(cfg, out) < 0 ||
	    nat_config_ipv6(cfg, out) < 0)
		return -EINVAL;
	return 0;
}
