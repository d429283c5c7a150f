// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: data updates (bpf/data_update.h). The input describes
 * a filter table whose address rules make runs, in OUTPUT or in a user
 * chain that INPUT and OUTPUT both jump to, then steps of edits to them, as
 * fail2ban or a blocklist script makes: rules inserted, deleted, replaced,
 * their verdict flipped. Each step's table replaces the one before as the
 * daemon replaces it: by a data update where bf_update_plan() finds one,
 * else by a load that shares the previous table's maps.
 *
 * Each step checks the programs in force against the same table loaded
 * fresh, on packets from and to the edges of every rule's prefix: the same
 * verdicts, and the same counters for every rule. After a data update it
 * checks too that the replaced table keeps its counts, that its
 * generation still sees it whole until the update is finished, and that
 * every entry of the runs' maps then holds one value for both.
 *
 * A step may also restart the daemon, as umh/state.c does from what it
 * saved and pinned: after the step, or killed in the middle of a data
 * update, before or after its switch of generations (the maps' entries
 * then hold the two tables' values), or after any of its writes to the
 * maps (kill_point.h). The table the restart finds in force must answer
 * and count as before, and later steps update it. Built by make fuzz, run
 * by scripts/fuzz.sh update.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "../../bpf/data_update.h"
#include "../../bpf/runs_adopt.h"
#include "../unit/pkt.h"
#include "kill_point.h"
#include "update_model.h"

#define MAX_STEPS 6
/*
 * Packets: 4 addresses around each prefix a table of the input had, as
 * source and as destination (an entry a data update should have deleted
 * may answer later, for a prefix no table has any more).
 */
#define MAX_PROBES 4096
/* A packet's other address: outside 10.8.0.0/15, which holds the rules' prefixes. */
#define OTHER_SRC 0x0a000001u
#define OTHER_DST 0x0a000002u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct probes {
	uint32_t src[MAX_PROBES], dst[MAX_PROBES];
	unsigned int n;
};

static void add_probe(struct probes *p, uint32_t src, uint32_t dst)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (p->src[i] == src && p->dst[i] == dst)
			return;
	if (p->n == MAX_PROBES)
		return;
	p->src[p->n] = src;
	p->dst[p->n++] = dst;
}

/* Packets from and to the first and last address of each prefix of m, and next to them. */
static void add_probes(struct probes *p, const struct model *m)
{
	unsigned int i, k;

	for (i = 0; i < m->n; i++) {
		const struct rule *r = &m->rules[i];
		uint32_t first = r->addr & r->mask, last = first | ~r->mask;
		uint32_t addrs[4] = { first, first - 1, last, last + 1 };

		for (k = 0; k < 4; k++) {
			add_probe(p, addrs[k], OTHER_DST);
			add_probe(p, OTHER_SRC, addrs[k]);
		}
	}
}

static void __attribute__((noreturn)) fail(const char *what, unsigned int step)
{
	fprintf(stderr, "step %u: %s\n", step, what);
	abort();
}

static uint32_t run_one(const struct bf_bpf_table *bt, unsigned int hook, uint32_t src,
			uint32_t dst)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	uint32_t saddr = htonl(src), daddr = htonl(dst);
	struct pkt_spec spec = {
		.proto = IPPROTO_UDP, .sport = 5000, .dport = 53, .src = s, .dst = d
	};
	uint8_t buf[1500];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf);

	inet_ntop(AF_INET, &saddr, s, sizeof(s));
	inet_ntop(AF_INET, &daddr, d, sizeof(d));
	o.data_size_in = pkt_build(&spec, buf);
	if (bpf_prog_test_run_opts(bt->prog_fds[hook], &o))
		return UINT32_MAX;
	return o.retval;
}

/* The verdicts on p's packets in OUTPUT, and INPUT if it jumps to the rules. */
static void run_probes(const struct bf_bpf_table *bt, const struct model *m, const struct probes *p,
		       uint32_t *verdicts)
{
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		verdicts[2 * i] = run_one(bt, NF_INET_LOCAL_OUT, p->src[i], p->dst[i]);
		verdicts[2 * i + 1] =
			m->in_chain ? run_one(bt, NF_INET_LOCAL_IN, p->src[i], p->dst[i]) : 0;
	}
}

