// SPDX-License-Identifier: GPL-2.0
/*
 * Data updates (bpf/data_update.h) on crafted packets (BPF_PROG_TEST_RUN):
 * bans added to and lifted from a run of /32 rules (a hash map), or of /24
 * and /32 rules (a trie), change the entries of the programs loaded for an
 * earlier table, and every rule counts where the kernel would: the old
 * table's counts stay with it, the new one starts at zero, each rule keeps
 * its own.
 */
#include <bpf/libbpf.h>

#include "kselftest_harness.h"

#include "../../bpf/classify.h"
#include "../../bpf/data_update.h"
#include "../../bpf/prefix_diff.h"
#include "../../bpf/runs_adopt.h"
#include "gen_run.h"

#define BANS 40

/* A table and its rules. */
struct tbl {
	struct blob b;
	struct xlate_table *t;
	struct xlate_ir *ir;
};

/* Bans from BAN24 on are /24s: BAN24 + k is 10.9.k.0/24 (k from 1). */
#define BAN24 1000
/* Bans from IN2 on are /32s in the /24 of BAN24 + 2: IN2 + k is 10.9.2.k. */
#define IN2 2000
/* 10.9.0.0/16 */
#define BAN16 3000
/* A ban with ALLOW is an ACCEPT rule. */
#define ALLOW 0x100000u

/* The address of ban (a /32 if it is below BAN24: 10.9.0.<ban>) and its mask. */
static const char *ban_prefix(unsigned int ban, char *addr, size_t len)
{
	ban &= ~ALLOW;
	if (ban == BAN16) {
		snprintf(addr, len, "10.9.0.0");
		return "255.255.0.0";
	}
	if (ban >= IN2)
		snprintf(addr, len, "10.9.2.%u", ban - IN2);
	else if (ban >= BAN24)
		snprintf(addr, len, "10.9.%u.0", ban - BAN24);
	else
		snprintf(addr, len, "10.9.0.%u", ban);
	return ban >= BAN24 && ban < IN2 ? "255.255.255.0" : "255.255.255.255";
}

/*
 * OUTPUT: -s <ban[i]> -j DROP (ACCEPT with ALLOW) for each ban, then extra[]
 * (ACCEPT rules for protocols, outside the run), then -j ACCEPT; policy DROP.
 */
static int make(struct tbl *x, const unsigned int *ban, unsigned int n, unsigned int extra)
{
	struct xlate_error err = { 0 };
	unsigned int out = output_start(&x->b), i;
	char addr[32];
	int ret;

	for (i = 0; i < n; i++) {
		const char *mask = ban_prefix(ban[i], addr, sizeof(addr));
		struct ipt_ip ip = ip_of(addr, mask, 0, 0);

		blob_verdict(&x->b, &ip, ban[i] & ALLOW ? ACCEPT : DROP);
	}
	for (i = 0; i < extra; i++) {
		struct ipt_ip ip = ip_of(NULL, NULL, IPPROTO_SCTP, 0);

		blob_verdict(&x->b, &ip, ACCEPT);
	}
	blob_verdict(&x->b, NULL, ACCEPT);
	output_end(&x->b, out, DROP);
	ret = xlate_table_translate(&x->b.repl, x->b.entries, &x->t, &err);
	return ret ? ret : xlate_ir_build(x->t, &x->ir);
}

static void drop(struct tbl *x)
{
	xlate_ir_free(x->ir);
	xlate_table_free(x->t);
}

/* The verdict on a packet from ban's address (BAN24 + k: 10.9.k.0). */
static uint32_t verdict_of(struct bf_bpf_table *bt, unsigned int ban)
{
	char addr[32];
	struct pkt_spec p = udp53;
	uint32_t v = 0;

	ban_prefix(ban, addr, sizeof(addr));
	p.src = addr;
	return run(bt, &p, &v) ? 0xffff : v;
}

/* Packets counted on each rule of bt's table of n rules. */
static uint64_t *pkts(struct bf_bpf_table *bt, unsigned int n)
{
	struct xt_counters *c = calloc(n, sizeof(*c));
	uint64_t *p = calloc(n, sizeof(*p));
	unsigned int i;

	if (c && p && !bf_bpf_table_counters(bt, c))
		for (i = 0; i < n; i++)
			p[i] = c[i].pcnt;
	free(c);
	return p;
}

/*
 * Replace bt's table cur by next with a data update, up to its switch (*u:
 * the update, not finished): the new table object, or NULL.
 */
