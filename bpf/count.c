// SPDX-License-Identifier: GPL-2.0
/*
 * Rule counters in generated code: rule i's { packets, bytes } on this CPU
 * are entry i % BF_COUNTERS_PER_ELEM of element i / BF_COUNTERS_PER_ELEM of
 * the per-CPU counters map (codegen.h).
 *
 * A part looks each element its rules count in up once per packet and keeps
 * the pointers on the stack (BF_STK_COUNT_PTR): a rule then counts in 9
 * instructions instead of 22. The verifier checked a map lookup per rule,
 * and inlined each by patching the program, which copies all of it: 14% of
 * the daemon's time on appends to a small table. Which elements a part
 * counts in is known once its code is: the prologue jumps to the lookups,
 * emitted at the part's end (bf_gen_count_lookups()), which jump back.
 *
 * A table with counter banks (codegen.h, gen_fd) reads its generation there
 * first, once per packet: all of a packet's counts go to one bank, so a data
 * update can flip the generation and, a grace period later, read the old
 * bank whole, as the kernel reads a replaced table's counters.
 */
#include "codegen.h"

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4/ip_tables.h>

_Static_assert(sizeof(struct xt_counters) == 16, "counters are shifted by 4");

/* r0 (its offset added) points at the counters; += { 1 packet, skb->len bytes } */
static void gen_count_add(struct bf_prog *p)
{
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_R0, 0));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, 1));
	bf_emit(p, BF_STX_MEM(BPF_DW, BF_R0, BF_R1, 0));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, BF_STK_SKBLEN));
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_R0, 8));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R1, BF_R2));
	bf_emit(p, BF_STX_MEM(BPF_DW, BF_R0, BF_R1, 8));
}

/* r0 = the counters' element whose key is at BF_STK_KEY; none: to fail */
static void gen_counters_lookup(struct bf_gen *g, bf_label fail)
{
	struct bf_prog *p = &g->prog;

	bf_emit_ld_map_fd(p, BF_R1, g->maps->counters_fd);
	bf_emit(p, BF_MOV64_REG(BF_R2, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R2, BF_STK_KEY));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_map_lookup_elem));
	bf_gen_call_failed(g, BPF_JEQ, 0, fail, "bpf_map_lookup_elem");
}

/* r0 = the counters' element elem (of the packet's bank); none: to fail */
static void gen_elem_lookup(struct bf_gen *g, uint32_t elem, bf_label fail)
{
	struct bf_prog *p = &g->prog;

	if (g->maps->gen_fd < 0) {
		bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, BF_STK_KEY, (int32_t)elem));
	} else {
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, BF_STK_BANK));
		bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, (int32_t)elem));
		bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_KEY));
	}
	gen_counters_lookup(g, fail);
}

/* The generation's parity and its bank's first element, on the stack; none: to fail */
static void gen_bank(struct bf_gen *g, bf_label fail)
{
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, BF_STK_KEY, 0));
	bf_gen_map_lookup(g, g->maps->gen_fd, BF_STK_KEY, fail);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_R0, 0));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, 1));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_PARITY));
	bf_emit(p, BF_ALU64_IMM(BPF_MUL, BF_R1, (int32_t)g->maps->bank_elems));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_BANK));
}

void bf_gen_count_key(struct bf_gen *g)
{
	const int32_t mask = (BF_COUNTERS_PER_ELEM - 1) * sizeof(struct xt_counters);
	struct bf_prog *p = &g->prog;
	bf_label skip = bf_label_new(p);

	/* element index / PER_ELEM, offset (index % PER_ELEM) * 16 */
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, BF_STK_KEY));
	bf_emit(p, BF_MOV64_REG(BF_R2, BF_R1));
	bf_emit(p, BF_ALU64_IMM(BPF_LSH, BF_R2, 4)); /* 16-byte struct xt_counters */
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R2, BF_STK_COUNTER));
	bf_emit(p, BF_ALU64_IMM(BPF_RSH, BF_R1, BF_COUNTERS_SHIFT));
	if (g->maps->gen_fd >= 0) {
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, BF_STK_BANK));
		bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R1, BF_R2));
	}
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_KEY));
	gen_counters_lookup(g, skip);
	/* masked again after the call: bounds the verifier can see */
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, BF_STK_COUNTER));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, mask));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R0, BF_R1));
	gen_count_add(p);
	bf_label_bind(p, skip);
}

void bf_gen_count_start(struct bf_gen *g)
{
	struct bf_prog *p = &g->prog;

	g->count_elems = 0;
	g->count_lookups = bf_label_new(p);
	g->count_ready = bf_label_new(p);
	bf_jmp(p, g->count_lookups);
	bf_label_bind(p, g->count_ready);
}

/* The stack slot that holds element elem's pointer for this part, or -1. */
static int count_slot(struct bf_gen *g, uint32_t elem)
{
	unsigned int i;

	for (i = 0; i < g->count_elems; i++)
		if (g->count_elem[i] == elem)
			return (int)i;
	if (g->count_elems == BF_COUNT_PTRS)
		return -1;
	g->count_elem[g->count_elems] = elem;
	return (int)g->count_elems++;
}

void bf_gen_count(struct bf_gen *g, unsigned int index)
{
	unsigned int offset = index % BF_COUNTERS_PER_ELEM * sizeof(struct xt_counters);
	uint32_t elem = index / BF_COUNTERS_PER_ELEM;
	struct bf_prog *p = &g->prog;
	bf_label skip = bf_label_new(p);
	int slot = count_slot(g, elem);

	if (slot >= 0)
		bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R0, BF_FP, BF_STK_COUNT_PTR(slot)));
	else /* a part that counts in more elements looks the others up where it counts */
		gen_elem_lookup(g, elem, skip);
	if (offset)
		bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R0, (int32_t)offset));
	gen_count_add(p);
	bf_label_bind(p, skip);
}

void bf_gen_count_lookups(struct bf_gen *g)
{
	struct bf_prog *p = &g->prog;
	bf_label fail = bf_label_new(p);
	unsigned int i;

	bf_label_bind(p, g->count_lookups);
	if (g->maps->gen_fd >= 0)
		gen_bank(g, fail);
	for (i = 0; i < g->count_elems; i++) {
		gen_elem_lookup(g, g->count_elem[i], fail);
		bf_emit(p, BF_STX_MEM(BPF_DW, BF_FP, BF_R0, BF_STK_COUNT_PTR(i)));
	}
	bf_jmp(p, g->count_ready);
	if (!bf_label_used(p, fail))
		return;
	/* the maps have every element looked up: cannot happen, fails closed */
	bf_label_bind(p, fail);
	bf_gen_exit(g, NF_DROP);
}
