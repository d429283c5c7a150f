/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The address runs' maps of a table restored after a restart, taken over
 * so that data updates (data_update.h) go on. The maps are not pinned: the
 * programs hold them, and name them by id. A daemon killed in the middle
 * of an update may have left entries whose two values differ, and entries
 * of prefixes the table in force does not have (each answering as the
 * prefix holding it does); they are made the table in force's, in both
 * generations, or deleted.
 */
#ifndef BPFILTER_BPF_RUNS_ADOPT_H
#define BPFILTER_BPF_RUNS_ADOPT_H

/* loader.h first: glibc's network headers must come before the kernel's */
#include "loader.h"
#include "../xlate/ir.h"

/*
 * Take over the runs maps of bt, restored with its layout, whose rules are
 * t's: 0 (a table with no layout has nothing to take), or -errno and bt
 * keeps none (its changes are full replacements).
 */
int bf_runs_adopt(struct bf_bpf_table *bt, const struct xlate_table *t);

#endif /* BPFILTER_BPF_RUNS_ADOPT_H */
