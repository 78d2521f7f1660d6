/* SPDX-License-Identifier: BSD-3-Clause */
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include <rte_hash_crc.h>

#include "rt_ident.h"
#include "rt_log.h"

#define RT_NOTE_ALIGN		4
#define RT_GNU_NOTE_NAME	"GNU"
/* Two CRC-32C lanes with different seeds make a 64-bit digest. */
#define RT_HASH_SEED_LO		0x9e3779b9u
#define RT_HASH_SEED_HI		0x85ebca6bu

struct build_id_search {
	uint8_t *out;
	size_t cap;
	size_t len;
	int found;
};

static int
scan_note(const uint8_t *p, size_t size, struct build_id_search *s)
{
	const size_t name_len = sizeof(RT_GNU_NOTE_NAME);
	size_t off = 0;

	while (off + sizeof(ElfW(Nhdr)) <= size) {
		const ElfW(Nhdr) *n = (const void *)(p + off);
		size_t name_off = off + sizeof(*n);
		size_t desc_off = name_off + RTE_ALIGN_CEIL(n->n_namesz,
							    RT_NOTE_ALIGN);

		if (desc_off + n->n_descsz > size)
			return 0;
		if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == name_len &&
		    memcmp(p + name_off, RT_GNU_NOTE_NAME, name_len) == 0 &&
		    n->n_descsz <= s->cap) {
			memcpy(s->out, p + desc_off, n->n_descsz);
			s->len = n->n_descsz;
			return 1;
		}
		off = desc_off + RTE_ALIGN_CEIL(n->n_descsz, RT_NOTE_ALIGN);
	}
	return 0;
}

static int
phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct build_id_search *s = arg;
	ElfW(Half) i;

	(void)size;
	/* The first object is the executable itself. */
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_NOTE &&
		    scan_note((const uint8_t *)(info->dlpi_addr + ph->p_vaddr),
			      ph->p_memsz, s)) {
			s->found = 1;
			break;
		}
	}
	return 1;
}

int
rt_ident_build_id(uint8_t *out, size_t cap, size_t *len)
{
	struct build_id_search s = { .out = out, .cap = cap };

	dl_iterate_phdr(phdr_cb, &s);
	if (!s.found)
		return -ENOENT;
	*len = s.len;
	return 0;
}

struct digest_walk {
	EVP_MD_CTX *md;
	int ok;
};

static void
digest_span_cb(void *arg, uint64_t addr, uint64_t len)
{
	struct digest_walk *w = arg;

	w->ok &= EVP_DigestUpdate(w->md, &addr, sizeof(addr)) == 1 &&
		 EVP_DigestUpdate(w->md, (const void *)(uintptr_t)addr,
				  len) == 1;
}

/* SHA-256 of the config section (key=value lines in file order) and of
 * every replicated byte. */
static int
init_digest(const struct sa_config *cfg, const struct rt_rmap *m,
	    uint8_t out[RT_DIGEST_LEN])
{
	struct digest_walk w = { .md = EVP_MD_CTX_new(), .ok = 1 };
	const char *key, *val;
	unsigned int i, len;

	if (w.md == NULL || EVP_DigestInit_ex(w.md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(w.md);
		return -ENOMEM;
	}
	for (i = 0; cfg != NULL && sa_config_entry(cfg, i, &key, &val) == 0;
	     i++)
		w.ok &= EVP_DigestUpdate(w.md, key, strlen(key) + 1) == 1 &&
			EVP_DigestUpdate(w.md, val, strlen(val) + 1) == 1;
	rt_rmap_walk(m, digest_span_cb, &w);
	w.ok &= EVP_DigestFinal_ex(w.md, out, &len) == 1;
	EVP_MD_CTX_free(w.md);
	return w.ok ? 0 : -EIO;
}

int
rt_ident_init(struct rt_ident *id, const struct sa_middlebox *mb,
	      const struct sa_config *cfg, const struct rt_rmap *m)
{
	memset(id, 0, sizeof(*id));
	if (rt_ident_build_id(id->build_id, sizeof(id->build_id),
			      &id->build_id_len) < 0) {
		RT_LOG(ERR, "sa-runtime has no GNU build-id note: link it "
		       "with --build-id\n");
		return -ENOENT;
	}
	memcpy(id->manifest_hash, m->manifest_hash, sizeof(id->manifest_hash));
	id->middlebox = mb->name;
	id->arena_base = m->arena_lo;
	id->arena_size = m->arena_hi - m->arena_lo;
	if (init_digest(cfg, m, id->init_digest) < 0) {
		RT_LOG(ERR, "cannot digest the state after init\n");
		return -EIO;
	}
	return 0;
}

void
rt_ident_hex(const uint8_t *b, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	out[2 * len] = '\0';
}

uint64_t
rt_ident_hash(const void *p, size_t len)
{
	uint32_t lo = rte_hash_crc(p, (uint32_t)len, RT_HASH_SEED_LO);
	uint32_t hi = rte_hash_crc(p, (uint32_t)len, RT_HASH_SEED_HI);

	return (uint64_t)hi << 32 | lo;
}
