/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdio.h>
#include <string.h>

#include "tg_payload.h"

/* DNS (RFC 1035) */
#define TG_DNS_HDR_LEN		12
#define TG_DNS_FLAGS_QUERY	0x0100	/* standard query, recursion desired */
#define TG_DNS_FLAGS_REPLY	0x8180	/* response, RD, RA, no error */
#define TG_DNS_TYPE_A		1
#define TG_DNS_TYPE_AAAA	28
#define TG_DNS_CLASS_IN		1
#define TG_DNS_NAME_PTR		0xc000	/* compression pointer ... */
#define TG_DNS_QNAME_OFF	TG_DNS_HDR_LEN	/* ... to the question */
#define TG_DNS_TTL		300
#define TG_DNS_LABEL_MAX	16
#define TG_DNS_DOMAIN		"\007example\003com"
#define TG_DNS_TXID_MIX		0x9e37u

/* NTP (RFC 5905) */
#define TG_NTP_LEN		48
#define TG_NTP_CLIENT		0x23	/* LI 0, version 4, mode 3 */
#define TG_NTP_SERVER		0x24	/* LI 0, version 4, mode 4 */
#define TG_NTP_STRATUM		2
#define TG_NTP_POLL		6
#define TG_NTP_PRECISION	0xec	/* -20: about a microsecond */
#define TG_NTP_UNIX_OFFSET	2208988800ull	/* 1900 -> 1970, seconds */
#define TG_NTP_REFID		0x7f7f0101u
#define TG_NTP_XMIT_OFF		40
#define TG_NTP_ORIG_OFF		24
#define TG_NTP_RECV_OFF		32
#define TG_NTP_REF_OFF		16
#define TG_NTP_REFID_OFF	12
#define TG_US_PER_S		1000000ull

/* TLS 1.2/1.3 record (RFC 8446 5.1): what port 443 carries once the
 * handshake is done; one record per segment keeps dissectors in step. */
#define TG_TLS_APP_DATA		0x17
#define TG_TLS_LEGACY_VERSION	0x0303
#define TG_TLS_HDR_LEN		5

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
	p = tg_put16(p, (uint16_t)(v >> 16));
	return tg_put16(p, (uint16_t)v);
}

/* Question for s<server>.example.com, A or AAAA after the address family. */
static uint8_t *
tg_dns_question(uint8_t *p, const struct tg_flow *f)
{
	char label[TG_DNS_LABEL_MAX];
	int n = snprintf(label, sizeof(label), "s%u", f->server);

	*p++ = (uint8_t)n;
	memcpy(p, label, (size_t)n);
	p += n;
	memcpy(p, TG_DNS_DOMAIN, sizeof(TG_DNS_DOMAIN));	/* with root */
	p += sizeof(TG_DNS_DOMAIN);
	p = tg_put16(p, f->family == 6 ? TG_DNS_TYPE_AAAA : TG_DNS_TYPE_A);
	return tg_put16(p, TG_DNS_CLASS_IN);
}

static uint32_t
tg_dns(const struct tg_flow *f, const struct tg_pkt *pkt, uint8_t *buf)
{
	int reply = pkt->app == TG_APP_DNS_REPLY;
	uint8_t *p = buf;
	uint8_t addr6[16];

	/* A retry is a new query: the id follows the exchange number. */
	p = tg_put16(p, (uint16_t)(f->sport ^ (pkt->seq * TG_DNS_TXID_MIX)));
	p = tg_put16(p, reply ? TG_DNS_FLAGS_REPLY : TG_DNS_FLAGS_QUERY);
	p = tg_put16(p, 1);		/* questions */
	p = tg_put16(p, reply);		/* answers */
	p = tg_put32(p, 0);		/* authority, additional */
	p = tg_dns_question(p, f);
	if (!reply)
		return (uint32_t)(p - buf);
	p = tg_put16(p, TG_DNS_NAME_PTR | TG_DNS_QNAME_OFF);
	p = tg_put16(p, f->family == 6 ? TG_DNS_TYPE_AAAA : TG_DNS_TYPE_A);
	p = tg_put16(p, TG_DNS_CLASS_IN);
	p = tg_put32(p, TG_DNS_TTL);
	if (f->family == 6) {
		tg_model_server6(f->server, addr6);
		p = tg_put16(p, sizeof(addr6));
		memcpy(p, addr6, sizeof(addr6));
		p += sizeof(addr6);
	} else {
		p = tg_put16(p, sizeof(uint32_t));
		p = tg_put32(p, tg_model_server4(f->server));
	}
	return (uint32_t)(p - buf);
}

/* 64-bit NTP timestamp of a trace time in microseconds. */
static void
tg_ntp_time(uint8_t *p, uint64_t us)
{
	uint64_t frac = ((us % TG_US_PER_S) << 32) / TG_US_PER_S;

	p = tg_put32(p, (uint32_t)(us / TG_US_PER_S + TG_NTP_UNIX_OFFSET));
	tg_put32(p, (uint32_t)frac);
}

static uint32_t
tg_ntp(const struct tg_flow *f, const struct tg_pkt *pkt, uint64_t now_us,
       uint8_t *buf)
{
	memset(buf, 0, TG_NTP_LEN);
	buf[2] = TG_NTP_POLL;
	buf[3] = TG_NTP_PRECISION;
	if (pkt->app == TG_APP_NTP_CLIENT) {
		buf[0] = TG_NTP_CLIENT;
		tg_ntp_time(buf + TG_NTP_XMIT_OFF, now_us);
		return TG_NTP_LEN;
	}
	buf[0] = TG_NTP_SERVER;
	buf[1] = TG_NTP_STRATUM;
	tg_put32(buf + TG_NTP_REFID_OFF, TG_NTP_REFID);
	/* The request left one round trip ago; the server answers at once,
	 * half-way through it. */
	tg_ntp_time(buf + TG_NTP_REF_OFF, now_us - f->rtt_us);
	tg_ntp_time(buf + TG_NTP_ORIG_OFF, now_us - f->rtt_us);
	tg_ntp_time(buf + TG_NTP_RECV_OFF, now_us - f->rtt_us / 2);
	tg_ntp_time(buf + TG_NTP_XMIT_OFF, now_us - f->rtt_us / 2);
	return TG_NTP_LEN;
}

static uint32_t
tg_tls(const struct tg_model *m, const struct tg_pkt *pkt, uint8_t *buf)
{
	uint32_t len = pkt->payload_len;
	uint8_t *p = buf;

	if (len < TG_TLS_MIN_LEN || len > TG_PAYLOAD_APP_MAX)
		return 0;
	*p++ = TG_TLS_APP_DATA;
	p = tg_put16(p, TG_TLS_LEGACY_VERSION);
	p = tg_put16(p, (uint16_t)(len - TG_TLS_HDR_LEN));
	memcpy(p, m->pattern, len - TG_TLS_HDR_LEN);
	return len;
}

uint32_t
tg_payload_build(const struct tg_model *m, const struct tg_flow *f,
		 const struct tg_pkt *pkt, uint64_t now_us, uint8_t *buf)
{
	switch (pkt->app) {
	case TG_APP_TLS:
		return tg_tls(m, pkt, buf);
	case TG_APP_DNS_QUERY:
	case TG_APP_DNS_REPLY:
		return tg_dns(f, pkt, buf);
	case TG_APP_NTP_CLIENT:
	case TG_APP_NTP_SERVER:
		return tg_ntp(f, pkt, now_us, buf);
	default:
		return 0;
	}
}
