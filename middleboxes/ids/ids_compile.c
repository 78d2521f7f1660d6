/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * From the rules file to the read-only rule set ids_rs.
 *
 * Contents become patterns: equal byte strings that live in the same
 * automaton are one pattern, whatever rules, offsets and depths use them;
 * each use is a "content reference" (ids_cref) naming its rule and the
 * stream window it must lie in, so one automaton hit visits exactly the
 * rules that can care.
 *
 * nocase: a content marked nocase is stored lower-cased and goes to the
 * FOLD automaton, whose input alphabet maps 'A'..'Z' to the classes of
 * 'a'..'z', so folding costs nothing per byte. A case-sensitive content
 * without ASCII letters matches folded input exactly when it matches the
 * raw input, so it goes there too; only case-sensitive contents with
 * letters need the EXACT automaton, which is built (and run) only when
 * there is one.
 *
 * Everything is checked against limits here so that a rule set too large
 * for bounded per-flow state or automaton memory fails at start with a
 * message instead of at the first packet.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ids_parse.h"

#define IDS_VEC_MIN_CAP	16u
/* A sid and a line number side by side in one sortable word. */
#define IDS_SID_SHIFT	32

/* A content on its way to becoming (part of) a pattern. */
struct ids_csort {
	const uint8_t *bytes;
	uint32_t len;
	uint32_t content;	/* index in ids_parser.contents */
	uint8_t kind;		/* enum ids_ac_kind */
};

void
ids_vec_init(struct ids_vec *v, uint32_t elem)
{
	memset(v, 0, sizeof(*v));
	v->elem = elem;
}

int
ids_vec_append(struct ids_vec *v, const void *src, uint32_t n)
{
	uint32_t cap = v->cap;
	void *p;

	if (n > UINT32_MAX / 2 - v->n)
		return -ENOMEM;
	if (v->n + n > cap) {
		if (cap < IDS_VEC_MIN_CAP)
			cap = IDS_VEC_MIN_CAP;
		while (cap < v->n + n)
			cap *= 2;
		p = sa_state_alloc((size_t)cap * v->elem);
		if (p == NULL)
			return -ENOMEM;
		if (v->n > 0)
			memcpy(p, v->data, (size_t)v->n * v->elem);
		sa_state_free(v->data);
		v->data = p;
		v->cap = cap;
	}
	memcpy((uint8_t *)v->data + (size_t)v->n * v->elem, src,
	       (size_t)n * v->elem);
	v->n += n;
	return 0;
}

int
ids_vec_take(struct ids_vec *v, void **out)
{
	void *p = NULL;

	if (v->n > 0) {
		p = sa_state_alloc((size_t)v->n * v->elem);
		if (p == NULL)
			return -ENOMEM;
		memcpy(p, v->data, (size_t)v->n * v->elem);
	}
	sa_state_free(v->data);
	v->data = NULL;
	v->n = 0;
	v->cap = 0;
	*out = p;
	return 0;
}

void
ids_vec_free(struct ids_vec *v)
{
	sa_state_free(v->data);
	v->data = NULL;
	v->n = 0;
	v->cap = 0;
}

static int
ids_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A sid may appear once; the later line is the one reported. */
static int
ids_check_sids(struct ids_parser *ps)
{
	const struct ids_rule *r = ps->rules.data;
	const uint32_t *lines = ps->lines.data;
	uint64_t *keys;
	uint32_t i;
	int rc = 0;

	if (ps->rules.n < 2)
		return 0;
	keys = sa_state_alloc(sizeof(*keys) * ps->rules.n);
	if (keys == NULL)
		return ids_oom(ps, "checking sids");
	for (i = 0; i < ps->rules.n; i++)
		keys[i] = (uint64_t)r[i].sid << IDS_SID_SHIFT | lines[i];
	qsort(keys, ps->rules.n, sizeof(*keys), ids_cmp_u64);
	for (i = 1; i < ps->rules.n; i++)
		if (keys[i] >> IDS_SID_SHIFT == keys[i - 1] >> IDS_SID_SHIFT)
			break;
	if (i < ps->rules.n) {
		ps->line = (uint32_t)keys[i];
		rc = ids_perr(ps, "duplicate sid %u (first at line %u)",
			      (uint32_t)(keys[i] >> IDS_SID_SHIFT),
			      (uint32_t)keys[i - 1]);
	}
	sa_state_free(keys);
	return rc;
}

static bool
ids_has_letter(const uint8_t *b, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if ((b[i] >= 'a' && b[i] <= 'z') ||
		    (b[i] >= 'A' && b[i] <= 'Z'))
			return true;
	return false;
}

static int
ids_cmp_csort(const void *a, const void *b)
{
	const struct ids_csort *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	c = memcmp(x->bytes, y->bytes, x->len);
	if (c != 0)
		return c;
	/* Stable, so refs keep file order within a pattern. */
	return x->content < y->content ? -1 : x->content > y->content;
}

