// SPDX-License-Identifier: GPL-2.0
/*
 * The code of a tuple run (tuple_run.c explains the method): read the
 * ports, then for each tuple form the key, test its bit in the run's
 * filter, probe the run's table for it and walk its candidates. r8 holds
 * the best candidate so far (BF_RUN_POS for none).
 */
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>

#include "class_maps.h"
#include "classify.h"
#include "ip_match.h"
#include "tuple_run.h"

#define T_ITER (BF_STK_SCRATCH) /* u32 i, u32 end: the probe's or the walk's loop */
#define T_KEY (BF_STK_SCRATCH + 8) /* struct bf_tuple_key, or a struct bf_run_key */
#define T_HASH (BF_STK_SCRATCH + 24) /* u32: bf_tuple_hash() of the key */
#define T_FIRST (BF_STK_SCRATCH + 28) /* u32: the key's first candidate */
#define T_COUNT (BF_STK_SCRATCH + 32) /* u32: its number of candidates */
#define T_HOME (BF_STK_SCRATCH + 36) /* u32: the key's home in the run's table */
#define T_PFLAGS (BF_STK_SCRATCH + 40) /* u32 in a u64: how port rules see the packet, P_* */
#define T_SPORT (BF_STK_SCRATCH + 48) /* u32, host order; with T_DPORT, one u64 */
#define T_DPORT (BF_STK_SCRATCH + 52)
#define T_TITER (BF_STK_SCRATCH + 56) /* u32 i, u32 end: the loop over the tuples */

#define NONE BF_RUN_POS

/*
 * How port rules see the packet is data that the one search reads
 * (T_PFLAGS, T_SPORT, T_DPORT), not code: a copy of the search per case
 * cost the verifier a walk of its loops per case.
 *
 * - ports read: no flag; T_SPORT and T_DPORT hold them.
 * - no tcp or udp header for them (P_NOKEY): port rules do not match.
 *   Single-port tuples are skipped, and the ports lie above every range.
 * - a header that should be there but cannot be read (P_SHORT): port rules
 *   hotdrop. Single-port tuples are looked up without the port (their
 *   BF_TUPLE_ANY_PORT keys, T_DPORT 0); a candidate with ports is taken
 *   with BF_TUPLE_HOTDROP.
 *
 * The values are opaque to the verifier (gen_store_opaque()): had it
 * known them, it would walk the search once per case again. And each way
 * leaves the same kind of stack: two double words, each an unknown
 * number. A narrower store or a known range would make a way's stack
 * differ from another's (a 4-byte store shares its slot with its
 * neighbour, and the verifier compares such slots byte by byte), and the
 * search's loops were walked once more per way.
 */
#define P_NOKEY 1u
#define P_SHORT (BF_TUPLE_ANY_PORT | BF_TUPLE_HOTDROP)
#define P_NO_PORT 0x10000u

#define CAND(field) ((int)offsetof(struct bf_tuple_cand, field))

/* *(u64 *)(fp + off) = r1 + an opaque 0 */
static void gen_store_opaque(struct bf_prog *p, int off)
{
	bf_gen_opaque_zero(p, BF_R3);
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R1, BF_R3));
	bf_emit(p, BF_STX_MEM(BPF_DW, BF_FP, BF_R1, off));
}

/* The flags and both ports, opaque: T_SPORT and T_DPORT both hold port. */
static void gen_opaque_mode(struct bf_prog *p, uint32_t flags, uint32_t port)
{
	bf_emit(p, BF_MOV32_IMM(BF_R1, (int32_t)flags));
	gen_store_opaque(p, T_PFLAGS);
	bf_emit(p, BF_MOV32_IMM(BF_R1, (int32_t)port));
	bf_emit(p, BF_MOV64_REG(BF_R4, BF_R1));
	bf_emit(p, BF_ALU64_IMM(BPF_LSH, BF_R4, 32));
	bf_emit(p, BF_ALU64_REG(BPF_OR, BF_R1, BF_R4));
	gen_store_opaque(p, T_SPORT);
}

