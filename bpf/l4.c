// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the transport header as ip_tables' matches do, with
 * skb_header_pointer(): with plain loads where it is in the skb's linear
 * data (almost always), through a dynptr where it is in the skb's pages.
 *
 * Every rule reads the same bytes, so the first BF_L4_CACHED of them are
 * read once per packet, before the first of the chain's own rules that may
 * read them, into BF_STK_L4, with their number in BF_STK_L4_AVAIL; the rules
 * after it only check that their header fits. Read by each rule, a header
 * cost every `-p tcp --dport` rule about 30 instructions to run and to
 * verify, as the verifier walked both ways of the read.
 */
#include <netinet/in.h>

#include "codegen.h"

/* BF_STK_L4 = r2 bytes of the header, through BF_STK_DYNPTR; else to fail */
static void gen_dynptr_read(struct bf_gen *g, bf_label fail, const char *what)
{
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, BF_STK_L4));
	bf_emit(p, BF_MOV64_REG(BF_R3, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R3, BF_STK_DYNPTR));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R4, BF_FP, BF_STK_THOFF));
	bf_emit(p, BF_MOV64_IMM(BF_R5, 0));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_dynptr_read));
	bf_gen_call_failed(g, BPF_JNE, 0, fail, what);
}

void bf_gen_read_l4(struct bf_gen *g, bf_label hotdrop)
{
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R2, BF_STK_READ_LEN));
	bf_gen_skb_dynptr(g, hotdrop);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, BF_STK_READ_LEN));
	gen_dynptr_read(g, hotdrop, "bpf_dynptr_read l4");
}

/* r1 = the address of the transport header in the linear data, as bytes */
static void gen_linear_l4(struct bf_gen *g)
{
	bf_emit(&g->prog, BF_LDX_MEM(BPF_DW, BF_R1, BF_R6, g->kernel->skb_data.off));
	bf_emit(&g->prog, BF_ALU64_REG(BPF_ADD, BF_R1, BF_R2));
	bf_gen_bytes(g, BF_R1);
}

void bf_gen_read_l4_fixed(struct bf_gen *g, unsigned int need, unsigned int copy, bf_label short_)
{
	struct bf_prog *p = &g->prog;
	bf_label paged, done;

	if (g->l4_cached && need <= BF_L4_CACHED) {
		bf_gen_load_fact(g, BF_R1, BF_STK_L4_AVAIL);
		bf_jmp_imm(p, BPF_JLT, BF_R1, (int32_t)need, short_);
		return;
	}
	paged = bf_label_new(p);
	done = bf_label_new(p);
	bf_gen_headlen(g);
	bf_gen_load_fact(g, BF_R2, BF_STK_THOFF);
	bf_emit(p, BF_MOV64_REG(BF_R3, BF_R2));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R3, (int32_t)need));
	bf_jmp_reg(p, BPF_JGT, BF_R3, BF_R1, paged);
	gen_linear_l4(g);
	bf_gen_copy_from_r0(p, BF_STK_L4, copy);
	bf_jmp(p, done);
	bf_label_bind(p, paged);
	bf_emit(p, BF_MOV64_IMM(BF_R2, (int32_t)need));
	bf_gen_read_l4(g, short_);
	bf_label_bind(p, done);
}

void bf_gen_load_l4(struct bf_gen *g, unsigned int len, bf_label nomatch, bf_label hotdrop)
{
	struct bf_prog *p = &g->prog;

	bf_gen_load_fact(g, BF_R4, BF_STK_FRAGOFF);
	bf_jmp_imm(p, BPF_JNE, BF_R4, 0, nomatch);
	bf_gen_read_l4_fixed(g, len, len, hotdrop);
}

/* r1 = min(r1, max) as signed numbers, without a branch; r2 clobbered */
static void gen_min(struct bf_prog *p, int32_t max)
{
	bf_emit(p, BF_ALU64_IMM(BPF_SUB, BF_R1, max));
	bf_emit(p, BF_MOV64_REG(BF_R2, BF_R1));
	bf_emit(p, BF_ALU64_IMM(BPF_ARSH, BF_R2, 63));
	bf_emit(p, BF_ALU64_REG(BPF_AND, BF_R1, BF_R2));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, max));
}

