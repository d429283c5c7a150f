// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of an IPT_SO_SET_REPLACE blob with the semantics, order of checks
 * and errnos of the kernel's translate_table() (net/ipv4/netfilter/ip_tables.c
 * and net/netfilter/x_tables.c), so that iptables reports the same errors.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "ext.h"
#include "table.h"

/* comefrom bit set while a chain walk is in progress: seeing it is a loop */
#define WALK_IN_PROGRESS (1u << NF_INET_NUMHOOKS)

/*
 * A target where the blob puts it. The kernel reads targets (their sizes,
 * names and verdicts) before it checks the sizes of the matches in front of
 * them, so until then a target may lie at any address: x86 reads it there,
 * and so must we, without the undefined behaviour of a misaligned struct.
 */
typedef struct xt_entry_target __attribute__((aligned(1))) any_target;

static const any_target *target_of(const struct ipt_entry *e)
{
	return (const void *)((const char *)e + e->target_offset);
}

/* What follows the target's header: a standard verdict, an error's name. */
static const char *target_data(const any_target *t)
{
	return (const char *)t + sizeof(*t);
}

static bool is_standard(const any_target *t)
{
	return strcmp(t->u.user.name, XT_STANDARD_TARGET) == 0;
}

static int verdict_of(const any_target *t)
{
	int verdict;

	memcpy(&verdict, target_data(t), sizeof(verdict));
	return verdict;
}

/* The netfilter verdict encoded by a negative standard verdict. */
static unsigned int nf_verdict_of(int verdict)
{
	return -(unsigned int)verdict - 1;
}

static bool unconditional(const struct ipt_entry *e)
{
	static const struct ipt_ip uncond;

	return e->target_offset == sizeof(*e) && memcmp(&e->ip, &uncond, sizeof(uncond)) == 0;
}

/* A chain's end: unconditional ACCEPT or DROP. */
static bool underflow_ok(const struct ipt_entry *e)
{
	const any_target *t = target_of(e);
	unsigned int verdict;

	if (!unconditional(e) || !is_standard(t))
		return false;
	verdict = nf_verdict_of(verdict_of(t));
	return verdict == NF_DROP || verdict == NF_ACCEPT;
}

static bool verdict_ok(int verdict)
{
	if (verdict > 0 || verdict == XT_RETURN)
		return true;
	if (verdict == 0)
		return false;
	switch (nf_verdict_of(verdict)) {
	case NF_ACCEPT:
	case NF_DROP:
	case NF_QUEUE:
		return true;
	default:
		return false;
	}
}

static int check_matches_layout(const unsigned char *pos, int length)
{
	while (length > 0) {
		const struct xt_entry_match *m = (const void *)pos;

		if ((uintptr_t)pos % __alignof__(struct xt_entry_match))
			return -EINVAL;
		if (length < (int)sizeof(*m))
			return -EINVAL;
		if (m->u.match_size < sizeof(*m) || m->u.match_size > length)
			return -EINVAL;
		length -= m->u.match_size;
		pos += m->u.match_size;
	}
	return 0;
}

/* xt_check_entry_offsets(): the target and the matches fit in the entry. */
static int check_entry_offsets(const struct ipt_entry *e)
{
	const unsigned char *base = (const void *)e;
	const any_target *t;

	if (e->target_offset < sizeof(*e))
		return -EINVAL;
	if (e->target_offset + sizeof(*t) > e->next_offset)
		return -EINVAL;
	t = target_of(e);
	if (t->u.target_size < sizeof(*t))
		return -EINVAL;
	if (e->target_offset + t->u.target_size > e->next_offset)
		return -EINVAL;
	if (is_standard(t)) {
		if (XT_ALIGN(e->target_offset + sizeof(struct xt_standard_target)) !=
		    e->next_offset)
			return -EINVAL;
		if (!verdict_ok(verdict_of(t)))
			return -EINVAL;
	} else if (strcmp(t->u.user.name, XT_ERROR_TARGET) == 0) {
		if (t->u.target_size != sizeof(struct xt_error_target) ||
		    strnlen(target_data(t), XT_FUNCTION_MAXNAMELEN) == XT_FUNCTION_MAXNAMELEN)
			return -EINVAL;
	}
	return check_matches_layout(base + sizeof(*e), e->target_offset - sizeof(*e));
}

/* check_entry_size_and_hooks() for the entry at off. */
static int check_entry(struct xlate_table *t, unsigned int off, const struct ipt_replace *repl)
{
	struct ipt_entry *e = xlate_entry_at(t, off);
	unsigned int h;
	int ret;

	if (off % __alignof__(struct ipt_entry) || (uint64_t)off + sizeof(*e) >= t->size ||
	    (uint64_t)off + e->next_offset > t->size)
		return -EINVAL;
	if (e->next_offset < sizeof(*e) + sizeof(struct xt_entry_target))
		return -EINVAL;
	if ((e->ip.flags & ~IPT_F_MASK) || (e->ip.invflags & ~IPT_INV_MASK))
		return -EINVAL;
	ret = check_entry_offsets(e);
	if (ret)
		return ret;

	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		if (!(repl->valid_hooks & (1 << h)))
			continue;
		if (off == repl->hook_entry[h])
			t->hook_entry[h] = off;
		if (off == repl->underflow[h]) {
			if (!underflow_ok(e))
				return -EINVAL;
			t->underflow[h] = off;
		}
	}
	e->counters = (struct xt_counters){ 0, 0 };
	e->comefrom = 0;
	return 0;
}

