// SPDX-License-Identifier: GPL-2.0
/*
 * -m limit, as limit_mt(): a token bucket of avg * burst credits refilled
 * at 32000 credits per second (HZ * CREDITS_PER_JIFFY), each hit costing
 * user2credits(avg). The bucket lives in the table's state map; it starts
 * full, as checkentry leaves it. Time is counted in nanoseconds rather than
 * jiffies, and refills carry their remainder, so the rate is the kernel's.
 * Updates are not atomic: two CPUs hitting one rule at once may both spend.
 */
#include <netinet/in.h>
#include <linux/netfilter/xt_limit.h>

#include "../codegen.h"

#define NS_PER_CREDIT 31250 /* 1e9 / 32000 */
#define FULL_AFTER_NS (1ull << 40)

static int limit_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		     bf_label nomatch, bf_label hotdrop)
{
	const struct xt_rateinfo *info = m->data;
	uint32_t cap = xlate_limit_credits(info->avg * info->burst);
	uint32_t cost = xlate_limit_credits(info->avg);
	struct bf_prog *p = &g->prog;
	bf_label refilled = bf_label_new(p), full = bf_label_new(p), decide = bf_label_new(p);

	bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, BF_STK_KEY, (int32_t)m->state_slot));
	bf_emit_ld_map_fd(p, BF_R1, g->maps->state_fd);
	bf_emit(p, BF_MOV64_REG(BF_R2, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R2, BF_STK_KEY));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_map_lookup_elem));
	bf_gen_call_failed(g, BPF_JEQ, 0, nomatch, "bpf_map_lookup_elem");
	bf_emit(p, BF_MOV64_REG(BF_R8, BF_R0));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_ktime_get_ns));
	/* r1 = last refill time (0: never), r2 = credit, r3 = elapsed ns */
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_R8, 0));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R8, 8));
	bf_jmp_imm(p, BPF_JEQ, BF_R1, 0, full);
	bf_emit(p, BF_MOV64_REG(BF_R3, BF_R0));
	bf_emit(p, BF_ALU64_REG(BPF_SUB, BF_R3, BF_R1));
	bf_emit_ld_imm64(p, BF_R4, FULL_AFTER_NS);
	bf_jmp_reg(p, BPF_JGT, BF_R3, BF_R4, full);
	/* whole credits earned; the remainder stays in the refill time */
	bf_emit(p, BF_ALU64_IMM(BPF_DIV, BF_R3, NS_PER_CREDIT));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R2, BF_R3));
	bf_emit(p, BF_ALU64_IMM(BPF_MUL, BF_R3, NS_PER_CREDIT));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R1, BF_R3));
	bf_emit(p, BF_STX_MEM(BPF_DW, BF_R8, BF_R1, 0));
	bf_emit(p, BF_MOV32_IMM(BF_R4, (int32_t)cap));
	bf_jmp_reg(p, BPF_JLE, BF_R2, BF_R4, decide);
	bf_label_bind(p, full);
	bf_emit(p, BF_STX_MEM(BPF_DW, BF_R8, BF_R0, 0));
	bf_emit(p, BF_MOV32_IMM(BF_R2, (int32_t)cap));
	bf_label_bind(p, decide);
	bf_emit(p, BF_MOV32_IMM(BF_R4, (int32_t)cost));
	bf_jmp_reg(p, BPF_JGE, BF_R2, BF_R4, refilled);
	bf_emit(p, BF_STX_MEM(BPF_W, BF_R8, BF_R2, 8));
	bf_jmp(p, nomatch);
	bf_label_bind(p, refilled);
	bf_emit(p, BF_ALU64_REG(BPF_SUB, BF_R2, BF_R4));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_R8, BF_R2, 8));
	return p->err;
}

const struct bf_match_gen bf_match_limit = {
	.name = "limit",
	.gen = limit_gen,
};