/* The port flags and ports of the packet, as the run's port rules see it. */
static void gen_port_mode(struct bf_gen *g, const struct bf_tuple_plan *plan, bf_label search)
{
	struct bf_prog *p = &g->prog;
	bf_label none = bf_label_new(p), l4 = bf_label_new(p), not_tcp = bf_label_new(p);
	bf_label too_short = bf_label_new(p);

	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_IPH(protocol)));
	bf_gen_load_fact(g, BF_R2, BF_STK_FRAGOFF);
	if (plan->tcp_ports) {
		bf_jmp_imm(p, BPF_JNE, BF_R1, IPPROTO_TCP, not_tcp);
		/* a TCP fragment at offset 1 would overwrite the flags */
		bf_jmp_imm(p, BPF_JEQ, BF_R2, 1, too_short);
		bf_jmp_imm(p, BPF_JNE, BF_R2, 0, none);
		bf_gen_read_l4_fixed(g, sizeof(struct tcphdr), 4, too_short);
		bf_jmp(p, l4);
	}
	bf_label_bind(p, not_tcp);
	if (!plan->udp_ports) {
		bf_jmp(p, none);
	} else {
		bf_jmp_imm(p, BPF_JNE, BF_R1, IPPROTO_UDP, none);
		bf_jmp_imm(p, BPF_JNE, BF_R2, 0, none);
		bf_gen_read_l4_fixed(g, sizeof(struct udphdr), 4, too_short);
	}
	bf_label_bind(p, l4);
	/* tcphdr and udphdr both begin with source and dest */
	bf_emit(p, BF_MOV64_IMM(BF_R1, 0));
	gen_store_opaque(p, T_PFLAGS);
	bf_gen_load_be16(g, BF_R1, BF_STK_L4);
	bf_gen_load_be16(g, BF_R4, BF_STK_L4 + 2);
	bf_emit(p, BF_ALU64_IMM(BPF_LSH, BF_R4, 32));
	bf_emit(p, BF_ALU64_REG(BPF_OR, BF_R1, BF_R4));
	gen_store_opaque(p, T_SPORT);
	bf_jmp(p, search);
	bf_label_bind(p, too_short);
	gen_opaque_mode(p, P_SHORT, 0);
	bf_jmp(p, search);
	bf_label_bind(p, none);
	gen_opaque_mode(p, P_NOKEY, P_NO_PORT);
}

#define DESC(field) ((int)offsetof(struct bf_tuple_desc, field))

/* r1 ^= (u64)*(u32 *)(fp + off) * k */
static void gen_hash_word(struct bf_prog *p, int off, int32_t k)
{
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, off));
	bf_emit(p, BF_ALU64_IMM(BPF_MUL, BF_R2, k));
	bf_emit(p, BF_ALU64_REG(BPF_XOR, BF_R1, BF_R2));
}

/*
 * T_HASH = bf_tuple_hash() of the key at T_KEY; skip the key unless its bit
 * is set in the run's filter.
 */
static void gen_bloom(struct bf_gen *g, const struct bf_tuple_plan *plan, bf_label skip)
{
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_MOV64_IMM(BF_R1, 0));
	gen_hash_word(p, T_KEY, BF_TUPLE_HASH_K0);
	gen_hash_word(p, T_KEY + 4, BF_TUPLE_HASH_K1);
	gen_hash_word(p, T_KEY + 8, BF_TUPLE_HASH_K2);
	gen_hash_word(p, T_KEY + 12, BF_TUPLE_HASH_K3);
	bf_emit(p, BF_ALU64_IMM(BPF_RSH, BF_R1, 32));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_HASH));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, (int32_t)(plan->bloom_bits - 1)));
	bf_emit(p, BF_ALU64_IMM(BPF_RSH, BF_R1, 6));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, (int32_t)plan->bloom_base));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_KEY));
	bf_gen_map_lookup(g, g->cls->bloom_fd, BF_STK_KEY, skip);
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_R0, 0));
	/* filters have 64 bits or more: the bit's place in its word */
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, T_HASH));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R2, 63));
	bf_emit(p, BF_ALU64_REG(BPF_RSH, BF_R1, BF_R2));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, 1));
	bf_jmp_imm(p, BPF_JEQ, BF_R1, 0, skip);
}

/* T_KEY+4 (off) = the address at addr_off masked by the desc's mask at mask_off */
static void gen_masked(struct bf_prog *p, int addr_off, int mask_off, int off)
{
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, addr_off));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, mask_off));
	bf_emit(p, BF_ALU64_REG(BPF_AND, BF_R1, BF_R2));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, off));
}

