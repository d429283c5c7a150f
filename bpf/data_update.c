// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "classify.h"
#include "counters_map.h"
#include "data_update.h"
#include "layout.h"
#include "prefix_diff.h"

/*
 * An entry of a chain's runs map to write: what the table in force and the
 * next one answer there (a position with BF_RUN_ACCEPT, or BF_RUN_NONE),
 * and whether it is new (adds) or goes once the next one is in force (drops).
 */
struct edit {
	unsigned int hook;
	struct bf_run_key key;
	uint32_t cur, next;
	bool adds, drops;
};

struct bf_update {
	const struct bf_bpf_table *bt;
	struct bf_layout *layout; /* next's */
	uint32_t gen; /* the current generation; next's is gen + 1 */
	uint32_t next_rules;
	struct edit *edits;
	unsigned int nr_edits;
	unsigned int applied; /* edits written by bf_update_apply() */
};

/* A run rule's key for the run's lookup: prefix, verdict and where it counts. */
struct run_key {
	uint32_t addr; /* host order */
	uint32_t len;
	uint32_t flags; /* BF_RUN_ACCEPT */
	uint32_t pos;
	uint32_t taken; /* found again in next */
};

static int cmp_key(const void *a, const void *b)
{
	const struct run_key *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* The bytes of n rules of ir from start on. */
static uint32_t run_size(const struct xlate_ir *ir, uint32_t start, uint32_t n)
{
	return n ? ir->rules[start + n - 1].offset + ir->rules[start + n - 1].entry->next_offset -
			       ir->rules[start].offset :
		   0;
}

/* a and b are the same rule, but for where a jump goes (checked later). */
static bool same_rule(const struct xlate_rule *a, const struct xlate_rule *b)
{
	const struct ipt_entry *x = a->entry, *y = b->entry;
	size_t end = x->next_offset;

	if (a->action != b->action || x->target_offset != y->target_offset ||
	    x->next_offset != y->next_offset || memcmp(&x->ip, &y->ip, sizeof(x->ip)))
		return false;
	if (a->action == XLATE_JUMP || a->action == XLATE_GOTO)
		end = x->target_offset; /* the verdict is an offset */
	return !memcmp(x->elems, y->elems, end - sizeof(*x));
}

/*
 * Walk cur and next together: the same rules in order, but for the runs'.
 * map[i]: the index in next of cur's rule i (a run's first rule: the run's
 * first in next). Sets each run's start and n in next. 0, or 1: not so.
 */
static int match_rules(const struct xlate_ir *cur, const struct xlate_ir *next, struct bf_layout *l,
		       uint32_t *map)
{
	uint32_t i = 0, j = 0, k = 0, h;

	while (i < cur->num_rules) {
		if (k < l->nr_runs && i == l->runs[k].start) {
			struct bf_run_layout *r = &l->runs[k++];
			/* a hashed run's keys are all of its one prefix length */
			uint32_t m =
				bf_run_extent(next, j, &cur->rules[i], r->field, r->prefix >= 0);

			if (m < BF_RUN_MIN)
				return 1;
			map[i] = j;
			i += r->n;
			r->start = j;
			r->n = m;
			r->size = run_size(next, j, m);
			j += m;
			continue;
		}
		if (j >= next->num_rules || !same_rule(&cur->rules[i], &next->rules[j]))
			return 1;
		map[i++] = j++;
	}
	if (j != next->num_rules || cur->table->valid_hooks != next->table->valid_hooks)
		return 1;
	for (i = 0; i < cur->num_rules; i++) {
		const struct xlate_rule *r = &cur->rules[i];

		if ((r->action == XLATE_JUMP || r->action == XLATE_GOTO) &&
		    map[r->jump] != next->rules[map[i]].jump)
			return 1;
	}
	for (h = 0; h < NF_INET_NUMHOOKS; h++)
		if ((cur->table->valid_hooks & (1u << h)) &&
		    (map[cur->hook_entry[h]] != next->hook_entry[h] ||
		     map[cur->underflow[h]] != next->underflow[h]))
			return 1;
	return 0;
}

/* Whether next's rule i could be one of run r's: a run that does not reach it is gone. */
static bool may_join(const struct xlate_ir *next, uint32_t i, const struct bf_run_layout *r)
{
	const struct xlate_rule *x = i < next->num_rules ? &next->rules[i] : NULL;
	uint32_t addr, mask;
	struct ipt_ip rest;

	if (!x || !bf_run_fits(x, x, r->field, NULL))
		return false;
	bf_run_split(&x->entry->ip, r->field, &addr, &mask, &rest);
	return r->prefix < 0 || bf_prefix_len(mask) == (uint32_t)r->prefix;
}

/*
 * Checked before cur is decoded, so that the rules most replacements add
 * around the runs are found cheaply (else 1): the rules after the last
 * run of cur (its rules at off), and as many at next's end, are alike,
 * and the rules of next just before them and where cur's first run starts
 * could belong to its runs. Alike, not the same: a jump's target is not
 * compared, nor its kind, which match_rules() compares.
 */
static int same_ends(const struct xlate_table *cur, const uint32_t *off,
		     const struct xlate_ir *next, const struct bf_layout *l)
{
	const struct bf_run_layout *last = l->nr_runs ? &l->runs[l->nr_runs - 1] : NULL;
	uint32_t end = last ? last->start + last->n : 0, i = cur->num_entries, j = next->num_rules;
	struct xlate_rule x;

	while (i > end) {
		if (!j)
			return 1;
		x = next->rules[--j];
		x.entry = xlate_entry_at(cur, off[--i]);
		if (!same_rule(&x, &next->rules[j]))
			return 1;
	}
	if (last &&
	    (!j || !may_join(next, j - 1, last) || !may_join(next, l->runs[0].start, &l->runs[0])))
		return 1;
	return 0;
}

static void rule_key(const struct xlate_rule *x, const struct bf_run_layout *r, struct run_key *k)
{
	uint32_t mask;
	struct ipt_ip rest;

	bf_run_split(&x->entry->ip, r->field, &k->addr, &mask, &rest);
	k->len = bf_prefix_len(mask);
	k->flags = x->action == XLATE_ACCEPT ? BF_RUN_ACCEPT : 0;
	k->taken = 0;
}

/* The edit of r's entry c in each chain that has the run. */
static int add_edit(struct bf_update *u, const struct bf_run_layout *r,
		    const struct bf_prefix_change *c)
{
	unsigned int h;

	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		struct edit *more;

		if (!r->run_ids[h])
			continue;
		more = realloc(u->edits, (u->nr_edits + 1) * sizeof(*more));
		if (!more)
			return -ENOMEM;
		u->edits = more;
		u->edits[u->nr_edits++] = (struct edit){
			.hook = h,
			.key = { .prefixlen = 32 + c->len,
				 .run = r->run_ids[h],
				 .addr = htonl(c->addr) },
			.cur = c->old_answer,
			.next = c->new_answer,
			.adds = !c->in_old,
			.drops = !c->in_new,
		};
	}
	return 0;
}

