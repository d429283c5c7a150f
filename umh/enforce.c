// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "../bpf/attach.h"
#include "../bpf/data_update.h"
#include "../bpf/job.h"
#include "conntrack.h"
#include "enforce.h"
#include "events.h"
#include "local_routes.h"
#include "log.h"
#include "persist.h"
#include "settle.h"
#include "state.h"

static struct bf_load_opts load_opts;

static void log_line(const char *line)
{
	bf_info("%s", line);
}

int bf_enforce_init(const struct bf_opts *opts)
{
	load_opts.verifier_log = opts->verbose & BF_VERBOSE_BPF;
	load_opts.bytecode = opts->verbose & BF_VERBOSE_BYTECODE;
	load_opts.trace = opts->verbose & BF_VERBOSE_BPF;
	load_opts.log = log_line;
	load_opts.local_routes_fd = -1;
	load_opts.events_fd = bf_events_open();
	return load_opts.events_fd < 0 ? load_opts.events_fd : 0;
}

struct attach_args {
	const struct bf_bpf_table *bt;
	struct bf_netns *ns;
	struct xlate_error *err;
};

/* In the client's netns: the socket REJECT answers from. */
static int open_raw_here(void *arg)
{
	struct attach_args *a = arg;

	if (a->ns->raw_fd < 0)
		a->ns->raw_fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	return 0;
}

/* In the client's netns: attach, and open the REJECT socket. */
static int attach_here(void *arg)
{
	struct attach_args *a = arg;
	int ret = bf_attach(a->bt, &a->ns->filter_link, a->err);

	return ret ? ret : open_raw_here(arg);
}

static int add_counters(const struct bf_bpf_table *bt, struct xt_counters *to)
{
	struct xt_counters *live = calloc(bt->num_counters ? bt->num_counters : 1, sizeof(*live));
	unsigned int i;
	int ret;

	if (!live)
		return -ENOMEM;
	ret = bf_bpf_table_counters(bt, live);
	for (i = 0; !ret && i < bt->num_counters; i++) {
		to[i].pcnt += live[i].pcnt;
		to[i].bcnt += live[i].bcnt;
	}
	free(live);
	return ret;
}

/* Pin bt's objects and save a state naming it beside the table in force. */
static int persist_next(struct bf_netns *ns, const struct bf_bpf_table *bt, int saved,
			struct xlate_error *err)
{
	int ret = bf_persist_pin_table(ns, bt);

	if (!ret)
		ret = saved;
	if (!ret)
		ret = bf_state_save(ns, bt->id);
	if (ret)
		snprintf(err->msg, sizeof(err->msg), "cannot save the new table in %s and %s: %s",
			 bf_persist_dir(), BF_STATE_PATH, strerror(-ret));
	return ret;
}

/*
 * bt's layout (from the build if not a data update u), which a restart
 * needs to edit its address runs: 0 or -errno.
 */
static int save_layout(const struct bf_bpf_table *bt, const struct xlate_table *next,
		       const struct bf_update *u)
{
	struct bf_layout *l;
	int ret;

	if (u)
		return bf_state_save_layout(bt->layout, bt->id);
	if (bt->maps.gen_fd < 0 || !bf_persist_enabled())
		return 0; /* no address runs, or no restart to come */
	l = bf_layout_build(bt, next);
	ret = l ? bf_state_save_layout(l, bt->id) : -ENOMEM;
	bf_layout_free(l);
	return ret;
}

struct table_file {
	const struct xlate_table *table;
	uint32_t id;
};

static int save_table_file(void *arg)
{
	const struct table_file *f = arg;

	return bf_state_save_table(f->table, f->id);
}

void bf_enforce_commit(struct bf_netns *ns)
{
	if (bf_state_save(NULL, 0))
		return; /* both tables stay saved; a restore finds the one in force */
	bf_persist_prune(ns, ns->filter_bpf->id);
	bf_state_prune();
}

