/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading the rules file: lines, rule headers, addresses and ports.
 *
 * Grammar (a Snort-like subset; configs/ids/rules repeats it for its
 * readers). One rule per line of at most 4095 bytes; blank lines and lines
 * whose first non-blank character is '#' are ignored.
 *
 *   RULE    := ACTION PROTO ADDRS PORTS DIR ADDRS PORTS "(" OPTIONS ")"
 *   ACTION  := "alert" | "drop" | "pass"
 *   PROTO   := "tcp" | "udp" | "icmp" | "ip"
 *   ADDRS   := ["!"] ( "any" | "$HOME_NET" | "$EXTERNAL_NET" | CIDR
 *                    | "[" CIDR { "," CIDR } "]" )      (at most 16)
 *   CIDR    := IPV4 ["/" LEN] | IPV6 ["/" LEN]          (host bits clear)
 *   PORTS   := ["!"] ( "any" | RANGE | "[" RANGE { "," RANGE } "]" )
 *   RANGE   := N | N ":" | ":" N | N ":" N              (0..65535)
 *   DIR     := "->" | "<>"
 *   OPTIONS := see ids_opts.c
 *
 * "!" negates the whole address or port set. $HOME_NET is the [ids]
 * "inside" prefixes and $EXTERNAL_NET their complement; with no "inside"
 * both mean any. "icmp" covers ICMP and ICMPv6, "ip" every IP packet;
 * ports are allowed (other than "any") only with tcp and udp. "<>" matches
 * packets in either direction.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ids_parse.h"

#define IDS_V4_MAPPED_BITS	96
#define IDS_PORT_MAX		65535u
#define IDS_DECIMAL_BASE	10u
#define IDS_ERR_MAX		384
/* Longest address or port element worth reading: an IPv6 prefix. */
#define IDS_ELEM_MAX		64

static const char *const ids_actions[] = {
	[IDS_ACT_ALERT] = "alert",
	[IDS_ACT_DROP] = "drop",
	[IDS_ACT_PASS] = "pass",
};

static const char *const ids_protos[] = {
	[IDS_RP_IP] = "ip",
	[IDS_RP_TCP] = "tcp",
	[IDS_RP_UDP] = "udp",
	[IDS_RP_ICMP] = "icmp",
};

int
ids_perr(struct ids_parser *ps, const char *fmt, ...)
{
	char msg[IDS_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sa_log(ps->ctx, SA_LOG_ERR, "%s:%u: %s", ps->path, ps->line, msg);
	return -EINVAL;
}

int
ids_oom(struct ids_parser *ps, const char *what)
{
	ps->oom = true;
	sa_log(ps->ctx, SA_LOG_ERR, "%s:%u: out of state memory for %s",
	       ps->path, ps->line, what);
	return -ENOMEM;
}

static bool
ids_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Cuts the next blank-separated header word out of *s; blanks inside
 * brackets belong to the word. Returns NULL at the options' '(' or at the
 * end of the line.
 */
static char *
ids_next_word(char **s)
{
	char *p = *s, *w;
	int depth = 0;

	while (ids_is_space(*p))
		p++;
	if (*p == '\0' || *p == '(') {
		*s = p;
		return NULL;
	}
	for (w = p; *p != '\0'; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']')
			depth--;
		else if (depth <= 0 && ids_is_space(*p))
			break;
	}
	if (*p != '\0')
		*p++ = '\0';
	*s = p;
	return w;
}

static int
ids_word_index(const char *w, const char *const *names, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(w, names[i]) == 0)
			return (int)i;
	return -1;
}