/* The edit of a hashed run's entry for k: added with answer, or dropped from answer. */
static int hashed_edit(struct bf_update *u, const struct bf_run_layout *r, const struct run_key *k,
		       uint32_t answer, bool adds)
{
	struct bf_prefix_change c = { .addr = k->addr,
				      .len = k->len,
				      .old_answer = adds ? BF_RUN_NONE : answer,
				      .new_answer = adds ? answer : BF_RUN_NONE,
				      .in_old = !adds,
				      .in_new = adds };

	return add_edit(u, r, &c);
}

/* Slots no rule of next counts in: all but its rules' outside runs and those kept. */
static unsigned char *free_slots(const struct bf_layout *old, const struct bf_layout *l,
				 uint32_t slots)
{
	unsigned char *used = calloc(slots, 1);
	uint32_t k, i;

	if (!used)
		return NULL;
	memset(used, 1, old->build_entries < slots ? old->build_entries : slots);
	for (k = 0; k < old->nr_runs; k++)
		memset(used + old->runs[k].build_first, 0, old->runs[k].build_n);
	for (k = 0; k < l->nr_runs; k++)
		for (i = 0; i < l->runs[k].n; i++)
			if (l->runs[k].pos[i] != UINT32_MAX)
				used[l->runs[k].build_first + l->runs[k].pos[i]] = 1;
	return used;
}

/* The keys next's run r adds are all different (else 1). */
static int new_keys_differ(const struct xlate_ir *next, const struct bf_run_layout *r)
{
	struct run_key *keys = malloc((r->n ? r->n : 1) * sizeof(*keys));
	uint32_t t, n = 0;
	int ret = 0;

	if (!keys)
		return -ENOMEM;
	for (t = 0; t < r->n; t++)
		if (r->pos[t] == UINT32_MAX)
			rule_key(&next->rules[r->start + t], r, &keys[n++]);
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (t = 1; t < n && !ret; t++)
		ret = !cmp_key(&keys[t], &keys[t - 1]);
	free(keys);
	return ret;
}

