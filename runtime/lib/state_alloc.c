/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <sa/mbox.h>
#include <sa/replica.h>

#include "state_alloc.h"

/* Blocks are zeroed when handed out, so calloc needs no memset. */
void *
sa_state_calloc(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return sa_state_alloc(n * size);
}

void *
sa_state_realloc(void *p, size_t size)
{
	size_t have;
	void *q;

	if (p == NULL)
		return sa_state_alloc(size);
	if (size == 0) {
		sa_state_free(p);
		return NULL;
	}
	have = sa_state_block_size(p);
	if (have == 0)
		return NULL;	/* not a block: nothing to copy from */
	if (size <= have)
		return p;
	q = sa_state_alloc(size);
	if (q == NULL)
		return NULL;
	/* An uninstrumented copy, but into a fresh block: the runtime's
	 * allocator reports every block it hands out as dirty. */
	memcpy(q, p, have);
	sa_state_free(p);
	return q;
}

char *
sa_state_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = sa_state_alloc(len + 1);

	if (d != NULL)
		memcpy(d, s, len);	/* the terminator is already zero */
	return d;
}

char *
sa_state_strdup(const char *s)
{
	return sa_state_strndup(s, strlen(s));
}

/* Blocks have one alignment; a stricter request cannot be met. */
static int
align_ok(size_t align)
{
	return align != 0 && (align & (align - 1)) == 0 &&
	       align <= sa_state_block_align();
}

void *
sa_state_aligned_alloc(size_t align, size_t size)
{
	if (!align_ok(align)) {
		errno = EINVAL;
		return NULL;
	}
	return sa_state_alloc(size);
}

int
sa_state_posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (!align_ok(align) || align % sizeof(void *) != 0)
		return EINVAL;
	p = sa_state_alloc(size);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}
