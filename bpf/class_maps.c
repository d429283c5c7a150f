// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "class_maps.h"
#include "sys.h"

void bf_class_maps_init(struct bf_class_maps *m, unsigned int max_entries)
{
	memset(m, 0, sizeof(*m));
	m->max_entries = max_entries;
	m->runs_fd = m->hashed_fd = m->bloom_fd = m->shapes_fd = m->tables_fd = m->cands_fd = -1;
}

/* A map the programs use, its fd kept until they are loaded: 0 or -errno. */
static int create(struct bf_hook_progs *progs, enum bpf_map_type type, const char *name,
		  uint32_t key_size, uint32_t value_size, unsigned int max_entries, int *fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, o);

	if (type == BPF_MAP_TYPE_LPM_TRIE)
		o.map_flags = BPF_F_NO_PREALLOC;
	*fd = bf_sys_map_create(type, name, key_size, value_size, max_entries, &o);
	if (*fd < 0)
		return *fd;
	return bf_hook_progs_keep_fd(progs, *fd);
}

int bf_class_maps_want_runs(struct bf_class_maps *m, struct bf_hook_progs *progs, bool hashed)
{
	if (hashed && m->hashed_fd < 0)
		/* a placeholder: the map made for the entries takes its fd */
		return create(progs, BPF_MAP_TYPE_HASH, "filter_runs_h", sizeof(struct bf_run_key),
			      sizeof(struct bf_run_value), 1, &m->hashed_fd);
	if (!hashed && m->runs_fd < 0)
		return create(progs, BPF_MAP_TYPE_LPM_TRIE, "filter_runs",
			      sizeof(struct bf_run_key), sizeof(struct bf_run_value),
			      m->max_entries, &m->runs_fd);
	return 0;
}

/* A one-entry placeholder array of value_size, replaced at fill time. */
static int placeholder(struct bf_hook_progs *progs, const char *name, uint32_t value_size, int *fd)
{
	if (*fd >= 0)
		return 0;
	return create(progs, BPF_MAP_TYPE_ARRAY, name, sizeof(uint32_t), value_size, 1, fd);
}

int bf_class_maps_want_tuples(struct bf_class_maps *m, struct bf_hook_progs *progs)
{
	int ret = placeholder(progs, "filter_bloom", sizeof(uint64_t), &m->bloom_fd);

	if (!ret)
		ret = placeholder(progs, "filter_shapes", sizeof(struct bf_tuple_desc),
				  &m->shapes_fd);
	if (!ret)
		ret = placeholder(progs, "filter_tuples", sizeof(struct bf_tuple_entry),
				  &m->tables_fd);
	if (!ret)
		ret = placeholder(progs, "filter_cands", sizeof(struct bf_tuple_cand),
				  &m->cands_fd);
	return ret;
}

/* Room for more entries past nr in array a of *cap, up to limit; 0 or -errno. */
static int grow(unsigned int nr, unsigned int more, unsigned int limit, unsigned int *cap, void **a,
		size_t a_size)
{
	unsigned int bigger = *cap ? *cap : 256;
	void *na;

	if (more > limit || nr > limit - more)
		return -E2BIG;
	if (nr + more <= *cap)
		return 0;
	while (bigger < nr + more)
		bigger *= 2;
	na = realloc(*a, (size_t)bigger * a_size);
	if (!na)
		return -ENOMEM;
	*a = na;
	*cap = bigger;
	return 0;
}

#define GROW(m, field, more, limit)                                                 \
	grow((m)->nr_##field, more, limit, &(m)->cap_##field, (void **)&(m)->field, \
	     sizeof(*(m)->field))

