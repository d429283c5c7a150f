// SPDX-License-Identifier: GPL-2.0
/*
 * Address runs: consecutive rules that differ only in their source (or only
 * in their destination) prefix, with no match and an ACCEPT or DROP target
 * (or all one REJECT, bf_run_target_fits()), as blocklists are. The chain's
 * runs trie holds the run's prefixes, after the run's id. The first rule
 * whose prefix holds an address is the first in order among the prefixes
 * covering it, and those nest; so each prefix's value is the smallest rule
 * position among itself and its covering prefixes, and the longest match
 * gives the answer in one lookup, whatever the run's length. A run whose
 * prefixes all have one length (a blocklist's /32s) is in the chain's hash
 * map instead, under the same keys: none covers another, and the address
 * masked to that length finds its prefix.
 *
 * Value: the rule's position in the run, with BF_RUN_ACCEPT for ACCEPT.
 */
#include <netinet/in.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "classify.h"
#include "ip_match.h"
#include "class_maps.h"

#define RUN_KEY BF_STK_SCRATCH /* struct bf_run_key */

void bf_run_split(const struct ipt_ip *ip, enum bf_run_field field, uint32_t *addr, uint32_t *mask,
		  struct ipt_ip *rest)
{
	*rest = *ip;
	if (field == BF_RUN_SRC) {
		*addr = ntohl(ip->src.s_addr);
		*mask = ntohl(ip->smsk.s_addr);
		rest->src.s_addr = rest->smsk.s_addr = 0;
	} else {
		*addr = ntohl(ip->dst.s_addr);
		*mask = ntohl(ip->dmsk.s_addr);
		rest->dst.s_addr = rest->dmsk.s_addr = 0;
	}
}

unsigned int bf_prefix_len(uint32_t mask)
{
	return mask ? 32 - (unsigned int)__builtin_ctz(mask) : 0;
}

unsigned int bf_run_tests(const struct xlate_rule *r, const struct xlate_match **last)
{
	unsigned int i, n = 0;

	for (i = 0; i < r->num_matches; i++) {
		const struct bf_match_gen *mg = bf_match_gen_find(r->matches[i].ops);

		if (mg && mg->always)
			continue;
		n++;
		if (last)
			*last = &r->matches[i];
	}
	return n;
}

bool bf_run_target_fits(const struct xlate_rule *first, const struct xlate_rule *r)
{
	const struct xt_entry_target *a, *b;
	const struct bf_target_gen *tg;

	if (first->action == XLATE_ACCEPT || first->action == XLATE_DROP)
		return r->action == XLATE_ACCEPT || r->action == XLATE_DROP;
	if (first->action != XLATE_TARGET_EXT || r->action != XLATE_TARGET_EXT ||
	    r->target != first->target)
		return false;
	tg = bf_target_gen_find(first->target);
	if (!tg || !tg->in_runs)
		return false;
	a = xlate_entry_target(first->entry);
	b = xlate_entry_target(r->entry);
	return a->u.target_size == b->u.target_size &&
	       !memcmp(a->data, b->data, a->u.target_size - sizeof(*a));
}

bool bf_run_fits(const struct xlate_rule *first, const struct xlate_rule *r,
		 enum bf_run_field field, const struct ipt_ip *rest)
{
	uint32_t inv = field == BF_RUN_SRC ? IPT_INV_SRCIP : IPT_INV_DSTIP;
	uint32_t addr, mask;
	struct ipt_ip other;

	if (bf_run_tests(r, NULL) || !bf_run_target_fits(first, r))
		return false;
	bf_run_split(&r->entry->ip, field, &addr, &mask, &other);
	/* a contiguous, non-empty mask that covers the address, not inverted */
	if (!mask || (~mask & (~mask + 1)) || (addr & ~mask) || (r->entry->ip.invflags & inv))
		return false;
	return !rest || !memcmp(&other, rest, sizeof(other));
}

