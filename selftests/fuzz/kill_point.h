/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon killed after its K-th write to a BPF map, in fuzz_update: the
 * target is linked with --wrap for the libbpf calls that write maps
 * (selftests/Makefile), and the writes after the K-th never reach the
 * kernel, as if the process had died there. Only the writes the arming
 * thread makes while armed count; the others pass through.
 */
#ifndef BPFILTER_SELFTESTS_FUZZ_KILL_POINT_H
#define BPFILTER_SELFTESTS_FUZZ_KILL_POINT_H

#include <stdbool.h>

/* Let the next writes through, then drop the others. */
void kill_point_arm(unsigned int writes);
/* Writes no longer dropped; the writes the armed budget had left. */
unsigned int kill_point_disarm(void);
/* Did the budget run out: are the writes from now on dropped? */
bool kill_point_reached(void);

#endif /* BPFILTER_SELFTESTS_FUZZ_KILL_POINT_H */
