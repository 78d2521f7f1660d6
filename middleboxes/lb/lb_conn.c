/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Connections: two sa_tables over the same connections. lb_conns, keyed
 * on the client 5-tuple (client -> VIP), holds the connection itself and
 * its idle deadline; lb_replies, keyed on the reply 5-tuple (backend ->
 * client), holds a pointer to it (table values never move) and never
 * expires on its own: it goes when its connection expires or moves. One
 * deadline per connection, refreshed by traffic in either direction.
 *
 * A backend address and port serves one service only (lb_config.c checks
 * it), so a reply 5-tuple names exactly one connection and an add to
 * lb_replies never meets an existing key.
 */

#include <errno.h>
#include <string.h>

#include "lb_priv.h"

struct sa_table *lb_conns;
struct sa_table *lb_replies;

void
lb_conn_fini(void)
{
	sa_table_free(lb_replies);
	sa_table_free(lb_conns);
	lb_replies = NULL;
	lb_conns = NULL;
}

int
lb_conn_init(struct sa_ctx *ctx)
{
	struct sa_table_params conns = {
		.name = "lb-conns",
		.key_size = sizeof(struct lb_key),
		.value_size = sizeof(struct lb_conn),
		.capacity = lb_cfg.max_conns,
		/* Replaced by the protocol's timeout at the first refresh. */
		.timeout_ns = lb_cfg.timeout_ns[LB_TO_TCP_TRANSITORY],
	};
	struct sa_table_params replies = {
		.name = "lb-replies",
		.key_size = sizeof(struct lb_key),
		.value_size = sizeof(struct lb_conn *),
		.capacity = lb_cfg.max_conns,
		.timeout_ns = 0,
	};
	int rc;

	rc = sa_table_create(&conns, &lb_conns);
	if (rc == 0)
		rc = sa_table_create(&replies, &lb_replies);
	if (rc < 0) {
		sa_log(ctx, SA_LOG_ERR, "cannot create connection tables for "
		       "%u connections: %s", lb_cfg.max_conns,
		       rc == -ENOMEM ? "out of state memory" : "bad size");
		lb_conn_fini();
		return rc;
	}
	return 0;
}

/* The reply key of the connection with client key @p k on backend @p be:
 * the backend answering the client. */
static void
lb_conn_reply_key(const struct lb_key *k, const struct lb_backend *be,
		  struct lb_key *r)
{
	const struct lb_rewrite *id = &be->rw[LB_SIDE_CLIENT];

	*r = (struct lb_key){
		.sport = id->port,
		.dport = k->sport,
		.proto = k->proto,
		.family = k->family,
	};
	memcpy(r->src, id->addr, LB_ADDR_LEN);
	memcpy(r->dst, k->src, LB_ADDR_LEN);
}

/* Puts connection @p c (client key @p k) on backend @p b. */
static unsigned int
lb_conn_attach(struct lb_conn *c, const struct lb_key *k, uint16_t b,
	       uint64_t now_ns)
{
	struct lb_key r;
	void *v;

	lb_conn_reply_key(k, &lb_cfg.backends[b], &r);
	if (sa_table_add(lb_replies, &r, now_ns, &v) != 0)
		return LB_DROP_CONN_TABLE_FULL;
	*(struct lb_conn **)v = c;
	c->backend = b;
	c->tcp_state = 0;
	c->proto = k->proto;
	lb_be_stats[b].conns++;
	lb_be_stats[b].active++;
	return 0;
}

/* Takes connection @p c (client key @p k) off its backend. */
static void
lb_conn_detach(const struct lb_conn *c, const struct lb_key *k)
{
	struct lb_key r;

	lb_conn_reply_key(k, &lb_cfg.backends[c->backend], &r);
	sa_table_del(lb_replies, &r);
	lb_be_stats[c->backend].active--;
}

/*
 * A new connection of service @p svc for the client flow @p f, on the
 * backend the Maglev table names for its hash.
 * @return 0 with *out set, or LB_DROP_NO_BACKEND / LB_DROP_CONN_TABLE_FULL.
 */
unsigned int
lb_conn_create(const struct lb_flow *f, uint32_t svc, uint64_t now_ns,
	       struct lb_conn **out)
{
	uint16_t b = lb_maglev_pick(svc, lb_hash_key(&f->key));
	struct lb_conn *c;
	void *v;

