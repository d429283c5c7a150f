// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "ct.h"

#define NFCT_INFOMASK 7
/* kernel-internal: include/linux/netfilter/nf_conntrack_common.h */
#define IP_CT_UNTRACKED 7

void bf_gen_ct_state(struct bf_gen *g, uint32_t untracked_bit)
{
	struct bf_prog *p = &g->prog;
	bf_label no_ct = bf_label_new(p), done = bf_label_new(p);

	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R8, BF_R6, g->kernel->skb_nfct.off));
	bf_emit(p, BF_MOV64_REG(BF_R9, BF_R8));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R9, NFCT_INFOMASK));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R8, ~NFCT_INFOMASK));
	bf_jmp_imm(p, BPF_JEQ, BF_R8, 0, no_ct);
	bf_emit(p, BF_MOV64_REG(BF_R2, BF_R9));
	bf_emit(p, BF_ALU64_IMM(BPF_MOD, BF_R2, IP_CT_IS_REPLY));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R2, 1));
	bf_emit(p, BF_MOV64_IMM(BF_R1, 1));
	bf_emit(p, BF_ALU64_REG(BPF_LSH, BF_R1, BF_R2));
	bf_jmp(p, done);
	bf_label_bind(p, no_ct);
	bf_emit(p, BF_MOV64_IMM(BF_R1, 1));
	bf_jmp_imm(p, BPF_JNE, BF_R9, IP_CT_UNTRACKED, done);
	bf_emit(p, BF_MOV64_IMM(BF_R1, (int32_t)untracked_bit));
	bf_label_bind(p, done);
}

void bf_gen_ct_status(struct bf_gen *g)
{
	struct bf_prog *p = &g->prog;

	/* the pointer is a plain number to the verifier: read it as kernel memory */
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, BF_STK_SCRATCH));
	bf_emit(p, BF_MOV64_IMM(BF_R2, 8));
	bf_emit(p, BF_MOV64_REG(BF_R3, BF_R8));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R3, g->kernel->ct_status.off));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_FP, BF_STK_SCRATCH));
}