/* bt's counters, to free; NULL out of memory. */
static struct xt_counters *counters_of(const struct bf_bpf_table *bt, unsigned int step)
{
	struct xt_counters *c = calloc(bt->num_counters, sizeof(*c));

	if (c && bf_bpf_table_counters(bt, c))
		fail("cannot read the counters", step);
	return c;
}

/* For the report of a failure: the counters of n rules that differ. */
static void print_counters(const struct xt_counters *got, const struct xt_counters *want,
			   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (got[i].pcnt != want[i].pcnt || got[i].bcnt != want[i].bcnt)
			fprintf(stderr, "rule %u: %llu packets, %llu bytes; expected %llu, %llu\n",
				i, (unsigned long long)got[i].pcnt, (unsigned long long)got[i].bcnt,
				(unsigned long long)want[i].pcnt, (unsigned long long)want[i].bcnt);
}

/* The verdicts of bt and of ref, then their counters, are the same. */
static void expect_same(const struct bf_bpf_table *bt, const struct bf_bpf_table *ref,
			const struct model *m, const struct probes *p, unsigned int step)
{
	static uint32_t got[2 * MAX_PROBES], want[2 * MAX_PROBES];
	struct xt_counters *c, *d;

	run_probes(bt, m, p, got);
	run_probes(ref, m, p, want);
	if (memcmp(got, want, 2 * p->n * sizeof(got[0])))
		fail("a verdict differs from the table's loaded fresh", step);
	if (bt->num_counters != ref->num_counters)
		fail("the table counts more or fewer rules than the one loaded fresh", step);
	c = counters_of(bt, step);
	d = counters_of(ref, step);
	if (c && d && memcmp(c, d, ref->num_counters * sizeof(*c))) {
		print_counters(c, d, ref->num_counters);
		fail("a rule's counters differ from the table's loaded fresh", step);
	}
	free(d);
	free(c);
}

/* t, loaded fresh or sharing previous's maps; NULL out of memory. */
static struct bf_bpf_table *load(const struct xlate_table *t, const struct bf_bpf_table *previous,
				 unsigned int step)
{
	struct bf_load_opts opts = { .events_fd = -1, .local_routes_fd = -1, .previous = previous };
	struct xlate_error err = { 0 };
	struct bf_bpf_table *bt = NULL;
	int ret = bf_bpf_table_load(t, &opts, &bt, &err);

	if (ret && ret != -ENOMEM) {
		fprintf(stderr, "%s: %s\n", strerror(-ret), err.msg);
		fail("the table does not load", step);
	}
	return bt;
}

static int set_generation(const struct bf_bpf_table *bt, uint32_t gen)
{
	uint32_t key = 0;

	return bpf_map_update_elem(bt->maps.gen_fd, &key, &gen, BPF_ANY);
}

/* The table in force and what it holds. */
struct state {
	struct model m;
	struct xlate_table *t;
	struct bf_bpf_table *bt;
	struct probes p; /* the packets of its rules and its predecessors' */
	uint32_t verdicts[2 * MAX_PROBES]; /* its verdicts on them */
	struct xt_counters *counts; /* its counters after them */
};

/* bt's verdicts on s's packets are still those of s's table, or what failed. */
static void expect_verdicts(const struct state *s, const struct bf_bpf_table *bt, const char *what,
			    unsigned int step)
{
	static uint32_t again[2 * MAX_PROBES];

	run_probes(bt, &s->m, &s->p, again);
	if (memcmp(again, s->verdicts, 2 * s->p.n * sizeof(again[0])))
		fail(what, step);
}

/* bt's counters are still s's table's, or what failed. */
static void expect_counts(const struct state *s, const struct bf_bpf_table *bt, const char *what,
			  unsigned int step)
{
	struct xt_counters *c = counters_of(bt, step);

	if (c && s->counts && memcmp(c, s->counts, bt->num_counters * sizeof(*c))) {
		print_counters(c, s->counts, bt->num_counters);
		fail(what, step);
	}
	free(c);
}

