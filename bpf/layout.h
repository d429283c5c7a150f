/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a table's rules count, once data updates (data_update.h) changed its
 * address runs under programs generated for an earlier table (the
 * build): the programs name counter slots and rule offsets of the build.
 * A rule outside the runs keeps its build slot; a run's rule has the slot
 * its entry names (kept while the rule stays, given when it is added). No
 * layout: the table is its build, rule i counts in slot i, generation 0.
 */
#ifndef BPFILTER_BPF_LAYOUT_H
#define BPFILTER_BPF_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netfilter.h>

struct bf_run_layout {
	uint32_t build_first; /* its first rule's index in the build: slots count from there */
	uint32_t build_n; /* its length in the build */
	uint32_t build_offset; /* its first rule's offset in the build */
	uint32_t build_size; /* its entries' bytes in the build */
	uint32_t start, n, size; /* its rules now, and their bytes */
	int32_t field, prefix; /* the address it looks up (enum bf_run_field), its length */
	uint32_t run_ids[NF_INET_NUMHOOKS]; /* its id in each chain's runs map; 0: none */
	uint32_t *pos; /* [n]: each rule's slot, less build_first */
};

struct bf_layout {
	uint32_t gen; /* the generation the programs count in (gen & 1: the bank) */
	uint32_t build_entries; /* rules of the build */
	uint32_t bank_elems; /* the programs' bf_table_maps */
	uint32_t table_id;
	uint32_t nr_runs;
	struct bf_run_layout *runs; /* in table order */
};

/* The counter slot of rule i (l NULL: i). */
uint32_t bf_layout_slot(const struct bf_layout *l, uint32_t i);
/* The offset now of the rule the programs name by its build offset (l NULL: off). */
uint32_t bf_layout_offset(const struct bf_layout *l, uint32_t off);

/* A copy of l (its own pos arrays), or NULL (no memory). */
struct bf_layout *bf_layout_dup(const struct bf_layout *l);
void bf_layout_free(struct bf_layout *l);

/* As bytes for the saved state: a buffer to free, or NULL (no memory). */
void *bf_layout_save(const struct bf_layout *l, size_t *len);
/* From bytes saved by bf_layout_save(): NULL if they are not a layout. */
struct bf_layout *bf_layout_load(const void *data, size_t len);

struct bf_bpf_table;
struct xlate_table;

/* Each rule's offset in t, and t's size after them: to free (NULL: no memory). */
uint32_t *bf_rule_offsets(const struct xlate_table *t);
/*
 * The layout of bt, just built from t, as a restart needs it to edit its
 * address runs (generation 0, each rule in its build slot). NULL: no memory.
 */
struct bf_layout *bf_layout_build(const struct bf_bpf_table *bt, const struct xlate_table *t);
/*
 * A copy of the layout of bt's table, whose n rules are at offsets off: its
 * own, or its build's (each rule of a run in its build slot, from the runs'
 * records). NULL: no memory.
 */
struct bf_layout *bf_layout_current(const struct bf_bpf_table *bt, const uint32_t *off, uint32_t n);

#endif /* BPFILTER_BPF_LAYOUT_H */
