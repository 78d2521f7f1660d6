/*
 * check-name: printf and puts write to stdout: outputs like fprintf
 * check-object: alarms updateable output_impacting all-flows
 * check-object: quiet updateable !output_impacting all-flows
 * check-entry: pcap_loop report_cb
 *
 * The default output list names fprintf; printf and puts are the same
 * output to stdout, and a monitor that prints its findings with them
 * must not have those findings' state called output-free.
 */
#include <stdint.h>
#include <stdio.h>
#include <pcap/pcap.h>

#define PO_BIG 1400u

uint64_t alarms;
uint64_t quiet;

static void
report_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)user;
	(void)bytes;
	if (h->len > PO_BIG) {
		alarms++;
		printf("big frame #%llu\n", (unsigned long long)alarms);
		if (alarms % 100 == 0)
			puts("many big frames");
	} else {
		quiet++;
	}
}

int
main(void)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_live("eth0", 96, 1, 100, err);

	if (p == NULL)
		return 1;
	pcap_loop(p, -1, report_cb, NULL);
	return 0;
}
