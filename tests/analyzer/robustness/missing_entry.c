/*
 * check-name: --entry naming a function the module does not define is an error
 * check-args: --entry no_such_function
 * check-exit: nonzero
 * check-error: no_such_function
 *
 * The message must name the missing function so the user sees the typo.
 */
#include <stdint.h>

uint64_t count;

void
handle(const uint8_t *frame, uint32_t len)
{
	(void)frame;
	count += len;
}
