/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The banner pattern language: a small regular-expression subset chosen
 * so that matching one pattern is a single left-to-right pass, without
 * backtracking, over at most MON_BANNER_WINDOW bytes.
 *
 *   abc        literal bytes; \r \n \t \xHH and \ before any punctuation
 *              character are literal bytes too
 *   .          any byte
 *   [a-z_]     a byte set, with ranges and the escapes above; [^...]
 *              negated; \d \w \s (and \D \W \S) may appear inside
 *   \d \w \s   digit, word byte [A-Za-z0-9_], blank [ \t\r\n\f\v];
 *   \D \W \S   their complements
 *   X? X* X+   after a byte, '.', a set or a class: 0-1, 0 or more, 1 or
 *              more, possessive: a repeat takes all it can and never
 *              gives back, so write [^\r\n]+ where a regex says .*
 *   .*?        skips to the first occurrence of the literal that must
 *              follow it (and only that one)
 *   ( )        capture group, at most 4, not nested, no quantifier;
 *              $1..$4 in the label
 *   (?i)       at the start: literals match regardless of ASCII case
 *   ^          at the start: allowed, and changes nothing
 *
 * A pattern always matches from the first payload byte: begin it with
 * .*?LITERAL to search. $ | { } and other regex syntax are rejected, so
 * nobody mistakes this for POSIX regex. All patterns of a file share one
 * pool of elements, literal bytes and byte sets (sets deduplicated),
 * written at init and only read per packet.
 */

#include <errno.h>
#include <string.h>

#include "mon.h"

#define MON_BITS_PER_BYTE	8
#define MON_BYTE_VALUES		256
#define MON_ASCII_CASE_BIT	0x20
#define MON_ASCII_PRINT_FIRST	0x20
#define MON_ASCII_PRINT_LAST	0x7e
#define MON_HEX_DIGITS		2
#define MON_HEX_BASE		16
#define MON_DEC_BASE		10
#define MON_PAT_SANITIZED	'?'
#define MON_PAT_NOCASE		"(?i)"

struct mon_pat_atom {
	bool is_set;
	bool is_dot;
	uint8_t byte;
	uint8_t set[MON_PAT_SET_BYTES];
};

struct mon_pat_comp {
	struct mon_pat_pool *pool;
	struct mon_pat *pat;
	const char *text;
	size_t pos;
	const char *err;
	bool in_cap;
	bool lit_open;		/* the last element takes more literal bytes */
	bool skip_pending;	/* the last element is a SKIP without bytes */
};

static inline void
mon_set_add(uint8_t *set, unsigned int b)
{
	set[b / MON_BITS_PER_BYTE] |= (uint8_t)(1u << (b % MON_BITS_PER_BYTE));
}

static inline bool
mon_set_has(const uint8_t *set, uint8_t b)
{
	return (set[b / MON_BITS_PER_BYTE] >> (b % MON_BITS_PER_BYTE)) & 1u;
}

static inline uint8_t
mon_pat_lower(uint8_t b)
{
	return b >= 'A' && b <= 'Z' ? (uint8_t)(b | MON_ASCII_CASE_BIT) : b;
}

static bool
mon_pat_is_blank(unsigned int b)
{
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' ||
	       b == '\f' || b == '\v';
}

static bool
mon_pat_is_word(unsigned int b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
	       (b >= '0' && b <= '9') || b == '_';
}

static bool
mon_pat_is_punct(char c)
{
	return c > MON_ASCII_PRINT_FIRST && c <= MON_ASCII_PRINT_LAST &&
	       !mon_pat_is_word((unsigned char)c);
}

/* Adds class \c to @p set; false if @p c names none. A lower-case
 * letter is the class, its capital the complement. */
static bool
mon_pat_class(char c, uint8_t *set)
{
	unsigned int b;
	bool in;

	if (c != 'd' && c != 'D' && c != 'w' && c != 'W' && c != 's' &&
	    c != 'S')
		return false;
	for (b = 0; b < MON_BYTE_VALUES; b++) {
		if (c == 'd' || c == 'D')
			in = b >= '0' && b <= '9';
		else if (c == 'w' || c == 'W')
			in = mon_pat_is_word(b);
		else
			in = mon_pat_is_blank(b);
		if (in == (c >= 'a'))
			mon_set_add(set, b);
	}
	return true;
}

static void
mon_pat_fold(uint8_t *set)
{
	unsigned int b;

	for (b = 'a'; b <= 'z'; b++)
		if (mon_set_has(set, (uint8_t)b) ||
		    mon_set_has(set, (uint8_t)(b ^ MON_ASCII_CASE_BIT))) {
			mon_set_add(set, b);
			mon_set_add(set, b ^ MON_ASCII_CASE_BIT);
		}
}