/*
 * Whether a rule of cur's hashed run r holds key k: it is in the run's map.
 * 0, 1 or -errno. (A trie run's keys may be: trie_edits().)
 */
static int in_map(const struct bf_update *u, const struct bf_run_layout *r, const struct run_key *k)
{
	struct bf_run_key key = { .prefixlen = 32 + k->len, .addr = htonl(k->addr) };
	struct bf_run_value value;
	unsigned int h;

	if (r->prefix < 0)
		return 0;
	for (h = 0; h < NF_INET_NUMHOOKS && !r->run_ids[h]; h++)
		;
	if (h == NF_INET_NUMHOOKS)
		return 1;
	key.run = r->run_ids[h];
	if (!bpf_map_lookup_elem(u->bt->tries[h].hashed_fd, &key, &value))
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

static bool same_key(const struct run_key *a, const struct run_key *b)
{
	return a->addr == b->addr && a->len == b->len && a->flags == b->flags;
}

/*
 * An entry costs two map updates (about 5 us here), a full replacement
 * about 1.3 us a rule: past a quarter of the rules in entries (a /8 added
 * before 5,000 /24s of a 10,000-rule blocklist: 29 ms against 13 ms), a
 * full replacement is the faster.
 */
#define BF_UPDATE_EDITS_PER_RULE 4

/* Rules dropped at once before a kept one that the walk of diff_run() looks past. */
#define LOOK_PAST 8

/*
 * The keys of cur's run old and next's run r, in one walk (rules are
 * inserted and deleted one command at a time): a rule of next with the key
 * and verdict of the current rule of cur (or of one of the LOOK_PAST after
 * it, those before dropped) keeps its slot; any other is new (a slot
 * later), and cur's rules not kept are dropped (a hashed run's edits; a
 * trie run's come from trie_edits()); *changed: any was. 1 if a new key of
 * a hashed run is in its map already (its entry would change in place) or
 * twice in next (a trie run's repeats: bf_prefix_diff()).
 */
static int diff_run(struct bf_update *u, const struct xlate_ir *cur, const struct xlate_ir *next,
		    const struct bf_run_layout *old, struct bf_run_layout *r, bool *changed)
{
	struct run_key *keys = malloc((old->n ? old->n : 1) * sizeof(*keys)), k;
	uint32_t i = 0, j, d, kept = 0;
	int ret = 0;

	if (!keys)
		return -ENOMEM;
	for (j = 0; j < old->n; j++) {
		rule_key(&cur->rules[old->start + j], old, &keys[j]);
		keys[j].pos = old->pos[j];
	}
	for (j = 0; j < r->n; j++) {
		rule_key(&next->rules[r->start + j], r, &k);
		for (d = 0; d <= LOOK_PAST && i + d < old->n; d++)
			if (same_key(&keys[i + d], &k))
				break;
		if (d > LOOK_PAST || i + d == old->n) {
			r->pos[j] = UINT32_MAX;
			ret = in_map(u, old, &k);
			if (ret)
				break;
			continue;
		}
		i += d;
		keys[i].taken = 1;
		r->pos[j] = keys[i++].pos;
		kept++;
	}
	/* a trie run's entries are worked out once the new rules have slots */
	for (j = 0; j < old->n && !ret && r->prefix >= 0; j++)
		if (!keys[j].taken)
			ret = hashed_edit(u, old, &keys[j], keys[j].pos | keys[j].flags, false);
	*changed = kept != old->n || kept != r->n;
	free(keys);
	return ret || r->prefix < 0 ? ret : new_keys_differ(next, r);
}

/* Each rule new in a run: a free slot at or after its run's first, and a hashed run's edits. */
static int give_slots(struct bf_update *u, const struct xlate_ir *next, unsigned char *used,
		      uint32_t slots)
{
	struct bf_layout *l = u->layout;
	uint32_t k, t, s;
	int ret = 0;

	for (k = 0; k < l->nr_runs && !ret; k++) {
		struct bf_run_layout *r = &l->runs[k];

		for (t = 0, s = r->build_first; t < r->n && !ret; t++) {
			struct run_key key;

			if (r->pos[t] != UINT32_MAX)
				continue;
			while (s < slots && used[s])
				s++;
			if (s == slots)
				return 1; /* no room left: a full replacement makes some */
			used[s] = 1;
			r->pos[t] = s - r->build_first;
			if (r->prefix < 0)
				continue; /* trie_edits() */
			rule_key(&next->rules[r->start + t], r, &key);
			ret = hashed_edit(u, r, &key, r->pos[t] | key.flags, true);
		}
	}
	return ret;
}

/* The prefixes of ir's run r, each with the rule its entry would name. */
static struct bf_prefix_rule *prefix_rules(const struct xlate_ir *ir, const struct bf_run_layout *r)
{
	struct bf_prefix_rule *p = malloc((r->n ? r->n : 1) * sizeof(*p));
	uint32_t t;

	for (t = 0; p && t < r->n; t++) {
		struct run_key k;

		rule_key(&ir->rules[r->start + t], r, &k);
		p[t] = (struct bf_prefix_rule){ k.addr, k.len, r->pos[t] | k.flags };
	}
	return p;
}

/*
 * The edits of the trie run old of cur that is r in next: the entries whose
 * answer changes, which a prefix added or dropped may bring about in the
 * prefixes inside it too.
 */
static int trie_edits(struct bf_update *u, const struct xlate_ir *cur, const struct xlate_ir *next,
		      const struct bf_run_layout *old, const struct bf_run_layout *r)
{
	struct bf_prefix_rule *a = prefix_rules(cur, old), *b = prefix_rules(next, r);
	struct bf_prefix_change *c = NULL;
	size_t n = 0, i;
	int ret = a && b ? bf_prefix_diff(a, old->n, b, r->n, &c, &n) : -ENOMEM;

	for (i = 0; !ret && i < n; i++)
		ret = add_edit(u, r, &c[i]);
	free(c);
	free(b);
	free(a);
	return ret;
}

/* The map of a chain's runs that holds key: the hash map or the trie. */
static int map_of(const struct bf_runs_trie *t, const struct bf_run_key *key)
{
	return key->run & BF_RUN_HASHED ? t->hashed_fd : t->fd;
}

/* How many entries u adds (adds) or drops in chain h's hash map (hashed) or trie. */
static unsigned int edits_in(const struct bf_update *u, unsigned int h, bool hashed, bool adds)
{
	unsigned int i, n = 0;

	for (i = 0; i < u->nr_edits; i++) {
		const struct edit *e = &u->edits[i];

		n += e->hook == h && !(e->key.run & BF_RUN_HASHED) == !hashed &&
		     (adds ? e->adds : e->drops);
	}
	return n;
}

/* Whether a run of u's layout is in chain h's hash map (hashed) or trie. */
static bool has_runs(const struct bf_update *u, unsigned int h, bool hashed)
{
	uint32_t k;

	for (k = 0; k < u->layout->nr_runs; k++) {
		uint32_t id = u->layout->runs[k].run_ids[h];

		if (id && !(id & BF_RUN_HASHED) == !hashed)
			return true;
	}
	return false;
}

/*
 * Whether u can edit fd, a map of count entries, of chain h's hash map
 * (hashed) or trie: it is there and has room for the added entries beside
 * the dropped. A restored table's maps are not (not pinned): then not even
 * a change of counters alone, whose switch of generations would bring to
 * light what an update cut short left in them.
 */
static bool editable(const struct bf_update *u, unsigned int h, bool hashed, int fd,
		     unsigned int count)
{
	unsigned int more = edits_in(u, h, hashed, true);
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);

	if (!more && !has_runs(u, h, hashed))
		return true;
	return fd >= 0 && !bpf_map_get_info_by_fd(fd, &info, &len) &&
	       count + more <= info.max_entries;
}

