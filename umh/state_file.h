/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files of the saved state (umh/state.h), in /run/bpfilter: a magic
 * naming what the file holds, a version, the payload's length and CRC-32.
 * Each is written aside, fsynced and renamed, so a crash leaves the old or
 * the new file, never a torn one.
 */
#ifndef BPFILTER_UMH_STATE_FILE_H
#define BPFILTER_UMH_STATE_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define BF_STATE_DIR "/run/bpfilter"

/* also the layout of pinned maps: 2 keeps BF_COUNTERS_PER_ELEM counters per element */
#define BF_STATE_VERSION 2

/* Write the payload, parts[0..n) in order, to path: 0 or -errno. */
int bf_state_file_write(const char *path, const char *magic, const struct iovec *parts, int n);

/*
 * Read path (which must have magic and the version), its payload at
 * *payload (inside *data, to free) of *len bytes: 0, -ENOENT, -EPROTO for
 * another version (logged), -EBADMSG if it is corrupt, or -errno.
 */
int bf_state_file_read(const char *path, const char *magic, unsigned char **data,
		       const unsigned char **payload, size_t *len);

/* BF_STATE_DIR "/<kind>-<id>" */
void bf_state_file_path(char *path, size_t size, const char *kind, uint32_t id);

/* Remove every <kind>-<id> file of kinds for which keep(id) is false. */
void bf_state_file_prune(const char *const *kinds, int nr_kinds, int (*keep)(uint32_t id));

#endif /* BPFILTER_UMH_STATE_FILE_H */
