/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growing BPF program with forward labels: code generators emit jumps to
 * labels that are bound later, and bf_prog_link() patches the offsets.
 */
#ifndef BPFILTER_BPF_PROG_H
#define BPFILTER_BPF_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "insn.h"

/* The verifier refuses programs longer than this (BPF_COMPLEXITY_LIMIT_INSNS). */
#define BF_PROG_MAX_INSNS 1000000u

typedef unsigned int bf_label;

struct bf_fixup {
	size_t insn;
	bf_label label;
};

struct bf_label_info {
	size_t pos; /* instruction index, SIZE_MAX while unbound */
	unsigned int refs;
};

struct bf_prog {
	struct bpf_insn *insns;
	size_t len, cap;
	struct bf_label_info *labels;
	size_t nr_labels, labels_cap;
	struct bf_fixup *fixups;
	size_t nr_fixups, fixups_cap;
	/* conditional jumps emitted: each is a state the verifier may keep pending */
	unsigned int branches;
	/* first error (-ENOMEM, -E2BIG), sticky so emitters need not check */
	int err;
};

void bf_prog_init(struct bf_prog *p);
void bf_prog_release(struct bf_prog *p);

void bf_emit(struct bf_prog *p, struct bpf_insn insn);
void bf_emit_ld_imm64(struct bf_prog *p, int reg, uint64_t value);
void bf_emit_ld_map_fd(struct bf_prog *p, int reg, int map_fd);

bf_label bf_label_new(struct bf_prog *p);
void bf_label_bind(struct bf_prog *p, bf_label l);
bool bf_label_used(const struct bf_prog *p, bf_label l);

/* Conditional jump (BPF_JMP | op | BPF_K) to a label. */
void bf_jmp_imm(struct bf_prog *p, int op, int reg, int32_t imm, bf_label l);
/* The same on the low 32 bits (BPF_JMP32): imm is not sign-extended. */
void bf_jmp32_imm(struct bf_prog *p, int op, int reg, uint32_t imm, bf_label l);
void bf_jmp_reg(struct bf_prog *p, int op, int dst, int src, bf_label l);
/* Unconditional jump, any distance. */
void bf_jmp(struct bf_prog *p, bf_label l);
/* may_goto l: to l once the program's budget of loop turns is spent */
void bf_may_goto(struct bf_prog *p, bf_label l);

/* Resolve every jump; -ERANGE if a conditional jump is out of reach. */
int bf_prog_link(struct bf_prog *p);

#endif /* BPFILTER_BPF_PROG_H */
