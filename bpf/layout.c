// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* loader.h first: glibc's network headers must come before the kernel's */
#include "loader.h"
#include "layout.h"
#include "../xlate/ir.h"

uint32_t bf_layout_slot(const struct bf_layout *l, uint32_t i)
{
	uint32_t k, shift = 0;

	for (k = 0; l && k < l->nr_runs; k++) {
		const struct bf_run_layout *r = &l->runs[k];

		if (i < r->start)
			break;
		if (i < r->start + r->n)
			return r->build_first + r->pos[i - r->start];
		shift += r->n - r->build_n;
	}
	return i - shift;
}

uint32_t bf_layout_offset(const struct bf_layout *l, uint32_t off)
{
	uint32_t k, now = off;

	for (k = 0; l && k < l->nr_runs; k++) {
		const struct bf_run_layout *r = &l->runs[k];

		if (off < r->build_offset + r->build_size)
			break;
		now += r->size - r->build_size;
	}
	return now;
}

struct bf_layout *bf_layout_dup(const struct bf_layout *l)
{
	struct bf_layout *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	*d = *l;
	d->nr_runs = 0;
	d->runs = calloc(l->nr_runs ? l->nr_runs : 1, sizeof(*d->runs));
	for (; d->runs && d->nr_runs < l->nr_runs; d->nr_runs++) {
		const struct bf_run_layout *r = &l->runs[d->nr_runs];
		uint32_t *pos = malloc((r->n ? r->n : 1) * sizeof(*pos));

		if (!pos)
			break;
		memcpy(pos, r->pos, r->n * sizeof(*pos));
		d->runs[d->nr_runs] = *r;
		d->runs[d->nr_runs].pos = pos;
	}
	if (!d->runs || d->nr_runs != l->nr_runs) {
		bf_layout_free(d);
		return NULL;
	}
	return d;
}

void bf_layout_free(struct bf_layout *l)
{
	uint32_t k;

	if (!l)
		return;
	for (k = 0; k < l->nr_runs; k++)
		free(l->runs[k].pos);
	free(l->runs);
	free(l);
}

/* Saved: struct bf_layout's numbers, then each run's, then its pos[n]. */
#define HEAD_SIZE offsetof(struct bf_layout, runs)

void *bf_layout_save(const struct bf_layout *l, size_t *len)
{
	size_t size = HEAD_SIZE, at;
	unsigned char *buf;
	uint32_t k;

	for (k = 0; k < l->nr_runs; k++)
		size += sizeof(l->runs[k]) + l->runs[k].n * sizeof(uint32_t);
	buf = malloc(size);
	if (!buf)
		return NULL;
	memcpy(buf, l, HEAD_SIZE);
	at = HEAD_SIZE;
	for (k = 0; k < l->nr_runs; k++) {
		memcpy(buf + at, &l->runs[k], sizeof(l->runs[k]));
		at += sizeof(l->runs[k]);
		memcpy(buf + at, l->runs[k].pos, l->runs[k].n * sizeof(uint32_t));
		at += l->runs[k].n * sizeof(uint32_t);
	}
	*len = size;
	return buf;
}

struct bf_layout *bf_layout_load(const void *data, size_t len)
{
	const unsigned char *b = data;
	struct bf_layout *l;
	size_t at = HEAD_SIZE;
	uint32_t k;

	if (len < at)
		return NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	memcpy(l, b, HEAD_SIZE);
	k = l->nr_runs;
	l->nr_runs = 0;
	l->runs = k < len / sizeof(*l->runs) + 1 ? calloc(k ? k : 1, sizeof(*l->runs)) : NULL;
	for (l->nr_runs = 0; l->runs && l->nr_runs < k; l->nr_runs++) {
		struct bf_run_layout *r = &l->runs[l->nr_runs];

		if (len - at < sizeof(*r))
			break;
		memcpy(r, b + at, sizeof(*r));
		at += sizeof(*r);
		r->pos = NULL;
		if ((len - at) / sizeof(uint32_t) < r->n)
			break;
		r->pos = malloc(r->n ? r->n * sizeof(uint32_t) : 1);
		if (!r->pos)
			break;
		memcpy(r->pos, b + at, r->n * sizeof(uint32_t));
		at += r->n * sizeof(uint32_t);
	}
	if (!l->runs || l->nr_runs != k || at != len) {
		bf_layout_free(l);
		return NULL;
	}
	return l;
}