/*
 * BF_STK_L4_AVAIL = min(skb->len - thoff, BF_L4_CACHED), at least 0, and
 * BF_STK_L4 = that many bytes of the header. Both ways of the read leave the
 * verifier the same stack: the count computed before them without a branch
 * (a known count on one way would be walked apart from an unknown one on the
 * other), and the header as bytes (see below).
 */
static void gen_cache(struct bf_gen *g)
{
	struct bf_prog *p = &g->prog;
	bf_label linear = bf_label_new(p), failed = bf_label_new(p), done = bf_label_new(p);

	bf_gen_load_fact(g, BF_R1, BF_STK_SKBLEN);
	bf_gen_load_fact(g, BF_R2, BF_STK_THOFF);
	bf_emit(p, BF_ALU64_REG(BPF_SUB, BF_R1, BF_R2));
	/* r1 = max(r1, 0) */
	bf_emit(p, BF_MOV64_REG(BF_R2, BF_R1));
	bf_emit(p, BF_ALU64_IMM(BPF_ARSH, BF_R2, 63));
	bf_emit(p, BF_ALU64_IMM(BPF_XOR, BF_R2, -1));
	bf_emit(p, BF_ALU64_REG(BPF_AND, BF_R1, BF_R2));
	gen_min(p, BF_L4_CACHED);
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_L4_AVAIL));

	/*
	 * The paged way comes first, as the verifier walks the way a branch
	 * does not take first: there a call writes the header, bytes it takes
	 * as any value, and a later way that reaches the same state holding
	 * loaded numbers instead is seen as covered; the reverse is not.
	 */
	bf_gen_headlen(g);
	bf_gen_load_fact(g, BF_R2, BF_STK_THOFF);
	bf_emit(p, BF_MOV64_REG(BF_R3, BF_R2));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R3, BF_L4_CACHED));
	bf_jmp_reg(p, BPF_JLE, BF_R3, BF_R1, linear);
	bf_gen_skb_dynptr(g, failed);
	bf_gen_load_fact(g, BF_R2, BF_STK_L4_AVAIL);
	/* never taken: the count is at most that; the verifier needs it said */
	bf_jmp_imm(p, BPF_JGT, BF_R2, BF_L4_CACHED, failed);
	gen_dynptr_read(g, failed, "bpf_dynptr_read l4 once");
	bf_jmp(p, done);

	/*
	 * Only a header past skb->len (which netfilter's IPv4 hooks never
	 * see) fails: then none of it is there. A known 0 would be walked
	 * apart; this one is opaque.
	 */
	bf_label_bind(p, failed);
	bf_gen_opaque_zero(p, BF_R1);
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_L4_AVAIL));
	bf_jmp(p, done);

	bf_label_bind(p, linear);
	gen_linear_l4(g);
	bf_gen_copy_from_r0(p, BF_STK_L4, BF_L4_CACHED);
	bf_label_bind(p, done);
}

static bool match_reads_l4(const struct xlate_match *m)
{
	const struct bf_match_gen *mg = bf_match_gen_find(m->ops);

	return mg && mg->l4_bytes;
}

bool bf_gen_table_reads_l4(const struct xlate_ir *ir)
{
	unsigned int i, j;

	for (i = 0; i < ir->num_rules; i++)
		for (j = 0; j < ir->rules[i].num_matches; j++)
			if (match_reads_l4(&ir->rules[i].matches[j]))
				return true;
	return false;
}

/* r, or a chain it jumps to (rather than look, say yes) */
static bool may_read_l4(const struct xlate_rule *r)
{
	unsigned int i;

	if (r->action == XLATE_JUMP || r->action == XLATE_GOTO)
		return true;
	for (i = 0; i < r->num_matches; i++)
		if (match_reads_l4(&r->matches[i]))
			return true;
	return false;
}

/*
 * The start of each of the chain's own rules lies on every path to the code
 * after it (user chains are emitted inside the rule that jumps to them), up
 * to the end of the program's part; not the policy, which any rule may
 * reach, and which reads nothing.
 */
void bf_gen_cache_l4(struct bf_gen *g, const struct xlate_rule *r)
{
	if (!g->l4_wanted || g->l4_cached || g->depth != 1 || g->in_policy || !may_read_l4(r))
		return;
	gen_cache(g);
	g->l4_cached = true;
}
