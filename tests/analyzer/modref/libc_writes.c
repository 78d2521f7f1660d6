/*
 * check-name: modelled libc string functions write state; reading functions do not
 * check-object: last_host updateable !output_impacting all-flows
 * check-object: summary updateable !output_impacting all-flows
 * check-object: banner !updateable output_impacting all-flows
 * check-object: n_alerts updateable output_impacting all-flows
 * check-no-approx: unknown-external strncpy
 * check-no-approx: unknown-external snprintf
 * check-no-approx: unknown-external strlen
 * check-no-approx: unknown-external memchr
 *
 * strncpy and snprintf write their first argument; strlen and memchr only
 * read. banner reaches the alert's text, so it impacts an output without
 * ever changing; n_alerts is both counted and printed in the alert.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sa/mbox.h>
#include <sa/headers.h>

#define LW_HDR_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr) + \
			 sizeof(struct sa_udp_hdr))
#define LW_ALERT_ID	7u

char last_host[64];
char summary[128];
char banner[32] = "lw";
uint32_t n_alerts;

static void
lw_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const char *payload;
	size_t plen;

	if (pkt->len <= LW_HDR_LEN) {
		sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
		return;
	}
	payload = (const char *)pkt->data + LW_HDR_LEN;
	plen = pkt->len - LW_HDR_LEN;
	if (memchr(payload, '\n', plen) == NULL) {
		strncpy(last_host, payload,
			plen < sizeof(last_host) ? plen : sizeof(last_host) - 1);
		snprintf(summary, sizeof(summary), "%zu bytes from %s", plen,
			 last_host);
		n_alerts++;
		sa_alert(ctx, pkt, LW_ALERT_ID, "%s: unterminated line (%zu, #%u)",
			 banner, strlen(banner), n_alerts);
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

static void
lw_stats(sa_stat_fn fn, void *arg)
{
	fn(arg, "summary_len", strlen(summary));
}

const struct sa_middlebox lw_mb = {
	.name = "libc-writes",
	.process = lw_process,
	.stats = lw_stats,
};

SA_MIDDLEBOX_REGISTER(lw_mb)
