/* SPDX-License-Identifier: BSD-3-Clause */
#include <sa/mbox.h>

#define SA_DROP_NAME_(name, str) [SA_DROP_##name] = str,
static const char *const sa_drop_common_names[SA_DROP_COMMON_COUNT] = {
	SA_DROP_COMMON(SA_DROP_NAME_)
};
#undef SA_DROP_NAME_

const char *
sa_drop_common_name(unsigned int reason)
{
	if (reason == SA_DROP_NONE || reason >= SA_DROP_COMMON_COUNT)
		return NULL;
	return sa_drop_common_names[reason];
}
