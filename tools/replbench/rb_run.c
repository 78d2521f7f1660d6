/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One measurement: a standby sa-runtime listening on a loopback port, a
 * primary replaying the trace to it (--await-standby, so every batch is
 * replicated), both with --stats-file. The primary ends by itself after
 * the trace (--idle-exit); the standby is then told to stop (SIGTERM) and
 * writes its counters.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rb.h"

#define RB_PCAP_HDR		24
#define RB_PCAP_REC_HDR		16
#define RB_PCAP_MAGIC_US	0xa1b2c3d4u
#define RB_PCAP_MAGIC_NS	0xa1b23c4du
#define RB_KEY_BYTES		32
#define RB_ARGV_MAX		40
#define RB_POLL_NS		10000000L	/* 10 ms */
#define RB_STOP_GRACE_S		10
/* Wait this long for the standby to be synced before the trace starts;
 * a snapshot of a large arena takes a while on a busy machine. */
#define RB_AWAIT_MS		"20000"
/* No RX for this long ends the primary's run. Generous: a primary that
 * waits on a full send buffer (snapshot mode) receives nothing meanwhile,
 * and the packet count is checked afterwards anyway. */
#define RB_IDLE_EXIT_MS		"2000"
#define RB_LOG_TAIL		15
#define RB_PATH_MAX		160
#define RB_NFTW_FDS		8

struct rb_child {
	pid_t pid;
	const char *name;
	char log[RB_PATH_MAX];
};

/* Instances running now, for the signal handler. */
static volatile pid_t rb_pids[2];

void
rb_run_kill_all(void)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (rb_pids[i] > 0)
			kill(rb_pids[i], SIGKILL);
}

static uint32_t
rd32(const uint8_t *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? __builtin_bswap32(v) : v;
}

/* Counts the trace's packets and copies its file header to @p empty (the
 * standby's RX). @return 0, or -1 with a message. */
static int
rb_trace_scan(const char *trace, const char *empty, uint64_t *packets)
{
	uint8_t hdr[RB_PCAP_HDR], rec[RB_PCAP_REC_HDR];
	uint32_t magic, incl;
	int swap, ok = -1;
	FILE *in, *out;

	in = fopen(trace, "rb");
	if (in == NULL) {
		fprintf(stderr, RB_PROG ": --trace: %s: %s\n", trace,
			strerror(errno));
		return -1;
	}
	*packets = 0;
	if (fread(hdr, 1, sizeof(hdr), in) != sizeof(hdr))
		goto bad;
	memcpy(&magic, hdr, sizeof(magic));
	swap = magic != RB_PCAP_MAGIC_US && magic != RB_PCAP_MAGIC_NS;
	magic = swap ? __builtin_bswap32(magic) : magic;
	if (magic != RB_PCAP_MAGIC_US && magic != RB_PCAP_MAGIC_NS)
		goto bad;
	while (fread(rec, 1, sizeof(rec), in) == sizeof(rec)) {
		incl = rd32(rec + 8, swap);
		if (fseek(in, incl, SEEK_CUR) != 0)
			goto bad;
		(*packets)++;
	}
	out = fopen(empty, "wb");
	if (out != NULL) {
		ok = fwrite(hdr, 1, sizeof(hdr), out) == sizeof(hdr) ? 0 : -1;
		ok |= fclose(out);
	}
	fclose(in);
	if (ok < 0)
		fprintf(stderr, RB_PROG ": %s: cannot write\n", empty);
	else if (*packets == 0)
		fprintf(stderr, RB_PROG ": --trace: %s: no packets\n", trace);
	return ok < 0 || *packets == 0 ? -1 : 0;
bad:
	fclose(in);
	fprintf(stderr, RB_PROG ": --trace: %s: not a pcap file\n", trace);
	return -1;
}

static int
rb_write_key(const char *path)
{
	uint8_t k[RB_KEY_BYTES];
	FILE *f;
	int fd, rnd;
	size_t i;

	rnd = open("/dev/urandom", O_RDONLY);
	if (rnd < 0 || read(rnd, k, sizeof(k)) != (ssize_t)sizeof(k)) {
		if (rnd >= 0)
			close(rnd);
		return -1;
	}
	close(rnd);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
		return -1;
	for (i = 0; i < sizeof(k); i++)
		fprintf(f, "%02x", k[i]);
	fputc('\n', f);
	return fclose(f);
}

