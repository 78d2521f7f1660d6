/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Drawing the flow table: when each flow starts, between whom, over what.
 * Everything random here comes from one xoshiro stream in flow order,
 * then each flow gets a stream of its own for its packets.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/headers.h>

#include "tg_model_int.h"

#define TG_US_PER_S		1e6
#define TG_ETH_LEN		14
#define TG_VLAN_LEN		4
#define TG_IPV4_LEN		20
#define TG_IPV6_LEN		40
#define TG_TCP_LEN		20
/* Server popularity: index = servers * u^k; k > 1 favours a few. */
#define TG_SERVER_SKEW		3.0
/* Less room than this in a --pkt-size frame is left as padding: a few
 * stray bytes would only make dissectors complain. */
#define TG_FIXED_PAYLOAD_MIN	32
#define TG_ADDR6_LEN		16
#define TG_ALPHABET		26
#define TG_INSIDE6_PREFIX	0xfd	/* fd00::/64, unique local */
#define TG_OUTSIDE6_PREFIX_HI	0x20	/* 2001:db8::/32, documentation */
#define TG_OUTSIDE6_PREFIX_B1	0x01
#define TG_OUTSIDE6_PREFIX_B2	0x0d
#define TG_OUTSIDE6_PREFIX_B3	0xb8

uint32_t
tg_model_host4(const struct tg_opts *o, uint32_t host)
{
	/* +1: the network address is no host. */
	return o->inside4 + 1 + host;
}

uint32_t
tg_model_server4(uint32_t server)
{
	return TG_SERVER_NET4 + 1 + server;
}

static void
tg_put_index(uint8_t out[16], uint32_t idx)
{
	/* Interface id ::idx+1, like the IPv4 host numbering. */
	idx++;
	out[12] = (uint8_t)(idx >> 24);
	out[13] = (uint8_t)(idx >> 16);
	out[14] = (uint8_t)(idx >> 8);
	out[15] = (uint8_t)idx;
}

void
tg_model_host6(uint32_t host, uint8_t out[16])
{
	memset(out, 0, TG_ADDR6_LEN);
	out[0] = TG_INSIDE6_PREFIX;
	tg_put_index(out, host);
}

void
tg_model_server6(uint32_t server, uint8_t out[16])
{
	memset(out, 0, TG_ADDR6_LEN);
	out[0] = TG_OUTSIDE6_PREFIX_HI;
	out[1] = TG_OUTSIDE6_PREFIX_B1;
	out[2] = TG_OUTSIDE6_PREFIX_B2;
	out[3] = TG_OUTSIDE6_PREFIX_B3;
	tg_put_index(out, server);
}

uint32_t
tg_model_hdr_max(const struct tg_opts *o)
{
	return TG_ETH_LEN + (o->vlan_pct > 0 ? TG_VLAN_LEN : 0) +
	       (o->ipv6_pct > 0 ? TG_IPV6_LEN : TG_IPV4_LEN) + TG_TCP_LEN;
}

uint32_t
tg_model_fixed_payload(const struct tg_opts *o, const struct tg_flow *f,
		       uint32_t l4_hdr_len)
{
	uint32_t hdrs = TG_ETH_LEN + f->vlan * TG_VLAN_LEN +
			(f->family == 6 ? TG_IPV6_LEN : TG_IPV4_LEN) +
			l4_hdr_len;
	uint32_t room = o->pkt_size - TG_FCS_LEN;

	return room >= hdrs + TG_FIXED_PAYLOAD_MIN ? room - hdrs : 0;
}

static enum tg_port_proto
tg_port_proto_of(uint8_t kind)
{
	if (kind == TG_KIND_TCP)
		return TG_PORT_TCP;
	if (kind == TG_KIND_UDP)
		return TG_PORT_UDP;
	return TG_PORT_ICMP;
}