static int
mon_pat_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + MON_DEC_BASE;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + MON_DEC_BASE;
	return -1;
}

/* After a '\': one byte (r n t xHH punct) or, if @p set, a class. */
static int
mon_pat_escape(struct mon_pat_comp *c, struct mon_pat_atom *a)
{
	char e = c->text[c->pos++];
	int hi, lo;

	switch (e) {
	case 'r':
		a->byte = '\r';
		return 0;
	case 'n':
		a->byte = '\n';
		return 0;
	case 't':
		a->byte = '\t';
		return 0;
	case 'x':
		hi = mon_pat_hex(c->text[c->pos]);
		lo = hi < 0 ? -1 : mon_pat_hex(c->text[c->pos + 1]);
		if (lo < 0) {
			c->err = "\\x needs two hex digits";
			return -EINVAL;
		}
		c->pos += MON_HEX_DIGITS;
		a->byte = (uint8_t)(hi * MON_HEX_BASE + lo);
		return 0;
	default:
		break;
	}
	if (e == '\0') {
		c->pos--;
		c->err = "'\\' at the end";
		return -EINVAL;
	}
	if (mon_pat_class(e, a->set)) {
		a->is_set = true;
		return 0;
	}
	if (!mon_pat_is_punct(e)) {
		c->pos--;
		c->err = "unknown escape";
		return -EINVAL;
	}
	a->byte = (uint8_t)e;
	return 0;
}

/* One member of a [...] set: a byte, a range or a class. */
static int
mon_pat_bracket_item(struct mon_pat_comp *c, uint8_t *set)
{
	struct mon_pat_atom lo = { 0 }, hi = { 0 };
	unsigned int b;

	if (c->text[c->pos] == '\\') {
		c->pos++;
		if (mon_pat_escape(c, &lo) < 0)
			return -EINVAL;
	} else {
		lo.byte = (uint8_t)c->text[c->pos++];
	}
	if (lo.is_set) {
		for (b = 0; b < MON_PAT_SET_BYTES; b++)
			set[b] |= lo.set[b];
		return 0;
	}
	if (c->text[c->pos] != '-' || c->text[c->pos + 1] == ']' ||
	    c->text[c->pos + 1] == '\0') {
		mon_set_add(set, lo.byte);
		return 0;
	}
	c->pos++;
	if (c->text[c->pos] == '\\') {
		c->pos++;
		if (mon_pat_escape(c, &hi) < 0)
			return -EINVAL;
	} else {
		hi.byte = (uint8_t)c->text[c->pos++];
	}
	if (hi.is_set || hi.byte < lo.byte) {
		c->err = "bad range in [...]";
		return -EINVAL;
	}
	for (b = lo.byte; b <= hi.byte; b++)
		mon_set_add(set, b);
	return 0;
}

static int
mon_pat_bracket(struct mon_pat_comp *c, struct mon_pat_atom *a)
{
	bool negate = false;
	unsigned int b;

	if (c->text[c->pos] == '^') {
		negate = true;
		c->pos++;
	}
	do {
		if (c->text[c->pos] == '\0') {
			c->err = "unclosed '['";
			return -EINVAL;
		}
		if (mon_pat_bracket_item(c, a->set) < 0)
			return -EINVAL;
	} while (c->text[c->pos] != ']');
	c->pos++;
	if (c->pat->nocase)
		mon_pat_fold(a->set);
	if (negate)
		for (b = 0; b < MON_PAT_SET_BYTES; b++)
			a->set[b] = (uint8_t)~a->set[b];
	a->is_set = true;
	return 0;
}

/* Reads one atom at c->pos (not '(' or ')'). */
static int
mon_pat_atom(struct mon_pat_comp *c, struct mon_pat_atom *a)
{
	char ch = c->text[c->pos++];

	memset(a, 0, sizeof(*a));
	switch (ch) {
	case '\\':
		return mon_pat_escape(c, a);
	case '[':
		return mon_pat_bracket(c, a);
	case '.':
		memset(a->set, 0xff, sizeof(a->set));
		a->is_set = true;
		a->is_dot = true;
		return 0;
	case '?':
	case '*':
	case '+':
		c->err = "nothing to repeat";
		break;
	case '^':
		c->err = "'^' is only allowed at the start";
		break;
	case '$':
	case '|':
	case '{':
	case '}':
	case ']':
		c->err = "not supported (escape it for a literal byte)";
		break;
	default:
		a->byte = (uint8_t)ch;
		return 0;
	}
	c->pos--;
	return -EINVAL;
}

