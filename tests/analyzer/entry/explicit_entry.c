/*
 * check-name: --entry names a per-packet function that nothing in the module calls
 * check-args: --entry classify
 * check-object: class_hits updateable output_impacting multi-flow ipv4.tos
 * check-object: unrelated !updateable all-flows
 * check-entry: entry classify
 *
 * classify is exported for a host framework that is not part of the
 * module; only --entry says it runs per packet. It writes its verdict
 * with send(), a default output.
 */
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <sa/headers.h>

#define EE_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))
#define EE_CLASS_MAX	1000u

uint32_t class_hits[256];
uint32_t unrelated;

void
classify(int fd, const uint8_t *frame, uint32_t len)
{
	const struct sa_ipv4_hdr *ip;
	uint8_t verdict;

	if (len < EE_MIN_LEN)
		return;
	ip = (const struct sa_ipv4_hdr *)(frame + sizeof(struct sa_eth_hdr));
	verdict = ++class_hits[ip->type_of_service] > EE_CLASS_MAX;
	send(fd, &verdict, sizeof(verdict), 0);
}

void
reset(void)
{
	unrelated++;
}