static int
tg_flow_port(struct tg_model *m, struct tg_flow *f)
{
	static const char *const proto_name[] = { "TCP", "UDP", "ICMP" };
	const struct tg_opts *o = m->o;
	enum tg_port_proto pp = tg_port_proto_of(f->kind);
	uint32_t addr = tg_model_host4(o, f->host);
	uint64_t group;
	struct in_addr in;
	char text[INET_ADDRSTRLEN];

	/* IPv4 flows through a NAT share their pool address's ports. */
	if (f->family == 4 && o->pool.n > 0)
		group = addr % o->pool.n;
	else
		group = o->pool.n + f->host;
	if (tg_ports_alloc(&m->ports, group, pp, &f->sport) == 0)
		return 0;

	if (group < o->pool.n)
		addr = o->pool.addr[group];
	in.s_addr = htonl(addr);
	inet_ntop(AF_INET, &in, text, sizeof(text));
	fprintf(stderr, "sa-tracegen: --flows %llu: more than %u %s flows "
		"would share %s %s; port preservation needs one port each: "
		"use fewer --flows or more %s\n",
		(unsigned long long)o->flows, TG_PORT_RANGE, proto_name[pp],
		group < o->pool.n ? "NAT pool address" : "inside host",
		f->family == 4 ? text : "(IPv6)",
		group < o->pool.n ? "--nat-pool addresses" : "--hosts");
	return -1;
}

static uint8_t
tg_draw_kind(const struct tg_opts *o, uint64_t bits)
{
	double u = tg_unit(bits) * 100.0;

	if (u < o->udp_pct)
		return TG_KIND_UDP;
	u -= o->udp_pct;
	if (u < o->icmp_pct)
		return TG_KIND_ICMP;
	u -= o->icmp_pct;
	if (u < o->unsolicited_pct)
		return TG_KIND_UNSOLICITED;
	return TG_KIND_TCP;
}

static int
tg_flow_draw(struct tg_model *m, struct tg_rng *r, struct tg_flow *f,
	     uint64_t start_us)
{
	const struct tg_opts *o = m->o;
	double skew = tg_unit(tg_rng_next(r));

	f->next_us = start_us;
	f->rng = tg_rng_next(r);
	f->kind = tg_draw_kind(o, tg_rng_next(r));
	f->family = tg_chance(tg_rng_next(r), o->ipv6_pct) ? 6 : 4;
	f->vlan = tg_chance(tg_rng_next(r), o->vlan_pct) ? 1 : 0;
	f->host = (uint32_t)tg_below(tg_rng_next(r), o->hosts);
	f->server = (uint32_t)(o->servers * pow(skew, TG_SERVER_SKEW));
	if (f->server >= o->servers)
		f->server = (uint32_t)o->servers - 1;
	f->rtt_us = (uint32_t)tg_log_uniform(tg_frand(f), TG_RTT_MIN_US,
					     TG_RTT_MAX_US);
	f->gap_us = (uint32_t)tg_log_uniform(tg_frand(f), TG_GAP_MIN_US,
					     TG_GAP_MAX_US);
	f->ip_id[TG_DIR_IN2OUT] = (uint16_t)tg_frand(f);
	f->ip_id[TG_DIR_OUT2IN] = (uint16_t)tg_frand(f);

	m->kind_count[f->kind]++;
	m->v6_flows += f->family == 6;
	m->vlan_flows += f->vlan;
	if (f->kind != TG_KIND_UNSOLICITED && tg_flow_port(m, f) < 0)
		return -1;
	tg_flow_setup(m, f);
	return 0;
}

int
tg_model_init(struct tg_model *m, const struct tg_opts *o)
{
	double mean_gap_us = o->duration * TG_US_PER_S / (double)o->flows;
	double t = 0;
	struct tg_rng r;
	uint64_t i;

	memset(m, 0, sizeof(*m));
	m->o = o;
	for (i = 0; i < TG_PATTERN_MAX; i++)
		m->pattern[i] = (uint8_t)('a' + i % TG_ALPHABET);
	m->n_flows = o->flows;
	m->flows = calloc(o->flows, sizeof(*m->flows));
	if (m->flows == NULL ||
	    tg_ports_init(&m->ports, o->pool.n + o->hosts, o->seed) < 0) {
		fprintf(stderr, "sa-tracegen: out of memory for %llu flows\n",
			(unsigned long long)o->flows);
		tg_model_fini(m);
		return -1;
	}
	tg_rng_seed(&r, o->seed);
	for (i = 0; i < o->flows; i++) {
		/* Poisson arrivals: exponential gaps between flow starts. */
		t += tg_exponential(tg_rng_next(&r), mean_gap_us);
		if (tg_flow_draw(m, &r, &m->flows[i],
				 TG_EPOCH_US + (uint64_t)t) < 0) {
			tg_model_fini(m);
			return -1;
		}
	}
	return 0;
}

void
tg_model_fini(struct tg_model *m)
{
	free(m->flows);
	m->flows = NULL;
	tg_ports_fini(&m->ports);
}
