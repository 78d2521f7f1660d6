/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ha_config.h"

/*
 * Heartbeat defaults: 2 ms interval, dead after 4 missed (8 ms).
 * - The fast path of a failover does not wait for them: a runtime crash
 *   is seen by its own daemon at once (its control socket closes) and
 *   reported in an immediate heartbeat; the standby's runtime sees the
 *   replication connection close. Missed heartbeats cover the rest (host
 *   or daemon gone), and 8 ms keeps that case under the 10 ms target too.
 * - 500 datagrams/s each way of ~100 bytes is nothing for the CPU or the
 *   link, and 4 misses tolerate a 6 ms scheduling stall of the peer
 *   daemon (a shared 2-core host shows stalls of a few ms).
 * - A false "dead" alone never promotes: the standby also needs its
 *   replication channel to be down (ha_peer.c).
 */
#define HA_ANNOUNCE_COUNT_DEFAULT	3
#define HA_ANNOUNCE_INTERVAL_DEFAULT_US	10000
#define HA_INTERVAL_MIN_US		100
#define HA_INTERVAL_MAX_US		10000000
#define HA_MISS_MAX			1000
#define HA_LINE_MAX			1024

struct ha_cfg_parse {
	const char *path;
	unsigned int line;
	char section[32];
	unsigned int seen;	/* required keys found (bits) */
};

enum {
	SEEN_NODE_ID = 1 << 0,
	SEEN_STATE_DIR = 1 << 1,
	SEEN_KEY_FILE = 1 << 2,
	SEEN_LISTEN = 1 << 3,
	SEEN_PEER = 1 << 4,
	SEEN_RUNTIME = 1 << 5,
	SEEN_CONTROL = 1 << 6,
	SEEN_REQUIRED = (1 << 7) - 1,
};

static const char *const ha_required_names[] = {
	"[daemon] node_id", "[daemon] state_dir", "[daemon] key_file",
	"[heartbeat] listen", "[heartbeat] peer",
	"[runtime] control_socket", "[daemon] control_socket",
};

static int
cfg_err(const struct ha_cfg_parse *p, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: ", p->path, p->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

int
ha_duration_parse(const char *text, uint64_t *us)
{
	unsigned long long v;
	char *end;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0)
		return -EINVAL;
	if (*end == '\0' || strcmp(end, "ms") == 0)
		*us = v * 1000;
	else if (strcmp(end, "us") == 0)
		*us = v;
	else if (strcmp(end, "s") == 0)
		*us = v * 1000000;
	else
		return -EINVAL;
	return 0;
}

int
ha_addr_parse(const char *text, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon;
	char *end;
	unsigned long port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		colon = strstr(text, "]:");
		if (colon == NULL)
			return -EINVAL;
		hl = (size_t)(colon - text - 1);
		text++;
		colon++;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL)
			return -EINVAL;
		hl = (size_t)(colon - text);
	}
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || colon[1] == '\0' || port == 0 ||
	    port > 65535)
		return -EINVAL;
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr)
	    == 1) {
		ss->ss_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host,
		      &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
	return -EINVAL;
}

static int
set_str(const struct ha_cfg_parse *p, const char *key, const char *val,
	char *dst, size_t cap)
{
	if (*val == '\0')
		return cfg_err(p, "'%s' is empty", key);
	if (strlen(val) >= cap)
		return cfg_err(p, "'%s' is too long (at most %zu characters)",
			       key, cap - 1);
	strcpy(dst, val);
	return 0;
}

static int
set_uint(const struct ha_cfg_parse *p, const char *key, const char *val,
	 unsigned long long min, unsigned long long max,
	 unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(val, &end, 0);
	if (*val < '0' || *val > '9' || errno != 0 || *end != '\0' ||
	    *out < min || *out > max)
		return cfg_err(p, "'%s': '%s' is not a number from %llu to "
			       "%llu", key, val, min, max);
	return 0;
}