int bf_class_add_runs(struct bf_class_maps *m, const struct bf_run_key *k, const uint32_t *values,
		      unsigned int count)
{
	int ret = GROW(m, run_keys, count, m->max_entries);

	if (!ret)
		ret = GROW(m, run_values, count, m->max_entries);
	if (ret)
		return ret;
	memcpy(&m->run_keys[m->nr_run_keys], k, count * sizeof(*k));
	memcpy(&m->run_values[m->nr_run_values], values, count * sizeof(*values));
	m->nr_run_keys += count;
	m->nr_run_values += count;
	return 0;
}

int bf_class_add_run(struct bf_class_maps *m, const struct bf_run_key *k, uint32_t value)
{
	return bf_class_add_runs(m, k, &value, 1);
}

int bf_class_record_run(struct bf_class_maps *m, uint32_t run, void *source, size_t len,
			unsigned int first_key)
{
	int ret = GROW(m, records, 1, m->max_entries);

	if (ret) {
		free(source);
		return ret;
	}
	m->records[m->nr_records++] = (struct bf_run_record){
		.run = run,
		.source = source,
		.source_len = len,
		.first_key = first_key,
		.nr_keys = m->nr_run_keys - first_key,
	};
	return 0;
}

static void free_records(struct bf_run_record *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		free(r[i].source);
	free(r);
}

const struct bf_run_record *bf_runs_trie_record(const struct bf_runs_trie *t, uint32_t run)
{
	unsigned int i;

	for (i = 0; t && i < t->nr_records; i++)
		if (t->records[i].run == run)
			return &t->records[i];
	return NULL;
}

/* count zeroed entries past *nr in array a: the index of the first, or -errno */
static int add_zeroed(unsigned int *nr, unsigned int count, unsigned int limit, unsigned int *cap,
		      void **a, size_t a_size)
{
	unsigned int base = *nr;
	int ret = grow(base, count, limit, cap, a, a_size);

	if (ret)
		return ret;
	memset((char *)*a + (size_t)base * a_size, 0, (size_t)count * a_size);
	*nr += count;
	return (int)base;
}

#define ADD_ZEROED(m, field, count, limit)                                                  \
	add_zeroed(&(m)->nr_##field, count, limit, &(m)->cap_##field, (void **)&(m)->field, \
		   sizeof(*(m)->field))

int bf_class_add_bloom(struct bf_class_maps *m, unsigned int words)
{
	return ADD_ZEROED(m, bloom, words, m->max_entries);
}

int bf_class_add_table(struct bf_class_maps *m, unsigned int entries)
{
	/* at most 4 entries per key, two keys per rule */
	return ADD_ZEROED(m, tables, entries, 4 * m->max_entries);
}

int bf_class_add_shape(struct bf_class_maps *m, const struct bf_tuple_desc *d)
{
	int ret = GROW(m, shapes, 1, m->max_entries);

	if (ret)
		return ret;
	m->shapes[m->nr_shapes++] = *d;
	return 0;
}

int bf_class_add_cands(struct bf_class_maps *m, unsigned int count)
{
	return ADD_ZEROED(m, cands, count, m->max_entries);
}

/*
 * An array of count values of value_size (a multiple of 8, as mmap lays
 * them out), a spare one if there is one, takes over the placeholder's fd;
 * its values are written later, through its mapping, and arrays keeps it
 * (mapped) for the next table. Without arrays, the write unmaps it.
 */
static int make_array(struct bf_class_maps *m, struct bf_arrays *arrays, int placeholder_fd,
		      const char *name, const void *values, size_t value_size, unsigned int count)
{
	struct bf_array a;
	int ret;

	ret = bf_array_pool_get(name, (uint32_t)value_size, bf_array_pool_round(count), &a);
	if (ret)
		return ret;
	if (dup3(a.fd, placeholder_fd, O_CLOEXEC) < 0) {
		ret = -errno;
		bf_array_close(&a);
		return ret;
	}
	m->writes[m->nr_writes++] = (struct bf_class_write){
		.mem = a.mem,
		.values = values,
		.len = value_size * count,
		.size = value_size * a.count,
		.unmap = !arrays,
	};
	if (arrays)
		arrays->a[arrays->n++] = a;
	else
		close(a.fd); /* the placeholder's fd holds the map */
	return 0;
}

