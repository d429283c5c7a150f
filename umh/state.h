/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's state file, /run/bpfilter/state: for each netns, its filter
 * table (the blob as validated, the counters iptables added) and the id of
 * the pinned programs that enforce it. Versioned, checksummed (CRC-32), and
 * replaced atomically (write, fsync, rename), so a crash leaves the old or
 * the new file, never a torn one.
 *
 * A replacement is written twice: first with both the old and the new table
 * of the netns (before the switch), then with the new one only. Whichever
 * moment a crash hits, restore finds the table whose programs the pinned
 * dispatcher array actually runs.
 */
#ifndef BPFILTER_UMH_STATE_H
#define BPFILTER_UMH_STATE_H

#include <stdint.h>

#include "../xlate/table.h"
#include "netns.h"

#define BF_STATE_PATH "/run/bpfilter/state"

/*
 * Write every netns's table in force; with pending, ns also lists pending,
 * enforced by the table pinned as pending_id. 0 or -errno (logged).
 */
int bf_state_save(const struct bf_netns *ns, const struct xlate_table *pending,
		  uint32_t pending_id);

/*
 * At start: take over the tables of the last daemon. 0 if there was nothing
 * to restore; -errno (logged) if the state cannot be used.
 */
int bf_state_restore(void);

#endif /* BPFILTER_UMH_STATE_H */
