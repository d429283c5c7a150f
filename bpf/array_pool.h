/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spare classifier arrays. Creating a large BPF array costs the kernel a
 * zeroed allocation of its whole size (about 1 ms for the 2 MB of 10,000
 * 5-tuple rules here), and a replacement such as `iptables -A` needs arrays
 * of nearly the same sizes as those of the table it replaces. So a table's
 * arrays are given back once its programs can no longer run, and the next
 * replacement writes over them: sizes are rounded up so that a table a few
 * rules larger still fits. At most one table's arrays wait here.
 *
 * Each array stays mapped for its whole life: on this kind of machine the
 * first write through a new mapping costs a fault per page (1.5 to 2 ms per
 * MB, measured), and writes through a mapping already written run at memory
 * speed, so a replacement that gets spares writes its entries fifty times
 * faster.
 */
#ifndef BPFILTER_BPF_ARRAY_POOL_H
#define BPFILTER_BPF_ARRAY_POOL_H

#include <stddef.h>
#include <stdint.h>

#define BF_CLASS_ARRAYS 4 /* bloom, shapes, tables, cands */

struct bf_array {
	int fd;
	uint32_t value_size, count; /* as created */
	void *mem; /* the whole array, mapped: value_size * count bytes */
};

/* The arrays of one hook's programs, kept by their table (zeroed: none). */
struct bf_arrays {
	struct bf_array a[BF_CLASS_ARRAYS];
	unsigned int n;
};

/*
 * n rounded up to one of eight sizes per power of two (less than a quarter
 * more), so that a slightly larger request fits what a smaller one left.
 */
size_t bf_round_eighths(size_t n);

/* count, rounded up to one of a few sizes per power of two (at least 1). */
uint32_t bf_array_pool_round(uint32_t count);

/*
 * An array of count values of value_size, mapped: a spare one of exactly
 * that size, or a new one. 0 or -errno.
 */
int bf_array_pool_get(const char *name, uint32_t value_size, uint32_t count, struct bf_array *out);
/* Unmap and close an array. */
void bf_array_close(struct bf_array *a);

/*
 * The arrays of a table whose programs no longer run (n hooks' worth)
 * become the spares, taken from arrays; the spares not used since the last
 * refill are closed.
 */
void bf_array_pool_refill(struct bf_arrays *arrays, unsigned int n);

void bf_arrays_release(struct bf_arrays *arrays);

#endif /* BPFILTER_BPF_ARRAY_POOL_H */
