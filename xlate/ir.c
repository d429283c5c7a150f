// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "ir.h"

static int rule_at(const struct xlate_ir *ir, unsigned int offset)
{
	unsigned int lo = 0, hi = ir->num_rules;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (ir->rules[mid].offset == offset)
			return (int)mid;
		if (ir->rules[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int decode_matches(struct xlate_ir *ir, struct xlate_rule *r)
{
	const struct ipt_entry *e = r->entry;
	unsigned int off, n = 0;

	for (off = sizeof(*e); off < e->target_offset; n++)
		off += ((const struct xt_entry_match *)((const char *)e + off))->u.match_size;
	r->matches = calloc(n ? n : 1, sizeof(*r->matches));
	if (!r->matches)
		return -ENOMEM;
	for (off = sizeof(*e); off < e->target_offset;) {
		const struct xt_entry_match *m = (const void *)((const char *)e + off);
		int err;

		r->matches[r->num_matches].ops =
			xlate_ext_find(XLATE_MATCH, m->u.user.name, m->u.user.revision, &err);
		r->matches[r->num_matches].data = m->data;
		if (!r->matches[r->num_matches].ops)
			return err;
		if (r->matches[r->num_matches].ops->stateful)
			r->matches[r->num_matches].state_slot = ir->num_state_slots++;
		r->num_matches++;
		off += m->u.match_size;
	}
	return 0;
}

static int decode_target(struct xlate_ir *ir, struct xlate_rule *r)
{
	const struct xt_entry_target *t = xlate_entry_target(r->entry);
	int err, v;

	if (strcmp(t->u.user.name, XT_STANDARD_TARGET)) {
		r->action = XLATE_TARGET_EXT;
		r->target = xlate_ext_find(XLATE_TARGET, t->u.user.name, t->u.user.revision, &err);
		r->target_data = t->data;
		return r->target ? 0 : err;
	}
	v = ((const struct xt_standard_target *)t)->verdict;
	r->verdict = v;
	if (v >= 0) {
		int to = rule_at(ir, (unsigned int)v);

		if (to < 0) {
			/* the validator let it through: no hook reaches it */
			if (r->entry->comefrom & ((1u << NF_INET_NUMHOOKS) - 1))
				return -EINVAL;
			r->action = XLATE_JUMP_NOWHERE;
			return 0;
		}
		r->jump = (unsigned int)to;
		r->action = (r->entry->ip.flags & IPT_F_GOTO) ? XLATE_GOTO : XLATE_JUMP;
	} else if (v == XT_RETURN) {
		r->action = XLATE_RETURN;
	} else if (v == -NF_ACCEPT - 1) {
		r->action = XLATE_ACCEPT;
	} else if (v == -NF_DROP - 1) {
		r->action = XLATE_DROP;
	} else {
		r->action = XLATE_OTHER_VERDICT;
	}
	return 0;
}

static int map_hooks(struct xlate_ir *ir, const struct xlate_table *t)
{
	unsigned int h;

	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		int entry, underflow;

		if (!(t->valid_hooks & (1u << h)))
			continue;
		entry = rule_at(ir, t->hook_entry[h]);
		underflow = rule_at(ir, t->underflow[h]);
		if (entry < 0 || underflow < 0)
			return -EINVAL;
		ir->hook_entry[h] = (unsigned int)entry;
		ir->underflow[h] = (unsigned int)underflow;
	}
	return 0;
}

int xlate_ir_build(const struct xlate_table *t, struct xlate_ir **out)
{
	struct xlate_ir *ir = calloc(1, sizeof(*ir));
	unsigned int i, off;
	int err = -ENOMEM;

	if (!ir)
		return -ENOMEM;
	ir->table = t;
	ir->rules = calloc(t->num_entries ? t->num_entries : 1, sizeof(*ir->rules));
	if (!ir->rules)
		goto fail;
	for (i = 0, off = 0; i < t->num_entries; i++) {
		struct xlate_rule *r = &ir->rules[i];

		r->index = i;
		r->offset = off;
		r->entry = xlate_entry_at(t, off);
		off += r->entry->next_offset;
	}
	ir->num_rules = t->num_entries;
	for (i = 0; i < ir->num_rules; i++) {
		err = decode_matches(ir, &ir->rules[i]);
		if (!err)
			err = decode_target(ir, &ir->rules[i]);
		if (err)
			goto fail;
	}
	err = map_hooks(ir, t);
	if (err)
		goto fail;
	*out = ir;
	return 0;
fail:
	xlate_ir_free(ir);
	return err;
}

void xlate_ir_free(struct xlate_ir *ir)
{
	unsigned int i;

	if (!ir)
		return;
	for (i = 0; i < ir->num_rules; i++)
		free(ir->rules[i].matches);
	free(ir->rules);
	free(ir);
}

bool xlate_rule_ip_unconditional(const struct xlate_rule *r)
{
	static const struct ipt_ip any;

	return memcmp(&r->entry->ip, &any, sizeof(any)) == 0;
}

bool xlate_rule_ends_walk(const struct xlate_rule *r)
{
	switch (r->action) {
	case XLATE_ACCEPT:
	case XLATE_DROP:
	case XLATE_RETURN:
	case XLATE_OTHER_VERDICT:
		return r->num_matches == 0 && xlate_rule_ip_unconditional(r);
	default:
		return false;
	}
}
