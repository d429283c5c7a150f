// SPDX-License-Identifier: GPL-2.0
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heap.h"

/*
 * A table up to a quarter larger than the largest before reuses that one's
 * memory: appends grow it a rule at a time.
 */
#define BF_HEAP_GROWTH_SLACK 4

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
 * a block one and a half times the blob's size stays in the heap
 * (bf_heap_init()) for the translation to carve from. A translation of
 * about the size of one before finds that one's memory, present, and
 * nothing is added: a block taken on every replacement needs a free range
 * that large each time, and left the daemon 10 MB larger after five
 * appends to 50,000 rules. The heap's count of free bytes cannot tell
 * either: the kernel's BTF, read at start, left megabytes free but trimmed
 * (not present), and the first restore then skipped its block.
 */
void bf_heap_reserve_translation(size_t blob_len)
{
	size_t block_len = blob_len + blob_len / 2;
	static size_t largest_seen;
	void *block;

	if (blob_len <= largest_seen + largest_seen / BF_HEAP_GROWTH_SLACK) {
		if (blob_len > largest_seen)
			largest_seen = blob_len;
		return;
	}
	largest_seen = blob_len;
	block = malloc(block_len);
	if (!block)
		return; /* the translation faults its pages in as it goes */
	bf_heap_populate(block, block_len);
	free(block);
}
