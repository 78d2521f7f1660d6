/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * common/sa_hmac: the MAC is what OpenSSL's one-shot HMAC() computes, for
 * keys and messages of every interesting length and split; verification
 * refuses any changed byte; key files are read only when they hold 64 hex
 * digits (and a newline) and group and others cannot access them, and
 * every refusal names the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check_main.h"
#include "sa_hmac.h"

#define TEST_TIMEOUT	10
#define TEST_MSG_MAX	200
#define TEST_KEY_HEX	"00112233445566778899aabbccddeeff" \
			"0123456789ABCDEFfedcba9876543210"

static const uint8_t test_key[SA_HMAC_KEY_LEN] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
};

static void
fill(uint8_t *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 31 + seed);
}

/* Keys up to SHA-256's block; messages across its block and padding
 * boundaries, split in two at every place of interest. */
START_TEST(matches_openssl)
{
	static const size_t key_lens[] = { 0, 1, 16, 32, 63, 64 };
	static const size_t msg_lens[] = { 0, 1, 31, 55, 56, 64, 65, 200 };
	uint8_t key[SA_HMAC_KEY_MAX], msg[TEST_MSG_MAX];
	uint8_t want[SA_HMAC_LEN], got[SA_HMAC_LEN];
	struct sa_hmac h;
	unsigned int mlen, k, m;
	size_t split, len;

	for (k = 0; k < sizeof(key_lens) / sizeof(key_lens[0]); k++) {
		fill(key, sizeof(key), k);
		ck_assert_int_eq(sa_hmac_init(&h, key, key_lens[k]), 0);
		ck_assert(sa_hmac_is_set(&h));
		for (m = 0; m < sizeof(msg_lens) / sizeof(msg_lens[0]); m++) {
			len = msg_lens[m];
			fill(msg, len, m + 7);
			ck_assert_ptr_nonnull(HMAC(EVP_sha256(), key,
						   (int)key_lens[k], msg, len,
						   want, &mlen));
			ck_assert_uint_eq(mlen, SA_HMAC_LEN);
			for (split = 0; split <= len; split++) {
				ck_assert_int_eq(sa_hmac_sign(&h, msg, split,
					msg + split, len - split, got), 0);
				ck_assert_mem_eq(got, want, SA_HMAC_LEN);
			}
			ck_assert_int_eq(sa_hmac_sign(&h, msg, len, NULL, 0,
						      got), 0);
			ck_assert_mem_eq(got, want, SA_HMAC_LEN);
		}
		sa_hmac_fini(&h);
		ck_assert(!sa_hmac_is_set(&h));
	}
}
END_TEST

START_TEST(key_too_long)
{
	uint8_t key[SA_HMAC_KEY_MAX + 1] = { 0 };
	struct sa_hmac h;

	ck_assert_int_eq(sa_hmac_init(&h, key, sizeof(key)), -EINVAL);
	ck_assert(!sa_hmac_is_set(&h));
	sa_hmac_fini(&h);
}
END_TEST

