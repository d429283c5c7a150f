// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netfilter.h>

#include "class_maps.h"
#include "classify.h"
#include "counters_map.h"
#include "events.h"
#include "job.h"
#include "loader.h"
#include "local_routes.h"
#include "sys.h"

/* addresses and broadcast routes of a netns: a few per address */
#define BF_LOCAL_ROUTES_MAX 65536

#define VERIFIER_LOG_SIZE (1u << 20)

const char *bf_hook_name(unsigned int hook)
{
	static const char *const names[NF_INET_NUMHOOKS] = {
		"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
	};

	return hook < NF_INET_NUMHOOKS ? names[hook] : "?";
}

const char *bf_hook_short_name(unsigned int hook)
{
	static const char *const names[NF_INET_NUMHOOKS] = { "pre", "in", "fwd", "out", "post" };

	return hook < NF_INET_NUMHOOKS ? names[hook] : "?";
}

void bf_obj_name(char *dst, const char *table, const char *suffix)
{
	char full[XT_TABLE_MAXNAMELEN + 32];

	snprintf(full, sizeof(full), "%s_%s", table, suffix);
	memcpy(dst, full, BPF_OBJ_NAME_LEN - 1);
	dst[BPF_OBJ_NAME_LEN - 1] = '\0';
}

static void log_lines(const struct bf_load_opts *opts, const char *prefix, char *text)
{
	char *save = NULL, *line;
	char buf[512];

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		snprintf(buf, sizeof(buf), "%s%s", prefix, line);
		opts->log(buf);
	}
}

static void dump_bytecode(const struct bf_load_opts *opts, const char *name,
			  const struct bf_prog *p)
{
	char buf[160];
	size_t i;

	snprintf(buf, sizeof(buf), "%s: %zu instructions", name, p->len);
	opts->log(buf);
	for (i = 0; i < p->len; i++) {
		const struct bpf_insn *in = &p->insns[i];

		snprintf(buf, sizeof(buf), "%s: %5zu: code %02x dst r%u src r%u off %6d imm %d",
			 name, i, in->code, in->dst_reg, in->src_reg, in->off, in->imm);
		opts->log(buf);
	}
}

static int load_prog(const char *name, const struct bf_prog *p, const struct bf_load_opts *opts,
		     struct xlate_error *err)
{
	LIBBPF_OPTS(bpf_prog_load_opts, lo);
	bool want_log = opts && opts->log && opts->verifier_log;
	char *log = NULL;
	int fd;

	if (opts && opts->log && opts->bytecode)
		dump_bytecode(opts, name, p);
	if (want_log) {
		log = calloc(1, VERIFIER_LOG_SIZE);
		lo.log_buf = log;
		lo.log_size = log ? VERIFIER_LOG_SIZE : 0;
		lo.log_level = log ? 1 : 0;
	}
	fd = bf_sys_prog_load(name, p->insns, p->len, &lo);
	if (fd == -ENOSPC && log) {
		/* the log outgrew its buffer, which fails the load: log less, load again */
		opts->log("verifier: (log truncated)");
		lo.log_buf = NULL;
		lo.log_size = 0;
		lo.log_level = 0;
		fd = bf_sys_prog_load(name, p->insns, p->len, &lo);
	}
	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "the kernel refused program %s: %s%s", name,
			 strerror(-fd), want_log ? "" : " (run bpfilterd -v bpf for the log)");
	}
	if (log && log[0])
		log_lines(opts, "verifier: ", log);
	free(log);
	return fd;
}

static int map_failed(const char *what, struct xlate_error *err)
{
	int ret = -errno;

	snprintf(err->msg, sizeof(err->msg), "cannot create the %s map: %s", what, strerror(errno));
	return ret;
}

