/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Hello exchange: each side announces what its state means (binary,
 * analysis, arena, middlebox, layout after init) and its epoch, and
 * refuses a peer whose state would not mean the same, naming both values.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <openssl/rand.h>

#include "rt_log.h"
#include "rt_repl_priv.h"

#define RT_HEX_MAX	(2 * RT_BUILD_ID_MAX + 1)
#define RT_REFUSALS_LOGGED	4

int
rt_hello_send(struct rt_repl *r)
{
	Sa__Repl__Hello h = SA__REPL__HELLO__INIT;
	const struct rt_ident *id = r->id;
	long ret;

	if (RAND_bytes(r->nonce, sizeof(r->nonce)) != 1)
		return -EIO;
	h.primary = r->role == RT_ROLE_PRIMARY;
	h.build_id.data = (uint8_t *)(uintptr_t)id->build_id;
	h.build_id.len = id->build_id_len;
	h.manifest_hash.data = (uint8_t *)(uintptr_t)id->manifest_hash;
	h.manifest_hash.len = sizeof(id->manifest_hash);
	h.arena_base = id->arena_base;
	h.arena_size = id->arena_size;
	h.epoch = r->epoch;
	h.nonce.data = r->nonce;
	h.nonce.len = sizeof(r->nonce);
	h.middlebox = (char *)(uintptr_t)id->middlebox;
	h.init_digest.data = (uint8_t *)(uintptr_t)id->init_digest;
	h.init_digest.len = sizeof(id->init_digest);
	h.mode = (Sa__Repl__Mode)r->conf.mode;
	h.verify = r->conf.verify;
	/* Hellos are authenticated with the pre-shared key. */
	rt_wire_auth_end_session(&r->auth);
	ret = rt_chan_put_msg(&r->chan, &r->auth, RT_MSG_HELLO, &h.base);
	if (ret < 0)
		return -EIO;
	r->stats->frames++;
	r->stats->wire_bytes += (uint64_t)ret;
	r->stats->sync_wire_bytes += (uint64_t)ret;
	return 0;
}

static int
bytes_eq(const ProtobufCBinaryData *b, const uint8_t *p, size_t len)
{
	return b->len == len && memcmp(b->data, p, len) == 0;
}

static void
refuse_log(struct rt_repl *r, enum rt_refuse why, const char *ours,
	   const char *theirs)
{
	/* A refused peer retries every reconnect interval: log a few of
	 * each kind. */
	if (why != r->last_refusal) {
		r->last_refusal = why;
		r->refusals_logged = 0;
	}
	if (r->refusals_logged++ < RT_REFUSALS_LOGGED)
		RT_LOG(ERR, "replication peer refused: %s differs (ours %s, "
		       "peer's %s)\n", rt_refuse_name(why), ours, theirs);
}