/* The generation bt's programs run in, by its layout. */
static uint32_t generation_of(const struct bf_bpf_table *bt)
{
	return bt->layout ? bt->layout->gen : 0;
}

/*
 * The replaced table keeps its counts; its generation, put back for a
 * moment, sees its rules whole until the update is finished.
 */
static void check_replaced(struct state *s, struct bf_bpf_table *nbt, unsigned int step)
{
	uint32_t gen = generation_of(s->bt);

	expect_counts(s, s->bt, "the replaced table's counters changed", step);
	if (set_generation(nbt, gen))
		fail("cannot set the generation", step);
	expect_verdicts(s, nbt,
			"the replaced generation's verdicts changed before the update finished",
			step);
	if (set_generation(nbt, gen + 1))
		fail("cannot set the generation", step);
}

static void take_stock(struct state *s, unsigned int step);

static int dup_or_none(int fd)
{
	return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

/*
 * What a restarted daemon makes of bt, whose rules are t, in force: its
 * pinned maps and programs reopened (umh/persist.c), the layout saved with
 * it (umh/enforce.c: bt's own after a data update, else built from t), and
 * its runs' maps taken over (bf_runs_adopt()). NULL: out of memory.
 */
static struct bf_bpf_table *restart(const struct bf_bpf_table *bt, const struct xlate_table *t,
				    unsigned int step)
{
	struct bf_bpf_table *r = bf_bpf_table_new("filter", bt->id, t->num_entries);
	struct bf_layout *built = NULL;
	const struct bf_layout *l = bt->layout;
	void *saved = NULL;
	size_t len = 0;
	unsigned int h;
	int ret;

	if (!r)
		return NULL;
	r->maps.counters_fd = dup_or_none(bt->maps.counters_fd);
	r->maps.parts_fd = dup_or_none(bt->maps.parts_fd);
	r->maps.state_fd = dup_or_none(bt->maps.state_fd);
	r->maps.gen_fd = dup_or_none(bt->maps.gen_fd);
	for (h = 0; h < NF_INET_NUMHOOKS; h++)
		r->prog_fds[h] = dup_or_none(bt->prog_fds[h]);
	if (!l && bt->maps.gen_fd >= 0)
		l = built = bf_layout_build(bt, t);
	if (l)
		saved = bf_layout_save(l, &len);
	if (saved && !(r->layout = bf_layout_load(saved, len)))
		fail("a saved layout does not load again", step);
	if (r->layout) {
		r->maps.bank_elems = r->layout->bank_elems;
		r->maps.table_id = r->layout->table_id;
	}
	bf_layout_free(built);
	free(saved);
	ret = l && !r->layout ? -ENOMEM : bf_runs_adopt(r, t);
	if (ret && ret != -ENOMEM)
		fail("the runs' maps cannot be taken over", step);
	if (ret) {
		bf_bpf_table_free(r);
		return NULL;
	}
	return r;
}

/*
 * Restart the daemon with s's table in force: it answers and counts as
 * before. False: out of memory.
 */
static bool restart_in_force(struct state *s, unsigned int step)
{
	struct bf_bpf_table *r = restart(s->bt, s->t, step);

	if (!r)
		return false;
	bf_bpf_table_free(s->bt);
	s->bt = r;
	expect_counts(s, r, "the counters changed across a restart", step);
	expect_verdicts(s, r, "the verdicts changed across a restart", step);
	take_stock(s, step);
	return true;
}

static const char *killed_name(struct restart_at killed)
{
	switch (killed.when) {
	case KILLED_SWITCHED:
		return killed.partway ? "a data update, killed while it was finished" :
					"a data update, killed after its switch";
	case KILLED_UNSWITCHED:
		return killed.partway ? "a data update, killed while it wrote its entries" :
					"a data update, killed before its switch";
	default:
		return "a data update";
	}
}

/*
 * The daemon killed in data update u, from s's table to nbt's, next: the
 * restart finds in force the table whose generation the programs run, as
 * umh/state.c's in_force() does. s's (the client's request failed) comes
 * back as s->bt, checked by restart_in_force(); NULL out of memory.
 */
static struct bf_bpf_table *killed(struct state *s, struct bf_update *u, struct bf_bpf_table *nbt,
				   const struct xlate_table *next, unsigned int step)
{
	uint32_t key = 0, gen;
	struct bf_bpf_table *r;

	if (bpf_map_lookup_elem(nbt->maps.gen_fd, &key, &gen))
		fail("cannot read the generation", step);
	if (getenv("BF_FUZZ_VERBOSE"))
		fprintf(stderr, "step %u: the restart finds the %s table in force\n", step,
			gen == generation_of(nbt) ? "new" : "old");
	if (gen == generation_of(nbt))
		r = restart(nbt, next, step);
	else if (gen == generation_of(s->bt))
		r = restart_in_force(s, step) ? s->bt : NULL;
	else
		fail("the generation in force is neither table's", step);
	bf_update_free(u);
	bf_bpf_table_free(nbt);
	return r;
}

/* Let the data update's next writes through (killed: the first n - 1 only). */
static void kill_partway(unsigned int n)
{
	if (n)
		kill_point_arm(n - 1);
}

/*
 * next's table object in place of s->bt: a data update, or a load; s->bt
 * if it stays in force (killed before the switch); NULL out of memory.
 * After a data update, early: the verdicts on p's packets in the new
 * generation before the update was finished.
 */
static struct bf_bpf_table *replace(struct state *s, const struct xlate_table *next,
				    const struct xlate_ir *ir, const struct probes *p,
				    uint32_t *early, bool *ran_early, struct restart_at killed_at,
				    unsigned int step)
{
	bool killing = killed_at.when == KILLED_SWITCHED || killed_at.when == KILLED_UNSWITCHED;
	unsigned int partway = killing ? killed_at.partway : 0;
	struct bf_update *u = NULL;
	struct bf_bpf_table *nbt;
	int ret = bf_update_plan(s->bt, s->t, ir, &u);
	bool dead;

	*ran_early = false;
	if (getenv("BF_FUZZ_VERBOSE"))
		fprintf(stderr, "step %u: %u rules, %s (%u)\n", step, ir->num_rules,
			ret ? "a load" : killed_name(killed_at), partway);
	if (ret < 0 && ret != -ENOMEM)
		fail("the update cannot be planned", step);
	if (ret) {
		nbt = load(next, s->bt, step);
		if (!nbt)
			return NULL;
		/* the maps next shares with it are the ones that do not change */
		expect_verdicts(s, s->bt, "the table in force changed as the next one loaded",
				step);
		/* as the daemon: once the old programs are done */
		bf_bpf_table_recycle(s->bt);
		return nbt;
	}
	nbt = bf_update_table(u, s->bt->id + 1);
	if (killed_at.when == KILLED_UNSWITCHED)
		kill_partway(partway);
	ret = nbt ? bf_update_apply(u) : -ENOMEM;
	dead = kill_point_reached();
	/* the writes left, if the kill comes in the update's finish */
	if (killed_at.when == KILLED_UNSWITCHED && partway)
		partway = kill_point_disarm() + 1;
	if (ret && ret != -ENOMEM)
		fail("the update cannot be applied", step);
	if (!ret && (dead || (killed_at.when == KILLED_UNSWITCHED && !partway))) {
		/* killed after some writes, or once all but the switch (undone) were made */
		if (!dead && set_generation(nbt, generation_of(s->bt)))
			fail("cannot set the generation", step);
		return killed(s, u, nbt, next, step);
	}
	if (!ret) {
		run_probes(nbt, &s->m, p, early);
		*ran_early = true;
		check_replaced(s, nbt, step);
		if (killed_at.when == KILLED_SWITCHED && !partway)
			return killed(s, u, nbt, next, step);
		kill_partway(partway);
		ret = bf_update_finish(u);
		dead = kill_point_reached();
		kill_point_disarm();
		if (dead)
			return killed(s, u, nbt, next, step);
		if (ret)
			fail("the update cannot be finished", step);
	}
	bf_update_free(u);
	if (ret) {
		bf_bpf_table_free(nbt);
		return NULL;
	}
	return nbt;
}

/*
 * The entries of runs map fd, which bt counts as count: each holds one
 * value for both generations, once an update is finished or a restart
 * took the map over (an entry left with two would answer the next
 * update's generation as a table before it).
 */
static void expect_settled(int fd, unsigned int count, unsigned int step)
{
	struct bf_run_key key, next;
	struct bf_run_value v;
	unsigned int n = 0;

	if (fd < 0)
		return;
	for (; !bpf_map_get_next_key(fd, n ? &key : NULL, &next); key = next, n++) {
		if (bpf_map_lookup_elem(fd, &next, &v))
			fail("cannot read a runs map", step);
		if (v.gen[0] != v.gen[1])
			fail("an entry of the runs maps holds two values after the update", step);
	}
	if (n != count)
		fail("the runs maps hold more or fewer entries than the table counts", step);
}

/* s's verdicts on the packets of its rules and those before, its counters after them. */
static void take_stock(struct state *s, unsigned int step)
{
	unsigned int h;

	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		expect_settled(s->bt->tries[h].fd, s->bt->tries[h].nr_trie, step);
		expect_settled(s->bt->tries[h].hashed_fd, s->bt->tries[h].nr_hashed, step);
	}
	add_probes(&s->p, &s->m);
	run_probes(s->bt, &s->m, &s->p, s->verdicts);
	free(s->counts);
	s->counts = counters_of(s->bt, step);
}

