/*
 * check-name: configuration parsed by init with libsa's config access, read-only per packet
 * check-link: config,prefix
 * check-object: fw_conf !updateable output_impacting all-flows
 * check-field: fw_conf blocked !updateable output_impacting
 * check-field: fw_conf log_denied !updateable output_impacting
 * check-field: fw_conf max_len !updateable output_impacting
 * check-object: denied updateable output_impacting all-flows
 *
 * Everything in fw_conf is written by init (through sa_config_* and
 * sa_prefix_set_parse) and only read by process: it needs no
 * replication per packet, yet the verdict depends on it. denied is
 * printed by the log line, so it impacts an output.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sa/mbox.h>
#include <sa/headers.h>
#include <sa/prefix.h>
#include <sa/config.h>

#define CI_MIN_LEN	(sizeof(struct sa_eth_hdr) + sizeof(struct sa_ipv4_hdr))
#define CI_MAX_LEN_DEF	1514u

struct ci_config {
	struct sa_prefix_set blocked;
	int log_denied;
	uint64_t max_len;
};

struct ci_config fw_conf;
uint64_t denied;

static int
ci_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	const char *text;
	int rc;

	(void)ctx;
	text = sa_config_get(cfg, "blocked");
	if (text != NULL && sa_prefix_set_parse(text, &fw_conf.blocked,
						NULL) != 0) {
		sa_config_error(cfg, sa_config_find(cfg, "blocked"),
				"bad prefix list");
		return -22;
	}
	rc = sa_config_bool(cfg, "log_denied", 0, &fw_conf.log_denied);
	if (rc == 0)
		rc = sa_config_u64(cfg, "max_len", CI_MAX_LEN_DEF, 64, 9000,
				   &fw_conf.max_len);
	return rc;
}

static void
ci_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	const struct sa_ipv4_hdr *ip;

	if (pkt->len < CI_MIN_LEN || pkt->len > fw_conf.max_len) {
		sa_drop(ctx, pkt, SA_DROP_L2_TRUNC);
		return;
	}
	ip = (const struct sa_ipv4_hdr *)(pkt->data + sizeof(struct sa_eth_hdr));
	if (sa_prefix_set_match4(&fw_conf.blocked, ip->src_addr)) {
		denied++;
		if (fw_conf.log_denied)
			sa_log(ctx, SA_LOG_NOTICE, "denied #%llu",
			       (unsigned long long)denied);
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox ci_mb = {
	.name = "config-init",
	.init = ci_init,
	.process = ci_process,
};

SA_MIDDLEBOX_REGISTER(ci_mb)