static int create_maps(struct bf_bpf_table *bt, const struct xlate_ir *ir, bool uses_local_routes,
		       const struct bf_load_opts *opts, struct xlate_error *err)
{
	char name[BPF_OBJ_NAME_LEN];

	bt->maps.bank_elems = bt->num_counters ? BF_COUNTERS_ELEMS(bt->num_counters) : 1;
	if (bf_ir_has_address_run(ir)) {
		/* two banks, each with an element to spare for rules data updates add */
		bt->maps.bank_elems++;
		bf_obj_name(name, bt->name, "gen");
		bt->maps.gen_fd = bf_sys_map_create(BPF_MAP_TYPE_ARRAY, name, sizeof(uint32_t),
						    sizeof(uint32_t), 1, NULL);
		if (bt->maps.gen_fd < 0)
			return map_failed("generation", err);
	}
	bf_obj_name(name, bt->name, "counters");
	bt->maps.counters_fd = bf_counters_map_get(
		name, bt->maps.bank_elems, bt->maps.gen_fd < 0 ? 1 : 2, &bt->maps.bank_elems);
	if (bt->maps.counters_fd < 0)
		return map_failed("counters", err);
	bf_obj_name(name, bt->name, "parts");
	bt->maps.parts_fd = bf_sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, name, sizeof(uint32_t),
					      sizeof(uint32_t), NF_INET_NUMHOOKS * BF_MAX_PARTS,
					      NULL);
	if (bt->maps.parts_fd < 0)
		return map_failed("parts", err);
	if (ir->num_state_slots) {
		bf_obj_name(name, bt->name, "state");
		bt->maps.state_fd = bf_sys_map_create(BPF_MAP_TYPE_ARRAY, name, sizeof(uint32_t),
						      16, ir->num_state_slots, NULL);
		if (bt->maps.state_fd < 0)
			return map_failed("state", err);
	}
	if (opts && opts->events_fd >= 0) {
		bt->maps.events_fd = fcntl(opts->events_fd, F_DUPFD_CLOEXEC, 0);
	} else {
		bf_obj_name(name, bt->name, "events");
		bt->maps.events_fd =
			bf_sys_map_create(BPF_MAP_TYPE_RINGBUF, name, 0, 0, BF_EVENTS_SIZE, NULL);
	}
	if (bt->maps.events_fd < 0)
		return map_failed("events", err);
	if (!uses_local_routes)
		return 0;
	if (opts && opts->local_routes_fd >= 0)
		bt->maps.local_routes_fd = fcntl(opts->local_routes_fd, F_DUPFD_CLOEXEC, 0);
	else
		bt->maps.local_routes_fd = bf_local_routes_map_create();
	if (bt->maps.local_routes_fd < 0)
		return map_failed("local routes", err);
	return 0;
}

int bf_local_routes_map_create(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
	int fd;

	fd = bf_sys_map_create(BPF_MAP_TYPE_LPM_TRIE, "local_routes",
			       sizeof(struct bf_local_route_key), sizeof(struct bf_local_route),
			       BF_LOCAL_ROUTES_MAX, &o);
	return fd;
}

/* "filter_INPUT" for a chain's entry, "filter_in.3" for its later parts */
static void part_name(char *name, const char *table, unsigned int hook, unsigned int part)
{
	char suffix[16];

	if (!part) {
		bf_obj_name(name, table, bf_hook_name(hook));
		return;
	}
	snprintf(suffix, sizeof(suffix), "%s.%u", bf_hook_short_name(hook), part);
	bf_obj_name(name, table, suffix);
}

