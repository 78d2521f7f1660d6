/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule options: the text between a rule's parentheses.
 *
 *   OPTIONS := { NAME [ ":" VALUE ] ";" }
 *   msg:STRING;          required; at most 200 bytes
 *   sid:N;               required, 1000..4294967294, unique in the file
 *                        (1..999 are the IDS's own detectors)
 *   rev:N;               default 1
 *   content:STRING;      up to 8 per rule, 1..255 bytes each
 *   nocase;              the content before it matches in any ASCII case
 *   offset:N;            the content before it starts at stream offset >= N
 *   depth:N;             ... and ends at most N bytes after offset
 *                        (N >= the content's length)
 *   flow:F[,F];          F: to_server | from_client | to_client |
 *                        from_server | established
 *   flags:[+*!]FLAGS;    TCP flags, letters F S R P A U C E, or 0 for
 *                        none: exactly these; + these and maybe others;
 *                        * any of these; ! none of these
 *   dsize:N | >N | <N | N<>M;  payload bytes of the packet (<> exclusive)
 *   itype:N; icode:N;    ICMP type and code
 *   classtype:, reference:, priority:, metadata:   accepted and ignored
 *
 *   STRING := '"' { CHAR | "\" ESC | "|" HEX { [" "] HEX } "|" } '"'
 *
 * Inside a STRING, "\" escapes one of  " \ ; : |  and |..| holds bytes in
 * hex (content only; in msg a '|' is itself). A value other than a STRING
 * ends at the first ';'.
 */

#include <errno.h>
#include <string.h>

#include "ids_parse.h"

#define IDS_DECIMAL_BASE	10u
#define IDS_NIBBLE_BITS		4u
#define IDS_HEX_A		10	/* value of hex digit a */
#define IDS_U16_MAX		65535u
#define IDS_U8_MAX		255u
#define IDS_SID_MAX		(UINT32_MAX - 1)
/* Offsets beyond the largest stream depth can never match. */
#define IDS_OFFSET_MAX		(1u << 20)
#define IDS_NAME_MAX		16

/* What has been seen of the rule being parsed. */
struct ids_optstate {
	struct ids_parser *ps;
	struct ids_rule *r;
	bool has_msg, has_sid, has_rev, has_flow, has_flags, has_dsize;
	bool has_itype, has_icode;
	struct ids_content *last;	/* the content modifiers apply to */
};

typedef int (*ids_opt_fn)(struct ids_optstate *st, const char *value);

static bool
ids_is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int
ids_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + IDS_HEX_A;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + IDS_HEX_A;
	return -1;
}

/* Unsigned decimal in [min, max], nothing else in @v. */
static int
ids_opt_uint(struct ids_optstate *st, const char *name, const char *v,
	     uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t x = 0;
	const char *p;

	if (v == NULL || *v == '\0')
		return ids_perr(st->ps, "%s needs a number", name);
	for (p = v; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return ids_perr(st->ps, "%s: \"%s\" is not a number",
					name, v);
		x = x * IDS_DECIMAL_BASE + (uint64_t)(*p - '0');
		if (x > max)
			break;
	}
	if (x < min || x > max)
		return ids_perr(st->ps, "%s: %s is out of range %u..%u", name,
				v, min, max);
	*out = (uint32_t)x;
	return 0;
}

/* Reads the |hex| run starting after the '|' at *s into @out. */
static int
ids_string_hex(struct ids_optstate *st, const char **s, uint8_t *out,
	       uint32_t max, uint32_t *len)
{
	const char *p = *s;
	int hi, lo;

	for (;;) {
		while (ids_is_space(*p))
			p++;
		if (*p == '|')
			break;
		hi = ids_hex_digit(p[0]);
		lo = hi < 0 ? -1 : ids_hex_digit(p[1]);
		if (lo < 0)
			return ids_perr(st->ps, "bad hex byte in |...| "
					"(two hex digits each)");
		if (*len == max)
			return ids_perr(st->ps, "string longer than %u bytes",
					max);
		out[(*len)++] = (uint8_t)(hi << IDS_NIBBLE_BITS | lo);
		p += 2;
	}
	*s = p + 1;
	return 0;
}

/*
 * Decodes the STRING @v into @out (at most @max bytes), with |hex| runs
 * when @hex. The value must be the quoted string and nothing else.
 */
static int
ids_opt_string(struct ids_optstate *st, const char *v, bool hex,
	       uint8_t *out, uint32_t max, uint32_t *len)
{
	const char *p;

	*len = 0;
	if (v == NULL || *v != '"')
		return ids_perr(st->ps, "expected a \"quoted string\"");
	for (p = v + 1; *p != '"'; ) {
		if (*p == '\0')
			return ids_perr(st->ps, "unterminated string");
		if (hex && *p == '|') {
			p++;
			if (ids_string_hex(st, &p, out, max, len) < 0)
				return -EINVAL;
			continue;
		}
		if (*p == '\\') {
			p++;
			if (*p == '\0' || strchr("\"\\;:|", *p) == NULL)
				return ids_perr(st->ps, "unknown escape in "
						"string (\\\" \\\\ \\; \\: "
						"\\|)");
		}
		if (*len == max)
			return ids_perr(st->ps, "string longer than %u bytes",
					max);
		out[(*len)++] = (uint8_t)*p++;
	}
	if (p[1] != '\0')
		return ids_perr(st->ps, "text after the closing quote");
	return 0;
}

static int
ids_opt_msg(struct ids_optstate *st, const char *v)
{
	uint8_t msg[IDS_MSG_MAX];
	uint32_t len, i;
	const char nul = '\0';

	if (st->has_msg)
		return ids_perr(st->ps, "msg given twice");
	if (ids_opt_string(st, v, false, msg, sizeof(msg), &len) < 0)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (msg[i] < ' ' || msg[i] > '~')
			return ids_perr(st->ps, "msg holds a non-printable "
					"byte");
	st->r->msg = st->ps->strings.n;
	if (ids_vec_append(&st->ps->strings, msg, len) < 0 ||
	    ids_vec_append(&st->ps->strings, &nul, 1) < 0)
		return ids_oom(st->ps, "messages");
	st->has_msg = true;
	return 0;
}

static int
ids_opt_sid(struct ids_optstate *st, const char *v)
{
	if (st->has_sid)
		return ids_perr(st->ps, "sid given twice");
	st->has_sid = true;
	return ids_opt_uint(st, "sid", v, IDS_SID_RULE_MIN, IDS_SID_MAX,
			    &st->r->sid);
}

static int
ids_opt_rev(struct ids_optstate *st, const char *v)
{
	if (st->has_rev)
		return ids_perr(st->ps, "rev given twice");
	st->has_rev = true;
	return ids_opt_uint(st, "rev", v, 1, IDS_SID_MAX, &st->r->rev);
}

static int
ids_opt_content(struct ids_optstate *st, const char *v)
{
	uint8_t buf[IDS_PATTERN_MAX];
	struct ids_content c;

	if (v != NULL && *v == '!')
		return ids_perr(st->ps, "negated content is not supported");
	if (st->r->n_contents == IDS_CONTENTS_PER_RULE)
		return ids_perr(st->ps, "more than %u contents in a rule",
				IDS_CONTENTS_PER_RULE);
	memset(&c, 0, sizeof(c));
	if (ids_opt_string(st, v, true, buf, sizeof(buf), &c.len) < 0)
		return -EINVAL;
	if (c.len == 0)
		return ids_perr(st->ps, "empty content");
	c.rule = st->ps->rules.n;
	c.bytes = st->ps->bytes.n;
	if (ids_vec_append(&st->ps->bytes, buf, c.len) < 0 ||
	    ids_vec_append(&st->ps->contents, &c, 1) < 0)
		return ids_oom(st->ps, "contents");
	st->last = (struct ids_content *)st->ps->contents.data +
		   st->ps->contents.n - 1;
	st->r->n_contents++;
	return 0;
}

/* The content a modifier named @name applies to, or NULL after an error. */
static struct ids_content *
ids_opt_last(struct ids_optstate *st, const char *name)
{
	if (st->last == NULL)
		ids_perr(st->ps, "%s must follow a content", name);
	return st->last;
}

static int
ids_opt_nocase(struct ids_optstate *st, const char *v)
{
	struct ids_content *c = ids_opt_last(st, "nocase");

	if (c == NULL)
		return -EINVAL;
	if (v != NULL)
		return ids_perr(st->ps, "nocase takes no value");
	if (c->nocase)
		return ids_perr(st->ps, "nocase given twice for one content");
	c->nocase = 1;
	return 0;
}

static int
ids_opt_offset(struct ids_optstate *st, const char *v)
{
	struct ids_content *c = ids_opt_last(st, "offset");

	if (c == NULL)
		return -EINVAL;
	if (c->has_offset)
		return ids_perr(st->ps, "offset given twice for one content");
	c->has_offset = 1;
	return ids_opt_uint(st, "offset", v, 0, IDS_OFFSET_MAX, &c->offset);
}

static int
ids_opt_depth(struct ids_optstate *st, const char *v)
{
	struct ids_content *c = ids_opt_last(st, "depth");

	if (c == NULL)
		return -EINVAL;
	if (c->has_depth)
		return ids_perr(st->ps, "depth given twice for one content");
	c->has_depth = 1;
	if (ids_opt_uint(st, "depth", v, 1, IDS_OFFSET_MAX, &c->depth) < 0)
		return -EINVAL;
	if (c->depth < c->len)
		return ids_perr(st->ps, "depth %u is shorter than its content "
				"(%u bytes)", c->depth, c->len);
	return 0;
}

static int
ids_opt_flow(struct ids_optstate *st, const char *v)
{
	static const struct {
		const char *name;
		uint8_t bit;
	} words[] = {
		{ "to_server", IDS_FLOW_TO_SERVER },
		{ "from_client", IDS_FLOW_TO_SERVER },
		{ "to_client", IDS_FLOW_TO_CLIENT },
		{ "from_server", IDS_FLOW_TO_CLIENT },
		{ "established", IDS_FLOW_ESTABLISHED },
	};
	size_t n;
	unsigned int i;

	if (st->has_flow || v == NULL)
		return ids_perr(st->ps, st->has_flow ? "flow given twice" :
				"flow needs a value");
	st->has_flow = true;
	for (; *v != '\0'; v += n + (v[n] == ',')) {
		n = strcspn(v, ",");
		for (i = 0; i < IDS_ARRAY_SIZE(words); i++)
			if (strlen(words[i].name) == n &&
			    strncmp(v, words[i].name, n) == 0)
				break;
		if (i == IDS_ARRAY_SIZE(words))
			return ids_perr(st->ps, "unknown flow option \"%.*s\" "
					"(to_server, from_client, to_client, "
					"from_server, established)", (int)n, v);
		st->r->flow |= words[i].bit;
	}
	if ((st->r->flow & IDS_FLOW_TO_SERVER) &&
	    (st->r->flow & IDS_FLOW_TO_CLIENT))
		return ids_perr(st->ps, "flow is both to_server and to_client");
	return 0;
}

static int
ids_opt_flags(struct ids_optstate *st, const char *v)
{
	static const char letters[] = "FSRPAUEC";
	const char *p, *at;
	struct ids_rule *r = st->r;

	if (st->has_flags || v == NULL || *v == '\0')
		return ids_perr(st->ps, st->has_flags ? "flags given twice" :
				"flags needs a value");
	st->has_flags = true;
	r->flags_op = IDS_FLAGS_EXACT;
	if (*v == '+' || *v == '*' || *v == '!') {
		r->flags_op = *v == '+' ? IDS_FLAGS_ALL : *v == '*' ?
			IDS_FLAGS_ANY : IDS_FLAGS_NOT;
		v++;
	}
	if (strcmp(v, "0") == 0 && r->flags_op == IDS_FLAGS_EXACT)
		return 0;
	for (p = v; *p != '\0'; p++) {
		at = strchr(letters, *p);
		if (at == NULL)
			return ids_perr(st->ps, "bad TCP flag '%c' in \"%s\" "
					"(F S R P A U E C, or 0 alone)", *p, v);
		r->flags |= (uint8_t)(1u << (at - letters));
	}
	if (r->flags == 0)
		return ids_perr(st->ps, "flags lists no flag");
	return 0;
}

static int
ids_opt_dsize(struct ids_optstate *st, const char *v)
{
	struct ids_rule *r = st->r;
	char lo[IDS_NAME_MAX];
	const char *sep;
	size_t n;

	if (st->has_dsize || v == NULL)
		return ids_perr(st->ps, st->has_dsize ? "dsize given twice" :
				"dsize needs a value");
	st->has_dsize = true;
	r->has_dsize = 1;
	r->dsize_lo = 0;
	r->dsize_hi = IDS_U16_MAX;
	if (*v == '>' || *v == '<') {
		if (ids_opt_uint(st, "dsize", v + 1, *v == '>' ? 0 : 1,
				 *v == '>' ? IDS_U16_MAX - 1 : IDS_U16_MAX,
				 *v == '>' ? &r->dsize_lo : &r->dsize_hi) < 0)
			return -EINVAL;
		if (*v == '>')
			r->dsize_lo++;
		else
			r->dsize_hi--;
		return 0;
	}
	sep = strstr(v, "<>");
	if (sep == NULL) {
		if (ids_opt_uint(st, "dsize", v, 0, IDS_U16_MAX,
				 &r->dsize_lo) < 0)
			return -EINVAL;
		r->dsize_hi = r->dsize_lo;
		return 0;
	}
	n = (size_t)(sep - v);
	if (n >= sizeof(lo))
		return ids_perr(st->ps, "dsize: bad range \"%s\"", v);
	memcpy(lo, v, n);
	lo[n] = '\0';
	if (ids_opt_uint(st, "dsize", lo, 0, IDS_U16_MAX, &r->dsize_lo) < 0 ||
	    ids_opt_uint(st, "dsize", sep + 2, 0, IDS_U16_MAX,
			 &r->dsize_hi) < 0)
		return -EINVAL;
	if (r->dsize_lo + 1 >= r->dsize_hi)
		return ids_perr(st->ps, "dsize: range %s is empty", v);
	r->dsize_lo++;
	r->dsize_hi--;
	return 0;
}

static int
ids_opt_icmp(struct ids_optstate *st, const char *name, bool *seen,
	     const char *v, int16_t *out)
{
	uint32_t x;

	if (*seen)
		return ids_perr(st->ps, "%s given twice", name);
	*seen = true;
	if (ids_opt_uint(st, name, v, 0, IDS_U8_MAX, &x) < 0)
		return -EINVAL;
	*out = (int16_t)x;
	return 0;
}

static int
ids_opt_itype(struct ids_optstate *st, const char *v)
{
	return ids_opt_icmp(st, "itype", &st->has_itype, v, &st->r->itype);
}

static int
ids_opt_icode(struct ids_optstate *st, const char *v)
{
	return ids_opt_icmp(st, "icode", &st->has_icode, v, &st->r->icode);
}

static int
ids_opt_ignored(struct ids_optstate *st, const char *v)
{
	if (v == NULL || *v == '\0')
		return ids_perr(st->ps, "option needs a value");
	return 0;
}

static const struct {
	const char *name;
	ids_opt_fn fn;
} ids_opts[] = {
	{ "msg", ids_opt_msg },
	{ "sid", ids_opt_sid },
	{ "rev", ids_opt_rev },
	{ "content", ids_opt_content },
	{ "nocase", ids_opt_nocase },
	{ "offset", ids_opt_offset },
	{ "depth", ids_opt_depth },
	{ "flow", ids_opt_flow },
	{ "flags", ids_opt_flags },
	{ "dsize", ids_opt_dsize },
	{ "itype", ids_opt_itype },
	{ "icode", ids_opt_icode },
	{ "classtype", ids_opt_ignored },
	{ "reference", ids_opt_ignored },
	{ "priority", ids_opt_ignored },
	{ "metadata", ids_opt_ignored },
};

/*
 * Cuts the value that starts at *s: a quoted string (quotes kept, escapes
 * left for ids_opt_string) or text up to the ';'. Trailing blanks go.
 */
static int
ids_cut_value(struct ids_parser *ps, char **s, char **value)
{
	char *p = *s, *end;
	bool quoted = false;

	while (ids_is_space(*p))
		p++;
	*value = p;
	for (; *p != '\0' && (quoted || *p != ';'); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (quoted && *p == '\\' && p[1] != '\0')
			p++;
	}
	if (quoted)
		return ids_perr(ps, "unterminated string");
	for (end = p; end > *value && ids_is_space(end[-1]); end--)
		;
	*s = p;
	if (*p == ';')
		*s = p + 1;
	else
		return ids_perr(ps, "option lacks its closing ';'");
	*end = '\0';
	return 0;
}

static int
ids_opt_dispatch(struct ids_optstate *st, const char *name, size_t n,
		 const char *value)
{
	unsigned int i;

	for (i = 0; i < IDS_ARRAY_SIZE(ids_opts); i++)
		if (strlen(ids_opts[i].name) == n &&
		    strncmp(name, ids_opts[i].name, n) == 0)
			return ids_opts[i].fn(st, value);
	return ids_perr(st->ps, "unknown option \"%.*s\"", (int)n, name);
}

int
ids_opts_parse(struct ids_parser *ps, char *s, struct ids_rule *r)
{
	struct ids_optstate st = { .ps = ps, .r = r };
	char *name, *value;
	size_t n;

	for (;;) {
		while (ids_is_space(*s))
			s++;
		if (*s == '\0')
			break;
		name = s;
		n = strspn(s, "abcdefghijklmnopqrstuvwxyz_");
		if (n == 0)
			return ids_perr(ps, "expected an option name at "
					"\"%.20s\"", s);
		s += n;
		while (ids_is_space(*s))
			s++;
		value = NULL;
		if (*s == ':') {
			s++;
			if (ids_cut_value(ps, &s, &value) < 0)
				return -EINVAL;
		} else if (*s == ';') {
			s++;
		} else {
			return ids_perr(ps, "option \"%.*s\" lacks its closing "
					"';'", (int)n, name);
		}
		if (ids_opt_dispatch(&st, name, n, value) < 0)
			return -EINVAL;
	}
	if (!st.has_msg || !st.has_sid)
		return ids_perr(ps, "rule lacks %s",
				st.has_msg ? "sid" : "msg");
	if (!st.has_rev)
		r->rev = 1;
	return 0;
}
