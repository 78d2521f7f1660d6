/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "ha_hb.h"

#define HA_KEY_FILE_MAX		(2 * HA_HB_KEY_LEN + 2)

#define HA_HB_NAME_(name, str) str,
static const char *const ha_hb_reject_names[HA_HB_REJECT_COUNT] = {
	"none",
	HA_HB_REJECTS(HA_HB_NAME_)
};
#undef HA_HB_NAME_

const char *
ha_hb_reject_name(unsigned int r)
{
	return r < HA_HB_REJECT_COUNT ? ha_hb_reject_names[r] : "?";
}

int
ha_hb_key_init(struct ha_hb_key *k, const uint8_t key[HA_HB_KEY_LEN])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);

	k->mac = NULL;
	if (mac == NULL)
		return -ENOMEM;
	k->mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (k->mac != NULL &&
	    EVP_MAC_init(k->mac, key, HA_HB_KEY_LEN, params) != 1) {
		EVP_MAC_CTX_free(k->mac);
		k->mac = NULL;
	}
	return k->mac != NULL ? 0 : -ENOMEM;
}

void
ha_hb_key_fini(struct ha_hb_key *k)
{
	EVP_MAC_CTX_free(k->mac);
	k->mac = NULL;
}

static int
hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ha_hb_key_load(struct ha_hb_key *k, const char *path)
{
	char text[HA_KEY_FILE_MAX + 1];
	uint8_t key[HA_HB_KEY_LEN];
	struct stat st;
	ssize_t n;
	int fd, ret, i, hi, lo;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		ret = -errno;
		fprintf(stderr, "key file %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (st.st_mode & 077) {
		close(fd);
		fprintf(stderr, "key file %s: group or others may access it "
			"(chmod 600)\n", path);
		return -EPERM;
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 2 * HA_HB_KEY_LEN || n > HA_KEY_FILE_MAX ||
	    (n == HA_KEY_FILE_MAX && text[n - 1] != '\n'))
		goto bad;
	for (i = 0; i < HA_HB_KEY_LEN; i++) {
		hi = hex_val(text[2 * i]);
		lo = hex_val(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			goto bad;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	ret = ha_hb_key_init(k, key);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(text, sizeof(text));
	return ret;
bad:
	OPENSSL_cleanse(text, sizeof(text));
	fprintf(stderr, "key file %s: expected 64 hex digits and an optional "
		"newline\n", path);
	return -EINVAL;
}

static int
mac_of(struct ha_hb_key *k, const uint8_t *data, size_t len,
       uint8_t out[HA_HB_MAC_LEN])
{
	size_t outlen;

	if (EVP_MAC_init(k->mac, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(k->mac, (const uint8_t *)HA_HB_LABEL,
			   sizeof(HA_HB_LABEL) - 1) != 1 ||
	    EVP_MAC_update(k->mac, data, len) != 1 ||
	    EVP_MAC_final(k->mac, out, &outlen, HA_HB_MAC_LEN) != 1 ||
	    outlen != HA_HB_MAC_LEN)
		return -EIO;
	return 0;
}

size_t
ha_hb_seal(struct ha_hb_key *k, const Sa__Ha__Heartbeat *hb, uint8_t *buf,
	   size_t cap)
{
	size_t plen = sa__ha__heartbeat__get_packed_size(hb);
	size_t total = HA_HB_HDR_LEN + plen + HA_HB_MAC_LEN;

	if (plen > HA_HB_PAYLOAD_MAX || total > cap)
		return 0;
	memcpy(buf, HA_HB_MAGIC, 4);
	buf[4] = HA_HB_VERSION;
	buf[5] = HA_HB_TYPE;
	buf[6] = (uint8_t)(plen >> 8);
	buf[7] = (uint8_t)plen;
	sa__ha__heartbeat__pack(hb, buf + HA_HB_HDR_LEN);
	if (mac_of(k, buf, HA_HB_HDR_LEN + plen, buf + HA_HB_HDR_LEN + plen))
		return 0;
	return total;
}

static int
replay_check(struct ha_hb_replay *rp, uint64_t boot, uint64_t seq)
{
	unsigned int i, lru = 0;

	rp->clock++;
	for (i = 0; i < rp->n; i++) {
		if (rp->boot[i].boot_id != boot)
			continue;
		if (seq <= rp->boot[i].last_seq)
			return -1;
		rp->boot[i].last_seq = seq;
		rp->boot[i].used = rp->clock;
		return 0;
	}
	if (rp->n < HA_HB_BOOTS) {
		i = rp->n++;
	} else {
		for (i = 1; i < HA_HB_BOOTS; i++)
			if (rp->boot[i].used < rp->boot[lru].used)
				lru = i;
		i = lru;
	}
	rp->boot[i].boot_id = boot;
	rp->boot[i].last_seq = seq;
	rp->boot[i].used = rp->clock;
	return 0;
}

int
ha_hb_open(struct ha_hb_key *k, struct ha_hb_replay *rp, uint32_t own_node,
	   const uint8_t *buf, size_t len, Sa__Ha__Heartbeat **out,
	   enum ha_hb_reject *why)
{
	uint8_t mac[HA_HB_MAC_LEN];
	Sa__Ha__Heartbeat *hb;
	size_t plen;

	*out = NULL;
	*why = HA_HB_REJECT_NONE;
	if (len < HA_HB_HDR_LEN + HA_HB_MAC_LEN)
		*why = HA_HB_REJECT_SHORT;
	else if (memcmp(buf, HA_HB_MAGIC, 4) != 0)
		*why = HA_HB_REJECT_BAD_MAGIC;
	else if (buf[4] != HA_HB_VERSION)
		*why = HA_HB_REJECT_BAD_VERSION;
	else if (buf[5] != HA_HB_TYPE)
		*why = HA_HB_REJECT_BAD_TYPE;
	if (*why != HA_HB_REJECT_NONE)
		return -EBADMSG;
	plen = (size_t)buf[6] << 8 | buf[7];
	if (plen > HA_HB_PAYLOAD_MAX ||
	    HA_HB_HDR_LEN + plen + HA_HB_MAC_LEN != len) {
		*why = HA_HB_REJECT_BAD_LENGTH;
		return -EBADMSG;
	}
	if (mac_of(k, buf, HA_HB_HDR_LEN + plen, mac) != 0 ||
	    CRYPTO_memcmp(mac, buf + HA_HB_HDR_LEN + plen, HA_HB_MAC_LEN)) {
		*why = HA_HB_REJECT_BAD_HMAC;
		return -EBADMSG;
	}
	hb = sa__ha__heartbeat__unpack(NULL, plen, buf + HA_HB_HDR_LEN);
	if (hb == NULL || hb->node_id == 0)
		*why = HA_HB_REJECT_MALFORMED;
	else if (hb->node_id == own_node)
		*why = HA_HB_REJECT_OWN_NODE;
	else if (replay_check(rp, hb->boot_id, hb->seq) < 0)
		*why = HA_HB_REJECT_REPLAYED;
	if (*why != HA_HB_REJECT_NONE) {
		sa__ha__heartbeat__free_unpacked(hb, NULL);
		return -EBADMSG;
	}
	*out = hb;
	return 0;
}
