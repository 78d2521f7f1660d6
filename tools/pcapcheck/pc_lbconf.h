/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PC_LBCONF_H
#define PC_LBCONF_H

/**
 * @file
 * The [lb] section of an lb configuration as the lb check needs it:
 * inside prefixes, services and their backends with their states. Read
 * line by line (KEY = VALUE, '#' and ';' comments), with the endpoint
 * grammar of configs/lb.ini; the lb itself validates the rest.
 */

#include <stddef.h>
#include <stdint.h>

#include <sa/prefix.h>

#define PC_LB_SERVICES_MAX	64
#define PC_LB_BACKENDS_MAX	1024
#define PC_ADDR_LEN		16

/** An address (network order, IPv4 in the first 4 bytes), port and
 *  protocol (0 when not given). */
struct pc_ep {
	uint8_t addr[PC_ADDR_LEN];
	uint16_t port;		/**< host order */
	uint8_t family;		/**< 4 or 6 */
	uint8_t proto;
};

/** Backend states, as lb numbers them (enum lb_backend_state). */
enum pc_lb_state {
	PC_LB_UP = 0,		/**< may get new connections */
	PC_LB_DRAIN = 1,	/**< keeps its connections, gets no new */
	PC_LB_DOWN = 2,		/**< its connections move elsewhere */
};

struct pc_lb_backend {
	struct pc_ep ep;	/**< as it sends replies */
	uint16_t service;
	uint8_t up;		/**< state up: may get new connections */
	uint8_t state;		/**< enum pc_lb_state, now */
};

/** A backend state change of a --commands schedule. */
struct pc_lb_change {
	uint64_t at;		/**< before input packet at (from 0) */
	uint16_t be;
	uint8_t state;
};

struct pc_lbconf {
	struct sa_prefix_set inside;
	uint32_t n_svc;
	uint32_t n_be;
	struct pc_ep svc[PC_LB_SERVICES_MAX];
	struct pc_lb_backend be[PC_LB_BACKENDS_MAX];	/**< entry order */
	struct pc_lb_change *chg;	/**< by position; NULL: none */
	uint32_t n_chg, next_chg;
};

/** Reads @p path; prints "PATH:LINE: why" and returns -1 on error. */
int pc_lbconf_load(const char *path, struct pc_lbconf *c);

/**
 * Reads the backend changes of an sa-runtime --commands file (lines
 * "INPUT_COUNT backend SERVICE BACKEND up|drain|down", lb's command);
 * prints "PATH:LINE: why" and returns -1 on error.
 */
int pc_lbconf_commands(const char *path, struct pc_lbconf *c);

/** Applies the changes placed at or before input packet @p pos (from
 *  0), as the runtime does before processing it. */
void pc_lbconf_advance(struct pc_lbconf *c, uint64_t pos);

void pc_lbconf_free(struct pc_lbconf *c);

/** Index of the service @p e names, or -1. */
int pc_lbconf_service(const struct pc_lbconf *c, const struct pc_ep *e);

/** Index of the backend at address, port and protocol @p e, or -1. */
int pc_lbconf_backend(const struct pc_lbconf *c, const struct pc_ep *e);

/** True if @p e's address lies in the inside prefixes. */
int pc_lbconf_inside(const struct pc_lbconf *c, const struct pc_ep *e);

/** "[a:b::c]:p" or "a.b.c.d:p" of @p e into @p buf. */
const char *pc_ep_str(const struct pc_ep *e, char *buf, size_t len);

#endif /* PC_LBCONF_H */
