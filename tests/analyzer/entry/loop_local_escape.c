/*
 * check-name: a loop-local struct updated by a helper through its address
 * check-object: st kind=loop-local function=main updateable output_impacting all-flows
 * check-field: st window updateable output_impacting
 * check-field: st total updateable !output_impacting
 * check-entry: detected main
 * check-absent: n
 * check-absent: plen
 * check-absent: <anon>
 *
 * st is declared in main before the recvfrom loop and passed by address
 * to account(); its writes go through the pointer. window decides whether
 * the reply is sent. n and plen are set afresh in each iteration before
 * any use; nor does a compiler temporary (the transparent-union argument
 * clang builds for recvfrom and sendto) carry anything between packets.
 */
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>

#define LE_WINDOW 64u

struct rate {
	uint32_t window;
	uint64_t total;
};

static int
account(struct rate *r, size_t n)
{
	r->total += n;
	if (++r->window > LE_WINDOW) {
		r->window = 0;
		return 0;
	}
	return 1;
}

int
main(void)
{
	struct rate st = { 0, 0 };
	uint8_t buf[512];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	for (;;) {
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&peer, &plen);

		if (n < 0)
			break;
		if (account(&st, (size_t)n))
			sendto(fd, buf, (size_t)n, 0,
			       (struct sockaddr *)&peer, plen);
	}
	return 0;
}
