/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tuple runs: the classifier for runs of 5-tuple rules (see tuple_run.c).
 * The layouts below are shared by the maps user space fills and the code
 * that reads them.
 */
#ifndef BPFILTER_BPF_TUPLE_RUN_H
#define BPFILTER_BPF_TUPLE_RUN_H

#include <stdint.h>
#include <string.h>

#include "codegen.h"

/* Most tuples (distinct rule shapes) in one run: each costs a test per packet. */
#define BF_TUPLE_MAX 64

/* Key of the hash table: a tuple's masked packet fields. */
struct bf_tuple_key {
	uint32_t tuple; /* tuple id, BF_TUPLE_ANY_PORT for a lookup without dport */
	uint32_t src; /* network order, masked by the tuple's prefix */
	uint32_t dst;
	uint16_t dport; /* host order; 0 unless the tuple keys on it */
	uint8_t proto; /* 0 unless the tuple keys on it */
	uint8_t used; /* 1: an empty entry (0) equals no key */
};

#define BF_TUPLE_ANY_PORT 0x80000000u

/*
 * A key's hash, as the generated code computes it too: products of the
 * key's words by odd constants below 2^31 (BPF sign-extends immediates);
 * the high half of their sum mixes every input bit. Its low bits pick the
 * key's bit in the run's filter, its high bits its home in the run's table.
 */
#define BF_TUPLE_HASH_K0 0x5bd1e995
#define BF_TUPLE_HASH_K1 0x1b873593
#define BF_TUPLE_HASH_K2 0x2c1b3c6d
#define BF_TUPLE_HASH_K3 0x297a2d39

static inline uint32_t bf_tuple_hash(const struct bf_tuple_key *k)
{
	uint32_t w[4];
	uint64_t h;

	memcpy(w, k, sizeof(w));
	h = (uint64_t)w[0] * BF_TUPLE_HASH_K0 ^ (uint64_t)w[1] * BF_TUPLE_HASH_K1 ^
	    (uint64_t)w[2] * BF_TUPLE_HASH_K2 ^ (uint64_t)w[3] * BF_TUPLE_HASH_K3;
	return (uint32_t)(h >> 32);
}

/* The key's bit in a filter of bits bits (a power of two). */
static inline uint32_t bf_tuple_bloom_bit(uint32_t hash, uint32_t bits)
{
	return hash & (bits - 1);
}

/*
 * The key's home in a table of 1 << order entries (order >= 1): the hash's
 * top bits are poor (products below 2^63), so it is mixed again, Fibonacci
 * hashing's multiplication by 2^32 / golden ratio, whose top bits are good.
 */
#define BF_TUPLE_HOME_K 0x9e3779b1u

static inline uint32_t bf_tuple_home(uint32_t hash, unsigned int order)
{
	return (uint32_t)(hash * BF_TUPLE_HOME_K) >> (32 - order);
}

/*
 * An entry of a run's hash table (open addressing, linear probing): a key
 * and its candidates, in rule order.
 */
struct bf_tuple_entry {
	struct bf_tuple_key key;
	uint32_t first; /* in the candidates array */
	uint32_t count;
};

/* A candidate rule: what the key does not say about it. */
struct bf_tuple_cand {
	uint32_t value; /* BF_RUN_ACCEPT, BF_TUPLE_HOTDROP | position in the run */
	uint16_t sport[2]; /* inclusive range, host order */
	uint16_t dport[2];
	uint32_t has_ports; /* a tcp or udp match: no fragments, hotdrop if short */
};

/* Beside BF_RUN_ACCEPT (classify.h): the rule found hotdrops the packet. */
#define BF_TUPLE_HOTDROP 0x40000000u

/* A tuple: which fields a group of rules constrains, and how. */
struct bf_tuple_shape {
	uint8_t src_len, dst_len; /* prefix lengths */
	bool proto; /* the key holds the protocol */
	bool dport; /* the key holds the destination port (single-port rules) */
};

/* A tuple as the code reads it (the array map of a run's tuples). */
struct bf_tuple_desc {
	uint32_t smask, dmask; /* network order */
	/* of the key's last word (dport, proto, used): BF_TUPLE_KEY_DPORT, _PROTO */
	uint32_t key_mask;
	uint32_t port_flag; /* BF_TUPLE_ANY_PORT if the tuple keys on dport, else 0 */
};

#define BF_TUPLE_KEY_DPORT 0x0000ffffu
#define BF_TUPLE_KEY_PROTO 0x00ff0000u

/* A run as the code generator needs it, its entries staged (class_maps.h). */
struct bf_tuple_plan {
	unsigned int base; /* index of the run's first rule */
	struct ipt_ip rest; /* what every rule of the run tests besides the tuple */
	struct bf_tuple_shape tuples[BF_TUPLE_MAX];
	unsigned int num_tuples;
	bool tcp_ports, udp_ports; /* some rule has a tcp (udp) match */
	bool any_dport, any_proto; /* some tuple keys on the port (protocol) */
	unsigned int shape_base; /* its tuples' index in the shapes map */
	unsigned int bloom_base; /* its filter's first word in the bloom map */
	unsigned int bloom_bits; /* the filter's size, a power of two */
	unsigned int table_base; /* its hash table's first entry in the tables map */
	unsigned int table_order; /* the table has 1 << table_order entries */
	unsigned int probes; /* no key lies further than probes - 1 from its home */
};

/* Emit the code of a run whose entries are staged (tuple_gen.c). */
void bf_tuple_gen(struct bf_gen *g, const struct bf_tuple_plan *plan);

/*
 * If the rules from start on begin a tuple run, emit its code and return
 * how many rules it covers; 0 if none, or a negative errno.
 */
int bf_tuple_run(struct bf_gen *g, unsigned int start);

#endif /* BPFILTER_BPF_TUPLE_RUN_H */
