// SPDX-License-Identifier: GPL-2.0
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heap.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/*
 * Every replacement allocates a few buffers the size of the table (the
 * request, the table, its state file, the classifier's arrays) and frees
 * the previous ones. Served from fresh mmap()s, each of their pages would
 * fault on first touch, which costs microseconds per page on virtualised
 * machines: about 5 ms per replacement at 10,000 rules. Kept in the heap,
 * the pages of one replacement serve the next. The heap then holds the
 * largest replacement's memory until exit; the benchmark reports it.
 */
void bf_heap_init(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20); /* glibc's largest */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

/*
 * The first large request of a daemon still finds fresh pages: a page fault
 * each, 10 us here against about 0.5 us per page for the kernel filling a
 * range in one call. A block of that size taken from the heap, filled and
 * freed again stays in the heap (bf_heap_init()) for the allocations that
 * follow; its pages already present the second time, the call then only
 * walks the page tables.
 */
void bf_heap_prefault(size_t bytes)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), start, end;
	char *block = malloc(bytes);

	if (!block)
		return;
	start = ((uintptr_t)block + page - 1) & ~(page - 1);
	end = ((uintptr_t)block + bytes) & ~(page - 1);
	/* an older kernel refuses the advice: the pages then fault as before */
	if (end > start)
		madvise((void *)start, end - start, MADV_POPULATE_WRITE);
	free(block);
}
