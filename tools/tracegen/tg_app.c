/* SPDX-License-Identifier: BSD-3-Clause */

#include <string.h>

#include "tg_app.h"
#include "tg_rng.h"

/* DNS (RFC 1035) */
#define TG_DNS_HDR_LEN		12
#define TG_DNS_FLAGS_QUERY	0x0100	/* standard query, recursion desired */
#define TG_DNS_FLAGS_REPLY	0x8180	/* response, RD, RA, no error */
#define TG_DNS_CLASS_IN		1
#define TG_DNS_NAME_PTR		0xc000	/* compression pointer ... */
#define TG_DNS_QNAME_OFF	TG_DNS_HDR_LEN	/* ... to the question */
#define TG_DNS_TTL		300
#define TG_DNS_LABEL_MAX	63
#define TG_DNS_TXT_STRING_MAX	255
#define TG_DNS_QTAIL_LEN	4	/* type and class */
#define TG_DNS_RR_FIXED		10	/* type, class, TTL, rdlength */
#define TG_DNS_ARCOUNT_OFF	10
#define TG_DNS_TYPE_OPT		41
#define TG_DNS_EDNS_UDP_SIZE	1232
#define TG_DNS_OPT_FIXED	11	/* root name and the fixed fields */
#define TG_DNS_OPTION_HDR	4	/* option code and length */
#define TG_DNS_OPTION_PADDING	12

/* ping(8): a struct timeval, then counting bytes from 0x10. */
#define TG_PING_TV_LEN		16
#define TG_PING_FILL_FIRST	0x10
#define TG_US_PER_S		1000000ull

/* NTP (RFC 5905) */
#define TG_NTP_CLIENT		0x23	/* LI 0, version 4, mode 3 */
#define TG_NTP_SERVER		0x24	/* LI 0, version 4, mode 4 */
#define TG_NTP_STRATUM		2
#define TG_NTP_POLL		6
#define TG_NTP_PRECISION	0xec
#define TG_NTP_UNIX_OFFSET	2208988800ull
#define TG_NTP_REFID		0x7f7f0101u
#define TG_NTP_REF_OFF		16
#define TG_NTP_RECV_OFF		32
#define TG_NTP_XMIT_OFF		40
#define TG_NTP_REFID_OFF	12
#define TG_NTP_TURNAROUND_US	40

static uint8_t *
tg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *
tg_put32(uint8_t *p, uint32_t v)
{
	return tg_put16(tg_put16(p, (uint16_t)(v >> 16)), (uint16_t)v);
}

/* The name as labels, root included; NULL when it does not fit. */
static uint8_t *
tg_dns_name(uint8_t *p, const uint8_t *end, const char *name)
{
	size_t n;

	while (*name != '\0') {
		n = strcspn(name, ".");
		if (n == 0 || n > TG_DNS_LABEL_MAX || p + 1 + n >= end)
			return NULL;
		*p++ = (uint8_t)n;
		memcpy(p, name, n);
		p += n;
		name += n;
		if (*name == '.')
			name++;
	}
	*p++ = 0;
	return p;
}

/* A TXT record's rdata: character-strings of up to 255 bytes each. */
static uint16_t
tg_dns_txt_len(uint16_t rdlen)
{
	return (uint16_t)(rdlen + (rdlen + TG_DNS_TXT_STRING_MAX - 1) /
			  TG_DNS_TXT_STRING_MAX);
}

static uint8_t *
tg_dns_rdata(uint8_t *p, uint16_t qtype, const uint8_t *rdata,
	     uint16_t rdlen)
{
	uint16_t n;

	if (qtype != TG_DNS_TYPE_TXT) {
		memcpy(p, rdata, rdlen);
		return p + rdlen;
	}
	while (rdlen > 0) {
		n = rdlen < TG_DNS_TXT_STRING_MAX ? rdlen :
						    TG_DNS_TXT_STRING_MAX;
		*p++ = (uint8_t)n;
		memcpy(p, rdata, n);
		p += n;
		rdata += n;
		rdlen = (uint16_t)(rdlen - n);
	}
	return p;
}