void bf_runs_trie_release(struct bf_runs_trie *t)
{
	free(t->keys);
	free(t->values);
	free_records(t->records, t->nr_records);
	if (t->fd >= 0)
		close(t->fd);
	if (t->hashed_fd >= 0)
		close(t->hashed_fd);
	*t = (struct bf_runs_trie){ .fd = -1, .hashed_fd = -1 };
}

static bool same_trie(const struct bf_class_maps *m, const struct bf_runs_trie *t)
{
	/* the same entries use the same maps, unless t could not keep one */
	return t && (m->runs_fd < 0 || t->fd >= 0) && (m->hashed_fd < 0 || t->hashed_fd >= 0) &&
	       t->count == m->nr_run_keys &&
	       !memcmp(t->keys, m->run_keys, t->count * sizeof(*t->keys)) &&
	       !memcmp(t->values, m->run_values, t->count * sizeof(*t->values));
}

/* dup3 of from onto to if to is open: 0 or -errno */
static int take_over(int from, int to)
{
	return to < 0 || dup3(from, to, O_CLOEXEC) >= 0 ? 0 : -errno;
}

/*
 * The staged entries in fill order, the trie's then the hash map's (whose
 * size is now known: the map made for them takes the placeholder's fd).
 */
static int stage_fill(struct bf_class_maps *m)
{
	unsigned int i, n = m->nr_run_keys, trie = 0, hashed = 0;
	int fd, ret;

	for (i = 0; i < n; i++)
		trie += !(m->run_keys[i].run & BF_RUN_HASHED);
	m->fill_keys = malloc(n * sizeof(*m->fill_keys));
	m->fill_values = malloc(n * sizeof(*m->fill_values));
	if (!m->fill_keys || !m->fill_values)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		unsigned int at = m->run_keys[i].run & BF_RUN_HASHED ? trie + hashed++ : i - hashed;

		m->fill_keys[at] = m->run_keys[i];
		/* the same in both generations, until a data update */
		m->fill_values[at].gen[0] = m->fill_values[at].gen[1] = m->run_values[i];
	}
	m->trie_count = trie;
	m->hashed_count = hashed;
	if (!hashed)
		return 0;
	/* with room for the bans data updates add (bpf/data_update.h) */
	fd = bf_sys_map_create(BPF_MAP_TYPE_HASH, "filter_runs_h", sizeof(struct bf_run_key),
			       sizeof(struct bf_run_value), hashed + hashed / 8 + 64, NULL);
	if (fd < 0)
		return fd;
	ret = take_over(fd, m->hashed_fd);
	close(fd);
	return ret;
}

/* The runs' maps: prev's if the entries are the same, else ones to fill; keep takes them. */
static int make_trie(struct bf_class_maps *m, const struct bf_runs_trie *prev,
		     struct bf_runs_trie *keep)
{
	unsigned int nr_trie, nr_hashed;
	int ret;

	if (same_trie(m, prev)) {
		/* the code names runs_fd and hashed_fd: they become prev's maps */
		ret = take_over(prev->fd, m->runs_fd);
		if (!ret)
			ret = take_over(prev->hashed_fd, m->hashed_fd);
		nr_trie = prev->nr_trie;
		nr_hashed = prev->nr_hashed;
	} else {
		ret = stage_fill(m);
		nr_trie = m->trie_count;
		nr_hashed = m->hashed_count;
	}
	if (ret || !keep)
		return ret;
	bf_runs_trie_release(keep);
	keep->nr_trie = nr_trie;
	keep->nr_hashed = nr_hashed;
	keep->fd = m->runs_fd < 0 ? -1 : fcntl(m->runs_fd, F_DUPFD_CLOEXEC, 0);
	keep->hashed_fd = m->hashed_fd < 0 ? -1 : fcntl(m->hashed_fd, F_DUPFD_CLOEXEC, 0);
	if ((m->runs_fd >= 0 && keep->fd < 0) || (m->hashed_fd >= 0 && keep->hashed_fd < 0)) {
		bf_runs_trie_release(keep);
		return 0; /* not kept: the next table fills its own */
	}
	/* keep frees the entries, which outlive m's writes (the table keeps them) */
	keep->keys = m->run_keys;
	keep->values = m->run_values;
	keep->count = m->nr_run_keys;
	keep->records = m->records;
	keep->nr_records = m->nr_records;
	m->run_keys = NULL;
	m->run_values = NULL;
	m->records = NULL;
	m->nr_records = 0;
	return 0;
}

