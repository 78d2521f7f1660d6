/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_ANNOUNCE_H
#define HA_ANNOUNCE_H

/*
 * After a promotion the new primary announces the virtual addresses on
 * its interface, so switches and neighbours send to it: a gratuitous ARP
 * (an ARP request for the VIP from the VIP, RFC 5227) per IPv4 VIP and an
 * unsolicited neighbor advertisement (RFC 4861 7.2.6: to ff02::1,
 * Override set, target link-layer address option) per IPv6 VIP, sent on a
 * raw AF_PACKET socket bound to the interface. The frame builders are
 * pure (Check tests them); only ha_announce_send touches the socket.
 */

#include <stddef.h>
#include <stdint.h>

#include "ha_config.h"

#define HA_GARP_LEN		60	/* padded to the Ethernet minimum */
#define HA_UNA_LEN		86	/* eth 14 + ipv6 40 + NA 24 + opt 8 */
#define HA_ANNOUNCE_FRAME_MAX	HA_UNA_LEN

struct ha_announce {
	int fd;			/* -1: nothing to announce */
	int ifindex;
	uint8_t mac[6];
	uint64_t sent;		/* frames sent */
	uint64_t errors;	/* send failures */
};

size_t ha_garp_build(uint8_t *buf, const uint8_t mac[6], const uint8_t ip[4]);
size_t ha_una_build(uint8_t *buf, const uint8_t mac[6],
		    const uint8_t ip6[16]);

/** Opens the socket on c->interface (none configured: fd -1, returns 0);
 *  the MAC is c->mac or the interface's. @return 0 or -errno (logged). */
int ha_announce_open(struct ha_announce *a, const struct ha_config *c);

/** Sends one announcement per VIP. @return frames sent. */
unsigned int ha_announce_send(struct ha_announce *a, const struct ha_vip *v,
			      unsigned int n);

void ha_announce_close(struct ha_announce *a);

#endif /* HA_ANNOUNCE_H */
