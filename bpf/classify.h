/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classifiers that take over runs of rules from gen_sequence(): instead of
 * one test per rule, one map lookup per run, with the same first-match
 * result, counters and verdicts.
 */
#ifndef BPFILTER_BPF_CLASSIFY_H
#define BPFILTER_BPF_CLASSIFY_H

#include "codegen.h"
#include "tuple_run.h"

/* Shortest run worth a lookup: below it, straight-line tests are cheaper. */
#define BF_RUN_MIN 32

/*
 * If the rules from start on begin a run a classifier takes (an address run,
 * else a tuple run), emit its code
 * (a packet no rule of the run matches falls through) and return how many
 * rules it covers; 0 if none (nothing emitted), or a negative errno.
 */
int bf_classify_run(struct bf_gen *g, unsigned int start);

/*
 * What a classifier's lookup finds: the rule's position in its run, with
 * flags above it.
 */
#define BF_RUN_ACCEPT 0x80000000u
#define BF_RUN_POS 0x3fffffffu
/*
 * An address run's entry has a value per generation parity (struct
 * bf_run_value); BF_RUN_NONE in the packet's is no match. Positions and
 * flags stay below it.
 */
#define BF_RUN_NONE 0xffffffffu

enum bf_run_field { BF_RUN_SRC, BF_RUN_DST };

/*
 * Whether r can follow first in the address run on field whose other
 * fields are rest (NULL: r is first).
 */
bool bf_run_fits(const struct xlate_rule *first, const struct xlate_rule *r,
		 enum bf_run_field field, const struct ipt_ip *rest);
/*
 * How many rules of ir from start on fit the address run that first (not
 * necessarily among them) begins on field; with one_len, only while their
 * prefixes have first's length.
 */
unsigned int bf_run_extent(const struct xlate_ir *ir, unsigned int start,
			   const struct xlate_rule *first, enum bf_run_field field, bool one_len);
/*
 * Whether an address run begins at rule i of ir (which a tuple run then
 * leaves to it). from[field]: the first rule whose answer is not known to
 * be no, raised as rules are looked at; start both at 0.
 */
bool bf_address_run_at(const struct xlate_ir *ir, unsigned int i, unsigned int from[2]);
/* r's address and mask on field (host order), and the rest of its ipt_ip. */
void bf_run_split(const struct ipt_ip *ip, enum bf_run_field field, uint32_t *addr, uint32_t *mask,
		  struct ipt_ip *rest);
/* Whether ir has rules that make an address run: its table gets counter banks (data_update.h). */
bool bf_ir_has_address_run(const struct xlate_ir *ir);

/*
 * Whether r can be a rule of the run that first begins: ACCEPT and DROP
 * mix (BF_RUN_ACCEPT tells them apart); another target only one that runs
 * give once (bf_target_gen.in_runs), with first's options (the REJECT rules
 * of a fail2ban chain).
 */
bool bf_run_target_fits(const struct xlate_rule *first, const struct xlate_rule *r);

/*
 * How many of r's matches test something (all but bf_match_gen.always ones,
 * -m comment), the last of them in *last unless last is NULL.
 */
unsigned int bf_run_tests(const struct xlate_rule *r, const struct xlate_match **last);

/* Count the rule r8 names (BF_RUN_* of the run that first begins) and give its verdict. */
void bf_gen_run_verdict(struct bf_gen *g, const struct xlate_rule *first);

/* A run staged in the chain's maps, found again through another jump. */
struct bf_run_memo {
	unsigned int len; /* rules it covers */
	bool tuple;
	struct bf_tuple_plan plan; /* a tuple run */
	uint32_t run; /* an address run: its id, field and common part */
	int field;
	int prefix; /* the length of all its prefixes (hash map), or -1 (trie) */
	struct ipt_ip rest;
};

/* Remember the run at start (nothing if out of memory: it is staged again). */
void bf_run_memo_put(struct bf_gen *g, unsigned int start, const struct bf_run_memo *memo);

/* Length of a contiguous mask in host order. */
unsigned int bf_prefix_len(uint32_t mask);

#endif /* BPFILTER_BPF_CLASSIFY_H */
