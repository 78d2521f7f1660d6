/* SPDX-License-Identifier: BSD-3-Clause */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sa/prefix.h>

#include "tg_opts.h"
#include "tg_model.h"

#define TG_PROG			"sa-tracegen"
#define TG_PCT_MAX		100.0
#define TG_FLOWS_MAX		100000000ull	/* flow table stays < 10 GiB */
#define TG_CHANGES_MAX		100000ull
#define TG_DURATION_MAX		(30.0 * 24 * 3600)
#define TG_PKT_SIZE_MIN		64
#define TG_PKT_SIZE_MAX		1518
#define TG_INSIDE_LEN_MAX	30	/* at least two host addresses */
#define TG_IPV4_BITS		32

#define TG_DEFAULT_SEED		1
#define TG_DEFAULT_FLOWS	1000
#define TG_DEFAULT_HOSTS	256
#define TG_DEFAULT_SERVERS	1024
#define TG_DEFAULT_DURATION	10.0
#define TG_DEFAULT_UDP_PCT	20.0
#define TG_DEFAULT_ICMP_PCT	2.0
#define TG_DEFAULT_RST_PCT	5.0
#define TG_DEFAULT_INSIDE	"10.0.0.0/16"

enum tg_opt_id {
	TG_OPT_OUT = 256,
	TG_OPT_SEED,
	TG_OPT_FLOWS,
	TG_OPT_HOSTS,
	TG_OPT_SERVERS,
	TG_OPT_DURATION,
	TG_OPT_UDP,
	TG_OPT_ICMP,
	TG_OPT_RST,
	TG_OPT_UNSOLICITED,
	TG_OPT_IPV6,
	TG_OPT_VLAN,
	TG_OPT_MALFORMED,
	TG_OPT_MAX_PACKETS,
	TG_OPT_PKT_SIZE,
	TG_OPT_INSIDE,
	TG_OPT_NAT_POOL,
	TG_OPT_STATS,
	TG_OPT_PROFILE,
	TG_OPT_CONFIG,
	TG_OPT_BACKEND_CHANGES,
	TG_OPT_COMMANDS_OUT,
	TG_OPT_HELP,
};

#define TG_OPT_BIT(id)		(1u << ((id) - TG_OPT_OUT))
/* What every profile takes. */
#define TG_OPTS_COMMON	(TG_OPT_BIT(TG_OPT_OUT) | TG_OPT_BIT(TG_OPT_SEED) | \
			 TG_OPT_BIT(TG_OPT_FLOWS) | \
			 TG_OPT_BIT(TG_OPT_DURATION) | \
			 TG_OPT_BIT(TG_OPT_IPV6) | TG_OPT_BIT(TG_OPT_VLAN) | \
			 TG_OPT_BIT(TG_OPT_MALFORMED) | \
			 TG_OPT_BIT(TG_OPT_MAX_PACKETS) | \
			 TG_OPT_BIT(TG_OPT_PKT_SIZE) | \
			 TG_OPT_BIT(TG_OPT_STATS) | \
			 TG_OPT_BIT(TG_OPT_PROFILE) | TG_OPT_BIT(TG_OPT_HELP))

_Static_assert(TG_OPT_HELP - TG_OPT_OUT < 32, "one bit per option");

static const char *const tg_profile_names[TG_PROFILE_COUNT] = {
	[TG_PROFILE_DEFAULT] = "default",
	[TG_PROFILE_LB] = "lb",
	[TG_PROFILE_IDS] = "ids",
	[TG_PROFILE_MONITOR] = "monitor",
};

/* The options each profile reads; any other one given is refused rather
 * than silently ignored. */
