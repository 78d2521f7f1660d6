/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <check.h>

#include <sa/cksum.h>
#include <sa/headers.h>
#include <sa/mbox.h>

#include "step_runner.h"

#define SR_WHAT_MAX		128
#define SR_LOC_MAX		32
#define SR_ARP_FRAME_LEN	60
#define SR_IPPROTO_GRE		47

void
sr_expect_drop(const char *what, const struct sa_shim_out *out,
	       const char *reason)
{
	ck_assert_msg(out->n_verdicts == 1, "%s: %u verdicts", what,
		      out->n_verdicts);
	ck_assert_msg(out->verdict == SA_SHIM_DROP &&
		      strcmp(sa_shim_reason_name(out->reason), reason) == 0,
		      "%s: verdict %d reason %s, expected drop %s", what,
		      out->verdict, sa_shim_reason_name(out->reason), reason);
}

void
sr_expect_emit(const char *what, const struct sa_shim_out *out,
	       unsigned int arm)
{
	ck_assert_msg(out->n_verdicts == 1 && out->verdict == SA_SHIM_EMIT,
		      "%s: %u verdicts, verdict %d (%s), expected emit", what,
		      out->n_verdicts, out->verdict,
		      sa_shim_reason_name(out->reason));
	ck_assert_msg(arm == SA_ARM_ANY || out->arm == arm,
		      "%s: emitted on arm %u, expected %u", what, out->arm,
		      arm);
}

void
sr_expect_frame(const char *what, const struct sa_shim_out *out,
		const uint8_t *exp, size_t len)
{
	size_t i;

	ck_assert_msg(out->len == len, "%s: length %u, expected %zu", what,
		      out->len, len);
	for (i = 0; i < len; i++)
		ck_assert_msg(out->frame[i] == exp[i], "%s: byte %zu is "
			      "0x%02x, expected 0x%02x", what, i, out->frame[i],
			      exp[i]);
}

void
sr_expect_alerts(const char *what, const struct sa_shim_out *out,
		 unsigned int n, uint32_t id, const char *text)
{
	ck_assert_msg(out->n_alerts == n, "%s: %u alerts, expected %u "
		      "(last: %u '%s')", what, out->n_alerts, n, out->alert_id,
		      out->alert);
	if (n == 0)
		return;
	ck_assert_msg(out->alert_id == id, "%s: alert id %u, expected %u "
		      "('%s')", what, out->alert_id, id, out->alert);
	ck_assert_msg(text == NULL || strstr(out->alert, text) != NULL,
		      "%s: alert '%s' lacks '%s'", what, out->alert, text);
}

void
sr_expect_stat(const char *what, const char *name, uint64_t value)
{
	uint64_t v = sa_shim_stat(name);

	ck_assert_msg(v == value, "%s: %s is %llu, expected %llu", what, name,
		      (unsigned long long)v, (unsigned long long)value);
}

void
sr_expect_config_error(unsigned int i, const char *section, unsigned int line,
		       const char *text)
{
	const char *log = sa_shim_last_log();
	char loc[SR_LOC_MAX];

	snprintf(loc, sizeof(loc), ":%u: [%s]", line, section);
	ck_assert_msg(strstr(log, loc) != NULL && strstr(log, text) != NULL,
		      "config %u: '%s' lacks '%s' or '%s'", i, log, loc, text);
}

void
sr_expect_init(const char *name, int rc)
{
	ck_assert_msg(rc == 0, "%s: init: %s", name, sa_shim_last_log());
}

static unsigned int
emit_arm(const struct sr_ops *ops, const struct sr_step *st)
{
	switch (ops->arm_check) {
	case SR_ARM_STEP:
		return st->out_arm;
	case SR_ARM_ACROSS:
		return st->arm == SA_ARM_OUTSIDE ? SA_ARM_INSIDE :
						   SA_ARM_OUTSIDE;
	default:
		return SA_ARM_ANY;
	}
}

static int
xlate_none(const struct sr_xlate *x)
{
	return x->src == 0 && x->dst == 0 && x->sport == 0 && x->dport == 0;
}