static struct mon_pat_elem *
mon_pat_elem_new(struct mon_pat_comp *c, enum mon_pat_op op)
{
	struct mon_pat_pool *pool = c->pool;
	struct mon_pat_elem *e;

	if (c->skip_pending) {
		c->err = "'.*?' must be followed by a literal byte";
		return NULL;
	}
	if (pool->n_elems == MON_PAT_ELEMS_MAX) {
		c->err = "the file needs more than 8192 pattern elements";
		return NULL;
	}
	e = &pool->elems[pool->n_elems++];
	memset(e, 0, sizeof(*e));
	e->op = (uint8_t)op;
	c->pat->n_elem++;
	c->lit_open = false;
	return e;
}

_Static_assert(MON_PAT_ELEMS_MAX == 8192, "the message above says 8192");

static int
mon_pat_add_byte(struct mon_pat_comp *c, uint8_t b)
{
	struct mon_pat_pool *pool = c->pool;
	struct mon_pat_elem *e;

	if (pool->n_lits == MON_PAT_LITS_MAX) {
		c->err = "the file needs more than 65536 literal bytes";
		return -EINVAL;
	}
	if (c->skip_pending) {
		e = &pool->elems[pool->n_elems - 1];
		e->lit_off = pool->n_lits;
		c->skip_pending = false;
		c->lit_open = true;
	} else if (c->lit_open) {
		e = &pool->elems[pool->n_elems - 1];
	} else {
		e = mon_pat_elem_new(c, MON_PAT_LIT);
		if (e == NULL)
			return -EINVAL;
		e->lit_off = pool->n_lits;
		c->lit_open = true;
	}
	pool->lits[pool->n_lits++] = c->pat->nocase ? mon_pat_lower(b) : b;
	e->lit_len++;
	return 0;
}

_Static_assert(MON_PAT_LITS_MAX == 65536, "the message above says 65536");

static int
mon_pat_add_set(struct mon_pat_comp *c, const uint8_t *set, uint8_t min,
		uint16_t max)
{
	struct mon_pat_pool *pool = c->pool;
	struct mon_pat_elem *e;
	uint32_t i;

	for (i = 0; i < pool->n_sets; i++)
		if (memcmp(pool->sets[i], set, MON_PAT_SET_BYTES) == 0)
			break;
	if (i == MON_PAT_SETS_MAX) {
		c->err = "the file needs more than 256 distinct byte sets";
		return -EINVAL;
	}
	e = mon_pat_elem_new(c, MON_PAT_SET);
	if (e == NULL)
		return -EINVAL;
	if (i == pool->n_sets)
		memcpy(pool->sets[pool->n_sets++], set, MON_PAT_SET_BYTES);
	e->set = (uint8_t)i;
	e->min = min;
	e->max = max;
	return 0;
}

_Static_assert(MON_PAT_SETS_MAX == 256, "set indexes fit a uint8_t");

/* A quantifier after an atom: sets min/max; false if there is none. */
static bool
mon_pat_quant(struct mon_pat_comp *c, uint8_t *min, uint16_t *max)
{
	switch (c->text[c->pos]) {
	case '?':
		*min = 0;
		*max = 1;
		break;
	case '*':
		*min = 0;
		*max = MON_PAT_REP_INF;
		break;
	case '+':
		*min = 1;
		*max = MON_PAT_REP_INF;
		break;
	default:
		*min = 1;
		*max = 1;
		return false;
	}
	c->pos++;
	return true;
}

static int
mon_pat_piece(struct mon_pat_comp *c)
{
	uint8_t one[MON_PAT_SET_BYTES] = { 0 };
	struct mon_pat_atom a;
	uint16_t max;
	uint8_t min;
	bool quant;

	if (mon_pat_atom(c, &a) < 0)
		return -EINVAL;
	quant = mon_pat_quant(c, &min, &max);
	if (quant && a.is_dot && max == MON_PAT_REP_INF && min == 0 &&
	    c->text[c->pos] == '?') {
		c->pos++;
		if (mon_pat_elem_new(c, MON_PAT_SKIP) == NULL)
			return -EINVAL;
		c->skip_pending = true;
		return 0;
	}
	if (c->text[c->pos] == '?' || c->text[c->pos] == '*' ||
	    c->text[c->pos] == '+') {
		c->err = quant ? "nothing to repeat (only .*? is lazy)" :
				 "nothing to repeat";
		return -EINVAL;
	}
	if (!a.is_set && !quant)
		return mon_pat_add_byte(c, a.byte);
	if (a.is_set)
		return mon_pat_add_set(c, a.set, min, max);
	mon_set_add(one, a.byte);
	if (c->pat->nocase)
		mon_pat_fold(one);
	return mon_pat_add_set(c, one, min, max);
}