	if (b == LB_MAGLEV_NONE)
		return LB_DROP_NO_BACKEND;
	/* The caller found no entry, so only a full table fails. */
	if (sa_table_add(lb_conns, &f->key, now_ns, &v) != 0)
		return LB_DROP_CONN_TABLE_FULL;
	c = v;
	if (lb_conn_attach(c, &f->key, b, now_ns) != 0) {
		sa_table_del_value(lb_conns, c);
		return LB_DROP_CONN_TABLE_FULL;
	}
	lb_stat_add(LB_STAT_CONNS_CREATED, 1);
	lb_stat_add(f->key.proto == SA_IPPROTO_TCP ? LB_STAT_TCP_CONNS :
						     LB_STAT_UDP_CONNS, 1);
	*out = c;
	return 0;
}

/*
 * Moves connection @p c to the backend the Maglev table names now, as if
 * its flow were new. When no backend is up the connection is closed.
 * @return 0, or the reason to drop the packet.
 */
unsigned int
lb_conn_reschedule(struct lb_conn *c, uint64_t now_ns)
{
	const struct lb_key *k = sa_table_key(lb_conns, c);
	uint32_t svc = lb_cfg.backends[c->backend].service;
	uint16_t b = lb_maglev_pick(svc, lb_hash_key(k));
	unsigned int reason = LB_DROP_NO_BACKEND;

	lb_conn_detach(c, k);
	if (b != LB_MAGLEV_NONE) {
		reason = lb_conn_attach(c, k, b, now_ns);
		if (reason == 0) {
			lb_stat_add(LB_STAT_CONNS_RESCHEDULED, 1);
			return 0;
		}
	}
	sa_table_del_value(lb_conns, c);
	return reason;
}

/*
 * Timeout class of a TCP connection after a segment with @p flags from
 * @p side. Established once each side has acknowledged something (the
 * handshake's SYN-ACK and final ACK, or mid-stream traffic both ways);
 * transitory before that, and once FIN went both ways or a RST was seen.
 * A fresh SYN from the client on a finished connection is a new
 * connection reusing the tuple, so tracking starts over.
 */
static uint64_t
lb_conn_tcp(struct lb_conn *c, enum lb_side side, uint8_t flags)
{
	const uint8_t acked = LB_TCP_ACK_CLIENT | LB_TCP_ACK_BACKEND;
	uint8_t st = c->tcp_state;

	if (side == LB_SIDE_CLIENT && lb_conn_finished(c) &&
	    (flags & (SA_TCP_SYN | SA_TCP_ACK)) == SA_TCP_SYN)
		st = 0;
	if (flags & SA_TCP_RST)
		st |= LB_TCP_RST;
	if (flags & SA_TCP_FIN)
		st |= side == LB_SIDE_CLIENT ? LB_TCP_FIN_CLIENT :
					       LB_TCP_FIN_BACKEND;
	if (flags & SA_TCP_ACK)
		st |= side == LB_SIDE_CLIENT ? LB_TCP_ACK_CLIENT :
					       LB_TCP_ACK_BACKEND;
	c->tcp_state = st;
	if (lb_conn_finished(c) || (st & acked) != acked)
		return lb_cfg.timeout_ns[LB_TO_TCP_TRANSITORY];
	return lb_cfg.timeout_ns[LB_TO_TCP_ESTABLISHED];
}

void
lb_conn_refresh(struct lb_conn *c, enum lb_side side, uint8_t tcp_flags,
		uint32_t bytes, uint64_t now_ns)
{
	struct lb_backend_stats *bs = &lb_be_stats[c->backend];
	uint64_t timeout;

	bs->packets++;
	bs->bytes += bytes;
	if (c->proto == SA_IPPROTO_TCP)
		timeout = lb_conn_tcp(c, side, tcp_flags);
	else
		timeout = lb_cfg.timeout_ns[LB_TO_UDP];
	sa_table_touch(lb_conns, c, now_ns, timeout);
}

/* Frees what an expiring connection holds besides its lb_conns entry. */
static void
lb_conn_expire_cb(void *arg, const void *key, void *value)
{
	(void)arg;
	lb_conn_detach(value, key);
	lb_stat_add(LB_STAT_CONNS_EXPIRED, 1);
}

uint32_t
lb_conn_expire(uint64_t now_ns, uint32_t max_scan)
{
	if (lb_conns == NULL)
		return 0;
	return sa_table_expire(lb_conns, now_ns, max_scan, lb_conn_expire_cb,
			       NULL);
}

uint32_t
lb_conn_count(void)
{
	return lb_conns == NULL ? 0 : sa_table_count(lb_conns);
}
