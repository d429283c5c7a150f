// SPDX-License-Identifier: GPL-2.0
#include "job.h"

static void *run(void *arg)
{
	struct bf_job *job = arg;

	job->ret = job->fn(job->arg);
	return NULL;
}

void bf_job_start(struct bf_job *job, int (*fn)(void *arg), void *arg, bool on_thread)
{
	*job = (struct bf_job){ .fn = fn, .arg = arg };
	if (on_thread && pthread_create(&job->thread, NULL, run, job) == 0)
		job->running = true;
	else
		job->ret = fn(arg);
}

int bf_job_join(struct bf_job *job)
{
	if (job->running)
		pthread_join(job->thread, NULL);
	job->running = false;
	return job->ret;
}
