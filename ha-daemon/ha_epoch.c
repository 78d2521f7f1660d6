/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ha_epoch.h"

#define HA_EPOCH_TEXT_MAX	32

static int
path_of(const struct ha_epoch *e, const char *name, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/%s", e->dir, name);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int
ha_epoch_open(struct ha_epoch *e, const char *state_dir)
{
	char path[sizeof(e->dir) + 16], text[HA_EPOCH_TEXT_MAX + 1], *end;
	ssize_t n;
	int fd, ret;

	memset(e, 0, sizeof(*e));
	if (strlen(state_dir) >= sizeof(e->dir))
		return -ENAMETOOLONG;
	strcpy(e->dir, state_dir);
	ret = path_of(e, HA_EPOCH_FILE, path, sizeof(path));
	if (ret < 0)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, text, HA_EPOCH_TEXT_MAX);
	close(fd);
	if (n < 0)
		return -errno;
	text[n] = '\0';
	errno = 0;
	e->value = strtoull(text, &end, 10);
	if (n == 0 || text[0] < '0' || text[0] > '9' || errno != 0 ||
	    (*end != '\0' && strcmp(end, "\n") != 0)) {
		fprintf(stderr, "%s:1: not an epoch (a decimal number)\n",
			path);
		e->value = 0;
		return -EINVAL;
	}
	return 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ha_epoch_store(struct ha_epoch *e, uint64_t value)
{
	char path[sizeof(e->dir) + 16], tmp[sizeof(e->dir) + 16];
	char text[HA_EPOCH_TEXT_MAX];
	int fd, dfd, ret, len;

	if (value < e->value)
		return -ERANGE;
	if (value == e->value && value != 0)
		return 0;
	ret = path_of(e, HA_EPOCH_FILE, path, sizeof(path));
	if (ret == 0)
		ret = path_of(e, HA_EPOCH_TMP, tmp, sizeof(tmp));
	if (ret < 0)
		return ret;
	len = snprintf(text, sizeof(text), "%" PRIu64 "\n", value);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, text, (size_t)len);
	if (ret == 0 && fsync(fd) != 0)
		ret = -errno;
	if (close(fd) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) != 0)
		ret = -errno;
	if (ret < 0) {
		unlink(tmp);
		return ret;
	}
	/* The rename itself is durable once the directory is. */
	dfd = open(e->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	ret = fsync(dfd) == 0 ? 0 : -errno;
	close(dfd);
	if (ret == 0)
		e->value = value;
	return ret;
}