static void
ids_cidr_from_prefix(const struct sa_prefix *pfx, struct ids_cidr *c)
{
	static const uint8_t v4_mapped[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	};
	uint8_t addr[IDS_ADDR_LEN], mask[IDS_ADDR_LEN];
	unsigned int bits = pfx->len;
	unsigned int i;

	if (pfx->family == SA_L3_IPV4) {
		memcpy(addr, v4_mapped, sizeof(v4_mapped));
		memcpy(addr + sizeof(v4_mapped), pfx->addr,
		       IDS_ADDR_LEN - sizeof(v4_mapped));
		bits += IDS_V4_MAPPED_BITS;
	} else {
		memcpy(addr, pfx->addr, IDS_ADDR_LEN);
	}
	for (i = 0; i < IDS_ADDR_LEN; i++) {
		unsigned int b = bits > IDS_BITS_PER_BYTE ?
			IDS_BITS_PER_BYTE : bits;

		mask[i] = (uint8_t)(0xff00u >> b);
		addr[i] &= mask[i];
		bits -= b;
	}
	memset(c, 0, sizeof(*c));
	c->family = pfx->family;
	memcpy(c->net, addr, sizeof(c->net));
	memcpy(c->mask, mask, sizeof(c->mask));
}

static int
ids_add_prefix(struct ids_parser *ps, const struct sa_prefix *pfx,
	       struct ids_addr_spec *spec)
{
	struct ids_cidr c;

	if (spec->n == IDS_LIST_MAX)
		return ids_perr(ps, "more than %u addresses in a list",
				IDS_LIST_MAX);
	ids_cidr_from_prefix(pfx, &c);
	if (ids_vec_append(&ps->cidrs, &c, 1) < 0)
		return ids_oom(ps, "addresses");
	spec->n++;
	return 0;
}

static int
ids_add_cidr_text(struct ids_parser *ps, const char *t, size_t len,
		  struct ids_addr_spec *spec)
{
	char elem[IDS_ELEM_MAX];
	struct sa_prefix pfx;

	if (len == 0 || len >= sizeof(elem))
		return ids_perr(ps, "bad address \"%.*s\"", (int)len, t);
	memcpy(elem, t, len);
	elem[len] = '\0';
	if (sa_prefix_parse(elem, &pfx) != 0)
		return ids_perr(ps, "bad address or prefix \"%s\" (a.b.c.d"
				"[/len] or IPv6[/len], host bits clear)", elem);
	return ids_add_prefix(ps, &pfx, spec);
}

static int
ids_home_net(struct ids_parser *ps, struct ids_addr_spec *spec)
{
	uint32_t i;

	if (ids_cfg.inside.n == 0) {
		spec->any = 1;
		spec->neg = 0;
		return 0;
	}
	for (i = 0; i < ids_cfg.inside.n; i++)
		if (ids_add_prefix(ps, &ids_cfg.inside.p[i], spec) < 0)
			return -EINVAL;
	return 0;
}

static int
ids_parse_addr_list(struct ids_parser *ps, const char *t,
		    struct ids_addr_spec *spec)
{
	size_t len = strlen(t), n;
	const char *end;

	if (len < 2 || t[len - 1] != ']')
		return ids_perr(ps, "address list \"%s\" lacks its ']'", t);
	end = t + len - 1;
	for (t++; t < end; t += n + 1) {
		while (t < end && ids_is_space(*t))
			t++;
		n = strcspn(t, ",]");
		while (n > 0 && ids_is_space(t[n - 1]))
			n--;
		if (ids_add_cidr_text(ps, t, n, spec) < 0)
			return -EINVAL;
		n = strcspn(t, ",]");
	}
	if (spec->n == 0)
		return ids_perr(ps, "empty address list");
	return 0;
}

static int
ids_parse_addr(struct ids_parser *ps, const char *t,
	       struct ids_addr_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->first = ps->cidrs.n;
	if (t == NULL)
		return ids_perr(ps, "rule ends where an address was expected");
	if (*t == '!') {
		spec->neg = 1;
		t++;
	}
	if (strcmp(t, "any") == 0) {
		if (spec->neg)
			return ids_perr(ps, "\"!any\" matches nothing");
		spec->any = 1;
		return 0;
	}
	if (strcmp(t, "$HOME_NET") == 0)
		return ids_home_net(ps, spec);
	if (strcmp(t, "$EXTERNAL_NET") == 0) {
		spec->neg ^= 1;
		return ids_home_net(ps, spec);
	}
	if (*t == '$')
		return ids_perr(ps, "unknown variable \"%s\" (known: "
				"$HOME_NET, $EXTERNAL_NET)", t);
	if (*t == '[')
		return ids_parse_addr_list(ps, t, spec);
	return ids_add_cidr_text(ps, t, strlen(t), spec);
}

