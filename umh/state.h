/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's saved state, in /run/bpfilter (umh/state_file.h for the
 * files' format):
 *   state           the index: per netns, the id of its table in force (two
 *                   ids while a replacement is under way)
 *   table-<id>      a table's blob as validated, written once
 *   counters-<id>   the counters iptables added to it, if any
 * Table ids name the pinned programs that enforce them (umh/persist.h). A
 * replacement writes the new table's file, then the index with both ids
 * before the switch, then with the new one only: whichever moment a crash
 * hits, restore finds the table whose programs the pinned dispatcher array
 * actually runs. Nothing already saved is rewritten: a table's file once,
 * its counters on each ADD_COUNTERS, the small index twice.
 */
#ifndef BPFILTER_UMH_STATE_H
#define BPFILTER_UMH_STATE_H

#include <stdint.h>

#include "../bpf/layout.h"
#include "../xlate/table.h"
#include "netns.h"
#include "state_file.h"

#define BF_STATE_PATH BF_STATE_DIR "/state"

/* Write table t, pinned as id; its counters. 0 or -errno (logged). */
int bf_state_save_table(const struct xlate_table *t, uint32_t id);
/* The layout of table id, once a data update changed it (bpf/layout.h). */
int bf_state_save_layout(const struct bf_layout *l, uint32_t id);
int bf_state_save_counters(const struct xlate_table *t, uint32_t id);

/*
 * Write the index: every netns's table in force and, with pending_ns, the
 * table pending_id beside it. 0 or -errno (logged).
 */
int bf_state_save(const struct bf_netns *pending_ns, uint32_t pending_id);

/* Remove the files of tables no netns has in force. */
void bf_state_prune(void);

/*
 * At start: take over the tables of the last daemon. 0 if there was nothing
 * to restore; -errno (logged) if the state cannot be used.
 */
int bf_state_restore(void);

#endif /* BPFILTER_UMH_STATE_H */
