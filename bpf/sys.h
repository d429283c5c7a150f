/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bpf() calls that need privileges, made with the daemon's BPF token when
 * it has one (--with-bpf-token): every map and program bpfilter creates goes
 * through here, so a daemon in a user namespace with a delegated bpffs works.
 */
#ifndef BPFILTER_BPF_SYS_H
#define BPFILTER_BPF_SYS_H

#include <stdint.h>
#include <bpf/bpf.h>

/* The token later calls use; -1 for none. */
void bf_sys_set_token(int token_fd);

/* bpf_map_create() with the token; opts may be NULL. Returns the fd or -errno. */
int bf_sys_map_create(enum bpf_map_type type, const char *name, uint32_t key_size,
		      uint32_t value_size, uint32_t max_entries, struct bpf_map_create_opts *opts);

/* bpf_prog_load() of a netfilter program with the token. Returns the fd or -errno. */
int bf_sys_prog_load(const char *name, const struct bpf_insn *insns, size_t len,
		     struct bpf_prog_load_opts *opts);

/*
 * Write count keys and values (arrays of key_size and value_size) into map
 * fd, a batch per syscall: a classifier's thousands of entries would
 * otherwise cost a syscall each. Returns 0 or -errno.
 */
int bf_sys_map_fill(int fd, const void *keys, size_t key_size, const void *values,
		    size_t value_size, uint32_t count);

#endif /* BPFILTER_BPF_SYS_H */
