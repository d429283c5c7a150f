/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The entries of a trie run (bpf/classify.c) that change when its rules do.
 * Each prefix's entry answers for the addresses it is the longest prefix
 * of: the earliest rule among the prefixes holding it. Two prefixes nest or
 * are disjoint, so adding or dropping one changes its own entry and, among
 * the prefixes inside it, those it now comes first among or came first
 * among; a data update writes only these (bpf/data_update.c).
 */
#ifndef BPFILTER_BPF_PREFIX_DIFF_H
#define BPFILTER_BPF_PREFIX_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A rule of a run: its prefix and what its entry names (rule and verdict). */
struct bf_prefix_rule {
	uint32_t addr; /* host order, host bits zero */
	uint32_t len;
	uint32_t answer;
};

/* An entry that changes: what each table answers there (BF_RUN_NONE: nothing). */
struct bf_prefix_change {
	uint32_t addr, len;
	uint32_t old_answer, new_answer;
	bool in_old, in_new; /* the prefix is a rule's in that table */
};

/*
 * The changes from the run old (n_old rules, in rule order) to new, in
 * *changes (malloc'ed; *n of them). 0, 1 if a prefix repeats in either
 * (each entry names one rule), or -ENOMEM.
 */
int bf_prefix_diff(const struct bf_prefix_rule *old, size_t n_old, const struct bf_prefix_rule *new,
		   size_t n_new, struct bf_prefix_change **changes, size_t *n);

#endif /* BPFILTER_BPF_PREFIX_DIFF_H */
