/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_REGISTRY_H
#define SA_REGISTRY_H

/*
 * The process-wide list of registered middleboxes (private: for sa-runtime
 * and the test shim). Registration happens from constructors, before main.
 */

#include <sa/mbox.h>

#define SA_REGISTRY_MAX 32

/** The middlebox named @p name, or NULL. */
const struct sa_middlebox *sa_registry_find(const char *name);

/** Number of registered middleboxes and the i-th, in name order. */
unsigned int sa_registry_count(void);
const struct sa_middlebox *sa_registry_get(unsigned int i);

/** Name of @p reason for @p mb: common, the middlebox's own, or NULL. */
const char *sa_registry_reason_name(const struct sa_middlebox *mb,
				    unsigned int reason);

#endif /* SA_REGISTRY_H */
