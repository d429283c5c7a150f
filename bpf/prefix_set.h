/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A sorted set of IPv4 prefixes, asked which of them nest with a prefix:
 * hold it, lie inside it, or are it. Two prefixes either nest or are
 * disjoint; a data update may add or drop a trie run's prefix only if
 * nothing nests with it (bpf/data_update.c).
 */
#ifndef BPFILTER_BPF_PREFIX_SET_H
#define BPFILTER_BPF_PREFIX_SET_H

#include <stddef.h>
#include <stdint.h>

struct bf_prefix {
	uint32_t addr; /* host order, host bits zero */
	uint32_t len;
};

struct bf_prefix_set {
	struct bf_prefix *e; /* sorted by address, then length */
	size_t n;
	uint64_t lengths; /* bit len set: a prefix of that length is in */
};

/* Sort e (n prefixes) into s, which uses e. */
void bf_prefix_set_init(struct bf_prefix_set *s, struct bf_prefix *e, size_t n);

/* How many prefixes of s nest with p, counted up to max + 1. */
unsigned int bf_prefix_set_nesting(const struct bf_prefix_set *s, const struct bf_prefix *p,
				   unsigned int max);

#endif /* BPFILTER_BPF_PREFIX_SET_H */
