// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "classify.h"
#include "runs_adopt.h"

/* Maps a program may use (MAX_USED_MAPS). */
#define PROG_MAPS 64

/* Keep map id in *trie or *hashed if it is that runs map (by name) and none is kept yet. */
static void take_map(uint32_t id, int *trie, int *hashed)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);
	int fd = bpf_map_get_fd_by_id(id), *to = NULL;

	if (fd < 0)
		return;
	if (!bpf_map_get_info_by_fd(fd, &info, &len)) {
		if (!strcmp(info.name, "filter_runs"))
			to = trie;
		else if (!strcmp(info.name, "filter_runs_h"))
			to = hashed;
	}
	if (to && *to < 0)
		*to = fd;
	else
		close(fd);
}

static void maps_of_prog(int prog_fd, int *trie, int *hashed)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info), ids[PROG_MAPS], i;

	info.nr_map_ids = PROG_MAPS;
	info.map_ids = (uintptr_t)ids;
	if (bpf_prog_get_info_by_fd(prog_fd, &info, &len))
		return;
	for (i = 0; i < info.nr_map_ids && i < PROG_MAPS; i++)
		take_map(ids[i], trie, hashed);
}

/* The runs maps of chain h: its first part's, then its later parts' (the parts array). */
static void chain_maps(const struct bf_bpf_table *bt, unsigned int h, int *trie, int *hashed)
{
	uint32_t part, id;

	maps_of_prog(bt->prog_fds[h], trie, hashed);
	for (part = 1; part < BF_MAX_PARTS; part++) {
		uint32_t slot = h * BF_MAX_PARTS + part;
		int fd;

		/* read from user space, a program array gives the program's id */
		if (bpf_map_lookup_elem(bt->maps.parts_fd, &slot, &id))
			break;
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		maps_of_prog(fd, trie, hashed);
		close(fd);
	}
}

/* A run of chain h and its rules' prefixes (address << 8 | length), sorted. */
struct run_prefixes {
	uint32_t run;
	uint64_t *prefixes;
	uint32_t n;
};

static uint64_t prefix_of(uint32_t addr, uint32_t len)
{
	return (uint64_t)addr << 8 | len;
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static void free_runs(struct run_prefixes *runs, uint32_t n)
{
	while (runs && n)
		free(runs[--n].prefixes);
	free(runs);
}

/* The runs of layout l that chain h has (*n of them), with the prefixes of ir's rules. */
static struct run_prefixes *chain_runs(const struct bf_layout *l, const struct xlate_ir *ir,
				       unsigned int h, uint32_t *n)
{
	struct run_prefixes *runs = calloc(l->nr_runs + 1, sizeof(*runs));
	uint32_t k, t;

	*n = 0;
	for (k = 0; runs && k < l->nr_runs; k++) {
		const struct bf_run_layout *r = &l->runs[k];
		struct run_prefixes *p = &runs[*n];

		if (!r->run_ids[h])
			continue;
		p->prefixes = malloc((r->n + 1) * sizeof(*p->prefixes));
		if (!p->prefixes || r->start + r->n > ir->num_rules) {
			free_runs(runs, *n + 1);
			return NULL;
		}
		for (t = 0; t < r->n; t++) {
			uint32_t addr, mask;
			struct ipt_ip rest;

			bf_run_split(&ir->rules[r->start + t].entry->ip, r->field, &addr, &mask,
				     &rest);
			p->prefixes[t] = prefix_of(addr, bf_prefix_len(mask));
		}
		qsort(p->prefixes, r->n, sizeof(*p->prefixes), cmp_u64);
		p->run = r->run_ids[h];
		p->n = r->n;
		(*n)++;
	}
	return runs;
}

/* All the keys of map fd (*n of them), to free; NULL with -errno in *n on error. */
static struct bf_run_key *map_keys(int fd, int *err, uint32_t *n)
{
	struct bf_run_key *keys = NULL, *more;
	uint32_t cap = 0;

	*n = 0;
	*err = 0;
	for (;;) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			more = realloc(keys, cap * sizeof(*keys));
			if (!more) {
				*err = -ENOMEM;
				break;
			}
			keys = more;
		}
		if (bpf_map_get_next_key(fd, *n ? &keys[*n - 1] : NULL, &keys[*n])) {
			*err = errno == ENOENT ? 0 : -errno;
			break;
		}
		(*n)++;
	}
	if (*err) {
		free(keys);
		keys = NULL;
	}
	return keys;
}