void
sr_run_packet(const struct sr_ops *ops, const char *what,
	      const struct sr_step *st)
{
	uint8_t in[SR_FRAME_MAX], exp[SR_FRAME_MAX];
	struct sr_frame ef = st->f;
	struct sa_shim_out out;
	size_t len, elen;

	len = ops->build(&st->f, in);
	sa_shim_process(in, (uint32_t)len, st->arm, st->t, &out);
	if (st->drop != NULL) {
		sr_expect_drop(what, &out, st->drop);
	} else {
		sr_expect_emit(what, &out, emit_arm(ops, st));
		if (xlate_none(&st->x)) {
			sr_expect_frame(what, &out, in, len);
		} else {
			ef.src = st->x.src ? st->x.src : ef.src;
			ef.dst = st->x.dst ? st->x.dst : ef.dst;
			ef.sport = st->x.sport ? st->x.sport : ef.sport;
			ef.dport = st->x.dport ? st->x.dport : ef.dport;
			elen = ops->build(&ef, exp);
			sr_expect_frame(what, &out, exp, elen);
		}
	}
	sr_expect_alerts(what, &out, st->alerts, st->alert_id, st->alert);
}

void
sr_run_steps(const struct sr_ops *ops, const char *name,
	     const struct sr_step *steps, unsigned int max)
{
	char what[SR_WHAT_MAX];
	unsigned int i;

	for (i = 0; i < max && steps[i].op != SR_END; i++) {
		snprintf(what, sizeof(what), "%s step %u", name, i + 1);
		switch (steps[i].op) {
		case SR_PKT:
			sr_run_packet(ops, what, &steps[i]);
			break;
		case SR_TICK:
			sa_shim_tick(steps[i].t);
			break;
		default:
			sr_expect_stat(what, steps[i].stat, steps[i].value);
			break;
		}
	}
}

/* ---- frames ---------------------------------------------------------- */

size_t
sr_build_arp(uint8_t *buf)
{
	size_t i;

	memset(buf, 0xff, SA_ETHER_ADDR_LEN);
	for (i = SA_ETHER_ADDR_LEN; i < SR_ARP_FRAME_LEN; i++)
		buf[i] = (uint8_t)i;
	buf[12] = SA_ETHER_TYPE_ARP >> 8;
	buf[13] = SA_ETHER_TYPE_ARP & 0xff;
	return SR_ARP_FRAME_LEN;
}

void
sr_patch_ip4(uint8_t *buf, enum sr_patch p)
{
	struct sa_ipv4_hdr *ip = (struct sa_ipv4_hdr *)(buf + SR_ETH_LEN);

	switch (p) {
	case SR_PATCH_UDP_NO_CKSUM:
		((struct sa_udp_hdr *)(ip + 1))->dgram_cksum = 0;
		return;
	case SR_PATCH_GRE:
		ip->next_proto_id = SR_IPPROTO_GRE;
		break;
	case SR_PATCH_FRAG_FIRST:
		ip->fragment_offset = htons(SA_IP4_FLAG_MF);
		break;
	case SR_PATCH_FRAG_LATER:
		ip->fragment_offset = htons(SR_FRAG_LATER_UNITS);
		break;
	default:
		return;
	}
	ip->hdr_checksum = sa_cksum_ipv4_hdr(ip);
}

void
sr_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

uint32_t
sr_xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

uint32_t
sr_corrupt(uint8_t *buf, const uint8_t *base, size_t n, unsigned int flips,
	   uint32_t *rng)
{
	unsigned int i;

	memcpy(buf, base, n);
	for (i = 0; i < flips; i++)
		buf[sr_xorshift(rng) % n] = (uint8_t)sr_xorshift(rng);
	return (uint32_t)(sr_xorshift(rng) % (n + 1));
}

#define MF_IP4		SR_ETH_LEN
#define MF_IP4_LEN	(SR_ETH_LEN + 2)
#define MF_IP4_L4	(SR_ETH_LEN + 20)
#define MF_IP6_NH	(SR_ETH_LEN + 6)
#define MF_IP6_PLEN	(SR_ETH_LEN + 4)
#define MF_VLAN1_TYPE	(SR_ETH_LEN + 2)
#define MF_VLAN2_TYPE	(SR_ETH_LEN + 6)

