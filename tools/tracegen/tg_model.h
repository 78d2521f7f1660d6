/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_MODEL_H
#define TG_MODEL_H

/**
 * @file
 * The traffic model: a table of flows drawn up front (so the trace is
 * fixed by the seed and every NAT port is allocated before a byte is
 * written), and a per-flow state machine that yields the flow's packets
 * one at a time, in time order. The scheduler interleaves flows.
 */

#include <stdint.h>

#include "tg_opts.h"
#include "tg_ports.h"

#define TG_FCS_LEN		4
/** Outside servers live in 198.18.0.0/15 (RFC 2544 benchmarking). */
#define TG_SERVER_NET4		0xc6120000u
#define TG_SERVER_BITS		17
#define TG_SERVERS_MAX		((1u << TG_SERVER_BITS) - 2)
/** Fixed trace start (2023-11-14), so output does not depend on when
 *  it was generated. */
#define TG_EPOCH_US		(1700000000ull * 1000000ull)

enum tg_kind {
	TG_KIND_TCP,
	TG_KIND_UDP,
	TG_KIND_ICMP,
	TG_KIND_UNSOLICITED,	/**< one packet from outside, never answered */
	TG_KIND_COUNT,
};

enum tg_dir {
	TG_DIR_IN2OUT = 0,	/**< from the inside host (the client) */
	TG_DIR_OUT2IN = 1,
};

/** What a UDP or TCP payload looks like, so dissectors accept it. */
enum tg_app {
	TG_APP_NONE,		/**< no payload */
	TG_APP_PATTERN,		/**< counting bytes */
	TG_APP_DNS_QUERY,
	TG_APP_DNS_REPLY,
	TG_APP_NTP_CLIENT,
	TG_APP_NTP_SERVER,
	TG_APP_TLS,		/**< one TLS application-data record */
};

/** One flow: what it is and where its state machine stands. */
struct tg_flow {
	uint64_t next_us;	/**< time of its next packet */
	uint64_t rng;		/**< its own splitmix64 stream */
	uint32_t host;		/**< inside host index */
	uint32_t server;	/**< outside server index */
	uint32_t seq[2];	/**< next TCP sequence number, per direction */
	uint32_t left[2];	/**< packets (exchanges) left, per direction */
	uint32_t rtt_us;	/**< middlebox -> server -> middlebox */
	uint32_t gap_us;	/**< spacing of back-to-back data packets */
	uint16_t sport;		/**< client port, ICMP identifier */
	uint16_t dport;
	uint16_t ip_id[2];	/**< next IPv4 id, per direction */
	uint16_t count;		/**< UDP/ICMP exchanges completed so far */
	uint8_t kind;		/**< enum tg_kind */
	uint8_t family;		/**< 4 or 6 */
	uint8_t vlan;		/**< 0, or 1 with one tag */
	uint8_t phase;		/**< private to the state machine */
	uint8_t flags;		/**< private to the state machine */
	uint8_t app;		/**< UDP application (enum tg_app) */
};

/** One packet, as the flow's state machine describes it. */
struct tg_pkt {
	uint8_t dir;		/**< enum tg_dir */
	uint8_t tcp_flags;
	uint8_t icmp_type;
	uint8_t app;		/**< enum tg_app */
	uint16_t icmp_seq;
	uint32_t seq, ack;
	uint32_t payload_len;
};

/** Longest pattern payload: an Ethernet MTU's worth. */
#define TG_PATTERN_MAX		1600

struct tg_model {
	const struct tg_opts *o;
	/** Filler bytes for payloads without an application format:
	 *  letters, which no heuristic dissector takes for a header. */
	uint8_t pattern[TG_PATTERN_MAX];
	struct tg_flow *flows;	/**< ascending start time */
	uint64_t n_flows;
	uint64_t kind_count[TG_KIND_COUNT];
	uint64_t v6_flows;
	uint64_t vlan_flows;
	struct tg_ports ports;
};

/**
 * Draws every flow. Fails, after printing why, when a NAT pool address
 * (or an inside host) would need more than 64512 ports of one protocol.
 */
int tg_model_init(struct tg_model *m, const struct tg_opts *o);
void tg_model_fini(struct tg_model *m);

/**
 * Describes the flow's next packet (at f->next_us) and advances it.
 * @return 1 if the flow has more packets (f->next_us updated), 0 if this
 *   was its last.
 */
int tg_model_next(const struct tg_model *m, struct tg_flow *f,
		  struct tg_pkt *pkt);

/** Longest header stack (Ethernet to L4, without FCS) the option mix can
 *  produce: every --pkt-size frame must hold it. */
uint32_t tg_model_hdr_max(const struct tg_opts *o);

/** Payload of a data-carrying packet in --pkt-size mode: the room left
 *  after its headers, or none when that room is too small to matter. */
uint32_t tg_model_fixed_payload(const struct tg_opts *o,
				const struct tg_flow *f, uint32_t l4_hdr_len);

/** Addresses: IPv4 in host order, IPv6 as 16 bytes. */
uint32_t tg_model_host4(const struct tg_opts *o, uint32_t host);
uint32_t tg_model_server4(uint32_t server);
void tg_model_host6(uint32_t host, uint8_t out[16]);
void tg_model_server6(uint32_t server, uint8_t out[16]);

#endif /* TG_MODEL_H */
