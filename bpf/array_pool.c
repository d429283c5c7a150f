// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/netfilter.h>

#include "array_pool.h"
#include "sys.h"

#define SPARES (NF_INET_NUMHOOKS * BF_CLASS_ARRAYS)

static struct bf_array spares[SPARES];
static unsigned int nr_spares;

size_t bf_round_eighths(size_t n)
{
	size_t step = 1;

	while (step < n / 8)
		step *= 2;
	if (n > SIZE_MAX - step)
		return n;
	return (n + step - 1) / step * step;
}

uint32_t bf_array_pool_round(uint32_t count)
{
	size_t rounded;

	if (count <= 64)
		return count ? count : 1;
	rounded = bf_round_eighths(count);
	return rounded > UINT32_MAX ? count : (uint32_t)rounded;
}

static size_t array_size(const struct bf_array *a)
{
	return (size_t)a->value_size * a->count;
}

void bf_array_close(struct bf_array *a)
{
	munmap(a->mem, array_size(a));
	close(a->fd);
}

int bf_array_pool_get(const char *name, uint32_t value_size, uint32_t count, struct bf_array *out)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
	struct bf_array a = { .value_size = value_size, .count = count };
	unsigned int i;
	int ret;

	for (i = 0; i < nr_spares; i++) {
		if (spares[i].value_size != value_size || spares[i].count != count)
			continue;
		*out = spares[i];
		spares[i] = spares[--nr_spares];
		return 0;
	}
	a.fd = bf_sys_map_create(BPF_MAP_TYPE_ARRAY, name, sizeof(uint32_t), value_size, count, &o);
	if (a.fd < 0)
		return a.fd;
	a.mem = mmap(NULL, array_size(&a), PROT_READ | PROT_WRITE, MAP_SHARED, a.fd, 0);
	if (a.mem == MAP_FAILED) {
		ret = -errno;
		close(a.fd);
		return ret;
	}
	*out = a;
	return 0;
}

void bf_array_pool_refill(struct bf_arrays *arrays, unsigned int n)
{
	unsigned int h, i;

	while (nr_spares)
		bf_array_close(&spares[--nr_spares]);
	for (h = 0; h < n; h++) {
		for (i = 0; i < arrays[h].n && nr_spares < SPARES; i++)
			spares[nr_spares++] = arrays[h].a[i];
		for (; i < arrays[h].n; i++)
			bf_array_close(&arrays[h].a[i]);
		arrays[h].n = 0;
	}
}

void bf_arrays_release(struct bf_arrays *arrays)
{
	while (arrays->n)
		bf_array_close(&arrays->a[--arrays->n]);
}
