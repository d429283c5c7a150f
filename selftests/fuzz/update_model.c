// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding fuzz_update.c's input: each rule from two bytes, each edit from
 * two to four (update_seeds.py writes inputs of this shape).
 */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>

#include "update_model.h"

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
		/* a fail2ban chain: all REJECT, but for flipped verdicts */
		.accept = (b & 4) && !m->reject,
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

void decode_table(struct model *m, struct input *in)
{
	uint8_t h = take(in);
	unsigned int n1, n2, i;

	m->dst = h & 1;
	m->in_chain = h & 2;
	m->udp = h & 4;
	m->drop_policy = h & 8;
	m->lens = palettes[(h >> 4) & 3];
	m->lead = h & 0x80;
	/* runs are at least BF_RUN_MIN (32) rules long; the top bit: REJECT */
	n1 = take(in);
	m->reject = n1 & 0x80;
	n1 = 32 + n1 % 32;
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

/*
 * One step's edits to m and its restart; false if the input has none left.
 * Its first byte's low six bits say how many edits (modulo MAX_EDITS + 1)
 * and how far a killed update got (the quotient), the top two when the
 * daemon restarts.
 */
bool decode_step(struct model *m, struct input *in, struct restart_at *restart)
{
	unsigned int edits, i;
	uint8_t first;

	if (in->pos >= in->size)
		return false;
	first = take(in);
	edits = (first & 0x3f) % (MAX_EDITS + 1);
	restart->when = first >> 6;
	restart->partway = (first & 0x3f) / (MAX_EDITS + 1);
	for (i = 0; i < edits; i++)
		decode_edit_op(m, in);
	return true;
}

static void add_rule(struct blob *b, const struct model *m, const struct rule *r)
{
	const struct ipt_reject_info reject = { IPT_ICMP_PORT_UNREACHABLE };
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
	if (m->reject && !r->accept)
		blob_entry(b, &ip, NULL, 0, "REJECT", 0, &reject, sizeof(reject));
	else
		blob_verdict(b, &ip, VERDICT(r->accept ? NF_ACCEPT : NF_DROP));
}

static void set_jump(struct blob *b, unsigned int at, unsigned int to)
{
	struct ipt_entry *e = blob_at(b, at);
	int verdict = (int)to;

	memcpy((char *)e + e->target_offset + sizeof(struct xt_entry_target), &verdict,
	       sizeof(verdict));
}

void build_request(const struct model *m, struct blob *b)
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
