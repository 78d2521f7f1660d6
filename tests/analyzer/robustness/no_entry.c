/*
 * check-name: a module with no descriptor, no packet loop and no pcap callback is an error
 * check-exit: nonzero
 * check-error: entry
 *
 * Nothing here receives packets: analyzing it would report nothing, and
 * silently. The analyzer must say that it found no packet-processing
 * entry (and suggest --entry or --loop) instead.
 */
#include <stdint.h>

uint64_t total;

uint64_t
sum(const uint64_t *v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		total += v[i];
	return total;
}

int
main(void)
{
	uint64_t v[4] = { 1, 2, 3, 4 };

	return (int)sum(v, 4);
}
