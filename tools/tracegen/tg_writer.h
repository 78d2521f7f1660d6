/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_WRITER_H
#define TG_WRITER_H

/**
 * @file
 * Writes frames to a classic pcap file (Ethernet, microsecond stamps:
 * what every reader, DPDK's net_pcap included, takes).
 */

#include <stdint.h>
#include <pcap/pcap.h>

struct tg_writer {
	const char *path;
	pcap_t *pcap;
	pcap_dumper_t *dumper;
};

/** Creates @p path; prints why and returns -1 on failure. */
int tg_writer_open(struct tg_writer *w, const char *path);

/** Appends a frame captured at @p ts_us (microseconds since 1970). */
void tg_writer_put(struct tg_writer *w, uint64_t ts_us, const uint8_t *frame,
		   uint32_t len);

/** Flushes and closes; prints why and returns -1 if any write failed. */
int tg_writer_close(struct tg_writer *w);

#endif /* TG_WRITER_H */
