/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A table's counters map (codegen.h): a per-CPU array, reused from the
 * table retired before when it is of a size that fits. Creating one costs
 * its per-CPU memory, which the kernel's per-CPU allocator may have to
 * populate: 2.5 to 3 ms here for the 84 elements of a 10,000-rule table
 * with two banks, 0.1 ms when a chunk had room (measured alternating
 * creations and frees as replacements do).
 */
#ifndef BPFILTER_BPF_COUNTERS_MAP_H
#define BPFILTER_BPF_COUNTERS_MAP_H

#include <stdint.h>

/*
 * A counters map named name of banks banks of at least elems elements
 * each, zeroed; *got: its elements per bank. An fd, or -errno.
 */
int bf_counters_map_get(const char *name, uint32_t elems, uint32_t banks, uint32_t *got);

/*
 * The counters map fd of elems elements, which no program runs with any
 * more, for reuse: it is zeroed on another CPU meanwhile.
 */
void bf_counters_map_recycle(int fd, uint32_t elems);

/* Zero elements [first, first + n) of the counters map at fd, in one call: 0 or -errno. */
int bf_counters_map_zero(int fd, uint32_t first, uint32_t n);

#endif /* BPFILTER_BPF_COUNTERS_MAP_H */
