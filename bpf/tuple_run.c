// SPDX-License-Identifier: GPL-2.0
/*
 * Tuple runs: consecutive rules that test only source and destination
 * prefixes, the protocol and tcp/udp port ranges, each ACCEPT or DROP (or
 * all one REJECT, bf_run_target_fits()), as generated rulesets (inventories,
 * per-service allow lists) are. This is tuple space search (Srinivasan, Suri
 * and Varghese, SIGCOMM 1999):
 *
 * - A tuple is a rule shape: the source and destination prefix lengths, and
 *   whether the protocol and a single destination port are given. A run has
 *   at most BF_TUPLE_MAX of them.
 * - A hash table per run holds, per tuple and masked values, the range of
 *   rules with exactly those values (the candidates), in rule order. Each
 *   candidate checks what the key does not say: its port ranges. The table
 *   is open-addressed (linear probing, at most 3/4 full) in an array map:
 *   filled with one copy, where a BPF hash map takes a lock per entry.
 * - Most keys a packet forms are in no rule. A filter of 16 bits per key
 *   (one bit each, bf_tuple_hash()) rules out all but about one in 16 of
 *   them before the table is probed, from a few cache lines.
 *
 * The first rule that matches is the smallest position among each tuple's
 * first matching candidate. Per packet: for each tuple, its key and a bit
 * of the filter; a probe of the table for the keys that pass; the candidates of
 * keys found, until the first match. That does not grow with the run's
 * length while keys are distinct; rules sharing a key (a list of port
 * ranges for one address pair) are walked one by one.
 *
 * Ports follow tcp_mt() and udp_mt(): a rule with a tcp or udp match never
 * matches a later fragment, and a packet too short for the header (or a TCP
 * fragment at offset 1) is dropped, uncounted, by the first such rule whose
 * addresses and protocol match. So that lookup can be made without a port,
 * each single-port tuple also has entries without it (BF_TUPLE_ANY_PORT)
 * naming their first rule.
 */
#include <netinet/in.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "class_maps.h"
#include "classify.h"
#include "tuple_run.h"

struct tuple_rule {
	struct bf_tuple_key key;
	struct bf_tuple_cand cand;
};

/* The rule's ports into c, from a plain tcp or udp match if it has one. */
static bool rule_ports(const struct xlate_rule *r, struct bf_tuple_cand *c, bool *tcp)
{
	const struct xlate_match *m = NULL;
	unsigned int tests = bf_run_tests(r, &m);
	const uint16_t *spts, *dpts;

	c->sport[1] = c->dport[1] = 0xffff;
	if (!tests)
		return true;
	if (tests > 1 || m->ops->revision)
		return false;
	*tcp = !strcmp(m->ops->name, "tcp");
	if (*tcp) {
		const struct xt_tcp *t = m->data;

		if (t->invflags || t->option || t->flg_mask || t->flg_cmp)
			return false;
		spts = t->spts;
		dpts = t->dpts;
	} else if (!strcmp(m->ops->name, "udp")) {
		const struct xt_udp *u = m->data;

		if (u->invflags)
			return false;
		spts = u->spts;
		dpts = u->dpts;
	} else {
		return false;
	}
	memcpy(c->sport, spts, sizeof(c->sport));
	memcpy(c->dport, dpts, sizeof(c->dport));
	c->has_ports = 1;
	return true;
}

/* A prefix (contiguous mask, no address bit outside it): its length. */
static bool prefix(uint32_t addr, uint32_t mask, uint8_t *len)
{
	uint32_t host = ntohl(mask);

	if ((~host & (~host + 1)) || (addr & ~mask))
		return false;
	*len = (uint8_t)bf_prefix_len(host);
	return true;
}

/* What of r the run tests once for all its rules. */
static struct ipt_ip rest_of(const struct xlate_rule *r)
{
	struct ipt_ip rest = r->entry->ip;

	rest.src.s_addr = rest.dst.s_addr = rest.smsk.s_addr = rest.dmsk.s_addr = 0;
	rest.proto = 0;
	return rest;
}

/*
 * r as a tuple rule of the run that first begins, whose common part is rest;
 * false if it is not one.
 */
static bool digest(const struct xlate_rule *first, const struct xlate_rule *r,
		   const struct ipt_ip *rest, struct tuple_rule *out, struct bf_tuple_shape *shape,
		   bool *tcp)
{
	const struct ipt_ip *ip = &r->entry->ip;
	struct ipt_ip other = rest_of(r);

	if (!bf_run_target_fits(first, r))
		return false;
	if ((ip->invflags & (IPT_INV_SRCIP | IPT_INV_DSTIP | IPT_INV_PROTO)) || ip->proto > 255 ||
	    memcmp(&other, rest, sizeof(other)))
		return false;
	memset(out, 0, sizeof(*out));
	memset(shape, 0, sizeof(*shape));
	if (!prefix(ip->src.s_addr, ip->smsk.s_addr, &shape->src_len) ||
	    !prefix(ip->dst.s_addr, ip->dmsk.s_addr, &shape->dst_len) ||
	    !rule_ports(r, &out->cand, tcp))
		return false;
	shape->proto = ip->proto != 0;
	shape->dport = out->cand.has_ports && out->cand.dport[0] == out->cand.dport[1];
	out->key.src = ip->src.s_addr;
	out->key.dst = ip->dst.s_addr;
	out->key.proto = (uint8_t)ip->proto;
	out->key.dport = shape->dport ? out->cand.dport[0] : 0;
	out->cand.value = r->action == XLATE_ACCEPT ? BF_RUN_ACCEPT : 0;
	return true;
}

