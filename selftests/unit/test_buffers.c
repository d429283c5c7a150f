// SPDX-License-Identifier: GPL-2.0
/*
 * Request and answer buffers (umh/request.h): large enough, not much larger,
 * and the same size while a table grows a rule at a time, so that a freed
 * buffer takes the next one without new heap pages.
 */
#include "kselftest_harness.h"

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

TEST_HARNESS_MAIN
