// SPDX-License-Identifier: GPL-2.0
/*
 * The code of a tuple run (tuple_run.c explains the method): read the
 * ports, then for each tuple form the key, test its bit in the run's
 * filter, look it up and walk its candidates. r8 holds the best candidate
 * so far (BF_RUN_POS for none).
 */
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>

#include "class_maps.h"
#include "classify.h"
#include "ip_match.h"
#include "tuple_run.h"

#define T_ITER (BF_STK_SCRATCH) /* struct bpf_iter_num */
#define T_KEY (BF_STK_SCRATCH + 8) /* struct bf_tuple_key, or a struct bf_run_key */
#define T_BIT (BF_STK_SCRATCH + 24) /* u32: the key's bit in the run's filter */
#define T_MODE (BF_STK_SCRATCH + 40) /* u32: enum port_mode */
#define T_SPORT (BF_STK_SCRATCH + 44) /* u32, host order */
#define T_DPORT (BF_STK_SCRATCH + 48)
#define T_TITER (BF_STK_SCRATCH + 56) /* struct bpf_iter_num over the tuples */

#define NONE BF_RUN_POS

enum port_mode {
	PORTS_READ,
	PORTS_NONE, /* no tcp or udp header here: port rules do not match */
	PORTS_SHORT, /* one should be but cannot be read: port rules hotdrop */
};

#define CAND(field) ((int)offsetof(struct bf_tuple_cand, field))

/* T_MODE, and T_SPORT/T_DPORT when it is PORTS_READ, as tcp_mt()/udp_mt() see them. */
static void gen_port_mode(struct bf_gen *g, const struct bf_tuple_plan *plan)
{
	struct bf_prog *p = &g->prog;
	bf_label done = bf_label_new(p), too_short = bf_label_new(p), read = bf_label_new(p);
	bf_label not_tcp = bf_label_new(p);

	bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, T_MODE, PORTS_NONE));
	if (!plan->tcp_ports && !plan->udp_ports)
		return;
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_IPH(protocol)));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, BF_STK_FRAGOFF));
	if (plan->tcp_ports) {
		bf_jmp_imm(p, BPF_JNE, BF_R1, IPPROTO_TCP, not_tcp);
		/* a TCP fragment at offset 1 would overwrite the flags */
		bf_jmp_imm(p, BPF_JEQ, BF_R2, 1, too_short);
		bf_jmp_imm(p, BPF_JNE, BF_R2, 0, done);
		bf_emit(p, BF_MOV64_IMM(BF_R2, sizeof(struct tcphdr)));
		bf_jmp(p, read);
	}
	bf_label_bind(p, not_tcp);
	if (!plan->udp_ports) {
		bf_jmp(p, done);
	} else {
		bf_jmp_imm(p, BPF_JNE, BF_R1, IPPROTO_UDP, done);
		bf_jmp_imm(p, BPF_JNE, BF_R2, 0, done);
		bf_emit(p, BF_MOV64_IMM(BF_R2, sizeof(struct udphdr)));
	}
	bf_label_bind(p, read);
	bf_gen_read_l4(g, too_short);
	/* tcphdr and udphdr both begin with source and dest */
	bf_gen_load_be16(g, BF_R1, BF_STK_L4);
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_SPORT));
	bf_gen_load_be16(g, BF_R1, BF_STK_L4 + 2);
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_DPORT));
	bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, T_MODE, PORTS_READ));
	bf_jmp(p, done);
	bf_label_bind(p, too_short);
	bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, T_MODE, PORTS_SHORT));
	bf_label_bind(p, done);
}

#define DESC(field) ((int)offsetof(struct bf_tuple_desc, field))

/* r1 ^= (u64)*(u32 *)(fp + off) * k */
static void gen_hash_word(struct bf_prog *p, int off, int32_t k)
{
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, off));
	bf_emit(p, BF_ALU64_IMM(BPF_MUL, BF_R2, k));
	bf_emit(p, BF_ALU64_REG(BPF_XOR, BF_R1, BF_R2));
}

/* Skip the key at T_KEY unless its bit is set in the run's filter (bf_tuple_hash()). */
static void gen_bloom(struct bf_gen *g, const struct bf_tuple_plan *plan, bf_label skip)
{
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_MOV64_IMM(BF_R1, 0));
	gen_hash_word(p, T_KEY, BF_TUPLE_HASH_K0);
	gen_hash_word(p, T_KEY + 4, BF_TUPLE_HASH_K1);
	gen_hash_word(p, T_KEY + 8, BF_TUPLE_HASH_K2);
	gen_hash_word(p, T_KEY + 12, BF_TUPLE_HASH_K3);
	bf_emit(p, BF_ALU64_IMM(BPF_RSH, BF_R1, 32));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, (int32_t)(plan->bloom_bits - 1)));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_BIT));
	bf_emit(p, BF_ALU64_IMM(BPF_RSH, BF_R1, 6));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, (int32_t)plan->bloom_base));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_KEY));
	bf_gen_map_lookup(g, g->cls->bloom_fd, BF_STK_KEY, skip);
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_R0, 0));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, T_BIT));
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

