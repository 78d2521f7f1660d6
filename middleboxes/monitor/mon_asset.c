/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Asset records and the events about them. Three sa_tables, all sized
 * from [monitor] at init and idle-expired from tick():
 *
 *   mon_hosts     address -> struct mon_host          host_timeout
 *   mon_services  (address, proto, port) -> mon_service service_timeout
 *   mon_flows     connection -> nothing: a banner is due flow_timeout
 *
 * A service's packets come from its host, so the host is refreshed
 * whenever the service is; with service_timeout <= host_timeout (checked
 * by mon_config.c) services never outlive their host by more than the
 * host's refresh granularity (mon.h) and the few ticks a bounded expiry
 * scan may lag. A full table costs records, never packets: the packet is
 * forwarded and the miss counted.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sa/table.h>

#include "mon.h"

#define MON_V6_GROUPS		8
#define MON_V4_MAPPED_OFF	12	/* ::ffff:a.b.c.d */
#define MON_V4_MAPPED_FF	10
#define MON_UNKNOWN		"unknown"

struct sa_table *mon_hosts;
struct sa_table *mon_services;
struct sa_table *mon_flows;

static const char *const mon_proto_names[MON_PROTO_COUNT] = { "tcp", "udp" };
static const char *const mon_role_names[MON_ROLE_COUNT] = { "syn", "synack" };

/* ---- tables ---- */

void
mon_asset_fini(void)
{
	sa_table_free(mon_flows);
	sa_table_free(mon_services);
	sa_table_free(mon_hosts);
	mon_flows = NULL;
	mon_services = NULL;
	mon_hosts = NULL;
}

static int
mon_asset_table(const struct sa_config *cfg, const char *key,
		struct sa_table_params *params, struct sa_table **out)
{
	int rc = sa_table_create(params, out);

	if (rc < 0) {
		sa_config_error(cfg, sa_config_find(cfg, key), "cannot create "
				"the %s table of %u entries: %s", params->name,
				params->capacity, rc == -ENOMEM ?
				"out of state memory" : "invalid size");
		*out = NULL;
	}
	return rc;
}

int
mon_asset_init(const struct sa_config *cfg)
{
	struct sa_table_params hosts = {
		.name = "monitor-hosts",
		.key_size = MON_ADDR_LEN,
		.value_size = sizeof(struct mon_host),
		.capacity = mon_cfg.max_hosts,
		.timeout_ns = mon_cfg.host_timeout_ns,
	};
	struct sa_table_params services = {
		.name = "monitor-services",
		.key_size = sizeof(struct mon_svc_key),
		.value_size = sizeof(struct mon_service),
		.capacity = mon_cfg.max_services,
		.timeout_ns = mon_cfg.service_timeout_ns,
	};
	struct sa_table_params flows = {
		.name = "monitor-banner-flows",
		.key_size = sizeof(struct mon_flow_key),
		.value_size = 0,
		.capacity = mon_cfg.max_flows,
		.timeout_ns = mon_cfg.flow_timeout_ns,
	};
	int rc;

	rc = mon_asset_table(cfg, "max_hosts", &hosts, &mon_hosts);
	if (rc == 0)
		rc = mon_asset_table(cfg, "max_services", &services,
				     &mon_services);
	if (rc == 0)
		rc = mon_asset_table(cfg, "max_flows", &flows, &mon_flows);
	if (rc < 0)
		mon_asset_fini();
	return rc;
}

static void
mon_expired_cb(void *arg, const void *key, void *value)
{
	(void)key;
	(void)value;
	mon_stat_inc(*(const enum mon_stat *)arg);
}

void
mon_asset_expire(uint64_t now_ns)
{
	static const enum mon_stat hosts = MON_STAT_HOSTS_EXPIRED;
	static const enum mon_stat services = MON_STAT_SERVICES_EXPIRED;
	static const enum mon_stat flows = MON_STAT_FLOWS_EXPIRED;

	sa_table_expire(mon_flows, now_ns, MON_EXPIRE_SCAN, mon_expired_cb,
			(void *)&flows);
	sa_table_expire(mon_services, now_ns, MON_EXPIRE_SCAN, mon_expired_cb,
			(void *)&services);
	sa_table_expire(mon_hosts, now_ns, MON_EXPIRE_SCAN, mon_expired_cb,
			(void *)&hosts);
}