static bool room(const struct bf_update *u)
{
	unsigned int h;

	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		const struct bf_runs_trie *t = &u->bt->tries[h];

		if (!editable(u, h, true, t->hashed_fd, t->nr_hashed) ||
		    !editable(u, h, false, t->fd, t->nr_trie))
			return false;
	}
	return true;
}

/* Each run's kept slots and hashed edits (diff_run()); changed[k]: run k's rules change. */
static int diff_runs(struct bf_update *u, const struct xlate_ir *cur, const struct xlate_ir *next,
		     const struct bf_layout *old, bool *changed)
{
	uint32_t k;
	int ret = 0;

	for (k = 0; !ret && k < u->layout->nr_runs; k++) {
		struct bf_run_layout *r = &u->layout->runs[k];
		uint32_t *pos = realloc(r->pos, r->n * sizeof(*pos));

		if (!pos)
			return -ENOMEM;
		r->pos = pos;
		ret = diff_run(u, cur, next, &old->runs[k], r, &changed[k]);
	}
	return ret;
}

/* The edits of the trie runs whose rules change, every rule having its slot. */
static int diff_tries(struct bf_update *u, const struct xlate_ir *cur, const struct xlate_ir *next,
		      const struct bf_layout *old, const bool *changed)
{
	uint32_t k;
	int ret = 0;

	for (k = 0; !ret && k < u->layout->nr_runs; k++)
		if (u->layout->runs[k].prefix < 0 && changed[k])
			ret = trie_edits(u, cur, next, &old->runs[k], &u->layout->runs[k]);
	return ret;
}

