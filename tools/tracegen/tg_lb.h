/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_LB_H
#define TG_LB_H

/**
 * @file
 * What the lb profile knows of the balancer: the [lb] section of its
 * configuration (services, backends, inside prefixes; read by
 * tools/common/tl_lbconf.c, kept here with host-order IPv4 addresses the
 * profile counts with), and the balancer
 * itself, run in-process on the same file through the test shim, which
 * tells which backend a new flow goes to. Maglev hashing is deterministic
 * given the configuration, so the answer is the one sa-runtime will give.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tl_lbconf.h"

#define TG_LB_SERVICES_MAX	TL_LB_SERVICES_MAX
#define TG_LB_BACKENDS_MAX	TL_LB_BACKENDS_MAX

/** An address with a port, and for services a protocol. */
struct tg_lb_ep {
	uint8_t family;		/**< 4 or 6 */
	uint8_t proto;		/**< SA_IPPROTO_TCP/UDP, 0 when not given */
	uint16_t port;		/**< host order, 0 when not given */
	uint32_t addr4;		/**< host order */
	uint8_t addr6[16];
};

struct tg_lb_cfg {
	struct tl_lbconf lb;	/**< the [lb] section as read */
	uint32_t n_svc;
	uint32_t n_be;
	struct tg_lb_ep svc[TG_LB_SERVICES_MAX];
	struct tg_lb_ep be[TG_LB_BACKENDS_MAX];	/**< as they send replies */
	uint16_t be_svc[TG_LB_BACKENDS_MAX];	/**< each one's service */
	char *ini;		/**< the file's text, for the balancer */
	bool running;		/**< the in-process balancer is initialized */
	char **cmds;		/**< commands it ran, replayed on a restart */
	uint32_t n_cmds, cap_cmds;
};

/** Longest endpoint text: "[" IPv6 "]:" port "/" proto. */
#define TG_LB_EP_TEXT_MAX	64

/** Reads the [lb] section of @p path and starts the balancer on it.
 *  Prints "PATH:LINE: why" (or the balancer's complaint) on failure. */
int tg_lb_cfg_load(struct tg_lb_cfg *c, const char *path);
void tg_lb_cfg_free(struct tg_lb_cfg *c);

/** Index of the service @p e names (family, address, port, protocol),
 *  or -1. */
int tg_lb_cfg_service(const struct tg_lb_cfg *c, const struct tg_lb_ep *e);

/** True if address @p e lies in the inside prefixes. */
bool tg_lb_cfg_inside(const struct tg_lb_cfg *c, const struct tg_lb_ep *e);

/**
 * Gives the balancer the first client frame of a flow.
 * @return 0 with the backend it was sent to in @p be; 1 when the
 *   balancer dropped it, with the drop reason's name in *@p why; -1 after
 *   printing an internal error.
 */
int tg_lb_pick(struct tg_lb_cfg *c, const uint8_t *frame, uint32_t len,
	       struct tg_lb_ep *be, const char **why);

/**
 * Runs operator command @p line in the in-process balancer, as
 * sa-runtime --commands will at the same input position.
 * @return 0, or -1 after printing why the balancer refused it.
 */
int tg_lb_command(struct tg_lb_cfg *c, const char *line);

/** State of backend @p i (enum lb_backend_state) in the balancer now. */
int tg_lb_cfg_state(const struct tg_lb_cfg *c, uint32_t i);

/** "A.B.C.D:PORT" or "[IPV6]:PORT", then "/tcp" or "/udp" with
 *  @p proto, the grammar of the [lb] entries and of lb's command. */
const char *tg_lb_ep_text(const struct tg_lb_ep *e, bool proto, char *buf,
			  size_t len);

#endif /* TG_LB_H */