/* The key of tuple BF_STK_KEY (desc in r0) at T_KEY; a packet it cannot match goes to skip. */
static void gen_key(struct bf_gen *g, const struct bf_tuple_plan *plan, bf_label skip)
{
	struct bf_prog *p = &g->prog;
	bf_label with_port = bf_label_new(p), addrs = bf_label_new(p), no_proto = bf_label_new(p);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, BF_STK_KEY));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_KEY));
	bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, T_KEY + 12, 0));
	if (plan->any_dport) {
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, DESC(dport)));
		bf_jmp_imm(p, BPF_JEQ, BF_R2, 0, addrs);
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, T_MODE));
		bf_jmp_imm(p, BPF_JEQ, BF_R2, PORTS_NONE, skip);
		bf_jmp_imm(p, BPF_JEQ, BF_R2, PORTS_READ, with_port);
		bf_emit(p, BF_ALU32_IMM(BPF_OR, BF_R1, (int32_t)BF_TUPLE_ANY_PORT));
		bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, T_KEY));
		bf_jmp(p, addrs);
		bf_label_bind(p, with_port);
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, T_DPORT));
		bf_emit(p, BF_STX_MEM(BPF_H, BF_FP, BF_R1, T_KEY + 12));
	}
	bf_label_bind(p, addrs);
	gen_masked(p, BF_IPH(saddr), DESC(smask), T_KEY + 4);
	gen_masked(p, BF_IPH(daddr), DESC(dmask), T_KEY + 8);
	if (plan->any_proto) {
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, DESC(proto)));
		bf_jmp_imm(p, BPF_JEQ, BF_R2, 0, no_proto);
		bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_IPH(protocol)));
		bf_emit(p, BF_STX_MEM(BPF_B, BF_FP, BF_R1, T_KEY + 14));
	}
	bf_label_bind(p, no_proto);
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
	bf_label too_short = bf_label_new(p);

	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, CAND(has_ports)));
	bf_jmp_imm(p, BPF_JEQ, BF_R2, 0, found);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, T_MODE));
	bf_jmp_imm(p, BPF_JEQ, BF_R2, PORTS_NONE, nomatch);
	bf_jmp_imm(p, BPF_JEQ, BF_R2, PORTS_SHORT, too_short);
	gen_port_range(p, T_SPORT, CAND(sport), nomatch);
	gen_port_range(p, T_DPORT, CAND(dport), nomatch);
	bf_jmp(p, found);
	bf_label_bind(p, too_short);
	bf_emit(p, BF_ALU32_IMM(BPF_OR, BF_R1, BF_TUPLE_HOTDROP));
}

/* fp + off, an iterator's address, in r1 */
static void iter_arg(struct bf_prog *p, int off)
{
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, off));
}

/*
 * For each i in [r2, r3), with the iterator at fp + iter: r0 = &map_fd[i].
 * The body jumps to loop for the next i; after the last one, to done; an i
 * not in the map goes to miss.
 */
static void gen_for_each(struct bf_gen *g, int iter, int map_fd, bf_label loop, bf_label done,
			 bf_label miss)
{
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;

	iter_arg(p, iter);
	bf_emit(p, BF_CALL_KFUNC(k->kfunc_iter_num_new));
	bf_label_bind(p, loop);
	iter_arg(p, iter);
	bf_emit(p, BF_CALL_KFUNC(k->kfunc_iter_num_next));
	bf_jmp_imm(p, BPF_JEQ, BF_R0, 0, done);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_R0, 0));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_KEY));
	bf_gen_map_lookup(g, map_fd, BF_STK_KEY, miss);
}

/* The loop's end: done is bound here, and the iterator at fp + iter destroyed. */
static void gen_for_each_end(struct bf_gen *g, int iter, bf_label done)
{
	bf_label_bind(&g->prog, done);
	iter_arg(&g->prog, iter);
	bf_emit(&g->prog, BF_CALL_KFUNC(g->kernel->kfunc_iter_num_destroy));
}

/* Candidates [first, first + count) of the slot in r0, up to the first match before r8. */
static void gen_walk(struct bf_gen *g, const struct bf_tuple_plan *plan)
{
	struct bf_prog *p = &g->prog;
	bf_label loop = bf_label_new(p), found = bf_label_new(p), end = bf_label_new(p);

	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, offsetof(struct bf_tuple_slot, first)));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R3, BF_R0, offsetof(struct bf_tuple_slot, count)));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R3, BF_R2));
	gen_for_each(g, T_ITER, g->cls->cands_fd, loop, end, end);
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
	gen_for_each_end(g, T_ITER, end);
}

/* Each tuple in turn: ruled out by the filter, or looked up and its candidates walked. */
static void gen_tuples(struct bf_gen *g, const struct bf_tuple_plan *plan)
{
	struct bf_prog *p = &g->prog;
	bf_label loop = bf_label_new(p), done = bf_label_new(p);

	bf_emit(p, BF_MOV64_IMM(BF_R2, (int)plan->shape_base));
	bf_emit(p, BF_MOV64_IMM(BF_R3, (int)(plan->shape_base + plan->num_tuples)));
	gen_for_each(g, T_TITER, g->cls->shapes_fd, loop, done, loop);
	gen_key(g, plan, loop);
	gen_bloom(g, plan, loop);
	bf_gen_map_lookup(g, g->cls->slots_fd, T_KEY, loop);
	gen_walk(g, plan);
	bf_jmp(p, loop);
	gen_for_each_end(g, T_TITER, done);
}

void bf_tuple_gen(struct bf_gen *g, const struct bf_tuple_plan *plan)
{
	struct bf_prog *p = &g->prog;
	bf_label none = bf_label_new(p), hotdrop = bf_label_new(p);

	bf_gen_ip_match(g, &plan->rest, none);
	gen_port_mode(g, plan);
	bf_emit(p, BF_MOV64_IMM(BF_R8, NONE));
	gen_tuples(g, plan);
	bf_jmp_imm(p, BPF_JEQ, BF_R8, NONE, none);
	/* tcp_mt()/udp_mt() hotdrop: dropped, the rule not counted */
	bf_jmp32_imm(p, BPF_JSET, BF_R8, BF_TUPLE_HOTDROP, hotdrop);
	bf_gen_run_verdict(g, plan->base);
	bf_label_bind(p, hotdrop);
	bf_gen_exit(g, NF_DROP);
	bf_label_bind(p, none);
}
