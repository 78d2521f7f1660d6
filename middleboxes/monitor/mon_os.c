/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OS signatures: loading the file named by [monitor] os_signatures, and
 * matching TCP fingerprints against it. One signature per line:
 *
 *   ROLE:TTL:WIN:MSS:WS:OPTIONS = LABEL
 *
 *   ROLE     syn (a host opening a connection), synack (a host accepting
 *            one) or * (either)
 *   TTL      initial TTL: 32, 64, 128, 255 or *; the observed TTL is
 *            rounded up to the next of these
 *   WIN      window: a number, mss*N (N times the segment's MSS) or *
 *   MSS      MSS option value, - (no MSS option) or *
 *   WS       window scale option value 0-14, - (no such option) or *
 *   OPTIONS  option kinds in order, comma-separated: M (MSS), N (NOP),
 *            W (window scale), S (SACK permitted), T (timestamps),
 *            E (end of options, last), ?K (any other kind K); - for no
 *            options, * for any
 *
 * The first matching signature in file order wins, so specific lines go
 * before general ones. Signatures with the same label are one guess: a
 * host moving between them raises no os-change event. Written at init
 * only; per packet mon_os_match() just reads mon_os_db.
 */

#include <errno.h>
#include <string.h>

#include "mon.h"

#define MON_OS_FIELDS		6
#define MON_OS_WILDCARD		"*"
#define MON_OS_ABSENT		"-"
#define MON_OS_MSS_MULT		"mss*"
#define MON_OS_OPT_OTHER	'?'
#define MON_OS_OPT_SEP		','
#define MON_WS_MAX		14	/* RFC 7323 2.3 */
#define MON_U16_MAX		65535u
#define MON_U8_MAX		255u
#define MON_NUMBER_DIGITS_MAX	5
#define MON_DECIMAL		10

struct mon_os_db mon_os_db;

enum mon_os_field {
	MON_OSF_ROLE = 0,
	MON_OSF_TTL,
	MON_OSF_WIN,
	MON_OSF_MSS,
	MON_OSF_WS,
	MON_OSF_OPTS,
};

static const char *const mon_os_field_names[MON_OS_FIELDS] = {
	"role", "ttl", "window", "mss", "window scale", "options",
};

/* Strict decimal in [0, max]: digits only, nothing trailing. */
static int
mon_os_number(const char *s, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;
	size_t n = strlen(s), i;

	if (n == 0 || n > MON_NUMBER_DIGITS_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * MON_DECIMAL + (uint32_t)(s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Splits @p s at ':' into @p tok; the number of fields found. */
static unsigned int
mon_os_split(char *s, char **tok, unsigned int max)
{
	unsigned int n = 0;
	char *c;

	for (;;) {
		c = strchr(s, ':');
		if (n < max)
			tok[n] = s;
		n++;
		if (c == NULL)
			return n;
		*c = '\0';
		s = c + 1;
	}
}

static const char *
mon_os_role(const char *s, struct mon_os_sig *sig)
{
	if (strcmp(s, "syn") == 0)
		sig->role = MON_ROLE_SYN;
	else if (strcmp(s, "synack") == 0)
		sig->role = MON_ROLE_SYNACK;
	else if (strcmp(s, MON_OS_WILDCARD) == 0)
		sig->role = MON_ROLE_ANY;
	else
		return "is not syn, synack or *";
	return NULL;
}

static const char *
mon_os_ttl(const char *s, struct mon_os_sig *sig)
{
	uint32_t v;

	if (strcmp(s, MON_OS_WILDCARD) == 0)
		return NULL;
	if (mon_os_number(s, MON_U8_MAX, &v) < 0 ||
	    !mon_tcpopt_is_initial_ttl(v))
		return "is not 32, 64, 128, 255 or *";
	sig->ttl = (uint8_t)v;
	return NULL;
}

/* A value field: '*', '-' when @p absent_ok, or a number up to @p max. */
static const char *
mon_os_value(const char *s, uint32_t max, bool absent_ok, uint8_t *fv,
	     uint16_t *val)
{
	uint32_t v;

	if (strcmp(s, MON_OS_WILDCARD) == 0) {
		*fv = MON_FV_ANY;
		return NULL;
	}
	if (absent_ok && strcmp(s, MON_OS_ABSENT) == 0) {
		*fv = MON_FV_ABSENT;
		return NULL;
	}
	if (mon_os_number(s, max, &v) < 0)
		return max == MON_WS_MAX ? "is not 0-14, - or *" :
		       absent_ok ? "is not 0-65535, - or *" :
				   "is not 0-65535, mss*N or *";
	*fv = MON_FV_EXACT;
	*val = (uint16_t)v;
	return NULL;
}

static const char *
mon_os_win(const char *s, struct mon_os_sig *sig)
{
	uint32_t v;

	if (strncmp(s, MON_OS_MSS_MULT, strlen(MON_OS_MSS_MULT)) == 0) {
		if (mon_os_number(s + strlen(MON_OS_MSS_MULT), MON_U16_MAX,
				  &v) < 0 || v == 0)
			return "has no factor 1-65535 after mss*";
		sig->win_fv = MON_FV_MSS_MULT;
		sig->win = (uint16_t)v;
		return NULL;
	}
	return mon_os_value(s, MON_U16_MAX, false, &sig->win_fv, &sig->win);
}

static const char *
mon_os_opt(const char *tok, uint8_t *kind)
{
	uint32_t v;
	int k;

	if (tok[0] == MON_OS_OPT_OTHER) {
		if (mon_os_number(tok + 1, MON_U8_MAX, &v) < 0)
			return "has an option ?K with K not 0-255";
		if (mon_tcpopt_letter((uint8_t)v) != '\0')
			return "names a known option kind as ?K: use its letter";
		*kind = (uint8_t)v;
		return NULL;
	}
	k = tok[0] != '\0' && tok[1] == '\0' ? mon_tcpopt_kind(tok[0]) : -1;
	if (k < 0)
		return "has an option that is not M, N, W, S, T, E or ?K "
		       "(or an empty one)";
	*kind = (uint8_t)k;
	return NULL;
}

static const char *
mon_os_opts(char *s, struct mon_os_sig *sig)
{
	const char *why;
	char *tok, *comma;

	if (strcmp(s, MON_OS_WILDCARD) == 0) {
		sig->opts_any = true;
		return NULL;
	}
	if (strcmp(s, MON_OS_ABSENT) == 0)
		return NULL;
	for (tok = s; tok != NULL; tok = comma == NULL ? NULL : comma + 1) {
		comma = strchr(tok, MON_OS_OPT_SEP);
		if (comma != NULL)
			*comma = '\0';
		if (sig->n_opts == MON_TCP_OPTS_MAX)
			return "lists more than 40 options";
		if (sig->n_opts > 0 &&
		    sig->opts[sig->n_opts - 1] == mon_tcpopt_kind('E'))
			return "has an option after E (end of options)";
		why = mon_os_opt(tok, &sig->opts[sig->n_opts]);
		if (why != NULL)
			return why;
		sig->n_opts++;
	}
	return NULL;
}

_Static_assert(MON_TCP_OPTS_MAX == 40, "the message above says 40");

static bool
mon_os_has_opt(const struct mon_os_sig *sig, char letter)
{
	int kind = mon_tcpopt_kind(letter);
	unsigned int i;

	for (i = 0; i < sig->n_opts; i++)
		if (sig->opts[i] == kind)
			return true;
	return false;
}

/* A signature that contradicts itself could never match: say why. */
static const char *
mon_os_consistent(const struct mon_os_sig *sig)
{
	if (sig->win_fv == MON_FV_MSS_MULT && sig->mss_fv == MON_FV_ABSENT)
		return "window mss*N needs an MSS option";
	if (sig->opts_any)
		return NULL;
	if (sig->mss_fv != MON_FV_ANY &&
	    (sig->mss_fv == MON_FV_EXACT) != mon_os_has_opt(sig, 'M'))
		return "mss field and options disagree on M";
	if (sig->ws_fv != MON_FV_ANY &&
	    (sig->ws_fv == MON_FV_EXACT) != mon_os_has_opt(sig, 'W'))
		return "window scale field and options disagree on W";
	if (sig->win_fv == MON_FV_MSS_MULT && !mon_os_has_opt(sig, 'M'))
		return "window mss*N needs M in the options";
	return NULL;
}

static const char *
mon_os_ws(const char *s, struct mon_os_sig *sig)
{
	uint16_t v = 0;
	const char *why;

	why = mon_os_value(s, MON_WS_MAX, true, &sig->ws_fv, &v);
	sig->ws = (uint8_t)v;
	return why;
}

static const char *
mon_os_field(enum mon_os_field f, char *s, struct mon_os_sig *sig)
{
	switch (f) {
	case MON_OSF_ROLE:
		return mon_os_role(s, sig);
	case MON_OSF_TTL:
		return mon_os_ttl(s, sig);
	case MON_OSF_WIN:
		return mon_os_win(s, sig);
	case MON_OSF_MSS:
		return mon_os_value(s, MON_U16_MAX, true, &sig->mss_fv,
				    &sig->mss);
	case MON_OSF_WS:
		return mon_os_ws(s, sig);
	default:
		return mon_os_opts(s, sig);
	}
}

static int
mon_os_parse(struct mon_sigfile *sf, char *fields, struct mon_os_sig *sig)
{
	char *tok[MON_OS_FIELDS];
	const char *why;
	unsigned int n, i;

	n = mon_os_split(fields, tok, MON_OS_FIELDS);
	if (n != MON_OS_FIELDS) {
		mon_sigfile_error(sf, "%u fields, expected 6 "
				  "(ROLE:TTL:WIN:MSS:WS:OPTIONS)", n);
		return -EINVAL;
	}
	for (i = 0; i < MON_OS_FIELDS; i++) {
		why = mon_os_field((enum mon_os_field)i, tok[i], sig);
		if (why != NULL) {
			mon_sigfile_error(sf, "%s field '%s' %s",
					  mon_os_field_names[i], tok[i], why);
			return -EINVAL;
		}
	}
	why = mon_os_consistent(sig);
	if (why != NULL) {
		mon_sigfile_error(sf, "%s", why);
		return -EINVAL;
	}
	return 0;
}

static bool
mon_os_same(const struct mon_os_sig *a, const struct mon_os_sig *b)
{
	return a->role == b->role && a->ttl == b->ttl &&
	       a->win_fv == b->win_fv && a->win == b->win &&
	       a->mss_fv == b->mss_fv && a->mss == b->mss &&
	       a->ws_fv == b->ws_fv && a->ws == b->ws &&
	       a->opts_any == b->opts_any && a->n_opts == b->n_opts &&
	       memcmp(a->opts, b->opts, a->n_opts) == 0;
}

/* Rejects exact duplicates (the later one could never match) and gives
 * the new signature the id of the first one with its label. */
static int
mon_os_link(struct mon_sigfile *sf, const uint32_t *lines, uint32_t n,
	    struct mon_os_sig *sig)
{
	uint32_t i;

	sig->label_id = (uint16_t)n;
	for (i = 0; i < n; i++) {
		if (mon_os_same(&mon_os_db.sigs[i], sig)) {
			mon_sigfile_error(sf, "same fingerprint as line %u, "
					  "which always matches first",
					  lines[i]);
			return -EINVAL;
		}
		if (sig->label_id == n &&
		    strcmp(mon_os_db.sigs[i].label, sig->label) == 0)
			sig->label_id = mon_os_db.sigs[i].label_id;
	}
	return 0;
}

_Static_assert(MON_OS_SIGS_MAX < MON_OS_NONE, "label ids fit a uint16_t");

static int
mon_os_read(struct mon_sigfile *sf, uint32_t *lines)
{
	struct mon_os_sig *sig;
	char *fields, *label;
	int rc;

	while ((rc = mon_sigfile_next(sf, &fields, &label)) > 0) {
		if (mon_os_db.n == MON_OS_SIGS_MAX) {
			mon_sigfile_error(sf, "more than %u signatures",
					  MON_OS_SIGS_MAX);
			return -EINVAL;
		}
		sig = &mon_os_db.sigs[mon_os_db.n];
		memset(sig, 0, sizeof(*sig));
		/* mon_sigfile_next() checked that it fits. */
		memcpy(sig->label, label, strlen(label) + 1);
		if (mon_os_parse(sf, fields, sig) < 0 ||
		    mon_os_link(sf, lines, mon_os_db.n, sig) < 0)
			return -EINVAL;
		lines[mon_os_db.n++] = sf->line;
	}
	if (rc == 0 && mon_os_db.n == 0) {
		mon_sigfile_error(sf, "no signatures in the file");
		return -EINVAL;
	}
	return rc;
}

int
mon_os_load(struct sa_ctx *ctx, const char *path)
{
	uint32_t lines[MON_OS_SIGS_MAX];	/* for duplicate reports */
	struct mon_sigfile sf;
	int rc;

	memset(&mon_os_db, 0, sizeof(mon_os_db));
	rc = mon_sigfile_open(&sf, ctx, path);
	if (rc < 0)
		return rc;
	rc = mon_os_read(&sf, lines);
	mon_sigfile_close(&sf);
	if (rc < 0)
		memset(&mon_os_db, 0, sizeof(mon_os_db));
	return rc;
}

static bool
mon_os_fv(uint8_t fv, uint16_t want, bool has, uint16_t val)
{
	switch (fv) {
	case MON_FV_ANY:
		return true;
	case MON_FV_ABSENT:
		return !has;
	default:
		return has && val == want;
	}
}

static bool
mon_os_sig_match(const struct mon_os_sig *s, const struct mon_tcp_fp *fp)
{
	if ((s->role != MON_ROLE_ANY && s->role != fp->role) ||
	    (s->ttl != 0 && s->ttl != fp->ttl))
		return false;
	if (!s->opts_any && (s->n_opts != fp->n_opts ||
			     memcmp(s->opts, fp->opts, s->n_opts) != 0))
		return false;
	if (!mon_os_fv(s->mss_fv, s->mss, fp->has_mss, fp->mss) ||
	    !mon_os_fv(s->ws_fv, s->ws, fp->has_ws, fp->ws))
		return false;
	switch (s->win_fv) {
	case MON_FV_ANY:
		return true;
	case MON_FV_MSS_MULT:
		return fp->has_mss &&
		       (uint32_t)fp->mss * s->win == fp->win;
	default:
		return fp->win == s->win;
	}
}

uint16_t
mon_os_match(const struct mon_tcp_fp *fp)
{
	uint32_t i;

	for (i = 0; i < mon_os_db.n && i < MON_OS_SIGS_MAX; i++)
		if (mon_os_sig_match(&mon_os_db.sigs[i], fp))
			return mon_os_db.sigs[i].label_id;
	return MON_OS_NONE;
}
