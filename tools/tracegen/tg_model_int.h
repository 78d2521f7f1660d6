/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_MODEL_INT_H
#define TG_MODEL_INT_H

/*
 * Shared between flow drawing (tg_model.c) and the per-kind state
 * machines (tg_flow.c): flag bits, phases and timing constants.
 */

#include "tg_model.h"
#include "tg_rng.h"

/* tg_flow.flags */
#define TG_F_RST		0x01	/* TCP: ends with RST, not FIN */
#define TG_F_REFUSED		0x02	/* TCP: the server refuses the SYN */
#define TG_F_SERVER_DATA	0x04	/* TCP: the server is sending data */
#define TG_F_ACK_DUE		0x08	/* TCP: one segment awaits its ACK */
#define TG_F_UNANSWERED		0x10	/* UDP: this request gets no reply */
#define TG_F_UNSOL_UDP		0x20	/* unsolicited: UDP, not a TCP SYN */
#define TG_F_TO_POOL		0x40	/* unsolicited: host is a pool index */

enum tg_phase {
	TG_PH_TCP_SYN,
	TG_PH_TCP_SYNACK,
	TG_PH_TCP_ACK3,
	TG_PH_TCP_DATA,
	TG_PH_TCP_DATA_ACK,
	TG_PH_TCP_FIN_C,
	TG_PH_TCP_FIN_S,
	TG_PH_TCP_LAST_ACK,
	TG_PH_TCP_RST,
	TG_PH_TCP_REFUSE,
	TG_PH_REQUEST,		/* UDP and ICMP */
	TG_PH_REPLY,
	TG_PH_SINGLE,		/* unsolicited */
};

/* Timing, in microseconds. The tap is next to the inside hosts, so an
 * inside reaction is quick and an outside one takes a round trip. */
#define TG_RTT_MIN_US		2000.0
#define TG_RTT_MAX_US		150000.0
#define TG_GAP_MIN_US		20.0
#define TG_GAP_MAX_US		2000.0
#define TG_HOST_DELAY_MIN_US	50
#define TG_HOST_DELAY_SPAN_US	450
#define TG_PING_INTERVAL_US	1000000
#define TG_UDP_THINK_MIN_US	1000.0
#define TG_UDP_THINK_MAX_US	500000.0

#define TG_MSS_IPV4		1460
#define TG_MSS_IPV6		1440
#define TG_PING_PAYLOAD		56	/* what ping(8) sends by default */

static inline uint64_t
tg_frand(struct tg_flow *f)
{
	return tg_splitmix64(&f->rng);
}

static inline uint32_t
tg_host_delay(struct tg_flow *f)
{
	return TG_HOST_DELAY_MIN_US +
	       (uint32_t)tg_below(tg_frand(f), TG_HOST_DELAY_SPAN_US);
}

/* Flow setup per kind, after the common fields are drawn (tg_flow.c). */
void tg_flow_setup(const struct tg_model *m, struct tg_flow *f);

#endif /* TG_MODEL_INT_H */
