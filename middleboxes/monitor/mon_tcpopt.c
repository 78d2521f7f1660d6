/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP fingerprints of SYN and SYN-ACK segments: the initial TTL, window,
 * MSS, window scale and the order of the options, as p0f and PRADS use
 * them to tell operating systems apart.
 *
 * The option walker trusts nothing but @p len, the option bytes the
 * header length covers (sa_parse() has checked that the whole header is
 * in the frame): every step consumes at least one byte, so it ends within
 * MON_TCP_OPTS_MAX steps, and an option whose length is 0, 1, runs past
 * the header or is wrong for its kind makes the whole fingerprint invalid
 * rather than half-read.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mon.h"

/* Option kinds (RFC 793, 7323, 2018) and their fixed lengths. */
#define MON_OPT_EOL		0
#define MON_OPT_NOP		1
#define MON_OPT_MSS		2
#define MON_OPT_MSS_LEN		4
#define MON_OPT_WS		3
#define MON_OPT_WS_LEN		3
#define MON_OPT_SACK_OK		4
#define MON_OPT_SACK_OK_LEN	2
#define MON_OPT_TS		8
#define MON_OPT_TS_LEN		10
/* Kind and length bytes of an option that has a length. */
#define MON_OPT_HDR_LEN		2

/* Initial TTLs stacks use; an observed TTL is rounded up to one. */
static const uint8_t mon_ttl_initial[] = { 32, 64, 128, 255 };

/* FNV-1a, 32 bits: cheap, and stable across builds and instances. */
#define MON_FNV_OFFSET		2166136261u
#define MON_FNV_PRIME		16777619u

struct mon_opt_letter {
	char letter;
	uint8_t kind;
	uint8_t len;		/* 0: no length byte (EOL, NOP) */
};

static const struct mon_opt_letter mon_opt_letters[] = {
	{ 'E', MON_OPT_EOL, 0 },
	{ 'N', MON_OPT_NOP, 0 },
	{ 'M', MON_OPT_MSS, MON_OPT_MSS_LEN },
	{ 'W', MON_OPT_WS, MON_OPT_WS_LEN },
	{ 'S', MON_OPT_SACK_OK, MON_OPT_SACK_OK_LEN },
	{ 'T', MON_OPT_TS, MON_OPT_TS_LEN },
};

int
mon_tcpopt_kind(char letter)
{
	unsigned int i;

	for (i = 0; i < MON_ARRAY_SIZE(mon_opt_letters); i++)
		if (mon_opt_letters[i].letter == letter)
			return mon_opt_letters[i].kind;
	return -1;
}

char
mon_tcpopt_letter(uint8_t kind)
{
	unsigned int i;

	for (i = 0; i < MON_ARRAY_SIZE(mon_opt_letters); i++)
		if (mon_opt_letters[i].kind == kind)
			return mon_opt_letters[i].letter;
	return '\0';
}

/* The fixed length of a known kind with a length byte, or 0. */
static uint8_t
mon_tcpopt_fixed_len(uint8_t kind)
{
	unsigned int i;

	for (i = 0; i < MON_ARRAY_SIZE(mon_opt_letters); i++)
		if (mon_opt_letters[i].kind == kind)
			return mon_opt_letters[i].len;
	return 0;
}

bool
mon_tcpopt_is_initial_ttl(uint32_t ttl)
{
	unsigned int i;

	for (i = 0; i < MON_ARRAY_SIZE(mon_ttl_initial); i++)
		if (ttl == mon_ttl_initial[i])
			return true;
	return false;
}

static uint8_t
mon_tcpopt_round_ttl(uint8_t ttl)
{
	unsigned int i;

	for (i = 0; i < MON_ARRAY_SIZE(mon_ttl_initial) - 1; i++)
		if (ttl <= mon_ttl_initial[i])
			return mon_ttl_initial[i];
	return mon_ttl_initial[MON_ARRAY_SIZE(mon_ttl_initial) - 1];
}

