/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replication framing and authentication: a sealed frame opens; any
 * changed byte, another key, a truncated frame, an oversized length, a bad
 * version or type is refused, each under its own reason and in the
 * documented order; the key file is refused when others may read it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check_main.h"
#include "rt_wire.h"

#define TEST_PAYLOAD	100
#define TEST_TIMEOUT	10
#define TEST_KEY_HEX	"00112233445566778899aabbccddeeff" \
			"00112233445566778899aabbccddeeff"

static const uint8_t key_a[RT_WIRE_KEY_LEN] = { 1, 2, 3 };
static const uint8_t key_b[RT_WIRE_KEY_LEN] = { 1, 2, 4 };
static uint8_t frame[RT_WIRE_OVERHEAD + TEST_PAYLOAD];
static struct rt_wire_auth auth;

static size_t
seal(void)
{
	size_t i, n;

	for (i = 0; i < TEST_PAYLOAD; i++)
		frame[RT_WIRE_HDR_LEN + i] = (uint8_t)i;
	ck_assert_int_eq(rt_wire_auth_init(&auth, key_a), 0);
	n = rt_wire_seal(&auth, RT_MSG_DELTA, frame, TEST_PAYLOAD);
	ck_assert_uint_eq(n, sizeof(frame));
	return n;
}

static int
open_with(const uint8_t *key, size_t len, enum rt_reject *why)
{
	struct rt_wire_auth a;
	struct rt_wire_frame f;
	int ret;

	ck_assert_int_eq(rt_wire_auth_init(&a, key), 0);
	ret = rt_wire_open(&a, frame, len, &f, why);
	if (ret == 0) {
		ck_assert_uint_eq(f.type, RT_MSG_DELTA);
		ck_assert_uint_eq(f.len, TEST_PAYLOAD);
		ck_assert_uint_eq(f.frame_len, len);
	}
	rt_wire_auth_fini(&a);
	return ret;
}

START_TEST(roundtrip)
{
	enum rt_reject why;

	ck_assert_int_eq(open_with(key_a, seal(), &why), 0);
	rt_wire_auth_fini(&auth);
}
END_TEST

/* Every byte of the frame matters: each flipped one is refused. */
START_TEST(tampered)
{
	size_t n = seal(), i;
	enum rt_reject why;

	/* A changed length byte asks for more than arrived (the reader
	 * waits), or more than the maximum (refused at once); a changed
	 * version is refused as such; anything else fails the MAC. */
	for (i = 0; i < n; i++) {
		frame[i] ^= 0x01;
		ck_assert_int_eq(open_with(key_a, n, &why),
				 i >= 1 && i <= 3 ? -EAGAIN : -EBADMSG);
		if (i == 0)
			ck_assert_uint_eq(why, RT_REJECT_OVERSIZED);
		else if (i == 4)
			ck_assert_uint_eq(why, RT_REJECT_BAD_VERSION);
		else if (i > 4)
			ck_assert_uint_eq(why, RT_REJECT_BAD_HMAC);
		frame[i] ^= 0x01;
	}
	rt_wire_auth_fini(&auth);
}
END_TEST

START_TEST(wrong_key)
{
	enum rt_reject why;

	ck_assert_int_eq(open_with(key_b, seal(), &why), -EBADMSG);
	ck_assert_uint_eq(why, RT_REJECT_BAD_HMAC);
	rt_wire_auth_fini(&auth);
}
END_TEST

START_TEST(truncated)
{
	size_t n = seal(), len;
	enum rt_reject why;

	for (len = 0; len < n; len++)
		ck_assert_int_eq(open_with(key_a, len, &why), -EAGAIN);
	rt_wire_auth_fini(&auth);
}
END_TEST

START_TEST(oversized)
{
	enum rt_reject why;

	seal();
	/* RT_WIRE_PAYLOAD_MAX + 1, refused from the header alone. */
	frame[0] = 0x00;
	frame[1] = 0x40;
	frame[2] = 0x00;
	frame[3] = 0x01;
	ck_assert_int_eq(open_with(key_a, RT_WIRE_HDR_LEN, &why), -EBADMSG);
	ck_assert_uint_eq(why, RT_REJECT_OVERSIZED);
	rt_wire_auth_fini(&auth);
}
END_TEST

START_TEST(bad_version_type)
{
	size_t n = seal();
	enum rt_reject why;

	frame[4] = RT_WIRE_VERSION + 1;
	ck_assert_int_eq(open_with(key_a, n, &why), -EBADMSG);
	ck_assert_uint_eq(why, RT_REJECT_BAD_VERSION);
	frame[4] = RT_WIRE_VERSION;
	frame[5] = 0;
	ck_assert_int_eq(open_with(key_a, n, &why), -EBADMSG);
	ck_assert_uint_eq(why, RT_REJECT_BAD_TYPE);
	frame[5] = RT_MSG_TYPE_MAX + 1;
	ck_assert_int_eq(open_with(key_a, n, &why), -EBADMSG);
	ck_assert_uint_eq(why, RT_REJECT_BAD_TYPE);
	rt_wire_auth_fini(&auth);
}
END_TEST

