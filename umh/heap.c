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
 * A daemon's first large request still finds fresh pages: a page fault
 * each, 5.3 to 6.5 ms per 2 MB here, against 1.1 ms for the kernel filling
 * the range in one call. Pages already present are only walked over.
 */
void bf_heap_populate(void *buf, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)buf + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)buf + len) & ~(page - 1);

	/* an older kernel refuses the advice: the pages then fault as before */
	if (end > start)
		madvise((void *)start, end - start, MADV_POPULATE_WRITE);
}

/*
 * Translating a table takes about as much heap again as its blob: at
 * 10,000 rules, 1.7 MB beyond a 1.5 MB blocklist and 2.6 MB beyond 2 MB of
 * mixed 5-tuple rules (the IR, the classifier's staging, the instructions).
 * The first time, each of those pages faulted on first touch, about 4 ms
 * per replacement here. Faulted in by the kernel in one call, then freed,
 * a block of the blob's size stays in the heap (bf_heap_init()) for the
 * translation to carve from. Once the heap holds that much free memory
 * (the previous translation's, present), nothing is added: a block taken
 * on every replacement needs a free range that large each time, and (one
 * and a half times the blob) left the daemon 10 MB larger after five
 * appends to 50,000 rules.
 */
void bf_heap_reserve_translation(size_t blob_len)
{
	void *block;

	if (mallinfo2().fordblks >= blob_len)
		return;
	block = malloc(blob_len);
	if (!block)
		return; /* the translation faults its pages in as it goes */
	bf_heap_populate(block, blob_len);
	free(block);
}
