/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LB_H
#define LB_H

/**
 * @file
 * lb: an L4 load balancer (destination NAT) with Maglev consistent
 * hashing, the middlebox registered as "lb". This is its contract with
 * operators, trace generators and the control interface:
 *
 *  - Sides. Clients are on the outside, backends on the inside. Two-armed,
 *    a packet's side is its RX arm; one-armed, a packet whose source lies
 *    in the [lb] inside prefixes comes from a backend, any other from a
 *    client (so clients must not live inside those prefixes). Client
 *    packets leave by the inside arm, backend replies by the outside arm.
 *  - Services. A service is VIP:PORT/PROTO (TCP or UDP, IPv4 or IPv6).
 *    A client packet whose destination address, port and protocol name no
 *    service is dropped as "unknown-vip"; other IP protocols and
 *    fragments are dropped as "proto-unsupported" and "fragment".
 *  - Scheduling. A client 5-tuple without a connection is hashed into its
 *    service's Maglev lookup table (Eisenbud et al., NSDI 2016; prime
 *    size maglev_size), which names the backend; any TCP segment may open
 *    a connection, not only a SYN, so a flow whose entry was lost lands on
 *    the same backend while the backend set is unchanged. Each backend
 *    owns table slots in proportion to its weight.
 *  - Connections. The connection table keys the client 5-tuple and keeps
 *    the backend: every later packet of the flow goes there even after
 *    the backend set changed. Client packets get their destination
 *    rewritten to the backend's address and port, backend replies get
 *    their source rewritten back to the VIP and service port, both with
 *    incremental checksum updates (RFC 1624); a reply without a
 *    connection is dropped as "no-connection". Idle connections expire in
 *    tick(): TCP "established" once both sides sent an ACK, "transitory"
 *    before that and after a RST or a FIN from each side; UDP has one
 *    timeout.
 *  - Backend states. "up" backends own Maglev slots. "drain" backends own
 *    none, so they get no new connections, but keep the ones they have.
 *    "down" backends own none either, and their connections are
 *    rescheduled: the next client packet of such a connection is hashed
 *    into the current table like a new flow and the connection moves to
 *    the backend it names (counted in conns_rescheduled; a TCP backend
 *    that did not hold the connection answers with a RST, so the client
 *    learns at once instead of timing out). A service without an "up"
 *    backend drops new flows as "no-backend".
 *  - Operator command (the descriptor's command: sa-ctl mb 'LINE',
 *    sa-runtime --commands): "backend SERVICE BACKEND up|drain|down"
 *    calls lb_backend_set_state(); the runtime replicates the line, and
 *    the standby runs it at the same input position.
 *
 * The Maglev tables and the service and backend configuration are written
 * only at init and by lb_backend_set_state(), never per packet; the
 * connection table and the counters are the per-packet state.
 *
 * Not implemented, by design of this contract: ICMP (echo to a VIP, and
 * errors about a connection such as "fragmentation needed", which would
 * need their inner header translated) is dropped as "proto-unsupported";
 * IP fragments are dropped as "fragment" (no reassembly); clients inside
 * the inside prefixes (hairpinning); health checks (states change only
 * through configuration and lb_backend_set_state()); source NAT towards
 * the backends (they must route replies back through the balancer).
 */

#include <stddef.h>
#include <stdint.h>

#include <sa/mbox.h>

/** Administrative state of a backend. */
enum lb_backend_state {
	LB_BACKEND_UP = 0,	/**< gets new connections */
	LB_BACKEND_DRAIN = 1,	/**< keeps its connections, gets no new */
	LB_BACKEND_DOWN = 2,	/**< its connections move elsewhere */
};

/** Maglev table entry of a slot no backend owns (no backend is up). */
#define LB_MAGLEV_NONE UINT16_MAX

/** The descriptor, registered at load time. */
extern const struct sa_middlebox lb_middlebox;

/**
 * Changes the state of one backend and rebuilds the Maglev table of its
 * service when the set of "up" backends changed. A control-path call for
 * the control interface: it takes time in the table size, so call it
 * between bursts, never from process() and never concurrently with it.
 * The standby must be given the same call, as the backend states are
 * configuration, not replicated per packet: through sa-runtime, use the
 * operator command (lb_cmd.c), which replication carries to it.
 *
 * @param service  "VIP:PORT/PROTO" as in the [lb] service entries, e.g.
 *                 "192.0.2.10:80/tcp" or "[2001:db8::10]:443/tcp".
 * @param backend  "ADDR[:PORT]" as in the backend entries, e.g.
 *                 "10.1.0.1:8080" or "[fd00::1]"; without a port the
 *                 service port.
 * @return 0; -EINVAL for malformed text or an unknown state; -ENOENT when
 *   no such service, or no such backend in it; -ENODEV when lb is not
 *   running.
 */
int lb_backend_set_state(const char *service, const char *backend,
			 enum lb_backend_state st);

/**
 * Read-only view of a service's Maglev lookup table, for inspection
 * ("show" commands, tests). Each of the *size entries is the position of
 * the owning backend among that service's backend entries, in
 * configuration order, or LB_MAGLEV_NONE.
 *
 * @return 0; -EINVAL for malformed text; -ENOENT for an unknown service;
 *   -ENODEV when lb is not running.
 */
int lb_maglev_table(const char *service, const uint16_t **table,
		    uint32_t *size);

#endif /* LB_H */