static int tuple_id(struct bf_tuple_plan *plan, const struct bf_tuple_shape *shape)
{
	unsigned int t;

	for (t = 0; t < plan->num_tuples; t++)
		if (!memcmp(&plan->tuples[t], shape, sizeof(*shape)))
			return (int)t;
	if (plan->num_tuples == BF_TUPLE_MAX)
		return -1;
	plan->tuples[plan->num_tuples] = *shape;
	return (int)plan->num_tuples++;
}

/* The run from start on into *rules (grown as needed); its length, or 0. */
static unsigned int scan(const struct bf_gen *g, unsigned int start, struct bf_tuple_plan *plan,
			 struct tuple_rule **rules)
{
	const struct xlate_ir *ir = g->ir;
	unsigned int n, cap = 0, from[2] = { 0, 0 };

	plan->base = ir->rules[start].index;
	plan->rest = rest_of(&ir->rules[start]);
	for (n = 0; start + n < ir->num_rules && n < BF_RUN_POS; n++) {
		const struct xlate_rule *r = &ir->rules[start + n];
		struct bf_tuple_shape shape;
		struct tuple_rule tr;
		bool tcp = false;
		int id;

		/*
		 * An address run (a blocklist after a few port rules) is left to
		 * its own classifier: one lookup, and bans there are data updates.
		 * A rule ip_tables' walk stops at (a policy, a bare -j ACCEPT)
		 * ends the run before it: the rules after it may be unreachable.
		 */
		if ((n && bf_address_run_at(ir, start + n, from)) || xlate_rule_ends_walk(r) ||
		    !digest(&ir->rules[start], r, &plan->rest, &tr, &shape, &tcp))
			break;
		id = tuple_id(plan, &shape);
		if (id < 0)
			break;
		if (n == cap) {
			struct tuple_rule *more;

			cap = cap ? 2 * cap : 64;
			more = realloc(*rules, cap * sizeof(*more));
			if (!more)
				return 0;
			*rules = more;
		}
		tr.key.tuple = (uint32_t)id;
		tr.cand.value |= n;
		(*rules)[n] = tr;
		plan->tcp_ports |= tr.cand.has_ports && tcp;
		plan->udp_ports |= tr.cand.has_ports && !tcp;
	}
	return n;
}

/* The key rule r files its candidate under: any_port for its port-less shadow. */
static struct bf_tuple_key final_key(const struct bf_tuple_plan *plan, const struct tuple_rule *r,
				     bool any_port)
{
	struct bf_tuple_key k = r->key;

	/* the run's tuples lie at shape_base in the shapes map */
	k.tuple += plan->shape_base;
	if (any_port) {
		k.tuple |= BF_TUPLE_ANY_PORT;
		k.dport = 0;
	}
	k.used = 1;
	return k;
}

/* Key k's entry in the run's table, or the empty one where it belongs. */
static struct bf_tuple_entry *probe(struct bf_tuple_entry *table, unsigned int order,
				    const struct bf_tuple_key *k)
{
	uint32_t mask = (1u << order) - 1, i = bf_tuple_home(bf_tuple_hash(k), order);

	/* the table is at most 3/4 full: an empty entry ends every probe */
	while (table[i].key.used && memcmp(&table[i].key, k, sizeof(*k)))
		i = (i + 1) & mask;
	return &table[i];
}

/* How many keys rule i files: its own, and a shadow for a single-port tuple. */
static unsigned int keys_of(const struct bf_tuple_plan *plan, const struct tuple_rule *r)
{
	return 1 + plan->tuples[r->key.tuple].dport;
}

/*
 * Count each key's candidates (a shadow has one: its first rule), give the
 * keys their ranges of candidates, then fill those in rule order. Where each
 * key went is remembered (slots) for the second pass: a probe is a cache
 * miss or two in a table of megabytes.
 */
static int stage_keys(struct bf_class_maps *m, const struct bf_tuple_plan *plan,
		      struct bf_tuple_entry *table, const struct tuple_rule *rules, unsigned int n,
		      uint32_t *slots)
{
	unsigned int size = 1u << plan->table_order, i, k, s = 0, total = 0;
	int first;

	for (i = 0; i < n; i++)
		for (k = 0; k < keys_of(plan, &rules[i]); k++) {
			struct bf_tuple_key key = final_key(plan, &rules[i], k);
			struct bf_tuple_entry *e = probe(table, plan->table_order, &key);

			e->key = key;
			if (!k || !e->count)
				e->count++;
			slots[s++] = (uint32_t)(e - table);
		}
	for (i = 0; i < size; i++) {
		table[i].first = total;
		total += table[i].count;
		table[i].count = 0;
	}
	first = bf_class_add_cands(m, total);
	if (first < 0)
		return first;
	for (i = 0, s = 0; i < n; i++)
		for (k = 0; k < keys_of(plan, &rules[i]); k++) {
			struct bf_tuple_entry *e = &table[slots[s++]];

			if (k && e->count)
				continue;
			m->cands[first + e->first + e->count++] = rules[i].cand;
		}
	for (i = 0; i < size; i++)
		table[i].first += first;
	return 0;
}