/* Folds nocase contents and orders all by (automaton, bytes). */
static struct ids_csort *
ids_sort_contents(struct ids_parser *ps)
{
	struct ids_content *c = ps->contents.data;
	uint8_t *bytes = ps->bytes.data;
	struct ids_csort *cs;
	uint32_t i, j;

	cs = sa_state_alloc(sizeof(*cs) *
			    (ps->contents.n > 0 ? ps->contents.n : 1));
	if (cs == NULL)
		return NULL;
	for (i = 0; i < ps->contents.n; i++) {
		uint8_t *b = bytes + c[i].bytes;

		if (c[i].nocase)
			for (j = 0; j < c[i].len; j++)
				if (b[j] >= 'A' && b[j] <= 'Z')
					b[j] = (uint8_t)(b[j] - 'A' + 'a');
		cs[i].bytes = b;
		cs[i].len = c[i].len;
		cs[i].content = i;
		cs[i].kind = c[i].nocase || !ids_has_letter(b, c[i].len) ?
			IDS_AC_FOLD : IDS_AC_EXACT;
	}
	qsort(cs, ps->contents.n, sizeof(*cs), ids_cmp_csort);
	return cs;
}

/* Gives every multi-content rule its run of content-progress bits and
 * returns, per content, its index within its rule. */
static uint8_t *
ids_assign_progress(struct ids_parser *ps)
{
	const struct ids_content *c = ps->contents.data;
	struct ids_rule *r = ps->rules.data;
	uint8_t *nth;
	uint32_t i, prev = IDS_NONE, k = 0;

	nth = sa_state_alloc(ps->contents.n > 0 ? ps->contents.n : 1);
	if (nth == NULL)
		return NULL;
	ids_rs.n_progress = 0;
	for (i = 0; i < ps->rules.n; i++) {
		r[i].progress = IDS_NONE;
		if (r[i].n_contents > 1) {
			r[i].progress = ids_rs.n_progress;
			ids_rs.n_progress += r[i].n_contents;
		}
	}
	for (i = 0; i < ps->contents.n; i++) {
		k = c[i].rule == prev ? k + 1 : 0;
		prev = c[i].rule;
		nth[i] = (uint8_t)k;
	}
	return nth;
}

static struct ids_cref
ids_cref_make(const struct ids_parser *ps, uint32_t ci, const uint8_t *nth)
{
	const struct ids_content *c = (const struct ids_content *)
				      ps->contents.data + ci;
	const struct ids_rule *r = (const struct ids_rule *)ps->rules.data +
				   c->rule;
	struct ids_cref ref = {
		.rule = c->rule,
		.min_start = c->offset,
		.max_end = UINT32_MAX,
		.bit = IDS_NONE,
	};

	if (c->has_depth)
		ref.max_end = c->offset + c->depth;
	if (r->n_contents > 1)
		ref.bit = r->progress + nth[ci];
	return ref;
}

/*
 * Builds the automaton of @kind over patterns [lo, hi) of ids_rs, whose
 * bytes are those of their first content in @cs.
 */
static int
ids_build_kind(struct ids_parser *ps, enum ids_ac_kind kind,
	       const struct ids_csort *cs, uint32_t lo, uint32_t hi,
	       uint32_t *mem_left)
{
	const uint8_t **pats;
	uint32_t *lens;
	uint32_t i;
	int rc = -ENOMEM;

	if (hi == lo)
		return 0;
	pats = sa_state_alloc(sizeof(*pats) * (hi - lo));
	lens = sa_state_alloc(sizeof(*lens) * (hi - lo));
	if (pats != NULL && lens != NULL) {
		for (i = lo; i < hi; i++) {
			pats[i - lo] = cs[ids_rs.patterns[i].first_ref].bytes;
			lens[i - lo] = ids_rs.patterns[i].len;
		}
		rc = ids_ac_build(&ids_rs.ac[kind], kind, pats, lens, lo,
				  hi - lo, mem_left);
	}
	sa_state_free(pats);
	sa_state_free(lens);
	if (rc == -E2BIG)
		sa_log(ps->ctx, SA_LOG_ERR, "%s: rule set too large: its "
		       "automata would need more than %u MiB; use fewer or "
		       "shorter contents", ps->path, IDS_AC_MEM_MAX >> 20);
	else if (rc < 0)
		sa_log(ps->ctx, SA_LOG_ERR, "%s: out of state memory for the "
		       "automaton", ps->path);
	return rc;
}

/*
 * Groups the sorted contents into patterns (ids_rs.patterns, each with
 * its run of ids_rs.refs) and builds one automaton per kind.
 */