/*
 * One entry of map fd: kept with the value of generation parity in both if
 * a rule of its run has its prefix, deleted otherwise. 1: kept, 0 deleted.
 */
static int settle_entry(int fd, const struct bf_run_key *key, const struct run_prefixes *run,
			uint32_t parity)
{
	uint64_t p = prefix_of(ntohl(key->addr), key->prefixlen - 32);
	struct bf_run_value v;

	if (!bsearch(&p, run->prefixes, run->n, sizeof(p), cmp_u64))
		return bpf_map_delete_elem(fd, key) ? -errno : 0;
	if (bpf_map_lookup_elem(fd, key, &v))
		return -errno;
	if (v.gen[0] == v.gen[1])
		return 1;
	v.gen[!parity] = v.gen[parity];
	return bpf_map_update_elem(fd, key, &v, BPF_EXIST) ? -errno : 1;
}

/* Settle each entry of map fd (none: nothing) of the layout's runs; *count: those left. */
static int settle_map(int fd, const struct run_prefixes *runs, uint32_t nr, uint32_t parity,
		      unsigned int *count)
{
	struct bf_run_key *keys;
	uint32_t n, i, k;
	int ret = 0, kept;

	*count = 0;
	if (fd < 0)
		return 0;
	keys = map_keys(fd, &ret, &n);
	for (i = 0; keys && !ret && i < n; i++) {
		for (k = 0; k < nr && runs[k].run != keys[i].run; k++)
			;
		/* a run no update may edit (a prefix repeated) is as it was built */
		kept = k == nr ? 1 : settle_entry(fd, &keys[i], &runs[k], parity);
		if (kept < 0)
			ret = kept;
		else
			*count += (unsigned int)kept;
	}
	free(keys);
	return ret;
}

static int adopt_chain(struct bf_bpf_table *bt, const struct xlate_ir *ir, unsigned int h)
{
	struct bf_runs_trie *t = &bt->tries[h];
	struct run_prefixes *runs;
	uint32_t nr, parity = bt->layout->gen & 1;
	int ret;

	if (bt->prog_fds[h] < 0)
		return 0;
	chain_maps(bt, h, &t->fd, &t->hashed_fd);
	if (t->fd < 0 && t->hashed_fd < 0)
		return 0;
	runs = chain_runs(bt->layout, ir, h, &nr);
	if (!runs)
		return -ENOMEM;
	ret = settle_map(t->fd, runs, nr, parity, &t->nr_trie);
	if (!ret)
		ret = settle_map(t->hashed_fd, runs, nr, parity, &t->nr_hashed);
	free_runs(runs, nr);
	return ret;
}

int bf_runs_adopt(struct bf_bpf_table *bt, const struct xlate_table *t)
{
	struct xlate_ir *ir = NULL;
	unsigned int h;
	int ret;

	if (!bt->layout || bt->maps.gen_fd < 0 || !bt->layout->nr_runs)
		return 0;
	ret = xlate_ir_build(t, &ir);
	for (h = 0; !ret && h < NF_INET_NUMHOOKS; h++)
		ret = adopt_chain(bt, ir, h);
	xlate_ir_free(ir);
	for (h = 0; ret && h < NF_INET_NUMHOOKS; h++)
		bf_runs_trie_release(&bt->tries[h]);
	return ret;
}
