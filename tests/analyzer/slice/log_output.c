/*
 * check-name: sa_log is an output: state it prints impacts output
 * check-object: bad_frames updateable output_impacting all-flows
 * check-object: last_bad_len updateable output_impacting all-flows
 * check-object: good_frames updateable !output_impacting all-flows
 *
 * Every 1000th malformed frame is logged with the running count and the
 * last bad length; the counters of good frames are printed nowhere.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define LO_EVERY	1000u
#define LO_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

uint64_t bad_frames;
uint32_t last_bad_len;
uint64_t good_frames;

static void
lo_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (pkt->len < LO_MIN_LEN) {
		last_bad_len = pkt->len;
		if (++bad_frames % LO_EVERY == 0)
			sa_log(ctx, SA_LOG_WARNING,
			       "%llu short frames, last %u bytes",
			       (unsigned long long)bad_frames, last_bad_len);
	} else {
		good_frames++;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox lo_mb = {
	.name = "log-output",
	.process = lo_process,
};

SA_MIDDLEBOX_REGISTER(lo_mb)
