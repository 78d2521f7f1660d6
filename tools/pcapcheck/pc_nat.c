/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The NAT check. Mappings are learned from the output itself: the first
 * translated packet of an inside flow fixes its external (address, port),
 * and every later packet of the flow, and every return packet to that
 * external side, must agree with it.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "pc_check.h"
#include "pc_frame.h"
#include "pc_map.h"
#include "pc_reader.h"

#define PC_WHY_MAX		160
#define PC_TUPLE_STR_MAX	96

struct pc_nat {
	struct pc_reader in, out;
	const struct tl_pool *pool;
	const struct sa_prefix_set *inside;
	struct pc_map fwd;	/**< inside 5-tuple -> external side */
	struct pc_map rev;	/**< external side + remote -> inside side */
	uint64_t in2out, out2in, other;
};

static int
pc_nat_fail(const struct pc_nat *c, const char *fmt, ...)
{
	va_list ap;

	printf("%s: packet %llu: ", c->out.path,
	       (unsigned long long)c->out.cur.index);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return -1;
}

static int
pc_is_inside(const struct pc_nat *c, uint32_t addr)
{
	return sa_prefix_set_match4(c->inside, htonl(addr));
}

/* Could @p out be @p in after translation? The remote end of a flow is
 * never rewritten, and traffic that is neither from inside nor to the
 * pool is not rewritten at all. */
static int
pc_nat_match(const struct pc_nat *c, const struct pc_frame *in,
	     const struct pc_frame *out)
{
	struct pc_tuple ti, to;

	if (!pc_same_but_nat(in, out))
		return 0;
	if (!pc_tuple_get(in, &ti) || !pc_tuple_get(out, &to))
		return in->p.l3 != SA_L3_IPV4 ||
		       memcmp(in->data + in->p.l3_off +
			      offsetof(struct sa_ipv4_hdr, src_addr),
			      out->data + out->p.l3_off +
			      offsetof(struct sa_ipv4_hdr, src_addr),
			      2 * sizeof(uint32_t)) == 0;
	if (pc_is_inside(c, ti.src))
		return to.dst == ti.dst && to.dport == ti.dport;
	if (tl_pool_has(c->pool, ti.dst))
		return to.src == ti.src && to.sport == ti.sport;
	return to.src == ti.src && to.sport == ti.sport &&
	       to.dst == ti.dst && to.dport == ti.dport;
}

static int
pc_nat_in2out(struct pc_nat *c, const struct pc_tuple *ti,
	      const struct pc_tuple *to)
{
	struct pc_key fk = pc_key_make(ti->proto, ti->src, ti->sport,
				       ti->dst, ti->dport);
	struct pc_key rk = pc_key_make(ti->proto, to->src, to->sport,
				       ti->dst, ti->dport);
	struct pc_val ext = { .addr = to->src, .port = to->sport };
	struct pc_val loc = { .addr = ti->src, .port = ti->sport };
	const struct pc_val *v;
	char t[PC_TUPLE_STR_MAX];

	if (!tl_pool_has(c->pool, to->src))
		return pc_nat_fail(c, "%s left with source %s, not in the "
				   "pool", pc_tuple_str(ti, t, sizeof(t)),
				   pc_ip4_str(to->src, 2));
	v = pc_map_find(&c->fwd, &fk);
	if (v != NULL) {
		if (v->addr == ext.addr && v->port == ext.port)
			return 0;
		return pc_nat_fail(c, "%s mapped to %s:%u, earlier to %s:%u",
				   pc_tuple_str(ti, t, sizeof(t)),
				   pc_ip4_str(ext.addr, 2), ext.port,
				   pc_ip4_str(v->addr, 3), v->port);
	}
	v = pc_map_find(&c->rev, &rk);
	if (v != NULL)
		return pc_nat_fail(c, "%s mapped to %s:%u, which inside "
				   "%s:%u already holds towards the same peer",
				   pc_tuple_str(ti, t, sizeof(t)),
				   pc_ip4_str(ext.addr, 2), ext.port,
				   pc_ip4_str(v->addr, 3), v->port);
	if (pc_map_add(&c->fwd, &fk, &ext) < 0 ||
	    pc_map_add(&c->rev, &rk, &loc) < 0)
		return pc_nat_fail(c, "out of memory");
	return 0;
}