/* Load the parts of a hook; the later ones go into the parts array. */
static int load_parts(struct bf_bpf_table *bt, unsigned int hook, struct bf_hook_progs *progs,
		      const struct bf_load_opts *opts, struct xlate_error *err)
{
	char name[BPF_OBJ_NAME_LEN];
	unsigned int i;

	for (i = 0; i < progs->n; i++) {
		uint32_t slot = hook * BF_MAX_PARTS + i;
		int fd, ret = 0;

		part_name(name, bt->name, hook, i);
		fd = load_prog(name, &progs->parts[i], opts, err);
		if (fd < 0)
			return fd;
		if (i && bpf_map_update_elem(bt->maps.parts_fd, &slot, &fd, BPF_ANY))
			ret = -errno;
		if (!i)
			bt->prog_fds[hook] = fd;
		else
			close(fd); /* the parts array holds it */
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Load the parts and fill their maps, on another thread if there is much to
 * fill: the verifier does not read the maps, and nothing runs the programs
 * before the switch.
 */
static int load_filling(struct bf_bpf_table *bt, unsigned int hook, struct bf_hook_progs *progs,
			const struct bf_load_opts *opts, struct xlate_error *err)
{
	struct bf_job fill;
	int ret, filled;

	bf_job_start(&fill, bf_class_maps_write, progs->cls,
		     bf_class_maps_pending(progs->cls) >= BF_JOB_WORTH);
	ret = load_parts(bt, hook, progs, opts, err);
	filled = bf_job_join(&fill);
	if (ret || !filled)
		return ret;
	snprintf(err->msg, sizeof(err->msg), "cannot fill the classifier maps: %s",
		 strerror(-filled));
	return filled;
}

static int load_hook(struct bf_bpf_table *bt, const struct xlate_ir *ir, unsigned int hook,
		     const struct bf_load_opts *opts, struct xlate_error *err)
{
	struct bf_hook_progs *progs = calloc(1, sizeof(*progs));
	int ret;

	if (!progs)
		return -ENOMEM;
	progs->prev_trie = opts && opts->previous ? &opts->previous->tries[hook] : NULL;
	progs->trie = &bt->tries[hook];
	progs->arrays = &bt->arrays[hook];
	ret = bf_codegen_hook(ir, &bt->maps, hook, opts && opts->trace, progs, err);
	if (!ret)
		ret = load_filling(bt, hook, progs, opts, err);
	bf_hook_progs_release(progs);
	free(progs);
	return ret;
}

static uint32_t last_id;

void bf_bpf_table_reserve_id(uint32_t id)
{
	if (id > last_id)
		last_id = id;
}

uint32_t bf_bpf_table_next_id(void)
{
	return last_id + 1;
}

struct bf_bpf_table *bf_bpf_table_new(const char *name, uint32_t id, unsigned int num_counters)
{
	struct bf_bpf_table *bt = calloc(1, sizeof(*bt));
	unsigned int h;

	if (!bt)
		return NULL;
	bf_bpf_table_reserve_id(id);
	bt->id = id;
	bt->maps.table_id = id;
	snprintf(bt->name, sizeof(bt->name), "%s", name);
	bt->num_counters = num_counters;
	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		bt->prog_fds[h] = -1;
		bt->tries[h].fd = bt->tries[h].hashed_fd = -1;
	}
	bt->maps.counters_fd = bt->maps.state_fd = bt->maps.events_fd = -1;
	bt->maps.local_routes_fd = bt->maps.parts_fd = bt->maps.gen_fd = -1;
	return bt;
}

int bf_bpf_table_load(const struct xlate_table *t, const struct bf_load_opts *opts,
		      struct bf_bpf_table **out, struct xlate_error *err)
{
	struct bf_bpf_table *bt = bf_bpf_table_new(t->name, bf_bpf_table_next_id(), t->num_entries);
	const struct xlate_ir *ir = opts ? opts->ir : NULL;
	struct xlate_ir *own = NULL;
	unsigned int h;
	int ret = 0;

	if (!bt)
		return -ENOMEM;
	if (!ir) {
		ret = xlate_ir_build(t, &own);
		ir = own;
	}
	if (!ret)
		ret = create_maps(bt, ir, xlate_table_uses_match(t, "addrtype"), opts, err);
	for (h = 0; !ret && h < NF_INET_NUMHOOKS; h++)
		if (t->valid_hooks & (1u << h))
			ret = load_hook(bt, ir, h, opts, err);
	xlate_ir_free(own);
	if (ret) {
		bf_bpf_table_free(bt);
		return ret;
	}
	*out = bt;
	return 0;
}

void bf_bpf_table_recycle(struct bf_bpf_table *bt)
{
	bf_array_pool_refill(bt->arrays, NF_INET_NUMHOOKS);
	bf_counters_map_recycle(bt->maps.counters_fd,
				bt->maps.bank_elems * (bt->maps.gen_fd < 0 ? 1 : 2));
}

void bf_bpf_table_free(struct bf_bpf_table *bt)
{
	unsigned int h;

	if (!bt)
		return;
	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		if (bt->prog_fds[h] >= 0)
			close(bt->prog_fds[h]);
		bf_runs_trie_release(&bt->tries[h]);
		bf_arrays_release(&bt->arrays[h]);
	}
	if (bt->maps.counters_fd >= 0)
		close(bt->maps.counters_fd);
	if (bt->maps.gen_fd >= 0)
		close(bt->maps.gen_fd);
	bf_layout_free(bt->layout);
	if (bt->maps.events_fd >= 0)
		close(bt->maps.events_fd);
	if (bt->maps.state_fd >= 0)
		close(bt->maps.state_fd);
	if (bt->maps.local_routes_fd >= 0)
		close(bt->maps.local_routes_fd);
	/* the last user reference: the kernel empties the array, parts are freed */
	if (bt->maps.parts_fd >= 0)
		close(bt->maps.parts_fd);
	free(bt);
}

