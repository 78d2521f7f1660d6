/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Per-flow state machines. Each step describes one packet and returns the
 * delay to the flow's next one, so a flow's packets come out in time
 * order by construction and the scheduler only merges flows.
 */

#include <string.h>

#include <sa/headers.h>

#include "tg_model_int.h"
#include "tg_payload.h"

#define TG_END			UINT64_MAX

/* Heavy-tailed transfer sizes in packets (Pareto: many mice, a few
 * elephants), capped so one flow cannot swamp a trace. */
#define TG_REQ_PKTS_XM		1.0
#define TG_REQ_PKTS_ALPHA	1.5
#define TG_REQ_PKTS_MAX		64
#define TG_RESP_PKTS_XM		1.0
#define TG_RESP_PKTS_ALPHA	1.2
#define TG_RESP_PKTS_MAX	20000
#define TG_UDP_XCHG_XM		1.0
#define TG_UDP_XCHG_ALPHA	1.3
#define TG_UDP_XCHG_MAX		200
#define TG_PINGS_MAX		4

#define TG_HTTPS_PCT		75.0
#define TG_PORT_HTTPS		443
#define TG_PORT_HTTP		80
#define TG_PORT_DNS		53
#define TG_PORT_NTP		123
/* Generic request/response UDP: the echo service, whose dissector takes
 * any bytes and, being the lower port, wins over whatever a random client
 * port would otherwise make a dissector expect. */
#define TG_PORT_UDP_GENERIC	7
#define TG_DNS_PCT		60.0
#define TG_NTP_PCT		10.0
#define TG_DNS_UNANSWERED_PCT	3.0
#define TG_UDP_UNANSWERED_PCT	5.0
#define TG_UDP_PAYLOAD_MIN	16
#define TG_UDP_PAYLOAD_SPAN	1000
#define TG_REFUSED_PCT		30.0	/* of the RST flows */
#define TG_UNSOL_UDP_PCT	30.0
#define TG_WELL_KNOWN_PORTS	1023

static uint32_t
tg_pareto_pkts(struct tg_flow *f, double xm, double alpha, uint32_t max)
{
	double n = tg_pareto(tg_frand(f), xm, alpha);

	return n >= max ? max : (uint32_t)n;
}

static void
tg_setup_tcp(const struct tg_model *m, struct tg_flow *f)
{
	f->dport = tg_chance(tg_frand(f), TG_HTTPS_PCT) ? TG_PORT_HTTPS :
							  TG_PORT_HTTP;
	f->seq[TG_DIR_IN2OUT] = (uint32_t)tg_frand(f);
	f->seq[TG_DIR_OUT2IN] = (uint32_t)tg_frand(f);
	f->left[TG_DIR_IN2OUT] = tg_pareto_pkts(f, TG_REQ_PKTS_XM,
						TG_REQ_PKTS_ALPHA,
						TG_REQ_PKTS_MAX);
	f->left[TG_DIR_OUT2IN] = tg_pareto_pkts(f, TG_RESP_PKTS_XM,
						TG_RESP_PKTS_ALPHA,
						TG_RESP_PKTS_MAX);
	if (tg_chance(tg_frand(f), m->o->rst_pct)) {
		f->flags |= TG_F_RST;
		if (tg_chance(tg_frand(f), TG_REFUSED_PCT))
			f->flags |= TG_F_REFUSED;
		/* An abort cuts the response short somewhere. */
		f->left[TG_DIR_OUT2IN] = 1 + (uint32_t)tg_below(tg_frand(f),
						f->left[TG_DIR_OUT2IN]);
	}
	f->phase = TG_PH_TCP_SYN;
}

