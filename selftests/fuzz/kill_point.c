// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>

#include <bpf/bpf.h>

#include "kill_point.h"

int __real_bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);
int __real_bpf_map_delete_elem(int fd, const void *key);
int __real_bpf_map_update_batch(int fd, const void *keys, const void *values, __u32 *count,
				const struct bpf_map_batch_opts *opts);
int __wrap_bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);
int __wrap_bpf_map_delete_elem(int fd, const void *key);
int __wrap_bpf_map_update_batch(int fd, const void *keys, const void *values, __u32 *count,
				const struct bpf_map_batch_opts *opts);

/*
 * The thread's own: the daemon's worker threads write maps too (a spare
 * counters map zeroed), and a killed daemon leaves no spare to a new one,
 * where this process goes on with it.
 */
static __thread bool armed;
static __thread unsigned int budget;

void kill_point_arm(unsigned int writes)
{
	armed = true;
	budget = writes;
}

unsigned int kill_point_disarm(void)
{
	armed = false;
	return budget;
}

bool kill_point_reached(void)
{
	return armed && !budget;
}

/* May this write reach the kernel? A dropped one "succeeds": nobody is left to see. */
static bool let_through(void)
{
	if (!armed)
		return true;
	if (!budget)
		return false;
	budget--;
	return true;
}

int __wrap_bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags)
{
	return let_through() ? __real_bpf_map_update_elem(fd, key, value, flags) : 0;
}

int __wrap_bpf_map_delete_elem(int fd, const void *key)
{
	return let_through() ? __real_bpf_map_delete_elem(fd, key) : 0;
}

int __wrap_bpf_map_update_batch(int fd, const void *keys, const void *values, __u32 *count,
				const struct bpf_map_batch_opts *opts)
{
	return let_through() ? __real_bpf_map_update_batch(fd, keys, values, count, opts) : 0;
}
