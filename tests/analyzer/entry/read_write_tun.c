/*
 * check-name: a read/write loop on a TUN descriptor: read receives, write is the output
 * check-object: ttl_floor !updateable output_impacting all-flows
 * check-object: expired updateable !output_impacting all-flows
 * check-object: last_id kind=loop-local function=forward updateable output_impacting all-flows
 * check-entry: detected forward
 *
 * Raw IPv4 packets (no Ethernet header) come in with read() and go out
 * with write() after their id is replaced by a running counter: the
 * counter, a loop-local, reaches the written bytes.
 */
#include <stdint.h>
#include <unistd.h>
#include <netinet/ip.h>

#define RW_MTU 1500

uint8_t ttl_floor = 2;
uint64_t expired;

static void
forward(int tun)
{
	uint8_t pkt[RW_MTU];
	uint16_t last_id = 0;

	for (;;) {
		struct iphdr *ip = (struct iphdr *)pkt;
		ssize_t n = read(tun, pkt, sizeof(pkt));

		if (n < (ssize_t)sizeof(*ip))
			break;
		if (ip->ttl < ttl_floor) {
			expired++;
			continue;
		}
		ip->id = ++last_id;
		if (write(tun, pkt, (size_t)n) != n)
			break;
	}
}

int
main(void)
{
	forward(3);
	return 0;
}
