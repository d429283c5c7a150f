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
 * checks too that the replaced table keeps its counts, and that its
 * generation still sees it whole until the update is finished. Built by
 * make fuzz, run by scripts/fuzz.sh update.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "../../bpf/data_update.h"
#include "../unit/blob.h"
#include "../unit/pkt.h"

#define MAX_RULES 160
#define MAX_STEPS 6
#define MAX_EDITS 8
/*
 * Packets: 4 addresses around each prefix a table of the input had, as
 * source and as destination (an entry a data update should have deleted
 * may answer later, for a prefix no table has any more).
 */
#define MAX_PROBES 4096
/* A packet's other address, which no rule's prefix below holds. */
#define OTHER_SRC 0x0a000001u
#define OTHER_DST 0x0a000002u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum kind {
	RUN_SRC, /* -s prefix -j verdict */
	RUN_DST, /* -d prefix -j verdict */
	SCTP, /* -p sctp -j ACCEPT: fits no run, matches no packet here */
	INVERTED, /* ! -s prefix -j verdict (! -d for a destination run) */
};

struct rule {
	enum kind kind;
	uint32_t addr, mask; /* host order */
	bool accept;
};

struct model {
	bool dst; /* the first run's field: destination */
	bool in_chain; /* rules in chain R, which INPUT and OUTPUT jump to */
	bool udp; /* rules also match -p udp */
	bool drop_policy; /* OUTPUT's */
	bool lead; /* an SCTP rule in OUTPUT first */
	const uint8_t *lens; /* the prefix lengths rules draw from */
	struct rule rules[MAX_RULES];
	unsigned int n;
};

struct input {
	const uint8_t *data;
	size_t size, pos;
};

static uint8_t take(struct input *in)
{
	return in->pos < in->size ? in->data[in->pos++] : 0;
}

/* Prefix lengths: one (a hash map), or several, nested (a trie). */
static const uint8_t palettes[4][4] = {
	{ 32, 32, 32, 32 },
	{ 24, 24, 24, 24 },
	{ 32, 32, 24, 16 },
	{ 32, 28, 20, 16 },
};

