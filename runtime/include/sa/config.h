/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_CONFIG_H
#define SA_CONFIG_H

/**
 * @file
 * Read access to one INI section of the runtime's configuration file.
 * Entries keep file order and may repeat (e.g. one "rule" line per ACL
 * rule). Every error a middlebox finds in its configuration is reported
 * with sa_config_error(), which prints "FILE:LINE: [section] key: message",
 * so operators go straight to the offending line.
 */

#include <stdint.h>

#include <sa/mbox.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Section name. */
const char *sa_config_name(const struct sa_config *cfg);

/** Number of entries. */
unsigned int sa_config_count(const struct sa_config *cfg);

/** Entry @p idx in file order; 0, or -ENOENT past the end. */
int sa_config_entry(const struct sa_config *cfg, unsigned int idx,
		    const char **key, const char **value);

/** Index of the first entry named @p key, or -ENOENT. */
int sa_config_find(const struct sa_config *cfg, const char *key);

/** Value of the first entry named @p key, or NULL. */
const char *sa_config_get(const struct sa_config *cfg, const char *key);

/**
 * Reports an error about entry @p idx (or the section itself when idx < 0)
 * as "FILE:LINE: [section] key: message" through sa_log(SA_LOG_ERR).
 */
void sa_config_error(const struct sa_config *cfg, int idx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Unsigned integer @p key in [min, max]; @p def when absent. Decimal or
 * 0x-hex, nothing trailing. @return 0, or -EINVAL after sa_config_error().
 */
int sa_config_u64(const struct sa_config *cfg, const char *key, uint64_t def,
		  uint64_t min, uint64_t max, uint64_t *out);

/**
 * Duration @p key in ns: a number with unit ns, us, ms, s, m or h (a bare
 * number is seconds); @p def_ns when absent; must be within [min, max].
 * @return 0, or -EINVAL after sa_config_error().
 */
int sa_config_duration(const struct sa_config *cfg, const char *key,
		       uint64_t def_ns, uint64_t min_ns, uint64_t max_ns,
		       uint64_t *out);

/**
 * Keyword @p key, one of @p names[0..n-1]: *out gets its index, or @p def
 * when the key is absent. @return 0, or -EINVAL after sa_config_error()
 * naming the value and the accepted words.
 */
int sa_config_choice(const struct sa_config *cfg, const char *key,
		     const char *const *names, unsigned int n, unsigned int def,
		     unsigned int *out);

/** Boolean @p key: yes/no, true/false, on/off, 1/0; @p def when absent.
 *  @return 0, or -EINVAL after sa_config_error(). */
int sa_config_bool(const struct sa_config *cfg, const char *key, int def,
		   int *out);

#ifdef __cplusplus
}
#endif

#endif /* SA_CONFIG_H */
