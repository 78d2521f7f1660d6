/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ha_announce.h"
#include "ha_log.h"

#define HA_ETH_HDR_LEN		14
#define HA_ETH_P_ARP		0x0806
#define HA_ETH_P_IPV6		0x86dd
#define HA_ARP_HTYPE_ETHER	1
#define HA_ARP_OP_REQUEST	1
#define HA_IPV6_HDR_LEN		40
#define HA_IPPROTO_ICMPV6	58
#define HA_ICMPV6_NA		136
#define HA_NA_FLAG_OVERRIDE	0x20
#define HA_ND_OPT_TARGET_LL	2
#define HA_ND_HOP_LIMIT		255
#define HA_NA_LEN		24
#define HA_ND_OPT_LEN		8

static const uint8_t ha_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
/* ff02::1 and its multicast MAC 33:33:00:00:00:01 */
static const uint8_t ha_all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
static const uint8_t ha_all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };

static uint8_t *
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *
eth_hdr(uint8_t *p, const uint8_t dst[6], const uint8_t src[6],
	uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	return put16(p + 12, type);
}

size_t
ha_garp_build(uint8_t *buf, const uint8_t mac[6], const uint8_t ip[4])
{
	uint8_t *p;

	memset(buf, 0, HA_GARP_LEN);
	p = eth_hdr(buf, ha_bcast, mac, HA_ETH_P_ARP);
	p = put16(p, HA_ARP_HTYPE_ETHER);
	p = put16(p, ETHERTYPE_IP);
	*p++ = 6;
	*p++ = 4;
	p = put16(p, HA_ARP_OP_REQUEST);
	memcpy(p, mac, 6);		/* sender: us, the VIP */
	memcpy(p + 6, ip, 4);
	memset(p + 10, 0, 6);		/* target MAC unknown */
	memcpy(p + 16, ip, 4);		/* target IP = sender IP */
	return HA_GARP_LEN;
}

/* ICMPv6 checksum over the pseudo-header (RFC 8200 8.1). */
static uint16_t
icmp6_cksum(const uint8_t *src, const uint8_t *dst, const uint8_t *msg,
	    size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		sum += (uint32_t)(src[i] << 8 | src[i + 1]) +
		       (uint32_t)(dst[i] << 8 | dst[i + 1]);
	sum += (uint32_t)len + HA_IPPROTO_ICMPV6;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(msg[i] << 8 | msg[i + 1]);
	if (len & 1)
		sum += (uint32_t)msg[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t
ha_una_build(uint8_t *buf, const uint8_t mac[6], const uint8_t ip6[16])
{
	uint8_t *ip = buf + HA_ETH_HDR_LEN, *na = ip + HA_IPV6_HDR_LEN;
	uint16_t ck;

	memset(buf, 0, HA_UNA_LEN);
	eth_hdr(buf, ha_all_nodes_mac, mac, HA_ETH_P_IPV6);
	ip[0] = 0x60;
	put16(ip + 4, HA_NA_LEN + HA_ND_OPT_LEN);
	ip[6] = HA_IPPROTO_ICMPV6;
	ip[7] = HA_ND_HOP_LIMIT;
	memcpy(ip + 8, ip6, 16);
	memcpy(ip + 24, ha_all_nodes, 16);
	na[0] = HA_ICMPV6_NA;
	na[4] = HA_NA_FLAG_OVERRIDE;
	memcpy(na + 8, ip6, 16);
	na[24] = HA_ND_OPT_TARGET_LL;
	na[25] = 1;			/* length in units of 8 bytes */
	memcpy(na + 26, mac, 6);
	ck = icmp6_cksum(ip6, ha_all_nodes, na, HA_NA_LEN + HA_ND_OPT_LEN);
	put16(na + 2, ck);
	return HA_UNA_LEN;
}

int
ha_announce_open(struct ha_announce *a, const struct ha_config *c)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr;
	int ret;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	if (c->interface[0] == '\0' || c->n_vips == 0)
		return 0;
	a->ifindex = (int)if_nametoindex(c->interface);
	if (a->ifindex == 0) {
		HA_LOG(ERR, "announce: interface %s: %s", c->interface,
		       strerror(errno));
		return -ENODEV;
	}
	a->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (a->fd < 0)
		goto err;
	sll.sll_ifindex = a->ifindex;
	if (bind(a->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		goto err;
	if (c->have_mac) {
		memcpy(a->mac, c->mac, 6);
		return 0;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->interface);
	if (ioctl(a->fd, SIOCGIFHWADDR, &ifr) != 0)
		goto err;
	memcpy(a->mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
err:
	ret = -errno;
	HA_LOG(ERR, "announce: raw socket on %s: %s", c->interface,
	       strerror(errno));
	ha_announce_close(a);
	return ret;
}

unsigned int
ha_announce_send(struct ha_announce *a, const struct ha_vip *v, unsigned int n)
{
	uint8_t frame[HA_ANNOUNCE_FRAME_MAX];
	unsigned int i, sent = 0;
	size_t len;

	if (a->fd < 0)
		return 0;
	for (i = 0; i < n; i++) {
		len = v[i].family == AF_INET ?
		      ha_garp_build(frame, a->mac, v[i].addr) :
		      ha_una_build(frame, a->mac, v[i].addr);
		if (send(a->fd, frame, len, 0) == (ssize_t)len) {
			sent++;
		} else {
			a->errors++;
			HA_LOG_RL(WARNING, "announce: send: %s",
				  strerror(errno));
		}
	}
	a->sent += sent;
	return sent;
}

void
ha_announce_close(struct ha_announce *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
}
