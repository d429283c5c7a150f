/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's heap: freed memory is kept for the next request, and a large
 * request's buffer, and the heap its translation will take, are faulted in
 * at once rather than page by page.
 */
#ifndef BPFILTER_UMH_HEAP_H
#define BPFILTER_UMH_HEAP_H

#include <stddef.h>

/* Keep freed memory in the heap (call before any allocation). */
void bf_heap_init(void);

/* Have the kernel fault in buf's pages at once, before a large write. */
void bf_heap_populate(void *buf, size_t len);

/* Fault in, at once, the heap that translating a table blob will take. */
void bf_heap_reserve_translation(size_t blob_len);

#endif /* BPFILTER_UMH_HEAP_H */
