/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Persistence: the BPF objects of every table in force are pinned under
 * <bpffs>/bpfilter, and the daemon's state (umh/state.c) is written under
 * /run/bpfilter, so that filtering goes on while the daemon is down and a
 * new daemon takes over where the last one stopped. Nothing of this happens
 * with --transient.
 *
 * Layout of <bpffs>/bpfilter:
 *   events                  the LOG/REJECT ring buffer of all tables
 *   ns-<cookie>/chains      a netns's dispatcher program array
 *   ns-<cookie>/link_<hook> its netfilter links
 *   ns-<cookie>/local_routes  -m addrtype's mirror, if used
 *   ns-<cookie>/t<id>/      one table's counters, parts, state, prog_<hook>
 */
#ifndef BPFILTER_UMH_PERSIST_H
#define BPFILTER_UMH_PERSIST_H

#include <stdbool.h>
#include <stdint.h>

#include "netns.h"
#include "opts.h"

struct bf_bpf_table;
struct bf_attachment;

/* Read the options; create the pin directory unless transient. */
int bf_persist_init(const struct bf_opts *opts);
bool bf_persist_enabled(void);
const char *bf_persist_dir(void);

/* The events ring buffer: the pinned one, or a new one (pinned if persistent). */
int bf_persist_events_map(void);

/* Pin a loaded table's objects in ns's t<id>/ directory. */
int bf_persist_pin_table(const struct bf_netns *ns, const struct bf_bpf_table *bt);
/* Pin ns's dispatcher array, links and addrtype mirror. */
int bf_persist_pin_netns(const struct bf_netns *ns);
/* Remove ns's table directories other than keep_id's (0: all of them). */
void bf_persist_prune(const struct bf_netns *ns, uint32_t keep_id);
/* Remove all of ns's pins. */
void bf_persist_forget(const struct bf_netns *ns);

/* Reopen a pinned table of t->num_entries counters; NULL on failure. */
struct bf_bpf_table *bf_persist_open_table(uint64_t cookie, uint32_t id, unsigned int counters);
/* Reopen ns's pinned dispatcher array and links; NULL on failure. */
struct bf_attachment *bf_persist_open_attachment(uint64_t cookie);
/* ns's pinned addrtype mirror, or -1. */
int bf_persist_open_local_routes(uint64_t cookie);
/* True if some netns directory is pinned (rules may be in force). */
bool bf_persist_has_pins(void);

#endif /* BPFILTER_UMH_PERSIST_H */
