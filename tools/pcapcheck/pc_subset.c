/* SPDX-License-Identifier: BSD-3-Clause */

/* The checks that need no NAT knowledge: subset and count. */

#include <stdio.h>
#include <string.h>

#include "pc_check.h"
#include "pc_reader.h"

/* Reads the rest of @p r so its count is the whole file's. */
static int
pc_drain(struct pc_reader *r)
{
	int rc;

	while ((rc = pc_reader_next(r)) > 0)
		;
	return rc;
}

static int
pc_same_bytes(const struct pc_frame *a, const struct pc_frame *b)
{
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static int
pc_subset_walk(struct pc_reader *in, struct pc_reader *out)
{
	uint64_t from;
	int rc;

	while ((rc = pc_reader_next(out)) > 0) {
		from = in->count + 1;
		while ((rc = pc_reader_next(in)) > 0 &&
		       !pc_same_bytes(&in->cur, &out->cur))
			;
		if (rc < 0)
			return -1;
		if (rc == 0) {
			printf("%s: packet %llu: equals no frame of %s from "
			       "its packet %llu on (rewritten, reordered or "
			       "not from the input)\n", out->path,
			       (unsigned long long)out->cur.index, in->path,
			       (unsigned long long)from);
			return -1;
		}
	}
	return rc < 0 ? -1 : pc_drain(in);
}

int
pc_check_subset(const char *in_path, const char *out_path)
{
	struct pc_reader in, out;
	int rc = 1;

	if (pc_reader_open(&in, in_path) < 0)
		return 1;
	if (pc_reader_open(&out, out_path) < 0)
		goto err_in;
	if (pc_subset_walk(&in, &out) == 0) {
		printf("in_packets=%llu\nout_packets=%llu\ndropped=%llu\n",
		       (unsigned long long)in.count,
		       (unsigned long long)out.count,
		       (unsigned long long)(in.count - out.count));
		rc = 0;
	}
	pc_reader_close(&out);
err_in:
	pc_reader_close(&in);
	return rc;
}

int
pc_check_count(const char *path)
{
	struct pc_reader r;
	int rc;

	if (pc_reader_open(&r, path) < 0)
		return 1;
	rc = pc_drain(&r);
	if (rc == 0)
		printf("packets=%llu\n", (unsigned long long)r.count);
	pc_reader_close(&r);
	return rc == 0 ? 0 : 1;
}
