/*
 * check-name: Linux struct iphdr / tcphdr headers in a pcap callback are recognized
 * check-object: conn_bytes updateable output_impacting per-flow ipv4.src,ipv4.dst,ipv4.proto,l4.sport,l4.dport
 * check-object: frames updateable !output_impacting all-flows
 * check-entry: pcap_loop on_frame
 *
 * The header fields come from glibc's struct iphdr and struct tcphdr at
 * the Ethernet offset, as in most libpcap tools. A flow whose byte count
 * crosses the threshold is reported on stdout with fprintf.
 */
#include <stdint.h>
#include <stdio.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <pcap/pcap.h>

#define IH_SLOTS	4096u
#define IH_ETH_LEN	14u
#define IH_REPORT	(1u << 20)

uint64_t conn_bytes[IH_SLOTS];
uint64_t frames;

static void
on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	const struct iphdr *ip;
	const struct tcphdr *tcp;
	uint32_t slot;

	(void)user;
	frames++;
	if (h->caplen < IH_ETH_LEN + sizeof(*ip) + sizeof(*tcp))
		return;
	ip = (const struct iphdr *)(bytes + IH_ETH_LEN);
	tcp = (const struct tcphdr *)((const uint8_t *)ip + ip->ihl * 4u);
	slot = (ip->saddr ^ ip->daddr ^ ((uint32_t)tcp->source << 16) ^
		tcp->dest ^ ip->protocol) % IH_SLOTS;
	conn_bytes[slot] += h->len;
	if (conn_bytes[slot] >= IH_REPORT) {
		fprintf(stdout, "heavy flow in slot %u: %llu bytes\n", slot,
			(unsigned long long)conn_bytes[slot]);
		conn_bytes[slot] = 0;
	}
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	if (argc < 2 || (p = pcap_open_offline(argv[1], err)) == NULL)
		return 1;
	pcap_loop(p, -1, on_frame, NULL);
	pcap_close(p);
	return 0;
}