/*
 * The key of tuple BF_STK_KEY (desc in r0) at T_KEY; a packet it cannot
 * match goes to skip. Without branches on the tuple's shape: the desc's
 * masks pick the fields, so that every tuple leaves the same kind of key
 * and the verifier walks the probe and the walk after it once, not once
 * per combination of fields.
 */
static void gen_key(struct bf_gen *g, const struct bf_tuple_plan *plan, bf_label skip)
{
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, BF_STK_KEY));
	if (plan->any_dport) {
		/* no header to read ports from: a tuple on dport cannot match */
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, T_PFLAGS));
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R3, BF_R0, DESC(port_flag)));
		bf_emit(p, BF_MOV64_REG(BF_R4, BF_R2));
		bf_emit(p, BF_ALU32_IMM(BPF_AND, BF_R4, P_NOKEY));
		bf_emit(p, BF_ALU32_REG(BPF_MUL, BF_R4, BF_R3));
		bf_jmp32_imm(p, BPF_JNE, BF_R4, 0, skip);
		/* a header too short (P_SHORT): a tuple on dport takes its port-less keys */
		bf_emit(p, BF_ALU32_REG(BPF_AND, BF_R2, BF_R3));
		bf_emit(p, BF_ALU64_REG(BPF_OR, BF_R1, BF_R2));
	}
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_KEY));
	gen_masked(p, BF_IPH(saddr), DESC(smask), T_KEY + 4);
	gen_masked(p, BF_IPH(daddr), DESC(dmask), T_KEY + 8);
	if (!plan->any_dport && !plan->any_proto) {
		/* dport 0, proto 0, used 1 */
		bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, T_KEY + 12, 1 << 24));
		return;
	}
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, T_DPORT));
	bf_emit(p, BF_ALU32_IMM(BPF_AND, BF_R1, (int32_t)BF_TUPLE_KEY_DPORT));
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R2, BF_FP, BF_IPH(protocol)));
	bf_emit(p, BF_ALU32_IMM(BPF_LSH, BF_R2, 16));
	bf_emit(p, BF_ALU32_REG(BPF_OR, BF_R1, BF_R2));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, DESC(key_mask)));
	bf_emit(p, BF_ALU32_REG(BPF_AND, BF_R1, BF_R2));
	bf_emit(p, BF_ALU32_IMM(BPF_OR, BF_R1, 1 << 24));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_KEY + 12));
}

/* r2 (a port) in the candidate's range [r0 + off], else to nomatch. */
static void gen_port_range(struct bf_prog *p, int port_off, int range_off, bf_label nomatch)
{
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, port_off));
	bf_emit(p, BF_LDX_MEM(BPF_H, BF_R3, BF_R0, range_off));
	bf_jmp_reg(p, BPF_JLT, BF_R2, BF_R3, nomatch);
	bf_emit(p, BF_LDX_MEM(BPF_H, BF_R3, BF_R0, range_off + 2));
	bf_jmp_reg(p, BPF_JGT, BF_R2, BF_R3, nomatch);
}

/*
 * The candidate in r0 with value r1 matches (else to nomatch): its ports,
 * or a hotdrop when they cannot be read.
 */
static void gen_cand_ports(struct bf_gen *g, bf_label nomatch, bf_label found)
{
	struct bf_prog *p = &g->prog;
	bf_label unreadable = bf_label_new(p);

	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, CAND(has_ports)));
	bf_jmp_imm(p, BPF_JEQ, BF_R2, 0, found);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, T_PFLAGS));
	bf_jmp32_imm(p, BPF_JSET, BF_R2, BF_TUPLE_HOTDROP, unreadable);
	gen_port_range(p, T_SPORT, CAND(sport), nomatch);
	gen_port_range(p, T_DPORT, CAND(dport), nomatch);
	bf_jmp(p, found);
	bf_label_bind(p, unreadable);
	bf_emit(p, BF_ALU32_IMM(BPF_OR, BF_R1, BF_TUPLE_HOTDROP));
}

/*
 * The same stack at each turn of the tuples loop, whichever way the last
 * one ended: the verifier walks the loop until a turn begins in a state it
 * has seen, and leftovers (a key's bounds, a hash) would make each way a
 * new state. Registers need no scrubbing, as a turn writes them before
 * it reads them: zeroing r0-r5 on every way back only gave the verifier
 * more to check (a tenth of its walk of a 10,000-rule chain).
 * T_HASH to T_HOME are two aligned double words (BF_STK_SCRATCH is).
 */