static int
rb_section_is(const char *line, const char *name)
{
	size_t n = strlen(name);

	while (*line == ' ' || *line == '\t')
		line++;
	return line[0] == '[' && strncmp(line + 1, name, n) == 0 &&
	       line[n + 1] == ']';
}

/* "key = value" of @p line into @p val when its key is @p key. */
static int
rb_ini_value(const char *line, const char *key, char *val, size_t len)
{
	size_t n = strlen(key), e;

	while (*line == ' ' || *line == '\t')
		line++;
	if (strncmp(line, key, n) != 0)
		return 0;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line++ != '=')
		return 0;
	while (*line == ' ' || *line == '\t')
		line++;
	e = strcspn(line, " \t\r\n#;");
	if (e >= len)
		e = len - 1;
	memcpy(val, line, e);
	val[e] = '\0';
	return 1;
}

/* The user's config without its [replication] section, plus ours; learns
 * the [runtime] port, which must be a one-armed net_pcap port. */
static int
rb_write_config(struct rb_env *env, const struct rb_opts *o)
{
	char line[1024], mode[32] = "one-armed";
	int skip = 0, in_runtime = 0;
	FILE *in, *out;

	in = fopen(o->config, "r");
	if (in == NULL) {
		fprintf(stderr, RB_PROG ": --config: %s: %s\n", o->config,
			strerror(errno));
		return RB_EXIT_USAGE;
	}
	out = fopen(env->config, "w");
	if (out == NULL) {
		fclose(in);
		return RB_EXIT_FAIL;
	}
	strcpy(env->port_name, "");
	while (fgets(line, sizeof(line), in) != NULL) {
		if (strchr(line, '[') != NULL && line[strspn(line, " \t")] == '[') {
			skip = rb_section_is(line, "replication");
			in_runtime = rb_section_is(line, "runtime");
		}
		if (in_runtime) {
			rb_ini_value(line, "port", env->port_name,
				     sizeof(env->port_name));
			rb_ini_value(line, "mode", mode, sizeof(mode));
		}
		if (!skip)
			fputs(line, out);
	}
	fclose(in);
	fprintf(out, "\n[replication]\nkey_file = %s\nack_timeout = 5s\n"
		"reconnect = 50ms\n", env->key);
	if (fclose(out) != 0)
		return RB_EXIT_FAIL;
	if (strcmp(mode, "one-armed") != 0 ||
	    strncmp(env->port_name, "net_pcap", 8) != 0) {
		fprintf(stderr, RB_PROG ": --config: %s: needs [runtime] "
			"mode = one-armed and a net_pcap port (has %s, "
			"port '%s')\n", o->config, mode, env->port_name);
		return RB_EXIT_USAGE;
	}
	return 0;
}

int
rb_env_init(struct rb_env *env, const struct rb_opts *o)
{
	int rc;

	memset(env, 0, sizeof(*env));
	strcpy(env->dir, "/tmp/sa-replbench.XXXXXX");
	if (mkdtemp(env->dir) == NULL) {
		fprintf(stderr, RB_PROG ": mkdtemp: %s\n", strerror(errno));
		return RB_EXIT_FAIL;
	}
	snprintf(env->key, sizeof(env->key), "%s/key", env->dir);
	snprintf(env->config, sizeof(env->config), "%s/run.ini", env->dir);
	snprintf(env->empty_pcap, sizeof(env->empty_pcap), "%s/empty.pcap",
		 env->dir);
	if (rb_trace_scan(o->trace, env->empty_pcap,
			  &env->trace_packets) < 0) {
		rc = RB_EXIT_USAGE;
	} else if (rb_write_key(env->key) < 0) {
		fprintf(stderr, RB_PROG ": %s: cannot write\n", env->key);
		rc = RB_EXIT_FAIL;
	} else {
		rc = rb_write_config(env, o);
	}
	if (rc != 0)
		rb_env_fini(env, 0);
	return rc;
}

