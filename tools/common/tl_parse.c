/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "tl_parse.h"

#define TL_IPV4_BITS		32
#define TL_POOL_SEPARATORS	", \t"
#define TL_ADDR_TEXT_MAX	64

int
tl_parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts a sign and wraps negatives around: refuse them. */
	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
tl_parse_double(const char *text, double min, double max, double *out)
{
	char *end;
	double v;

	if (text == NULL || *text == '\0')
		return -1;
	errno = 0;
	v = strtod(text, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
tl_pool_push(struct tl_pool *pool, uint32_t addr)
{
	if (pool->n >= TL_POOL_MAX)
		return -1;
	pool->addr[pool->n++] = addr;
	return 0;
}

/* One element: an address or a prefix; appends its addresses. */
static int
tl_pool_add_elem(struct tl_pool *pool, const char *elem, const char **err)
{
	char text[TL_ADDR_TEXT_MAX];
	const char *slash = strchr(elem, '/');
	uint64_t len = TL_IPV4_BITS, first, last, a;
	struct in_addr in;
	uint32_t host_mask;

	if (strlen(elem) >= sizeof(text)) {
		*err = "element too long";
		return -1;
	}
	strcpy(text, elem);
	if (slash != NULL) {
		text[slash - elem] = '\0';
		if (tl_parse_u64(slash + 1, 0, TL_IPV4_BITS, &len) < 0) {
			*err = "bad prefix length";
			return -1;
		}
	}
	if (inet_pton(AF_INET, text, &in) != 1) {
		*err = "bad IPv4 address";
		return -1;
	}
	first = ntohl(in.s_addr);
	host_mask = (uint32_t)((1ull << (TL_IPV4_BITS - len)) - 1);
	if ((first & host_mask) != 0) {
		*err = "host bits set beyond the prefix length";
		return -1;
	}
	last = first + host_mask;
	if (last - first + 1 > TL_POOL_MAX - pool->n) {
		*err = "pool too large";
		return -1;
	}
	for (a = first; a <= last; a++)
		tl_pool_push(pool, (uint32_t)a);
	return 0;
}

static int
tl_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
tl_pool_finish(struct tl_pool *pool, const char **err)
{
	uint32_t i;

	if (pool->n == 0) {
		*err = "empty pool";
		return -1;
	}
	pool->sorted = malloc(pool->n * sizeof(*pool->sorted));
	if (pool->sorted == NULL) {
		*err = "out of memory";
		return -1;
	}
	memcpy(pool->sorted, pool->addr, pool->n * sizeof(*pool->sorted));
	qsort(pool->sorted, pool->n, sizeof(*pool->sorted), tl_cmp_u32);
	for (i = 1; i < pool->n; i++) {
		if (pool->sorted[i] == pool->sorted[i - 1]) {
			*err = "address listed twice";
			return -1;
		}
	}
	return 0;
}

int
tl_pool_parse(const char *text, struct tl_pool *pool, const char **err)
{
	char *copy, *save = NULL, *elem;
	int rc = 0;

	memset(pool, 0, sizeof(*pool));
	copy = strdup(text);
	pool->addr = malloc(TL_POOL_MAX * sizeof(*pool->addr));
	if (copy == NULL || pool->addr == NULL) {
		*err = "out of memory";
		rc = -1;
		goto out;
	}
	for (elem = strtok_r(copy, TL_POOL_SEPARATORS, &save); elem != NULL;
	     elem = strtok_r(NULL, TL_POOL_SEPARATORS, &save)) {
		rc = tl_pool_add_elem(pool, elem, err);
		if (rc < 0)
			goto out;
	}
	rc = tl_pool_finish(pool, err);
out:
	free(copy);
	if (rc < 0)
		tl_pool_free(pool);
	return rc;
}

int
tl_pool_has(const struct tl_pool *pool, uint32_t addr)
{
	return bsearch(&addr, pool->sorted, pool->n, sizeof(addr),
		       tl_cmp_u32) != NULL;
}

void
tl_pool_free(struct tl_pool *pool)
{
	free(pool->addr);
	free(pool->sorted);
	memset(pool, 0, sizeof(*pool));
}