static struct xlate_table *translate(const struct model *m, unsigned int step)
{
	static struct blob b;
	struct xlate_error err = { 0 };
	struct xlate_table *t = NULL;

	build_request(m, &b);
	if (xlate_table_translate(&b.repl, b.entries, &t, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		fail("the request is refused", step);
	}
	return t;
}

/*
 * Replace s's table by m's, restarting as restart says, and check the
 * programs then in force. False: out of memory.
 */
static bool step(struct state *s, const struct model *m, struct restart_at restart,
		 unsigned int step)
{
	static uint32_t early[2 * MAX_PROBES], want[2 * MAX_PROBES];
	static struct probes p;
	struct xlate_table *next = translate(m, step);
	struct bf_bpf_table *nbt = NULL, *fresh = NULL;
	struct xlate_ir *ir = NULL;
	bool ran_early = false;

	p = s->p;
	add_probes(&p, m);
	if (!xlate_ir_build(next, &ir))
		nbt = replace(s, next, ir, &p, early, &ran_early, restart, step);
	xlate_ir_free(ir);
	if (nbt == s->bt) { /* checked as it came back (restart_in_force()) */
		xlate_table_free(next);
		return true;
	}
	if (nbt)
		fresh = load(next, NULL, step);
	if (fresh && ran_early) {
		run_probes(fresh, m, &p, want);
		if (memcmp(early, want, 2 * p.n * sizeof(early[0])))
			fail("a verdict before the update finished differs", step);
	}
	if (fresh)
		expect_same(nbt, fresh, m, &p, step);
	bf_bpf_table_free(fresh);
	if (!nbt) {
		xlate_table_free(next);
		return false;
	}
	bf_bpf_table_free(s->bt);
	xlate_table_free(s->t);
	s->bt = nbt;
	s->t = next;
	s->m = *m;
	take_stock(s, step);
	return restart.when != RESTART_AFTER || restart_in_force(s, step);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct state s;
	static struct model m;
	struct input in = { data, size, 0 };
	struct restart_at restart = { NO_RESTART, 0 };
	unsigned int n = 0;

	memset(&m, 0, sizeof(m));
	decode_table(&m, &in);
	s.m = m;
	s.p.n = 0;
	s.t = translate(&m, 0);
	s.bt = load(s.t, NULL, 0);
	if (s.bt)
		take_stock(&s, 0);
	/* at least one step: with no edits, a replacement that changes only counters */
	while (s.bt && n < MAX_STEPS && (decode_step(&m, &in, &restart) || !n))
		if (!step(&s, &m, restart, ++n))
			break;
	bf_bpf_table_free(s.bt);
	xlate_table_free(s.t);
	free(s.counts);
	s.counts = NULL;
	return 0;
}