static int
ids_parse_port_num(const char *s, size_t len, uint16_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * IDS_DECIMAL_BASE + (uint32_t)(s[i] - '0');
		if (v > IDS_PORT_MAX)
			return -EINVAL;
	}
	*out = (uint16_t)v;
	return 0;
}

/* One RANGE of @len bytes at @s. */
static int
ids_parse_range(struct ids_parser *ps, const char *s, size_t len,
		struct ids_port_spec *spec)
{
	struct ids_port_range r = { 0, IDS_PORT_MAX };
	const char *colon = memchr(s, ':', len);

	if (spec->n == IDS_LIST_MAX)
		return ids_perr(ps, "more than %u port ranges in a list",
				IDS_LIST_MAX);
	if (colon == NULL) {
		if (ids_parse_port_num(s, len, &r.lo) < 0)
			goto bad;
		r.hi = r.lo;
	} else {
		size_t nlo = (size_t)(colon - s), nhi = len - nlo - 1;

		if ((nlo == 0 && nhi == 0) ||
		    (nlo > 0 && ids_parse_port_num(s, nlo, &r.lo) < 0) ||
		    (nhi > 0 &&
		     ids_parse_port_num(colon + 1, nhi, &r.hi) < 0) ||
		    r.lo > r.hi)
			goto bad;
	}
	spec->r[spec->n++] = r;
	return 0;
bad:
	return ids_perr(ps, "bad port \"%.*s\" (N, N:M, N: or :M within "
			"0..%u, low <= high)", (int)len, s, IDS_PORT_MAX);
}

static int
ids_parse_ports(struct ids_parser *ps, const char *t,
		struct ids_port_spec *spec)
{
	size_t len, n;
	const char *end;

	memset(spec, 0, sizeof(*spec));
	if (t == NULL)
		return ids_perr(ps, "rule ends where ports were expected");
	if (*t == '!') {
		spec->neg = 1;
		t++;
	}
	if (strcmp(t, "any") == 0) {
		if (spec->neg)
			return ids_perr(ps, "\"!any\" matches nothing");
		spec->any = 1;
		return 0;
	}
	len = strlen(t);
	if (*t != '[')
		return ids_parse_range(ps, t, len, spec);
	if (len < 2 || t[len - 1] != ']')
		return ids_perr(ps, "port list \"%s\" lacks its ']'", t);
	end = t + len - 1;
	for (t++; t < end; t += n + 1) {
		while (t < end && ids_is_space(*t))
			t++;
		n = strcspn(t, ",]");
		len = n;
		while (len > 0 && ids_is_space(t[len - 1]))
			len--;
		if (ids_parse_range(ps, t, len, spec) < 0)
			return -EINVAL;
	}
	if (spec->n == 0)
		return ids_perr(ps, "empty port list");
	return 0;
}

static int
ids_parse_head(struct ids_parser *ps, char **s, struct ids_rule *r)
{
	const char *w;
	int i;

	w = ids_next_word(s);
	i = w == NULL ? -1 : ids_word_index(w, ids_actions,
					    IDS_ARRAY_SIZE(ids_actions));
	if (i < 0)
		return ids_perr(ps, "expected an action (alert, drop, pass), "
				"got \"%s\"", w != NULL ? w : "");
	r->action = (uint8_t)i;
	w = ids_next_word(s);
	i = w == NULL ? -1 : ids_word_index(w, ids_protos,
					    IDS_ARRAY_SIZE(ids_protos));
	if (i < 0)
		return ids_perr(ps, "expected a protocol (tcp, udp, icmp, ip), "
				"got \"%s\"", w != NULL ? w : "");
	r->proto = (uint8_t)i;
	if (ids_parse_addr(ps, ids_next_word(s), &r->src) < 0 ||
	    ids_parse_ports(ps, ids_next_word(s), &r->sport) < 0)
		return -EINVAL;
	w = ids_next_word(s);
	if (w == NULL || (strcmp(w, "->") != 0 && strcmp(w, "<>") != 0))
		return ids_perr(ps, "expected \"->\" or \"<>\", got \"%s\"",
				w != NULL ? w : "");
	r->bidir = w[0] == '<';
	if (ids_parse_addr(ps, ids_next_word(s), &r->dst) < 0 ||
	    ids_parse_ports(ps, ids_next_word(s), &r->dport) < 0)
		return -EINVAL;
	return 0;
}

