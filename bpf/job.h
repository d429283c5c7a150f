/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A job run on another CPU while this thread goes on: filling maps while the
 * verifier checks the programs that use them, writing a table's state file
 * while it is translated. Where no thread can be started, the job runs at
 * once, in the caller.
 */
#ifndef BPFILTER_BPF_JOB_H
#define BPFILTER_BPF_JOB_H

#include <pthread.h>
#include <stdbool.h>

/* Bytes to copy or write that make a thread worth starting. */
#define BF_JOB_WORTH (256u << 10)

struct bf_job {
	int (*fn)(void *arg);
	void *arg;
	int ret;
	bool running; /* on its thread, not yet joined */
	pthread_t thread;
};

/*
 * Start fn(arg) on a thread of its own, or run it at once if !on_thread:
 * starting a thread costs about 0.2 ms here, more than small jobs.
 */
void bf_job_start(struct bf_job *job, int (*fn)(void *arg), void *arg, bool on_thread);

/* Wait for the job (if on a thread): its result, 0 or -errno. */
int bf_job_join(struct bf_job *job);

#endif /* BPFILTER_BPF_JOB_H */
