/*
 * check-name: a while loop around pcap_next_ex is detected as the packet loop
 * check-object: dns_queries updateable output_impacting multi-flow l4.dport
 * check-object: packets kind=loop-local function=capture updateable !output_impacting all-flows
 * check-object: dumper kind=loop-local function=capture !updateable output_impacting all-flows
 * check-entry: detected capture
 *
 * The loop is in capture(), not in main. Queries to a port with fewer
 * than 100 packets seen are saved with pcap_dump, an output; the count
 * per destination port decides which.
 */
#include <stdint.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <pcap/pcap.h>

#define NE_ETH_LEN	14u
#define NE_KEEP		100u

uint32_t dns_queries[65536];

static int
capture(pcap_t *p, const char *out)
{
	pcap_dumper_t *dumper = pcap_dump_open(p, out);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t packets = 0;

	if (dumper == NULL)
		return -1;
	while (pcap_next_ex(p, &h, &data) == 1) {
		const struct udphdr *udp;

		packets++;
		if (h->caplen < NE_ETH_LEN + sizeof(struct iphdr) + sizeof(*udp))
			continue;
		udp = (const struct udphdr *)(data + NE_ETH_LEN +
					      sizeof(struct iphdr));
		if (dns_queries[udp->uh_dport]++ < NE_KEEP)
			pcap_dump((u_char *)dumper, h, data);
	}
	pcap_dump_close(dumper);
	return 0;
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	if (argc < 3 || (p = pcap_open_offline(argv[1], err)) == NULL)
		return 1;
	return capture(p, argv[2]) == 0 ? 0 : 1;
}