/* bf_run_extent(), counting no further than limit. */
static unsigned int extent_upto(const struct xlate_ir *ir, unsigned int start,
				const struct xlate_rule *first, enum bf_run_field field,
				bool one_len, unsigned int limit)
{
	uint32_t addr, mask, first_mask;
	struct ipt_ip rest, other;
	unsigned int n;

	if (!bf_run_fits(first, first, field, NULL))
		return 0;
	bf_run_split(&first->entry->ip, field, &addr, &first_mask, &rest);
	for (n = 0; start + n < ir->num_rules && n < limit; n++) {
		const struct xlate_rule *r = &ir->rules[start + n];

		if (!bf_run_fits(first, r, field, &rest))
			break;
		bf_run_split(&r->entry->ip, field, &addr, &mask, &other);
		if (one_len && mask != first_mask)
			break;
	}
	return n;
}

unsigned int bf_run_extent(const struct xlate_ir *ir, unsigned int start,
			   const struct xlate_rule *first, enum bf_run_field field, bool one_len)
{
	return extent_upto(ir, start, first, field, one_len, UINT_MAX);
}

static unsigned int run_length(const struct xlate_ir *ir, unsigned int start,
			       enum bf_run_field field)
{
	return bf_run_extent(ir, start, &ir->rules[start], field, false);
}

bool bf_address_run_at(const struct xlate_ir *ir, unsigned int i, unsigned int from[2])
{
	enum bf_run_field f;
	unsigned int n;

	for (f = BF_RUN_SRC; f <= BF_RUN_DST; f++) {
		if (i < from[f])
			continue;
		n = extent_upto(ir, i, &ir->rules[i], f, false, BF_RUN_MIN);
		if (n >= BF_RUN_MIN)
			return true;
		/* the rules that fit rule i's run end where it does: none begins a longer one */
		from[f] = i + (n ? n : 1);
	}
	return false;
}

bool bf_ir_has_address_run(const struct xlate_ir *ir)
{
	unsigned int i = 0, n, field;

	while (i < ir->num_rules) {
		unsigned int longest = 1;

		for (field = BF_RUN_SRC; field <= BF_RUN_DST; field++) {
			n = run_length(ir, i, field);
			if (n >= BF_RUN_MIN)
				return true;
			if (n > longest)
				longest = n;
		}
		i += longest;
	}
	return false;
}

struct run_entry {
	uint32_t addr; /* host order */
	uint32_t len;
	uint32_t value;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct run_entry *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * What a run's entries are computed from: the field looked up, the other
 * fields, and each rule's prefix and verdict in rule order.
 */
struct run_source {
	uint32_t field;
	struct ipt_ip rest;
	uint32_t n;
	struct run_entry e[];
};

static struct run_source *run_source(const struct bf_gen *g, unsigned int start, unsigned int n,
				     enum bf_run_field field, const struct ipt_ip *rest,
				     size_t *len)
{
	struct run_source *src;
	unsigned int i;

	*len = sizeof(*src) + (size_t)n * sizeof(src->e[0]);
	src = calloc(1, *len);
	if (!src)
		return NULL;
	src->field = field;
	src->rest = *rest;
	src->n = n;
	for (i = 0; i < n; i++) {
		const struct xlate_rule *r = &g->ir->rules[start + i];
		struct run_entry *e = &src->e[i];
		struct ipt_ip other;
		uint32_t mask;

		bf_run_split(&r->entry->ip, field, &e->addr, &mask, &other);
		e->len = bf_prefix_len(mask);
		e->value = i | (r->action == XLATE_ACCEPT ? BF_RUN_ACCEPT : 0);
	}
	return src;
}

/* The run's prefixes, each first occurrence only, sorted by (len, addr). */
static struct run_entry *run_entries(const struct run_source *src, unsigned int *count)
{
	struct run_entry *e = malloc(src->n * sizeof(*e));
	unsigned int i, out = 0;

