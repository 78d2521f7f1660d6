/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tg_writer.h"

#define TG_SNAPLEN		65535
#define TG_US_PER_S		1000000ull

int
tg_writer_open(struct tg_writer *w, const char *path)
{
	w->path = path;
	w->dumper = NULL;
	w->pcap = pcap_open_dead(DLT_EN10MB, TG_SNAPLEN);
	if (w->pcap == NULL) {
		fprintf(stderr, "sa-tracegen: %s: cannot set up libpcap\n",
			path);
		return -1;
	}
	w->dumper = pcap_dump_open(w->pcap, path);
	if (w->dumper == NULL) {
		fprintf(stderr, "sa-tracegen: --out %s: %s\n", path,
			pcap_geterr(w->pcap));
		pcap_close(w->pcap);
		w->pcap = NULL;
		return -1;
	}
	return 0;
}

void
tg_writer_put(struct tg_writer *w, uint64_t ts_us, const uint8_t *frame,
	      uint32_t len)
{
	struct pcap_pkthdr h;

	h.ts.tv_sec = (time_t)(ts_us / TG_US_PER_S);
	h.ts.tv_usec = (suseconds_t)(ts_us % TG_US_PER_S);
	h.caplen = len;
	h.len = len;
	pcap_dump((u_char *)w->dumper, &h, frame);
}

int
tg_writer_close(struct tg_writer *w)
{
	FILE *f = pcap_dump_file(w->dumper);
	int bad;

	/* pcap_dump() cannot report errors; the stream remembers them. */
	bad = pcap_dump_flush(w->dumper) != 0 || ferror(f);
	if (bad)
		fprintf(stderr, "sa-tracegen: --out %s: write failed: %s\n",
			w->path, strerror(errno));
	pcap_dump_close(w->dumper);
	pcap_close(w->pcap);
	w->dumper = NULL;
	w->pcap = NULL;
	return bad ? -1 : 0;
}
