/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Service signatures: loading the file named by [monitor]
 * service_signatures, and identifying banners with it. One signature per
 * line:
 *
 *   PROTO:PORT:PATTERN = LABEL
 *
 *   PROTO    tcp or udp
 *   PORT     the server port 1-65535, or * for any
 *   PATTERN  banner pattern (mon_pat.c), matched from the first byte of
 *            the first payload a TCP server sends on a connection, or of
 *            a UDP datagram a tracked host sends from PORT; blanks at
 *            either end are not part of it (write \x20)
 *   LABEL    the service as reported; $1..$4 insert the groups
 *
 * The first matching signature in file order wins. Matching looks at
 * MON_BANNER_WINDOW payload bytes at most and compares at most
 * MON_BANNER_BUDGET bytes per packet over all signatures, so a hostile
 * payload costs a bounded amount of work whatever the file holds.
 */

#include <errno.h>
#include <string.h>

#include "mon.h"

#define MON_SVC_FIELD_SEP	':'
#define MON_SVC_WILDCARD	"*"
#define MON_PORT_MAX		65535u
#define MON_PORT_DIGITS_MAX	5
#define MON_DECIMAL		10
#define MON_BITS_PER_BYTE	8

struct mon_svc_db mon_svc_db;

static const char *const mon_svc_proto_names[MON_PROTO_COUNT] = {
	"tcp", "udp",
};

static int
mon_svc_port(const char *s, struct mon_svc_sig *sig)
{
	size_t n = strlen(s), i;
	uint32_t v = 0;

	if (strcmp(s, MON_SVC_WILDCARD) == 0) {
		sig->any_port = true;
		return 0;
	}
	if (n == 0 || n > MON_PORT_DIGITS_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * MON_DECIMAL + (uint32_t)(s[i] - '0');
	}
	if (v == 0 || v > MON_PORT_MAX)
		return -EINVAL;
	sig->port = (uint16_t)v;
	return 0;
}

/* Cuts the next ':'-terminated field off *s. */
static char *
mon_svc_field(char **s)
{
	char *f = *s, *c = strchr(f, MON_SVC_FIELD_SEP);

	if (c == NULL)
		return NULL;
	*c = '\0';
	*s = c + 1;
	return f;
}

static int
mon_svc_head(struct mon_sigfile *sf, char **rest, struct mon_svc_sig *sig)
{
	char *proto = mon_svc_field(rest);
	char *port = proto != NULL ? mon_svc_field(rest) : NULL;
	unsigned int i;

	if (port == NULL) {
		mon_sigfile_error(sf, "expected 'PROTO:PORT:PATTERN = LABEL'");
		return -EINVAL;
	}
	for (i = 0; i < MON_PROTO_COUNT; i++)
		if (strcmp(proto, mon_svc_proto_names[i]) == 0)
			break;
	if (i == MON_PROTO_COUNT) {
		mon_sigfile_error(sf, "protocol '%s' is not tcp or udp", proto);
		return -EINVAL;
	}
	sig->proto = (uint8_t)i;
	if (mon_svc_port(port, sig) < 0) {
		mon_sigfile_error(sf, "port '%s' is not 1-65535 or *", port);
		return -EINVAL;
	}
	return 0;
}

static int
mon_svc_parse(struct mon_sigfile *sf, char *fields, const char *label,
	      struct mon_svc_sig *sig)
{
	struct mon_svc_db *db = &mon_svc_db;
	const char *err = NULL;
	size_t err_pos = 0;
	char *pattern = fields;

	if (mon_svc_head(sf, &pattern, sig) < 0)
		return -EINVAL;
	while (*pattern == ' ' || *pattern == '\t')
		pattern++;
	if (mon_pat_compile(&db->pool, pattern, &sig->pat, &err,
			    &err_pos) < 0) {
		mon_sigfile_error(sf, "pattern '%s' at offset %zu: %s",
				  pattern, err_pos, err);
		return -EINVAL;
	}
	err = mon_pat_check_label(label, sig->pat.n_caps);
	if (err != NULL) {
		mon_sigfile_error(sf, "%s", err);
		return -EINVAL;
	}
	/* mon_sigfile_next() checked that it fits. */
	memcpy(sig->label, label, strlen(label) + 1);
	if (sig->any_port)
		db->any_port[sig->proto] = true;
	else
		db->ports[sig->proto][sig->port / MON_BITS_PER_BYTE] |=
			(uint8_t)(1u << (sig->port % MON_BITS_PER_BYTE));
	return 0;
}

static int
mon_svc_read(struct mon_sigfile *sf)
{
	char *fields, *label;
	int rc;

	while ((rc = mon_sigfile_next(sf, &fields, &label)) > 0) {
		if (mon_svc_db.n == MON_SVC_SIGS_MAX) {
			mon_sigfile_error(sf, "more than %u signatures",
					  MON_SVC_SIGS_MAX);
			return -EINVAL;
		}
		if (mon_svc_parse(sf, fields, label,
				  &mon_svc_db.sigs[mon_svc_db.n]) < 0)
			return -EINVAL;
		mon_svc_db.n++;
	}
	if (rc == 0 && mon_svc_db.n == 0) {
		mon_sigfile_error(sf, "no signatures in the file");
		return -EINVAL;
	}
	return rc;
}

int
mon_svc_load(struct sa_ctx *ctx, const char *path)
{
	struct mon_sigfile sf;
	int rc;

	memset(&mon_svc_db, 0, sizeof(mon_svc_db));
	rc = mon_sigfile_open(&sf, ctx, path);
	if (rc < 0)
		return rc;
	rc = mon_svc_read(&sf);
	mon_sigfile_close(&sf);
	if (rc < 0)
		memset(&mon_svc_db, 0, sizeof(mon_svc_db));
	return rc;
}

bool
mon_svc_port_has_sigs(enum mon_proto proto, uint16_t port)
{
	const struct mon_svc_db *db = &mon_svc_db;

	return db->any_port[proto] ||
	       ((db->ports[proto][port / MON_BITS_PER_BYTE] >>
		 (port % MON_BITS_PER_BYTE)) & 1u);
}

enum mon_match
mon_svc_identify(enum mon_proto proto, uint16_t port, const uint8_t *payload,
		 uint32_t len, char *label, size_t size)
{
	const struct mon_svc_db *db = &mon_svc_db;
	uint32_t budget = MON_BANNER_BUDGET, i;
	const struct mon_svc_sig *sig;
	struct mon_caps caps;
	enum mon_match r;

	if (len > MON_BANNER_WINDOW)
		len = MON_BANNER_WINDOW;
	for (i = 0; i < db->n && i < MON_SVC_SIGS_MAX; i++) {
		sig = &db->sigs[i];
		if (sig->proto != proto || (!sig->any_port && sig->port != port))
			continue;
		memset(&caps, 0, sizeof(caps));
		r = mon_pat_match(&db->pool, &sig->pat, payload, len, &caps,
				  &budget);
		if (r == MON_MATCH_YES) {
			mon_pat_render(sig->label, payload, &caps, label, size);
			return r;
		}
		if (r == MON_MATCH_BUDGET)
			return r;
	}
	return MON_MATCH_NO;
}