static enum rt_refuse
check_identity(struct rt_repl *r, const Sa__Repl__Hello *h)
{
	const struct rt_ident *id = r->id;
	char a[RT_HEX_MAX], b[RT_HEX_MAX];

	if (h->build_id.len > RT_BUILD_ID_MAX ||
	    h->manifest_hash.len != SA_MANIFEST_HASH_LEN ||
	    h->init_digest.len != RT_DIGEST_LEN ||
	    h->nonce.len != RT_WIRE_NONCE_LEN)
		return RT_REFUSE_MALFORMED;
	if (!bytes_eq(&h->build_id, id->build_id, id->build_id_len)) {
		rt_ident_hex(id->build_id, id->build_id_len, a);
		rt_ident_hex(h->build_id.data, h->build_id.len, b);
		refuse_log(r, RT_REFUSE_BUILD_ID, a, b);
		return RT_REFUSE_BUILD_ID;
	}
	/* Another middlebox has another manifest too: name the cause. */
	if (strcmp(h->middlebox, id->middlebox) != 0) {
		refuse_log(r, RT_REFUSE_MIDDLEBOX, id->middlebox, h->middlebox);
		return RT_REFUSE_MIDDLEBOX;
	}
	if (!bytes_eq(&h->manifest_hash, id->manifest_hash,
		      SA_MANIFEST_HASH_LEN)) {
		rt_ident_hex(id->manifest_hash, SA_MANIFEST_HASH_LEN, a);
		rt_ident_hex(h->manifest_hash.data, SA_MANIFEST_HASH_LEN, b);
		refuse_log(r, RT_REFUSE_MANIFEST, a, b);
		return RT_REFUSE_MANIFEST;
	}
	if (h->arena_base != id->arena_base ||
	    h->arena_size != id->arena_size) {
		snprintf(a, sizeof(a), "0x%" PRIx64 "+0x%" PRIx64,
			 id->arena_base, id->arena_size);
		snprintf(b, sizeof(b), "0x%" PRIx64 "+0x%" PRIx64,
			 h->arena_base, h->arena_size);
		refuse_log(r, RT_REFUSE_ARENA, a, b);
		return RT_REFUSE_ARENA;
	}
	if (!bytes_eq(&h->init_digest, id->init_digest, RT_DIGEST_LEN)) {
		rt_ident_hex(id->init_digest, RT_DIGEST_LEN, a);
		rt_ident_hex(h->init_digest.data, RT_DIGEST_LEN, b);
		refuse_log(r, RT_REFUSE_INIT_STATE, a, b);
		return RT_REFUSE_INIT_STATE;
	}
	return RT_REFUSE_NONE;
}

/* A standby follows a primary of its epoch or a later one; a primary
 * yields to a standby that has seen a later epoch than its own. */
static enum rt_refuse
check_epoch(struct rt_repl *r, const Sa__Repl__Hello *h)
{
	char a[RT_HEX_MAX], b[RT_HEX_MAX];
	int stale = r->role == RT_ROLE_STANDBY ? h->epoch < r->epoch :
						 h->epoch > r->epoch;

	if (!stale)
		return RT_REFUSE_NONE;
	snprintf(a, sizeof(a), "%" PRIu64, r->epoch);
	snprintf(b, sizeof(b), "%" PRIu64, h->epoch);
	refuse_log(r, RT_REFUSE_STALE_EPOCH, a, b);
	return RT_REFUSE_STALE_EPOCH;
}

int
rt_hello_take(struct rt_repl *r, const struct rt_wire_frame *f)
{
	int primary = r->role == RT_ROLE_PRIMARY;
	enum rt_refuse why;
	Sa__Repl__Hello *h;
	int ret;

	if (f->type != RT_MSG_HELLO) {
		rt_repl_reject(r, RT_REJECT_UNEXPECTED, "before the Hello");
		return -EPROTO;
	}
	h = sa__repl__hello__unpack(NULL, f->len, f->payload);
	if (h == NULL)
		why = RT_REFUSE_MALFORMED;
	else if ((h->primary != 0) == primary)
		why = RT_REFUSE_ROLE;
	else
		why = check_identity(r, h);
	if (why == RT_REFUSE_NONE)
		why = check_epoch(r, h);
	if (why != RT_REFUSE_NONE) {
		if (why == RT_REFUSE_ROLE || why == RT_REFUSE_MALFORMED)
			refuse_log(r, why, primary ? "primary" : "standby",
				   h == NULL ? "unreadable" : "the same");
		r->stats->refused[why]++;
		sa__repl__hello__free_unpacked(h, NULL);
		return -EPROTO;
	}
	if (!primary)
		r->epoch = h->epoch;
	ret = primary ? rt_wire_auth_session(&r->auth, r->nonce, h->nonce.data) :
			rt_wire_auth_session(&r->auth, h->nonce.data, r->nonce);
	sa__repl__hello__free_unpacked(h, NULL);
	if (ret == 0)
		r->refusals_logged = 0;
	return ret < 0 ? ret : 0;
}
