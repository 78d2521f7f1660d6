/*
 * check-name: handlers called through a table indexed by the IP protocol
 * check-object: tcp_seen updateable !output_impacting all-flows
 * check-object: udp_seen updateable !output_impacting all-flows
 * check-object: icmp_budget updateable output_impacting all-flows
 * check-object: other_seen updateable !output_impacting all-flows
 * check-object: reset_count !updateable !output_impacting all-flows
 * check-no-approx: unresolved-indirect-call
 *
 * The call through dispatch[] resolves, through the pointer analysis, to
 * the three handlers in its initializer, so what they write is updated
 * per packet. debug_reset() is never called and its address is never
 * taken, so reset_count is not. There is no other indirect call in the
 * module (no stats callback), so none may be left unresolved.
 */
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define FT_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))
#define FT_ICMP_BUDGET	1000u
#define FT_PASS		0u

typedef unsigned int (*proto_fn)(const struct sa_ipv4_hdr *ip);

uint64_t tcp_seen;
uint64_t udp_seen;
uint64_t other_seen;
uint32_t icmp_budget;
uint64_t reset_count;

static unsigned int
on_tcp(const struct sa_ipv4_hdr *ip)
{
	(void)ip;
	tcp_seen++;
	return FT_PASS;
}

static unsigned int
on_udp(const struct sa_ipv4_hdr *ip)
{
	(void)ip;
	udp_seen++;
	return FT_PASS;
}

static unsigned int
on_icmp(const struct sa_ipv4_hdr *ip)
{
	(void)ip;
	if (icmp_budget == 0)
		return SA_DROP_MB_BASE;
	icmp_budget--;
	return FT_PASS;
}

static unsigned int
on_other(const struct sa_ipv4_hdr *ip)
{
	(void)ip;
	other_seen++;
	return FT_PASS;
}

static const proto_fn dispatch[256] = {
	[SA_IPPROTO_ICMP] = on_icmp,
	[SA_IPPROTO_TCP] = on_tcp,
	[SA_IPPROTO_UDP] = on_udp,
};

void
debug_reset(void)
{
	reset_count++;
	tcp_seen = 0;
}

static int
ft_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	icmp_budget = FT_ICMP_BUDGET;
	return 0;
}

static void
ft_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;
	proto_fn fn;
	unsigned int verdict;

	if (pkt->len < FT_MIN_LEN) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	fn = dispatch[ip->next_proto_id];
	verdict = fn != NULL ? fn(ip) : on_other(ip);
	if (verdict != FT_PASS) {
		sa_drop(ctx, pkt, verdict);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox ft_mb = {
	.name = "fnptr-table",
	.init = ft_init,
	.process = ft_process,
};

SA_MIDDLEBOX_REGISTER(ft_mb)