const struct sr_malformed sr_malformed[] = {
	{ "runt", SR_BASE_UDP4, SR_MUT_TRUNC, 0, 10, 0, 0, SA_DROP_L2_TRUNC },
	{ "vlan cut", SR_BASE_TCP4_VLAN, SR_MUT_TRUNC, 0, SR_ETH_LEN + 2, 0, 0,
	  SA_DROP_VLAN_TRUNC },
	{ "three tags", SR_BASE_TCP4_VLAN, SR_MUT_SET16, MF_VLAN1_TYPE,
	  SA_ETHER_TYPE_VLAN, MF_VLAN2_TYPE, SA_ETHER_TYPE_VLAN,
	  SA_DROP_VLAN_TOO_MANY },
	{ "ipv4 cut", SR_BASE_UDP4, SR_MUT_TRUNC, 0, MF_IP4 + 10, 0, 0,
	  SA_DROP_IP4_TRUNC },
	{ "ipv4 version", SR_BASE_UDP4, SR_MUT_SET8, MF_IP4, 0x55, 0, 0,
	  SA_DROP_IP4_BAD_VERSION },
	{ "ipv4 ihl", SR_BASE_UDP4, SR_MUT_SET8, MF_IP4, 0x44, 0, 0,
	  SA_DROP_IP4_BAD_IHL },
	{ "ipv4 length short", SR_BASE_UDP4, SR_MUT_SET16, MF_IP4_LEN, 10, 0, 0,
	  SA_DROP_IP4_BAD_LEN },
	{ "ipv4 length long", SR_BASE_UDP4, SR_MUT_SET16, MF_IP4_LEN, 1000, 0,
	  0, SA_DROP_IP4_TRUNC },
	{ "tcp cut", SR_BASE_TCP4, SR_MUT_SET16, MF_IP4_LEN, 30, 0, 0,
	  SA_DROP_L4_TRUNC },
	{ "tcp doff", SR_BASE_TCP4, SR_MUT_SET8, MF_IP4_L4 + 12, 0x40, 0, 0,
	  SA_DROP_TCP_BAD_DOFF },
	{ "udp length short", SR_BASE_UDP4, SR_MUT_SET16, MF_IP4_L4 + 4, 4, 0,
	  0, SA_DROP_UDP_BAD_LEN },
	{ "udp length long", SR_BASE_UDP4, SR_MUT_SET16, MF_IP4_L4 + 4, 200, 0,
	  0, SA_DROP_UDP_BAD_LEN },
	{ "ipv6 cut", SR_BASE_UDP6, SR_MUT_TRUNC, 0, SR_ETH_LEN + 30, 0, 0,
	  SA_DROP_IP6_TRUNC },
	{ "ipv6 version", SR_BASE_UDP6, SR_MUT_SET8, SR_ETH_LEN, 0x40, 0, 0,
	  SA_DROP_IP6_BAD_VERSION },
	{ "ipv6 length", SR_BASE_UDP6, SR_MUT_SET16, MF_IP6_PLEN, 0, 0, 0,
	  SA_DROP_IP6_BAD_LEN },
	/* the UDP header read as hop-by-hop options claims 704 bytes */
	{ "ipv6 ext cut", SR_BASE_UDP6, SR_MUT_SET8, MF_IP6_NH,
	  SA_IPPROTO_HOPOPTS, 0, 0, SA_DROP_IP6_EXT_TRUNC },
};

const unsigned int sr_n_malformed =
	sizeof(sr_malformed) / sizeof(sr_malformed[0]);

void
sr_expect_malformed(const struct sr_malformed *m, uint8_t *buf, size_t len,
		    uint64_t now)
{
	static const uint8_t arms[] = { SA_ARM_INSIDE, SA_ARM_OUTSIDE,
					SA_ARM_ANY };
	struct sa_shim_out out;
	unsigned int a;

	if (m->op == SR_MUT_TRUNC)
		len = m->val;
	else if (m->op == SR_MUT_SET8)
		buf[m->off] = (uint8_t)m->val;
	else
		sr_put16(buf + m->off, m->val);
	if (m->off2 != 0)
		sr_put16(buf + m->off2, m->val2);
	for (a = 0; a < sizeof(arms); a++) {
		sa_shim_process(buf, (uint32_t)len, arms[a], now, &out);
		ck_assert_uint_eq(out.n_verdicts, 1);
		ck_assert_msg(out.verdict == SA_SHIM_DROP &&
			      out.reason == m->reason,
			      "%s: verdict %d reason %s, expected %s", m->name,
			      out.verdict, sa_shim_reason_name(out.reason),
			      sa_shim_reason_name(m->reason));
	}
}