/* Takes the value of a known option; @p o points at its kind byte. */
static void
mon_tcpopt_value(const uint8_t *o, struct mon_tcp_fp *fp)
{
	const uint8_t *val = o + MON_OPT_HDR_LEN;

	if (o[0] == MON_OPT_MSS) {
		fp->mss = (uint16_t)(val[0] << 8 | val[1]);
		fp->has_mss = true;
	} else if (o[0] == MON_OPT_WS) {
		fp->ws = val[0];
		fp->has_ws = true;
	}
}

int
mon_tcpopt_fp(const uint8_t *opts, uint32_t len, uint16_t win, uint8_t ttl,
	      enum mon_role role, struct mon_tcp_fp *fp)
{
	uint32_t i = 0;
	uint8_t kind, olen, fixed;

	memset(fp, 0, sizeof(*fp));
	fp->win = win;
	fp->role = (uint8_t)role;
	fp->ttl = mon_tcpopt_round_ttl(ttl);
	fp->dist = (uint8_t)(fp->ttl - ttl);
	while (i < len && fp->n_opts < MON_TCP_OPTS_MAX) {
		kind = opts[i];
		fp->opts[fp->n_opts++] = kind;
		if (kind == MON_OPT_EOL)
			break;		/* the rest is padding */
		if (kind == MON_OPT_NOP) {
			i++;
			continue;
		}
		if (len - i < MON_OPT_HDR_LEN)
			return -EINVAL;
		olen = opts[i + 1];
		fixed = mon_tcpopt_fixed_len(kind);
		if (olen < MON_OPT_HDR_LEN || olen > len - i ||
		    (fixed != 0 && olen != fixed))
			return -EINVAL;
		mon_tcpopt_value(opts + i, fp);
		i += olen;
	}
	return 0;
}

static uint32_t
mon_fnv(uint32_t h, uint32_t v)
{
	return (h ^ v) * MON_FNV_PRIME;
}

uint32_t
mon_tcpopt_hash(const struct mon_tcp_fp *fp)
{
	uint32_t h = MON_FNV_OFFSET;
	unsigned int i;

	h = mon_fnv(h, fp->win);
	h = mon_fnv(h, fp->has_mss ? fp->mss : UINT32_MAX);
	h = mon_fnv(h, fp->has_ws ? fp->ws : UINT32_MAX);
	h = mon_fnv(h, fp->ttl);
	h = mon_fnv(h, fp->n_opts);
	for (i = 0; i < fp->n_opts && i < MON_TCP_OPTS_MAX; i++)
		h = mon_fnv(h, fp->opts[i]);
	return h;
}

/* Appends "M,N,W" (or "-" without options), in signature-file syntax. */
static void
mon_tcpopt_format_opts(const struct mon_tcp_fp *fp, char *buf, size_t size)
{
	size_t n = strlen(buf);
	unsigned int i;
	char letter;

	if (fp->n_opts == 0) {
		snprintf(buf + n, size - n, "-");
		return;
	}
	for (i = 0; i < fp->n_opts && i < MON_TCP_OPTS_MAX && n < size; i++) {
		letter = mon_tcpopt_letter(fp->opts[i]);
		if (letter != '\0')
			snprintf(buf + n, size - n, "%s%c", i ? "," : "",
				 letter);
		else
			snprintf(buf + n, size - n, "%s?%u", i ? "," : "",
				 fp->opts[i]);
		n += strlen(buf + n);
	}
}

void
mon_tcpopt_format(const struct mon_tcp_fp *fp, char *buf, size_t size)
{
	char mss[sizeof("65535")] = "-", ws[sizeof("255")] = "-";

	if (fp->has_mss)
		snprintf(mss, sizeof(mss), "%u", fp->mss);
	if (fp->has_ws)
		snprintf(ws, sizeof(ws), "%u", fp->ws);
	snprintf(buf, size, "%u:%u:%s:%s:", fp->ttl, fp->win, mss, ws);
	mon_tcpopt_format_opts(fp, buf, size);
}
