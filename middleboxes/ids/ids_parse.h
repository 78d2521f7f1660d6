/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IDS_PARSE_H
#define IDS_PARSE_H

/*
 * Init-time only: what the rules-file reader (ids_lex.c), the option
 * parser (ids_opts.c) and the compiler (ids_compile.c) share. Arrays grow
 * in sa_state_alloc memory while the file is read and are copied to
 * exactly sized blocks in ids_rs once it is compiled; nothing here is
 * touched after init.
 */

#include "ids.h"

/* A growable array of fixed-size elements. */
struct ids_vec {
	void *data;
	uint32_t n;
	uint32_t cap;
	uint32_t elem;
};

/* A content as written, before patterns are shared between rules. */
struct ids_content {
	uint32_t rule;
	uint32_t bytes;		/* offset in ids_parser.bytes */
	uint32_t len;
	uint32_t offset;
	uint32_t depth;
	uint8_t nocase;
	uint8_t has_offset;
	uint8_t has_depth;
	uint8_t pad;
};

/* Where errors go and what has been read so far. */
struct ids_parser {
	struct sa_ctx *ctx;
	const char *path;
	unsigned int line;
	bool oom;			/* failed for want of state memory */
	struct ids_vec rules;		/* struct ids_rule */
	struct ids_vec lines;		/* uint32_t: each rule's line */
	struct ids_vec cidrs;		/* struct ids_cidr */
	struct ids_vec strings;		/* char */
	struct ids_vec contents;	/* struct ids_content */
	struct ids_vec bytes;		/* uint8_t: content bytes */
};

/* "path:line: message" through sa_log(); returns -EINVAL. */
int ids_perr(struct ids_parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same for running out of state memory while storing @what; returns
 * -ENOMEM and remembers it for ids_rules_load(). */
int ids_oom(struct ids_parser *ps, const char *what);

void ids_vec_init(struct ids_vec *v, uint32_t elem);
/* Appends @n elements copied from @src; 0 or -ENOMEM. */
int ids_vec_append(struct ids_vec *v, const void *src, uint32_t n);
/* Hands over the data in a block of exactly n elements (NULL when
 * empty); 0 or -ENOMEM. The vector is left empty. */
int ids_vec_take(struct ids_vec *v, void **out);
void ids_vec_free(struct ids_vec *v);

/* ids_lex.c: reads the whole file into @ps. */
int ids_lex_file(struct ids_parser *ps);

/* ids_opts.c: parses the text between the parentheses into @r, adding
 * its contents and message to @ps. */
int ids_opts_parse(struct ids_parser *ps, char *text, struct ids_rule *r);

#endif /* IDS_PARSE_H */
