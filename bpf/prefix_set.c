// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "prefix_set.h"

static int cmp_prefix(const void *a, const void *b)
{
	const struct bf_prefix *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

void bf_prefix_set_init(struct bf_prefix_set *s, struct bf_prefix *e, size_t n)
{
	size_t i;

	qsort(e, n, sizeof(*e), cmp_prefix);
	s->e = e;
	s->n = n;
	s->lengths = 0;
	for (i = 0; i < n; i++)
		s->lengths |= 1ull << e[i].len;
}

static uint32_t mask_of(uint32_t len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

/* The first prefix of s whose address is addr or more. */
static size_t lower_bound(const struct bf_prefix_set *s, uint32_t addr)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->e[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

unsigned int bf_prefix_set_nesting(const struct bf_prefix_set *s, const struct bf_prefix *p,
				   unsigned int max)
{
	uint32_t last = p->addr | ~mask_of(p->len), len;
	unsigned int count = 0;
	size_t i;

	/* shorter prefixes that hold it: one address each */
	for (len = 0; len < p->len && count <= max; len++) {
		struct bf_prefix key = { p->addr & mask_of(len), len };

		if ((s->lengths >> len & 1) && bsearch(&key, s->e, s->n, sizeof(*s->e), cmp_prefix))
			count++;
	}
	/* it and the prefixes inside it: their addresses are in its range */
	for (i = lower_bound(s, p->addr); i < s->n && count <= max; i++) {
		if (s->e[i].addr > last)
			break;
		count += s->e[i].len >= p->len;
	}
	return count;
}