uint32_t
mon_hosts_active(void)
{
	return mon_hosts != NULL ? sa_table_count(mon_hosts) : 0;
}

uint32_t
mon_services_active(void)
{
	return mon_services != NULL ? sa_table_count(mon_services) : 0;
}

uint32_t
mon_flows_active(void)
{
	return mon_flows != NULL ? sa_table_count(mon_flows) : 0;
}

/* ---- addresses ---- */

static bool
mon_addr_is_v4(const uint8_t *a)
{
	unsigned int i;

	for (i = 0; i < MON_V4_MAPPED_FF; i++)
		if (a[i] != 0)
			return false;
	return a[MON_V4_MAPPED_FF] == UINT8_MAX &&
	       a[MON_V4_MAPPED_FF + 1] == UINT8_MAX;
}

/* The longest run of two or more zero groups, RFC 5952 4.2. */
static void
mon_addr_zero_run(const uint16_t *g, int *start, int *len)
{
	int i, run = 0;

	*start = -1;
	*len = 1;
	for (i = 0; i < MON_V6_GROUPS; i++) {
		run = g[i] == 0 ? run + 1 : 0;
		if (run > *len) {
			*len = run;
			*start = i - run + 1;
		}
	}
}

void
mon_addr_format(const uint8_t addr[MON_ADDR_LEN], char *buf, size_t size)
{
	const uint8_t *v4 = addr + MON_V4_MAPPED_OFF;
	uint16_t g[MON_V6_GROUPS];
	int i, start, len;
	size_t n = 0;

	if (mon_addr_is_v4(addr)) {
		snprintf(buf, size, "%u.%u.%u.%u", v4[0], v4[1], v4[2], v4[3]);
		return;
	}
	for (i = 0; i < MON_V6_GROUPS; i++)
		g[i] = (uint16_t)(addr[2 * i] << 8 | addr[2 * i + 1]);
	mon_addr_zero_run(g, &start, &len);
	buf[0] = '\0';
	for (i = 0; i < MON_V6_GROUPS && n < size; i++) {
		if (i == start) {
			snprintf(buf + n, size - n, "::");
			i += len - 1;
		} else {
			snprintf(buf + n, size - n, "%s%x",
				 i > 0 && i != start + len ? ":" : "", g[i]);
		}
		n += strlen(buf + n);
	}
}

/* ---- events ---- */

static void
mon_event_count(enum mon_event ev)
{
	mon_stat_inc(MON_STAT_EVENTS);
	mon_stat_inc((enum mon_stat)(MON_STAT_EV_NEW_HOST +
				     (ev - MON_EVENT_NEW_HOST)));
}

struct mon_host *
mon_host_seen(struct sa_ctx *ctx, const struct sa_pkt *pkt,
	      const uint8_t addr[MON_ADDR_LEN], uint64_t now)
{
	char text[MON_ADDR_STR_MAX];
	struct mon_host *h;
	unsigned int r;
	void *v;

	h = sa_table_lookup(mon_hosts, addr);
	if (MON_LIKELY(h != NULL)) {
		if (now - h->last_seen_ns >= mon_cfg.host_refresh_ns) {
			h->last_seen_ns = now;
			sa_table_touch(mon_hosts, h, now,
				       mon_cfg.host_timeout_ns);
		}
		return h;
	}
	if (sa_table_add(mon_hosts, addr, now, &v) != 0) {
		mon_stat_inc(MON_STAT_HOSTS_TABLE_FULL);
		return NULL;
	}
	h = v;
	h->first_seen_ns = now;
	h->last_seen_ns = now;
	for (r = 0; r < MON_ROLE_COUNT; r++)
		h->os[r] = MON_OS_NONE;
	mon_stat_inc(MON_STAT_HOSTS_CREATED);
	mon_addr_format(addr, text, sizeof(text));
	mon_event_count(MON_EVENT_NEW_HOST);
	sa_alert(ctx, pkt, MON_EVENT_NEW_HOST, "new-host %s", text);
	return h;
}

static const char *
mon_os_label(uint16_t id)
{
	return id < mon_os_db.n ? mon_os_db.sigs[id].label : MON_UNKNOWN;
}