static int
mon_pat_group(struct mon_pat_comp *c)
{
	struct mon_pat_elem *e;
	bool open = c->text[c->pos] == '(';

	if (open && c->text[c->pos + 1] == '?') {
		c->err = "'(?' is only allowed as (?i) at the start";
		return -EINVAL;
	}
	if (open == c->in_cap) {
		c->err = open ? "groups do not nest" : "unbalanced ')'";
		return -EINVAL;
	}
	if (open && c->pat->n_caps == MON_PAT_CAPS_MAX) {
		c->err = "more than 4 groups";
		return -EINVAL;
	}
	e = mon_pat_elem_new(c, open ? MON_PAT_CAP_OPEN : MON_PAT_CAP_CLOSE);
	if (e == NULL)
		return -EINVAL;
	e->cap = open ? c->pat->n_caps : (uint8_t)(c->pat->n_caps - 1);
	if (open)
		c->pat->n_caps++;
	c->in_cap = open;
	c->pos++;
	return 0;
}

_Static_assert(MON_PAT_CAPS_MAX == 4, "the message above says 4");

/* "^" and "(?i)", in either order, each at most once. */
static void
mon_pat_prefix(struct mon_pat_comp *c)
{
	bool anchor = false;

	for (;;) {
		if (!anchor && c->text[c->pos] == '^') {
			anchor = true;
			c->pos++;
		} else if (!c->pat->nocase &&
			   strncmp(c->text + c->pos, MON_PAT_NOCASE,
				   strlen(MON_PAT_NOCASE)) == 0) {
			c->pat->nocase = true;
			c->pos += strlen(MON_PAT_NOCASE);
		} else {
			return;
		}
	}
}

static int
mon_pat_parse(struct mon_pat_comp *c)
{
	int rc;

	mon_pat_prefix(c);
	while (c->text[c->pos] != '\0') {
		if (c->text[c->pos] == '(' || c->text[c->pos] == ')')
			rc = mon_pat_group(c);
		else
			rc = mon_pat_piece(c);
		if (rc < 0)
			return rc;
	}
	if (c->skip_pending)
		c->err = "'.*?' must be followed by a literal byte";
	else if (c->in_cap)
		c->err = "unclosed '('";
	else if (c->pat->n_elem == 0)
		c->err = "empty pattern";
	return c->err != NULL ? -EINVAL : 0;
}

int
mon_pat_compile(struct mon_pat_pool *pool, const char *text,
		struct mon_pat *out, const char **err, size_t *err_pos)
{
	struct mon_pat_comp c = {
		.pool = pool,
		.pat = out,
		.text = text,
	};
	uint32_t elems = pool->n_elems, lits = pool->n_lits;

	memset(out, 0, sizeof(*out));
	out->elem_off = pool->n_elems;
	if (mon_pat_parse(&c) == 0)
		return 0;
	/* Leave the pool as it was; the sets stay, deduplicated anyway. */
	pool->n_elems = elems;
	pool->n_lits = lits;
	*err = c.err;
	*err_pos = c.pos;
	return -EINVAL;
}

/* ---- matching: per packet, bounded by the window and the budget ---- */

static inline bool
mon_pat_spend(uint32_t *budget, uint32_t n)
{
	if (*budget < n) {
		*budget = 0;
		return false;
	}
	*budget -= n;
	return true;
}

/* Compares @p n literal bytes at @p buf; the bytes compared in *cost. */
static inline bool
mon_pat_eq(const uint8_t *lit, const uint8_t *buf, uint32_t n, bool nocase,
	   uint32_t *cost)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if ((nocase ? mon_pat_lower(buf[i]) : buf[i]) != lit[i]) {
			*cost = i + 1;
			return false;
		}
	}
	*cost = n;
	return true;
}

static enum mon_match
mon_pat_lit(const struct mon_pat_pool *pool, const struct mon_pat *pat,
	    const struct mon_pat_elem *e, const uint8_t *buf, uint32_t len,
	    uint32_t *pos, uint32_t *budget)
{
	uint32_t cost;
	bool eq;

	if (e->lit_len > len - *pos)
		return MON_MATCH_NO;
	eq = mon_pat_eq(&pool->lits[e->lit_off], buf + *pos, e->lit_len,
			pat->nocase, &cost);
	if (!mon_pat_spend(budget, cost))
		return MON_MATCH_BUDGET;
	if (!eq)
		return MON_MATCH_NO;
	*pos += e->lit_len;
	return MON_MATCH_YES;
}