/* xt_check_table_hooks(): every valid hook set, in increasing order. */
static int check_table_hooks(const struct xlate_table *t)
{
	unsigned int h, max_entry = 0, max_uflow = 0;
	bool seen = false;

	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		if (!(t->valid_hooks & (1 << h)))
			continue;
		if (t->hook_entry[h] == 0xFFFFFFFF || t->underflow[h] == 0xFFFFFFFF)
			return -EINVAL;
		if (seen && (max_uflow >= t->underflow[h] || max_entry >= t->hook_entry[h]))
			return -EINVAL;
		max_entry = t->hook_entry[h];
		max_uflow = t->underflow[h];
		seen = true;
	}
	return 0;
}

static bool is_entry_offset(const unsigned int *offsets, unsigned int n, unsigned int off)
{
	unsigned int lo = 0, hi = n;

	while (hi > lo) {
		unsigned int mid = (lo + hi) / 2;

		if (offsets[mid] > off)
			hi = mid;
		else if (offsets[mid] < off)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/*
 * Walk every chain reachable from one hook without recursion: the packet
 * counter of an entry holds the offset we came from (reset on the way back),
 * comefrom collects the hooks an entry is reachable from. Returns false on a
 * loop or a jump/fall-through outside the table, as mark_source_chains().
 */
static bool walk_hook(struct xlate_table *t, unsigned int hook, const unsigned int *offsets,
		      unsigned int n_offsets)
{
	unsigned int pos = t->hook_entry[hook];
	struct ipt_entry *e = xlate_entry_at(t, pos);

	e->counters.pcnt = pos;
	for (;;) {
		const any_target *tg = target_of(e);
		bool visited = e->comefrom & (1u << hook);
		unsigned int newpos;

		if (e->comefrom & WALK_IN_PROGRESS)
			return false;
		e->comefrom |= (1u << hook) | WALK_IN_PROGRESS;

		if ((unconditional(e) && is_standard(tg) && verdict_of(tg) < 0) || visited) {
			unsigned int oldpos;

			/* Return: unwind to the entry after the last jump. */
			do {
				e->comefrom ^= WALK_IN_PROGRESS;
				oldpos = pos;
				pos = e->counters.pcnt;
				e->counters.pcnt = 0;
				if (pos == oldpos)
					return true;
				e = xlate_entry_at(t, pos);
			} while (oldpos == pos + e->next_offset);

			newpos = pos + e->next_offset;
			if (newpos >= t->size)
				return false;
		} else if (is_standard(tg) && verdict_of(tg) >= 0) {
			newpos = verdict_of(tg);
			if (!is_entry_offset(offsets, n_offsets, newpos))
				return false;
		} else {
			newpos = pos + e->next_offset;
			if (newpos >= t->size)
				return false;
		}
		e = xlate_entry_at(t, newpos);
		e->counters.pcnt = pos;
		pos = newpos;
	}
}

static bool mark_source_chains(struct xlate_table *t, const unsigned int *offsets,
			       unsigned int n_offsets)
{
	unsigned int hook;

	for (hook = 0; hook < NF_INET_NUMHOOKS; hook++)
		if ((t->valid_hooks & (1u << hook)) && !walk_hook(t, hook, offsets, n_offsets))
			return false;
	return true;
}

/* Remember each match used once, for xlate_table_uses_match(). */
static void note_match(struct xlate_table *t, const struct xlate_ext_ops *ops)
{
	unsigned int i;

	for (i = t->nr_matches_used; i-- > 0;)
		if (t->matches_used[i] == ops)
			return;
	if (t->nr_matches_used < XLATE_MATCHES_USED)
		t->matches_used[t->nr_matches_used++] = ops;
	else
		t->matches_overflow = true;
}

/* xt_check_match()/xt_check_target() for one extension instance. */
static int check_ext(struct xlate_table *t, const struct ipt_entry *e,
		     const struct xt_entry_match *m, enum xlate_ext_kind kind,
		     struct xlate_error *err)
{
	const struct xlate_ext_ops *ops;
	struct xlate_check_ctx ctx;
	int ret;

	ops = xlate_ext_find(kind, m->u.user.name, m->u.user.revision, &ret);
	if (!ops) {
		if (ret == -EOPNOTSUPP) {
			err->is_target = kind == XLATE_TARGET;
			strcpy(err->ext_name, m->u.user.name);
			err->ext_revision = m->u.user.revision;
			snprintf(err->msg, sizeof(err->msg),
				 "cannot translate %s '%s' revision %u: not supported by bpfilter",
				 kind == XLATE_MATCH ? "match" : "target", m->u.user.name,
				 m->u.user.revision);
		}
		return ret;
	}
	if (kind == XLATE_MATCH)
		note_match(t, ops);
	if (m->u.match_size - sizeof(*m) != xlate_ext_aligned_size(ops))
		return -EINVAL;
	if (ops->table && strcmp(ops->table, t->name) != 0)
		return -EINVAL;
	if (ops->hooks && (e->comefrom & ~ops->hooks))
		return -EINVAL;
	if (ops->proto && (ops->proto != e->ip.proto || (e->ip.invflags & IPT_INV_PROTO)))
		return -EINVAL;
	if (!ops->check)
		return 0;
	ctx = (struct xlate_check_ctx){
		.table = t->name,
		.entry = e,
		.hook_mask = e->comefrom,
		.data = m->data,
	};
	ret = ops->check(&ctx);
	return ret > 0 ? -EIO : ret;
}

/* find_check_entry(): every match, then the target. */
static int check_entry_exts(struct xlate_table *t, const struct ipt_entry *e,
			    struct xlate_error *err)
{
	unsigned int i;
	int ret;

	for (i = sizeof(*e); i < e->target_offset;) {
		const struct xt_entry_match *m = (const void *)((const char *)e + i);

		ret = check_ext(t, e, m, XLATE_MATCH, err);
		if (ret)
			return ret;
		i += m->u.match_size;
	}
	/* xt_entry_target has the layout of xt_entry_match */
	return check_ext(t, e, (const void *)xlate_entry_target(e), XLATE_TARGET, err);
}

static int check_all(struct xlate_table *t, const struct ipt_replace *repl, struct xlate_error *err)
{
	/* No more entries can fit than this; a larger count fails below. */
	unsigned int max_entries =
		t->size / (sizeof(struct ipt_entry) + sizeof(struct xt_entry_target));
	unsigned int n_offsets = t->num_entries < max_entries ? t->num_entries : max_entries;
	unsigned int *offsets, off, i = 0;
	int ret = 0;

	offsets = calloc(n_offsets + 1, sizeof(*offsets));
	if (!offsets)
		return -ENOMEM;
	for (off = 0; off < t->size; off += xlate_entry_at(t, off)->next_offset) {
		ret = check_entry(t, off, repl);
		if (ret)
			goto out;
		if (i < n_offsets)
			offsets[i] = off;
		i++;
	}
	ret = -EINVAL;
	if (i != t->num_entries)
		goto out;
	ret = check_table_hooks(t);
	if (ret)
		goto out;
	ret = -ELOOP;
	if (!mark_source_chains(t, offsets, n_offsets))
		goto out;
	ret = 0;
	for (off = 0; off < t->size && !ret; off += xlate_entry_at(t, off)->next_offset)
		ret = check_entry_exts(t, xlate_entry_at(t, off), err);
out:
	free(offsets);
	return ret;
}

/* xt_alloc_table_info() and xt_alloc_entry_offsets() limits */
static bool too_big(const struct ipt_replace *repl)
{
	return (uint64_t)repl->size + XLATE_TABLE_INFO_SIZE >= XLATE_MAX_TABLE_SIZE ||
	       repl->num_entries > XLATE_MAX_TABLE_SIZE / sizeof(unsigned int);
}

int xlate_table_adopt(const struct ipt_replace *repl, void *mem, const void *entries,
		      struct xlate_table **out, struct xlate_error *err)
{
	struct xlate_table *t;
	unsigned int h;
	int ret;

	err->msg[0] = '\0';
	if (too_big(repl)) {
		free(mem);
		return -ENOMEM;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		free(mem);
		return -ENOMEM;
	}
	t->mem = mem;
	t->entries = (unsigned char *)entries;
	memcpy(t->name, repl->name, sizeof(t->name) - 1);
	t->valid_hooks = repl->valid_hooks;
	t->num_entries = repl->num_entries;
	t->size = repl->size;
	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		t->hook_entry[h] = 0xFFFFFFFF;
		t->underflow[h] = 0xFFFFFFFF;
	}
	ret = check_all(t, repl, err);
	if (ret)
		goto err;
	/* Only now is num_entries known to be the real count. */
	t->counters = calloc(t->num_entries + 1, sizeof(*t->counters));
	if (!t->counters) {
		ret = -ENOMEM;
		goto err;
	}
	*out = t;
	return 0;
err:
	xlate_table_free(t);
	return ret;
}

int xlate_table_translate(const struct ipt_replace *repl, const void *entries,
			  struct xlate_table **out, struct xlate_error *err)
{
	void *copy;

	err->msg[0] = '\0';
	if (too_big(repl))
		return -ENOMEM;
	copy = malloc(repl->size ? repl->size : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, entries, repl->size);
	return xlate_table_adopt(repl, copy, copy, out, err);
}