	if (!e)
		return NULL;
	memcpy(e, src->e, src->n * sizeof(*e));
	qsort(e, src->n, sizeof(*e), cmp_entry);
	/* of equal prefixes, the first rule is the one that matches */
	for (i = 0; i < src->n; i++)
		if (!out || cmp_entry(&e[out - 1], &e[i]))
			e[out++] = e[i];
		else if ((e[i].value & BF_RUN_POS) < (e[out - 1].value & BF_RUN_POS))
			e[out - 1] = e[i];
	*count = out;
	return e;
}

/* The mask of a prefix of len bits, host order. */
static uint32_t prefix_mask(unsigned int len)
{
	return len ? ~((1u << (32 - len)) - 1) : 0;
}

/* The length of all the run's prefixes, or -1 if they differ. */
static int common_prefix(const struct run_source *src)
{
	unsigned int i;

	for (i = 1; i < src->n; i++)
		if (src->e[i].len != src->e[0].len)
			return -1;
	return (int)src->e[0].len;
}

/* Each prefix takes the earliest rule among the prefixes that cover it. */
static void inherit_covering(struct run_entry *e, unsigned int count)
{
	bool present[33] = { false };
	unsigned int i, len;

	for (i = 0; i < count; i++)
		present[e[i].len] = true;
	/* sorted by length: covering prefixes are settled first */
	for (i = 0; i < count; i++) {
		for (len = 0; len < e[i].len; len++) {
			struct run_entry key = { .len = len };
			const struct run_entry *cover;

			if (!present[len])
				continue;
			key.addr = e[i].addr & prefix_mask(len);
			cover = bsearch(&key, e, count, sizeof(*e), cmp_entry);
			if (cover && (cover->value & BF_RUN_POS) < (e[i].value & BF_RUN_POS))
				e[i].value = cover->value;
		}
	}
}

/* The run's entries into the chain's runs maps, under run id run. */
static int stage(struct bf_gen *g, const struct run_entry *e, unsigned int count, uint32_t run)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < count; i++) {
		struct bf_run_key k = { .prefixlen = 32 + e[i].len,
					.run = run,
					.addr = htonl(e[i].addr) };

		ret = bf_class_add_run(g->cls, &k, e[i].value);
	}
	return ret;
}

/*
 * Stage the entries of run from src: the ones the table in force staged
 * from the same source (an append or a change elsewhere leaves a blocklist
 * as it was), else sorted and computed.
 */
static int stage_run(struct bf_gen *g, const struct run_source *src, size_t len, uint32_t run)
{
	const struct bf_runs_trie *prev = g->out->prev_trie;
	const struct bf_run_record *rec = bf_runs_trie_record(prev, run);
	struct run_entry *e;
	unsigned int count;
	int ret;

	if (rec && rec->source_len == len && !memcmp(rec->source, src, len))
		return bf_class_add_runs(g->cls, &prev->keys[rec->first_key],
					 &prev->values[rec->first_key], rec->nr_keys);
	e = run_entries(src, &count);
	if (!e)
		return -ENOMEM;
	inherit_covering(e, count);
	ret = stage(g, e, count, run);
	free(e);
	return ret;
}

/* Look the address up; count and judge by the rule found, or fall through. */
static void gen_lookup(struct bf_gen *g, const struct bf_run_memo *memo,
		       const struct xlate_rule *first)
{
	struct bf_prog *p = &g->prog;
	bf_label none = bf_label_new(p);

	bf_gen_ip_match(g, &memo->rest, none);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP,
			      memo->field == BF_RUN_SRC ? BF_IPH(saddr) : BF_IPH(daddr)));
	if (memo->prefix < 0) {
		/* the trie finds the longest prefix that holds the address */
		bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, RUN_KEY, 64));
	} else {
		/* one length: the address masked to it is the key */
		if (memo->prefix < 32)
			bf_emit(p, BF_ALU32_IMM(BPF_AND, BF_R1,
						(int32_t)htonl(prefix_mask(memo->prefix))));
		bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, RUN_KEY, 32 + memo->prefix));
	}
	bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, RUN_KEY + 4, (int32_t)memo->run));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, RUN_KEY + 8));
	bf_gen_map_lookup(g, memo->prefix < 0 ? g->cls->runs_fd : g->cls->hashed_fd, RUN_KEY, none);
	if (g->maps->gen_fd >= 0) {
		/* the packet's generation's value: the second one in odd ones */
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, BF_STK_PARITY));
		bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, 1));
		bf_emit(p, BF_ALU64_IMM(BPF_LSH, BF_R1, 2));
		bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R0, BF_R1));
	}
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R8, BF_R0, 0));
	bf_jmp32_imm(p, BPF_JEQ, BF_R8, BF_RUN_NONE, none);
	bf_gen_run_verdict(g, first);
	bf_label_bind(p, none);
}