static void gen_scrub(struct bf_prog *p)
{
	int off;

	for (off = T_HASH; off <= T_HOME; off += 8)
		bf_emit(p, BF_ST_MEM(BPF_DW, BF_FP, off, 0));
	bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, BF_STK_KEY, 0));
	bf_emit(p, BF_ST_MEM(BPF_DW, BF_FP, T_KEY, 0));
	bf_emit(p, BF_ST_MEM(BPF_DW, BF_FP, T_KEY + 8, 0));
}

/*
 * For each i in [r2, r3) (u32s), with i and the end in the double word at
 * fp + at: r1 = i. The body jumps to loop for the next i; after the last
 * one, to done. A may_goto loop (Linux 6.9): the verifier checks it as an
 * iterator's, until a turn begins in a state it has seen, and it costs a
 * decrement per turn where bpf_iter_num_next() was a call (106 to 92 ns
 * per packet through 10,000 mixed rules). The double word is opaque and
 * rewritten whole at each turn, so that every turn starts alike. Should a
 * packet use up the program's budget of 8 million turns (it would take
 * millions of rules sharing keys), it goes to spent: dropped, not judged
 * on half a search.
 */
static void gen_iter(struct bf_gen *g, int at, bf_label loop, bf_label done, bf_label spent)
{
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_ALU64_IMM(BPF_LSH, BF_R3, 32));
	bf_emit(p, BF_ALU64_REG(BPF_OR, BF_R3, BF_R2));
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_R3));
	gen_store_opaque(p, at);
	bf_label_bind(p, loop);
	bf_may_goto(p, spent);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, at));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, at + 4));
	bf_jmp_reg(p, BPF_JGE, BF_R1, BF_R2, done);
	/* i + 1 < 2^32 (i < end): the whole double word, as unknown as before */
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R2, BF_FP, at));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R2, 1));
	bf_emit(p, BF_STX_MEM(BPF_DW, BF_FP, BF_R2, at));
}

/* gen_iter() with r0 = &map_fd[i]; an i not in the map goes to miss. */
static void gen_for_each(struct bf_gen *g, int at, int map_fd, bf_label loop, bf_label done,
			 bf_label miss, bf_label spent)
{
	struct bf_prog *p = &g->prog;

	gen_iter(g, at, loop, done, spent);
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_KEY));
	bf_gen_map_lookup(g, map_fd, BF_STK_KEY, miss);
}

#define ENTRY(field) ((int)offsetof(struct bf_tuple_entry, field))

/* r1 = the u64 at r0 + off; to differ unless it equals the one at fp + key_off */
static void gen_cmp64(struct bf_prog *p, int off, int key_off, bf_label differ)
{
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_R0, off));
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R2, BF_FP, key_off));
	bf_jmp_reg(p, BPF_JNE, BF_R1, BF_R2, differ);
}

/*
 * Probe the run's table for the key at T_KEY, from its home on (linear
 * probing, at most plan->probes entries, up to an empty one): T_FIRST and
 * T_COUNT name its candidates; a key not there goes to skip. No flag says
 * which: a constant the loop carries would multiply the verifier's work.
 */
static void gen_probe(struct bf_gen *g, const struct bf_tuple_plan *plan, bf_label skip,
		      bf_label spent)
{
	struct bf_prog *p = &g->prog;
	bf_label loop = bf_label_new(p), end = bf_label_new(p), found = bf_label_new(p);

	/* bf_tuple_home() */
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, T_HASH));
	bf_emit(p, BF_ALU32_IMM(BPF_MUL, BF_R1, (int32_t)BF_TUPLE_HOME_K));
	bf_emit(p, BF_ALU32_IMM(BPF_RSH, BF_R1, 32 - (int)plan->table_order));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_HOME));
	bf_emit(p, BF_MOV64_IMM(BF_R2, 0));
	bf_emit(p, BF_MOV64_IMM(BF_R3, (int32_t)plan->probes));
	gen_iter(g, T_ITER, loop, end, spent);
	/* entry (home + i) mod size of the run's table */
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, T_HOME));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R1, BF_R2));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, (int32_t)((1u << plan->table_order) - 1)));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, (int32_t)plan->table_base));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_KEY));
	bf_gen_map_lookup(g, g->cls->tables_fd, BF_STK_KEY, end);
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_R0, ENTRY(key.used)));
	bf_jmp_imm(p, BPF_JEQ, BF_R1, 0, end);
	gen_cmp64(p, ENTRY(key), T_KEY, loop);
	gen_cmp64(p, ENTRY(key) + 8, T_KEY + 8, loop);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_R0, ENTRY(first)));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_FIRST));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_R0, ENTRY(count)));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_COUNT));
	bf_jmp(p, found);
	bf_label_bind(p, end);
	bf_jmp(p, skip);
	bf_label_bind(p, found);
}

