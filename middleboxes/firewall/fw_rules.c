/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Filter rules: parsing of "rule" entries and first-match evaluation.
 *
 * Grammar, one rule per "rule = ..." entry (the key repeats; rules are
 * evaluated in file order and the first match decides):
 *
 *   RULE   := ACTION PROTO "from" ADDR [PORTS] "to" ADDR [PORTS]
 *   ACTION := "allow" | "deny"
 *   PROTO  := "tcp" | "udp" | "icmp" | "icmp6" | "any"
 *   ADDR   := "any" | IPV4ADDR["/"LEN] | IPV6ADDR["/"LEN]
 *   PORTS  := "port" ( "any" | P | LO "-" HI )      (0..65535, LO <= HI)
 *
 *   rule = deny tcp from any to 192.0.2.10 port 22
 *   rule = allow tcp from 10.0.0.0/8 to any port 1-1023
 *   rule = allow icmp6 from any to fd00::/8
 *
 * Meaning: "from" is the source and "to" the destination of the packet
 * that opens a connection (TCP SYN without ACK, any UDP datagram, ICMP or
 * ICMPv6 echo request, the first datagram of another IP protocol), in
 * whichever direction it travels; the rest of the connection passes on
 * its state without rule evaluation. A prefix matches only its own address
 * family. Ports restrict a rule to TCP and UDP, so "any ... port 53" means
 * DNS over both; "port any" is the same as no port clause. ICMP and ICMPv6
 * messages other than echo (errors, neighbour discovery) never create
 * state: they pass statelessly when the first rule matching them allows
 * them (e.g. "allow icmp6 from any to any" for IPv6 neighbour discovery,
 * or an "any" protocol rule), are dropped as rule-deny when it denies
 * them, and as icmp-no-state when no rule matches: the default policy is
 * about connections, and lets no stray ICMP error through.
 */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "fw.h"

#define FW_RULE_TEXT_MAX	256
#define FW_RULE_TOKENS_MAX	16
#define FW_V4_MAPPED_BITS	96
#define FW_BITS_PER_BYTE	8
#define FW_DECIMAL_BASE		10

struct fw_tokens {
	char buf[FW_RULE_TEXT_MAX];
	const char *tok[FW_RULE_TOKENS_MAX];
	unsigned int n;
	unsigned int pos;
};

/* Where errors about the rule being parsed go. */
struct fw_rule_ctx {
	const struct sa_config *cfg;
	int idx;
	struct fw_tokens ts;
};

static const struct {
	const char *name;
	uint8_t proto;
} fw_proto_names[] = {
	{ "tcp", SA_IPPROTO_TCP },
	{ "udp", SA_IPPROTO_UDP },
	{ "icmp", SA_IPPROTO_ICMP },
	{ "icmp6", SA_IPPROTO_ICMPV6 },
	{ "any", FW_PROTO_ANY },
};

static int
fw_tokenize(struct fw_rule_ctx *rc, const char *text)
{
	struct fw_tokens *ts = &rc->ts;
	char *s;

	if (strlen(text) >= sizeof(ts->buf)) {
		sa_config_error(rc->cfg, rc->idx,
				"rule longer than %d characters",
				FW_RULE_TEXT_MAX - 1);
		return -EINVAL;
	}
	strcpy(ts->buf, text);
	ts->n = 0;
	ts->pos = 0;
	for (s = ts->buf; *s != '\0';) {
		if (*s == ' ' || *s == '\t') {
			*s++ = '\0';
			continue;
		}
		if (ts->n == FW_RULE_TOKENS_MAX) {
			sa_config_error(rc->cfg, rc->idx,
					"rule has more than %d words",
					FW_RULE_TOKENS_MAX);
			return -EINVAL;
		}
		ts->tok[ts->n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
	}
	return 0;
}

static const char *
fw_tok_peek(const struct fw_rule_ctx *rc)
{
	return rc->ts.pos < rc->ts.n ? rc->ts.tok[rc->ts.pos] : NULL;
}

/* Next word, or NULL after reporting that @what was expected. */
static const char *
fw_tok_next(struct fw_rule_ctx *rc, const char *what)
{
	const char *t = fw_tok_peek(rc);

	if (t == NULL) {
		sa_config_error(rc->cfg, rc->idx,
				"rule ends where %s was expected", what);
		return NULL;
	}
	rc->ts.pos++;
	return t;
}

static int
fw_tok_expect(struct fw_rule_ctx *rc, const char *word)
{
	const char *t = fw_tok_next(rc, word);

	if (t == NULL)
		return -EINVAL;
	if (strcmp(t, word) != 0) {
		sa_config_error(rc->cfg, rc->idx,
				"expected \"%s\", got \"%s\"", word, t);
		return -EINVAL;
	}
	return 0;
}

static int
fw_parse_port(const char *s, size_t len, uint16_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * FW_DECIMAL_BASE + (uint32_t)(s[i] - '0');
		if (v > FW_PORT_MAX)
			return -EINVAL;
	}
	*out = (uint16_t)v;
	return 0;
}