/* After the Hellos a frame under the pre-shared key no longer opens. */
START_TEST(session_key)
{
	static const uint8_t np[RT_WIRE_NONCE_LEN] = { 7 };
	static const uint8_t ns[RT_WIRE_NONCE_LEN] = { 9 };
	struct rt_wire_auth other;
	struct rt_wire_frame f;
	enum rt_reject why;
	size_t n = seal();

	ck_assert_int_eq(rt_wire_auth_init(&other, key_a), 0);
	ck_assert_int_eq(rt_wire_auth_session(&other, np, ns), 0);
	ck_assert_int_eq(rt_wire_open(&other, frame, n, &f, &why), -EBADMSG);
	ck_assert_uint_eq(why, RT_REJECT_BAD_HMAC);
	ck_assert_int_eq(rt_wire_auth_session(&auth, np, ns), 0);
	n = rt_wire_seal(&auth, RT_MSG_DELTA, frame, TEST_PAYLOAD);
	ck_assert_int_eq(rt_wire_open(&other, frame, n, &f, &why), 0);
	rt_wire_auth_fini(&other);
	rt_wire_auth_fini(&auth);
}
END_TEST

/* The MAC is HMAC-SHA256 exactly (proto/replication.proto): what
 * one-shot HMAC() computes over header and payload, with the pre-shared
 * key and with the session key HMAC(psk, label || nonces). Payloads of
 * several lengths cross SHA-256's block and padding boundaries. */
START_TEST(matches_hmac)
{
	static const uint8_t np[RT_WIRE_NONCE_LEN] = { 7, 1 };
	static const uint8_t ns[RT_WIRE_NONCE_LEN] = { 9, 2 };
	static const char label[] = "sa-repl-session";
	static const uint32_t lens[] = { 0, 1, 26, 55, 56, 57, 64, 100 };
	uint8_t msg[sizeof(label) - 1 + 2 * RT_WIRE_NONCE_LEN];
	uint8_t skey[RT_WIRE_MAC_LEN], mac[RT_WIRE_MAC_LEN];
	unsigned int i, j, mlen, round;
	const uint8_t *key;
	uint32_t len;
	size_t n;

	memcpy(msg, label, sizeof(label) - 1);
	memcpy(msg + sizeof(label) - 1, np, RT_WIRE_NONCE_LEN);
	memcpy(msg + sizeof(label) - 1 + RT_WIRE_NONCE_LEN, ns,
	       RT_WIRE_NONCE_LEN);
	ck_assert_ptr_nonnull(HMAC(EVP_sha256(), key_a, RT_WIRE_KEY_LEN, msg,
				   sizeof(msg), skey, &mlen));
	ck_assert_int_eq(rt_wire_auth_init(&auth, key_a), 0);
	for (round = 0; round < 2; round++) {
		key = round == 0 ? key_a : skey;
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			len = lens[i];
			for (j = 0; j < len; j++)
				frame[RT_WIRE_HDR_LEN + j] = (uint8_t)(j * 7 + i);
			n = rt_wire_seal(&auth, RT_MSG_DELTA, frame, len);
			ck_assert_uint_eq(n, RT_WIRE_OVERHEAD + len);
			ck_assert_ptr_nonnull(HMAC(EVP_sha256(), key,
						   RT_WIRE_KEY_LEN, frame,
						   RT_WIRE_HDR_LEN + len, mac,
						   &mlen));
			ck_assert_mem_eq(frame + RT_WIRE_HDR_LEN + len, mac,
					 RT_WIRE_MAC_LEN);
		}
		ck_assert_int_eq(rt_wire_auth_session(&auth, np, ns), 0);
	}
	rt_wire_auth_fini(&auth);
}
END_TEST

static int
key_file(const char *text, mode_t mode, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/check_rt_wire.%d.key", getpid());
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
	return rt_wire_auth_load(&auth, path);
}

START_TEST(key_files)
{
	char path[64];

	ck_assert_int_eq(key_file(TEST_KEY_HEX "\n", 0600, path,
				  sizeof(path)), 0);
	rt_wire_auth_fini(&auth);
	ck_assert_int_eq(key_file(TEST_KEY_HEX, 0400, path, sizeof(path)), 0);
	rt_wire_auth_fini(&auth);
	ck_assert_int_eq(key_file(TEST_KEY_HEX, 0640, path, sizeof(path)),
			 -EPERM);
	ck_assert_int_eq(key_file(TEST_KEY_HEX, 0604, path, sizeof(path)),
			 -EPERM);
	ck_assert_int_eq(key_file("00112233", 0600, path, sizeof(path)),
			 -EINVAL);
	ck_assert_int_eq(key_file(TEST_KEY_HEX "zz", 0600, path,
				  sizeof(path)), -EINVAL);
	unlink(path);
	ck_assert_int_eq(rt_wire_auth_load(&auth, path), -ENOENT);
}
END_TEST

START_TEST(serial_numbers)
{
	ck_assert(rt_seq_lt(1, 2));
	ck_assert(rt_seq_lt(UINT32_MAX, 0));
	ck_assert(rt_seq_lt(UINT32_MAX - 5, 3));
	ck_assert(!rt_seq_lt(3, UINT32_MAX - 5));
	ck_assert(rt_seq_le(7, 7));
	ck_assert(!rt_seq_lt(7, 7));
}
END_TEST

static Suite *
rt_wire_suite(void)
{
	Suite *s = suite_create("rt_wire");
	TCase *tc;

	tc = sa_tcase(s, "core", TEST_TIMEOUT);
	tcase_add_test(tc, roundtrip);
	tcase_add_test(tc, session_key);
	tcase_add_test(tc, matches_hmac);
	tcase_add_test(tc, serial_numbers);
	tc = sa_tcase(s, "malformed", TEST_TIMEOUT);
	tcase_add_test(tc, tampered);
	tcase_add_test(tc, wrong_key);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, oversized);
	tcase_add_test(tc, bad_version_type);
	tc = sa_tcase(s, "keys", TEST_TIMEOUT);
	tcase_add_test(tc, key_files);
	return s;
}

SA_CHECK_MAIN(rt_wire_suite)
