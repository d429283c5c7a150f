// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "sys.h"

static int token = -1;

void bf_sys_set_token(int token_fd)
{
	token = token_fd;
}

int bf_sys_map_create(enum bpf_map_type type, const char *name, uint32_t key_size,
		      uint32_t value_size, uint32_t max_entries, struct bpf_map_create_opts *opts)
{
	LIBBPF_OPTS(bpf_map_create_opts, none);
	int fd;

	if (!opts)
		opts = &none;
	if (token >= 0) {
		opts->token_fd = token;
		opts->map_flags |= BPF_F_TOKEN_FD;
	}
	fd = bpf_map_create(type, name, key_size, value_size, max_entries, opts);
	return fd < 0 ? -errno : fd;
}

int bf_sys_prog_load(const char *name, const struct bpf_insn *insns, size_t len,
		     struct bpf_prog_load_opts *opts)
{
	int fd;

	opts->expected_attach_type = BPF_NETFILTER;
	if (token >= 0) {
		opts->token_fd = token;
		opts->prog_flags |= BPF_F_TOKEN_FD;
	}
	fd = bpf_prog_load(BPF_PROG_TYPE_NETFILTER, name, "GPL", insns, len, opts);
	return fd < 0 ? -errno : fd;
}

int bf_sys_map_fill(int fd, const void *keys, size_t key_size, const void *values,
		    size_t value_size, uint32_t count)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = BPF_ANY);
	uint32_t done = 0;

	while (done < count) {
		uint32_t n = count - done;

		if (bpf_map_update_batch(fd, (const char *)keys + done * key_size,
					 (const char *)values + done * value_size, &n, &o))
			return -errno;
		if (!n)
			return -EIO;
		done += n;
	}
	return 0;
}