/* Rejects header combinations that cannot match what they say. */
static int
ids_check_rule(struct ids_parser *ps, const struct ids_rule *r)
{
	if ((!r->sport.any || !r->dport.any) && r->proto != IDS_RP_TCP &&
	    r->proto != IDS_RP_UDP)
		return ids_perr(ps, "ports need tcp or udp");
	if (r->flags_op != IDS_FLAGS_NONE && r->proto != IDS_RP_TCP)
		return ids_perr(ps, "flags needs tcp");
	if ((r->itype != IDS_ICMP_ANY || r->icode != IDS_ICMP_ANY) &&
	    r->proto != IDS_RP_ICMP)
		return ids_perr(ps, "itype and icode need icmp");
	return 0;
}

static int
ids_parse_rule(struct ids_parser *ps, char *s)
{
	struct ids_rule r;
	size_t len;

	memset(&r, 0, sizeof(r));
	r.itype = IDS_ICMP_ANY;
	r.icode = IDS_ICMP_ANY;
	if (ids_parse_head(ps, &s, &r) < 0)
		return -EINVAL;
	if (ids_next_word(&s) != NULL || *s != '(')
		return ids_perr(ps, "expected \"(\" and the rule options after "
				"the destination port");
	len = strlen(s);
	while (len > 0 && ids_is_space(s[len - 1]))
		len--;
	if (len < 2 || s[len - 1] != ')')
		return ids_perr(ps, "rule options do not end with \")\"");
	s[len - 1] = '\0';
	if (ids_opts_parse(ps, s + 1, &r) < 0 || ids_check_rule(ps, &r) < 0)
		return -EINVAL;
	if (ps->rules.n == IDS_RULES_MAX)
		return ids_perr(ps, "more than %u rules", IDS_RULES_MAX);
	if (ids_vec_append(&ps->rules, &r, 1) < 0 ||
	    ids_vec_append(&ps->lines, &ps->line, 1) < 0)
		return ids_oom(ps, "rules");
	return 0;
}

/*
 * Reads one line into @buf, without its line end; 1 with a line, 0 at the
 * end of the file, <0 on error. Byte by byte, so that a NUL byte in the
 * line is seen for what it is.
 */
static int
ids_read_line(struct ids_parser *ps, FILE *f, char *buf, size_t size)
{
	size_t len = 0;
	int c;

	c = getc(f);
	if (c == EOF)
		return ferror(f) ? ids_perr(ps, "read error") : 0;
	ps->line++;
	for (; c != EOF && c != '\n'; c = getc(f)) {
		if (c == '\0')
			return ids_perr(ps, "NUL byte in line");
		if (len == size - 1)
			return ids_perr(ps, "line longer than %zu bytes",
					size - 1);
		buf[len++] = (char)c;
	}
	if (ferror(f))
		return ids_perr(ps, "read error");
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	return 1;
}

int
ids_lex_file(struct ids_parser *ps)
{
	char buf[IDS_LINE_MAX];
	FILE *f;
	char *s;
	int rc;

	f = fopen(ps->path, "r");
	if (f == NULL) {
		sa_log(ps->ctx, SA_LOG_ERR, "%s: cannot open rules file: %s",
		       ps->path, strerror(errno));
		return -EINVAL;
	}
	while ((rc = ids_read_line(ps, f, buf, sizeof(buf))) > 0) {
		for (s = buf; ids_is_space(*s); s++)
			;
		if (*s == '\0' || *s == '#')
			continue;
		rc = ids_parse_rule(ps, s);
		if (rc < 0)
			break;
	}
	fclose(f);
	return rc < 0 ? -EINVAL : 0;
}
