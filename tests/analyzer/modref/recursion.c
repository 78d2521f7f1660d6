/*
 * check-name: a recursive insert into a heap binary tree keyed by source address
 * check-object: root updateable output_impacting
 * check-object: heap:node kind=heap updateable output_impacting
 * check-field: heap:node hits updateable output_impacting
 * check-object: max_depth updateable !output_impacting all-flows
 *
 * tree_insert calls itself down the tree; its writes at every depth,
 * including the new node linked into its parent and root itself, are
 * updates. max_depth is a statistic kept by the recursion.
 */
#include <stdint.h>
#include <stdlib.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define RC_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))
#define RC_LIMIT	100u

struct node {
	uint32_t addr;
	uint32_t hits;
	struct node *left;
	struct node *right;
};

struct node *root;
uint32_t max_depth;

static struct node *
tree_insert(struct node **link, uint32_t addr, uint32_t depth)
{
	struct node *n = *link;

	if (depth > max_depth)
		max_depth = depth;
	if (n == NULL) {
		n = calloc(1, sizeof(*n)); /* site: node */
		if (n == NULL)
			return NULL;
		n->addr = addr;
		*link = n;
		return n;
	}
	if (addr == n->addr)
		return n;
	return tree_insert(addr < n->addr ? &n->left : &n->right, addr,
			   depth + 1);
}

static void
rc_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	struct node *n;

	if (pkt->len < RC_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	n = tree_insert(&root, ip->src_addr, 0);
	if (n == NULL || ++n->hits > RC_LIMIT) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox rc_mb = {
	.name = "recursion",
	.process = rc_process,
};

SA_MIDDLEBOX_REGISTER(rc_mb)
