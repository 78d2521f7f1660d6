/*
 * check-name: configuration from argv in main, then a recv loop that only reads it
 * check-object: opt !updateable output_impacting all-flows
 * check-field: opt block_port !updateable output_impacting
 * check-field: opt verbose !updateable !output_impacting
 * check-object: forwarded kind=loop-local function=main updateable !output_impacting all-flows
 * check-entry: detected main
 *
 * main parses its arguments into opt before the packet loop; inside the
 * loop opt is only read. verbose is read by nothing in the loop. The
 * detected loop is main's recv loop; forwarded lives across its
 * iterations.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#define CA_BUF		2048

struct options {
	uint16_t block_port;
	int verbose;
};

struct options opt;

int
main(int argc, char **argv)
{
	uint8_t buf[CA_BUF];
	uint64_t forwarded = 0;
	int in_fd, out_fd;

	if (argc < 3)
		return 2;
	opt.block_port = htons((uint16_t)atoi(argv[1]));
	opt.verbose = argc > 3;
	in_fd = socket(AF_INET, SOCK_DGRAM, 0);
	out_fd = atoi(argv[2]);
	for (;;) {
		const struct udphdr *udp = (const struct udphdr *)buf;
		ssize_t n = recv(in_fd, buf, sizeof(buf), 0);

		if (n < (ssize_t)sizeof(*udp))
			continue;
		if (udp->uh_dport == opt.block_port)
			continue;
		send(out_fd, buf, (size_t)n, 0);
		forwarded++;
	}
	return 0;
}
