/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The intermediate representation code generators work from: a validated
 * table decoded into rules, with jumps resolved to rule indices. A rule's
 * index is its entry's position in the blob, which is also its counter's.
 */
#ifndef BPFILTER_XLATE_IR_H
#define BPFILTER_XLATE_IR_H

#include "ext.h"
#include "table.h"

enum xlate_action {
	XLATE_ACCEPT,
	XLATE_DROP,
	XLATE_RETURN,
	/* to rule `jump`, pushing the return address (unless it is the next rule) */
	XLATE_JUMP,
	/* to rule `jump`, without pushing (-g) */
	XLATE_GOTO,
	/* a standard verdict BPF cannot give (QUEUE, STOLEN, ...) */
	XLATE_OTHER_VERDICT,
	/* an extension target (LOG, REJECT, ERROR) */
	XLATE_TARGET_EXT,
	/*
	 * A jump to an offset where no rule starts. ip_tables checks the
	 * jumps of the rules its hooks reach only: no packet meets this rule.
	 */
	XLATE_JUMP_NOWHERE,
};

struct xlate_match {
	const struct xlate_ext_ops *ops;
	const void *data;
	/* for stateful matches: index of its state, unique in the table */
	unsigned int state_slot;
};

struct xlate_rule {
	unsigned int index;
	unsigned int offset;
	const struct ipt_entry *entry;
	unsigned int num_matches;
	struct xlate_match *matches;
	enum xlate_action action;
	unsigned int jump;
	int verdict;
	const struct xlate_ext_ops *target;
	const void *target_data;
};

struct xlate_ir {
	const struct xlate_table *table;
	unsigned int num_rules;
	struct xlate_rule *rules;
	/* rule indices of the built-in chains' first rules and policies */
	unsigned int hook_entry[NF_INET_NUMHOOKS];
	unsigned int underflow[NF_INET_NUMHOOKS];
	unsigned int num_state_slots;
};

/* Decode a table validated by xlate_table_translate(). */
int xlate_ir_build(const struct xlate_table *t, struct xlate_ir **out);
void xlate_ir_free(struct xlate_ir *ir);

/* True if the rule's ipt_ip matches every packet. */
bool xlate_rule_ip_unconditional(const struct xlate_rule *r);
/*
 * True if ip_tables' walk of the chains stops at r (mark_source_chains()):
 * no matches, every packet, a verdict or RETURN; each chain's policy is
 * one. A rule after it that nothing jumps to is never walked, its own jump
 * never checked (XLATE_JUMP_NOWHERE): code must not run on into it.
 */
bool xlate_rule_ends_walk(const struct xlate_rule *r);

#endif /* BPFILTER_XLATE_IR_H */