static struct bf_bpf_table *switch_to(struct bf_bpf_table *bt, struct tbl *cur, struct tbl *next,
				      int *planned, struct bf_update **u)
{
	struct bf_bpf_table *nbt = NULL;

	*u = NULL;
	*planned = bf_update_plan(bt, cur->t, next->ir, u);
	if (*planned)
		return NULL;
	nbt = bf_update_table(*u, bt->id + 1000);
	if (nbt && bf_update_apply(*u)) {
		bf_bpf_table_free(nbt);
		nbt = NULL;
	}
	if (!nbt) {
		bf_update_free(*u);
		*u = NULL;
	}
	return nbt;
}

/* switch_to(), planned as a data update, which keeps bt's programs. */
static struct bf_bpf_table *switch_keeping(struct __test_metadata *_metadata,
					   struct bf_bpf_table *bt, struct tbl *cur,
					   struct tbl *next, struct bf_update **u)
{
	int planned;
	struct bf_bpf_table *nbt = switch_to(bt, cur, next, &planned, u);

	EXPECT_EQ(0, planned);
	if (nbt)
		EXPECT_EQ(prog_id(bt->prog_fds[NF_INET_LOCAL_OUT]),
			  prog_id(nbt->prog_fds[NF_INET_LOCAL_OUT]));
	return nbt;
}

/* The same, finished. */
static struct bf_bpf_table *update(struct bf_bpf_table *bt, struct tbl *cur, struct tbl *next,
				   int *planned)
{
	struct bf_update *u;
	struct bf_bpf_table *nbt = switch_to(bt, cur, next, planned, &u);

	if (nbt && bf_update_finish(u)) {
		bf_bpf_table_free(nbt);
		nbt = NULL;
	}
	bf_update_free(u);
	return nbt;
}

static unsigned int bans_from(unsigned int *ban, unsigned int first)
{
	unsigned int i;

	for (i = 0; i < BANS; i++)
		ban[i] = first + i;
	return BANS;
}

TEST(bans_change_entries_and_each_rule_counts_its_own)
{
	struct tbl a = { 0 }, b = { 0 }, c = { 0 };
	struct bf_bpf_table *bt = NULL, *nbt, *nbt2;
	struct xlate_error err = { 0 };
	unsigned int ban[BANS + 1], n = bans_from(ban, 1);
	uint32_t id;
	uint64_t *p;
	int planned;

	ASSERT_EQ(0, make(&a, ban, n, 0));
	ASSERT_EQ(0, bf_bpf_table_load(a.t, NULL, &bt, &err)) TH_LOG("%s", err.msg);
	ASSERT_LE(0, bt->maps.gen_fd) TH_LOG("a run of /32s: counter banks");
	id = prog_id(bt->prog_fds[NF_INET_LOCAL_OUT]);
	EXPECT_EQ(NF_DROP, verdict_of(bt, 5));
	EXPECT_EQ(NF_ACCEPT, verdict_of(bt, 200));

	/* 10.9.0.1 and 10.9.0.5 lifted, 10.9.0.200 banned first, 10.9.0.41 fifth */
	ban[0] = 200;
	ban[4] = 41;
	ASSERT_EQ(0, make(&b, ban, n, 0));
	nbt = update(bt, &a, &b, &planned);
	ASSERT_EQ(0, planned);
	ASSERT_NE(NULL, nbt);
	EXPECT_EQ(id, prog_id(nbt->prog_fds[NF_INET_LOCAL_OUT]));
	/* the old table's counts, read from the bank it counted in */
	p = pkts(bt, a.t->num_entries);
	EXPECT_EQ(1, p[2 + 4]);
	EXPECT_EQ(1, p[2 + BANS]);
	free(p);
	EXPECT_EQ(NF_ACCEPT, verdict_of(nbt, 5));
	EXPECT_EQ(NF_DROP, verdict_of(nbt, 200));
	EXPECT_EQ(NF_DROP, verdict_of(nbt, 200));
	EXPECT_EQ(NF_DROP, verdict_of(nbt, 40));
	p = pkts(nbt, b.t->num_entries);
	EXPECT_EQ(2, p[2 + 0]) TH_LOG("the new ban counts in a slot of its own");
	EXPECT_EQ(0, p[2 + 4]) TH_LOG("the rule that took 10.9.0.5's place starts at 0");
	EXPECT_EQ(1, p[2 + 39]) TH_LOG("10.9.0.40 kept its rule's slot");
	EXPECT_EQ(1, p[2 + BANS]) TH_LOG("the rule after the run kept its slot");
	free(p);

	/* a second update, from the other bank: 10.9.0.200 lifted again */
	ban[0] = 5;
	ASSERT_EQ(0, make(&c, ban, n, 0));
	nbt2 = update(nbt, &b, &c, &planned);
	ASSERT_EQ(0, planned);
	ASSERT_NE(NULL, nbt2);
	EXPECT_EQ(NF_DROP, verdict_of(nbt2, 5));
	EXPECT_EQ(NF_ACCEPT, verdict_of(nbt2, 200));
	p = pkts(nbt2, c.t->num_entries);
	EXPECT_EQ(1, p[2 + 0]);
	EXPECT_EQ(0, p[2 + 39]);
	EXPECT_EQ(1, p[2 + BANS]);
	free(p);
	p = pkts(nbt, b.t->num_entries);
	EXPECT_EQ(2, p[2 + 0]) TH_LOG("the replaced table's counts stay in its bank");
	free(p);
	bf_bpf_table_free(nbt2);
	bf_bpf_table_free(nbt);
	bf_bpf_table_free(bt);
	drop(&a);
	drop(&b);
	drop(&c);
}

