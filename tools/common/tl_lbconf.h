/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TL_LBCONF_H
#define TL_LBCONF_H

/**
 * @file
 * The [lb] section of an lb configuration as the tools read it (the
 * checker's lb check, the generator's lb profile): inside prefixes,
 * services, and backends with their states. Each tool reads the file its
 * own way and hands every KEY = VALUE of [lb] to tl_lbconf_entry(), in
 * two passes (backends may come before their service). Endpoints follow
 * the grammar of configs/lb.ini: A.B.C.D[:PORT][/PROTO] and
 * [IPV6][:PORT][/PROTO]. The lb itself validates the rest.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sa/prefix.h>

#define TL_LB_SERVICES_MAX	64
#define TL_LB_BACKENDS_MAX	1024
#define TL_LB_ADDR_LEN		16
/** Passes over the entries: services and inside, then backends. */
#define TL_LBCONF_PASSES	2

/** An address (network order, IPv4 in the first 4 bytes), port and
 *  protocol (0 when not given). */
struct tl_lb_ep {
	uint8_t addr[TL_LB_ADDR_LEN];
	uint16_t port;		/**< host order */
	uint8_t family;		/**< 4 or 6 */
	uint8_t proto;		/**< SA_IPPROTO_TCP/UDP */
};

/** Backend states, as lb numbers them (enum lb_backend_state). */
enum tl_lb_state {
	TL_LB_UP = 0,		/**< may get new connections */
	TL_LB_DRAIN = 1,	/**< keeps its connections, gets no new */
	TL_LB_DOWN = 2,		/**< its connections move elsewhere */
};

struct tl_lb_backend {
	struct tl_lb_ep ep;	/**< as it sends replies */
	uint16_t service;
	uint8_t up;		/**< state up: may get new connections */
	uint8_t state;		/**< enum tl_lb_state */
};

struct tl_lbconf {
	struct sa_prefix_set inside;
	uint32_t n_svc;
	uint32_t n_be;
	struct tl_lb_ep svc[TL_LB_SERVICES_MAX];
	struct tl_lb_backend be[TL_LB_BACKENDS_MAX];	/**< entry order */
};

/** tl_lbconf_entry(): a backend with an unknown state=, taken as up. */
#define TL_LBCONF_BAD_STATE	(-2)

/**
 * One KEY = VALUE of [lb] in pass @p pass (0: "service" and "inside", 1:
 * "backend"); other keys are the lb's business.
 * @return 0; -1 when the value is not understood or a table is full;
 *   TL_LBCONF_BAD_STATE when only a backend's state= is (the backend is
 *   added, up: a caller that runs the lb lets it say why it refuses).
 */
int tl_lbconf_entry(struct tl_lbconf *c, const char *key, const char *val,
		    int pass);

/** The endpoint in the @p n bytes at @p t (no blanks). @return 0 or -1. */
int tl_lb_ep_parse(const char *t, size_t n, struct tl_lb_ep *e);

/** "up", "drain" or "down" as enum tl_lb_state, or -1. */
int tl_lb_state_parse(const char *w);

/** Index of the service @p e names (address, port, protocol), or -1. */
int tl_lbconf_service(const struct tl_lbconf *c, const struct tl_lb_ep *e);

/** Index of the backend at address, port and protocol @p e, or -1. */
int tl_lbconf_backend(const struct tl_lbconf *c, const struct tl_lb_ep *e);

/** The backend SERVICE BACKEND names, as lb's command does (its port
 *  defaults to the service's), or -1. */
int tl_lbconf_named(const struct tl_lbconf *c, const char *svc_text,
		    const char *be_text);

/** True if @p e's address lies in the inside prefixes. */
bool tl_lbconf_inside(const struct tl_lbconf *c, const struct tl_lb_ep *e);

/** "A.B.C.D:PORT" or "[IPV6]:PORT" of @p e, then "/tcp" or "/udp" with
 *  @p proto, into @p buf. */
const char *tl_lb_ep_str(const struct tl_lb_ep *e, bool proto, char *buf,
			 size_t len);

#endif /* TL_LBCONF_H */