/* u's edits and next's layout (u->layout, from a copy of old's). 0, 1 (none), or -errno. */
static int plan(struct bf_update *u, const struct xlate_ir *cur, const struct xlate_ir *next,
		const struct bf_layout *old)
{
	uint32_t slots = u->bt->maps.bank_elems * BF_COUNTERS_PER_ELEM;
	uint32_t *map = malloc((cur->num_rules ? cur->num_rules : 1) * sizeof(*map));
	bool *changed = calloc(u->layout->nr_runs + 1, sizeof(*changed));
	unsigned char *used = NULL;
	int ret = map && changed ? 0 : -ENOMEM;

	if (map) /* a jump into a run's middle, or anything unset, matches nothing */
		memset(map, 0xff, (cur->num_rules ? cur->num_rules : 1) * sizeof(*map));
	if (!ret)
		ret = match_rules(cur, next, u->layout, map);
	if (!ret)
		ret = diff_runs(u, cur, next, old, changed);
	if (!ret) {
		used = free_slots(old, u->layout, slots);
		ret = used ? give_slots(u, next, used, slots) : -ENOMEM;
	}
	if (!ret)
		ret = diff_tries(u, cur, next, old, changed);
	if (!ret && (!room(u) || u->nr_edits > u->next_rules / BF_UPDATE_EDITS_PER_RULE))
		ret = 1;
	if (!ret) {
		u->layout->gen = u->gen + 1;
		u->layout->bank_elems = u->bt->maps.bank_elems;
		u->layout->table_id = u->bt->maps.table_id;
	}
	free(changed);
	free(used);
	free(map);
	return ret;
}

int bf_update_plan(const struct bf_bpf_table *bt, const struct xlate_table *cur,
		   const struct xlate_ir *next_ir, struct bf_update **out)
{
	struct bf_layout *old = NULL;
	struct xlate_ir *cur_ir = NULL;
	uint32_t *off = NULL;
	struct bf_update *u;
	int ret;

	if (bt->maps.gen_fd < 0 || strcmp(cur->name, next_ir->table->name))
		return 1;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->bt = bt;
	u->gen = bt->layout ? bt->layout->gen : 0;
	u->next_rules = next_ir->num_rules;
	off = bf_rule_offsets(cur);
	old = off ? bf_layout_current(bt, off, cur->num_entries) : NULL;
	u->layout = old ? bf_layout_dup(old) : NULL;
	ret = old && u->layout ? same_ends(cur, off, next_ir, old) : -ENOMEM;
	/* decoded again rather than kept: 176 bytes a rule, 0.3 ms per 10,000 */
	if (!ret)
		ret = xlate_ir_build(cur, &cur_ir);
	if (!ret)
		ret = plan(u, cur_ir, next_ir, old);
	xlate_ir_free(cur_ir);
	bf_layout_free(old);
	free(off);
	if (ret) {
		bf_update_free(u);
		return ret;
	}
	*out = u;
	return 0;
}

const struct bf_layout *bf_update_layout(const struct bf_update *u)
{
	return u->layout;
}

/* *to: a duplicate of from (-1 for -1); 1 if it cannot be made, else 0. */
static unsigned int dup_fd(int from, int *to)
{
	*to = from < 0 ? -1 : fcntl(from, F_DUPFD_CLOEXEC, 0);
	return from >= 0 && *to < 0;
}

struct bf_bpf_table *bf_update_table(struct bf_update *u, uint32_t id)
{
	const struct bf_bpf_table *bt = u->bt;
	const struct bf_table_maps *m = &bt->maps;
	struct bf_bpf_table *nbt;
	unsigned int h, failed;