/* Optional "port P|LO-HI|any" clause; absent means every port. */
static int
fw_parse_ports(struct fw_rule_ctx *rc, bool *has, uint16_t *lo, uint16_t *hi)
{
	const char *t = fw_tok_peek(rc);
	const char *dash;

	*lo = 0;
	*hi = FW_PORT_MAX;
	if (t == NULL || strcmp(t, "port") != 0)
		return 0;
	rc->ts.pos++;
	t = fw_tok_next(rc, "a port, a port range or \"any\"");
	if (t == NULL)
		return -EINVAL;
	if (strcmp(t, "any") == 0)
		return 0;
	dash = strchr(t, '-');
	if (dash == NULL) {
		if (fw_parse_port(t, strlen(t), lo) != 0)
			goto bad;
		*hi = *lo;
	} else if (fw_parse_port(t, (size_t)(dash - t), lo) != 0 ||
		   fw_parse_port(dash + 1, strlen(dash + 1), hi) != 0 ||
		   *lo > *hi) {
		goto bad;
	}
	*has = true;
	return 0;
bad:
	sa_config_error(rc->cfg, rc->idx,
			"bad port \"%s\" (want P, LO-HI or any, 0..%u)", t,
			FW_PORT_MAX);
	return -EINVAL;
}

static void
fw_addr_from_prefix(const struct sa_prefix *pfx, struct fw_addr_match *m)
{
	static const uint8_t v4_mapped[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	};
	uint8_t addr[FW_ADDR_LEN], mask[FW_ADDR_LEN];
	unsigned int bits = pfx->len;
	unsigned int i;

	if (pfx->family == 4) {
		memcpy(addr, v4_mapped, sizeof(v4_mapped));
		memcpy(addr + sizeof(v4_mapped), pfx->addr,
		       FW_ADDR_LEN - sizeof(v4_mapped));
		bits += FW_V4_MAPPED_BITS;
	} else {
		memcpy(addr, pfx->addr, FW_ADDR_LEN);
	}
	for (i = 0; i < FW_ADDR_LEN; i++) {
		unsigned int b = bits > FW_BITS_PER_BYTE ?
			FW_BITS_PER_BYTE : bits;

		mask[i] = (uint8_t)(0xff00u >> b);
		addr[i] &= mask[i];
		bits -= b;
	}
	m->any = false;
	m->family = pfx->family;
	memcpy(m->net, addr, sizeof(m->net));
	memcpy(m->mask, mask, sizeof(m->mask));
}

static int
fw_parse_addr(struct fw_rule_ctx *rc, struct fw_addr_match *m)
{
	const char *t = fw_tok_next(rc, "an address, a prefix or \"any\"");
	struct sa_prefix pfx;

	if (t == NULL)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	if (strcmp(t, "any") == 0) {
		m->any = true;
		return 0;
	}
	if (sa_prefix_parse(t, &pfx) != 0) {
		sa_config_error(rc->cfg, rc->idx,
				"bad address or prefix \"%s\"", t);
		return -EINVAL;
	}
	fw_addr_from_prefix(&pfx, m);
	return 0;
}

static int
fw_parse_head(struct fw_rule_ctx *rc, struct fw_rule *r)
{
	const char *t;
	unsigned int i;

	t = fw_tok_next(rc, "\"allow\" or \"deny\"");
	if (t == NULL)
		return -EINVAL;
	if (strcmp(t, "allow") == 0) {
		r->action = FW_ACT_ALLOW;
	} else if (strcmp(t, "deny") == 0) {
		r->action = FW_ACT_DENY;
	} else {
		sa_config_error(rc->cfg, rc->idx,
				"expected \"allow\" or \"deny\", got \"%s\"",
				t);
		return -EINVAL;
	}
	t = fw_tok_next(rc, "a protocol");
	if (t == NULL)
		return -EINVAL;
	for (i = 0; i < sizeof(fw_proto_names) / sizeof(fw_proto_names[0]);
	     i++) {
		if (strcmp(t, fw_proto_names[i].name) == 0) {
			r->proto = fw_proto_names[i].proto;
			return 0;
		}
	}
	sa_config_error(rc->cfg, rc->idx,
			"unknown protocol \"%s\" (tcp, udp, icmp, icmp6, any)",
			t);
	return -EINVAL;
}

