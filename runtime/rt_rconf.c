/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "rt_rconf.h"

#define NS_PER_MS		1000000ULL
#define NS_PER_S		1000000000ULL
#define RT_ACK_TIMEOUT_DEFAULT	(200 * NS_PER_MS)
#define RT_RECONNECT_DEFAULT	NS_PER_S
#define RT_KIB			1024ULL

const char *const rt_rconf_runtime_keys[] = {
	"arena_base", "arena_size", "control_socket",
};
const unsigned int rt_rconf_n_runtime_keys = RTE_DIM(rt_rconf_runtime_keys);

static const char *const rt_repl_keys[] = {
	"key_file", "ack_timeout", "reconnect",
};

/* "1073741824", "0x40000000", "1G", "256M", "64K". */
static int
parse_size(const struct sa_config *sec, const char *key, uint64_t def,
	   uint64_t *out)
{
	const char *v = sa_config_get(sec, key);
	uint64_t n, mult = 1;
	char *end;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtoull(v, &end, 0);
	if (*end == 'K' || *end == 'k')
		mult = RT_KIB;
	else if (*end == 'M' || *end == 'm')
		mult = RT_KIB * RT_KIB;
	else if (*end == 'G' || *end == 'g')
		mult = RT_KIB * RT_KIB * RT_KIB;
	if (mult != 1)
		end++;
	if (errno != 0 || end == v || *end != '\0' || *v == '-' ||
	    n > UINT64_MAX / mult) {
		sa_config_error(sec, sa_config_find(sec, key), "'%s' is not a "
				"size (bytes, or with K, M or G)", v);
		return -EINVAL;
	}
	*out = n * mult;
	return 0;
}

static int
check_keys(const struct sa_config *sec, const char *const *known,
	   unsigned int n_known)
{
	const char *key, *val;
	unsigned int i, k;

	for (i = 0; sa_config_entry(sec, i, &key, &val) == 0; i++) {
		for (k = 0; k < n_known; k++)
			if (strcmp(key, known[k]) == 0)
				break;
		if (k == n_known) {
			sa_config_error(sec, (int)i, "unknown key");
			return -EINVAL;
		}
	}
	return 0;
}

int
rt_rconf_parse(const struct sa_config *runtime, const struct sa_config *repl,
	       int need_key, struct rt_rconf *out)
{
	memset(out, 0, sizeof(*out));
	if (parse_size(runtime, "arena_base", RT_ARENA_BASE_DEFAULT,
		       &out->arena_base) < 0 ||
	    parse_size(runtime, "arena_size", RT_ARENA_SIZE_DEFAULT,
		       &out->arena_size) < 0 ||
	    check_keys(repl, rt_repl_keys, RTE_DIM(rt_repl_keys)) < 0 ||
	    sa_config_duration(repl, "ack_timeout", RT_ACK_TIMEOUT_DEFAULT,
			       NS_PER_MS, 60 * NS_PER_S,
			       &out->ack_timeout_ns) < 0 ||
	    sa_config_duration(repl, "reconnect", RT_RECONNECT_DEFAULT,
			       10 * NS_PER_MS, 3600 * NS_PER_S,
			       &out->reconnect_ns) < 0)
		return -EINVAL;
	out->control_socket = sa_config_get(runtime, "control_socket");
	out->key_file = sa_config_get(repl, "key_file");
	if (need_key && out->key_file == NULL) {
		sa_config_error(repl, -1, "key_file is required for roles "
				"primary and standby (a pre-shared key, 64 hex "
				"digits, mode 0600)");
		return -EINVAL;
	}
	return 0;
}
