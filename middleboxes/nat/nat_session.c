/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Sessions: two sa_tables over the same sessions. in2out, keyed on the
 * inside 5-tuple, holds the session itself and its idle deadline; out2in,
 * keyed on (proto, remote, external address, remote port, external port),
 * holds a pointer to it (table values never move) and never expires on
 * its own: it goes when its in2out entry expires. One deadline per
 * session, refreshed by traffic in either direction.
 */

#include <errno.h>
#include <stddef.h>

#include <sa/table.h>

#include "nat_priv.h"

struct sa_table *nat_in2out;
struct sa_table *nat_out2in;

void
nat_session_fini(void)
{
	sa_table_free(nat_out2in);
	sa_table_free(nat_in2out);
	nat_out2in = NULL;
	nat_in2out = NULL;
}

int
nat_session_init(struct sa_ctx *ctx)
{
	struct sa_table_params in2out = {
		.name = "nat-in2out",
		.key_size = sizeof(struct nat_key),
		.value_size = sizeof(struct nat_session),
		.capacity = nat_cfg.max_sessions,
		/* Replaced by the protocol's timeout at the first refresh. */
		.timeout_ns = nat_cfg.timeout_ns[NAT_TO_TCP_TRANSITORY],
	};
	struct sa_table_params out2in = {
		.name = "nat-out2in",
		.key_size = sizeof(struct nat_key),
		.value_size = sizeof(struct nat_session *),
		.capacity = nat_cfg.max_sessions,
		.timeout_ns = 0,
	};
	int rc;

	rc = sa_table_create(&in2out, &nat_in2out);
	if (rc == 0)
		rc = sa_table_create(&out2in, &nat_out2in);
	if (rc < 0) {
		sa_log(ctx, SA_LOG_ERR, "cannot create session tables "
		       "for %u sessions: %s", nat_cfg.max_sessions,
		       rc == -ENOMEM ? "out of state memory" : "bad size");
		nat_session_fini();
		return rc;
	}
	return 0;
}

struct nat_session *
nat_session_lookup_in2out(const struct nat_key *key)
{
	return sa_table_lookup(nat_in2out, key);
}

struct nat_session *
nat_session_lookup_out2in(const struct nat_key *key)
{
	struct nat_session **link = sa_table_lookup(nat_out2in, key);

	return link == NULL ? NULL : *link;
}

/* The out2in key of @p s: a reply from the remote to the external end. */
static void
nat_session_out2in_key(const struct nat_session *s, struct nat_key *k)
{
	*k = (struct nat_key){
		.src_addr = s->remote_addr,
		.dst_addr = s->ext_addr,
		.src_port = s->remote_port,
		.dst_port = s->ext_port,
		.proto = s->proto,
	};
}

unsigned int
nat_session_create(const struct nat_flow *flow, uint64_t now_ns,
		   struct nat_session **out)
{
	const struct nat_key *k = &flow->key;
	enum nat_proto nproto = (enum nat_proto)flow->nproto;
	struct nat_session *s;
	struct nat_key okey;
	uint32_t pool_idx;
	uint16_t port;
	void *v;

	/* Both tables hold one entry per session and have the same
	 * capacity, so checking one suffices. */
	if (sa_table_count(nat_in2out) >= nat_cfg.max_sessions)
		return NAT_DROP_SESSION_TABLE_FULL;
	pool_idx = nat_pool_index(k->src_addr);
	if (nat_pool_port_alloc(pool_idx, nproto, nat_bswap16(k->src_port),
				&port) < 0)
		return NAT_DROP_POOL_EXHAUSTED;
	if (sa_table_add(nat_in2out, k, now_ns, &v) != 0)
		goto err_port;
	s = v;
	s->in_addr = k->src_addr;
	s->remote_addr = k->dst_addr;
	s->ext_addr = nat_cfg.pool[pool_idx];
	s->in_port = k->src_port;
	s->remote_port = k->dst_port;
	s->ext_port = nat_bswap16(port);
	s->proto = k->proto;
	s->nproto = (uint8_t)nproto;
	s->pool_idx = (uint8_t)pool_idx;
	nat_session_out2in_key(s, &okey);
	if (sa_table_add(nat_out2in, &okey, now_ns, &v) != 0)
		goto err_session;
	*(struct nat_session **)v = s;
	nat_stat_add(NAT_STAT_SESSIONS_CREATED, 1);
	nat_stat_add((enum nat_stat)(NAT_STAT_TCP_SESSIONS + nproto), 1);
	*out = s;
	return 0;

err_session:
	sa_table_del_value(nat_in2out, s);
err_port:
	nat_pool_port_release(pool_idx, nproto, port);
	return NAT_DROP_SESSION_TABLE_FULL;
}

