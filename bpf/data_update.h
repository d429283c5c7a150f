/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data updates: a replacement that changes only which rules the address
 * runs hold (a ban added to or lifted from a fail2ban chain, a prefix added
 * to or deleted from a blocklist), or nothing but counters (iptables -Z),
 * changes map entries and keeps the programs: no generation, verification
 * or load.
 *
 * Atomic and exact as a replacement, by generations: the programs of a table
 * with counter banks (codegen.h) read the generation once per packet, count
 * in its bank, and read the run entries' value for it (class_maps.h,
 * struct bf_run_value). An update zeroes the other bank, writes the entries
 * that change with the next table's values for the next generation and the
 * current ones for the current, then makes the next generation current (one
 * store): each packet sees one table or the other, whole. Once the programs
 * that began in the old generation are done (a grace period), its bank holds
 * the old table's final counters, and the entries take the new values for
 * both or are deleted.
 */
#ifndef BPFILTER_BPF_DATA_UPDATE_H
#define BPFILTER_BPF_DATA_UPDATE_H

/* loader.h first: glibc's network headers must come before the kernel's */
#include "loader.h"
#include "../xlate/ir.h"

struct bf_update;

/*
 * Plan replacing cur, whose programs are bt's, by the table whose rules are
 * next: 0 and *out if it differs from cur only in the rules of bt's address
 * runs as data updates allow, 1 if it does not (a full replacement is
 * needed), or -errno.
 */
int bf_update_plan(const struct bf_bpf_table *bt, const struct xlate_table *cur,
		   const struct xlate_ir *next, struct bf_update **out);
/* The layout next will have (owned by u until bf_update_table()). */
const struct bf_layout *bf_update_layout(const struct bf_update *u);
/* A table object for next, id: bt's programs and maps, next's layout. NULL: no memory. */
struct bf_bpf_table *bf_update_table(struct bf_update *u, uint32_t id);
/* Write next's entries and make its generation current: 0, or -errno and nothing changed. */
int bf_update_apply(struct bf_update *u);
/* Once the old generation's programs are done: entries the new table's in both, or deleted. */
int bf_update_finish(struct bf_update *u);
void bf_update_free(struct bf_update *u);

#endif /* BPFILTER_BPF_DATA_UPDATE_H */