void bf_enforce_adopt(struct bf_netns *ns, int sockfd)
{
	struct attach_args a = { NULL, ns, NULL };

	if (!ns->ino)
		ns->ino = bf_netns_ino_of_socket(sockfd);
	if (ns->filter_link && ns->raw_fd < 0)
		bf_netns_enter(sockfd, open_raw_here, &a);
	if (ns->local_routes_fd >= 0 && ns->route_mon_fd < 0 && bf_local_routes_open(ns, sockfd))
		bf_err("cannot follow the local routes of netns %llu for -m addrtype",
		       (unsigned long long)ns->cookie);
}

/* What the netns must have before next can run there: conntrack, routes. */
static int prepare_netns(struct bf_netns *ns, int sockfd, const struct xlate_table *next,
			 struct xlate_error *err)
{
	int ret;

	if (!ns->conntrack &&
	    (xlate_table_uses_match(next, "state") || xlate_table_uses_match(next, "conntrack"))) {
		ret = bf_conntrack_enable(sockfd);
		if (ret) {
			snprintf(err->msg, sizeof(err->msg),
				 "cannot turn connection tracking on (is nft installed?)");
			return ret;
		}
		ns->conntrack = true;
	}
	if (ns->local_routes_fd < 0 && xlate_table_uses_match(next, "addrtype")) {
		ret = bf_local_routes_open(ns, sockfd);
		if (!ret)
			ret = bf_persist_pin_netns(ns);
		if (ret) {
			snprintf(err->msg, sizeof(err->msg),
				 "cannot mirror the local routing table for -m addrtype: %s",
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* Attach bt in the client's netns the first time, else switch to it. */
static int put_in_force(struct bf_netns *ns, int sockfd, const struct bf_bpf_table *bt,
			struct xlate_error *err)
{
	struct attach_args a = { bt, ns, err };
	int ret;

	if (ns->filter_link)
		return bf_attach_switch(ns->filter_link, bt);
	ret = bf_netns_enter(sockfd, attach_here, &a);
	if (!ret && bf_persist_pin_netns(ns)) {
		/* a new daemon could not take over these links: do not keep them */
		bf_attach_free(ns->filter_link);
		ns->filter_link = NULL;
		ret = -EIO;
		snprintf(err->msg, sizeof(err->msg), "cannot pin the links in %s",
			 bf_persist_dir());
	}
	return ret;
}

/*
 * The replaced programs (or, after a data update u to next, their
 * generation): let them finish, hand their counts back, free the table
 * object.
 */
static void retire(struct bf_bpf_table *bt, struct bf_update *u, struct xt_counters *old,
		   struct bf_bpf_table *next)
{
	/* the old programs (or generation) may still run on other CPUs */
	bool done = bf_wait_programs() == 0;
	unsigned int h;

	if (!done)
		bf_err("cannot wait for running programs: counters may miss packets");
	/* their LOG and REJECT events still name the old table */
	bf_events_drain();
	if (old && add_counters(bt, old))
		bf_err("cannot read the replaced table's counters");
	if (u && bf_update_finish(u)) {
		bf_err("cannot clean the address runs' entries up after an update");
		/* entries whose two values differ: no more data updates of them */
		for (h = 0; h < NF_INET_NUMHOOKS; h++)
			bf_runs_trie_release(&next->tries[h]);
	}
	/* after a data update, the programs in force keep their maps */
	if (done && !u)
		bf_bpf_table_recycle(bt);
	bf_bpf_table_free(bt);
}

/* Undo persist_next() for bt, which did not come in force. */
static void unpersist(struct bf_netns *ns, struct bf_bpf_table *bt)
{
	bf_persist_prune(ns, ns->filter_bpf ? ns->filter_bpf->id : 0);
	if (!bf_state_save(NULL, 0))
		bf_state_prune();
	bf_bpf_table_free(bt);
}

/* The data update that makes next (its rules: ir) the table in force: 0 and *u, or 1: none. */
static int plan_update(const struct bf_netns *ns, const struct xlate_ir *ir, struct bf_update **u)
{
	if (!ns->filter_bpf || !ns->filter || !ns->filter_link)
		return 1;
	return bf_update_plan(ns->filter_bpf, ns->filter, ir, u);
}

/* next's table object (ir: its rules): loaded programs, or the ones in force (u). 0 or -errno. */
static int make_table(struct bf_netns *ns, const struct xlate_table *next,
		      const struct xlate_ir *ir, struct bf_update *u, uint32_t id,
		      struct bf_bpf_table **bt, struct xlate_error *err)
{
	struct bf_load_opts opts = load_opts;

	if (u) {
		*bt = bf_update_table(u, id);
		return *bt ? 0 : -ENOMEM;
	}
	opts.local_routes_fd = ns->local_routes_fd;
	opts.previous = ns->filter_bpf;
	opts.ir = ir;
	return bf_bpf_table_load(next, &opts, bt, err);
}

/* Make bt, which persist_next() saved, the table in force: 0 or -errno. */
static int switch_to(struct bf_netns *ns, int sockfd, const struct bf_bpf_table *bt,
		     struct bf_update *u, struct xlate_error *err)
{
	unsigned int h;
	int ret;

	if (!u)
		return put_in_force(ns, sockfd, bt, err);
	ret = bf_update_apply(u);
	if (!ret)
		return 0;
	snprintf(err->msg, sizeof(err->msg), "cannot update the address runs' maps: %s",
		 strerror(-ret));
	/* what the maps hold may differ from the entries the table kept: no sharing */
	for (h = 0; h < NF_INET_NUMHOOKS; h++)
		bf_runs_trie_release(&ns->filter_bpf->tries[h]);
	return ret;
}

int bf_enforce(struct bf_netns *ns, int sockfd, const struct xlate_table *next,
	       struct xt_counters *old, struct xlate_error *err)
{
	struct bf_bpf_table *bt = NULL;
	struct bf_update *u = NULL;
	struct xlate_ir *ir = NULL;
	struct table_file file;
	struct bf_job saving;
	int ret, saved;

	ret = prepare_netns(ns, sockfd, next, err);
	if (ret)
		return ret;
	/* the table's file is written on another CPU while it becomes BPF */
	file = (struct table_file){ next, bf_bpf_table_next_id() };
	bf_job_start(&saving, save_table_file, &file, next->size >= BF_JOB_WORTH);
	ret = xlate_ir_build(next, &ir);
	if (!ret)
		ret = plan_update(ns, ir, &u);
	if (ret >= 0)
		ret = make_table(ns, next, ir, u, file.id, &bt, err);
	xlate_ir_free(ir);
	saved = bf_job_join(&saving);
	if (!ret && !saved)
		saved = save_layout(bt, next, u);
	if (!ret)
		ret = persist_next(ns, bt, saved, err);
	if (!ret)
		ret = switch_to(ns, sockfd, bt, u, err);
	if (ret) {
		if (bt)
			unpersist(ns, bt);
		else
			bf_state_prune();
		bf_update_free(u);
		return ret;
	}
	if (u)
		bf_dbg("netns %llu: table %u put in force by a data update of table %u",
		       (unsigned long long)ns->cookie, bt->id, ns->filter_bpf->id);
	if (ns->filter_bpf)
		retire(ns->filter_bpf, u, old, bt);
	bf_update_free(u);
	ns->filter_bpf = bt;
	/* a table is in force: no pending one needs a socket of the netns kept */
	bf_settle_done(ns);
	return 0;
}

int bf_enforce_counters(const struct bf_netns *ns, struct xt_counters *counters)
{
	return ns->filter_bpf ? add_counters(ns->filter_bpf, counters) : 0;
}

void bf_enforce_release(struct bf_netns *ns)
{
	bf_settle_done(ns);
	bf_attach_free(ns->filter_link);
	bf_bpf_table_free(ns->filter_bpf);
	ns->filter_link = NULL;
	ns->filter_bpf = NULL;
	if (ns->raw_fd >= 0)
		close(ns->raw_fd);
	ns->raw_fd = -1;
}
