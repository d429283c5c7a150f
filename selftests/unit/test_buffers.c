// SPDX-License-Identifier: GPL-2.0
/*
 * Request and answer buffers (umh/request.h): large enough, not much larger,
 * and the same size while a table grows a rule at a time, so that a freed
 * buffer takes the next one without new heap pages. The heap a translation
 * takes (umh/heap.h) is present before it starts.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "../../umh/heap.h"
#include "../../umh/request.h"

/* Bytes an `iptables -A` of a tcp rule adds to a table's blob. */
#define RULE_BYTES 200

TEST(buffer_holds_the_request)
{
	size_t len;

	EXPECT_EQ(1, bf_buffer_size(0));
	for (len = 1; len < (64u << 20); len = len * 5 / 4 + 1) {
		ASSERT_LE(len, bf_buffer_size(len));
		ASSERT_LE(bf_buffer_size(len), len + len / 4 + 1) TH_LOG("len %zu", len);
	}
}

TEST(sizes_never_shrink_as_requests_grow)
{
	size_t len;

	for (len = 4000; len < (4u << 20); len += 97)
		ASSERT_LE(bf_buffer_size(len), bf_buffer_size(len + 97)) TH_LOG("len %zu", len);
}

TEST(a_table_growing_by_appends_keeps_its_buffer_size)
{
	size_t blob = 2001328, first = bf_buffer_size(blob);
	unsigned int i, changes = 0;

	/* the blob of 10,000 mixed rules, then a hundred appends */
	for (i = 1; i <= 100; i++) {
		size_t size = bf_buffer_size(blob + i * RULE_BYTES);

		changes += size != first;
		first = size;
	}
	EXPECT_LE(changes, 1);
}

/* Pages of [buf, buf + len) not in memory. */
static size_t pages_absent(const void *buf, size_t len)
{
	size_t page = sysconf(_SC_PAGESIZE), i, absent = 0;
	uintptr_t start = (uintptr_t)buf & ~(page - 1);
	size_t n = ((uintptr_t)buf + len - start + page - 1) / page;
	unsigned char *vec = malloc(n);

	if (!vec || mincore((void *)start, n * page, vec))
		return n;
	for (i = 0; i < n; i++)
		absent += !(vec[i] & 1);
	free(vec);
	return absent;
}

/*
 * As the daemon at start: megabytes freed, then trimmed (the kernel's BTF),
 * count as free heap but are not present. The first translation must still
 * find its heap present.
 */
TEST(a_first_translation_finds_its_heap_present)
{
	size_t freed = 8u << 20, blob = 2u << 20;
	void *btf, *guard, *translation;

#ifdef __SANITIZE_ADDRESS__
	SKIP(return, "AddressSanitizer's allocator is not glibc's heap");
#endif
	bf_heap_init();
	btf = malloc(freed);
	/* above it, so that the freed block stays in the heap: not its top */
	guard = malloc(1u << 20);
	ASSERT_NE(NULL, btf);
	ASSERT_GT((uintptr_t)guard, (uintptr_t)btf);
	memset(btf, 1, freed);
	free(btf);
	malloc_trim(0);
	ASSERT_GE(mallinfo2().fordblks, blob);

	bf_heap_reserve_translation(blob);
	translation = malloc(blob);
	ASSERT_NE(NULL, translation);
	EXPECT_EQ(0, pages_absent(translation, blob));
	free(translation);
	free(guard);
}

TEST_HARNESS_MAIN
