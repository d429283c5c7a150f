// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#include "codegen.h"
#include "counters_map.h"
#include "job.h"
#include "sys.h"

#define ELEM_SIZE (BF_COUNTERS_PER_ELEM * sizeof(struct xt_counters))

/*
 * The counters map of the last table retired (-1: none), its elements, and
 * the job that zeroes it meanwhile, on another CPU.
 */
static int spare_fd = -1;
static uint32_t spare_elems;
static struct bf_job zeroing;

int bf_counters_map_zero(int fd, uint32_t first, uint32_t n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	int ncpus = libbpf_num_possible_cpus();
	uint32_t *keys, i, count = n;
	void *values;
	int ret = 0;

	if (ncpus < 0)
		return ncpus;
	keys = malloc(n * sizeof(*keys));
	values = calloc((size_t)n * (size_t)ncpus, ELEM_SIZE);
	if (!keys || !values)
		ret = -ENOMEM;
	for (i = 0; !ret && i < n; i++)
		keys[i] = first + i;
	if (!ret && bpf_map_update_batch(fd, keys, values, &count, &o))
		ret = -errno;
	free(keys);
	free(values);
	return ret;
}

static int zero_spare(void *unused)
{
	(void)unused;
	return bf_counters_map_zero(spare_fd, 0, spare_elems);
}

/* The spare, zeroed, taken; -1 if there is none or it could not be zeroed. */
static int take_spare(void)
{
	int fd = spare_fd, ret;

	if (fd < 0)
		return -1;
	ret = bf_job_join(&zeroing);
	spare_fd = -1;
	if (!ret)
		return fd;
	close(fd);
	return -1;
}

int bf_counters_map_get(const char *name, uint32_t elems, uint32_t banks, uint32_t *got)
{
	uint32_t total = elems * banks;
	int fd;

	/* not much larger: spare elements cost per-CPU memory, and reads */
	if (spare_fd >= 0 && spare_elems >= total && spare_elems <= total + total / 4 + 2) {
		*got = spare_elems / banks;
		fd = take_spare();
		if (fd >= 0)
			return fd;
	}
	*got = elems;
	return bf_sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, name, sizeof(uint32_t), ELEM_SIZE,
				 total, NULL);
}

void bf_counters_map_recycle(int fd, uint32_t elems)
{
	int dup = fd < 0 || !elems ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0), old;

	if (dup < 0)
		return;
	old = take_spare();
	if (old >= 0)
		close(old);
	spare_fd = dup;
	spare_elems = elems;
	/* the next table takes it a command later, at the earliest */
	bf_job_start(&zeroing, zero_spare, NULL, true);
}
