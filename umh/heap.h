/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's heap: freed memory is kept for the next request, and a large
 * request's memory is faulted in at once rather than page by page.
 */
#ifndef BPFILTER_UMH_HEAP_H
#define BPFILTER_UMH_HEAP_H

#include <stddef.h>

/* Keep freed memory in the heap (call before any allocation). */
void bf_heap_init(void);

/*
 * Make sure the heap holds bytes of free memory whose pages are present:
 * a request for a table of n bytes allocates about twice that before it
 * frees anything (the request, the table, its programs and state file).
 */
void bf_heap_prefault(size_t bytes);

#endif /* BPFILTER_UMH_HEAP_H */