static void
tg_setup_udp(const struct tg_model *m, struct tg_flow *f)
{
	double u = tg_unit(tg_frand(f)) * 100.0;

	/* Fixed-size frames cannot hold a DNS or NTP message of their own
	 * size, so --pkt-size uses the generic service only. */
	if (m->o->pkt_size == 0 && u < TG_DNS_PCT) {
		f->app = TG_APP_DNS_QUERY;
		f->dport = TG_PORT_DNS;
		f->left[TG_DIR_IN2OUT] = 1;
	} else if (m->o->pkt_size == 0 && u < TG_DNS_PCT + TG_NTP_PCT) {
		f->app = TG_APP_NTP_CLIENT;
		f->dport = TG_PORT_NTP;
		f->left[TG_DIR_IN2OUT] = 1;
	} else {
		f->app = TG_APP_PATTERN;
		f->dport = TG_PORT_UDP_GENERIC;
		f->left[TG_DIR_IN2OUT] = tg_pareto_pkts(f, TG_UDP_XCHG_XM,
							TG_UDP_XCHG_ALPHA,
							TG_UDP_XCHG_MAX);
	}
	f->phase = TG_PH_REQUEST;
}

static void
tg_setup_unsolicited(const struct tg_model *m, struct tg_flow *f)
{
	/* The inside side's port is below 1024, where no client port is
	 * ever allocated, so a probe never hits a real flow or mapping. */
	f->sport = 1 + (uint16_t)tg_below(tg_frand(f), TG_WELL_KNOWN_PORTS);
	f->dport = TG_PORT_FIRST + (uint16_t)tg_below(tg_frand(f),
						      TG_PORT_RANGE);
	if (tg_chance(tg_frand(f), TG_UNSOL_UDP_PCT))
		f->flags |= TG_F_UNSOL_UDP;
	if (f->family == 4 && m->o->pool.n > 0) {
		f->flags |= TG_F_TO_POOL;
		f->host = (uint32_t)tg_below(tg_frand(f), m->o->pool.n);
	}
	f->seq[TG_DIR_OUT2IN] = (uint32_t)tg_frand(f);
	f->phase = TG_PH_SINGLE;
}

void
tg_flow_setup(const struct tg_model *m, struct tg_flow *f)
{
	switch (f->kind) {
	case TG_KIND_TCP:
		tg_setup_tcp(m, f);
		break;
	case TG_KIND_UDP:
		tg_setup_udp(m, f);
		break;
	case TG_KIND_ICMP:
		f->left[TG_DIR_IN2OUT] = 1 + (uint32_t)tg_below(tg_frand(f),
								TG_PINGS_MAX);
		f->phase = TG_PH_REQUEST;
		break;
	default:
		tg_setup_unsolicited(m, f);
		break;
	}
}

static uint32_t
tg_tcp_seg_len(const struct tg_model *m, struct tg_flow *f, unsigned int d)
{
	uint32_t mss = f->family == 6 ? TG_MSS_IPV6 : TG_MSS_IPV4;

	if (m->o->pkt_size != 0)
		return tg_model_fixed_payload(m->o, f,
					      sizeof(struct sa_tcp_hdr));
	/* Full segments, then a partial one ending the transfer. */
	if (f->left[d] > 1)
		return mss;
	return TG_TLS_MIN_LEN +
	       (uint32_t)tg_below(tg_frand(f), mss - TG_TLS_MIN_LEN + 1);
}

static void
tg_tcp_ctl(struct tg_flow *f, struct tg_pkt *pkt, unsigned int d,
	   uint8_t flags)
{
	pkt->dir = (uint8_t)d;
	pkt->tcp_flags = flags;
	pkt->seq = f->seq[d];
	pkt->ack = f->seq[!d];
	/* SYN and FIN take one sequence number each. */
	if (flags & (SA_TCP_SYN | SA_TCP_FIN))
		f->seq[d]++;
}

