/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build ipt_replace blobs for the validator tests, entry by entry, the way
 * libiptc lays them out.
 */
#ifndef BPFILTER_SELFTESTS_BLOB_H
#define BPFILTER_SELFTESTS_BLOB_H

#include <stdint.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#define BLOB_MAX (1 << 20)
#define FILTER_HOOKS ((1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT))
#define VERDICT(v) (-(v)-1)

struct blob {
	struct ipt_replace repl;
	unsigned char entries[BLOB_MAX] __attribute__((aligned(8)));
	unsigned int last; /* offset of the last entry added */
};

static inline void blob_init(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	strcpy(b->repl.name, "filter");
	b->repl.valid_hooks = FILTER_HOOKS;
	b->repl.num_counters = 4;
	memset(b->repl.hook_entry, 0xff, sizeof(b->repl.hook_entry));
	memset(b->repl.underflow, 0xff, sizeof(b->repl.underflow));
}

/* Append a match (name, revision, payload) to the entry being built. */
static inline unsigned int blob_match(unsigned char *at, const char *name, uint8_t rev,
				      const void *data, unsigned int size)
{
	struct xt_entry_match *m = (void *)at;
	unsigned int total = XT_ALIGN(sizeof(*m) + size);

	memset(m, 0, total);
	m->u.match_size = total;
	strcpy(m->u.user.name, name);
	m->u.user.revision = rev;
	memcpy(m->data, data, size);
	return total;
}

/*
 * Append an entry: ip header, matches already laid out in mbuf (mlen bytes),
 * then a target (name, revision, payload). Returns the entry's offset. The
 * target is copied in place: matches of a wrong size may misalign it.
 */
static inline unsigned int blob_entry(struct blob *b, const struct ipt_ip *ip, const void *mbuf,
				      unsigned int mlen, const char *tname, uint8_t trev,
				      const void *tdata, unsigned int tsize)
{
	unsigned int off = b->repl.size;
	struct ipt_entry *e = (void *)(b->entries + off);
	struct xt_entry_target t = { 0 };
	unsigned int tlen = XT_ALIGN(sizeof(t) + tsize);
	unsigned char *at;

	memset(e, 0, sizeof(*e) + mlen + tlen);
	if (ip)
		e->ip = *ip;
	if (mlen) /* no matches: mbuf may be NULL */
		memcpy(e->elems, mbuf, mlen);
	e->target_offset = sizeof(*e) + mlen;
	e->next_offset = e->target_offset + tlen;
	t.u.target_size = tlen;
	strcpy(t.u.user.name, tname);
	t.u.user.revision = trev;
	at = (unsigned char *)e + e->target_offset;
	memcpy(at, &t, sizeof(t));
	if (tsize) /* no payload: tdata may be NULL */
		memcpy(at + sizeof(t), tdata, tsize);
	b->repl.size += e->next_offset;
	b->repl.num_entries++;
	b->last = off;
	return off;
}

static inline unsigned int blob_verdict(struct blob *b, const struct ipt_ip *ip, int verdict)
{
	return blob_entry(b, ip, NULL, 0, XT_STANDARD_TARGET, 0, &verdict, sizeof(verdict));
}

static inline unsigned int blob_chain_head(struct blob *b, const char *name)
{
	char errname[XT_FUNCTION_MAXNAMELEN] = { 0 };

	strcpy(errname, name);
	return blob_entry(b, NULL, NULL, 0, XT_ERROR_TARGET, 0, errname, sizeof(errname));
}

/* Policy entry for a built-in chain: its hook entry and underflow. */
static inline unsigned int blob_policy(struct blob *b, unsigned int hook, int verdict,
				       unsigned int chain_start)
{
	unsigned int off = blob_verdict(b, NULL, verdict);

	b->repl.hook_entry[hook] = chain_start;
	b->repl.underflow[hook] = off;
	return off;
}

static inline void blob_end(struct blob *b)
{
	blob_chain_head(b, XT_ERROR_TARGET);
}

static inline struct ipt_entry *blob_at(struct blob *b, unsigned int off)
{
	return (struct ipt_entry *)(b->entries + off);
}

/*
 * After INPUT's rules (starting at input_start): INPUT's policy, then FORWARD
 * and OUTPUT with ACCEPT policies and no rules.
 */
static inline void blob_builtin_policies(struct blob *b, int input_verdict,
					 unsigned int input_start)
{
	blob_policy(b, NF_INET_LOCAL_IN, input_verdict, input_start);
	blob_policy(b, NF_INET_FORWARD, VERDICT(NF_ACCEPT), b->repl.size);
	blob_policy(b, NF_INET_LOCAL_OUT, VERDICT(NF_ACCEPT), b->repl.size);
}

/* The filter table with three ACCEPT policies, as the kernel creates it. */
static inline void blob_filter(struct blob *b)
{
	blob_init(b);
	blob_builtin_policies(b, VERDICT(NF_ACCEPT), 0);
	blob_end(b);
}

#endif /* BPFILTER_SELFTESTS_BLOB_H */
