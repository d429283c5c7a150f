/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A table in the kernel: its counters map and one loaded program per
 * built-in chain. Loading it changes no packet's fate; bf_attach does.
 */
#ifndef BPFILTER_BPF_LOADER_H
#define BPFILTER_BPF_LOADER_H

#include <stdbool.h>

#include "class_maps.h"
#include "codegen.h"
#include "layout.h"

/* What to log while loading; log may be NULL. */
struct bf_bpf_table;

struct bf_load_opts {
	bool verifier_log; /* the verifier's output, even on success */
	bool bytecode; /* each program's instructions before loading */
	bool trace; /* programs trace failed kernel calls (bpftool prog tracelog) */
	void (*log)(const char *line);
	/* ring buffer for LOG and REJECT events; < 0: each table makes its own */
	int events_fd;
	/* the netns's local routes (bpf/local_routes.h); < 0: an empty one */
	int local_routes_fd;
	/* the table the new one replaces, whose unchanged classifier maps it shares */
	const struct bf_bpf_table *previous;
	/* the table's rules, if already decoded; NULL: the load decodes them */
	const struct xlate_ir *ir;
};

struct bf_bpf_table {
	char name[XT_TABLE_MAXNAMELEN];
	uint32_t id; /* unique in this process, carried by events */
	struct bf_table_maps maps;
	unsigned int num_counters;
	/* indexed by hook, -1 for hooks the table does not have */
	int prog_fds[NF_INET_NUMHOOKS];
	/* each chain's address-run trie, for the next table to share */
	struct bf_runs_trie tries[NF_INET_NUMHOOKS];
	/* each chain's classifier arrays, for the table after next to reuse */
	struct bf_arrays arrays[NF_INET_NUMHOOKS];
	/* where the rules count after data updates (bpf/data_update.h); NULL: as built */
	struct bf_layout *layout;
};

/*
 * Translate table t and load its programs. Fails without side effects, with
 * -EOPNOTSUPP (err names what cannot be translated), -E2BIG, or the
 * verifier's or allocator's errno (err->msg says which).
 */
int bf_bpf_table_load(const struct xlate_table *t, const struct bf_load_opts *opts,
		      struct bf_bpf_table **out, struct xlate_error *err);
void bf_bpf_table_free(struct bf_bpf_table *bt);

/*
 * A table whose programs can no longer run (detached, and a grace period
 * waited for): its classifier arrays become the spares of the next table.
 */
void bf_bpf_table_recycle(struct bf_bpf_table *bt);

/* An empty table object (all fds -1), for one reopened from pins. */
struct bf_bpf_table *bf_bpf_table_new(const char *name, uint32_t id, unsigned int num_counters);
/* Later tables get ids above id (ids name pinned directories). */
void bf_bpf_table_reserve_id(uint32_t id);
/* The id the next bf_bpf_table_load() gives its table. */
uint32_t bf_bpf_table_next_id(void);

/* Sum the per-CPU counters into out[num_counters] (overwriting). */
int bf_bpf_table_counters(const struct bf_bpf_table *bt, struct xt_counters *out);
/* Sum bank's counters of slots [0, slots) into out (overwriting). */
int bf_bpf_table_read_bank(const struct bf_bpf_table *bt, uint32_t bank, uint32_t slots,
			   struct xt_counters *out);

/* "table_suffix" cut to a BPF object name (15 characters). */
void bf_obj_name(char *dst, const char *table, const char *suffix);

/* The chain name of a built-in hook, as iptables prints it. */
const char *bf_hook_name(unsigned int hook);
/* Its short name in object names: "pre", "in", "fwd", "out", "post". */
const char *bf_hook_short_name(unsigned int hook);

#endif /* BPFILTER_BPF_LOADER_H */