void bf_gen_run_verdict(struct bf_gen *g, const struct xlate_rule *first)
{
	struct bf_prog *p = &g->prog;
	bf_label accept = bf_label_new(p);
	bool falls = false;

	bf_emit(p, BF_MOV64_REG(BF_R1, BF_R8));
	bf_emit(p, BF_ALU32_IMM(BPF_AND, BF_R1, BF_RUN_POS));
	bf_emit(p, BF_ALU32_IMM(BPF_ADD, BF_R1, (int32_t)first->index));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_KEY));
	bf_gen_count_key(g);
	if (first->action == XLATE_TARGET_EXT) {
		/* every rule of the run has first's target and options */
		bf_target_gen_find(first->target)->gen(g, first, &falls);
		return;
	}
	bf_jmp32_imm(p, BPF_JSET, BF_R8, BF_RUN_ACCEPT, accept);
	bf_gen_exit(g, NF_DROP);
	bf_label_bind(p, accept);
	bf_gen_exit(g, NF_ACCEPT);
}

void bf_run_memo_put(struct bf_gen *g, unsigned int start, const struct bf_run_memo *memo)
{
	struct bf_run_memo *copy = malloc(sizeof(*copy));

	if (!copy)
		return;
	*copy = *memo;
	free(g->memo[start]);
	g->memo[start] = copy;
}

/* The address run at start, staged if it is not yet; its memo. */
static int address_run(struct bf_gen *g, unsigned int start, struct bf_run_memo *memo)
{
	enum bf_run_field field = BF_RUN_SRC;
	unsigned int n = run_length(g->ir, start, BF_RUN_SRC), first;
	struct run_source *src;
	uint32_t addr, mask;
	size_t len;
	int ret;

	if (g->memo[start] && !g->memo[start]->tuple) {
		*memo = *g->memo[start];
		return 0;
	}
	if (n < BF_RUN_MIN) {
		field = BF_RUN_DST;
		n = run_length(g->ir, start, BF_RUN_DST);
	}
	memo->len = n;
	if (n < BF_RUN_MIN)
		return 0;
	memo->field = field;
	bf_run_split(&g->ir->rules[start].entry->ip, field, &addr, &mask, &memo->rest);
	src = run_source(g, start, n, field, &memo->rest, &len);
	if (!src)
		return -ENOMEM;
	/*
	 * Prefixes of one length (a blocklist's /32s) cannot nest: a hash map
	 * finds the address's, and fills in a fifth of a trie's time.
	 */
	memo->prefix = common_prefix(src);
	/* from 1: a layout names no run by 0 (bpf/layout.h) */
	memo->run = ++g->cls->next_run | (memo->prefix < 0 ? 0 : BF_RUN_HASHED);
	first = g->cls->nr_run_keys;
	ret = bf_class_maps_want_runs(g->cls, g->out, memo->prefix >= 0);
	if (!ret)
		ret = stage_run(g, src, len, memo->run);
	if (ret) {
		free(src);
		return ret;
	}
	ret = bf_class_record_run(g->cls, memo->run, src, len, first);
	if (!ret) {
		struct bf_run_record *rec = &g->cls->records[g->cls->nr_records - 1];

		rec->start = start;
		rec->n = n;
		rec->field = field;
		rec->prefix = memo->prefix;
		bf_run_memo_put(g, start, memo);
	}
	return ret;
}

int bf_classify_run(struct bf_gen *g, unsigned int start)
{
	struct bf_run_memo memo = { 0 };
	int ret = address_run(g, start, &memo);

	if (ret)
		return ret;
	if (memo.len < BF_RUN_MIN)
		return bf_tuple_run(g, start);
	gen_lookup(g, &memo, &g->ir->rules[start]);
	return g->prog.err ? g->prog.err : (int)memo.len;
}
