/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_IDS_H
#define TG_IDS_H

/**
 * @file
 * The ids profile's parts: benign sessions and their TCP exchange
 * (tg_prof_ids.c), attack sessions (tg_ids_att.c). Every attack involves
 * an address of a range no benign session uses, so a test tells attack
 * alerts from false ones by address alone:
 *   203.0.113.0/24, 2001:db8:bad::/48  attackers
 *   100.64.0.0/10                      spoofed SYN-flood sources
 *   10.0.200.0/24                      a compromised inside host
 * Benign: inside clients 10.0.0.0/18 (fd00::/64), inside servers
 * 10.0.100.0/24 (fd00::100:0/112), outside servers 198.18.0.0/16
 * (2001:db8::/64), outside clients 198.19.0.0/16.
 */

#include <stdint.h>

#include "tg_conv.h"
#include "tg_prof.h"

/* Where the profile's hosts live; index i is the (i+1)-th address. */
enum tg_ids_net {
	TG_IDS_NET_IN_CLIENT,	/* 10.0.0.0/18, fd00::/96 */
	TG_IDS_NET_IN_SERVER,	/* 10.0.100.0/24, fd00::100:0/112 */
	TG_IDS_NET_OUT_SERVER,	/* 198.18.0.0/16, 2001:db8::/96 */
	TG_IDS_NET_OUT_CLIENT,	/* 198.19.0.0/16, 2001:db8:1::/96 */
	TG_IDS_NET_ATTACKER,	/* 203.0.113.0/24, 2001:db8:bad::/96 */
	TG_IDS_NET_SPOOFED,	/* 100.64.0.0/10 */
	TG_IDS_NET_COMPROMISED,	/* 10.0.200.0/24 */
	TG_IDS_NET_SWEPT,	/* 10.0.101.0/24: the host sweep's targets */
	TG_IDS_NET_COUNT,
};

enum tg_ids_kind {
	TG_IDS_HTTP_OUT,	/* inside client to an outside web server */
	TG_IDS_HTTPS_OUT,
	TG_IDS_HTTP_IN,		/* outside client to an inside web server */
	TG_IDS_DNS,
	TG_IDS_PING,
	TG_IDS_BENIGN_COUNT,
	TG_IDS_WEB = TG_IDS_BENIGN_COUNT,	/* a = tg_ids_web_attacks[] */
	TG_IDS_SHELL,		/* a = tg_ids_shellcodes[] */
	TG_IDS_TUNNEL,		/* a = variant */
	TG_IDS_PORTSCAN,
	TG_IDS_SWEEP,
	TG_IDS_FLOOD,
	TG_IDS_FLAGS,		/* NULL and XMAS probes */
	TG_IDS_KIND_COUNT,
};

/* What sa-runtime's ids should do with the whole trace in inline mode. */
struct tg_ids_expect {
	uint64_t drop_flows;	/* sessions in which a drop rule fires */
	uint64_t inline_drops;	/* their packets from the firing one on */
	uint64_t reordered;	/* segments sent ahead of a hole */
	uint64_t retransmitted;
};

struct tg_ids {
	uint64_t kinds[TG_IDS_KIND_COUNT];
	uint64_t v6, vlan;
	struct tg_ids_expect ex;
};

enum tg_ids_disturb {
	TG_IDS_CLEAN,
	TG_IDS_RETX,		/* the last request segment again */
	TG_IDS_REORDER,		/* response segment 2 before 1, then again */
};

/* One TCP connection: handshake, request, response, close. */
struct tg_ids_xchg {
	const uint8_t *req;
	uint32_t req_len;
	uint32_t cut;		/* request in two segments at this offset */
	const uint8_t *resp;
	uint32_t resp_len;
	uint32_t drop_end;	/* a drop rule's content ends here, 0: none */
	uint8_t disturb;	/* enum tg_ids_disturb */
	uint8_t rst;		/* the client resets instead of closing */
	uint32_t rtt_us;	/* client <-> server as the tap sees it */
};

#define TG_IDS_ATTACKS_WEB	10
#define TG_IDS_SHELLCODES	3
#define TG_IDS_TUNNELS		3

/** Sets @p e to host @p idx of @p net in @p family, port @p port. */
void tg_ids_end(struct tg_end *e, uint8_t family, enum tg_ids_net net,
		uint32_t idx, uint16_t port);

/** Runs connection @p x on @p c (end 0 the client). */
void tg_ids_tcp_xchg(struct tg_ids *ids, struct tg_conv *c, uint64_t *rng,
		     const struct tg_ids_xchg *x);

/** Whether the web attack @p i goes over IPv6 (drawn only with --ipv6). */
int tg_ids_web_is_v6(uint32_t i);

/** Builds attack session @p s (kind >= TG_IDS_BENIGN_COUNT). */
int tg_ids_attack_build(struct tg_prof *p, struct tg_ids *ids,
			struct tg_sess *s, struct tg_out *out);

/** Common setup of a session's conversation: VLAN by --vlan, ISNs and
 *  IPv4 ids from the session's stream. */
void tg_ids_conv(struct tg_prof *p, struct tg_ids *ids, struct tg_sess *s,
		 struct tg_conv *c, struct tg_out *out, uint8_t family,
		 uint8_t proto);

#endif /* TG_IDS_H */
