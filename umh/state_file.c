// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"
#include "state_file.h"

struct file_header {
	char magic[8];
	uint32_t version;
	uint32_t crc; /* CRC-32 of the payload */
	uint64_t len; /* payload bytes */
};

/*
 * A pruned file is kept as the spare of its kind, and the next large file of
 * that kind is written over it: tmpfs takes a page and zeroes it for each
 * page of a new file, and frees each page of a removed one, which for a
 * 10,000-rule table costs more than writing it. ".spare-<kind>" is not a
 * <kind>-<id> name: neither pruned nor read back.
 */
#define SPARE_WORTH (64u << 10)

/* Where the spare of kind is, relative to BF_STATE_DIR. */
static void spare_name(char *name, size_t size, const char *kind)
{
	snprintf(name, size, ".spare-%s", kind);
}

/* The kind and id of a <kind>-<id> file name; false if it is not one. */
static bool parse_name(const char *name, char kind[32], unsigned int *id)
{
	char end;

	return sscanf(name, "%31[a-z]-%u%c", kind, id, &end) == 2;
}

/* tmp, open for writing: over the spare of path's kind if it is worth it. */
static int open_tmp(const char *tmp, const char *path, size_t size)
{
	const char *base = strrchr(path, '/');
	char kind[32], spare[PATH_MAX], name[48];
	unsigned int id;
	int fd;

	if (size >= SPARE_WORTH && parse_name(base ? base + 1 : path, kind, &id)) {
		spare_name(name, sizeof(name), kind);
		snprintf(spare, sizeof(spare), "%s/%s", BF_STATE_DIR, name);
		if (rename(spare, tmp) == 0) {
			fd = open(tmp, O_WRONLY | O_CLOEXEC);
			if (fd >= 0)
				return fd;
		}
	}
	return open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

int bf_state_file_write(const char *path, const char *magic, const struct iovec *parts, int n)
{
	struct file_header h = { .version = BF_STATE_VERSION };
	struct iovec iov[8];
	char tmp[PATH_MAX];
	ssize_t total = sizeof(h);
	int fd, i, ret = 0;

	if (n + 1 > (int)(sizeof(iov) / sizeof(iov[0])))
		return -E2BIG;
	/* magics are 7 characters and a NUL */
	memcpy(h.magic, magic, strnlen(magic, sizeof(h.magic) - 1));
	iov[0] = (struct iovec){ &h, sizeof(h) };
	for (i = 0; i < n; i++) {
		h.crc = (uint32_t)crc32(h.crc, parts[i].iov_base, (uInt)parts[i].iov_len);
		h.len += parts[i].iov_len;
		iov[i + 1] = parts[i];
	}
	total += (ssize_t)h.len;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open_tmp(tmp, path, total);
	if (fd < 0)
		return -errno;
	/* tmpfs takes a whole writev; anything shorter is an error */
	if (writev(fd, iov, n + 1) != total || ftruncate(fd, total) || fsync(fd))
		ret = errno ? -errno : -EIO;
	close(fd);
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int read_all(const char *path, unsigned char **data, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	*data = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	*data = malloc(st.st_size ? st.st_size : 1);
	if (!*data) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, *data, st.st_size);
	close(fd);
	if (n != st.st_size)
		return -EIO;
	*len = (size_t)n;
	return 0;
}

int bf_state_file_read(const char *path, const char *magic, unsigned char **data,
		       const unsigned char **payload, size_t *len)
{
	const struct file_header *h;
	size_t size = 0;
	int ret = read_all(path, data, &size);

	if (ret)
		return ret;
	h = (const void *)*data;
	if (size < sizeof(*h) || memcmp(h->magic, magic, strnlen(magic, sizeof(h->magic) - 1) + 1))
		return -EBADMSG;
	if (h->version != BF_STATE_VERSION) {
		bf_err("%s has version %u, this bpfilterd reads version %u", path, h->version,
		       BF_STATE_VERSION);
		return -EPROTO;
	}
	if (h->len != size - sizeof(*h) ||
	    h->crc != (uint32_t)crc32(0, *data + sizeof(*h), (uInt)h->len))
		return -EBADMSG;
	*payload = *data + sizeof(*h);
	*len = h->len;
	return 0;
}

void bf_state_file_path(char *path, size_t size, const char *kind, uint32_t id)
{
	snprintf(path, size, "%s/%s-%u", BF_STATE_DIR, kind, id);
}

void bf_state_file_prune(const char *const *kinds, int nr_kinds, int (*keep)(uint32_t id))
{
	DIR *d = opendir(BF_STATE_DIR);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char kind[32], spare[48];
		unsigned int id;
		int i;

		if (!parse_name(de->d_name, kind, &id) || keep(id))
			continue;
		spare_name(spare, sizeof(spare), kind);
		for (i = 0; i < nr_kinds; i++)
			if (!strcmp(kind, kinds[i]) &&
			    renameat(dirfd(d), de->d_name, dirfd(d), spare))
				unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}
