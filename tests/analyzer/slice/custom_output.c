/*
 * check-name: --output adds a function of the program to the output statements
 * check-args: --entry on_frame --output emit_frame,drop_frame
 * check-object: backend_rr updateable output_impacting all-flows
 * check-object: health updateable output_impacting all-flows
 * check-object: seen updateable !output_impacting all-flows
 * check-entry: entry on_frame
 *
 * emit_frame and drop_frame are this program's own framework calls,
 * extern here as they would live in another library. Named as outputs,
 * their arguments and guards define what impacts output.
 */
#include <stdint.h>

#define CO_BACKENDS 4u

void emit_frame(const uint8_t *frame, uint32_t len, uint32_t port);
void drop_frame(const uint8_t *frame);

uint32_t backend_rr;
uint8_t health[CO_BACKENDS] = { 1, 1, 1, 1 };
uint64_t seen;

void
on_frame(const uint8_t *frame, uint32_t len)
{
	uint32_t b = backend_rr++ % CO_BACKENDS;

	seen++;
	if (len < 14 || frame[12] == 0xff)
		health[b] = 0;
	if (!health[b]) {
		drop_frame(frame);
		return;
	}
	emit_frame(frame, len, b);
}
