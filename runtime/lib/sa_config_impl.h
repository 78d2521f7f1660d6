/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_CONFIG_IMPL_H
#define SA_CONFIG_IMPL_H

/*
 * Building an sa_config (private: the runtime's INI loader and the test
 * shim fill sections; middleboxes only read them through sa/config.h).
 * Strings are copied, so the source may go away.
 */

#include <sa/config.h>

/** An empty section @p name that starts at @p file:@p line.
 *  @return NULL on allocation failure. */
struct sa_config *sa_config_create(const char *file, const char *name,
				   unsigned int line);

/** Appends key = value found at @p line. @return 0 or -ENOMEM. */
int sa_config_add(struct sa_config *cfg, const char *key, const char *value,
		  unsigned int line);

/** Line of entry @p idx (or of the section header when idx < 0). */
unsigned int sa_config_line(const struct sa_config *cfg, int idx);

void sa_config_free(struct sa_config *cfg);

#endif /* SA_CONFIG_IMPL_H */
