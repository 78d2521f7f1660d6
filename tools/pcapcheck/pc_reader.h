/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PC_READER_H
#define PC_READER_H

/**
 * @file
 * Reads a pcap file one frame at a time, parsing each with the shared
 * parser, so that a check holds two frames (input and output) at once and
 * never the whole capture.
 */

#include <stdint.h>
#include <pcap/pcap.h>

#include <sa/headers.h>

struct pc_frame {
	const uint8_t *data;	/**< valid until the next pc_reader_next() */
	uint32_t len;
	uint64_t index;		/**< 1-based position in the file */
	unsigned int parse_rc;	/**< sa_parse() result, SA_DROP_NONE if ok */
	struct sa_parsed p;
};

struct pc_reader {
	const char *path;
	pcap_t *pcap;
	uint64_t count;		/**< frames read so far */
	struct pc_frame cur;
};

/** Opens @p path; prints "PATH: why" and returns -1 on failure. */
int pc_reader_open(struct pc_reader *r, const char *path);

/**
 * Reads and parses the next frame into r->cur.
 * @return 1, 0 at the end of the file, -1 (after printing why) when the
 *   file is corrupt or a frame was captured truncated.
 */
int pc_reader_next(struct pc_reader *r);

void pc_reader_close(struct pc_reader *r);

#endif /* PC_READER_H */