/*
 * RFC 5382 timeout class of a TCP session after a segment with @p flags.
 * Established once each side has acknowledged something (the handshake's
 * SYN-ACK and final ACK, or mid-stream traffic both ways after a restart);
 * transitory before that, and once FIN went both ways or a RST was seen.
 * A fresh SYN from inside on a closing session is a new connection
 * reusing the tuple, so tracking starts over.
 */
static uint64_t
nat_session_tcp(struct nat_session *s, enum sa_dir dir, uint8_t flags)
{
	const uint8_t closing = NAT_TCP_FIN_IN2OUT | NAT_TCP_FIN_OUT2IN;
	const uint8_t acked = NAT_TCP_ACK_IN2OUT | NAT_TCP_ACK_OUT2IN;
	uint8_t st = s->tcp_state;

	if (dir == SA_DIR_IN2OUT &&
	    (flags & (SA_TCP_SYN | SA_TCP_ACK)) == SA_TCP_SYN &&
	    ((st & NAT_TCP_RST) || (st & closing) == closing))
		st = 0;
	if (flags & SA_TCP_RST)
		st |= NAT_TCP_RST;
	if (flags & SA_TCP_FIN)
		st |= dir == SA_DIR_IN2OUT ? NAT_TCP_FIN_IN2OUT :
					     NAT_TCP_FIN_OUT2IN;
	if (flags & SA_TCP_ACK)
		st |= dir == SA_DIR_IN2OUT ? NAT_TCP_ACK_IN2OUT :
					     NAT_TCP_ACK_OUT2IN;
	s->tcp_state = st;
	if ((st & NAT_TCP_RST) || (st & closing) == closing ||
	    (st & acked) != acked)
		return nat_cfg.timeout_ns[NAT_TO_TCP_TRANSITORY];
	return nat_cfg.timeout_ns[NAT_TO_TCP_ESTABLISHED];
}

void
nat_session_refresh(struct nat_session *s, enum sa_dir dir, uint8_t tcp_flags,
		    uint32_t bytes, uint64_t now_ns)
{
	uint64_t timeout;

	s->packets[dir]++;
	s->bytes[dir] += bytes;
	switch (s->nproto) {
	case NAT_PROTO_TCP:
		timeout = nat_session_tcp(s, dir, tcp_flags);
		break;
	case NAT_PROTO_UDP:
		timeout = nat_cfg.timeout_ns[NAT_TO_UDP];
		break;
	default:
		timeout = nat_cfg.timeout_ns[NAT_TO_ICMP];
		break;
	}
	sa_table_touch(nat_in2out, s, now_ns, timeout);
}

/* Frees what an expiring session holds besides its in2out entry. */
static void
nat_session_expire_cb(void *arg, const void *key, void *value)
{
	const struct nat_session *s = value;
	struct nat_key okey;

	(void)arg;
	(void)key;
	nat_session_out2in_key(s, &okey);
	sa_table_del(nat_out2in, &okey);
	nat_pool_port_release(s->pool_idx, (enum nat_proto)s->nproto,
			      nat_bswap16(s->ext_port));
	nat_stat_add(NAT_STAT_SESSIONS_EXPIRED, 1);
}

uint32_t
nat_session_expire(uint64_t now_ns, uint32_t max_scan)
{
	return sa_table_expire(nat_in2out, now_ns, max_scan,
			       nat_session_expire_cb, NULL);
}

uint32_t
nat_session_count(void)
{
	return nat_in2out == NULL ? 0 : sa_table_count(nat_in2out);
}