	nbt = bf_bpf_table_new(bt->name, id, u->next_rules);
	if (!nbt)
		return NULL;
	nbt->maps = *m;
	/* all tried, none short-cut: each fd is duplicated or -1, none left shared with bt */
	failed = dup_fd(m->counters_fd, &nbt->maps.counters_fd) +
		 dup_fd(m->events_fd, &nbt->maps.events_fd) +
		 dup_fd(m->state_fd, &nbt->maps.state_fd) +
		 dup_fd(m->local_routes_fd, &nbt->maps.local_routes_fd) +
		 dup_fd(m->parts_fd, &nbt->maps.parts_fd) + dup_fd(m->gen_fd, &nbt->maps.gen_fd);
	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		const struct bf_runs_trie *t = &bt->tries[h];
		struct bf_runs_trie *nt = &nbt->tries[h];

		failed += dup_fd(bt->prog_fds[h], &nbt->prog_fds[h]);
		/* the maps without their entries' record: no later table shares them */
		failed += dup_fd(t->hashed_fd, &nt->hashed_fd) + dup_fd(t->fd, &nt->fd);
		nt->nr_hashed =
			t->nr_hashed + edits_in(u, h, true, true) - edits_in(u, h, true, false);
		nt->nr_trie =
			t->nr_trie + edits_in(u, h, false, true) - edits_in(u, h, false, false);
	}
	if (failed) {
		bf_bpf_table_free(nbt);
		return NULL;
	}
	nbt->layout = u->layout;
	u->layout = NULL;
	return nbt;
}

/* Write e's entry: cur for the packets of u's generation, next for the next one's. */
static int write_edit(const struct bf_update *u, const struct edit *e, uint32_t cur, uint32_t next)
{
	int fd = map_of(&u->bt->tries[e->hook], &e->key);
	struct bf_run_value v;

	v.gen[u->gen & 1] = cur;
	v.gen[(u->gen + 1) & 1] = next;
	return bpf_map_update_elem(fd, &e->key, &v, BPF_ANY) ? -errno : 0;
}

static int delete_edit(const struct bf_update *u, const struct edit *e)
{
	int fd = map_of(&u->bt->tries[e->hook], &e->key);

	return bpf_map_delete_elem(fd, &e->key) && errno != ENOENT ? -errno : 0;
}

/* Undo the edits written: new entries deleted, the others the current table's again. */
static void undo(struct bf_update *u)
{
	while (u->applied) {
		const struct edit *e = &u->edits[--u->applied];

		if (e->adds)
			delete_edit(u, e);
		else
			write_edit(u, e, e->cur, e->cur);
	}
}

/* The next generation's bank, zeroed: no packet counts there before the flip. */
static int zero_bank(const struct bf_update *u)
{
	const struct bf_table_maps *m = &u->bt->maps;

	return bf_counters_map_zero(m->counters_fd, ((u->gen + 1) & 1) * m->bank_elems,
				    m->bank_elems);
}

/*
 * Each entry written whole (a map update replaces the element), with the
 * current generation's value as it was: the packets of the current
 * generation see the table in force until the switch, whichever entries
 * are written, and those of the next the next table whole, which a
 * dropped entry holds until it is deleted: the entry of the next longer
 * prefix left then has its value.
 */
int bf_update_apply(struct bf_update *u)
{
	uint32_t next = u->gen + 1, key = 0;
	int ret = zero_bank(u);

	while (!ret && u->applied < u->nr_edits) {
		const struct edit *e = &u->edits[u->applied];

		ret = write_edit(u, e, e->cur, e->next);
		if (!ret)
			u->applied++;
	}
	/* the switch: packets from now on see next's entries and count in its bank */
	if (!ret && bpf_map_update_elem(u->bt->maps.gen_fd, &key, &next, BPF_ANY))
		ret = -errno;
	if (ret)
		undo(u);
	return ret;
}

int bf_update_finish(struct bf_update *u)
{
	unsigned int i;
	int ret = 0, err;

	for (i = 0; i < u->nr_edits; i++) {
		const struct edit *e = &u->edits[i];

		err = e->drops ? delete_edit(u, e) : write_edit(u, e, e->next, e->next);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

void bf_update_free(struct bf_update *u)
{
	if (!u)
		return;
	bf_layout_free(u->layout);
	free(u->edits);
	free(u);
}
