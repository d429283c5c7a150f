/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classifiers that take over runs of rules from gen_sequence(): instead of
 * one test per rule, one map lookup per run, with the same first-match
 * result, counters and verdicts.
 */
#ifndef BPFILTER_BPF_CLASSIFY_H
#define BPFILTER_BPF_CLASSIFY_H

#include "codegen.h"

/* Shortest run worth a lookup: below it, straight-line tests are cheaper. */
#define BF_RUN_MIN 32

/*
 * If the rules from start on begin a run this file classifies, emit its code
 * (a packet no rule of the run matches falls through) and return how many
 * rules it covers; 0 if none (nothing emitted), or a negative errno.
 */
int bf_classify_run(struct bf_gen *g, unsigned int start);

#endif /* BPFILTER_BPF_CLASSIFY_H */