static int
ids_compile_patterns(struct ids_parser *ps, const struct ids_csort *cs,
		     const uint8_t *nth)
{
	uint32_t i, n = ps->contents.n, kind_lo[IDS_AC_COUNT + 1];
	uint32_t mem_left = IDS_AC_MEM_MAX;
	struct ids_pattern *pat = NULL;
	struct ids_vec pats;
	int k, rc = 0;

	ids_vec_init(&pats, sizeof(struct ids_pattern));
	ids_rs.refs = sa_state_alloc(sizeof(struct ids_cref) * (n ? n : 1));
	if (ids_rs.refs == NULL)
		return -ENOMEM;
	ids_rs.n_refs = n;
	for (k = 0; k <= IDS_AC_COUNT; k++)
		kind_lo[k] = 0;
	for (i = 0; i < n && rc == 0; i++) {
		if (i == 0 || cs[i].kind != cs[i - 1].kind ||
		    cs[i].len != cs[i - 1].len ||
		    memcmp(cs[i].bytes, cs[i - 1].bytes, cs[i].len) != 0) {
			struct ids_pattern np = { i, 0, cs[i].len };

			rc = ids_vec_append(&pats, &np, 1);
			if (rc < 0)
				break;
			pat = (struct ids_pattern *)pats.data + pats.n - 1;
			kind_lo[cs[i].kind + 1] = pats.n;
		}
		ids_rs.refs[i] = ids_cref_make(ps, cs[i].content, nth);
		pat->n_refs++;
	}
	/* Kinds without contents start where the one before ends. */
	for (k = 1; k <= IDS_AC_COUNT; k++)
		if (kind_lo[k] < kind_lo[k - 1])
			kind_lo[k] = kind_lo[k - 1];
	ids_rs.n_patterns = pats.n;
	if (rc == 0)
		rc = ids_vec_take(&pats, (void **)&ids_rs.patterns);
	ids_vec_free(&pats);
	if (rc < 0)
		return -ENOMEM;
	for (k = 0; k < IDS_AC_COUNT && rc == 0; k++)
		rc = ids_build_kind(ps, (enum ids_ac_kind)k, cs, kind_lo[k],
				    kind_lo[k + 1], &mem_left);
	return rc;
}

/* Whether header rule @r can match packets of @rproto with key byte @k. */
static bool
ids_hdr_may_match(const struct ids_rule *r, uint8_t rproto, uint32_t k)
{
	if (r->proto != IDS_RP_IP && r->proto != rproto)
		return false;
	switch (rproto) {
	case IDS_RP_TCP:
		return ids_flags_match(r->flags_op, r->flags, (uint8_t)k);
	case IDS_RP_ICMP:
		return r->itype == IDS_ICMP_ANY || r->itype == (int16_t)k;
	default:
		/* No key byte: everything is in bucket 0. */
		return k == 0;
	}
}

/*
 * Rules without content are checked on every packet, so they are few
 * (IDS_HEADER_RULES_MAX) and bucketed by packet class and key byte: an
 * ordinary ACK segment looks only at the rules that accept its flags.
 */
static int
ids_compile_headers(struct ids_parser *ps)
{
	const struct ids_rule *r = ps->rules.data;
	struct ids_vec map, list;
	const uint32_t *hr;
	uint32_t i, k, c, h;
	int rc = 0;

	ids_vec_init(&map, sizeof(uint32_t));
	ids_vec_init(&list, sizeof(uint32_t));
	for (i = 0; i < ps->rules.n && rc == 0; i++)
		if (r[i].n_contents == 0)
			rc = ids_vec_append(&map, &i, 1);
	if (map.n > IDS_HEADER_RULES_MAX) {
		sa_log(ps->ctx, SA_LOG_ERR, "%s: %u rules without content; at "
		       "most %u (each is checked on every packet)", ps->path,
		       map.n, IDS_HEADER_RULES_MAX);
		rc = -E2BIG;
	}
	hr = map.data;
	for (c = 0; c < IDS_HDR_CLASSES && rc == 0; c++) {
		for (k = 0; k < IDS_HDR_KEYS; k++) {
			ids_rs.hdr_start[c * IDS_HDR_KEYS + k] = list.n;
			for (h = 0; h < map.n && rc == 0; h++)
				if (ids_hdr_may_match(&r[hr[h]], (uint8_t)(c +
						      IDS_RP_TCP), k))
					rc = ids_vec_append(&list, &h, 1);
		}
	}
	ids_rs.hdr_start[IDS_HDR_CLASSES * IDS_HDR_KEYS] = list.n;
	ids_rs.n_header_rules = map.n;
	if (rc == 0)
		rc = ids_vec_take(&map, (void **)&ids_rs.header_rules);
	if (rc == 0)
		rc = ids_vec_take(&list, (void **)&ids_rs.hdr_list);
	ids_vec_free(&map);
	ids_vec_free(&list);
	return rc;
}