static const uint32_t tg_profile_opts[TG_PROFILE_COUNT] = {
	[TG_PROFILE_DEFAULT] = ~(TG_OPT_BIT(TG_OPT_CONFIG) |
				 TG_OPT_BIT(TG_OPT_BACKEND_CHANGES) |
				 TG_OPT_BIT(TG_OPT_COMMANDS_OUT)),
	[TG_PROFILE_LB] = TG_OPTS_COMMON | TG_OPT_BIT(TG_OPT_CONFIG) |
			  TG_OPT_BIT(TG_OPT_HOSTS) | TG_OPT_BIT(TG_OPT_UDP) |
			  TG_OPT_BIT(TG_OPT_RST) |
			  TG_OPT_BIT(TG_OPT_BACKEND_CHANGES) |
			  TG_OPT_BIT(TG_OPT_COMMANDS_OUT),
	[TG_PROFILE_IDS] = TG_OPTS_COMMON | TG_OPT_BIT(TG_OPT_HOSTS) |
			   TG_OPT_BIT(TG_OPT_SERVERS) | TG_OPT_BIT(TG_OPT_UDP) |
			   TG_OPT_BIT(TG_OPT_ICMP) | TG_OPT_BIT(TG_OPT_RST),
	[TG_PROFILE_MONITOR] = TG_OPTS_COMMON | TG_OPT_BIT(TG_OPT_HOSTS) |
			       TG_OPT_BIT(TG_OPT_SERVERS),
};