static uint32_t mask_of(unsigned int len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* One of 256 /24s in 10.8.0.0/15 (a), one of 16 addresses in it (b's top bits). */
static uint32_t address_of(uint8_t a, uint8_t b)
{
	return 0x0a080000u | (uint32_t)a << 9 | (b >> 4) << 2;
}

/* A rule of the run on field dst: address_of(a, b), b's low bits its prefix length and verdict. */
static struct rule decode_rule(const struct model *m, bool dst, uint8_t a, uint8_t b)
{
	struct rule r = {
		.kind = dst ? RUN_DST : RUN_SRC,
		.addr = address_of(a, b),
		.mask = mask_of(m->lens[b & 3]),
		.accept = b & 4,
	};

	r.addr &= r.mask;
	return r;
}

/*
 * An inserted or replacing rule: mostly of the run it goes in, sometimes
 * of the other field, a rule no run takes, or an address with bits past
 * its mask (which matches nothing), as kind (0-7) says.
 */
static struct rule decode_edit(const struct model *m, unsigned int at, unsigned int kind, uint8_t a,
			       uint8_t b)
{
	const struct rule *near = at < m->n ? &m->rules[at] : at ? &m->rules[at - 1] : NULL;
	bool dst = near ? near->kind == RUN_DST : m->dst;
	struct rule r = decode_rule(m, kind == 5 ? !dst : dst, a, b);

	if (kind == 6)
		r.kind = a & 1 ? SCTP : INVERTED;
	else if (kind == 7)
		r.addr |= ~r.mask & (0x0a080000u | a);
	return r;
}

static bool same_prefix(const struct rule *x, const struct rule *y)
{
	return x->kind == y->kind && x->addr == y->addr && x->mask == y->mask;
}

/*
 * Rule i of a table's first rules, of a prefix none before it has: the
 * classifier ends a run at a repeated prefix (which never matches), and
 * blocklists have none.
 */
static struct rule unique_rule(const struct model *m, unsigned int i, bool dst, uint8_t a,
			       uint8_t b)
{
	unsigned int tries, k = 0;
	struct rule r;

	for (tries = 0; tries < 512; tries++) {
		r = decode_rule(m, dst, a + tries, b);
		if (tries >= 256) { /* all prefixes of r's length taken: a /32 */
			r.addr = address_of(a + tries, b);
			r.mask = ~0u;
		}
		for (k = 0; k < i && !same_prefix(&m->rules[k], &r); k++)
			;
		if (k == i)
			break;
	}
	return r;
}

static void decode_table(struct model *m, struct input *in)
{
	uint8_t h = take(in);
	unsigned int n1, n2, i;

	m->dst = h & 1;
	m->in_chain = h & 2;
	m->udp = h & 4;
	m->drop_policy = h & 8;
	m->lens = palettes[(h >> 4) & 3];
	m->lead = h & 0x80;
	/* runs are at least BF_RUN_MIN (32) rules long */
	n1 = 32 + take(in) % 32;
	n2 = h & 0x40 ? 32 + take(in) % 16 : 0;
	/* a short input still makes different rules */
	for (i = 0; i < n1 + n2; i++) {
		uint8_t a = take(in) ^ (uint8_t)(i * 37), b = take(in);

		m->rules[i] = unique_rule(m, i, i < n1 ? m->dst : !m->dst, a, b);
	}
	m->n = n1 + n2;
}

static void insert_rule(struct model *m, unsigned int at, struct rule r)
{
	memmove(&m->rules[at + 1], &m->rules[at], (m->n - at) * sizeof(m->rules[0]));
	m->rules[at] = r;
	m->n++;
}

/*
 * One edit, at pos: op's low two bits say insert, delete, replace or flip
 * the verdict; the next three the kind of rule inserted or replacing
 * (decode_edit()), or whether a flip copies a rule there instead (as
 * iptables -I twice makes).
 */
static void decode_edit_op(struct model *m, struct input *in)
{
	uint8_t op = take(in), pos = take(in), a, b;
	unsigned int kind = (op >> 2) & 7, at;

	if (op & 3 ? !m->n : m->n == MAX_RULES)
		return; /* nothing to delete, replace or flip; no room to insert */
	at = pos % (m->n + !(op & 3));
	if (op & 1) {
		if ((op & 3) == 1) { /* delete */
			memmove(&m->rules[at], &m->rules[at + 1],
				(m->n - at - 1) * sizeof(m->rules[0]));
			m->n--;
		} else if (kind < 4) { /* flip */
			m->rules[at].accept ^= 1;
		} else if (m->n < MAX_RULES) { /* copy */
			insert_rule(m, at, m->rules[take(in) % m->n]);
		}
		return;
	}
	a = take(in);
	b = take(in);
	if (op & 2) /* replace */
		m->rules[at] = decode_edit(m, at, kind, a, b);
	else /* insert */
		insert_rule(m, at, decode_edit(m, at, kind, a, b));
}

/* One step's edits to m; false if the input has none left. */
static bool decode_step(struct model *m, struct input *in)
{
	unsigned int edits, i;

	if (in->pos >= in->size)
		return false;
	edits = take(in) % (MAX_EDITS + 1);
	for (i = 0; i < edits; i++)
		decode_edit_op(m, in);
	return true;
}

static void add_rule(struct blob *b, const struct model *m, const struct rule *r)
{
	struct ipt_ip ip = { 0 };
	bool dst = r->kind == RUN_DST || (r->kind == INVERTED && m->dst);

	if (r->kind == SCTP) {
		ip.proto = IPPROTO_SCTP;
		blob_verdict(b, &ip, VERDICT(NF_ACCEPT));
		return;
	}
	ip.proto = m->udp ? IPPROTO_UDP : 0;
	if (dst) {
		ip.dst.s_addr = htonl(r->addr);
		ip.dmsk.s_addr = htonl(r->mask);
	} else {
		ip.src.s_addr = htonl(r->addr);
		ip.smsk.s_addr = htonl(r->mask);
	}
	if (r->kind == INVERTED)
		ip.invflags = dst ? IPT_INV_DSTIP : IPT_INV_SRCIP;
	blob_verdict(b, &ip, VERDICT(r->accept ? NF_ACCEPT : NF_DROP));
}

static void set_jump(struct blob *b, unsigned int at, unsigned int to)
{
	struct ipt_entry *e = blob_at(b, at);
	int verdict = (int)to;

	memcpy((char *)e + e->target_offset + sizeof(struct xt_entry_target), &verdict,
	       sizeof(verdict));
}

/* m as the request iptables would send. */
static void build(const struct model *m, struct blob *b)
{
	unsigned int out, jump_in = 0, jump_out = 0, chain, i;

	blob_init(b);
	if (m->in_chain)
		jump_in = blob_verdict(b, NULL, 0);
	blob_policy(b, NF_INET_LOCAL_IN, VERDICT(NF_ACCEPT), 0);
	blob_policy(b, NF_INET_FORWARD, VERDICT(NF_ACCEPT), b->repl.size);
	out = b->repl.size;
	if (m->lead)
		add_rule(b, m, &(struct rule){ .kind = SCTP });
	if (m->in_chain)
		jump_out = blob_verdict(b, NULL, 0);
	for (i = 0; !m->in_chain && i < m->n; i++)
		add_rule(b, m, &m->rules[i]);
	blob_policy(b, NF_INET_LOCAL_OUT, VERDICT(m->drop_policy ? NF_DROP : NF_ACCEPT), out);
	if (m->in_chain) {
		blob_chain_head(b, "R");
		chain = b->repl.size;
		for (i = 0; i < m->n; i++)
			add_rule(b, m, &m->rules[i]);
		blob_verdict(b, NULL, XT_RETURN);
		set_jump(b, jump_in, chain);
		set_jump(b, jump_out, chain);
	}
	blob_end(b);
}

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

static void fail(const char *what, unsigned int step)
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

/* The verdicts of bt and of ref, then their counters, are the same. */
static void expect_same(const struct bf_bpf_table *bt, const struct bf_bpf_table *ref,
			const struct model *m, const struct probes *p, unsigned int step)
{
	static uint32_t got[2 * MAX_PROBES], want[2 * MAX_PROBES];
	struct xt_counters *c = calloc(ref->num_counters, sizeof(*c));
	struct xt_counters *d = calloc(ref->num_counters, sizeof(*d));

	run_probes(bt, m, p, got);
	run_probes(ref, m, p, want);
	if (memcmp(got, want, 2 * p->n * sizeof(got[0])))
		fail("a verdict differs from the table's loaded fresh", step);
	if (!c || !d)
		goto out;
	if (bt->num_counters != ref->num_counters || bf_bpf_table_counters(bt, c) ||
	    bf_bpf_table_counters(ref, d))
		fail("cannot read the counters", step);
	if (memcmp(c, d, ref->num_counters * sizeof(*c)))
		fail("a rule's counters differ from the table's loaded fresh", step);
out:
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

/*
 * The replaced table keeps its counts; its generation, put back for a
 * moment, sees its rules whole until the update is finished.
 */
static void check_replaced(struct state *s, struct bf_bpf_table *nbt, unsigned int step)
{
	struct xt_counters *c = calloc(s->bt->num_counters, sizeof(*c));
	uint32_t gen = s->bt->layout ? s->bt->layout->gen : 0;

	if (c && (bf_bpf_table_counters(s->bt, c) ||
		  memcmp(c, s->counts, s->bt->num_counters * sizeof(*c))))
		fail("the replaced table's counters changed", step);
	free(c);
	if (set_generation(nbt, gen))
		fail("cannot set the generation", step);
	expect_verdicts(s, nbt,
			"the replaced generation's verdicts changed before the update finished",
			step);
	if (set_generation(nbt, gen + 1))
		fail("cannot set the generation", step);
}

/*
 * next's table object in place of s->bt: a data update, or a load. NULL
 * out of memory. After a data update, early: the verdicts on p's packets
 * in the new generation before the update was finished.
 */
static struct bf_bpf_table *replace(struct state *s, const struct xlate_table *next,
				    const struct xlate_ir *ir, const struct probes *p,
				    uint32_t *early, bool *ran_early, unsigned int step)
{
	struct bf_update *u = NULL;
	struct bf_bpf_table *nbt;
	int ret = bf_update_plan(s->bt, s->t, ir, &u);

	*ran_early = false;
	if (getenv("BF_FUZZ_VERBOSE"))
		fprintf(stderr, "step %u: %u rules, %s\n", step, ir->num_rules,
			ret ? "a load" : "a data update");
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
	ret = nbt ? bf_update_apply(u) : -ENOMEM;
	if (ret && ret != -ENOMEM)
		fail("the update cannot be applied", step);
	if (!ret) {
		run_probes(nbt, &s->m, p, early);
		*ran_early = true;
		check_replaced(s, nbt, step);
		if (bf_update_finish(u))
			fail("the update cannot be finished", step);
	}
	bf_update_free(u);
	if (ret) {
		bf_bpf_table_free(nbt);
		return NULL;
	}
	return nbt;
}

/* s's verdicts on the packets of its rules and those before, its counters after them. */
static void take_stock(struct state *s, unsigned int step)
{
	add_probes(&s->p, &s->m);
	run_probes(s->bt, &s->m, &s->p, s->verdicts);
	free(s->counts);
	s->counts = calloc(s->bt->num_counters, sizeof(*s->counts));
	if (s->counts && bf_bpf_table_counters(s->bt, s->counts))
		fail("cannot read the counters", step);
}

static struct xlate_table *translate(const struct model *m, unsigned int step)
{
	static struct blob b;
	struct xlate_error err = { 0 };
	struct xlate_table *t = NULL;

	build(m, &b);
	if (xlate_table_translate(&b.repl, b.entries, &t, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		fail("the request is refused", step);
	}
	return t;
}

/* Replace s's table by m's, and check the programs then in force. False: out of memory. */
static bool step(struct state *s, const struct model *m, unsigned int step)
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
		nbt = replace(s, next, ir, &p, early, &ran_early, step);
	xlate_ir_free(ir);
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
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct state s;
	static struct model m;
	struct input in = { data, size, 0 };
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
	while (s.bt && n < MAX_STEPS && (decode_step(&m, &in) || !n))
		if (!step(&s, &m, ++n))
			break;
	bf_bpf_table_free(s.bt);
	xlate_table_free(s.t);
	free(s.counts);
	s.counts = NULL;
	return 0;
}
