/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Maglev lookup tables (Eisenbud et al., "Maglev: A Fast and Reliable
 * Software Network Load Balancer", NSDI 2016, section 3.4) and the control
 * path that changes backend states.
 *
 * Each backend has a preference list over the M slots of its service's
 * table, the permutation offset, offset + skip, offset + 2 skip, ... mod M,
 * both numbers hashed from the backend's address and port; M is prime and
 * 0 < skip < M, so every list covers every slot. Backends take turns
 * claiming their next preferred free slot until the table is full; for
 * weights, each turn adds a backend's weight to its credit and lets it
 * claim a slot only once the credit reaches the largest weight, so slots
 * end up in proportion to the weights. Because the lists depend on nothing
 * but each backend's own identity, removing one of N backends moves its
 * own slots and few others (about 1/N of the table in all).
 *
 * All of this runs at init and in lb_backend_set_state(); the packet path
 * only reads a table entry (lb_maglev_pick()).
 */

#include <errno.h>
#include <string.h>

#include "lb_priv.h"

/* 64-bit multiply-xorshift hashing; the constants are odd and
 * bit-balanced (those of MurmurHash3's finalizer), so every input bit
 * reaches every output bit. Fixed, never random: the standby and every
 * test must hash alike. */
#define LB_HASH_MUL1		UINT64_C(0xff51afd7ed558ccd)
#define LB_HASH_MUL2		UINT64_C(0xc4ceb9fe1a85ec53)
#define LB_HASH_SHIFT		33
#define LB_HASH_SEED_FLOW	UINT64_C(0x6c62272e07bb0142)
#define LB_HASH_SEED_OFFSET	UINT64_C(0x9e3779b97f4a7c15)
#define LB_HASH_SEED_SKIP	UINT64_C(0x2545f4914f6cdd1d)
#define LB_HASH_PORT_SHIFT	16

static inline uint64_t
lb_hash_mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= LB_HASH_MUL1;
	return h ^ (h >> LB_HASH_SHIFT);
}

static inline uint64_t
lb_hash_final(uint64_t h)
{
	h ^= h >> LB_HASH_SHIFT;
	h *= LB_HASH_MUL2;
	return h ^ (h >> LB_HASH_SHIFT);
}

static uint64_t
lb_hash_words(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = seed, w;
	size_t i;

	/* Callers hash whole structs of a multiple of 8 bytes. */
	for (i = 0; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(&w, p + i, sizeof(w));
		h = lb_hash_mix(h, w);
	}
	return lb_hash_final(h);
}

_Static_assert(sizeof(struct lb_key) % sizeof(uint64_t) == 0,
	       "lb_hash_key() hashes whole words");

uint32_t
lb_hash_key(const struct lb_key *k)
{
	return (uint32_t)lb_hash_words(k, sizeof(*k), LB_HASH_SEED_FLOW);
}

uint16_t *lb_maglev;

/* The permutation of @p be in a table of @p size slots. */
void
lb_maglev_permutation(struct lb_backend *be, uint32_t size)
{
	const struct lb_rewrite *id = &be->rw[LB_SIDE_CLIENT];
	uint64_t h_off, h_skip;

	h_off = lb_hash_words(id->addr, LB_ADDR_LEN, LB_HASH_SEED_OFFSET);
	h_off = lb_hash_final(lb_hash_mix(h_off, (uint64_t)id->port <<
					  LB_HASH_PORT_SHIFT));
	h_skip = lb_hash_words(id->addr, LB_ADDR_LEN, LB_HASH_SEED_SKIP);
	h_skip = lb_hash_final(lb_hash_mix(h_skip, (uint64_t)id->port <<
					   LB_HASH_PORT_SHIFT));
	be->offset = (uint32_t)(h_off % size);
	be->skip = (uint32_t)(h_skip % (size - 1)) + 1;
}

/* The table of service @p svc. */
static inline uint16_t *
lb_maglev_of(uint32_t svc)
{
	return lb_maglev + (uint64_t)svc * lb_cfg.maglev_size;
}

/* Turn state of the "up" backends of one service during a build. */
struct lb_maglev_turns {
	uint32_t n;
	uint16_t max_weight;
	uint16_t be[LB_BACKENDS_MAX];		/* backend index */
	uint32_t next[LB_BACKENDS_MAX];	/* next preferred slot */
	uint32_t credit[LB_BACKENDS_MAX];
};

static void
lb_maglev_turns_init(uint32_t svc, struct lb_maglev_turns *t)
{
	const struct lb_backend *be;
	uint32_t i;

	t->n = 0;
	t->max_weight = 0;
	for (i = 0; i < lb_cfg.n_backends; i++) {
		be = &lb_cfg.backends[i];
		if (be->service != svc || be->state != LB_BACKEND_UP)
			continue;
		t->be[t->n] = (uint16_t)i;
		t->next[t->n] = be->offset;
		t->credit[t->n] = 0;
		if (be->weight > t->max_weight)
			t->max_weight = be->weight;
		t->n++;
	}
}

/*
 * Fills the table of @p svc from scratch. The loop ends: every round the
 * backends of the largest weight claim a slot each, and each claim finds
 * a free slot because a preference list covers the whole table.
 */
