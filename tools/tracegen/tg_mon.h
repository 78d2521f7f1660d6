/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_MON_H
#define TG_MON_H

/**
 * @file
 * The monitor profile's cast (tg_mon_os.c): OS personalities, each a TCP
 * stack whose SYN and SYN-ACK fingerprints configs/monitor/os.sigs knows,
 * and the fixed roster of inside servers with their services and banners
 * and of inside clients. The integration test expects exactly these
 * hosts, guesses and labels in the monitor's events.
 */

#include <stdint.h>

#include "tg_conv.h"

enum tg_mon_os_id {
	TG_MON_LINUX,		/* "Linux 4.19-6.x" both roles */
	TG_MON_WINDOWS,		/* "Windows 10-11", "... / Server 2016+" */
	TG_MON_MACOS,		/* "macOS 11+ / iOS 14+" */
	TG_MON_FREEBSD,		/* "FreeBSD 9-14" */
	TG_MON_CISCO,		/* "Cisco IOS" */
	TG_MON_OS_COUNT,
};

/** How a host's TCP stack looks on the wire. */
struct tg_mon_os {
	uint8_t ttl;		/**< initial TTL */
	const char *syn_opts;	/**< option letters of its SYN: M N W S T E */
	const char *synack_opts;
	uint16_t syn_win;	/**< 0: syn_mss_mult times its MSS */
	uint8_t syn_mss_mult;
	uint16_t synack_win;
	uint8_t ws;		/**< window scale it announces */
	uint16_t data_win;	/**< window once connected */
};

extern const struct tg_mon_os tg_mon_oses[TG_MON_OS_COUNT];

/** How a service talks first: the server's banner, or the client's
 *  request followed by a response that is the banner. */
struct tg_mon_svc {
	uint8_t proto;		/**< SA_IPPROTO_TCP or SA_IPPROTO_UDP */
	uint16_t port;
	const char *request;	/**< client's first payload, NULL: none */
	const uint8_t *banner;	/**< server's first payload */
	uint32_t banner_len;
	const uint8_t *banner2;	/**< after the trace's idle gap, or NULL */
	uint32_t banner2_len;
};

/** An inside server: an address, an OS, services. */
struct tg_mon_server {
	uint8_t family;
	uint8_t os;		/**< enum tg_mon_os_id */
	uint8_t hops;		/**< routers between it and the tap */
	uint8_t n_svc;
	const struct tg_mon_svc *svc;
	uint32_t addr4;		/**< host order */
	uint8_t addr6[TG_ADDR6_BYTES];
};

/* Servers and clients of family 6 are used only with --ipv6; the
 * IPv6 clients come last. */
#define TG_MON_SERVERS		9
#define TG_MON_CLIENTS		6
#define TG_MON_CLIENTS_V6	1

extern const struct tg_mon_server tg_mon_servers[TG_MON_SERVERS];

/** An inside client of the roster. */
struct tg_mon_client {
	uint8_t family;
	uint8_t os;
	uint8_t os2;		/**< after the idle gap */
	uint32_t addr4;
	uint8_t addr6[TG_ADDR6_BYTES];
};

extern const struct tg_mon_client tg_mon_clients[TG_MON_CLIENTS];

/**
 * Makes @p e look like OS @p os for packets of role @p synack (0: it
 * opens connections, 1: it accepts them), @p hops routers away: TTL,
 * windows, SYN options with MSS @p mss and timestamp @p tsval.
 */
void tg_mon_os_apply(struct tg_end *e, enum tg_mon_os_id os, int synack,
		     uint8_t hops, uint16_t mss, uint32_t tsval);

#endif /* TG_MON_H */
