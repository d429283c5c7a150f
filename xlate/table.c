// SPDX-License-Identifier: GPL-2.0
/*
 * Table construction, read-back and counters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "ext.h"
#include "table.h"

#define FILTER_HOOKS ((1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT))

struct policy_entry {
	struct ipt_entry entry;
	struct xt_standard_target target;
};

struct end_entry {
	struct ipt_entry entry;
	struct xt_error_target target;
};

static void init_policy(struct policy_entry *p, int verdict)
{
	memset(p, 0, sizeof(*p));
	p->entry.target_offset = sizeof(p->entry);
	p->entry.next_offset = sizeof(*p);
	p->target.target.u.target_size = XT_ALIGN(sizeof(p->target));
	p->target.verdict = verdict;
}

int xlate_table_new_filter(struct xlate_table **out)
{
	static const unsigned int hooks[] = { NF_INET_LOCAL_IN, NF_INET_FORWARD,
					      NF_INET_LOCAL_OUT };
	struct {
		struct ipt_replace repl;
		struct policy_entry policy[3];
		struct end_entry end;
	} * init;
	struct xlate_error err;
	unsigned int i;
	int ret;

	init = calloc(1, sizeof(*init));
	if (!init)
		return -ENOMEM;
	strcpy(init->repl.name, "filter");
	init->repl.valid_hooks = FILTER_HOOKS;
	init->repl.num_entries = 4;
	init->repl.size = sizeof(init->policy) + sizeof(init->end);
	for (i = 0; i < 3; i++) {
		init_policy(&init->policy[i], -NF_ACCEPT - 1);
		init->repl.hook_entry[hooks[i]] = i * sizeof(init->policy[0]);
		init->repl.underflow[hooks[i]] = i * sizeof(init->policy[0]);
	}
	init->end.entry.target_offset = sizeof(init->end.entry);
	init->end.entry.next_offset = sizeof(init->end);
	init->end.target.target.u.target_size = XT_ALIGN(sizeof(init->end.target));
	strcpy(init->end.target.target.u.user.name, XT_ERROR_TARGET);
	strcpy(init->end.target.errorname, XT_ERROR_TARGET);

	ret = xlate_table_translate(&init->repl, init->policy, out, &err);
	free(init);
	return ret;
}

void xlate_table_free(struct xlate_table *t)
{
	if (!t)
		return;
	free(t->mem);
	free(t->counters);
	free(t);
}

void xlate_table_get_info(const struct xlate_table *t, struct ipt_getinfo *info)
{
	memset(info, 0, sizeof(*info));
	strcpy(info->name, t->name);
	info->valid_hooks = t->valid_hooks;
	memcpy(info->hook_entry, t->hook_entry, sizeof(info->hook_entry));
	memcpy(info->underflow, t->underflow, sizeof(info->underflow));
	info->num_entries = t->num_entries;
	info->size = t->size;
}

/*
 * Write one match or target header and payload as the kernel does: the
 * extension's own name and revision, then usersize bytes of payload with the
 * kernel-private remainder read as zero.
 */
static void copy_ext_out(void *dst, const void *src, enum xlate_ext_kind kind)
{
	const struct xt_entry_match *m = src;
	struct xt_entry_match *out = dst;
	const struct xlate_ext_ops *ops;
	unsigned int usersize;
	int err;

	ops = xlate_ext_find(kind, m->u.user.name, m->u.user.revision, &err);
	memset(out, 0, sizeof(*out));
	out->u.match_size = m->u.match_size;
	strcpy(out->u.user.name, ops->name);
	out->u.user.revision = ops->revision;
	usersize = ops->usersize ? ops->usersize : ops->size;
	memcpy(out->data, m->data, usersize);
	memset(out->data + usersize, 0, xlate_ext_aligned_size(ops) - usersize);
}

void xlate_table_copy_entries(const struct xlate_table *t, void *dst,
			      const struct xt_counters *live)
{
	unsigned char *out = dst;
	unsigned int off, num, i;

	for (off = 0, num = 0; off < t->size; num++) {
		const struct ipt_entry *e = xlate_entry_at(t, off);
		struct ipt_entry *oe = (struct ipt_entry *)(out + off);

		memcpy(oe, e, sizeof(*e));
		oe->counters = t->counters[num];
		if (live) {
			oe->counters.pcnt += live[num].pcnt;
			oe->counters.bcnt += live[num].bcnt;
		}
		for (i = sizeof(*e); i < e->target_offset;) {
			const struct xt_entry_match *m = (const void *)((const char *)e + i);

			copy_ext_out(out + off + i, m, XLATE_MATCH);
			i += m->u.match_size;
		}
		copy_ext_out(out + off + e->target_offset, xlate_entry_target(e), XLATE_TARGET);
		off += e->next_offset;
	}
}

void xlate_table_add_counters(struct xlate_table *t, const struct xt_counters *add)
{
	unsigned int i;

	for (i = 0; i < t->num_entries; i++) {
		t->counters[i].pcnt += add[i].pcnt;
		t->counters[i].bcnt += add[i].bcnt;
	}
}

bool xlate_table_uses_match(const struct xlate_table *t, const char *name)
{
	unsigned int off, i;

	if (!t->matches_overflow) {
		for (i = 0; i < t->nr_matches_used; i++)
			if (!strcmp(t->matches_used[i]->name, name))
				return true;
		return false;
	}

	for (off = 0; off < t->size; off += xlate_entry_at(t, off)->next_offset) {
		const struct ipt_entry *e = xlate_entry_at(t, off);

		for (i = sizeof(*e); i < e->target_offset;) {
			const struct xt_entry_match *m = (const void *)((const char *)e + i);

			if (!strcmp(m->u.user.name, name))
				return true;
			i += m->u.match_size;
		}
	}
	return false;
}
