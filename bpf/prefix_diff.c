// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include "classify.h"
#include "prefix_diff.h"

/*
 * A rule of either table, as one number that sorts by address, then length
 * (a prefix before the ones inside it), then table: the address, its
 * length, whether the rule is new's, and its place among its table's.
 */
typedef uint64_t item;

#define ITEM_ORDER_BITS 25
#define ITEM_NEW (1ull << ITEM_ORDER_BITS)

static item item_of(const struct bf_prefix_rule *r, size_t order, bool new)
{
	return (uint64_t)r->addr << 32 | (uint64_t)r->len << 26 | (new ? ITEM_NEW : 0) | order;
}

static uint32_t item_addr(item x)
{
	return (uint32_t)(x >> 32);
}

static uint32_t item_len(item x)
{
	return (uint32_t)(x >> 26) & 63;
}

static bool item_new(item x)
{
	return x & ITEM_NEW;
}

static uint32_t item_order(item x)
{
	return (uint32_t)(x & (ITEM_NEW - 1));
}

/* A prefix being walked, and the earliest rule of each table among those holding it. */
struct frame {
	uint32_t addr, len;
	uint32_t order[2], answer[2]; /* [0]: old, [1]: new; order UINT32_MAX: none */
};

static uint32_t mask_of(uint32_t len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

/*
 * Sort it[0..n) (tmp: as many), a byte at a time from the lowest (radix
 * sort), into one of the two: returned. Bytes all items share (an
 * address's first) take no pass.
 */
static item *sort_items(item *it, item *tmp, size_t n)
{
	unsigned int shift;
	size_t i;

	for (shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 }, at = 0, c;
		item *swap;

		for (i = 0; i < n; i++)
			count[(it[i] >> shift) & 0xff]++;
		if (n && count[(it[0] >> shift) & 0xff] == n)
			continue;
		for (i = 0; i < 256; i++) {
			c = count[i];
			count[i] = at;
			at += c;
		}
		for (i = 0; i < n; i++)
			tmp[count[(it[i] >> shift) & 0xff]++] = it[i];
		swap = it;
		it = tmp;
		tmp = swap;
	}
	return it;
}

/* Both tables' rules, sorted in *sorted, within a buffer to free; NULL: no memory. */
static item *items_of(const struct bf_prefix_rule *old, size_t n_old,
		      const struct bf_prefix_rule *new, size_t n_new, item **sorted)
{
	size_t n = n_old + n_new, i;
	item *it = malloc((2 * n + 1) * sizeof(*it));

	if (!it)
		return NULL;
	for (i = 0; i < n_old; i++)
		it[i] = item_of(&old[i], i, false);
	for (i = 0; i < n_new; i++)
		it[n_old + i] = item_of(&new[i], i, true);
	*sorted = sort_items(it, it + n, n);
	return it;
}

/* Whether f's prefix holds the prefix of x. */
static bool holds(const struct frame *f, item x)
{
	return f->len <= item_len(x) && (item_addr(x) & mask_of(f->len)) == f->addr;
}

/*
 * f: the prefix of it[0..n) (one rule of either table at most), with the
 * earliest rules of the prefixes holding it, made its own where earlier
 * (rules: old's and new's). 0, or 1: the prefix twice in one table.
 */
static int settle(const item *it, size_t n, const struct bf_prefix_rule *rules[2], struct frame *f,
		  bool in[2])
{
	size_t i;

	f->addr = item_addr(it[0]);
	f->len = item_len(it[0]);
	in[0] = in[1] = false;
	for (i = 0; i < n; i++) {
		bool new = item_new(it[i]);
		uint32_t order = item_order(it[i]);

		if (in[new])
			return 1;
		in[new] = true;
		if (order < f->order[new]) {
			f->order[new] = order;
			f->answer[new] = rules[new][order].answer;
		}
	}
	return 0;
}

/* The rules of it[0..n) after the first that have its prefix. */
static size_t same_prefix(const item *it, size_t n)
{
	size_t j = 1;

	while (j < n && (it[j] ^ it[0]) >> 26 == 0)
		j++;
	return j;
}

int bf_prefix_diff(const struct bf_prefix_rule *old, size_t n_old, const struct bf_prefix_rule *new,
		   size_t n_new, struct bf_prefix_change **changes, size_t *n)
{
	const struct frame none = { .order = { UINT32_MAX, UINT32_MAX },
				    .answer = { BF_RUN_NONE, BF_RUN_NONE } };
	const struct bf_prefix_rule *rules[2] = { old, new };
	size_t total = n_old + n_new, i, j, depth = 0;
	struct frame stack[33]; /* nested prefixes: one of each length at most */
	item *buf, *it = NULL;
	int ret = 0;

	*n = 0;
	if (n_old >= ITEM_NEW || n_new >= ITEM_NEW)
		return 1;
	buf = items_of(old, n_old, new, n_new, &it);
	*changes = malloc((total + 1) * sizeof(**changes));
	if (!buf || !*changes) {
		free(buf);
		free(*changes);
		*changes = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < total && !ret; i = j) {
		struct frame f;
		bool in[2];

		j = i + same_prefix(&it[i], total - i);
		/* sorted, a prefix comes after all those that hold it */
		while (depth && !holds(&stack[depth - 1], it[i]))
			depth--;
		f = depth ? stack[depth - 1] : none;
		ret = settle(&it[i], j - i, rules, &f, in);
		stack[depth++] = f;
		if (!ret && (in[0] != in[1] || f.answer[0] != f.answer[1]))
			(*changes)[(*n)++] = (struct bf_prefix_change){ .addr = f.addr,
									.len = f.len,
									.old_answer = f.answer[0],
									.new_answer = f.answer[1],
									.in_old = in[0],
									.in_new = in[1] };
	}
	free(buf);
	if (ret) {
		free(*changes);
		*changes = NULL;
		*n = 0;
	}
	return ret;
}
