/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule-independent detectors: port scans and host sweeps per source, SYN
 * floods per destination.
 *
 * Port scan / host sweep (sids 1 and 2). A probe is the first packet of a
 * new flow from the side that opens it: a TCP SYN without ACK, any UDP
 * datagram, an ICMP or ICMPv6 echo request (hosts only). Each source has
 * one fixed-size entry: a window start and two 1024-bit sets, one of
 * destination ports (the port modulo 1024, so a sequential scan never
 * collides) and one of destination hosts (a fold of the address). A probe
 * that sets a new bit counts as a new distinct port or host; when the
 * count reaches portscan_ports (portscan_hosts) within portscan_window,
 * the alert fires once for that window. Collisions can only make the
 * count lower, never raise a false alert. When the window has passed,
 * the next probe starts a new one.
 *
 * SYN flood (sid 3). Per destination host, within synflood_window: SYNs
 * that open a connection (not retransmissions) minus handshakes completed
 * (the opener's first ACK after the SYN-ACK). When these half-open
 * handshakes reach synflood_syns, the alert fires once for that window.
 *
 * The trackers are tables of fixed capacity whose entries expire one
 * window after their last probe; a full table leaves new sources or
 * destinations untracked (scan_table_full, flood_table_full).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ids.h"

#define IDS_SCAN_BITS		1024u
#define IDS_SCAN_WORDS		(IDS_SCAN_BITS / 64u)
#define IDS_WORD_BITS		64u
#define IDS_EXPIRE_SCAN		4096u
#define IDS_NS_PER_MS		1000000ull
#define IDS_MSG_BUF		128
/* Shifts that fold a 32-bit address into 10 bits. */
#define IDS_FOLD1		10
#define IDS_FOLD2		20

/* An address as a tracker key: explicit padding, zeroed. */
struct ids_host_key {
	uint8_t addr[IDS_ADDR_LEN];
	uint8_t family;
	uint8_t pad[3];
};

struct ids_scan {
	uint64_t window_start;
	uint32_t n_ports;
	uint32_t n_hosts;
	uint64_t ports[IDS_SCAN_WORDS];
	uint64_t hosts[IDS_SCAN_WORDS];
};

struct ids_flood {
	uint64_t window_start;
	uint32_t syns;
	uint32_t completed;
	uint8_t alerted;	/* the alert fired in this window */
	uint8_t pad[7];
};

static int
ids_detect_table(const char *name, uint32_t value_size, uint32_t capacity,
		 uint64_t timeout, struct sa_table **out)
{
	struct sa_table_params params = {
		.name = name,
		.key_size = sizeof(struct ids_host_key),
		.value_size = value_size,
		.capacity = capacity,
		.timeout_ns = timeout,
		.alloc = NULL,
	};

	return sa_table_create(&params, out);
}

/* Creates the trackers that are switched on; 0 or -ENOMEM. */
int
ids_detect_init(void)
{
	int rc = 0;

	if (ids_cfg.scan_ports != 0 || ids_cfg.scan_hosts != 0)
		rc = ids_detect_table("ids-portscan", sizeof(struct ids_scan),
				      ids_cfg.scan_sources,
				      ids_cfg.scan_window_ns, &ids_scans);
	if (rc == 0 && ids_cfg.flood_syns != 0)
		rc = ids_detect_table("ids-synflood", sizeof(struct ids_flood),
				      ids_cfg.flood_targets,
				      ids_cfg.flood_window_ns, &ids_floods);
	if (rc != 0) {
		ids_detect_fini();
		return -ENOMEM;
	}
	return 0;
}

void
ids_detect_fini(void)
{
	sa_table_free(ids_scans);
	sa_table_free(ids_floods);
	ids_scans = NULL;
	ids_floods = NULL;
}

static void
ids_host_key_of(const struct ids_key *k, unsigned int side,
		struct ids_host_key *hk)
{
	memcpy(hk->addr, k->addr[side], IDS_ADDR_LEN);
	hk->family = k->family;
	memset(hk->pad, 0, sizeof(hk->pad));
}

/*
 * The tracker entry (of @size bytes) of @hk, created when missing and
 * started over when its window has passed; NULL when the table is full.
 * Both entry types start with their window start.
 */
static void *
ids_tracker(struct sa_table *t, const struct ids_host_key *hk, uint32_t size,
	    uint64_t now, uint64_t window, uint64_t *full)
{
	void *v = sa_table_lookup(t, hk);
	bool fresh = false;
	uint64_t start;

	if (v == NULL) {
		if (sa_table_add(t, hk, now, &v) != 0) {
			(*full)++;
			return NULL;
		}
		fresh = true;
	}
	sa_table_touch(t, v, now, window);
	memcpy(&start, v, sizeof(start));
	if (fresh || now - start >= window) {
		memset(v, 0, size);
		memcpy(v, &now, sizeof(now));
	}
	return v;
}

/* Sets bit @b of @set; true if it was clear. */
static bool
ids_set_add(uint64_t set[IDS_SCAN_WORDS], uint32_t b)
{
	uint64_t m = 1ull << (b % IDS_WORD_BITS);

	if (set[b / IDS_WORD_BITS] & m)
		return false;
	set[b / IDS_WORD_BITS] |= m;
	return true;
}

static uint32_t
ids_host_hash(const uint8_t a[IDS_ADDR_LEN])
{
	uint32_t w[IDS_ADDR_LEN / sizeof(uint32_t)], x;

	memcpy(w, a, sizeof(w));
	x = ids_ntohl(w[0] ^ w[1] ^ w[2] ^ w[3]);
	return (x ^ x >> IDS_FOLD1 ^ x >> IDS_FOLD2) % IDS_SCAN_BITS;
}

static void
ids_scan_alert(struct sa_ctx *ctx, const struct ids_pkt *ip, uint32_t sid,
	       const char *what, uint32_t n)
{
	char msg[IDS_MSG_BUF];

	snprintf(msg, sizeof(msg), "IDS %s: %u distinct destination %s from "
		 "one source within %llu ms", sid == IDS_SID_PORTSCAN ?
		 "port scan" : "host sweep", n, what,
		 (unsigned long long)(ids_cfg.scan_window_ns / IDS_NS_PER_MS));
	ids_alert(ctx, ip, sid, msg);
}

static bool
ids_is_probe(const struct ids_pkt *ip, bool *has_port)
{
	*has_port = ip->rproto == IDS_RP_TCP || ip->rproto == IDS_RP_UDP;
	if (ip->rproto == IDS_RP_TCP)
		return (ip->tcp_flags & (SA_TCP_SYN | SA_TCP_ACK)) ==
		       SA_TCP_SYN;
	if (ip->rproto == IDS_RP_ICMP)
		return ip->icmp_type == SA_ICMP_ECHO_REQUEST ||
		       ip->icmp_type == SA_ICMP6_ECHO_REQUEST;
	return ip->rproto == IDS_RP_UDP;
}

/* The packet opens a new flow: count it if it is a probe. */
void
ids_detect_probe(struct sa_ctx *ctx, const struct ids_pkt *ip, uint64_t now)
{
	struct ids_host_key hk;
	struct ids_scan *sc;
	uint32_t host;
	bool has_port;

	if (ids_scans == NULL || !ids_is_probe(ip, &has_port))
		return;
	ids_host_key_of(ip->key, ip->side, &hk);
	sc = ids_tracker(ids_scans, &hk, sizeof(*sc), now,
			 ids_cfg.scan_window_ns, &ids_stats.scan_table_full);
	if (sc == NULL)
		return;
	/* Counts only grow within a window: "==" fires once per window. */
	if (has_port && ids_set_add(sc->ports, ip->dport % IDS_SCAN_BITS) &&
	    ++sc->n_ports == ids_cfg.scan_ports) {
		ids_stats.portscan_alerts++;
		ids_scan_alert(ctx, ip, IDS_SID_PORTSCAN, "ports", sc->n_ports);
	}
	host = ids_host_hash(ip->key->addr[ip->side ^ 1]);
	if (ids_set_add(sc->hosts, host) &&
	    ++sc->n_hosts == ids_cfg.scan_hosts) {
		ids_stats.hostsweep_alerts++;
		ids_scan_alert(ctx, ip, IDS_SID_HOSTSWEEP, "hosts",
			       sc->n_hosts);
	}
}

/* The packet is a SYN opening a connection to its destination. */
void
ids_detect_syn(struct sa_ctx *ctx, const struct ids_pkt *ip, uint64_t now)
{
	char msg[IDS_MSG_BUF];
	struct ids_host_key hk;
	struct ids_flood *fl;

	if (ids_floods == NULL)
		return;
	ids_host_key_of(ip->key, ip->side ^ 1u, &hk);
	fl = ids_tracker(ids_floods, &hk, sizeof(*fl), now,
			 ids_cfg.flood_window_ns, &ids_stats.flood_table_full);
	if (fl == NULL)
		return;
	fl->syns++;
	if (fl->syns - fl->completed < ids_cfg.flood_syns || fl->alerted)
		return;
	fl->alerted = 1;
	ids_stats.synflood_alerts++;
	snprintf(msg, sizeof(msg), "IDS SYN flood: %u half-open handshakes to "
		 "one host within %llu ms", fl->syns - fl->completed,
		 (unsigned long long)(ids_cfg.flood_window_ns / IDS_NS_PER_MS));
	ids_alert(ctx, ip, IDS_SID_SYNFLOOD, msg);
}

/* The opener of a connection to the packet's destination acknowledged
 * the SYN-ACK. */
void
ids_detect_handshake(const struct ids_pkt *ip, uint64_t now)
{
	struct ids_host_key hk;
	struct ids_flood *fl;

	if (ids_floods == NULL)
		return;
	ids_host_key_of(ip->key, ip->side ^ 1u, &hk);
	fl = sa_table_lookup(ids_floods, &hk);
	if (fl != NULL && now - fl->window_start < ids_cfg.flood_window_ns &&
	    fl->completed < fl->syns)
		fl->completed++;
}

void
ids_detect_expire(uint64_t now)
{
	if (ids_scans != NULL)
		sa_table_expire(ids_scans, now, IDS_EXPIRE_SCAN, NULL, NULL);
	if (ids_floods != NULL)
		sa_table_expire(ids_floods, now, IDS_EXPIRE_SCAN, NULL, NULL);
}
