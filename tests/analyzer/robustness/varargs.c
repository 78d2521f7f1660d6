/*
 * check-name: pointers passed through a variadic argument list are followed
 * check-object: rx updateable !output_impacting all-flows
 * check-object: rx_bytes updateable !output_impacting all-flows
 * check-object: tx updateable !output_impacting all-flows
 *
 * bump_all() takes its counters through "...": at -O0 va_arg becomes
 * loads from the va_list save area that llvm.va_start fills, and the
 * pointers reach the stores only through it. tx is passed by the other
 * call site of the same function, also on the packet path.
 */
#include <stdarg.h>
#include <stdint.h>

#include <sa/mbox.h>

uint64_t rx;
uint64_t rx_bytes;
uint64_t tx;

static void
bump_all(uint64_t by, int n, ...)
{
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		*va_arg(ap, uint64_t *) += by;
	va_end(ap);
}

static void
va_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	bump_all(1, 1, &rx);
	bump_all(pkt->len, 1, &rx_bytes);
	bump_all(1, 1, &tx);
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox va_mb = {
	.name = "varargs",
	.process = va_process,
};

SA_MIDDLEBOX_REGISTER(va_mb)
