/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sa/replica.h>

#include "rt_config.h"
#include "sa_registry.h"
#include "sa_shim.h"
#include "state_alloc.h"

/* Only the address matters to middleboxes: the shim has no per-instance
 * data beyond these globals, as a test runs one middlebox at a time. */
struct sa_ctx {
	int unused;
};

static struct sa_ctx shim_ctx;
static const struct sa_middlebox *shim_mb;
static struct rt_config *shim_cfg;
static struct sa_shim_out *shim_out;
static uint64_t shim_now;
static char shim_log[SA_SHIM_TEXT_MAX];
static size_t shim_state_limit = SIZE_MAX;
static size_t shim_state_used;

/* sa_state_free needs the size to keep the budget exact; the list lets
 * tests walk the live blocks (the arena the runtime would replicate) and
 * lets free ignore pointers that are not blocks, as the arena does. */
struct shim_block {
	struct shim_block *prev, *next;
	size_t size;
	uint64_t serial;	/* allocation number: tells reuse apart */
	max_align_t payload[];
};

static struct shim_block shim_blocks = { &shim_blocks, &shim_blocks, 0, 0 };
static uint64_t shim_serial;

void *
sa_state_alloc(size_t size)
{
	struct shim_block *b;

	if (size > shim_state_limit - shim_state_used ||
	    size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = calloc(1, sizeof(*b) + size);
	if (b == NULL)
		return NULL;
	b->size = size;
	b->serial = ++shim_serial;
	b->next = &shim_blocks;
	b->prev = shim_blocks.prev;
	b->prev->next = b;
	shim_blocks.prev = b;
	shim_state_used += size;
	return b->payload;
}

static struct shim_block *
shim_block_of(const void *p)
{
	struct shim_block *b;

	for (b = shim_blocks.next; b != &shim_blocks; b = b->next)
		if ((const void *)b->payload == p)
			return b;
	return NULL;
}

void
sa_state_free(void *p)
{
	struct shim_block *b = shim_block_of(p);

	if (b == NULL)
		return;
	b->prev->next = b->next;
	b->next->prev = b->prev;
	shim_state_used -= b->size;
	free(b);
}

size_t
sa_state_block_size(const void *p)
{
	struct shim_block *b = shim_block_of(p);

	return b != NULL ? b->size : 0;
}

/* calloc's alignment is all the shim's blocks have. */
size_t
sa_state_block_align(void)
{
	return _Alignof(max_align_t);
}

int
sa_shim_state_find(const void *addr, const void **base, size_t *size)
{
	const struct shim_block *b;
	uintptr_t a = (uintptr_t)addr, lo;

	for (b = shim_blocks.next; b != &shim_blocks; b = b->next) {
		lo = (uintptr_t)b->payload;
		if (a >= lo && a - lo < (b->size != 0 ? b->size : 1)) {
			*base = b->payload;
			*size = b->size;
			return 1;
		}
	}
	return 0;
}

void
sa_shim_state_walk(void (*fn)(void *arg, void *base, size_t size,
			      uint64_t serial), void *arg)
{
	struct shim_block *b;

	for (b = shim_blocks.next; b != &shim_blocks; b = b->next)
		fn(arg, b->payload, b->size, b->serial);
}

void
sa_shim_state_limit(size_t bytes)
{
	shim_state_limit = bytes;
}

static void
verdict(struct sa_pkt *pkt, enum sa_shim_verdict v, unsigned int arm,
	unsigned int reason)
{
	if (shim_out == NULL)
		return;
	if (shim_out->n_verdicts++ > 0)
		return;
	shim_out->verdict = v;
	shim_out->arm = arm;
	shim_out->reason = reason;
	shim_out->len = pkt->len;
	memcpy(shim_out->frame, pkt->data, pkt->len);
}

void
sa_emit(struct sa_ctx *ctx, struct sa_pkt *pkt, enum sa_arm arm)
{
	(void)ctx;
	verdict(pkt, SA_SHIM_EMIT, arm, 0);
}

void
sa_drop(struct sa_ctx *ctx, struct sa_pkt *pkt, unsigned int reason)
{
	(void)ctx;
	verdict(pkt, SA_SHIM_DROP, 0, reason);
}

void
sa_alert(struct sa_ctx *ctx, const struct sa_pkt *pkt, uint32_t id,
	 const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	(void)pkt;
	if (shim_out == NULL)
		return;
	shim_out->n_alerts++;
	shim_out->alert_id = id;
	va_start(ap, fmt);
	vsnprintf(shim_out->alert, sizeof(shim_out->alert), fmt, ap);
	va_end(ap);
}

void
sa_log(struct sa_ctx *ctx, enum sa_log_level level, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	(void)level;
	char msg[SA_SHIM_TEXT_MAX - 64];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* As sa-runtime does, name the middlebox that logged. */
	snprintf(shim_log, sizeof(shim_log), "%s%s%s",
		 shim_mb != NULL ? shim_mb->name : "",
		 shim_mb != NULL ? ": " : "", msg);
	if (getenv("SA_SHIM_VERBOSE") != NULL)
		fprintf(stderr, "sa_log: %s\n", shim_log);
}

uint64_t
sa_now_ns(struct sa_ctx *ctx)
{
	(void)ctx;
	return shim_now;
}

static int
write_temp(const char *text, char *path, size_t size)
{
	size_t len = strlen(text);
	int fd;

	snprintf(path, size, "/tmp/sa_shim_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -EIO;
	}
	close(fd);
	return 0;
}

int
sa_shim_init(const struct sa_middlebox *mb, const char *ini_text)
{
	const struct sa_config *sec;
	char path[64];
	int ret;

	sa_shim_fini();
	shim_log[0] = '\0';
	shim_state_used = 0;
	ret = write_temp(ini_text, path, sizeof(path));
	if (ret < 0)
		return ret;
	ret = rt_config_load(path, &shim_cfg);
	unlink(path);
	if (ret < 0)
		return ret;
	sec = rt_config_section(shim_cfg, mb->name);
	if (sec == NULL)
		return -ENOMEM;
	shim_mb = mb;
	if (mb->init == NULL)
		return 0;
	ret = mb->init(&shim_ctx, sec);
	if (ret < 0)
		shim_mb = NULL;
	return ret;
}

void
sa_shim_fini(void)
{
	if (shim_mb != NULL && shim_mb->fini != NULL)
		shim_mb->fini(&shim_ctx);
	shim_mb = NULL;
	rt_config_free(shim_cfg);
	shim_cfg = NULL;
}

void
sa_shim_process(const uint8_t *frame, uint32_t len, uint8_t arm,
		uint64_t now_ns, struct sa_shim_out *out)
{
	uint8_t buf[SA_SHIM_FRAME_MAX];
	struct sa_pkt pkt = { .data = buf, .len = len, .arm = arm };

	memset(out, 0, sizeof(*out));
	if (shim_mb == NULL || len > sizeof(buf))
		return;
	memcpy(buf, frame, len);
	shim_now = now_ns;
	shim_out = out;
	shim_mb->process(&shim_ctx, &pkt);
	shim_out = NULL;
	if (out->verdict == SA_SHIM_NONE) {
		out->len = pkt.len;
		memcpy(out->frame, buf, pkt.len);
	}
}

void
sa_shim_tick(uint64_t now_ns)
{
	shim_now = now_ns;
	if (shim_mb != NULL && shim_mb->tick != NULL)
		shim_mb->tick(&shim_ctx, now_ns);
}

int
sa_shim_command(const char *line, char *reply, size_t reply_len)
{
	if (reply_len > 0)
		reply[0] = '\0';
	if (shim_mb == NULL)
		return -ENODEV;
	if (shim_mb->command == NULL)
		return -ENOTSUP;
	if (strlen(line) >= SA_MB_COMMAND_MAX)
		return -EINVAL;
	return shim_mb->command(&shim_ctx, line, reply, reply_len);
}

const char *
sa_shim_last_log(void)
{
	return shim_log;
}

struct stat_query {
	const char *name;
	uint64_t value;
};

static void
stat_cb(void *arg, const char *name, uint64_t value)
{
	struct stat_query *q = arg;

	if (strcmp(q->name, name) == 0)
		q->value = value;
}

uint64_t
sa_shim_stat(const char *name)
{
	struct stat_query q = { .name = name, .value = UINT64_MAX };

	if (shim_mb != NULL && shim_mb->stats != NULL)
		shim_mb->stats(stat_cb, &q);
	return q.value;
}

const char *
sa_shim_reason_name(unsigned int reason)
{
	const char *name = sa_registry_reason_name(shim_mb, reason);

	return name != NULL ? name : "?";
}
