// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "prog.h"

#define UNBOUND SIZE_MAX

void bf_prog_init(struct bf_prog *p)
{
	memset(p, 0, sizeof(*p));
}

void bf_prog_release(struct bf_prog *p)
{
	free(p->insns);
	free(p->labels);
	free(p->fixups);
	bf_prog_init(p);
}

static bool grow(void **buf, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 64;
	void *n;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*buf, ncap * elem);
	if (!n)
		return false;
	*buf = n;
	*cap = ncap;
	return true;
}

void bf_emit(struct bf_prog *p, struct bpf_insn insn)
{
	if (p->err)
		return;
	if (p->len >= BF_PROG_MAX_INSNS) {
		p->err = -E2BIG;
		return;
	}
	if (!grow((void **)&p->insns, &p->cap, p->len + 1, sizeof(insn))) {
		p->err = -ENOMEM;
		return;
	}
	p->insns[p->len++] = insn;
}

void bf_emit_ld_imm64(struct bf_prog *p, int reg, uint64_t value)
{
	bf_emit(p, BF_LD_IMM64_LO(reg, 0, value));
	bf_emit(p, BF_LD_IMM64_HI(value));
}

void bf_emit_ld_map_fd(struct bf_prog *p, int reg, int map_fd)
{
	bf_emit(p, BF_LD_IMM64_LO(reg, BPF_PSEUDO_MAP_FD, map_fd));
	bf_emit(p, BF_LD_IMM64_HI(0));
}

bf_label bf_label_new(struct bf_prog *p)
{
	if (p->err)
		return 0;
	if (!grow((void **)&p->labels, &p->labels_cap, p->nr_labels + 1, sizeof(*p->labels))) {
		p->err = -ENOMEM;
		return 0;
	}
	p->labels[p->nr_labels] = (struct bf_label_info){ .pos = UNBOUND };
	return p->nr_labels++;
}

void bf_label_bind(struct bf_prog *p, bf_label l)
{
	if (!p->err)
		p->labels[l].pos = p->len;
}

bool bf_label_used(const struct bf_prog *p, bf_label l)
{
	return !p->err && p->labels[l].refs > 0;
}

bool bf_label_bound(const struct bf_prog *p, bf_label l)
{
	return !p->err && p->labels[l].pos != UNBOUND;
}

static void add_fixup(struct bf_prog *p, bf_label l)
{
	if (p->err)
		return;
	if (!grow((void **)&p->fixups, &p->fixups_cap, p->nr_fixups + 1, sizeof(*p->fixups))) {
		p->err = -ENOMEM;
		return;
	}
	p->fixups[p->nr_fixups++] = (struct bf_fixup){ .insn = p->len - 1, .label = l };
	p->labels[l].refs++;
}

void bf_jmp_imm(struct bf_prog *p, int op, int reg, int32_t imm, bf_label l)
{
	bf_emit(p, BF_JMP_IMM(op, reg, imm, 0));
	add_fixup(p, l);
}

void bf_jmp32_imm(struct bf_prog *p, int op, int reg, uint32_t imm, bf_label l)
{
	bf_emit(p, BF_JMP32_IMM(op, reg, (int32_t)imm, 0));
	add_fixup(p, l);
}

void bf_jmp_reg(struct bf_prog *p, int op, int dst, int src, bf_label l)
{
	bf_emit(p, BF_JMP_REG(op, dst, src, 0));
	add_fixup(p, l);
}

void bf_jmp(struct bf_prog *p, bf_label l)
{
	bf_emit(p, BF_JA32(0));
	add_fixup(p, l);
}

int bf_prog_link(struct bf_prog *p)
{
	size_t i;

	if (p->err)
		return p->err;
	for (i = 0; i < p->nr_fixups; i++) {
		struct bpf_insn *insn = &p->insns[p->fixups[i].insn];
		size_t target = p->labels[p->fixups[i].label].pos;
		long delta;

		if (target == UNBOUND)
			return -EINVAL;
		delta = (long)target - (long)p->fixups[i].insn - 1;
		if (BPF_CLASS(insn->code) == BPF_JMP32 && BPF_OP(insn->code) == BPF_JA) {
			insn->imm = (int32_t)delta;
			continue;
		}
		if (delta < SHRT_MIN || delta > SHRT_MAX)
			return -ERANGE;
		insn->off = (int16_t)delta;
	}
	return 0;
}