static const struct option tg_long_opts[] = {
	{ "out",		required_argument, NULL, TG_OPT_OUT },
	{ "seed",		required_argument, NULL, TG_OPT_SEED },
	{ "flows",		required_argument, NULL, TG_OPT_FLOWS },
	{ "hosts",		required_argument, NULL, TG_OPT_HOSTS },
	{ "servers",		required_argument, NULL, TG_OPT_SERVERS },
	{ "duration",		required_argument, NULL, TG_OPT_DURATION },
	{ "udp",		required_argument, NULL, TG_OPT_UDP },
	{ "icmp",		required_argument, NULL, TG_OPT_ICMP },
	{ "rst",		required_argument, NULL, TG_OPT_RST },
	{ "unsolicited",	required_argument, NULL, TG_OPT_UNSOLICITED },
	{ "ipv6",		required_argument, NULL, TG_OPT_IPV6 },
	{ "vlan",		required_argument, NULL, TG_OPT_VLAN },
	{ "malformed",		required_argument, NULL, TG_OPT_MALFORMED },
	{ "max-packets",	required_argument, NULL, TG_OPT_MAX_PACKETS },
	{ "pkt-size",		required_argument, NULL, TG_OPT_PKT_SIZE },
	{ "inside",		required_argument, NULL, TG_OPT_INSIDE },
	{ "nat-pool",		required_argument, NULL, TG_OPT_NAT_POOL },
	{ "stats",		no_argument,	   NULL, TG_OPT_STATS },
	{ "profile",		required_argument, NULL, TG_OPT_PROFILE },
	{ "config",		required_argument, NULL, TG_OPT_CONFIG },
	{ "backend-changes",	required_argument, NULL,
	  TG_OPT_BACKEND_CHANGES },
	{ "commands-out",	required_argument, NULL, TG_OPT_COMMANDS_OUT },
	{ "help",		no_argument,	   NULL, TG_OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
tg_usage(FILE *f)
{
	fprintf(f,
"usage: " TG_PROG " --out FILE [options]\n"
"Writes a reproducible pcap of one-armed traffic between inside hosts and\n"
"outside servers, as seen at a middlebox's single port.\n"
"  --out FILE          output pcap (required)\n"
"  --seed S            PRNG seed; same arguments give the same file (1)\n"
"  --flows N           flows to start (1000)\n"
"  --hosts N           inside hosts (256)\n"
"  --servers N         outside servers in 198.18.0.0/15 (1024)\n"
"  --duration SEC      flows start over this many seconds (10)\n"
"  --udp PCT           UDP request/response flows (20)\n"
"  --icmp PCT          ICMP echo flows (2)\n"
"  --unsolicited PCT   single unsolicited inbound packets (0)\n"
"  --rst PCT           TCP flows ending with RST instead of FIN (5)\n"
"  --ipv6 PCT          flows over IPv6, fd00::/64 <-> 2001:db8::/32 (0)\n"
"  --vlan PCT          flows carrying one 802.1Q tag (0)\n"
"  --malformed PCT     malformed frames per 100 packets (0)\n"
"  --max-packets N     stop after N frames (no cap)\n"
"  --pkt-size N        every frame N bytes on the wire incl. FCS, no\n"
"                      payload at 64 (bench mode; the other profiles\n"
"                      cut TCP payloads and SYN options to fit)\n"
"  --inside PFX        inside IPv4 prefix (" TG_DEFAULT_INSIDE ")\n"
"  --nat-pool LIST     address return traffic as a NAT with this pool\n"
"                      (a.b.c.d and a.b.c.d/len, comma-separated) would\n"
"  --stats             print a key=value summary\n"
"  --profile NAME      default, lb, ids or monitor (default)\n"
"  --config FILE       lb: the lb's INI file, whose services the\n"
"                      clients use and whose balancer picks backends\n"
"  --backend-changes N lb: N backend state changes (drain, down, up)\n"
"                      at session starts drawn from the seed, written\n"
"                      to --commands-out as sa-runtime --commands lines\n"
"  --commands-out FILE lb: where the changes go ('INPUT_COUNT backend\n"
"                      SERVICE BACKEND STATE')\n"
"Profiles (each takes --out --seed --flows --duration --ipv6 --vlan\n"
"--malformed --max-packets --pkt-size --stats, and what it lists):\n"
"  lb       --flows client sessions from --hosts outside clients to the\n"
"           [lb] services of --config: TCP handshake, request, response,\n"
"           FIN (--rst: RST); --udp request/response; --ipv6 to IPv6\n"
"           VIPs; 3%% to unknown VIPs, ports or protocols, 1%% ICMP to\n"
"           a VIP, 1%% fragmented datagrams to a VIP, 1%% backend\n"
"           packets without a connection. Replies come from the backend\n"
"           the lb itself picks (it runs in-process on the config,\n"
"           and takes the --backend-changes at their positions: a\n"
"           backend marked down sends nothing more to its clients).\n"
"  ids      --flows benign sessions of --hosts inside hosts with\n"
"           --servers outside servers and inbound to inside web\n"
"           servers: HTTP, HTTPS, DNS (--udp), ping (--icmp), some\n"
"           retransmitted and reordered segments; plus, once each, web\n"
"           attacks from 203.0.113.0/24 (some split over segments),\n"
"           shellcode, DNS tunnelling from 10.0.200.0/24, a port scan,\n"
"           a host sweep, a SYN flood from 100.64.0.0/10, NULL and XMAS\n"
"           probes.\n"
"  monitor  inside servers and clients with fixed OS personalities and\n"
"           banners (10.0.1.0/24, 10.0.2.0/24, fd00::/64 with --ipv6),\n"
"           --hosts more inside clients, --servers outside servers,\n"
"           --flows connections between them; a banner and an OS change\n"
"           after an idle gap in the middle of the trace.\n");
}

static int
tg_bad(const char *opt, const char *arg, const char *why)
{
	fprintf(stderr, TG_PROG ": --%s: '%s': %s\n", opt, arg, why);
	return -1;
}

static int
tg_opt_u64(const char *opt, const char *arg, uint64_t min, uint64_t max,
	   uint64_t *out)
{
	char why[64];

	if (tl_parse_u64(arg, min, max, out) == 0)
		return 0;
	snprintf(why, sizeof(why), "expected an integer in %llu..%llu",
		 (unsigned long long)min, (unsigned long long)max);
	return tg_bad(opt, arg, why);
}

static int
tg_opt_pct(const char *opt, const char *arg, double *out)
{
	if (tl_parse_double(arg, 0.0, TG_PCT_MAX, out) == 0)
		return 0;
	return tg_bad(opt, arg, "expected a percentage in 0..100");
}

static int
tg_opt_inside(const char *arg, struct tg_opts *o)
{
	struct sa_prefix p;

	if (sa_prefix_parse(arg, &p) < 0 || p.family != 4)
		return tg_bad("inside", arg,
			      "expected an IPv4 prefix a.b.c.d/len");
	if (p.len > TG_INSIDE_LEN_MAX)
		return tg_bad("inside", arg, "prefix too long for any host");
	o->inside4 = (uint32_t)p.addr[0] << 24 | (uint32_t)p.addr[1] << 16 |
		     (uint32_t)p.addr[2] << 8 | p.addr[3];
	o->inside4_len = p.len;
	return 0;
}

static int
tg_opt_profile(const char *arg, struct tg_opts *o)
{
	unsigned int i;

	for (i = 0; i < TG_PROFILE_COUNT; i++) {
		if (strcmp(arg, tg_profile_names[i]) == 0) {
			o->profile = (uint8_t)i;
			return 0;
		}
	}
	return tg_bad("profile", arg, "expected default, lb, ids or monitor");
}

static int
tg_opt_pool(const char *arg, struct tg_opts *o)
{
	const char *err = NULL;

	tl_pool_free(&o->pool);
	if (tl_pool_parse(arg, &o->pool, &err) < 0)
		return tg_bad("nat-pool", arg, err);
	return 0;
}

/* One option; returns 0, -1 on a bad value, 1 for --help. */
static int
tg_opt_one(int id, const char *arg, struct tg_opts *o)
{
	uint64_t v;

	switch (id) {
	case TG_OPT_OUT:
		o->out = arg;
		return 0;
	case TG_OPT_SEED:
		return tg_opt_u64("seed", arg, 0, UINT64_MAX, &o->seed);
	case TG_OPT_FLOWS:
		return tg_opt_u64("flows", arg, 1, TG_FLOWS_MAX, &o->flows);
	case TG_OPT_HOSTS:
		return tg_opt_u64("hosts", arg, 1, UINT32_MAX, &o->hosts);
	case TG_OPT_SERVERS:
		return tg_opt_u64("servers", arg, 1, TG_SERVERS_MAX,
				  &o->servers);
	case TG_OPT_DURATION:
		if (tl_parse_double(arg, 0.0, TG_DURATION_MAX, &o->duration) ||
		    o->duration <= 0.0)
			return tg_bad("duration", arg,
				      "expected seconds, > 0 and <= 30 days");
		return 0;
	case TG_OPT_UDP:
		return tg_opt_pct("udp", arg, &o->udp_pct);
	case TG_OPT_ICMP:
		return tg_opt_pct("icmp", arg, &o->icmp_pct);
	case TG_OPT_RST:
		return tg_opt_pct("rst", arg, &o->rst_pct);
	case TG_OPT_UNSOLICITED:
		return tg_opt_pct("unsolicited", arg, &o->unsolicited_pct);
	case TG_OPT_IPV6:
		return tg_opt_pct("ipv6", arg, &o->ipv6_pct);
	case TG_OPT_VLAN:
		return tg_opt_pct("vlan", arg, &o->vlan_pct);
	case TG_OPT_MALFORMED:
		return tg_opt_pct("malformed", arg, &o->malformed_pct);
	case TG_OPT_MAX_PACKETS:
		return tg_opt_u64("max-packets", arg, 1, UINT64_MAX,
				  &o->max_packets);
	case TG_OPT_PKT_SIZE:
		if (tg_opt_u64("pkt-size", arg, TG_PKT_SIZE_MIN,
			       TG_PKT_SIZE_MAX, &v) < 0)
			return -1;
		o->pkt_size = (uint32_t)v;
		return 0;
	case TG_OPT_INSIDE:
		return tg_opt_inside(arg, o);
	case TG_OPT_NAT_POOL:
		return tg_opt_pool(arg, o);
	case TG_OPT_STATS:
		o->stats = true;
		return 0;
	case TG_OPT_PROFILE:
		return tg_opt_profile(arg, o);
	case TG_OPT_CONFIG:
		o->config = arg;
		return 0;
	case TG_OPT_BACKEND_CHANGES:
		return tg_opt_u64("backend-changes", arg, 0, TG_CHANGES_MAX,
				  &o->backend_changes);
	case TG_OPT_COMMANDS_OUT:
		o->commands_out = arg;
		return 0;
	case TG_OPT_HELP:
		return 1;
	default:
		return -1;
	}
}

/* Options given that the chosen profile does not read. */
static int
tg_opts_check_profile(const struct tg_opts *o)
{
	uint32_t extra = o->given & ~tg_profile_opts[o->profile];
	const struct option *lo;

	for (lo = tg_long_opts; lo->name != NULL; lo++) {
		if (extra & TG_OPT_BIT(lo->val)) {
			fprintf(stderr, TG_PROG ": --%s does not apply to "
				"--profile %s\n", lo->name,
				tg_profile_names[o->profile]);
			return -1;
		}
	}
	if (o->profile == TG_PROFILE_LB && o->config == NULL) {
		fprintf(stderr, TG_PROG ": --profile lb needs --config "
			"FILE (the lb's INI file)\n");
		return -1;
	}
	if (o->backend_changes > 0 && o->commands_out == NULL) {
		fprintf(stderr, TG_PROG ": --backend-changes needs "
			"--commands-out FILE\n");
		return -1;
	}
	return 0;
}

/* Cross-option rules, checked once every option is known. */
static int
tg_opts_check(struct tg_opts *o)
{
	uint64_t inside_hosts = (1ull << (TG_IPV4_BITS - o->inside4_len)) - 2;
	uint32_t need;

	if (o->out == NULL) {
		fprintf(stderr, TG_PROG ": --out FILE is required\n");
		return -1;
	}
	if (tg_opts_check_profile(o) < 0)
		return -1;
	if (o->udp_pct + o->icmp_pct + o->unsolicited_pct > TG_PCT_MAX) {
		fprintf(stderr, TG_PROG ": --udp + --icmp + --unsolicited "
			"exceed 100%%\n");
		return -1;
	}
	if (o->hosts > inside_hosts) {
		fprintf(stderr, TG_PROG ": --hosts %llu: the inside prefix "
			"holds only %llu hosts\n", (unsigned long long)o->hosts,
			(unsigned long long)inside_hosts);
		return -1;
	}
	if (o->pkt_size != 0) {
		need = tg_model_hdr_max(o) + TG_FCS_LEN;
		if (need > o->pkt_size) {
			fprintf(stderr, TG_PROG ": --pkt-size %u: frames of "
				"this mix need %u bytes (IPv6/VLAN headers)\n",
				o->pkt_size, need);
			return -1;
		}
	}
	return 0;
}

int
tg_opts_parse(int argc, char **argv, struct tg_opts *o)
{
	int id, rc;

	memset(o, 0, sizeof(*o));
	o->seed = TG_DEFAULT_SEED;
	o->flows = TG_DEFAULT_FLOWS;
	o->hosts = TG_DEFAULT_HOSTS;
	o->servers = TG_DEFAULT_SERVERS;
	o->duration = TG_DEFAULT_DURATION;
	o->udp_pct = TG_DEFAULT_UDP_PCT;
	o->icmp_pct = TG_DEFAULT_ICMP_PCT;
	o->rst_pct = TG_DEFAULT_RST_PCT;
	if (tg_opt_inside(TG_DEFAULT_INSIDE, o) < 0)
		return -1;

	opterr = 0;
	/* A leading ':' makes getopt tell a missing value from an unknown
	 * option. */
	while ((id = getopt_long(argc, argv, ":", tg_long_opts, NULL)) != -1) {
		if (id == '?' || id == ':') {
			fprintf(stderr, TG_PROG ": %s: %s (see --help)\n",
				argv[optind - 1], id == ':' ?
				"missing value" : "unknown option");
			return -1;
		}
		o->given |= TG_OPT_BIT(id);
		rc = tg_opt_one(id, optarg, o);
		if (rc == 1) {
			tg_usage(stdout);
			return 1;
		}
		if (rc < 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, TG_PROG ": unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return tg_opts_check(o);
}

void
tg_opts_fini(struct tg_opts *o)
{
	tl_pool_free(&o->pool);
}