/*
 * One pass over the run's staged table: the longest probe any key needs,
 * and each key's bit in the run's filter, from one hash of the key.
 */
static void index_table(struct bf_class_maps *m, struct bf_tuple_plan *plan)
{
	const struct bf_tuple_entry *table = &m->tables[plan->table_base];
	uint64_t *bloom = &m->bloom[plan->bloom_base];
	uint32_t mask = (1u << plan->table_order) - 1, i;

	plan->probes = 0;
	for (i = 0; i <= mask; i++) {
		uint32_t hash, dist, bit;

		if (!table[i].key.used)
			continue;
		hash = bf_tuple_hash(&table[i].key);
		dist = (i - bf_tuple_home(hash, plan->table_order)) & mask;
		if (dist + 1 > plan->probes)
			plan->probes = dist + 1;
		bit = bf_tuple_bloom_bit(hash, plan->bloom_bits);
		bloom[bit / 64] |= 1ull << (bit % 64);
	}
}

/* The run's table, at most 3/4 full, and its filter of 16 bits per key. */
static int stage_table(struct bf_class_maps *m, struct bf_tuple_plan *plan,
		       const struct tuple_rule *rules, unsigned int n)
{
	unsigned int keys = 0, i;
	uint32_t *slots;
	int base, ret;

	for (i = 0; i < n; i++)
		keys += keys_of(plan, &rules[i]);
	/* at most 3/4 full: keys bounds the distinct keys from above */
	for (plan->table_order = 1; 3u << plan->table_order < 4 * keys; plan->table_order++)
		;
	base = bf_class_add_table(m, 1u << plan->table_order);
	if (base < 0)
		return base;
	plan->table_base = (unsigned int)base;
	slots = malloc(keys * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	ret = stage_keys(m, plan, &m->tables[base], rules, n, slots);
	free(slots);
	if (ret)
		return ret;
	/* about 1 probe in 16 for a key not there */
	for (plan->bloom_bits = 64; plan->bloom_bits < 16 * keys; plan->bloom_bits *= 2)
		;
	base = bf_class_add_bloom(m, plan->bloom_bits / 64);
	if (base < 0)
		return base;
	plan->bloom_base = (unsigned int)base;
	index_table(m, plan);
	return 0;
}

static int stage_shapes(struct bf_class_maps *m, struct bf_tuple_plan *plan)
{
	unsigned int t;
	int ret = 0;

	plan->shape_base = m->nr_shapes;
	for (t = 0; !ret && t < plan->num_tuples; t++) {
		const struct bf_tuple_shape *s = &plan->tuples[t];
		struct bf_tuple_desc d = {
			.smask = s->src_len ? htonl(~0u << (32 - s->src_len)) : 0,
			.dmask = s->dst_len ? htonl(~0u << (32 - s->dst_len)) : 0,
			.key_mask = (s->dport ? BF_TUPLE_KEY_DPORT : 0) |
				    (s->proto ? BF_TUPLE_KEY_PROTO : 0),
			.port_flag = s->dport ? BF_TUPLE_ANY_PORT : 0,
		};

		plan->any_dport |= s->dport;
		plan->any_proto |= s->proto;
		ret = bf_class_add_shape(m, &d);
	}
	return ret;
}

static int stage(struct bf_gen *g, struct bf_tuple_plan *plan, struct tuple_rule *rules,
		 unsigned int n)
{
	struct bf_class_maps *m = g->cls;
	int ret = bf_class_maps_want_tuples(m, g->out);

	if (!ret)
		ret = stage_shapes(m, plan);
	if (!ret)
		ret = stage_table(m, plan, rules, n);
	return ret;
}

int bf_tuple_run(struct bf_gen *g, unsigned int start)
{
	struct bf_run_memo memo = { .tuple = true };
	struct tuple_rule *rules = NULL;
	int ret = 0;

	if (g->memo[start] && g->memo[start]->tuple) {
		memo = *g->memo[start];
	} else {
		memo.len = scan(g, start, &memo.plan, &rules);
		/* a failed allocation finds no run: the rules get straight-line code */
		if (memo.len >= BF_RUN_MIN)
			ret = stage(g, &memo.plan, rules, memo.len);
		free(rules);
		if (memo.len < BF_RUN_MIN || ret)
			return ret;
		bf_run_memo_put(g, start, &memo);
	}
	bf_tuple_gen(g, &memo.plan);
	return g->prog.err ? g->prog.err : (int)memo.len;
}
