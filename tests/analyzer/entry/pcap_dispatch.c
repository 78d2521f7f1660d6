/*
 * check-name: a callback given to pcap_dispatch inside a loop is the entry
 * check-object: per_proto updateable !output_impacting multi-flow ipv4.proto
 * check-object: stop updateable all-flows
 * check-entry: pcap_loop got
 *
 * pcap_dispatch calls got() for a batch of packets each time round the
 * loop; the entry kind is the same as for pcap_loop.
 */
#include <stdint.h>
#include <netinet/ip.h>
#include <pcap/pcap.h>

#define PD_ETH_LEN 14u

uint64_t per_proto[256];
volatile int stop;

static void
got(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	const struct iphdr *ip = (const struct iphdr *)(bytes + PD_ETH_LEN);

	(void)user;
	if (h->caplen < PD_ETH_LEN + sizeof(*ip))
		return;
	per_proto[ip->protocol]++;
	if (ip->protocol == 0xff)
		stop = 1;
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	if (argc < 2 || (p = pcap_open_offline(argv[1], err)) == NULL)
		return 1;
	while (!stop)
		if (pcap_dispatch(p, 64, got, NULL) <= 0)
			break;
	pcap_close(p);
	return 0;
}