/* Elements read per syscall: a bounded buffer (ncpus * 8 * 4 KB). */
#define COUNTERS_BATCH 8u

/*
 * Add count elements of per-CPU counters, those after key *last (all from
 * key 0 if last is NULL), into out: the counters of slots
 * done * BF_COUNTERS_PER_ELEM on, below slots. *last: the last key read.
 */
static int read_counters_batch(const struct bf_bpf_table *bt, uint32_t *last, uint32_t *next,
			       uint32_t done, unsigned int ncpus, struct xt_counters *percpu,
			       struct xt_counters *out, uint32_t count, uint32_t slots)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	uint32_t keys[COUNTERS_BATCH], got = count, e, c, j;
	int ret;

	ret = bpf_map_lookup_batch(bt->maps.counters_fd, last, next, keys, percpu, &got, &o);
	if (ret && errno != ENOENT)
		return -errno;
	if (got != count)
		return -EIO;
	for (e = 0; e < count; e++) {
		uint32_t slot = (done + e) * BF_COUNTERS_PER_ELEM;

		for (j = 0; j < BF_COUNTERS_PER_ELEM && slot + j < slots; j++)
			for (c = 0; c < ncpus; c++) {
				const struct xt_counters *v =
					&percpu[((size_t)e * ncpus + c) * BF_COUNTERS_PER_ELEM + j];

				out[slot + j].pcnt += v->pcnt;
				out[slot + j].bcnt += v->bcnt;
			}
	}
	return 0;
}

int bf_bpf_table_read_bank(const struct bf_bpf_table *bt, uint32_t bank, uint32_t slots,
			   struct xt_counters *out)
{
	uint32_t elems = BF_COUNTERS_ELEMS(slots), done, first = bank * bt->maps.bank_elems;
	uint32_t last = first - 1, next;
	int ncpus = libbpf_num_possible_cpus();
	struct xt_counters *percpu;
	int ret = 0;

	if (ncpus < 0)
		return ncpus;
	memset(out, 0, slots * sizeof(*out));
	percpu = calloc((size_t)ncpus * COUNTERS_BATCH * BF_COUNTERS_PER_ELEM, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (done = 0; !ret && done < elems; done += COUNTERS_BATCH) {
		uint32_t count = elems - done;

		if (count > COUNTERS_BATCH)
			count = COUNTERS_BATCH;
		/* a batch goes on after the key it is given: none for the first */
		ret = read_counters_batch(bt, done || first ? &last : NULL, &next, done,
					  (unsigned int)ncpus, percpu, out, count, slots);
		last = next;
	}
	free(percpu);
	return ret;
}

int bf_bpf_table_counters(const struct bf_bpf_table *bt, struct xt_counters *out)
{
	const struct bf_layout *l = bt->layout;
	struct xt_counters *bank;
	uint32_t slots, i;
	int ret;

	if (!l)
		return bf_bpf_table_read_bank(bt, 0, bt->num_counters, out);
	slots = bt->maps.bank_elems * BF_COUNTERS_PER_ELEM;
	bank = malloc(slots * sizeof(*bank));
	if (!bank)
		return -ENOMEM;
	ret = bf_bpf_table_read_bank(bt, l->gen & 1, slots, bank);
	for (i = 0; !ret && i < bt->num_counters; i++)
		out[i] = bank[bf_layout_slot(l, i)];
	free(bank);
	return ret;
}
