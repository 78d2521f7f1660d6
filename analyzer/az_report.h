/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_REPORT_H
#define AZ_REPORT_H

/**
 * @file
 * The report: readable (compiler-style "file:line:" lines grouped by
 * object, one reason per classification) and JSON (SCHEMA.md, schema 1),
 * and the analysis hash that identifies what was analyzed and how.
 *
 * Contract:
 * - Both forms print the objects in the result's order (az_result_finish()
 *   sorts them), fields in offset order, approximations in module order:
 *   the same module and options give the same bytes except "seconds" and
 *   "peak_rss_kib".
 * - analysis_hash is SHA-256 over the input file's bytes, a NUL, and the
 *   canonical option string, in lowercase hex.
 */

#include <stdint.h>
#include <stdio.h>

#include "az_result.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AZ_SHA256_LEN	32

struct az_sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t buf[64];
	size_t n;
};

void az_sha256_init(struct az_sha256 *c);
void az_sha256_update(struct az_sha256 *c, const void *data, size_t len);
void az_sha256_final(struct az_sha256 *c, uint8_t out[AZ_SHA256_LEN]);

/** Sets r->hash from file @p path and @p options.
 *  @return 0, or -errno if the file cannot be read. */
int az_report_hash(struct az_result *r, const char *path, const char *options);

/** The readable report. */
void az_report_text(FILE *f, const struct az_result *r);

/** The JSON report. @return 0, or -EIO on a write error. */
int az_report_json(FILE *f, const struct az_result *r);

#ifdef __cplusplus
}
#endif

#endif /* AZ_REPORT_H */