/* Per-flow bitmaps must fit one flow-table value. */
static int
ids_compile_sizes(struct ids_parser *ps)
{
	uint64_t size;

	ids_rs.alert_bytes = (ps->rules.n + IDS_BITS_PER_BYTE - 1) /
			     IDS_BITS_PER_BYTE;
	ids_rs.progress_bytes = (ids_rs.n_progress + IDS_BITS_PER_BYTE - 1) /
				IDS_BITS_PER_BYTE;
	ids_rs.hdr_bytes = (ids_rs.n_header_rules + IDS_BITS_PER_BYTE - 1) /
			   IDS_BITS_PER_BYTE;
	size = sizeof(struct ids_flow) + ids_rs.alert_bytes +
	       (uint64_t)IDS_SIDES * (ids_rs.progress_bytes + ids_rs.hdr_bytes);
	if (size <= SA_TABLE_VALUE_MAX)
		return 0;
	sa_log(ps->ctx, SA_LOG_ERR, "%s: rule set too large: %u rules and %u "
	       "contents of multi-content rules need %llu bytes of state per "
	       "flow (at most %u)", ps->path, ps->rules.n, ids_rs.n_progress,
	       (unsigned long long)size, SA_TABLE_VALUE_MAX);
	return -E2BIG;
}

static int
ids_compile(struct ids_parser *ps)
{
	struct ids_csort *cs = NULL;
	uint8_t *nth = NULL;
	int rc = -ENOMEM;

	cs = ids_sort_contents(ps);
	nth = ids_assign_progress(ps);
	if (cs != NULL && nth != NULL)
		rc = ids_compile_headers(ps);
	if (rc == 0)
		rc = ids_compile_sizes(ps);
	if (rc == 0)
		rc = ids_compile_patterns(ps, cs, nth);
	if (rc == -ENOMEM)
		sa_log(ps->ctx, SA_LOG_ERR, "%s: out of state memory for the "
		       "rule set", ps->path);
	sa_state_free(cs);
	sa_state_free(nth);
	return rc;
}

static int
ids_take_all(struct ids_parser *ps)
{
	ids_rs.n_rules = ps->rules.n;
	ids_rs.n_cidrs = ps->cidrs.n;
	ids_rs.strings_len = ps->strings.n;
	if (ids_vec_take(&ps->rules, (void **)&ids_rs.rules) < 0 ||
	    ids_vec_take(&ps->cidrs, (void **)&ids_rs.cidrs) < 0 ||
	    ids_vec_take(&ps->strings, (void **)&ids_rs.strings) < 0) {
		sa_log(ps->ctx, SA_LOG_ERR, "%s: out of state memory for the "
		       "rule set", ps->path);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Reads @path and compiles it into ids_rs, which must be empty. Every
 * problem is logged ("path:line: message" for a bad line) and returns
 * -EINVAL, or -ENOMEM when state memory runs out.
 */
int
ids_rules_load(struct sa_ctx *ctx, const char *path)
{
	struct ids_parser ps = { .ctx = ctx, .path = path };
	int rc;

	memset(&ids_rs, 0, sizeof(ids_rs));
	ids_vec_init(&ps.rules, sizeof(struct ids_rule));
	ids_vec_init(&ps.lines, sizeof(uint32_t));
	ids_vec_init(&ps.cidrs, sizeof(struct ids_cidr));
	ids_vec_init(&ps.strings, sizeof(char));
	ids_vec_init(&ps.contents, sizeof(struct ids_content));
	ids_vec_init(&ps.bytes, sizeof(uint8_t));
	rc = ids_lex_file(&ps);
	if (rc == 0)
		rc = ids_check_sids(&ps);
	if (rc == 0)
		rc = ids_compile(&ps);
	if (rc == 0)
		rc = ids_take_all(&ps);
	ids_vec_free(&ps.rules);
	ids_vec_free(&ps.lines);
	ids_vec_free(&ps.cidrs);
	ids_vec_free(&ps.strings);
	ids_vec_free(&ps.contents);
	ids_vec_free(&ps.bytes);
	if (rc < 0) {
		ids_rules_free();
		return rc == -ENOMEM || ps.oom ? -ENOMEM : -EINVAL;
	}
	return 0;
}

void
ids_rules_free(void)
{
	unsigned int k;

	sa_state_free(ids_rs.rules);
	sa_state_free(ids_rs.cidrs);
	sa_state_free(ids_rs.strings);
	sa_state_free(ids_rs.patterns);
	sa_state_free(ids_rs.refs);
	sa_state_free(ids_rs.header_rules);
	sa_state_free(ids_rs.hdr_list);
	for (k = 0; k < IDS_AC_COUNT; k++)
		ids_ac_free(&ids_rs.ac[k]);
	memset(&ids_rs, 0, sizeof(ids_rs));
}