static int
pc_nat_out2in(struct pc_nat *c, const struct pc_tuple *ti,
	      const struct pc_tuple *to)
{
	struct pc_key rk = pc_key_make(ti->proto, ti->dst, ti->dport,
				       ti->src, ti->sport);
	const struct pc_val *v = pc_map_find(&c->rev, &rk);
	char t[PC_TUPLE_STR_MAX];

	if (v == NULL)
		return pc_nat_fail(c, "return packet %s forwarded, but no "
				   "inside flow holds %s:%u towards its "
				   "source", pc_tuple_str(ti, t, sizeof(t)),
				   pc_ip4_str(ti->dst, 2), ti->dport);
	if (to->dst != v->addr || to->dport != v->port)
		return pc_nat_fail(c, "return packet %s delivered to %s:%u, "
				   "the mapping is for %s:%u",
				   pc_tuple_str(ti, t, sizeof(t)),
				   pc_ip4_str(to->dst, 2), to->dport,
				   pc_ip4_str(v->addr, 3), v->port);
	return 0;
}

/* Checks one output frame against the input frame it came from. */
static int
pc_nat_pair(struct pc_nat *c, const struct pc_frame *in,
	    const struct pc_frame *out)
{
	struct pc_tuple ti, to;

	if (!pc_tuple_get(in, &ti) || !pc_tuple_get(out, &to)) {
		c->other++;
		return 0;
	}
	if (pc_is_inside(c, ti.src)) {
		c->in2out++;
		return pc_nat_in2out(c, &ti, &to);
	}
	if (tl_pool_has(c->pool, ti.dst)) {
		c->out2in++;
		return pc_nat_out2in(c, &ti, &to);
	}
	c->other++;
	return 0;
}

static int
pc_nat_walk(struct pc_nat *c)
{
	char why[PC_WHY_MAX];
	uint64_t from;
	int rc;

	while ((rc = pc_reader_next(&c->out)) > 0) {
		if (c->out.cur.parse_rc != SA_DROP_NONE)
			return pc_nat_fail(c, "malformed frame forwarded (%s)",
				sa_drop_common_name(c->out.cur.parse_rc));
		if (pc_cksum_check(&c->out.cur, why, sizeof(why)) < 0)
			return pc_nat_fail(c, "%s", why);
		from = c->in.count + 1;
		while ((rc = pc_reader_next(&c->in)) > 0 &&
		       !pc_nat_match(c, &c->in.cur, &c->out.cur))
			;
		if (rc < 0)
			return -1;
		if (rc == 0)
			return pc_nat_fail(c, "comes from no frame of %s from "
					   "its packet %llu on",
					   c->in.path,
					   (unsigned long long)from);
		if (pc_nat_pair(c, &c->in.cur, &c->out.cur) < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	while ((rc = pc_reader_next(&c->in)) > 0)
		;
	return rc;
}

int
pc_check_nat(const char *in, const char *out, const struct tl_pool *pool,
	     const struct sa_prefix_set *inside)
{
	struct pc_nat c;
	int rc = 1;

	memset(&c, 0, sizeof(c));
	c.pool = pool;
	c.inside = inside;
	if (pc_map_init(&c.fwd) < 0 || pc_map_init(&c.rev) < 0) {
		printf("out of memory\n");
		goto err_map;
	}
	if (pc_reader_open(&c.in, in) < 0)
		goto err_map;
	if (pc_reader_open(&c.out, out) < 0)
		goto err_in;
	if (pc_nat_walk(&c) == 0) {
		printf("in_packets=%llu\nout_packets=%llu\nin2out=%llu\n"
		       "out2in=%llu\nother=%llu\nflows=%llu\n",
		       (unsigned long long)c.in.count,
		       (unsigned long long)c.out.count,
		       (unsigned long long)c.in2out,
		       (unsigned long long)c.out2in,
		       (unsigned long long)c.other,
		       (unsigned long long)c.fwd.n);
		rc = 0;
	}
	pc_reader_close(&c.out);
err_in:
	pc_reader_close(&c.in);
err_map:
	pc_map_fini(&c.rev);
	pc_map_fini(&c.fwd);
	return rc;
}
