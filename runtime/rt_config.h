/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_CONFIG_H
#define RT_CONFIG_H

/*
 * Loads the INI configuration file with rte_cfgfile and turns each section
 * into an sa_config with the line number of every entry, so that errors
 * found later — by the runtime or a middlebox — name FILE:LINE.
 * Needs no EAL: the unit-test shim uses it too.
 */

#include <sa/config.h>

struct rt_config;

/**
 * Loads @p path. A missing or unreadable file, a syntax error or an entry
 * outside any section is reported as "FILE[:LINE]: message" through
 * sa_log() and fails.
 * @return 0, -ENOENT/-EACCES/-EINVAL/-ENOMEM.
 */
int rt_config_load(const char *path, struct rt_config **out);

/** Section @p name, or an empty section of that name if the file has none
 *  (so optional sections need no special case). NULL only on -ENOMEM. */
const struct sa_config *rt_config_section(struct rt_config *cfg,
					  const char *name);

/** True if the file has a section @p name. */
int rt_config_has_section(const struct rt_config *cfg, const char *name);

void rt_config_free(struct rt_config *cfg);

#endif /* RT_CONFIG_H */
