// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stddef.h>

#include "job.h"

struct bf_worker {
	pthread_mutex_t lock;
	pthread_cond_t wake, done;
	struct bf_job *job; /* handed over, until run; NULL: nothing to run */
	bool busy; /* claimed, until joined (pool_lock) */
};

static struct bf_worker workers[BF_JOB_WORKERS];
static unsigned int nr_workers;
/* jobs are started and joined by any thread: the pool is shared */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *arg)
{
	struct bf_worker *w = arg;
	struct bf_job *job;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->job)
			pthread_cond_wait(&w->wake, &w->lock);
		job = w->job;
		pthread_mutex_unlock(&w->lock);
		job->ret = job->fn(job->arg);
		pthread_mutex_lock(&w->lock);
		w->job = NULL;
		pthread_cond_signal(&w->done);
	}
	return NULL;
}

static struct bf_worker *new_worker(void)
{
	struct bf_worker *w = &workers[nr_workers];
	pthread_t thread;

	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_cond_init(&w->done, NULL);
	if (pthread_create(&thread, NULL, work, w))
		return NULL;
	pthread_detach(thread);
	nr_workers++;
	return w;
}

/* An idle worker, now busy; NULL if all are busy and no more can start. */
static struct bf_worker *claim_worker(void)
{
	struct bf_worker *w = NULL;
	unsigned int i;

	pthread_mutex_lock(&pool_lock);
	for (i = 0; i < nr_workers && !w; i++)
		if (!workers[i].busy)
			w = &workers[i];
	if (!w && nr_workers < BF_JOB_WORKERS)
		w = new_worker();
	if (w)
		w->busy = true;
	pthread_mutex_unlock(&pool_lock);
	return w;
}

void bf_job_start(struct bf_job *job, int (*fn)(void *arg), void *arg, bool on_thread)
{
	struct bf_worker *w;

	*job = (struct bf_job){ .fn = fn, .arg = arg };
	w = on_thread ? claim_worker() : NULL;
	if (!w) {
		job->ret = fn(arg);
		return;
	}
	job->worker = w;
	pthread_mutex_lock(&w->lock);
	w->job = job;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

int bf_job_join(struct bf_job *job)
{
	struct bf_worker *w = job->worker;

	if (!w)
		return job->ret;
	pthread_mutex_lock(&w->lock);
	while (w->job)
		pthread_cond_wait(&w->done, &w->lock);
	pthread_mutex_unlock(&w->lock);
	pthread_mutex_lock(&pool_lock);
	w->busy = false;
	pthread_mutex_unlock(&pool_lock);
	job->worker = NULL;
	return job->ret;
}
