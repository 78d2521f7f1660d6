/*
 * check-name: locals of the procedure holding a recv loop that live across iterations are persistent
 * check-object: seen kind=loop-local function=main updateable output_impacting all-flows
 * check-object: bytes kind=loop-local function=main updateable !output_impacting all-flows
 * check-object: limit kind=loop-local function=main !updateable output_impacting all-flows
 * check-absent: n
 * check-absent: reply_len
 * check-entry: detected main
 *
 * seen and bytes are declared before the loop and carry their values from
 * one packet to the next; limit is set before the loop and only read in
 * it. n and reply_len are assigned afresh before every use in each
 * iteration, so nothing survives in them between packets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>

#define RL_BUF 1500

int
main(int argc, char **argv)
{
	uint8_t buf[RL_BUF];
	uint64_t seen = 0;
	uint64_t bytes = 0;
	uint64_t limit;
	int fd;

	if (argc < 3)
		return 2;
	fd = atoi(argv[1]);
	limit = strtoull(argv[2], NULL, 10);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		size_t reply_len;

		if (n <= 0)
			break;
		bytes += (uint64_t)n;
		if (++seen > limit)
			continue;
		reply_len = (size_t)n < 64 ? (size_t)n : 64;
		send(fd, buf, reply_len, 0);
	}
	/* The exit status tells whether anything arrived at all. */
	return bytes == 0;
}
