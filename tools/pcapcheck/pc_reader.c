/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdio.h>
#include <string.h>

#include "pc_reader.h"

int
pc_reader_open(struct pc_reader *r, const char *path)
{
	char err[PCAP_ERRBUF_SIZE];

	memset(r, 0, sizeof(*r));
	r->path = path;
	r->pcap = pcap_open_offline(path, err);
	if (r->pcap == NULL) {
		printf("%s: cannot read: %s\n", path, err);
		return -1;
	}
	if (pcap_datalink(r->pcap) != DLT_EN10MB) {
		printf("%s: not an Ethernet capture (link type %d)\n", path,
		       pcap_datalink(r->pcap));
		pcap_close(r->pcap);
		r->pcap = NULL;
		return -1;
	}
	return 0;
}

int
pc_reader_next(struct pc_reader *r)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	rc = pcap_next_ex(r->pcap, &h, &data);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		printf("%s: corrupt after packet %llu: %s\n", r->path,
		       (unsigned long long)r->count, pcap_geterr(r->pcap));
		return -1;
	}
	r->count++;
	/* A frame cut by the snap length cannot be compared byte for byte. */
	if (h->caplen != h->len) {
		printf("%s: packet %llu: captured %u of its %u bytes\n",
		       r->path, (unsigned long long)r->count, h->caplen,
		       h->len);
		return -1;
	}
	r->cur.data = data;
	r->cur.len = h->caplen;
	r->cur.index = r->count;
	r->cur.parse_rc = sa_parse(data, h->caplen, &r->cur.p);
	return 1;
}

void
pc_reader_close(struct pc_reader *r)
{
	if (r->pcap != NULL)
		pcap_close(r->pcap);
	r->pcap = NULL;
}
