/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Putting a validated table in force: generate and load its programs, attach
 * them in the client's network namespace (or switch the attached ones), and
 * account the counters the programs keep.
 */
#ifndef BPFILTER_UMH_ENFORCE_H
#define BPFILTER_UMH_ENFORCE_H

#include "../xlate/table.h"
#include "netns.h"
#include "opts.h"

/* Read the options and open the events ring buffer; 0 or -errno. */
int bf_enforce_init(const struct bf_opts *opts);

/*
 * Make next the table in force in ns, in the netns of the client socket
 * sockfd. On success, if old is not NULL, old[] receives the replaced
 * programs' final counters (added to what it holds). On failure nothing
 * changed and msg may say why.
 */
int bf_enforce(struct bf_netns *ns, int sockfd, const struct xlate_table *next,
	       struct xt_counters *old, struct xlate_error *msg);

/* After the caller made ns->filter the table bf_enforce() put in force. */
void bf_enforce_commit(struct bf_netns *ns);

/* A restored ns: open what it needs in the netns of the client socket sockfd. */
void bf_enforce_adopt(struct bf_netns *ns, int sockfd);

/* Add the counts of the programs in force to counters[]. */
int bf_enforce_counters(const struct bf_netns *ns, struct xt_counters *counters);

/* Detach and release ns's programs. */
void bf_enforce_release(struct bf_netns *ns);

#endif /* BPFILTER_UMH_ENFORCE_H */