static void
lb_maglev_build(uint32_t svc)
{
	/* Static: up to 10 KiB, too much for the stack of whatever control
	 * thread calls lb_backend_set_state(). */
	static struct lb_maglev_turns t;
	const uint32_t m = lb_cfg.maglev_size;
	uint16_t *table = lb_maglev_of(svc);
	const struct lb_backend *be;
	uint32_t filled = 0, k, slot;

	for (slot = 0; slot < m; slot++)
		table[slot] = LB_MAGLEV_NONE;
	lb_maglev_turns_init(svc, &t);
	if (t.n == 0)
		return;
	for (;;) {
		for (k = 0; k < t.n; k++) {
			be = &lb_cfg.backends[t.be[k]];
			t.credit[k] += be->weight;
			if (t.credit[k] < t.max_weight)
				continue;
			t.credit[k] -= t.max_weight;
			for (slot = t.next[k]; table[slot] != LB_MAGLEV_NONE;) {
				slot += be->skip;
				if (slot >= m)
					slot -= m;
			}
			table[slot] = t.be[k];
			t.next[k] = slot + be->skip >= m ? slot + be->skip - m :
							    slot + be->skip;
			if (++filled == m)
				return;
		}
	}
}

int
lb_maglev_init(struct sa_ctx *ctx)
{
	/* At most 64 tables of 2^20 slots: 128 MiB, within any size_t. */
	size_t bytes = (size_t)lb_cfg.n_services * lb_cfg.maglev_size *
		       sizeof(*lb_maglev);
	uint32_t i;

	lb_maglev = sa_state_alloc(bytes);
	if (lb_maglev == NULL) {
		sa_log(ctx, SA_LOG_ERR, "cannot allocate %u Maglev tables of "
		       "%u slots: out of state memory", lb_cfg.n_services,
		       lb_cfg.maglev_size);
		return -ENOMEM;
	}
	for (i = 0; i < lb_cfg.n_backends; i++)
		lb_maglev_permutation(&lb_cfg.backends[i], lb_cfg.maglev_size);
	for (i = 0; i < lb_cfg.n_services; i++)
		lb_maglev_build(i);
	return 0;
}

void
lb_maglev_fini(void)
{
	sa_state_free(lb_maglev);
	lb_maglev = NULL;
}

/* The service @p text names: its index, or -EINVAL / -ENOENT. */
int
lb_maglev_service(const char *text)
{
	struct lb_endpoint ep;
	int svc;

	if (text == NULL || lb_text_endpoint(text, true, &ep) != NULL)
		return -EINVAL;
	svc = lb_service_find(&lb_cfg, ep.addr, lb_bswap16(ep.port), ep.proto,
			      ep.family);
	return svc < 0 ? -ENOENT : svc;
}

/* The backend of service @p svc that @p text names: its index, or
 * -EINVAL / -ENOENT. */
static int
lb_maglev_backend(uint32_t svc, const char *text)
{
	const struct lb_service *s = &lb_cfg.services[svc];
	const struct lb_rewrite *id;
	struct lb_endpoint ep;
	uint16_t port;
	uint32_t i;

	if (text == NULL || lb_text_endpoint(text, false, &ep) != NULL)
		return -EINVAL;
	port = ep.port == 0 ? s->port : lb_bswap16(ep.port);
	for (i = 0; i < lb_cfg.n_backends; i++) {
		id = &lb_cfg.backends[i].rw[LB_SIDE_CLIENT];
		if (lb_cfg.backends[i].service == svc && id->port == port &&
		    ep.family == s->family &&
		    memcmp(id->addr, ep.addr, LB_ADDR_LEN) == 0)
			return (int)i;
	}
	return -ENOENT;
}

int
lb_backend_set_state(const char *service, const char *backend,
		     enum lb_backend_state st)
{
	static const char *const names[] = { "up", "drain", "down" };
	struct lb_backend *be;
	bool was_up;
	int svc, i;

	if (lb_maglev == NULL)
		return -ENODEV;
	if ((unsigned int)st > LB_BACKEND_DOWN)
		return -EINVAL;
	svc = lb_maglev_service(service);
	if (svc < 0)
		return svc;
	i = lb_maglev_backend((uint32_t)svc, backend);
	if (i < 0)
		return i;
	be = &lb_cfg.backends[i];
	was_up = be->state == LB_BACKEND_UP;
	be->state = (uint8_t)st;
	if (was_up != (st == LB_BACKEND_UP)) {
		lb_maglev_build((uint32_t)svc);
		lb_stat_add(LB_STAT_MAGLEV_REBUILDS, 1);
	}
	sa_log(NULL, SA_LOG_NOTICE, "backend%d %s of service %s is %s", i,
	       be->text, lb_cfg.services[svc].text, names[st]);
	return 0;
}

int
lb_maglev_table(const char *service, const uint16_t **table, uint32_t *size)
{
	int svc;

	if (lb_maglev == NULL)
		return -ENODEV;
	svc = lb_maglev_service(service);
	if (svc < 0)
		return svc;
	*table = lb_maglev_of((uint32_t)svc);
	*size = lb_cfg.maglev_size;
	return 0;
}