/* Any flipped bit of the MAC or of the message, or another key, fails. */
START_TEST(verify)
{
	uint8_t msg[TEST_MSG_MAX], mac[SA_HMAC_LEN];
	uint8_t other[SA_HMAC_KEY_LEN] = { 1 };
	struct sa_hmac h, h2;
	size_t i;

	fill(msg, sizeof(msg), 3);
	ck_assert_int_eq(sa_hmac_init(&h, test_key, sizeof(test_key)), 0);
	ck_assert_int_eq(sa_hmac_init(&h2, other, sizeof(other)), 0);
	ck_assert_int_eq(sa_hmac_sign(&h, msg, 10, msg + 10, 90, mac), 0);
	ck_assert_int_eq(sa_hmac_verify(&h, msg, 10, msg + 10, 90, mac), 0);
	ck_assert_int_eq(sa_hmac_verify(&h, msg, 100, NULL, 0, mac), 0);
	ck_assert_int_eq(sa_hmac_verify(&h2, msg, 100, NULL, 0, mac),
			 -EBADMSG);
	for (i = 0; i < sizeof(mac) * 8; i++) {
		mac[i / 8] ^= (uint8_t)(1u << (i % 8));
		ck_assert_int_eq(sa_hmac_verify(&h, msg, 100, NULL, 0, mac),
				 -EBADMSG);
		mac[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	for (i = 0; i < 100; i++) {
		msg[i] ^= 0x80;
		ck_assert_int_eq(sa_hmac_verify(&h, msg, 100, NULL, 0, mac),
				 -EBADMSG);
		msg[i] ^= 0x80;
	}
	ck_assert_int_eq(sa_hmac_verify(&h, msg, 99, NULL, 0, mac), -EBADMSG);
	sa_hmac_fini(&h);
	sa_hmac_fini(&h2);
}
END_TEST

static char key_path[64];
static char key_err[SA_HMAC_ERR_MAX];

static void
key_setup(void)
{
	snprintf(key_path, sizeof(key_path), "/tmp/check_hmac.%d.key",
		 getpid());
	unlink(key_path);
}

static void
key_teardown(void)
{
	unlink(key_path);
}

/* Writes @p text to the key file with @p mode and loads it. */
static int
load(const char *text, mode_t mode, uint8_t key[SA_HMAC_KEY_LEN])
{
	int fd;

	unlink(key_path);
	fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	ck_assert_int_eq(chmod(key_path, mode), 0);
	key_err[0] = '\0';
	return sa_hmac_key_load(key_path, key, key_err, sizeof(key_err));
}

/* A refusal names the file first, then says what is wrong. */
static void
assert_err(const char *what)
{
	ck_assert_int_eq(strncmp(key_err, key_path, strlen(key_path)), 0);
	ck_assert_int_eq(strncmp(key_err + strlen(key_path), ": ", 2), 0);
	ck_assert_msg(strstr(key_err, what) != NULL, "'%s' lacks '%s'",
		      key_err, what);
}

START_TEST(key_file_good)
{
	uint8_t key[SA_HMAC_KEY_LEN];

	ck_assert_int_eq(load(TEST_KEY_HEX "\n", 0600, key), 0);
	ck_assert_mem_eq(key, test_key, sizeof(key));
	memset(key, 0, sizeof(key));
	ck_assert_int_eq(load(TEST_KEY_HEX, 0400, key), 0);
	ck_assert_mem_eq(key, test_key, sizeof(key));
}
END_TEST

START_TEST(key_file_missing)
{
	uint8_t key[SA_HMAC_KEY_LEN];

	ck_assert_int_eq(sa_hmac_key_load(key_path, key, key_err,
					  sizeof(key_err)), -ENOENT);
	assert_err(strerror(ENOENT));
}
END_TEST

START_TEST(key_file_content)
{
	static const char *const bad[] = {
		"",
		"\n",
		"00112233",
		/* 63 digits, with and without a newline */
		"00112233445566778899aabbccddeeff"
		"0123456789ABCDEFfedcba987654321",
		"00112233445566778899aabbccddeeff"
		"0123456789ABCDEFfedcba987654321\n",
		/* 66 digits */
		TEST_KEY_HEX "00",
		TEST_KEY_HEX "\n\n",
		TEST_KEY_HEX " ",
		TEST_KEY_HEX "zz",
		" " TEST_KEY_HEX,
		"0x112233445566778899aabbccddeeff"
		"0123456789ABCDEFfedcba9876543210",
		"00112233445566778899aabbccddeefg"
		"0123456789ABCDEFfedcba9876543210",
	};
	uint8_t key[SA_HMAC_KEY_LEN];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(load(bad[i], 0600, key) == -EINVAL,
			      "accepted '%s'", bad[i]);
		assert_err("expected 64 hex digits");
	}
}
END_TEST

/* Group or others may not read, write or execute it. */
START_TEST(key_file_mode)
{
	static const mode_t bad[] = { 0640, 0620, 0610, 0604, 0602, 0601,
				      0644, 0666, 0700 | 0077 };
	uint8_t key[SA_HMAC_KEY_LEN];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(load(TEST_KEY_HEX, bad[i], key), -EPERM);
		assert_err("lets group or others access the key");
	}
	ck_assert_int_eq(load(TEST_KEY_HEX, 0644, key), -EPERM);
	assert_err("mode 0644");
}
END_TEST

/* Neither a symbolic link (even to a good key) nor a directory. */
START_TEST(key_file_type)
{
	uint8_t key[SA_HMAC_KEY_LEN];
	char link_path[sizeof(key_path) + 8];

	ck_assert_int_eq(load(TEST_KEY_HEX, 0600, key), 0);
	snprintf(link_path, sizeof(link_path), "%s.link", key_path);
	unlink(link_path);
	ck_assert_int_eq(symlink(key_path, link_path), 0);
	ck_assert_int_eq(sa_hmac_key_load(link_path, key, key_err,
					  sizeof(key_err)), -ELOOP);
	unlink(link_path);
	ck_assert_int_eq(sa_hmac_key_load("/tmp", key, key_err,
					  sizeof(key_err)), -EINVAL);
	ck_assert_str_eq(key_err, "/tmp: not a regular file");
}
END_TEST

static Suite *
hmac_suite(void)
{
	Suite *s = suite_create("hmac");
	TCase *tc;

	tc = sa_tcase(s, "core", TEST_TIMEOUT);
	tcase_add_test(tc, matches_openssl);
	tcase_add_test(tc, key_too_long);
	tcase_add_test(tc, verify);
	tc = sa_tcase(s, "key_files", TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, key_setup, key_teardown);
	tcase_add_test(tc, key_file_good);
	tcase_add_test(tc, key_file_missing);
	tcase_add_test(tc, key_file_content);
	tcase_add_test(tc, key_file_mode);
	tcase_add_test(tc, key_file_type);
	return s;
}

SA_CHECK_MAIN(hmac_suite)
