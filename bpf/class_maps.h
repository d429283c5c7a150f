/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps of a chain's classifiers (address runs, tuple runs), one set per
 * built-in chain shared by all its runs: a program may use at most 64 maps
 * (MAX_USED_MAPS), and a chain may hold many runs. Each run has an id that
 * its keys carry. Entries are staged while the code is generated; the maps
 * are made once it is complete, and written before any program runs.
 *
 * The tuple runs' maps are arrays, made when their size is known: until
 * then the code names placeholders, whose fds the real maps take over
 * (dup3). They are filled through their mapping (array_pool.h), without
 * a syscall per entry: a hash map or trie takes a lock per update, which at
 * ten thousand entries made every replacement of a big table milliseconds
 * slower. They are written while the verifier checks the programs, on
 * another CPU.
 */
#ifndef BPFILTER_BPF_CLASS_MAPS_H
#define BPFILTER_BPF_CLASS_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "array_pool.h"
#include "tuple_run.h"

/*
 * Key of the address runs' maps: the run's id, then the address. A run
 * whose prefixes all have one length is in the hash map, its id flagged
 * BF_RUN_HASHED; the others are in the LPM trie.
 */
#define BF_RUN_HASHED 0x80000000u

struct bf_run_key {
	uint32_t prefixlen; /* 32 + the address prefix length */
	uint32_t run;
	uint32_t addr; /* network order */
};

/*
 * Their value: what the table of the even generations, and of the odd ones,
 * answers for the addresses whose longest prefix in the map is the key's
 * (the rule found, with BF_RUN_ACCEPT, or BF_RUN_NONE). They differ only
 * while a data update is under way (bpf/data_update.c).
 */
struct bf_run_value {
	uint32_t gen[2];
};

/* Values to write into an array map, through its mapping. */
struct bf_class_write {
	void *mem; /* the whole array, mapped: size bytes */
	const void *values; /* its first len bytes; zeroes after */
	size_t len, size;
	bool unmap; /* once written: no table keeps the array (array_pool.h) */
};

/*
 * What an address run's entries were computed from (classify.c's, opaque
 * here) and where they are among the trie's: a run of the next table made
 * from the same rules takes them as they are, without sorting them again.
 */
struct bf_run_record {
	uint32_t run;
	void *source;
	size_t source_len;
	unsigned int first_key, nr_keys;
	/* the run's rules in the table, the field its lookup reads, its prefix (or -1) */
	unsigned int start, n;
	int field, prefix;
};

struct bf_class_maps {
	unsigned int max_entries; /* of each map, from the table's size */
	unsigned int next_run;
	/* address runs: bf_run_key -> bf_run_value, staged as one u32 (see classify.c) */
	int runs_fd; /* LPM trie */
	int hashed_fd; /* hash map: a placeholder until made */
	struct bf_run_key *run_keys;
	uint32_t *run_values;
	unsigned int nr_run_keys, cap_run_keys, nr_run_values, cap_run_values;
	struct bf_run_record *records;
	unsigned int nr_records, cap_records;
	/* tuple runs (see tuple_run.c) */
	int bloom_fd; /* array of u64: each run's filter of its keys */
	uint64_t *bloom;
	unsigned int nr_bloom, cap_bloom;
	int shapes_fd; /* array of struct bf_tuple_desc */
	struct bf_tuple_desc *shapes;
	unsigned int nr_shapes, cap_shapes;
	int tables_fd; /* array of struct bf_tuple_entry: each run's hash table */
	struct bf_tuple_entry *tables;
	unsigned int nr_tables, cap_tables;
	int cands_fd; /* array of struct bf_tuple_cand */
	struct bf_tuple_cand *cands;
	unsigned int nr_cands, cap_cands;
	/* made, to write: the arrays' mappings, the runs maps' entries if not shared */
	struct bf_class_write writes[BF_CLASS_ARRAYS];
	unsigned int nr_writes;
	struct bf_run_key *fill_keys; /* the trie's, then the hash map's */
	struct bf_run_value *fill_values;
	unsigned int trie_count, hashed_count;
};