static int
rb_rm_cb(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

void
rb_env_fini(struct rb_env *env, int keep)
{
	if (env->dir[0] == '\0')
		return;
	if (keep)
		fprintf(stderr, RB_PROG ": work files kept in %s\n", env->dir);
	else
		nftw(env->dir, rb_rm_cb, RB_NFTW_FDS, FTW_DEPTH | FTW_PHYS);
	env->dir[0] = '\0';
}

/* A free loopback TCP port (the kernel's pick; released right away). */
static int
rb_free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd < 0)
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static pid_t
rb_spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();
	int fd;

	if (pid != 0)
		return pid;
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	execv(argv[0], argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Waits up to @p secs for @p pid. @return its wait status, or -1 (still
 * running). */
static int
rb_wait(pid_t pid, unsigned int secs)
{
	struct timespec poll = { .tv_nsec = RB_POLL_NS };
	uint64_t left = (uint64_t)secs * (1000000000L / RB_POLL_NS);
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
		if (left-- == 0)
			return -1;
		nanosleep(&poll, NULL);
	}
}

struct rb_argv {
	char *v[RB_ARGV_MAX];
	char buf[8][RB_PATH_MAX + 64];
	unsigned int n, nbuf;
};

static void
rb_arg(struct rb_argv *a, const char *s)
{
	if (a->n + 1 < RB_ARGV_MAX)
		a->v[a->n++] = (char *)(uintptr_t)s;
	a->v[a->n] = NULL;
}

static const char *
rb_argf(struct rb_argv *a, const char *fmt, const char *s1, const char *s2)
{
	char *b = a->buf[a->nbuf++ % 8];

	snprintf(b, sizeof(a->buf[0]), fmt, s1, s2);
	return b;
}

/* EAL and common options of one instance. */
static void
rb_argv_common(struct rb_argv *a, const struct rb_env *env,
	       const struct rb_opts *o, unsigned int lcore, const char *tag,
	       const char *rx_pcap, const char *stats)
{
	char num[24];

	rb_arg(a, o->runtime);
	rb_arg(a, "--no-huge");
	snprintf(num, sizeof(num), "%u", o->mem_mb);
	rb_arg(a, "-m");
	rb_arg(a, rb_argf(a, "%s%s", num, ""));
	rb_arg(a, "--no-pci");
	rb_arg(a, "--no-shconf");
	snprintf(num, sizeof(num), "%u", lcore);
	rb_arg(a, "-l");
	rb_arg(a, rb_argf(a, "%s%s", num, ""));
	snprintf(num, sizeof(num), "rb%d%s", (int)getpid(), tag);
	rb_arg(a, "--file-prefix");
	rb_arg(a, rb_argf(a, "%s%s", num, ""));
	rb_arg(a, "--log-level=lib.eal:error");
	rb_arg(a, "--vdev");
	rb_arg(a, rb_argf(a, "%s,rx_pcap=%s,tx_pcap=/dev/null",
			  env->port_name, rx_pcap));
	rb_arg(a, "--");
	rb_arg(a, "--mb");
	rb_arg(a, o->mb);
	rb_arg(a, "--config");
	rb_arg(a, env->config);
	rb_arg(a, "--clock");
	rb_arg(a, "trace");
	rb_arg(a, "--quiet");
	rb_arg(a, "--stats-file");
	rb_arg(a, stats);
}

static int
rb_fail(const struct rb_child *c, const char *what)
{
	fprintf(stderr, RB_PROG ": the %s %s; the end of its log (%s):\n",
		c->name, what, c->log);
	rb_log_tail(c->log, RB_LOG_TAIL);
	return RB_EXIT_FAIL;
}

/* Stops the standby and waits for its counters. @return its wait
 * status, or -1 when it would not stop. */
static int
rb_stop_standby(struct rb_child *s)
{
	int st;

	kill(s->pid, SIGTERM);
	st = rb_wait(s->pid, RB_STOP_GRACE_S);
	if (st < 0) {
		kill(s->pid, SIGKILL);
		rb_wait(s->pid, RB_STOP_GRACE_S);
	}
	s->pid = rb_pids[1] = 0;
	return st;
}

