/*
 * check-name: fprintf from a pcap callback is an output
 * check-object: flows_logged updateable output_impacting all-flows
 * check-object: log_every !updateable output_impacting all-flows
 * check-object: captured updateable output_impacting all-flows
 * check-object: bytes_seen updateable !output_impacting all-flows
 * check-entry: pcap_loop on_packet
 *
 * A passive monitor: nothing is sent, the log lines are its output.
 * captured decides which packets are logged (control dependence);
 * bytes_seen is counted and never logged.
 */
#include <stdint.h>
#include <stdio.h>
#include <pcap/pcap.h>

uint64_t flows_logged;
uint32_t log_every = 100;
uint64_t captured;
uint64_t bytes_seen;
FILE *log_file;

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)user;
	(void)bytes;
	captured++;
	bytes_seen += h->len;
	if (h->caplen > 64 && captured % log_every == 0)
		fprintf(log_file, "flow #%llu: %u bytes\n",
			(unsigned long long)++flows_logged, h->len);
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	if (argc < 2)
		return 2;
	p = pcap_open_offline(argv[1], err);
	if (p == NULL)
		return 1;
	log_file = stdout;
	pcap_loop(p, -1, on_packet, NULL);
	pcap_close(p);
	return 0;
}
