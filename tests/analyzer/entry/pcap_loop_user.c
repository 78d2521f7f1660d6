/*
 * check-name: pcap_loop's callback is the entry and its user pointer aliases main's state
 * check-object: mon kind=loop-local function=main updateable output_impacting all-flows
 * check-field: mon packets updateable output_impacting
 * check-field: mon snaplen !updateable !output_impacting
 * check-object: handle !updateable all-flows
 * check-entry: pcap_loop on_pkt
 *
 * mon is a local of main, but pcap_loop hands its address to every
 * on_pkt call through the user argument, so it lives across packets
 * just like a global and on_pkt writes it. Packets are re-injected with
 * pcap_inject, so a counter that picks which frames are injected impacts
 * output.
 */
#include <stdint.h>
#include <pcap/pcap.h>

struct monitor {
	uint64_t packets;
	uint32_t snaplen;
};

pcap_t *handle;

static void
on_pkt(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct monitor *m = (struct monitor *)user;

	/* Sample one frame in 16 back onto the wire. */
	if (++m->packets % 16 == 0)
		pcap_inject(handle, bytes, h->caplen);
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct monitor mon = { 0, 0 };

	if (argc < 2)
		return 2;
	handle = pcap_open_live(argv[1], 65535, 1, 100, err);
	if (handle == NULL)
		return 1;
	mon.snaplen = (uint32_t)pcap_snapshot(handle);
	pcap_loop(handle, -1, on_pkt, (u_char *)&mon);
	pcap_close(handle);
	return 0;
}