static int
rb_collect(const struct rb_env *env, struct rb_child *p,
	   const char *p_stats, const char *s_stats, struct rb_result *res)
{
	static const char *const keys[] = {
		"port.rx", "repl.batches", "repl.frames", "repl.wire_bytes",
		"repl.snapshot_bytes", "repl.range_bytes",
		"repl.dirty.flow_updates", "repl.connects", "repl.disconnects",
		"repl.sync_wire_bytes",
	};
	uint64_t v[RB_DIM(keys)], ack = 0;
	char *json = rb_slurp(p_stats), *sjson, *log;
	unsigned int i;

	for (i = 0; json != NULL && i < RB_DIM(keys); i++)
		if (rb_json_counter(json, keys[i], &v[i]) < 0)
			break;
	free(json);
	if (json == NULL || i < RB_DIM(keys))
		return rb_fail(p, "wrote no usable stats file (is this "
			       "sa-runtime too old for repl.frames?)");
	if (v[0] != env->trace_packets)
		return rb_fail(p, "stopped before the end of the trace");
	if (v[7] != 1 || v[8] != 0)
		return rb_fail(p, "lost its standby during the run");
	res->packets = v[0];
	res->batches = v[1];
	res->frames = v[2];
	res->wire_bytes = v[3];
	res->snapshot_bytes = v[4];
	res->range_bytes = v[5];
	res->flow_updates = v[6];
	res->sync_bytes = v[9];
	res->delta_bytes = v[3] - v[9];
	sjson = rb_slurp(s_stats);
	if (sjson != NULL)
		rb_json_counter(sjson, "repl.wire_bytes", &ack);
	free(sjson);
	res->ack_bytes = ack;
	log = rb_slurp(p->log);
	rb_log_tracking(log, res->tracking, sizeof(res->tracking));
	free(log);
	return 0;
}

int
rb_run_mode(const struct rb_env *env, const struct rb_opts *o,
	    enum rb_mode mode, struct rb_result *res)
{
	char addr[32], p_stats[RB_PATH_MAX], s_stats[RB_PATH_MAX];
	const char *name = rb_mode_name(mode);
	struct rb_child s = { .name = "standby" }, p = { .name = "primary" };
	struct rb_argv sa = { 0 }, pa = { 0 };
	int port = rb_free_port(), st, sst;

	memset(res, 0, sizeof(*res));
	res->mode = mode;
	if (port < 0) {
		fprintf(stderr, RB_PROG ": no free loopback port\n");
		return RB_EXIT_FAIL;
	}
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	snprintf(s.log, sizeof(s.log), "%s/%s.standby.log", env->dir, name);
	snprintf(p.log, sizeof(p.log), "%s/%s.primary.log", env->dir, name);
	snprintf(s_stats, sizeof(s_stats), "%s/%s.standby.json", env->dir,
		 name);
	snprintf(p_stats, sizeof(p_stats), "%s/%s.primary.json", env->dir,
		 name);

	rb_argv_common(&sa, env, o, o->lcore_standby, "s", env->empty_pcap,
		       s_stats);
	rb_arg(&sa, "--role");
	rb_arg(&sa, "standby");
	rb_arg(&sa, "--listen");
	rb_arg(&sa, addr);
	s.pid = rb_pids[1] = rb_spawn(sa.v, s.log);

	rb_argv_common(&pa, env, o, o->lcore_primary, "p", o->trace, p_stats);
	rb_arg(&pa, "--role");
	rb_arg(&pa, "primary");
	rb_arg(&pa, "--peer");
	rb_arg(&pa, addr);
	rb_arg(&pa, "--replicate");
	rb_arg(&pa, name);
	/* sync: one delta per batch, as many bytes whatever the speed;
	 * async would coalesce batches by time (README, Replication). */
	rb_arg(&pa, "--commit");
	rb_arg(&pa, "sync");
	rb_arg(&pa, "--await-standby");
	rb_arg(&pa, RB_AWAIT_MS);
	rb_arg(&pa, "--idle-exit");
	rb_arg(&pa, RB_IDLE_EXIT_MS);
	p.pid = rb_pids[0] = rb_spawn(pa.v, p.log);
	if (s.pid < 0 || p.pid < 0) {
		rb_run_kill_all();
		fprintf(stderr, RB_PROG ": fork: %s\n", strerror(errno));
		return RB_EXIT_FAIL;
	}

	st = rb_wait(p.pid, o->timeout_s);
	if (st < 0) {
		kill(p.pid, SIGKILL);
		rb_wait(p.pid, RB_STOP_GRACE_S);
	}
	p.pid = rb_pids[0] = 0;
	sst = rb_stop_standby(&s);
	/* The primary's failure first: the standby's follows from it. */
	if (st < 0)
		return rb_fail(&p, "did not finish within --timeout");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return rb_fail(&p, "failed");
	if (sst < 0)
		return rb_fail(&s, "did not stop on SIGTERM");
	if (!WIFEXITED(sst) || WEXITSTATUS(sst) != 0)
		return rb_fail(&s, "failed");
	return rb_collect(env, &p, p_stats, s_stats, res);
}
