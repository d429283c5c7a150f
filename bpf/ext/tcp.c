// SPDX-License-Identifier: GPL-2.0
/* -m tcp, as tcp_mt(): ports, --tcp-flags/--syn and --tcp-option. */
#include <netinet/in.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <netinet/tcp.h>

#include "../codegen.h"

/* the longest option area (doff 15) */
#define TCP_MAX_OPTLEN 40

/*
 * tcp_find_option(): walk the options for kind `option`. A kind < 2 is one
 * byte long, others carry their length (0 counts as 1).
 */
static void gen_option(struct bf_gen *g, const struct xt_tcp *info, bf_label nomatch,
		       bf_label hotdrop)
{
	struct bf_prog *p = &g->prog;
	bool inv = info->invflags & XT_TCP_INV_OPTION;
	bf_label found = bf_label_new(p), absent = bf_label_new(p), loop = bf_label_new(p);
	bf_label one = bf_label_new(p), done = bf_label_new(p);
	unsigned int opt = sizeof(struct tcphdr);

	/* r8 = option bytes; doff below 5 is dropped as malformed */
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R8, BF_FP, BF_STK_L4 + 12));
	bf_emit(p, BF_ALU64_IMM(BPF_RSH, BF_R8, 4));
	bf_emit(p, BF_ALU64_IMM(BPF_LSH, BF_R8, 2));
	bf_jmp_imm(p, BPF_JLT, BF_R8, opt, hotdrop);
	bf_emit(p, BF_ALU64_IMM(BPF_SUB, BF_R8, opt));
	bf_jmp_imm(p, BPF_JEQ, BF_R8, 0, absent);
	/* the whole header with options, zero-padded for the walk's look-ahead */
	for (int i = 0; i < BF_STK_L4_SIZE; i += 8)
		bf_emit(p, BF_ST_MEM(BPF_DW, BF_FP, BF_STK_L4 + i, 0));
	bf_emit(p, BF_MOV64_REG(BF_R2, BF_R8));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R2, opt));
	bf_gen_read_l4(g, hotdrop);
	/* r9 = position in the option area, < r8 <= 40 */
	bf_emit(p, BF_MOV64_IMM(BF_R9, 0));
	bf_label_bind(p, loop);
	bf_jmp_reg(p, BPF_JGE, BF_R9, BF_R8, absent);
	bf_jmp_imm(p, BPF_JGE, BF_R9, TCP_MAX_OPTLEN, absent);
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, BF_STK_L4 + (int)opt));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R1, BF_R9));
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R2, BF_R1, 0));
	bf_jmp_imm(p, BPF_JEQ, BF_R2, info->option, found);
	bf_jmp_imm(p, BPF_JLT, BF_R2, 2, one);
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R2, BF_R1, 1));
	bf_jmp_imm(p, BPF_JEQ, BF_R2, 0, one);
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R9, BF_R2));
	bf_jmp(p, loop);
	bf_label_bind(p, one);
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R9, 1));
	bf_jmp(p, loop);
	bf_label_bind(p, found);
	if (!inv)
		bf_jmp(p, done);
	else
		bf_jmp(p, nomatch);
	bf_label_bind(p, absent);
	if (!inv)
		bf_jmp(p, nomatch);
	bf_label_bind(p, done);
}

static int tcp_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		   bf_label nomatch, bf_label hotdrop)
{
	const struct xt_tcp *info = m->data;
	struct bf_prog *p = &g->prog;
	bf_label not_evil = bf_label_new(p);

	/* A TCP fragment at offset 1 would overwrite the flags: dropped. */
	bf_gen_load_fact(g, BF_R1, BF_STK_FRAGOFF);
	bf_jmp_imm(p, BPF_JNE, BF_R1, 1, not_evil);
	bf_jmp(p, hotdrop);
	bf_label_bind(p, not_evil);
	bf_gen_load_l4(g, sizeof(struct tcphdr), nomatch, hotdrop);
	bf_gen_be16_range(g, BF_STK_L4 + (int)offsetof(struct tcphdr, source), info->spts[0],
			  info->spts[1], info->invflags & XT_TCP_INV_SRCPT, nomatch);
	bf_gen_be16_range(g, BF_STK_L4 + (int)offsetof(struct tcphdr, dest), info->dpts[0],
			  info->dpts[1], info->invflags & XT_TCP_INV_DSTPT, nomatch);
	if (info->flg_mask || info->flg_cmp || (info->invflags & XT_TCP_INV_FLAGS)) {
		bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_STK_L4 + 13));
		bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, info->flg_mask));
		bf_jmp_imm(p, (info->invflags & XT_TCP_INV_FLAGS) ? BPF_JEQ : BPF_JNE, BF_R1,
			   info->flg_cmp, nomatch);
	}
	if (info->option)
		gen_option(g, info, nomatch, hotdrop);
	return p->err;
}

const struct bf_match_gen bf_match_tcp = {
	.name = "tcp",
	.gen = tcp_gen,
	.l4_bytes = sizeof(struct tcphdr),
};
