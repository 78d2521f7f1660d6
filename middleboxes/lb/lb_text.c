/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The endpoint grammar of the [lb] section and of lb_backend_set_state():
 *
 *   endpoint := IPV4 [":" PORT] | "[" IPV6 "]" [":" PORT]
 *   service  := endpoint "/" ("tcp" | "udp")       (PORT required)
 *
 * PORT is decimal, 1..65535. IPv6 addresses always go in brackets, so a
 * colon never has two meanings. The unspecified address (0.0.0.0, ::) is
 * refused: it can be neither a VIP nor a backend.
 */

#include <string.h>

#include "lb_priv.h"

#define LB_PORT_MAX		65535u
#define LB_PORT_DIGITS_MAX	5
/* Longest address text: a full IPv6 address with an embedded IPv4. */
#define LB_ADDR_TEXT_MAX	46
#define LB_TEXT_BAD_ADDR \
	"expected an IPv4 address or an IPv6 address in brackets"

static const char *
lb_text_port(const char *s, size_t n, uint16_t *port)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0 || n > LB_PORT_DIGITS_MAX)
		return "port must be a decimal number 1-65535";
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return "port must be a decimal number 1-65535";
		v = v * LB_DECIMAL_BASE + (uint32_t)(s[i] - '0');
	}
	if (v == 0 || v > LB_PORT_MAX)
		return "port must be a decimal number 1-65535";
	*port = (uint16_t)v;
	return NULL;
}

static const char *
lb_text_addr(const char *s, size_t n, bool bracketed, struct lb_endpoint *out)
{
	char buf[LB_ADDR_TEXT_MAX + 1];
	struct sa_prefix pfx;
	size_t i;

	if (n == 0 || n > LB_ADDR_TEXT_MAX)
		return LB_TEXT_BAD_ADDR;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (sa_prefix_parse(buf, &pfx) < 0)
		return LB_TEXT_BAD_ADDR;
	if ((pfx.family == SA_L3_IPV6) != bracketed)
		return bracketed ? "only IPv6 addresses go in brackets" :
				   "IPv6 addresses go in brackets: [ADDR]:PORT";
	memset(out->addr, 0, sizeof(out->addr));
	memcpy(out->addr, pfx.addr, pfx.family == SA_L3_IPV4 ?
	       LB_IP4_ADDR_LEN : LB_ADDR_LEN);
	out->family = pfx.family;
	for (i = 0; i < LB_ADDR_LEN; i++)
		if (out->addr[i] != 0)
			return NULL;
	return "the unspecified address is neither a VIP nor a backend";
}

static const char *
lb_text_proto(const char *s, struct lb_endpoint *out)
{
	if (strcmp(s, "tcp") == 0)
		out->proto = SA_IPPROTO_TCP;
	else if (strcmp(s, "udp") == 0)
		out->proto = SA_IPPROTO_UDP;
	else
		return "protocol must be tcp or udp";
	return NULL;
}

/*
 * Parses one endpoint (@p want_proto: a service) from the whole of
 * @p text. Returns NULL with *out filled, or what is wrong with it.
 */
const char *
lb_text_endpoint(const char *text, bool want_proto, struct lb_endpoint *out)
{
	const char *rest, *end, *err;
	bool bracketed = text[0] == '[';
	size_t n;

	memset(out, 0, sizeof(*out));
	if (bracketed) {
		end = strchr(text, ']');
		if (end == NULL)
			return "'[' without ']'";
		err = lb_text_addr(text + 1, (size_t)(end - text - 1), true,
				   out);
		rest = end + 1;
	} else {
		n = strcspn(text, ":/");
		err = lb_text_addr(text, n, false, out);
		rest = text + n;
	}
	if (err != NULL)
		return err;
	if (*rest == ':') {
		n = strcspn(rest + 1, "/");
		err = lb_text_port(rest + 1, n, &out->port);
		if (err != NULL)
			return err;
		rest += 1 + n;
	}
	if (!want_proto)
		return *rest == '\0' ? NULL : "expected ADDR[:PORT]";
	if (out->port == 0 || *rest != '/')
		return "expected VIP:PORT/PROTO";
	return lb_text_proto(rest + 1, out);
}
