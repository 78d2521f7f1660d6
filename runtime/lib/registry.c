/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "sa_registry.h"

/* Filled by constructors before main(), read-only afterwards. */
static const struct sa_middlebox *sa_registry[SA_REGISTRY_MAX];
static unsigned int sa_registry_n;

void
sa_middlebox_register(const struct sa_middlebox *mb)
{
	unsigned int i;

	/* Constructors run before any logging is set up: stderr is all
	 * there is, and a broken build must not start silently. */
	if (mb == NULL || mb->name == NULL || mb->process == NULL) {
		fprintf(stderr, "sa: middlebox without name or process\n");
		return;
	}
	if (sa_registry_find(mb->name) != NULL) {
		fprintf(stderr, "sa: middlebox '%s' registered twice\n",
			mb->name);
		return;
	}
	if (sa_registry_n == SA_REGISTRY_MAX) {
		fprintf(stderr, "sa: too many middleboxes, '%s' ignored\n",
			mb->name);
		return;
	}
	/* Insertion sort keeps --list output stable across link orders. */
	for (i = sa_registry_n; i > 0; i--) {
		if (strcmp(sa_registry[i - 1]->name, mb->name) < 0)
			break;
		sa_registry[i] = sa_registry[i - 1];
	}
	sa_registry[i] = mb;
	sa_registry_n++;
}

const struct sa_middlebox *
sa_registry_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sa_registry_n; i++)
		if (strcmp(sa_registry[i]->name, name) == 0)
			return sa_registry[i];
	return NULL;
}

unsigned int
sa_registry_count(void)
{
	return sa_registry_n;
}

const struct sa_middlebox *
sa_registry_get(unsigned int i)
{
	return i < sa_registry_n ? sa_registry[i] : NULL;
}

const char *
sa_registry_reason_name(const struct sa_middlebox *mb, unsigned int reason)
{
	if (reason < SA_DROP_MB_BASE)
		return sa_drop_common_name(reason);
	reason -= SA_DROP_MB_BASE;
	if (mb == NULL || reason >= mb->n_drop_names)
		return NULL;
	return mb->drop_names[reason];
}