static int
parse_mac(const char *val, uint8_t mac[6])
{
	unsigned int b[6], i;
	char tail;

	if (sscanf(val, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static int
key_daemon(struct ha_cfg_parse *p, struct ha_config *c, const char *key,
	   const char *val)
{
	unsigned long long v;

	if (strcmp(key, "node_id") == 0) {
		p->seen |= SEEN_NODE_ID;
		if (set_uint(p, key, val, 1, UINT32_MAX, &v) < 0)
			return -EINVAL;
		c->node_id = (uint32_t)v;
		return 0;
	}
	if (strcmp(key, "state_dir") == 0) {
		p->seen |= SEEN_STATE_DIR;
		return set_str(p, key, val, c->state_dir,
			       sizeof(c->state_dir));
	}
	if (strcmp(key, "key_file") == 0) {
		p->seen |= SEEN_KEY_FILE;
		return set_str(p, key, val, c->key_file, sizeof(c->key_file));
	}
	if (strcmp(key, "control_socket") == 0) {
		p->seen |= SEEN_CONTROL;
		return set_str(p, key, val, c->control_socket,
			       sizeof(c->control_socket));
	}
	if (strcmp(key, "log") == 0) {
		if (strcmp(val, "stderr") == 0)
			c->log = HA_LOG_STDERR;
		else if (strcmp(val, "syslog") == 0)
			c->log = HA_LOG_SYSLOG;
		else
			return cfg_err(p, "'log': '%s' is not stderr or "
				       "syslog", val);
		return 0;
	}
	if (strcmp(key, "debug") == 0) {
		if (set_uint(p, key, val, 0, 1, &v) < 0)
			return -EINVAL;
		c->debug = (int)v;
		return 0;
	}
	if (strcmp(key, "realtime_priority") == 0) {
		if (set_uint(p, key, val, 0, HA_RT_PRIORITY_MAX, &v) < 0)
			return -EINVAL;
		c->rt_priority = (int)v;
		return 0;
	}
	return cfg_err(p, "unknown key '%s' in [daemon]", key);
}

static int
key_heartbeat(struct ha_cfg_parse *p, struct ha_config *c, const char *key,
	      const char *val)
{
	unsigned long long v;

	if (strcmp(key, "listen") == 0 || strcmp(key, "peer") == 0) {
		int listen = key[0] == 'l';

		p->seen |= listen ? SEEN_LISTEN : SEEN_PEER;
		if (ha_addr_parse(val, listen ? &c->listen : &c->peer,
				  listen ? &c->listen_len : &c->peer_len) < 0)
			return cfg_err(p, "'%s': '%s' is not HOST:PORT", key,
				       val);
		return 0;
	}
	if (strcmp(key, "interval") == 0) {
		if (ha_duration_parse(val, &c->interval_us) < 0 ||
		    c->interval_us < HA_INTERVAL_MIN_US ||
		    c->interval_us > HA_INTERVAL_MAX_US)
			return cfg_err(p, "'interval': '%s' is not a duration "
				       "from 100us to 10s", val);
		return 0;
	}
	if (strcmp(key, "miss_count") == 0) {
		if (set_uint(p, key, val, 1, HA_MISS_MAX, &v) < 0)
			return -EINVAL;
		c->miss_count = (unsigned int)v;
		return 0;
	}
	return cfg_err(p, "unknown key '%s' in [heartbeat]", key);
}

static int
key_runtime(struct ha_cfg_parse *p, struct ha_config *c, const char *key,
	    const char *val)
{
	if (strcmp(key, "control_socket") == 0) {
		p->seen |= SEEN_RUNTIME;
		return set_str(p, key, val, c->runtime_socket,
			       sizeof(c->runtime_socket));
	}
	if (strcmp(key, "on_demote") == 0)
		return set_str(p, key, val, c->on_demote, sizeof(c->on_demote));
	return cfg_err(p, "unknown key '%s' in [runtime]", key);
}

static int
key_announce(struct ha_cfg_parse *p, struct ha_config *c, const char *key,
	     const char *val)
{
	unsigned long long v;
	struct ha_vip *vip;

	if (strcmp(key, "interface") == 0)
		return set_str(p, key, val, c->interface, sizeof(c->interface));
	if (strcmp(key, "mac") == 0) {
		if (parse_mac(val, c->mac) < 0)
			return cfg_err(p, "'mac': '%s' is not a MAC address",
				       val);
		c->have_mac = 1;
		return 0;
	}
	if (strcmp(key, "vip") == 0) {
		if (c->n_vips == HA_VIPS_MAX)
			return cfg_err(p, "more than %d 'vip' keys",
				       HA_VIPS_MAX);
		vip = &c->vip[c->n_vips];
		if (inet_pton(AF_INET, val, vip->addr) == 1)
			vip->family = AF_INET;
		else if (inet_pton(AF_INET6, val, vip->addr) == 1)
			vip->family = AF_INET6;
		else
			return cfg_err(p, "'vip': '%s' is not an IPv4 or IPv6 "
				       "address", val);
		c->n_vips++;
		return 0;
	}
	if (strcmp(key, "count") == 0) {
		if (set_uint(p, key, val, 1, 100, &v) < 0)
			return -EINVAL;
		c->announce_count = (unsigned int)v;
		return 0;
	}
	if (strcmp(key, "interval") == 0) {
		if (ha_duration_parse(val, &c->announce_interval_us) < 0)
			return cfg_err(p, "'interval': '%s' is not a duration",
				       val);
		return 0;
	}
	return cfg_err(p, "unknown key '%s' in [announce]", key);
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int
parse_line(struct ha_cfg_parse *p, struct ha_config *c, char *line)
{
	char *s = trim(line), *eq, *key, *val;

	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		eq = strchr(s, ']');
		if (eq == NULL || eq[1] != '\0' || eq - s - 1 <= 0 ||
		    (size_t)(eq - s - 1) >= sizeof(p->section))
			return cfg_err(p, "bad section header '%s'", s);
		*eq = '\0';
		strcpy(p->section, s + 1);
		if (strcmp(p->section, "daemon") != 0 &&
		    strcmp(p->section, "heartbeat") != 0 &&
		    strcmp(p->section, "runtime") != 0 &&
		    strcmp(p->section, "announce") != 0)
			return cfg_err(p, "unknown section [%s]", p->section);
		return 0;
	}
	eq = strchr(s, '=');
	if (eq == NULL)
		return cfg_err(p, "expected KEY = VALUE, got '%s'", s);
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (p->section[0] == '\0')
		return cfg_err(p, "'%s' outside any section", key);
	if (strcmp(p->section, "daemon") == 0)
		return key_daemon(p, c, key, val);
	if (strcmp(p->section, "heartbeat") == 0)
		return key_heartbeat(p, c, key, val);
	if (strcmp(p->section, "runtime") == 0)
		return key_runtime(p, c, key, val);
	return key_announce(p, c, key, val);
}

/* What the file's values refer to must exist now, not at first use. */
static int
check_paths(struct ha_cfg_parse *p, const struct ha_config *c,
	    unsigned int key_line, unsigned int dir_line)
{
	char probe[4200];
	struct stat st;
	int fd;

	p->line = key_line;
	if (stat(c->key_file, &st) != 0)
		return cfg_err(p, "key_file %s: %s", c->key_file,
			       strerror(errno));
	p->line = dir_line;
	snprintf(probe, sizeof(probe), "%s/.probe.%d", c->state_dir,
		 (int)getpid());
	fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cfg_err(p, "state_dir %s is not writable: %s",
			       c->state_dir, strerror(errno));
	close(fd);
	unlink(probe);
	return 0;
}

int
ha_config_load(const char *path, struct ha_config *c)
{
	struct ha_cfg_parse p = { .path = path };
	unsigned int key_line = 0, dir_line = 0, i;
	char line[HA_LINE_MAX];
	int ret = 0;
	FILE *f;

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->interval_us = HA_INTERVAL_DEFAULT_US;
	c->miss_count = HA_MISS_DEFAULT;
	c->announce_count = HA_ANNOUNCE_COUNT_DEFAULT;
	c->announce_interval_us = HA_ANNOUNCE_INTERVAL_DEFAULT_US;
	f = fopen(path, "r");
	if (f == NULL) {
		ret = -errno;
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return ret;
	}
	while (ret == 0 && fgets(line, sizeof(line), f) != NULL) {
		p.line++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			ret = cfg_err(&p, "line too long");
			break;
		}
		ret = parse_line(&p, c, line);
		if (strncmp(trim(line), "key_file", 8) == 0)
			key_line = p.line;
		if (strncmp(trim(line), "state_dir", 9) == 0)
			dir_line = p.line;
	}
	fclose(f);
	if (ret < 0)
		return ret;
	for (i = 0; i < sizeof(ha_required_names) / sizeof(*ha_required_names);
	     i++) {
		if (!(p.seen & (1u << i))) {
			fprintf(stderr, "%s: %s is required\n", path,
				ha_required_names[i]);
			return -EINVAL;
		}
	}
	if (c->n_vips > 0 && c->interface[0] == '\0') {
		fprintf(stderr, "%s:%u: [announce] vip needs an interface\n",
			path, p.line);
		return -EINVAL;
	}
	return check_paths(&p, c, key_line, dir_line);
}
