/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sa-runtime must be a fixed-address executable (ET_EXEC, not PIE), so
 * that its globals are at the same addresses in every instance, and carry
 * the GNU build-id the replication handshake compares. Reads the binary
 * named by SA_RUNTIME (set by meson).
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_main.h"
#include "rt_ident.h"

#define TEST_TIMEOUT	10
#define TEST_NOTE_ALIGN	4

static uint8_t *
load(size_t *len)
{
	const char *path = getenv("SA_RUNTIME");
	uint8_t *data;
	long n;
	FILE *f;

	ck_assert_msg(path != NULL, "SA_RUNTIME is not set");
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return data;
}

START_TEST(not_pie)
{
	size_t len;
	uint8_t *data = load(&len);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;

	ck_assert_uint_ge(len, sizeof(*eh));
	ck_assert_mem_eq(eh->e_ident, ELFMAG, SELFMAG);
	ck_assert_msg(eh->e_type == ET_EXEC, "sa-runtime is ELF type %u, "
		      "not ET_EXEC: it was linked as PIE", eh->e_type);
	free(data);
}
END_TEST

static int
has_build_id(const uint8_t *p, size_t size)
{
	size_t off = 0;

	while (off + sizeof(Elf64_Nhdr) <= size) {
		const Elf64_Nhdr *n = (const void *)(p + off);
		size_t desc = off + sizeof(*n) +
			      (n->n_namesz + TEST_NOTE_ALIGN - 1) /
			      TEST_NOTE_ALIGN * TEST_NOTE_ALIGN;

		if (n->n_type == NT_GNU_BUILD_ID && n->n_descsz > 0 &&
		    memcmp(p + off + sizeof(*n), "GNU", 4) == 0)
			return 1;
		off = desc + (n->n_descsz + TEST_NOTE_ALIGN - 1) /
			     TEST_NOTE_ALIGN * TEST_NOTE_ALIGN;
	}
	return 0;
}

START_TEST(build_id)
{
	size_t len, i;
	uint8_t *data = load(&len);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(data + eh->e_phoff);
	int found = 0;
	uint8_t id[RT_BUILD_ID_MAX];

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_NOTE &&
		    ph[i].p_offset + ph[i].p_filesz <= len)
			found |= has_build_id(data + ph[i].p_offset,
					      ph[i].p_filesz);
	ck_assert_msg(found, "sa-runtime has no NT_GNU_BUILD_ID note");
	/* The reader the handshake uses finds this test's own. */
	ck_assert_int_eq(rt_ident_build_id(id, sizeof(id), &len), 0);
	ck_assert_uint_ge(len, 16);
	free(data);
}
END_TEST

static Suite *
rt_elf_suite(void)
{
	Suite *s = suite_create("rt_elf");
	TCase *tc = sa_tcase(s, "binary", TEST_TIMEOUT);

	tcase_add_test(tc, not_pie);
	tcase_add_test(tc, build_id);
	return s;
}

SA_CHECK_MAIN(rt_elf_suite)
