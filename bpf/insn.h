/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF instruction constructors, as compound literals of struct bpf_insn.
 * The names follow the kernel's own (BPF_<CLASS>_<SOURCE>) so generated code
 * reads like the verifier's dumps.
 */
#ifndef BPFILTER_BPF_INSN_H
#define BPFILTER_BPF_INSN_H

#include <linux/bpf.h>

#define BF_INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

#define BF_ALU64_REG(op, d, s) BF_INSN(BPF_ALU64 | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define BF_ALU64_IMM(op, d, i) BF_INSN(BPF_ALU64 | BPF_OP(op) | BPF_K, d, 0, 0, i)
#define BF_ALU32_REG(op, d, s) BF_INSN(BPF_ALU | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define BF_ALU32_IMM(op, d, i) BF_INSN(BPF_ALU | BPF_OP(op) | BPF_K, d, 0, 0, i)
#define BF_MOV64_REG(d, s) BF_INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define BF_MOV64_IMM(d, i) BF_INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define BF_MOV32_IMM(d, i) BF_INSN(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, i)
/* byte swap from big endian, width 16/32/64 */
#define BF_BE(d, bits) BF_INSN(BPF_ALU | BPF_END | BPF_TO_BE, d, 0, 0, bits)

#define BF_LDX_MEM(sz, d, s, o) BF_INSN(BPF_LDX | BPF_SIZE(sz) | BPF_MEM, d, s, o, 0)
#define BF_STX_MEM(sz, d, s, o) BF_INSN(BPF_STX | BPF_SIZE(sz) | BPF_MEM, d, s, o, 0)
#define BF_ST_MEM(sz, d, o, i) BF_INSN(BPF_ST | BPF_SIZE(sz) | BPF_MEM, d, 0, o, i)

#define BF_JMP_REG(op, d, s, o) BF_INSN(BPF_JMP | BPF_OP(op) | BPF_X, d, s, o, 0)
#define BF_JMP_IMM(op, d, i, o) BF_INSN(BPF_JMP | BPF_OP(op) | BPF_K, d, 0, o, i)
#define BF_JMP32_IMM(op, d, i, o) BF_INSN(BPF_JMP32 | BPF_OP(op) | BPF_K, d, 0, o, i)
#define BF_JMP_A(o) BF_INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
/* "gotol": an unconditional jump with a 32-bit offset in imm */
#define BF_JA32(i) BF_INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, i)

#define BF_CALL_HELPER(id) BF_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define BF_CALL_KFUNC(btf_id) BF_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, btf_id)
#define BF_EXIT() BF_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* 64-bit immediate and map references take two instructions */
#define BF_LD_IMM64_LO(d, src, v) BF_INSN(BPF_LD | BPF_DW | BPF_IMM, d, src, 0, (__s32)(__u32)(v))
#define BF_LD_IMM64_HI(v) BF_INSN(0, 0, 0, 0, (__s32)(__u32)((__u64)(v) >> 32))

/* Registers of generated programs, see bpf/codegen.h for their roles. */
enum {
	BF_R0 = 0,
	BF_R1,
	BF_R2,
	BF_R3,
	BF_R4,
	BF_R5,
	BF_R6,
	BF_R7,
	BF_R8,
	BF_R9,
	BF_FP,
};

#endif /* BPFILTER_BPF_INSN_H */
