/*
 * check-name: --loop and --recv name the packet loop of a program with its own receive function
 * check-args: --loop run --recv ring_dequeue
 * check-object: drops kind=loop-local function=run updateable output_impacting all-flows
 * check-object: queue_depth_max updateable !output_impacting all-flows
 * check-entry: loop run
 *
 * ring_dequeue and ring_enqueue come from a shared-memory ring library
 * outside the module. --recv makes the first a receive function, and the
 * output is sendmsg, a default one. drops is logged with syslog, also a
 * default output.
 */
#include <stdint.h>
#include <syslog.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

struct ring;

int ring_dequeue(struct ring *r, void **frame, uint32_t *len);
uint32_t ring_count(const struct ring *r);

uint32_t queue_depth_max;

static void
run(struct ring *rx, int out_fd)
{
	uint64_t drops = 0;
	void *frame;
	uint32_t len;

	while (ring_dequeue(rx, &frame, &len) == 0) {
		struct iovec iov = { .iov_base = frame, .iov_len = len };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		uint32_t depth = ring_count(rx);

		if (depth > queue_depth_max)
			queue_depth_max = depth;
		if (sendmsg(out_fd, &msg, 0) < 0 && ++drops % 1000 == 0)
			syslog(LOG_WARNING, "%llu frames lost",
			       (unsigned long long)drops);
	}
}

int
main(int argc, char **argv)
{
	(void)argv;
	run((struct ring *)0, argc);
	return 0;
}