static uint64_t
tg_tcp_data(const struct tg_model *m, struct tg_flow *f, struct tg_pkt *pkt)
{
	unsigned int d = (f->flags & TG_F_SERVER_DATA) ? TG_DIR_OUT2IN :
							 TG_DIR_IN2OUT;
	uint32_t len = tg_tcp_seg_len(m, f, d);

	tg_tcp_ctl(f, pkt, d, SA_TCP_ACK | (f->left[d] == 1 ? SA_TCP_PSH : 0));
	pkt->payload_len = len;
	if (len == 0)
		pkt->app = TG_APP_NONE;
	else if (f->dport == TG_PORT_HTTPS && len >= TG_TLS_MIN_LEN)
		pkt->app = TG_APP_TLS;
	else
		pkt->app = TG_APP_PATTERN;
	f->seq[d] += len;
	f->left[d]--;
	f->flags ^= TG_F_ACK_DUE;
	if (f->left[d] == 0 && d == TG_DIR_IN2OUT) {
		/* The response acks the request: no bare ACK needed. */
		f->flags |= TG_F_SERVER_DATA;
		f->flags &= (uint8_t)~TG_F_ACK_DUE;
		return f->rtt_us;
	}
	if (f->left[d] == 0 || !(f->flags & TG_F_ACK_DUE)) {
		/* Delayed ACK: every second segment, and the last one. In
		 * steady state acks and data interleave at the tap. */
		f->phase = TG_PH_TCP_DATA_ACK;
		return f->left[d] == 0 ? tg_host_delay(f) : f->gap_us / 2;
	}
	return f->gap_us;
}

static uint64_t
tg_tcp_after_ack(struct tg_flow *f)
{
	unsigned int d = (f->flags & TG_F_SERVER_DATA) ? TG_DIR_OUT2IN :
							 TG_DIR_IN2OUT;

	if (f->left[d] > 0) {
		f->phase = TG_PH_TCP_DATA;
		return f->gap_us - f->gap_us / 2;
	}
	f->phase = (f->flags & TG_F_RST) ? TG_PH_TCP_RST : TG_PH_TCP_FIN_C;
	return tg_host_delay(f);
}

static uint64_t
tg_tcp_step(const struct tg_model *m, struct tg_flow *f, struct tg_pkt *pkt)
{
	unsigned int d;

	switch (f->phase) {
	case TG_PH_TCP_SYN:
		tg_tcp_ctl(f, pkt, TG_DIR_IN2OUT, SA_TCP_SYN);
		pkt->ack = 0;
		f->phase = (f->flags & TG_F_REFUSED) ? TG_PH_TCP_REFUSE :
						       TG_PH_TCP_SYNACK;
		return f->rtt_us;
	case TG_PH_TCP_SYNACK:
		tg_tcp_ctl(f, pkt, TG_DIR_OUT2IN, SA_TCP_SYN | SA_TCP_ACK);
		f->phase = TG_PH_TCP_ACK3;
		return tg_host_delay(f);
	case TG_PH_TCP_ACK3:
		tg_tcp_ctl(f, pkt, TG_DIR_IN2OUT, SA_TCP_ACK);
		f->phase = TG_PH_TCP_DATA;
		return tg_host_delay(f);
	case TG_PH_TCP_DATA:
		return tg_tcp_data(m, f, pkt);
	case TG_PH_TCP_DATA_ACK:
		d = (f->flags & TG_F_SERVER_DATA) ? TG_DIR_IN2OUT :
						    TG_DIR_OUT2IN;
		tg_tcp_ctl(f, pkt, d, SA_TCP_ACK);
		return tg_tcp_after_ack(f);
	case TG_PH_TCP_FIN_C:
		tg_tcp_ctl(f, pkt, TG_DIR_IN2OUT, SA_TCP_FIN | SA_TCP_ACK);
		f->phase = TG_PH_TCP_FIN_S;
		return f->rtt_us;
	case TG_PH_TCP_FIN_S:
		tg_tcp_ctl(f, pkt, TG_DIR_OUT2IN, SA_TCP_FIN | SA_TCP_ACK);
		f->phase = TG_PH_TCP_LAST_ACK;
		return tg_host_delay(f);
	case TG_PH_TCP_LAST_ACK:
		tg_tcp_ctl(f, pkt, TG_DIR_IN2OUT, SA_TCP_ACK);
		return TG_END;
	case TG_PH_TCP_RST:
		d = tg_frand(f) & 1 ? TG_DIR_OUT2IN : TG_DIR_IN2OUT;
		tg_tcp_ctl(f, pkt, d, SA_TCP_RST | SA_TCP_ACK);
		return TG_END;
	default:	/* TG_PH_TCP_REFUSE: RFC 793 reset for a SYN */
		tg_tcp_ctl(f, pkt, TG_DIR_OUT2IN, SA_TCP_RST | SA_TCP_ACK);
		pkt->seq = 0;
		return TG_END;
	}
}

