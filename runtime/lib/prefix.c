/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prefixes and prefix sets (sa/prefix.h). Parsing happens once at init and
 * is strict, so a typo in the configuration fails loudly instead of
 * silently protecting the wrong network; matching runs per packet.
 */

#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>

#include <sa/prefix.h>

#define IP4_ADDR_LEN	4
#define IP6_ADDR_LEN	16
#define IP4_MAX_PLEN	32
#define IP6_MAX_PLEN	128
#define PLEN_MAX_DIGITS	3
/* Longest address text inet_pton accepts, plus "/128". */
#define PREFIX_TEXT_MAX	(INET6_ADDRSTRLEN + 1 + PLEN_MAX_DIGITS)

static inline bool
is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline bool
is_blank(char c)
{
	return is_sep(c) && c != ',';
}

/* Decimal digits only: no sign, no blank, nothing trailing. */
static int
parse_plen(const char *s, size_t n, unsigned int max, unsigned int *out)
{
	unsigned int v = 0;
	size_t i;

	if (n == 0 || n > PLEN_MAX_DIGITS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* True if any bit past the first @p plen of @p addr is set. */
static bool
host_bits_set(const uint8_t *addr, unsigned int alen, unsigned int plen)
{
	unsigned int i = plen / 8;

	if (plen % 8 && (addr[i++] & (uint8_t)(0xff >> (plen % 8))))
		return true;
	for (; i < alen; i++)
		if (addr[i])
			return true;
	return false;
}

/* Parses the @p n bytes at @p text, which need not be NUL-terminated. */
static int
prefix_parse_n(const char *text, size_t n, struct sa_prefix *out)
{
	char buf[PREFIX_TEXT_MAX + 1];
	struct sa_prefix p = { 0 };
	unsigned int alen, max, plen;
	const char *slash;
	size_t alen_text;

	if (n == 0 || n > PREFIX_TEXT_MAX)
		return -EINVAL;
	memcpy(buf, text, n);
	buf[n] = '\0';
	slash = memchr(buf, '/', n);
	alen_text = slash ? (size_t)(slash - buf) : n;
	buf[alen_text] = '\0';

	if (memchr(buf, ':', alen_text)) {
		p.family = 6;
		alen = IP6_ADDR_LEN;
		max = IP6_MAX_PLEN;
	} else {
		p.family = 4;
		alen = IP4_ADDR_LEN;
		max = IP4_MAX_PLEN;
	}
	if (inet_pton(p.family == 6 ? AF_INET6 : AF_INET, buf, p.addr) != 1)
		return -EINVAL;
	plen = max;
	if (slash && parse_plen(slash + 1, n - alen_text - 1, max, &plen))
		return -EINVAL;
	if (host_bits_set(p.addr, alen, plen))
		return -EINVAL;
	p.len = (uint8_t)plen;
	*out = p;
	return 0;
}

int
sa_prefix_parse(const char *text, struct sa_prefix *out)
{
	if (text == NULL || out == NULL)
		return -EINVAL;
	return prefix_parse_n(text, strlen(text), out);
}

/*
 * Elements are separated by blanks and at most one comma, so "a, b", "a,b"
 * and "a b" are one list each while "a,,b" or a dangling comma names an
 * empty element, which is an error rather than something to skip.
 */
int
sa_prefix_set_parse(const char *text, struct sa_prefix_set *out, int *bad)
{
	struct sa_prefix_set set = { 0 };
	const char *s = text;
	bool need_elem = false;
	int idx = 0;

	if (bad)
		*bad = -1;
	if (text == NULL || out == NULL)
		return -EINVAL;
	for (;;) {
		const char *start;

		while (is_blank(*s))
			s++;
		if (*s == '\0' && !need_elem)
			break;
		start = s;
		while (*s != '\0' && !is_sep(*s))
			s++;
		if (set.n == SA_PREFIX_SET_MAX && s != start)
			return -E2BIG;
		if (s == start ||
		    prefix_parse_n(start, (size_t)(s - start), &set.p[set.n])) {
			if (bad)
				*bad = idx;
			return -EINVAL;
		}
		set.n++;
		idx++;
		while (is_blank(*s))
			s++;
		need_elem = *s == ',';
		if (need_elem)
			s++;
	}
	*out = set;
	return 0;
}

bool
sa_prefix_match4(const struct sa_prefix *p, uint32_t addr)
{
	uint32_t net, mask;

	/* The struct is public and may be filled in by hand: a length past
	 * the address would shift or compare out of bounds. */
	if (p->family != 4 || p->len > IP4_MAX_PLEN)
		return false;
	if (p->len == 0)
		return true;
	memcpy(&net, p->addr, sizeof(net));
	mask = htonl(~UINT32_C(0) << (IP4_MAX_PLEN - p->len));
	return (addr & mask) == net;
}

bool
sa_prefix_match6(const struct sa_prefix *p, const uint8_t addr[16])
{
	unsigned int full = p->len / 8, rem = p->len % 8;

	if (p->family != 6 || p->len > IP6_MAX_PLEN)
		return false;
	if (memcmp(addr, p->addr, full) != 0)
		return false;
	if (rem == 0)
		return true;
	return ((addr[full] ^ p->addr[full]) & (uint8_t)(0xff00 >> rem)) == 0;
}

bool
sa_prefix_set_match4(const struct sa_prefix_set *s, uint32_t addr)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (sa_prefix_match4(&s->p[i], addr))
			return true;
	return false;
}

bool
sa_prefix_set_match6(const struct sa_prefix_set *s, const uint8_t addr[16])
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (sa_prefix_match6(&s->p[i], addr))
			return true;
	return false;
}

/* Without an inside set (NULL), no source is inside, so a one-armed
 * middlebox sees every IP packet as arriving from outside. Non-IP frames
 * have no address to judge by and take the fixed default, IN2OUT. */
enum sa_dir
sa_pkt_dir(const struct sa_pkt *pkt, const struct sa_parsed *p,
	   const struct sa_prefix_set *inside)
{
	bool in;

	if (pkt->arm == SA_ARM_INSIDE)
		return SA_DIR_IN2OUT;
	if (pkt->arm == SA_ARM_OUTSIDE)
		return SA_DIR_OUT2IN;
	if (p->l3 == SA_L3_IPV4)
		in = inside && sa_prefix_set_match4(inside,
						    sa_ipv4(pkt, p)->src_addr);
	else if (p->l3 == SA_L3_IPV6)
		in = inside && sa_prefix_set_match6(inside,
						    sa_ipv6(pkt, p)->src_addr);
	else
		return SA_DIR_IN2OUT;
	return in ? SA_DIR_IN2OUT : SA_DIR_OUT2IN;
}