/* Rejects rules that could never match anything. */
static int
fw_rule_check(struct fw_rule_ctx *rc, const struct fw_rule *r)
{
	const char *msg = NULL;
	uint8_t fam = r->src.any ? r->dst.family : r->src.family;

	if (r->has_ports && r->proto != FW_PROTO_ANY &&
	    r->proto != SA_IPPROTO_TCP && r->proto != SA_IPPROTO_UDP)
		msg = "ports need tcp, udp or any";
	else if (!r->src.any && !r->dst.any &&
		 r->src.family != r->dst.family)
		msg = "from and to are of different address families";
	else if (r->proto == SA_IPPROTO_ICMP && fam == 6)
		msg = "icmp with IPv6 addresses (use icmp6)";
	else if (r->proto == SA_IPPROTO_ICMPV6 && fam == 4)
		msg = "icmp6 with IPv4 addresses (use icmp)";
	if (msg == NULL)
		return 0;
	sa_config_error(rc->cfg, rc->idx, "%s", msg);
	return -EINVAL;
}

/*
 * Parses the rule text @text of config entry @idx into @out.
 * Returns 0, or -EINVAL after reporting the problem at the entry's line.
 */
int
fw_rule_parse(const struct sa_config *cfg, int idx, const char *text,
	      struct fw_rule *out)
{
	struct fw_rule_ctx rc = { .cfg = cfg, .idx = idx };
	struct fw_rule r;

	memset(&r, 0, sizeof(r));
	if (fw_tokenize(&rc, text) != 0 ||
	    fw_parse_head(&rc, &r) != 0 ||
	    fw_tok_expect(&rc, "from") != 0 ||
	    fw_parse_addr(&rc, &r.src) != 0 ||
	    fw_parse_ports(&rc, &r.has_ports, &r.sport_lo, &r.sport_hi) != 0 ||
	    fw_tok_expect(&rc, "to") != 0 ||
	    fw_parse_addr(&rc, &r.dst) != 0 ||
	    fw_parse_ports(&rc, &r.has_ports, &r.dport_lo, &r.dport_hi) != 0)
		return -EINVAL;
	if (fw_tok_peek(&rc) != NULL) {
		sa_config_error(cfg, idx, "unexpected \"%s\" after the rule",
				fw_tok_peek(&rc));
		return -EINVAL;
	}
	if (fw_rule_check(&rc, &r) != 0)
		return -EINVAL;
	*out = r;
	return 0;
}

static inline bool
fw_addr_in(const struct fw_addr_match *m, uint8_t family,
	   const uint8_t addr[FW_ADDR_LEN])
{
	uint64_t w[2];

	if (m->any)
		return true;
	if (m->family != family)
		return false;
	memcpy(w, addr, sizeof(w));
	return (w[0] & m->mask[0]) == m->net[0] &&
	       (w[1] & m->mask[1]) == m->net[1];
}

static inline bool
fw_rule_ports(const struct fw_rule *r, uint8_t proto, uint16_t sport,
	      uint16_t dport)
{
	if (!r->has_ports)
		return true;
	if (proto != SA_IPPROTO_TCP && proto != SA_IPPROTO_UDP)
		return false;
	return sport >= r->sport_lo && sport <= r->sport_hi &&
	       dport >= r->dport_lo && dport <= r->dport_hi;
}

/*
 * First rule matching a packet sent from key side @side, counting the hit;
 * -1 when none does.
 */
int
fw_rules_match(const struct fw_key *k, unsigned int side)
{
	const uint8_t *src = k->addr[side];
	const uint8_t *dst = k->addr[side ^ 1];
	uint16_t sport = ntohs(k->port[side]);
	uint16_t dport = ntohs(k->port[side ^ 1]);
	uint32_t i;

	for (i = 0; i < fw_cfg.n_rules; i++) {
		const struct fw_rule *r = &fw_cfg.rules[i];

		if (r->proto != FW_PROTO_ANY && r->proto != k->proto)
			continue;
		if (!fw_rule_ports(r, k->proto, sport, dport) ||
		    !fw_addr_in(&r->src, k->family, src) ||
		    !fw_addr_in(&r->dst, k->family, dst))
			continue;
		fw_stats.rule_hits[i]++;
		return (int)i;
	}
	return -1;
}

/*
 * Decides whether a new connection opened from key side @side may exist:
 * FW_PASS with the deciding rule (or FW_RULE_DEFAULT) in *rule, or the
 * drop reason.
 */
unsigned int
fw_rules_admit(const struct fw_key *k, unsigned int side, uint16_t *rule)
{
	int i = fw_rules_match(k, side);

	if (i >= 0) {
		*rule = (uint16_t)i;
		return fw_cfg.rules[i].action == FW_ACT_ALLOW ?
			FW_PASS : FW_DROP_RULE_DENY;
	}
	*rule = FW_RULE_DEFAULT;
	if (fw_cfg.default_action == FW_ACT_ALLOW) {
		fw_stats.default_allowed++;
		return FW_PASS;
	}
	fw_stats.default_denied++;
	return FW_DROP_DEFAULT_DENY;
}
