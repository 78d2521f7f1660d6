/*
 * check-name: sendto in a recvfrom loop: the chosen destination is output-impacting
 * check-object: backends !updateable output_impacting all-flows
 * check-object: next_backend updateable output_impacting all-flows
 * check-object: relayed updateable !output_impacting all-flows
 * check-entry: detected relay
 *
 * A round-robin UDP relay. The destination address passed to sendto comes
 * from backends[next_backend], so both are in the slice of the output;
 * relayed is a counter.
 */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>

#define SO_BACKENDS	3u
#define SO_BUF		2048

struct sockaddr_in backends[SO_BACKENDS];
uint32_t next_backend;
uint64_t relayed;

static void
relay(int fd)
{
	uint8_t buf[SO_BUF];

	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &flen);
		const struct sockaddr_in *to;

		if (n <= 0)
			continue;
		to = &backends[next_backend];
		next_backend = (next_backend + 1) % SO_BACKENDS;
		sendto(fd, buf, (size_t)n, 0, (const struct sockaddr *)to,
		       sizeof(*to));
		relayed++;
	}
}

int
main(void)
{
	unsigned int i;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	for (i = 0; i < SO_BACKENDS; i++) {
		memset(&backends[i], 0, sizeof(backends[i]));
		backends[i].sin_family = AF_INET;
		backends[i].sin_port = htons((uint16_t)(9000 + i));
	}
	relay(fd);
	return 0;
}