uint32_t
tg_app_dns(uint8_t *buf, size_t cap, uint16_t id, const char *name,
	   uint16_t qtype, const uint8_t *rdata, uint16_t rdlen)
{
	const uint8_t *end = buf + cap;
	uint16_t wire = qtype == TG_DNS_TYPE_TXT ? tg_dns_txt_len(rdlen) :
						  rdlen;
	uint8_t *p = buf;

	if (cap < TG_DNS_HDR_LEN)
		return 0;
	p = tg_put16(p, id);
	p = tg_put16(p, rdata != NULL ? TG_DNS_FLAGS_REPLY :
					TG_DNS_FLAGS_QUERY);
	p = tg_put16(p, 1);			/* questions */
	p = tg_put16(p, rdata != NULL);		/* answers */
	p = tg_put32(p, 0);			/* authority, additional */
	p = tg_dns_name(p, end, name);
	if (p == NULL || p + TG_DNS_QTAIL_LEN > end)
		return 0;
	p = tg_put16(tg_put16(p, qtype), TG_DNS_CLASS_IN);
	if (rdata == NULL)
		return (uint32_t)(p - buf);
	if (p + 2 + TG_DNS_RR_FIXED + wire > end)
		return 0;
	p = tg_put16(p, TG_DNS_NAME_PTR | TG_DNS_QNAME_OFF);
	p = tg_put16(tg_put16(p, qtype), TG_DNS_CLASS_IN);
	p = tg_put16(tg_put32(p, TG_DNS_TTL), wire);
	p = tg_dns_rdata(p, qtype, rdata, rdlen);
	return (uint32_t)(p - buf);
}

uint32_t
tg_app_dns_pad(uint8_t *buf, uint32_t len, size_t cap, uint16_t pad)
{
	uint8_t *p = buf + len;

	if (len < TG_DNS_HDR_LEN ||
	    len + TG_DNS_OPT_FIXED + TG_DNS_OPTION_HDR + pad > cap)
		return len;
	*p++ = 0;				/* root */
	p = tg_put16(p, TG_DNS_TYPE_OPT);
	p = tg_put16(p, TG_DNS_EDNS_UDP_SIZE);	/* class: payload size */
	p = tg_put32(p, 0);			/* extended rcode, flags */
	p = tg_put16(p, (uint16_t)(TG_DNS_OPTION_HDR + pad));
	p = tg_put16(tg_put16(p, TG_DNS_OPTION_PADDING), pad);
	memset(p, 0, pad);
	p += pad;
	tg_put16(buf + TG_DNS_ARCOUNT_OFF, 1);
	return (uint32_t)(p - buf);
}

uint32_t
tg_app_ping(uint8_t *buf, uint64_t now_us)
{
	uint32_t i;

	/* The sender's struct timeval, little-endian as x86 writes it. */
	memset(buf, 0, TG_PING_TV_LEN);
	for (i = 0; i < sizeof(uint32_t); i++) {
		buf[i] = (uint8_t)((now_us / TG_US_PER_S) >> (8 * i));
		buf[sizeof(uint64_t) + i] =
			(uint8_t)((now_us % TG_US_PER_S) >> (8 * i));
	}
	for (i = TG_PING_TV_LEN; i < TG_PING_DATA_LEN; i++)
		buf[i] = (uint8_t)(TG_PING_FILL_FIRST + i - TG_PING_TV_LEN);
	return TG_PING_DATA_LEN;
}

static void
tg_ntp_time(uint8_t *p, uint64_t us)
{
	uint64_t frac = ((us % TG_US_PER_S) << 32) / TG_US_PER_S;

	tg_put32(tg_put32(p, (uint32_t)(us / TG_US_PER_S +
					TG_NTP_UNIX_OFFSET)),
		 (uint32_t)frac);
}

uint32_t
tg_app_ntp(uint8_t *buf, int server, uint64_t now_us)
{
	memset(buf, 0, TG_NTP_MSG_LEN);
	buf[2] = TG_NTP_POLL;
	buf[3] = TG_NTP_PRECISION;
	if (!server) {
		buf[0] = TG_NTP_CLIENT;
		tg_ntp_time(buf + TG_NTP_XMIT_OFF, now_us);
		return TG_NTP_MSG_LEN;
	}
	buf[0] = TG_NTP_SERVER;
	buf[1] = TG_NTP_STRATUM;
	tg_put32(buf + TG_NTP_REFID_OFF, TG_NTP_REFID);
	tg_ntp_time(buf + TG_NTP_REF_OFF, now_us - TG_NTP_TURNAROUND_US);
	tg_ntp_time(buf + TG_NTP_RECV_OFF, now_us - TG_NTP_TURNAROUND_US);
	tg_ntp_time(buf + TG_NTP_XMIT_OFF, now_us);
	return TG_NTP_MSG_LEN;
}

void
tg_app_words(uint8_t *buf, uint32_t len, uint64_t *rng)
{
	/* Plain words: nothing a rule or signature looks for. */
	static const char *const words[] = {
		"lorem", "ipsum", "dolor", "sit", "amet", "tempor",
		"magna", "aliqua", "veniam", "nostrud", "labore", "minim",
	};
	const uint32_t n_words = sizeof(words) / sizeof(words[0]);
	const char *w;
	uint32_t i = 0, n;

	while (i < len) {
		w = words[tg_below(tg_splitmix64(rng), n_words)];
		n = (uint32_t)strlen(w);
		if (n > len - i)
			n = len - i;
		memcpy(buf + i, w, n);
		i += n;
		if (i < len)
			buf[i++] = ' ';
	}
}
