/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ha_hb.h"

_Static_assert(HA_HB_MAC_LEN == SA_HMAC_LEN, "MAC length");
_Static_assert(HA_HB_KEY_LEN == SA_HMAC_KEY_LEN, "key length");

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
	return sa_hmac_init(&k->mac, key, HA_HB_KEY_LEN);
}

void
ha_hb_key_fini(struct ha_hb_key *k)
{
	sa_hmac_fini(&k->mac);
}

int
ha_hb_key_load(struct ha_hb_key *k, const char *path)
{
	char err[SA_HMAC_ERR_MAX];
	uint8_t key[HA_HB_KEY_LEN];
	int ret;

	ret = sa_hmac_key_load(path, key, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "key file %s\n", err);
		return ret;
	}
	ret = ha_hb_key_init(k, key);
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
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
	/* The MAC: HMAC-SHA256 of HA_HB_LABEL || header || payload. */
	if (sa_hmac_sign(&k->mac, HA_HB_LABEL, sizeof(HA_HB_LABEL) - 1, buf,
			 HA_HB_HDR_LEN + plen, buf + HA_HB_HDR_LEN + plen) != 0)
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
	if (sa_hmac_verify(&k->mac, HA_HB_LABEL, sizeof(HA_HB_LABEL) - 1,
			   buf, HA_HB_HDR_LEN + plen,
			   buf + HA_HB_HDR_LEN + plen) != 0) {
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
