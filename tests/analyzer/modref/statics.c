/*
 * check-name: function-local statics are persistent, named with their function
 * check-object: seq kind=static function=next_id updateable output_impacting all-flows
 * check-object: count kind=static function=note_packet updateable !output_impacting all-flows
 * check-object: count kind=static function=note_drop !updateable !output_impacting all-flows
 * check-object: file_pkts updateable !output_impacting all-flows
 *
 * next_id's seq is written into every packet's IPv4 id, so the emitted
 * bytes depend on it. The two statics named count are told apart by
 * their function; note_drop is never called from the packet path.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define ST_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

static uint64_t file_pkts;

static uint16_t
next_id(void)
{
	static uint16_t seq;

	return ++seq;
}

static void
note_packet(void)
{
	static uint64_t count;

	count++;
	file_pkts = count;
}

uint64_t
note_drop(void)
{
	static uint64_t count;

	return ++count;
}

static void
st_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	struct sa_ipv4_hdr *ip;

	note_packet();
	if (pkt->len < ST_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	ip->packet_id = next_id();
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox st_mb = {
	.name = "statics",
	.process = st_process,
};

SA_MIDDLEBOX_REGISTER(st_mb)