TEST(changes_outside_runs_need_new_programs)
{
	struct tbl a = { 0 }, b = { 0 }, c = { 0 };
	struct xlate_error err = { 0 };
	struct bf_bpf_table *bt = NULL;
	unsigned int ban[BANS + 1], n = bans_from(ban, 1);
	int planned;

	ASSERT_EQ(0, make(&a, ban, n, 0));
	ASSERT_EQ(0, bf_bpf_table_load(a.t, NULL, &bt, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, make(&b, ban, n, 1));
	EXPECT_EQ(NULL, update(bt, &a, &b, &planned));
	EXPECT_EQ(1, planned) TH_LOG("a rule added after the run");
	/* a key the run holds already, added again */
	ban[BANS] = 7;
	ASSERT_EQ(0, make(&c, ban, n + 1, 0));
	EXPECT_EQ(NULL, update(bt, &a, &c, &planned));
	EXPECT_EQ(1, planned) TH_LOG("a repeated ban");
	EXPECT_EQ(NF_DROP, verdict_of(bt, 7)) TH_LOG("the table in force did not change");
	bf_bpf_table_free(bt);
	drop(&a);
	drop(&b);
	drop(&c);
}

TEST(prefixes_apart_from_the_others_change_a_trie)
{
	struct tbl a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	struct xlate_error err = { 0 };
	struct bf_bpf_table *bt = NULL, *nbt;
	unsigned int ban[BANS], n = bans_from(ban, 1);
	struct bf_update *u;
	uint64_t *p;
	int planned;

	/* /32s of 10.9.0.0/24, then 10.9.1.0/24 and 10.9.2.0/24 */
	ban[10] = BAN24 + 1;
	ban[20] = BAN24 + 2;
	ASSERT_EQ(0, make(&a, ban, n, 0));
	ASSERT_EQ(0, bf_bpf_table_load(a.t, NULL, &bt, &err)) TH_LOG("%s", err.msg);
	ASSERT_LE(0, bt->maps.gen_fd) TH_LOG("a run of /24s and /32s: counter banks too");
	EXPECT_EQ(NF_ACCEPT, verdict_of(bt, BAN24 + 3));

	/* 10.9.0.6 lifted, 10.9.3.0/24 banned in its place: both apart from the others */
	ban[5] = BAN24 + 3;
	ASSERT_EQ(0, make(&b, ban, n, 0));
	nbt = switch_keeping(_metadata, bt, &a, &b, &u);
	ASSERT_NE(NULL, nbt);
	/* switched, not finished: both tables' entries are in the trie */
	EXPECT_EQ(NF_DROP, verdict_of(nbt, BAN24 + 3)) TH_LOG("10.9.3.0 in the new /24");
	EXPECT_EQ(NF_ACCEPT, verdict_of(nbt, 6)) TH_LOG("10.9.0.6's entry is the old table's");
	ASSERT_EQ(0, bf_update_finish(u));
	bf_update_free(u);
	EXPECT_EQ(NF_DROP, verdict_of(nbt, BAN24 + 3));
	EXPECT_EQ(NF_ACCEPT, verdict_of(nbt, 6));
	EXPECT_EQ(NF_DROP, verdict_of(nbt, IN2 + 9)) TH_LOG("10.9.2.9 in a /24 kept");
	p = pkts(nbt, b.t->num_entries);
	EXPECT_EQ(2, p[2 + 5]) TH_LOG("the new /24 counts in a slot of its own");
	EXPECT_EQ(1, p[2 + 20]);
	EXPECT_EQ(2, p[2 + BANS]) TH_LOG("the rule after the run: 10.9.0.6 accepted");
	free(p);

	/* a prefix twice: which of its rules the entry names would change */
	ban[30] = BAN24 + 1;
	ASSERT_EQ(0, make(&c, ban, n, 0));
	EXPECT_EQ(NULL, update(nbt, &b, &c, &planned));
	EXPECT_EQ(1, planned) TH_LOG("a prefix repeated in the run");
	EXPECT_EQ(NF_DROP, verdict_of(nbt, BAN24 + 3)) TH_LOG("the table in force did not change");
	/* 10.9.0.0/16 first: every entry would change, a full replacement is faster */
	ban[30] = 31;
	ban[0] = BAN16;
	ASSERT_EQ(0, make(&d, ban, n, 0));
	EXPECT_EQ(NULL, update(nbt, &b, &d, &planned));
	EXPECT_EQ(1, planned) TH_LOG("more entries to write than a quarter of the rules");
	bf_bpf_table_free(nbt);
	bf_bpf_table_free(bt);
	drop(&a);
	drop(&b);
	drop(&c);
	drop(&d);
}

/* Make generation gen current in bt's programs, as an update's switch does. */
static void set_gen(struct bf_bpf_table *bt, uint32_t gen)
{
	uint32_t key = 0;

	bpf_map_update_elem(bt->maps.gen_fd, &key, &gen, BPF_ANY);
}

static uint32_t gen_of(struct bf_bpf_table *bt)
{
	uint32_t key = 0, gen = 0;

	bpf_map_lookup_elem(bt->maps.gen_fd, &key, &gen);
	return gen;
}

TEST(prefixes_inside_others_change_a_trie)
{
	struct tbl a = { 0 }, b = { 0 }, c = { 0 };
	struct xlate_error err = { 0 };
	struct bf_bpf_table *bt = NULL, *nbt, *nbt2;
	unsigned int ban[BANS], n = bans_from(ban, 1);
	struct bf_update *u;
	uint32_t gen;
	uint64_t *p;
	int planned;

	/* 10.9.2.5 let in first, then /32s of 10.9.0.0/24 and 10.9.1.0/24, 10.9.2.0/24 */
	ban[0] = (IN2 + 5) | ALLOW;
	ban[10] = BAN24 + 1;
	ban[20] = BAN24 + 2;
	ASSERT_EQ(0, make(&a, ban, n, 0));
	ASSERT_EQ(0, bf_bpf_table_load(a.t, NULL, &bt, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(NF_ACCEPT, verdict_of(bt, IN2 + 5));
	EXPECT_EQ(NF_DROP, verdict_of(bt, IN2 + 6));

	/*
	 * 10.9.2.6 let in instead of 10.9.2.5, inside the /24 that follows;
	 * 10.9.2.7 let in after it (the /24 still answers there); 10.9.0.0/16,
	 * which holds all the others, dropped last.
	 */
	ban[0] = (IN2 + 6) | ALLOW;
	ban[30] = (IN2 + 7) | ALLOW;
	ban[35] = BAN16;
	ASSERT_EQ(0, make(&b, ban, n, 0));
	gen = gen_of(bt);
	nbt = switch_keeping(_metadata, bt, &a, &b, &u);
	ASSERT_NE(NULL, nbt);
	/* switched, not finished: the old table's entries are still in the trie */
	EXPECT_EQ(NF_DROP, verdict_of(nbt, IN2 + 5)) TH_LOG("10.9.2.5: the /24's now");
	EXPECT_EQ(NF_ACCEPT, verdict_of(nbt, IN2 + 6));
	EXPECT_EQ(NF_DROP, verdict_of(nbt, IN2 + 7)) TH_LOG("the /24 comes before 10.9.2.7");
	EXPECT_EQ(NF_DROP, verdict_of(nbt, BAN24 + 3)) TH_LOG("10.9.3.0 in the new /16");
	/* the entries written hold the table in force for its generation still */
	set_gen(bt, gen);
	EXPECT_EQ(NF_ACCEPT, verdict_of(bt, IN2 + 5));
	EXPECT_EQ(NF_DROP, verdict_of(bt, IN2 + 6));
	EXPECT_EQ(NF_ACCEPT, verdict_of(bt, BAN24 + 3)) TH_LOG("10.9.3.0: no /16 before");
	set_gen(bt, gen + 1);
	ASSERT_EQ(0, bf_update_finish(u));
	bf_update_free(u);
	EXPECT_EQ(NF_DROP, verdict_of(nbt, IN2 + 5));
	EXPECT_EQ(NF_ACCEPT, verdict_of(nbt, IN2 + 6));
	EXPECT_EQ(NF_DROP, verdict_of(nbt, IN2 + 7));
	EXPECT_EQ(NF_DROP, verdict_of(nbt, BAN24 + 3));
	EXPECT_EQ(NF_DROP, verdict_of(nbt, 7)) TH_LOG("10.9.0.7 is its own rule's");
	p = pkts(nbt, b.t->num_entries);
	EXPECT_EQ(2, p[2 + 0]) TH_LOG("10.9.2.6 let in twice");
	EXPECT_EQ(4, p[2 + 20]) TH_LOG("10.9.2.5 and 10.9.2.7 dropped by the /24");
	EXPECT_EQ(0, p[2 + 30]) TH_LOG("10.9.2.7's rule comes after the /24");
	EXPECT_EQ(2, p[2 + 35]) TH_LOG("10.9.3.0 dropped by the /16");
	EXPECT_EQ(1, p[2 + 6]);
	free(p);

	/* the /24 deleted: 10.9.2.7 its own rule's again, the rest of it the /16's */
	ban[20] = 21;
	ban[35] = 36;
	ban[36] = BAN16;
	ASSERT_EQ(0, make(&c, ban, n, 0));
	nbt2 = update(nbt, &b, &c, &planned);
	ASSERT_EQ(0, planned);
	ASSERT_NE(NULL, nbt2);
	EXPECT_EQ(NF_ACCEPT, verdict_of(nbt2, IN2 + 7));
	EXPECT_EQ(NF_DROP, verdict_of(nbt2, IN2 + 9));
	EXPECT_EQ(NF_ACCEPT, verdict_of(nbt2, IN2 + 6));
	p = pkts(nbt2, c.t->num_entries);
	EXPECT_EQ(1, p[2 + 30]) TH_LOG("10.9.2.7 let in by its rule");
	EXPECT_EQ(1, p[2 + 36]) TH_LOG("10.9.2.9 dropped by the /16");
	EXPECT_EQ(0, p[2 + 35]) TH_LOG("the rule that took the /16's place");
	free(p);
	bf_bpf_table_free(nbt2);
	bf_bpf_table_free(nbt);
	bf_bpf_table_free(bt);
	drop(&a);
	drop(&b);
	drop(&c);
}

static bool has_prefix(const struct bf_prefix_rule *rules, unsigned int n,
		       const struct bf_prefix_rule *p)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (rules[i].addr == p->addr && rules[i].len == p->len)
			return true;
	return false;
}

/* A rule for a prefix of 10.0.0.0/16 (nesting often), in neither a[0..na) nor b[0..nb). */
static struct bf_prefix_rule random_rule(unsigned int *seed, const struct bf_prefix_rule *a,
					 unsigned int na, const struct bf_prefix_rule *b,
					 unsigned int nb)
{
	static const uint32_t lens[] = { 16, 20, 22, 24, 26, 28, 32 };
	struct bf_prefix_rule r;

	do {
		r.len = lens[rand_r(seed) % 7];
		r.addr = (0x0a000000u | (rand_r(seed) & 0xffff)) & (~0u << (32 - r.len));
		r.answer = rand_r(seed) % 1000;
	} while (has_prefix(a, na, &r) || has_prefix(b, nb, &r));
	return r;
}

/* What rules[0..n) answer for p, worked out alone: the first rule holding it. */
static uint32_t answer_for(const struct bf_prefix_rule *rules, unsigned int n,
			   const struct bf_prefix_rule *p, bool *in)
{
	unsigned int i;

	*in = has_prefix(rules, n, p);
	for (i = 0; i < n; i++)
		if (rules[i].len <= p->len &&
		    (p->addr & (rules[i].len ? ~0u << (32 - rules[i].len) : 0)) == rules[i].addr)
			return rules[i].answer;
	return BF_RUN_NONE;
}

TEST(trie_changes_are_the_entries_whose_answer_changes)
{
	struct bf_prefix_rule old[64], new[80];
	unsigned int seed = 7, round, i;

	for (round = 0; round < 200; round++) {
		unsigned int n_old = 1 + rand_r(&seed) % 60, n_new = 0, checked = 0;
		struct bf_prefix_change *c = NULL;
		size_t n = 0, k;

		for (i = 0; i < n_old; i++)
			old[i] = random_rule(&seed, old, i, NULL, 0);
		/* some rules deleted, some inserted anywhere */
		for (i = 0; i < n_old; i++) {
			if (rand_r(&seed) % 4 == 0)
				new[n_new] = random_rule(&seed, old, n_old, new, n_new), n_new++;
			if (rand_r(&seed) % 5)
				new[n_new++] = old[i];
		}
		ASSERT_EQ(0, bf_prefix_diff(old, n_old, new, n_new, &c, &n));
		/* each change is right, and every prefix whose entry changes is one */
		for (i = 0; i < n_old + n_new; i++) {
			const struct bf_prefix_rule *p = i < n_old ? &old[i] : &new[i - n_old];
			uint32_t a, b;
			bool in_a, in_b;

			a = answer_for(old, n_old, p, &in_a);
			b = answer_for(new, n_new, p, &in_b);
			for (k = 0; k < n && (c[k].addr != p->addr || c[k].len != p->len); k++)
				;
			if (a == b && in_a == in_b) {
				EXPECT_EQ(n, k)
				TH_LOG("round %u: %08x/%u unchanged", round, p->addr, p->len);
				continue;
			}
			ASSERT_GT(n, k) TH_LOG("round %u: %08x/%u changes", round, p->addr, p->len);
			EXPECT_EQ(a, c[k].old_answer);
			EXPECT_EQ(b, c[k].new_answer);
			EXPECT_EQ(in_a, c[k].in_old);
			EXPECT_EQ(in_b, c[k].in_new);
			checked += i < n_old || !in_a; /* a prefix in both is counted once */
		}
		EXPECT_EQ(n, checked) TH_LOG("round %u: no other change", round);
		free(c);
	}
	/* a prefix twice in a table: its entry could name either rule */
	new[0] = new[1] = old[0];
	{
		struct bf_prefix_change *c = NULL;
		size_t n;

		EXPECT_EQ(1, bf_prefix_diff(old, 1, new, 2, &c, &n));
		EXPECT_EQ(NULL, c);
	}
}

/* Whether the trie fd has an entry of exactly key's prefix (a lookup finds the longest). */
static bool has_key(int fd, const struct bf_run_key *key)
{
	struct bf_run_key k, next;
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		if (!memcmp(&next, key, sizeof(next)))
			return true;
		k = next;
		first = false;
	}
	return false;
}

/* What a new daemon reopens of nbt's programs: their fds, its layout. */
static struct bf_bpf_table *reopened(const struct bf_bpf_table *nbt, unsigned int rules)
{
	struct bf_bpf_table *bt = bf_bpf_table_new("filter", nbt->id, rules);
	unsigned int h;

	bt->maps = nbt->maps;
	bt->maps.counters_fd = dup(nbt->maps.counters_fd);
	bt->maps.parts_fd = dup(nbt->maps.parts_fd);
	bt->maps.gen_fd = dup(nbt->maps.gen_fd);
	bt->maps.events_fd = bt->maps.state_fd = bt->maps.local_routes_fd = -1;
	for (h = 0; h < NF_INET_NUMHOOKS; h++)
		bt->prog_fds[h] = nbt->prog_fds[h] < 0 ? -1 : dup(nbt->prog_fds[h]);
	bt->layout = bf_layout_dup(nbt->layout);
	return bt;
}

TEST(a_restored_table_takes_its_runs_maps_over)
{
	struct tbl a = { 0 }, b = { 0 }, c = { 0 };
	struct bf_bpf_table *bt = NULL, *nbt, *rbt, *nbt2;
	struct xlate_error err = { 0 };
	unsigned int ban[BANS], n = bans_from(ban, 1);
	struct bf_run_key key = { .prefixlen = 32 + 32 };
	struct bf_run_value v;
	struct bf_update *u;
	uint32_t gen;
	int planned, trie;

	/* 10.9.2.5 let in, then 10.9.2.0/24 dropped; then 10.9.2.5 lifted */
	ban[0] = (IN2 + 5) | ALLOW;
	ban[20] = BAN24 + 2;
	ASSERT_EQ(0, make(&a, ban, n, 0));
	ASSERT_EQ(0, bf_bpf_table_load(a.t, NULL, &bt, &err)) TH_LOG("%s", err.msg);
	ban[0] = 41; /* 10.9.0.41 instead */
	ASSERT_EQ(0, make(&b, ban, n, 0));
	gen = gen_of(bt);
	/* a daemon killed after the switch, before the clean-up */
	nbt = switch_keeping(_metadata, bt, &a, &b, &u);
	ASSERT_NE(NULL, nbt);
	bf_update_free(u);
	rbt = reopened(nbt, b.t->num_entries);
	ASSERT_EQ(0, bf_runs_adopt(rbt, b.t));
	trie = rbt->tries[NF_INET_LOCAL_OUT].fd;
	ASSERT_LE(0, trie) TH_LOG("the trie found through the programs");
	EXPECT_EQ(BANS, rbt->tries[NF_INET_LOCAL_OUT].nr_trie) TH_LOG("one entry per rule left");
	key.run = rbt->layout->runs[0].run_ids[NF_INET_LOCAL_OUT];
	key.addr = htonl(0x0a090205); /* 10.9.2.5: the table in force has no such prefix */
	EXPECT_FALSE(has_key(trie, &key)) TH_LOG("the dropped prefix deleted");
	key.addr = htonl(0x0a090029); /* 10.9.0.41, added */
	ASSERT_TRUE(has_key(trie, &key));
	ASSERT_EQ(0, bpf_map_lookup_elem(trie, &key, &v));
	EXPECT_EQ(v.gen[0], v.gen[1]) TH_LOG("its answer in both generations");
	/* each entry the table in force's in both generations */
	set_gen(rbt, gen);
	EXPECT_EQ(NF_DROP, verdict_of(rbt, IN2 + 5)) TH_LOG("the /24's, whatever the generation");
	EXPECT_EQ(NF_DROP, verdict_of(rbt, 41));
	set_gen(rbt, gen + 1);
	EXPECT_EQ(NF_DROP, verdict_of(rbt, IN2 + 5));
	/* and the next change a data update */
	ban[30] = (IN2 + 6) | ALLOW;
	ASSERT_EQ(0, make(&c, ban, n, 0));
	nbt2 = update(rbt, &b, &c, &planned);
	EXPECT_EQ(0, planned);
	ASSERT_NE(NULL, nbt2);
	EXPECT_EQ(NF_DROP, verdict_of(nbt2, IN2 + 6)) TH_LOG("after the /24: shadowed");
	bf_bpf_table_free(nbt2);
	bf_bpf_table_free(rbt);
	bf_bpf_table_free(nbt);
	bf_bpf_table_free(bt);
	drop(&a);
	drop(&b);
	drop(&c);
}

TEST(layouts_are_saved_and_read_back)
{
	uint32_t pos[3] = { 0, 7, 300 };
	struct bf_run_layout r = { .build_first = 4,
				   .build_n = 2,
				   .build_offset = 800,
				   .build_size = 224,
				   .start = 4,
				   .n = 3,
				   .size = 336,
				   .pos = pos };
	struct bf_layout l = { .gen = 3, .build_entries = 10, .nr_runs = 1, .runs = &r }, *back;
	size_t len;
	void *buf = bf_layout_save(&l, &len);

	ASSERT_NE(NULL, buf);
	back = bf_layout_load(buf, len);
	ASSERT_NE(NULL, back);
	EXPECT_EQ(3, back->gen);
	EXPECT_EQ(4 + 300, bf_layout_slot(back, 6));
	EXPECT_EQ(3, bf_layout_slot(back, 3)) TH_LOG("before the run: as built");
	EXPECT_EQ(6, bf_layout_slot(back, 7)) TH_LOG("after it: one rule later than built");
	EXPECT_EQ(800, bf_layout_offset(back, 800)) TH_LOG("the run's first rule");
	EXPECT_EQ(1024 + 112, bf_layout_offset(back, 1024)) TH_LOG("a rule after the run");
	bf_layout_free(back);
	EXPECT_EQ(NULL, bf_layout_load(buf, len - 1)) TH_LOG("truncated");
	free(buf);
}

TEST_HARNESS_MAIN
