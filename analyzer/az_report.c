/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Report writers and the analysis hash. SHA-256 is written here (FIPS
 * 180-4) because it is the only digest the analyzer needs and LLVM-C does
 * not expose one.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "az_report.h"

#define AZ_HASH_CHUNK	65536
#define AZ_TOOL		"statealyzr 0.1.0"
#define AZ_SCHEMA	1

/* --- SHA-256 --------------------------------------------------------------- */

static const uint32_t az_sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t
az_ror(uint32_t x, unsigned int n)
{
	return x >> n | x << (32 - n);
}

static void
az_sha256_block(struct az_sha256 *c, const uint8_t *p)
{
	uint32_t w[64], v[8], t1, t2;
	unsigned int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (az_ror(w[i - 15], 7) ^ az_ror(w[i - 15], 18) ^
			w[i - 15] >> 3) +
		       (az_ror(w[i - 2], 17) ^ az_ror(w[i - 2], 19) ^
			w[i - 2] >> 10);
	memcpy(v, c->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (az_ror(v[4], 6) ^ az_ror(v[4], 11) ^
			     az_ror(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + az_sha_k[i] + w[i];
		t2 = (az_ror(v[0], 2) ^ az_ror(v[0], 13) ^ az_ror(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		c->h[i] += v[i];
}

void
az_sha256_init(struct az_sha256 *c)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, h0, sizeof(h0));
	c->bytes = 0;
	c->n = 0;
}

void
az_sha256_update(struct az_sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t k;

	c->bytes += len;
	while (len > 0) {
		k = sizeof(c->buf) - c->n < len ? sizeof(c->buf) - c->n : len;
		memcpy(c->buf + c->n, p, k);
		c->n += k;
		p += k;
		len -= k;
		if (c->n == sizeof(c->buf)) {
			az_sha256_block(c, c->buf);
			c->n = 0;
		}
	}
}

void
az_sha256_final(struct az_sha256 *c, uint8_t out[AZ_SHA256_LEN])
{
	uint64_t bits = c->bytes * 8;
	uint8_t pad = 0x80, len[8];
	unsigned int i;

	az_sha256_update(c, &pad, 1);
	pad = 0;
	while (c->n != sizeof(c->buf) - sizeof(len))
		az_sha256_update(c, &pad, 1);
	for (i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	az_sha256_update(c, len, sizeof(len));
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
}

int
az_report_hash(struct az_result *r, const char *path, const char *options)
{
	static uint8_t chunk[AZ_HASH_CHUNK];
	uint8_t md[AZ_SHA256_LEN];
	struct az_sha256 c;
	unsigned int i;
	size_t n;
	FILE *f;
	int rc = 0;

	f = fopen(path, "rb");
	if (f == NULL)
		return -errno;
	az_sha256_init(&c);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		az_sha256_update(&c, chunk, n);
	if (ferror(f))
		rc = -EIO;
	fclose(f);
	az_sha256_update(&c, "", 1);
	az_sha256_update(&c, options, strlen(options));
	az_sha256_final(&c, md);
	for (i = 0; i < AZ_SHA256_LEN; i++)
		snprintf(r->hash + 2 * i, 3, "%02x", md[i]);
	return rc;
}

/* --- readable report ---------------------------------------------------------- */

static void
az_text_flowspace(FILE *f, az_hdrset_t fs)
{
	const char *sep = "";
	unsigned int i;

	fputc('{', f);
	for (i = 0; i < AZ_HDR_COUNT; i++) {
		if (!(fs & (1u << i)))
			continue;
		fprintf(f, "%s%s", sep, az_hdr_name((enum az_hdr_field)i));
		sep = ", ";
	}
	fputc('}', f);
}

static void
az_text_field(FILE *f, const struct az_rfield *fl)
{
	fprintf(f, "    field %s (+%llu, %llu bytes):", fl->name,
		(unsigned long long)fl->off, (unsigned long long)fl->size);
	if (fl->flag[AZ_FLAG_UPDATEABLE])
		fputs(" updateable", f);
	if (fl->flag[AZ_FLAG_OUTPUT])
		fputs(" output-impacting", f);
	fputc('\n', f);
}

/* Objects without a source location (no debug info) are reported at the
 * input file, so that every line still starts with a file. */
static void
az_text_object(FILE *f, const struct az_result *r, const struct az_robj *o)
{
	size_t i, quiet = 0;

	fprintf(f, "%s: %s %s%s%s (%s, ", o->location != NULL ? o->location :
		r->input, az_pobj_kind_name(o->kind), o->name,
		o->func != NULL ? " in " : "", o->func != NULL ? o->func : "",
		o->type_name != NULL ? o->type_name : "unknown type");
	if (o->size != 0)
		fprintf(f, "%llu bytes): ", (unsigned long long)o->size);
	else
		fputs("size unknown): ", f);
	fprintf(f, "%s, %s, %s", o->flag[AZ_FLAG_UPDATEABLE] ? "updateable" :
		"not updateable", o->flag[AZ_FLAG_OUTPUT] ?
		"output-impacting" : "not output-impacting",
		az_scope_name(o->scope));
	if (o->flowspace != 0) {
		fputc(' ', f);
		az_text_flowspace(f, o->flowspace);
	}
	fputc('\n', f);
	if (o->reason[AZ_FLAG_UPDATEABLE] != NULL)
		fprintf(f, "  updateable: %s\n", o->reason[AZ_FLAG_UPDATEABLE]);
	if (o->reason[AZ_FLAG_OUTPUT] != NULL)
		fprintf(f, "  output-impacting: %s\n", o->reason[AZ_FLAG_OUTPUT]);
	if (o->flow_reason != NULL)
		fprintf(f, "  %s: %s\n", az_scope_name(o->scope), o->flow_reason);
	if (o->n_fields < 2)
		return;
	for (i = 0; i < o->n_fields; i++) {
		if (o->fields[i].flag[AZ_FLAG_UPDATEABLE] ||
		    o->fields[i].flag[AZ_FLAG_OUTPUT])
			az_text_field(f, &o->fields[i]);
		else
			quiet++;
	}
	if (quiet != 0)
		fprintf(f, "    (%zu more field%s neither updateable nor "
			"output-impacting)\n", quiet, quiet == 1 ? "" : "s");
}

static void
az_text_approx(FILE *f, const struct az_result *r)
{
	const struct az_approx *a;
	char loc[512];
	size_t i, n;

	n = az_pta_approx(r->pta, &a);
	for (i = 0; i < n; i++) {
		if (a[i].where != NULL)
			az_module_loc_str(r->m, a[i].where, false, loc,
					  sizeof(loc));
		else
			snprintf(loc, sizeof(loc), "%s", r->input);
		fprintf(f, "%s: note: approximation (%s): %s: %s\n", loc,
			az_approx_kind_name(a[i].kind), a[i].what,
			a[i].effect);
	}
}

void
az_report_text(FILE *f, const struct az_result *r)
{
	const struct az_summary *s = &r->sum;
	size_t i;

	fprintf(f, "%s: note: entry %s (%s)%s\n",
		r->entry_loc != NULL ? r->entry_loc : r->input,
		r->entry_func != NULL ? r->entry_func : "<none>", r->entry_kind,
		r->debug_info ? "" : "; no debug info, names are IR names");
	for (i = 0; i < r->n_objs; i++)
		az_text_object(f, r, &r->objs[i]);
	az_text_approx(f, r);
	fprintf(f, "%s: summary: %zu persistent, %zu updateable, %zu "
		"output-impacting; per-flow %zu, multi-flow %zu, all-flows "
		"%zu; %zu of %zu per-packet stores may write persistent state; "
		"%zu of %zu functions run per packet; %.2f s, %ld KiB\n",
		r->input, r->n_objs, az_result_count_flag(r, AZ_FLAG_UPDATEABLE),
		az_result_count_flag(r, AZ_FLAG_OUTPUT),
		az_result_count_scope(r, AZ_SCOPE_PER_FLOW),
		az_result_count_scope(r, AZ_SCOPE_MULTI_FLOW),
		az_result_count_scope(r, AZ_SCOPE_ALL_FLOWS),
		s->stores_to_persistent, s->stores_total,
		s->reachable_functions, s->functions, s->seconds,
		s->peak_rss_kib);
	if (r->instr.done)
		fprintf(f, "%s: instrument: instrumented %zu of %zu stores (%zu "
			"output-impacting, %zu update-only), %zu allocation "
			"calls redirected, %zu manifest regions\n", r->input,
			r->instr.stores_instrumented, r->instr.stores_total,
			r->instr.output_impacting, r->instr.update_only,
			r->instr.allocs_redirected, r->instr.manifest_regions);
}

/* --- JSON ------------------------------------------------------------------------ */

static void
az_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static const char *
az_bool(bool b)
{
	return b ? "true" : "false";
}

static void
az_json_reasons(FILE *f, const char *const *reason, size_t n)
{
	const char *sep = "";
	size_t i;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (reason[i] == NULL)
			continue;
		fputs(sep, f);
		az_json_str(f, reason[i]);
		sep = ", ";
	}
	fputc(']', f);
}

static void
az_json_field(FILE *f, const struct az_rfield *fl, bool last)
{
	fputs("        { \"name\": ", f);
	az_json_str(f, fl->name);
	fprintf(f, ", \"offset\": %llu, \"size\": %llu,\n"
		"          \"updateable\": %s, \"output_impacting\": %s,\n"
		"          \"reasons\": ", (unsigned long long)fl->off,
		(unsigned long long)fl->size,
		az_bool(fl->flag[AZ_FLAG_UPDATEABLE]),
		az_bool(fl->flag[AZ_FLAG_OUTPUT]));
	az_json_reasons(f, fl->reason, AZ_FLAG_COUNT);
	fprintf(f, " }%s\n", last ? "" : ",");
}

static void
az_json_object(FILE *f, const struct az_robj *o, bool last)
{
	const char *reasons[AZ_FLAG_COUNT + 1];
	const char *sep = "";
	unsigned int i;
	size_t k;

	fputs("    {\n      \"name\": ", f);
	az_json_str(f, o->name);
	fprintf(f, ",\n      \"kind\": \"%s\",\n      \"function\": ",
		az_pobj_kind_name(o->kind));
	az_json_str(f, o->func);
	fputs(",\n      \"location\": ", f);
	az_json_str(f, o->location);
	fputs(",\n      \"type\": ", f);
	az_json_str(f, o->type_name);
	if (o->size != 0)
		fprintf(f, ",\n      \"size\": %llu", (unsigned long long)o->size);
	else
		fputs(",\n      \"size\": null", f);
	fprintf(f, ",\n      \"updateable\": %s,\n      \"output_impacting\": "
		"%s,\n      \"scope\": \"%s\",\n      \"flowspace\": [",
		az_bool(o->flag[AZ_FLAG_UPDATEABLE]),
		az_bool(o->flag[AZ_FLAG_OUTPUT]), az_scope_name(o->scope));
	for (i = 0; i < AZ_HDR_COUNT; i++) {
		if (!(o->flowspace & (1u << i)))
			continue;
		fprintf(f, "%s\"%s\"", sep, az_hdr_name((enum az_hdr_field)i));
		sep = ", ";
	}
	fputs("],\n      \"fields\": [\n", f);
	for (k = 0; k < o->n_fields; k++)
		az_json_field(f, &o->fields[k], k + 1 == o->n_fields);
	fputs("      ],\n      \"reasons\": ", f);
	memcpy(reasons, o->reason, sizeof(o->reason));
	reasons[AZ_FLAG_COUNT] = o->flow_reason;
	az_json_reasons(f, reasons, AZ_FLAG_COUNT + 1);
	fprintf(f, "\n    }%s\n", last ? "" : ",");
}

static void
az_json_approx(FILE *f, const struct az_result *r)
{
	const struct az_approx *a;
	char loc[512];
	size_t i, n;

	n = az_pta_approx(r->pta, &a);
	fputs("  \"approximations\": [", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\n    { \"kind\": \"%s\", \"what\": ",
			i != 0 ? "," : "", az_approx_kind_name(a[i].kind));
		az_json_str(f, a[i].what);
		fputs(", \"location\": ", f);
		az_json_str(f, a[i].where != NULL ? az_module_loc_str(r->m,
			    a[i].where, false, loc, sizeof(loc)) : NULL);
		fputs(", \"effect\": ", f);
		az_json_str(f, a[i].effect);
		fputs(" }", f);
	}
	fputs(n != 0 ? "\n  ]\n" : "]\n", f);
}

static void
az_json_summary(FILE *f, const struct az_result *r)
{
	const struct az_summary *s = &r->sum;

	fprintf(f, "  \"summary\": {\n    \"functions\": %zu, "
		"\"reachable_functions\": %zu, \"instructions\": %zu,\n"
		"    \"persistent\": %zu, \"updateable\": %zu, "
		"\"output_impacting\": %zu,\n    \"scope\": { \"per-flow\": %zu, "
		"\"multi-flow\": %zu, \"all-flows\": %zu },\n"
		"    \"stores_total\": %zu, \"stores_to_persistent\": %zu,\n"
		"    \"seconds\": %.3f, \"peak_rss_kib\": %ld\n  },\n",
		s->functions, s->reachable_functions, s->instructions,
		r->n_objs, az_result_count_flag(r, AZ_FLAG_UPDATEABLE),
		az_result_count_flag(r, AZ_FLAG_OUTPUT),
		az_result_count_scope(r, AZ_SCOPE_PER_FLOW),
		az_result_count_scope(r, AZ_SCOPE_MULTI_FLOW),
		az_result_count_scope(r, AZ_SCOPE_ALL_FLOWS), s->stores_total,
		s->stores_to_persistent, s->seconds, s->peak_rss_kib);
}

/* Additive to schema 1: only `statealyzr instrument` writes it. */
static void
az_json_instr(FILE *f, const struct az_result *r)
{
	const struct az_instr_summary *in = &r->instr;

	fprintf(f, "  \"instrument\": {\n    \"stores_total\": %zu, "
		"\"stores_instrumented\": %zu,\n    \"output_impacting\": %zu, "
		"\"update_only\": %zu,\n    \"allocs_redirected\": %zu, "
		"\"manifest_regions\": %zu\n  },\n", in->stores_total,
		in->stores_instrumented, in->output_impacting,
		in->update_only, in->allocs_redirected, in->manifest_regions);
}

int
az_report_json(FILE *f, const struct az_result *r)
{
	size_t i;

	fprintf(f, "{\n  \"schema\": %d,\n  \"tool\": \"%s\",\n  \"input\": ",
		AZ_SCHEMA, AZ_TOOL);
	az_json_str(f, r->input);
	fprintf(f, ",\n  \"analysis_hash\": \"%s\",\n  \"debug_info\": %s,\n"
		"  \"entry\": { \"kind\": ", r->hash, az_bool(r->debug_info));
	az_json_str(f, r->entry_kind);
	fputs(", \"function\": ", f);
	az_json_str(f, r->entry_func);
	fputs(", \"location\": ", f);
	az_json_str(f, r->entry_loc);
	fputs(" },\n", f);
	az_json_summary(f, r);
	if (r->instr.done)
		az_json_instr(f, r);
	fputs("  \"objects\": [\n", f);
	for (i = 0; i < r->n_objs; i++)
		az_json_object(f, &r->objs[i], i + 1 == r->n_objs);
	fputs("  ],\n", f);
	az_json_approx(f, r);
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}
