/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CHECK_MAIN_H
#define CHECK_MAIN_H

/* One executable per suite, so meson reports each module separately and a
 * helper can build one suite alone. CK_FORK (Check's default) isolates each
 * test: a crash fails that test instead of the whole run. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <check.h>

/* A test case named by concern, with its explicit timeout, in @p s. */
static inline TCase *
sa_tcase(Suite *s, const char *name, double timeout)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

/* RFC 1071 reference sum, written independently of libsa's: big-endian
 * words, an odd byte padded on the right, folded, not complemented, as a
 * host value. Suites cross-check checksums with it. */
static inline uint16_t
sa_ref_sum(const uint8_t *b, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i < n; i += 2)
		acc += (uint32_t)b[i] << 8 | (i + 1 < n ? b[i + 1] : 0);
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

#define SA_CHECK_MAIN(suite_fn)						\
	int main(void)							\
	{								\
		SRunner *sr = srunner_create(suite_fn());		\
		int failed;						\
									\
		srunner_run_all(sr, CK_NORMAL);				\
		failed = srunner_ntests_failed(sr);			\
		srunner_free(sr);					\
		return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;	\
	}

#endif /* CHECK_MAIN_H */
