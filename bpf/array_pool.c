// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/netfilter.h>

#include "array_pool.h"
#include "sys.h"

#define SPARES (NF_INET_NUMHOOKS * BF_CLASS_ARRAYS)

static struct bf_array spares[SPARES];
static unsigned int nr_spares;

/* Eight sizes per power of two: at most 1/8 more than asked for. */
uint32_t bf_array_pool_round(uint32_t count)
{
	uint32_t step = 1;

	if (count <= 64)
		return count ? count : 1;
	while (step < count / 8)
		step *= 2;
	if (count > UINT32_MAX - step)
		return count;
	return (count + step - 1) / step * step;
}

int bf_array_pool_get(const char *name, uint32_t value_size, uint32_t count)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
	unsigned int i;
	int fd;

	for (i = 0; i < nr_spares; i++) {
		if (spares[i].value_size != value_size || spares[i].count != count)
			continue;
		fd = spares[i].fd;
		spares[i] = spares[--nr_spares];
		return fd;
	}
	return bf_sys_map_create(BPF_MAP_TYPE_ARRAY, name, sizeof(uint32_t), value_size, count, &o);
}

void bf_array_pool_refill(struct bf_arrays *arrays, unsigned int n)
{
	unsigned int h, i;

	while (nr_spares)
		close(spares[--nr_spares].fd);
	for (h = 0; h < n; h++) {
		for (i = 0; i < arrays[h].n && nr_spares < SPARES; i++)
			spares[nr_spares++] = arrays[h].a[i];
		for (; i < arrays[h].n; i++)
			close(arrays[h].a[i].fd);
		arrays[h].n = 0;
	}
}

void bf_arrays_release(struct bf_arrays *arrays)
{
	while (arrays->n)
		close(arrays->a[--arrays->n].fd);
}
