/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A job run on another CPU while this thread goes on: filling maps while the
 * verifier checks the programs that use them, writing a table's state file
 * while it is translated. Where no thread can be started, the job runs at
 * once, in the caller.
 *
 * Jobs run on kept worker threads: a thread started per job cost about
 * 0.2 ms to create, and its stack's first pages faulted in each time. A
 * worker keeps the namespaces of the thread that first needed it: start
 * jobs from the process's own, never from within bf_netns_enter().
 */
#ifndef BPFILTER_BPF_JOB_H
#define BPFILTER_BPF_JOB_H

#include <stdbool.h>

/* Workers at most: a replacement runs two jobs at once (state file, one hook's maps). */
#define BF_JOB_WORKERS 4

/* Bytes to copy or write that make a job worth handing to a worker. */
#define BF_JOB_WORTH (256u << 10)

struct bf_worker;

struct bf_job {
	int (*fn)(void *arg);
	void *arg;
	int ret;
	struct bf_worker *worker; /* running there, not yet joined; NULL if done inline */
};

/* Hand fn(arg) to an idle worker, or run it at once if !on_thread or none can be had. */
void bf_job_start(struct bf_job *job, int (*fn)(void *arg), void *arg, bool on_thread);

/* Wait for the job (if on a worker): its result, 0 or -errno. */
int bf_job_join(struct bf_job *job);

#endif /* BPFILTER_BPF_JOB_H */
