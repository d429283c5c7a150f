// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "class_maps.h"
#include "sys.h"

void bf_class_maps_init(struct bf_class_maps *m, unsigned int max_entries)
{
	memset(m, 0, sizeof(*m));
	m->max_entries = max_entries;
	m->runs_fd = m->bloom_fd = m->shapes_fd = m->slots_fd = m->cands_fd = -1;
}

static int create(struct bf_hook_progs *progs, enum bpf_map_type type, const char *name,
		  uint32_t key_size, uint32_t value_size, unsigned int max_entries, int *fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, o);

	if (type != BPF_MAP_TYPE_ARRAY)
		o.map_flags = BPF_F_NO_PREALLOC;
	*fd = bf_sys_map_create(type, name, key_size, value_size, max_entries, &o);
	if (*fd < 0)
		return *fd;
	return bf_hook_progs_keep_fd(progs, *fd);
}

int bf_class_maps_want_runs(struct bf_class_maps *m, struct bf_hook_progs *progs)
{
	if (m->runs_fd >= 0)
		return 0;
	return create(progs, BPF_MAP_TYPE_LPM_TRIE, "filter_runs", sizeof(struct bf_run_key),
		      sizeof(uint32_t), m->max_entries, &m->runs_fd);
}

int bf_class_maps_want_tuples(struct bf_class_maps *m, struct bf_hook_progs *progs)
{
	int ret = 0;

	if (m->bloom_fd < 0)
		ret = create(progs, BPF_MAP_TYPE_ARRAY, "filter_bloom", sizeof(uint32_t),
			     sizeof(uint64_t), m->max_entries, &m->bloom_fd);
	if (!ret && m->shapes_fd < 0)
		ret = create(progs, BPF_MAP_TYPE_ARRAY, "filter_shapes", sizeof(uint32_t),
			     sizeof(struct bf_tuple_desc), m->max_entries, &m->shapes_fd);
	if (!ret && m->slots_fd < 0)
		ret = create(progs, BPF_MAP_TYPE_HASH, "filter_tuples", sizeof(struct bf_tuple_key),
			     sizeof(struct bf_tuple_slot), m->max_entries, &m->slots_fd);
	if (!ret && m->cands_fd < 0)
		ret = create(progs, BPF_MAP_TYPE_ARRAY, "filter_cands", sizeof(uint32_t),
			     sizeof(struct bf_tuple_cand), m->max_entries, &m->cands_fd);
	return ret;
}

/* Room for one more entry in arrays a (and b) of *cap; 0 or -errno. */
static int grow(struct bf_class_maps *m, unsigned int nr, unsigned int *cap, void **a,
		size_t a_size, void **b, size_t b_size)
{
	unsigned int more = *cap ? 2 * *cap : 256;
	void *na, *nb = NULL;

	if (nr >= m->max_entries)
		return -E2BIG;
	if (nr < *cap)
		return 0;
	na = realloc(*a, more * a_size);
	if (na)
		*a = na;
	if (b) {
		nb = realloc(*b, more * b_size);
		if (nb)
			*b = nb;
	}
	if (!na || (b && !nb))
		return -ENOMEM;
	*cap = more;
	return 0;
}

#define GROW2(m, nr, cap, a, b) \
	grow(m, nr, cap, (void **)(a), sizeof(**(a)), (void **)(b), sizeof(**(b)))
#define GROW1(m, nr, cap, a) grow(m, nr, cap, (void **)(a), sizeof(**(a)), NULL, 0)

int bf_class_add_run(struct bf_class_maps *m, const struct bf_run_key *k, uint32_t value)
{
	int ret = GROW2(m, m->nr_runs, &m->cap_runs, &m->run_keys, &m->run_values);

	if (ret)
		return ret;
	m->run_keys[m->nr_runs] = *k;
	m->run_values[m->nr_runs++] = value;
	return 0;
}

int bf_class_add_bloom(struct bf_class_maps *m, unsigned int words)
{
	unsigned int base = m->nr_bloom, i;
	int ret = 0;

	for (i = 0; !ret && i < words; i++) {
		ret = GROW1(m, m->nr_bloom, &m->cap_bloom, &m->bloom);
		if (!ret)
			m->bloom[m->nr_bloom++] = 0;
	}
	return ret ? ret : (int)base;
}

int bf_class_add_shape(struct bf_class_maps *m, const struct bf_tuple_desc *d)
{
	int ret = GROW1(m, m->nr_shapes, &m->cap_shapes, &m->shapes);

	if (ret)
		return ret;
	m->shapes[m->nr_shapes++] = *d;
	return 0;
}

int bf_class_add_slot(struct bf_class_maps *m, const struct bf_tuple_key *k,
		      const struct bf_tuple_slot *s)
{
	int ret = GROW2(m, m->nr_slots, &m->cap_slots, &m->slot_keys, &m->slots);

	if (ret)
		return ret;
	m->slot_keys[m->nr_slots] = *k;
	m->slots[m->nr_slots++] = *s;
	return 0;
}

int bf_class_add_cand(struct bf_class_maps *m, const struct bf_tuple_cand *c)
{
	int ret = GROW1(m, m->nr_cands, &m->cap_cands, &m->cands);

	if (ret)
		return ret;
	m->cands[m->nr_cands++] = *c;
	return 0;
}

/* Array map fd gets values[0..count) at indices 0..count). */
static int fill_array(int fd, const void *values, size_t value_size, unsigned int count)
{
	uint32_t *idx = calloc(count ? count : 1, sizeof(*idx));
	unsigned int i;
	int ret;

	if (!idx)
		return -ENOMEM;
	for (i = 0; i < count; i++)
		idx[i] = i;
	ret = bf_sys_map_fill(fd, idx, sizeof(*idx), values, value_size, count);
	free(idx);
	return ret;
}

int bf_class_maps_fill(struct bf_class_maps *m)
{
	int ret = 0;

	if (m->runs_fd >= 0)
		ret = bf_sys_map_fill(m->runs_fd, m->run_keys, sizeof(*m->run_keys), m->run_values,
				      sizeof(*m->run_values), m->nr_runs);
	if (!ret && m->bloom_fd >= 0)
		ret = fill_array(m->bloom_fd, m->bloom, sizeof(*m->bloom), m->nr_bloom);
	if (!ret && m->slots_fd >= 0)
		ret = bf_sys_map_fill(m->slots_fd, m->slot_keys, sizeof(*m->slot_keys), m->slots,
				      sizeof(*m->slots), m->nr_slots);
	if (!ret && m->shapes_fd >= 0)
		ret = fill_array(m->shapes_fd, m->shapes, sizeof(*m->shapes), m->nr_shapes);
	if (!ret && m->cands_fd >= 0)
		ret = fill_array(m->cands_fd, m->cands, sizeof(*m->cands), m->nr_cands);
	return ret;
}

void bf_class_maps_release(struct bf_class_maps *m)
{
	free(m->run_keys);
	free(m->run_values);
	free(m->bloom);
	free(m->shapes);
	free(m->slot_keys);
	free(m->slots);
	free(m->cands);
	bf_class_maps_init(m, 0);
}