static uint32_t
tg_udp_payload(const struct tg_model *m, struct tg_flow *f)
{
	if (m->o->pkt_size != 0)
		return tg_model_fixed_payload(m->o, f,
					      sizeof(struct sa_udp_hdr));
	return TG_UDP_PAYLOAD_MIN +
	       (uint32_t)tg_below(tg_frand(f), TG_UDP_PAYLOAD_SPAN);
}

/* UDP and ICMP echo: requests from inside, each maybe answered. */
static uint64_t
tg_xchg_step(const struct tg_model *m, struct tg_flow *f, struct tg_pkt *pkt)
{
	int icmp = f->kind == TG_KIND_ICMP;
	double lost = f->app == TG_APP_DNS_QUERY ? TG_DNS_UNANSWERED_PCT :
		      f->app == TG_APP_PATTERN ? TG_UDP_UNANSWERED_PCT : 0;

	pkt->dir = f->phase == TG_PH_REQUEST ? TG_DIR_IN2OUT : TG_DIR_OUT2IN;
	pkt->app = f->app;
	if (icmp) {
		/* ping(8) numbers its echoes from 1. */
		pkt->icmp_seq = f->count + 1;
		pkt->payload_len = m->o->pkt_size == 0 ? TG_PING_PAYLOAD :
			tg_model_fixed_payload(m->o, f,
					       sizeof(struct sa_icmp_hdr));
		pkt->app = pkt->payload_len ? TG_APP_PATTERN : TG_APP_NONE;
	} else if (f->app == TG_APP_PATTERN) {
		pkt->payload_len = tg_udp_payload(m, f);
		pkt->app = pkt->payload_len ? TG_APP_PATTERN : TG_APP_NONE;
	} else if (pkt->dir == TG_DIR_OUT2IN) {
		pkt->app = f->app == TG_APP_DNS_QUERY ? TG_APP_DNS_REPLY :
							TG_APP_NTP_SERVER;
	}
	/* Application payloads are keyed by the exchange number. */
	pkt->seq = f->count;

	if (f->phase == TG_PH_REQUEST) {
		f->left[TG_DIR_IN2OUT]--;
		if (icmp || !tg_chance(tg_frand(f), lost)) {
			f->phase = TG_PH_REPLY;
			return f->rtt_us;
		}
	}
	f->count++;
	if (f->left[TG_DIR_IN2OUT] == 0)
		return TG_END;
	f->phase = TG_PH_REQUEST;
	if (icmp)
		return TG_PING_INTERVAL_US - (pkt->dir == TG_DIR_OUT2IN ?
					      f->rtt_us : 0);
	return (uint64_t)tg_log_uniform(tg_frand(f), TG_UDP_THINK_MIN_US,
					TG_UDP_THINK_MAX_US);
}

static uint64_t
tg_unsolicited_step(struct tg_flow *f, struct tg_pkt *pkt)
{
	pkt->dir = TG_DIR_OUT2IN;
	if (!(f->flags & TG_F_UNSOL_UDP)) {
		pkt->tcp_flags = SA_TCP_SYN;
		pkt->seq = f->seq[TG_DIR_OUT2IN];
	}
	return TG_END;
}

int
tg_model_next(const struct tg_model *m, struct tg_flow *f,
	      struct tg_pkt *pkt)
{
	uint64_t delay;

	memset(pkt, 0, sizeof(*pkt));
	if (f->kind == TG_KIND_TCP)
		delay = tg_tcp_step(m, f, pkt);
	else if (f->kind == TG_KIND_UNSOLICITED)
		delay = tg_unsolicited_step(f, pkt);
	else
		delay = tg_xchg_step(m, f, pkt);
	if (delay == TG_END)
		return 0;
	f->next_us += delay;
	return 1;
}