int bf_class_maps_make(struct bf_class_maps *m, const struct bf_runs_trie *prev,
		       struct bf_runs_trie *keep, struct bf_arrays *arrays)
{
	int ret = 0;

	if (m->runs_fd >= 0 || m->hashed_fd >= 0)
		ret = make_trie(m, prev, keep);
	if (!ret && m->bloom_fd >= 0)
		ret = make_array(m, arrays, m->bloom_fd, "filter_bloom", m->bloom,
				 sizeof(*m->bloom), m->nr_bloom);
	if (!ret && m->shapes_fd >= 0)
		ret = make_array(m, arrays, m->shapes_fd, "filter_shapes", m->shapes,
				 sizeof(*m->shapes), m->nr_shapes);
	if (!ret && m->tables_fd >= 0)
		ret = make_array(m, arrays, m->tables_fd, "filter_tuples", m->tables,
				 sizeof(*m->tables), m->nr_tables);
	if (!ret && m->cands_fd >= 0)
		ret = make_array(m, arrays, m->cands_fd, "filter_cands", m->cands,
				 sizeof(*m->cands), m->nr_cands);
	return ret;
}

size_t bf_class_maps_pending(const struct bf_class_maps *m)
{
	/* a map entry costs a locked update, about as much as a few KB copied */
	size_t bytes = (size_t)(m->trie_count + m->hashed_count) * 4096;
	unsigned int i;

	for (i = 0; i < m->nr_writes; i++)
		bytes += m->writes[i].len;
	return bytes;
}

int bf_class_maps_write(void *arg)
{
	struct bf_class_maps *m = arg;
	unsigned int i;
	int ret = 0;

	if (m->trie_count)
		ret = bf_sys_map_fill(m->runs_fd, m->fill_keys, sizeof(*m->fill_keys),
				      m->fill_values, sizeof(*m->fill_values), m->trie_count);
	if (!ret && m->hashed_count)
		ret = bf_sys_map_fill(m->hashed_fd, m->fill_keys + m->trie_count,
				      sizeof(*m->fill_keys), m->fill_values + m->trie_count,
				      sizeof(*m->fill_values), m->hashed_count);
	for (i = 0; i < m->nr_writes; i++) {
		const struct bf_class_write *w = &m->writes[i];

		memcpy(w->mem, w->values, w->len);
		/* a spare array holds its last table's values */
		memset((char *)w->mem + w->len, 0, w->size - w->len);
		if (w->unmap)
			munmap(w->mem, w->size);
	}
	m->nr_writes = 0;
	m->trie_count = m->hashed_count = 0;
	return ret;
}

void bf_class_maps_release(struct bf_class_maps *m)
{
	unsigned int i;

	for (i = 0; i < m->nr_writes; i++)
		if (m->writes[i].unmap)
			munmap(m->writes[i].mem, m->writes[i].size);
	free(m->run_keys);
	free(m->run_values);
	free(m->fill_keys);
	free(m->fill_values);
	free_records(m->records, m->nr_records);
	free(m->bloom);
	free(m->shapes);
	free(m->tables);
	free(m->cands);
	bf_class_maps_init(m, 0);
}