/* The address runs of bt as built (its table's rules at off, n of them): from its chains' records. */
static int built_runs(const struct bf_bpf_table *bt, const uint32_t *off, uint32_t n,
		      struct bf_layout *l)
{
	unsigned int h, i, k;

	l->build_entries = n;
	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		const struct bf_runs_trie *t = &bt->tries[h];

		for (i = 0; i < t->nr_records; i++) {
			const struct bf_run_record *rec = &t->records[i];
			struct bf_run_layout *r = NULL, *more;

			/* a run that repeats a key: each change would have to look past it */
			if (rec->nr_keys != rec->n || rec->start + rec->n > n)
				continue;
			for (k = 0; k < l->nr_runs && !r; k++)
				if (l->runs[k].start == rec->start)
					r = &l->runs[k];
			if (!r) {
				more = realloc(l->runs, (l->nr_runs + 1) * sizeof(*more));
				if (!more)
					return -ENOMEM;
				l->runs = more;
				r = &l->runs[l->nr_runs++];
				*r = (struct bf_run_layout){
					.build_first = rec->start,
					.build_n = rec->n,
					.build_offset = off[rec->start],
					.build_size = off[rec->start + rec->n] - off[rec->start],
					.size = off[rec->start + rec->n] - off[rec->start],
					.start = rec->start,
					.n = rec->n,
					.field = rec->field,
					.prefix = rec->prefix,
				};
			}
			r->run_ids[h] = rec->run;
		}
	}
	return 0;
}

static int cmp_run(const void *a, const void *b)
{
	const struct bf_run_layout *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

struct bf_layout *bf_layout_current(const struct bf_bpf_table *bt, const uint32_t *off, uint32_t n)
{
	struct bf_layout *l;
	uint32_t k, t;

	if (bt->layout)
		return bf_layout_dup(bt->layout);
	l = calloc(1, sizeof(*l));
	if (!l || built_runs(bt, off, n, l)) {
		bf_layout_free(l);
		return NULL;
	}
	for (k = 0; k < l->nr_runs; k++) {
		struct bf_run_layout *r = &l->runs[k];

		r->pos = malloc((r->n ? r->n : 1) * sizeof(uint32_t));
		if (!r->pos) {
			bf_layout_free(l);
			return NULL;
		}
		for (t = 0; t < r->n; t++)
			r->pos[t] = t;
	}
	if (l->nr_runs)
		qsort(l->runs, l->nr_runs, sizeof(*l->runs), cmp_run);
	return l;
}

uint32_t *bf_rule_offsets(const struct xlate_table *t)
{
	uint32_t *off = malloc((t->num_entries + 1) * sizeof(*off)), i, at = 0;

	for (i = 0; off && i < t->num_entries; i++) {
		off[i] = at;
		at += xlate_entry_at(t, at)->next_offset;
	}
	if (off)
		off[t->num_entries] = at;
	return off;
}

struct bf_layout *bf_layout_build(const struct bf_bpf_table *bt, const struct xlate_table *t)
{
	uint32_t *off = bf_rule_offsets(t);
	struct bf_layout *l = off ? bf_layout_current(bt, off, t->num_entries) : NULL;

	if (l) {
		l->gen = 0;
		l->bank_elems = bt->maps.bank_elems;
		l->table_id = bt->maps.table_id;
	}
	free(off);
	return l;
}