/* No maps yet; each will hold up to max_entries (0 if the chain has no runs). */
void bf_class_maps_init(struct bf_class_maps *m, unsigned int max_entries);
/*
 * Create the address-run (tuple-run) maps if not yet made, handing their fds
 * to progs (closed once the programs are loaded): 0 or -errno. Address runs
 * of one prefix length want the hash map, the others the trie.
 */
int bf_class_maps_want_runs(struct bf_class_maps *m, struct bf_hook_progs *progs, bool hashed);
int bf_class_maps_want_tuples(struct bf_class_maps *m, struct bf_hook_progs *progs);

/* Stage entries; each returns 0, -ENOMEM, or -E2BIG past max_entries. */
int bf_class_add_run(struct bf_class_maps *m, const struct bf_run_key *k, uint32_t value);
int bf_class_add_runs(struct bf_class_maps *m, const struct bf_run_key *k, const uint32_t *values,
		      unsigned int count);
/*
 * Record that run's entries, staged from first_key on, were computed from
 * source (len bytes, malloc'ed: taken, even on error). 0 or -ENOMEM.
 */
int bf_class_record_run(struct bf_class_maps *m, uint32_t run, void *source, size_t len,
			unsigned int first_key);
/* A zeroed filter of words u64 for a run: its first word's index, or -errno. */
int bf_class_add_bloom(struct bf_class_maps *m, unsigned int words);
/* An empty hash table of entries for a run: its first entry's index, or -errno. */
int bf_class_add_table(struct bf_class_maps *m, unsigned int entries);
/* count zeroed candidates: the first one's index, or -errno */
int bf_class_add_cands(struct bf_class_maps *m, unsigned int count);
int bf_class_add_shape(struct bf_class_maps *m, const struct bf_tuple_desc *d);

/*
 * A chain's address-run maps as its table loaded them. A trie or hash map
 * takes a lock per entry to fill (milliseconds for a 10,000-rule
 * blocklist), and most replacements change rules around a run, not in it:
 * a table keeps its maps, and the next one shares them if their entries
 * are the same (the programs only read them).
 */
struct bf_runs_trie {
	struct bf_run_key *keys;
	uint32_t *values;
	unsigned int count;
	struct bf_run_record *records;
	unsigned int nr_records;
	int fd; /* the trie; -1: none */
	int hashed_fd; /* the hash map; -1: none */
	unsigned int nr_trie, nr_hashed; /* the entries each holds */
};

void bf_runs_trie_release(struct bf_runs_trie *t);
/* The record of run in t (NULL: none, or no t). */
const struct bf_run_record *bf_runs_trie_record(const struct bf_runs_trie *t, uint32_t run);

/*
 * Make the maps for the staged entries, the runs trie shared with prev if
 * its entries are the same, so that the programs can be loaded; keep takes
 * the trie (and the staged entries that describe it), arrays the arrays
 * (array_pool.h), if not NULL. 0 or -errno.
 */
int bf_class_maps_make(struct bf_class_maps *m, const struct bf_runs_trie *prev,
		       struct bf_runs_trie *keep, struct bf_arrays *arrays);
/*
 * Write the staged entries into the maps made, as a bf_job (m): the verifier
 * does not read them, so this runs while it checks the programs. 0 or -errno.
 */
int bf_class_maps_write(void *m);
/* What bf_class_maps_write() has to do, in bytes copied (or as long to do). */
size_t bf_class_maps_pending(const struct bf_class_maps *m);
/* Free the staging and unwritten mappings (the maps belong to the programs). */
void bf_class_maps_release(struct bf_class_maps *m);

#endif /* BPFILTER_BPF_CLASS_MAPS_H */