/* Candidates [T_FIRST, T_FIRST + T_COUNT), up to the first match before r8. */
static void gen_walk(struct bf_gen *g, const struct bf_tuple_plan *plan, bf_label spent)
{
	struct bf_prog *p = &g->prog;
	bf_label loop = bf_label_new(p), found = bf_label_new(p), end = bf_label_new(p);

	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, T_FIRST));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R3, BF_FP, T_COUNT));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R3, BF_R2));
	gen_for_each(g, T_ITER, g->cls->cands_fd, loop, end, end, spent);
	/* in rule order: once past the best so far, nothing here can win */
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_R0, CAND(value)));
	bf_emit(p, BF_MOV64_REG(BF_R2, BF_R1));
	bf_emit(p, BF_ALU32_IMM(BPF_AND, BF_R2, NONE));
	bf_emit(p, BF_MOV64_REG(BF_R3, BF_R8));
	bf_emit(p, BF_ALU32_IMM(BPF_AND, BF_R3, NONE));
	bf_jmp_reg(p, BPF_JGE, BF_R2, BF_R3, end);
	if (plan->tcp_ports || plan->udp_ports)
		gen_cand_ports(g, loop, found);
	bf_label_bind(p, found);
	bf_emit(p, BF_MOV64_REG(BF_R8, BF_R1));
	bf_label_bind(p, end);
}

/*
 * Each tuple in turn: ruled out by the filter, or looked up and its
 * candidates walked; r8 = the first match, NONE for none. Then to judge.
 */
static void gen_search(struct bf_gen *g, const struct bf_tuple_plan *plan, bf_label judge,
		       bf_label spent)
{
	struct bf_prog *p = &g->prog;
	bf_label loop = bf_label_new(p), done = bf_label_new(p), next = bf_label_new(p);

	/* NONE, opaque: as unknown as a match found later, one state for both */
	bf_gen_opaque_zero(p, BF_R8);
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R8, NONE));
	gen_scrub(p);
	bf_emit(p, BF_MOV64_IMM(BF_R2, (int)plan->shape_base));
	bf_emit(p, BF_MOV64_IMM(BF_R3, (int)(plan->shape_base + plan->num_tuples)));
	gen_for_each(g, T_TITER, g->cls->shapes_fd, loop, done, next, spent);
	gen_key(g, plan, next);
	gen_bloom(g, plan, next);
	gen_probe(g, plan, next, spent);
	gen_walk(g, plan, spent);
	bf_label_bind(p, next);
	gen_scrub(p);
	bf_jmp(p, loop);
	bf_label_bind(p, done);
	bf_jmp(p, judge);
}

void bf_tuple_gen(struct bf_gen *g, const struct bf_tuple_plan *plan)
{
	struct bf_prog *p = &g->prog;
	bf_label none = bf_label_new(p), hotdrop = bf_label_new(p), judge = bf_label_new(p);
	bf_label search = bf_label_new(p);

	bf_gen_ip_match(g, &plan->rest, none);
	if (plan->tcp_ports || plan->udp_ports)
		gen_port_mode(g, plan, search);
	bf_label_bind(p, search);
	gen_search(g, plan, judge, hotdrop);
	bf_label_bind(p, judge);
	bf_jmp_imm(p, BPF_JEQ, BF_R8, NONE, none);
	/* tcp_mt()/udp_mt() hotdrop: dropped, the rule not counted */
	bf_jmp32_imm(p, BPF_JSET, BF_R8, BF_TUPLE_HOTDROP, hotdrop);
	bf_gen_run_verdict(g, &g->ir->rules[plan->base]);
	bf_label_bind(p, hotdrop);
	bf_gen_exit(g, NF_DROP);
	bf_label_bind(p, none);
}
