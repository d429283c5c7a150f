// SPDX-License-Identifier: GPL-2.0
/*
 * Jobs: each runs once, on a kept worker when asked and one is free, in
 * the caller otherwise; its result comes back at the join.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "../../bpf/job.h"

struct probe {
	int ret;
	bool hold; /* wait for release before returning */
	atomic_bool *release;
	atomic_int runs;
	pid_t ran_on; /* thread ids, unlike pthread_t, are not soon reused */
};

static int run_probe(void *arg)
{
	struct probe *p = arg;

	p->ran_on = gettid();
	atomic_fetch_add(&p->runs, 1);
	while (p->hold && !atomic_load(p->release))
		sched_yield();
	return p->ret;
}

TEST(on_a_worker_with_its_result)
{
	struct probe p = { .ret = -42 };
	struct bf_job job;

	bf_job_start(&job, run_probe, &p, true);
	EXPECT_EQ(-42, bf_job_join(&job));
	EXPECT_EQ(1, atomic_load(&p.runs));
	EXPECT_NE(gettid(), p.ran_on);
	/* a join after the join returns the same and waits for nothing */
	EXPECT_EQ(-42, bf_job_join(&job));
}

TEST(small_jobs_run_in_the_caller_at_once)
{
	struct probe p = { .ret = 7 };
	struct bf_job job;

	bf_job_start(&job, run_probe, &p, false);
	EXPECT_EQ(1, atomic_load(&p.runs)); /* before the join */
	EXPECT_EQ(gettid(), p.ran_on);
	EXPECT_EQ(7, bf_job_join(&job));
}

TEST(busy_workers_leave_jobs_to_the_caller)
{
	struct probe p[BF_JOB_WORKERS + 2] = { 0 };
	struct bf_job jobs[BF_JOB_WORKERS + 2];
	atomic_bool release = false;
	unsigned int i, j;

	/* the first ones hold their worker until released */
	for (i = 0; i < BF_JOB_WORKERS + 2; i++) {
		p[i] = (struct probe){ .ret = (int)i,
				       .hold = i < BF_JOB_WORKERS,
				       .release = &release };
		bf_job_start(&jobs[i], run_probe, &p[i], true);
	}
	for (i = BF_JOB_WORKERS; i < BF_JOB_WORKERS + 2; i++) {
		EXPECT_EQ(1, atomic_load(&p[i].runs));
		EXPECT_EQ(gettid(), p[i].ran_on);
	}
	atomic_store(&release, true);
	for (i = 0; i < BF_JOB_WORKERS + 2; i++) {
		EXPECT_EQ((int)i, bf_job_join(&jobs[i]));
		EXPECT_EQ(1, atomic_load(&p[i].runs));
	}
	for (i = 0; i < BF_JOB_WORKERS; i++)
		for (j = 0; j < BF_JOB_WORKERS; j++)
			if (i != j)
				EXPECT_NE(p[j].ran_on, p[i].ran_on);
}

TEST(workers_are_kept)
{
	struct probe first = { 0 }, p;
	struct bf_job job;
	unsigned int i;

	bf_job_start(&job, run_probe, &first, true);
	ASSERT_EQ(0, bf_job_join(&job));
	for (i = 0; i < 100; i++) {
		p = (struct probe){ .ret = (int)i };
		bf_job_start(&job, run_probe, &p, true);
		ASSERT_EQ((int)i, bf_job_join(&job));
		ASSERT_EQ(1, atomic_load(&p.runs));
		/* one job at a time: the first worker, free again, takes each */
		ASSERT_EQ(first.ran_on, p.ran_on);
	}
}

TEST_HARNESS_MAIN