static enum mon_match
mon_pat_skip(const struct mon_pat_pool *pool, const struct mon_pat *pat,
	     const struct mon_pat_elem *e, const uint8_t *buf, uint32_t len,
	     uint32_t *pos, uint32_t *budget)
{
	uint32_t s, cost;
	bool eq;

	for (s = *pos; e->lit_len <= len - s; s++) {
		eq = mon_pat_eq(&pool->lits[e->lit_off], buf + s, e->lit_len,
				pat->nocase, &cost);
		if (!mon_pat_spend(budget, cost))
			return MON_MATCH_BUDGET;
		if (eq) {
			*pos = s + e->lit_len;
			return MON_MATCH_YES;
		}
	}
	return MON_MATCH_NO;
}

static enum mon_match
mon_pat_run(const struct mon_pat_pool *pool, const struct mon_pat_elem *e,
	    const uint8_t *buf, uint32_t len, uint32_t *pos, uint32_t *budget)
{
	const uint8_t *set = pool->sets[e->set];
	uint32_t n = 0;

	while (n < e->max && *pos < len && mon_set_has(set, buf[*pos])) {
		(*pos)++;
		n++;
	}
	if (!mon_pat_spend(budget, n + 1))
		return MON_MATCH_BUDGET;
	return n >= e->min ? MON_MATCH_YES : MON_MATCH_NO;
}

enum mon_match
mon_pat_match(const struct mon_pat_pool *pool, const struct mon_pat *pat,
	      const uint8_t *buf, uint32_t len, struct mon_caps *caps,
	      uint32_t *budget)
{
	const struct mon_pat_elem *e;
	enum mon_match r = MON_MATCH_YES;
	uint32_t pos = 0, i;

	for (i = 0; i < pat->n_elem && r == MON_MATCH_YES; i++) {
		e = &pool->elems[pat->elem_off + i];
		switch (e->op) {
		case MON_PAT_LIT:
			r = mon_pat_lit(pool, pat, e, buf, len, &pos, budget);
			break;
		case MON_PAT_SKIP:
			r = mon_pat_skip(pool, pat, e, buf, len, &pos, budget);
			break;
		case MON_PAT_SET:
			r = mon_pat_run(pool, e, buf, len, &pos, budget);
			break;
		case MON_PAT_CAP_OPEN:
			caps->start[e->cap] = (uint16_t)pos;
			break;
		default:
			caps->end[e->cap] = (uint16_t)pos;
			break;
		}
	}
	return r;
}

_Static_assert(MON_BANNER_WINDOW <= UINT16_MAX, "capture offsets fit");

/* ---- labels ---- */

const char *
mon_pat_check_label(const char *label, unsigned int n_caps)
{
	const char *d;

	for (d = strchr(label, '$'); d != NULL; d = strchr(d + 1, '$'))
		if (d[1] < '1' || d[1] > '0' + (int)n_caps)
			return "'$' in the label is not followed by the "
			       "number of a group of the pattern";
	return NULL;
}

/* Appends capture @p k of @p buf, sanitized, at most MON_CAPTURE_MAX. */
static size_t
mon_pat_render_cap(const uint8_t *buf, const struct mon_caps *caps,
		   uint32_t k, char *out, size_t n, size_t size)
{
	uint32_t i, start, end;
	uint8_t b;

	if (k >= MON_PAT_CAPS_MAX)
		return n;
	start = caps->start[k];
	end = caps->end[k];
	if (end > start + MON_CAPTURE_MAX)
		end = start + MON_CAPTURE_MAX;
	for (i = start; i < end && n + 1 < size; i++) {
		b = buf[i];
		/* Quoted in events: no quotes, escapes or controls. */
		out[n++] = b >= MON_ASCII_PRINT_FIRST &&
			   b <= MON_ASCII_PRINT_LAST && b != '"' &&
			   b != '\\' ? (char)b : MON_PAT_SANITIZED;
	}
	return n;
}

void
mon_pat_render(const char *label, const uint8_t *buf,
	       const struct mon_caps *caps, char *out, size_t size)
{
	size_t n = 0;
	uint32_t i;

	if (size == 0)
		return;
	for (i = 0; label[i] != '\0' && n + 1 < size; i++) {
		if (label[i] == '$' && label[i + 1] >= '1') {
			i++;
			n = mon_pat_render_cap(buf, caps,
					       (uint32_t)(label[i] - '1'), out,
					       n, size);
		} else {
			out[n++] = label[i];
		}
	}
	out[n] = '\0';
}
