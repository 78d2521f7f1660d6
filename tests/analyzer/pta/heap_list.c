/*
 * check-name: a heap linked list of per-host records built per packet
 * check-object: hosts updateable output_impacting
 * check-object: n_hosts updateable output_impacting all-flows
 * check-object: heap:host kind=heap updateable output_impacting
 * check-field: heap:host pkts updateable output_impacting
 * check-field: heap:host addr updateable output_impacting
 * check-field: heap:host next updateable output_impacting
 *
 * Records are malloc'ed in process and pushed on the list head; the
 * per-host packet count decides the verdict, and the list links and
 * addresses decide which record is found. Their scope is not stated: a
 * list search compares keys rather than indexing by them.
 */
#include <stdint.h>
#include <stdlib.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define HL_MAX_HOSTS	4096u
#define HL_HOST_LIMIT	500u
#define HL_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))

struct host {
	uint32_t addr;
	uint32_t pkts;
	struct host *next;
};

static struct host *hosts;
static uint32_t n_hosts;

static struct host *
hl_find(uint32_t addr)
{
	struct host *h;

	for (h = hosts; h != NULL; h = h->next)
		if (h->addr == addr)
			return h;
	return NULL;
}

static void
hl_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	struct host *h;

	if (pkt->len < HL_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	h = hl_find(ip->src_addr);
	if (h == NULL) {
		if (n_hosts >= HL_MAX_HOSTS) {
			sa_drop(ctx, pkt, SA_DROP_STATE_FULL);
			return;
		}
		h = malloc(sizeof(*h)); /* site: host */
		if (h == NULL) {
			sa_drop(ctx, pkt, SA_DROP_STATE_FULL);
			return;
		}
		h->addr = ip->src_addr;
		h->pkts = 0;
		h->next = hosts;
		hosts = h;
		n_hosts++;
	}
	h->pkts++;
	if (h->pkts > HL_HOST_LIMIT) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox hl_mb = {
	.name = "heap-list",
	.process = hl_process,
};

SA_MIDDLEBOX_REGISTER(hl_mb)