void
mon_host_fp(struct sa_ctx *ctx, const struct sa_pkt *pkt,
	    const uint8_t addr[MON_ADDR_LEN], struct mon_host *h,
	    const struct mon_tcp_fp *fp)
{
	char text[MON_ADDR_STR_MAX], fps[MON_FP_STR_MAX];
	uint32_t hash = mon_tcpopt_hash(fp);
	uint8_t bit = (uint8_t)(1u << fp->role);
	uint16_t os, old;

	/* Hosts repeat their SYNs: a known fingerprint cannot change the
	 * guess, so the signature scan runs once per new fingerprint. */
	if ((h->fp_seen & bit) && h->fp_hash[fp->role] == hash) {
		mon_stat_inc(MON_STAT_FPS_REPEATED);
		return;
	}
	h->fp_seen |= bit;
	h->fp_hash[fp->role] = hash;
	os = mon_os_match(fp);
	if (os == MON_OS_NONE) {
		mon_stat_inc(MON_STAT_OS_UNKNOWN);
		return;
	}
	mon_stat_inc(MON_STAT_OS_MATCHED);
	old = h->os[fp->role];
	if (os == old)
		return;
	h->os[fp->role] = os;
	mon_addr_format(addr, text, sizeof(text));
	mon_tcpopt_format(fp, fps, sizeof(fps));
	mon_event_count(MON_EVENT_OS_CHANGE);
	sa_alert(ctx, pkt, MON_EVENT_OS_CHANGE, "os-change %s %s \"%s\" was "
		 "\"%s\" fp %s dist %u", text, mon_role_names[fp->role],
		 mon_os_label(os), mon_os_label(old), fps, fp->dist);
}

struct mon_service *
mon_service_seen(struct sa_ctx *ctx, const struct sa_pkt *pkt,
		 const struct mon_svc_key *key, uint64_t now)
{
	char text[MON_ADDR_STR_MAX];
	struct mon_service *s;
	void *v;

	s = sa_table_lookup(mon_services, key);
	if (s != NULL) {
		s->last_seen_ns = now;
		s->sightings++;
		sa_table_touch(mon_services, s, now,
			       mon_cfg.service_timeout_ns);
		return s;
	}
	if (sa_table_add(mon_services, key, now, &v) != 0) {
		mon_stat_inc(MON_STAT_SERVICES_TABLE_FULL);
		return NULL;
	}
	s = v;
	s->first_seen_ns = now;
	s->last_seen_ns = now;
	s->sightings = 1;
	mon_stat_inc(MON_STAT_SERVICES_CREATED);
	mon_addr_format(key->addr, text, sizeof(text));
	mon_event_count(MON_EVENT_NEW_SERVICE);
	sa_alert(ctx, pkt, MON_EVENT_NEW_SERVICE, "new-service %s %s/%u", text,
		 mon_proto_names[key->proto], mon_ntohs(key->port));
	return s;
}

void
mon_service_label(struct sa_ctx *ctx, const struct sa_pkt *pkt,
		  const struct mon_svc_key *key, struct mon_service *s,
		  const char *label)
{
	char text[MON_ADDR_STR_MAX], old[MON_LABEL_MAX];

	if (strncmp(s->label, label, sizeof(s->label)) == 0)
		return;
	memcpy(old, s->label, sizeof(old));
	snprintf(s->label, sizeof(s->label), "%s", label);
	mon_addr_format(key->addr, text, sizeof(text));
	mon_event_count(MON_EVENT_SERVICE_CHANGE);
	sa_alert(ctx, pkt, MON_EVENT_SERVICE_CHANGE, "service-change %s %s/%u "
		 "\"%s\" was \"%s\"", text, mon_proto_names[key->proto],
		 mon_ntohs(key->port), s->label,
		 old[0] != '\0' ? old : MON_UNKNOWN);
}

void
mon_flow_add(const struct mon_flow_key *key, uint64_t now)
{
	void *v;
	int rc = sa_table_add(mon_flows, key, now, &v);

	if (rc == 0)
		mon_stat_inc(MON_STAT_FLOWS_CREATED);
	else if (rc == -ENOSPC)
		mon_stat_inc(MON_STAT_FLOWS_TABLE_FULL);
}

bool
mon_flow_take(const struct mon_flow_key *key)
{
	return sa_table_del(mon_flows, key) == 0;
}
