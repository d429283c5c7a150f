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
	p->branches++;
	bf_emit(p, BF_JMP_IMM(op, reg, imm, 0));
	add_fixup(p, l);
}

void bf_jmp32_imm(struct bf_prog *p, int op, int reg, uint32_t imm, bf_label l)
{
	p->branches++;
	bf_emit(p, BF_JMP32_IMM(op, reg, (int32_t)imm, 0));
	add_fixup(p, l);
}

void bf_jmp_reg(struct bf_prog *p, int op, int dst, int src, bf_label l)
{
	p->branches++;
	bf_emit(p, BF_JMP_REG(op, dst, src, 0));
	add_fixup(p, l);
}

void bf_may_goto(struct bf_prog *p, bf_label l)
{
	p->branches++;
	bf_emit(p, BF_INSN(BPF_JMP | BPF_JCOND, 0, BPF_MAY_GOTO, 0, 0));
	add_fixup(p, l);
}

void bf_jmp(struct bf_prog *p, bf_label l)
{
	bf_emit(p, BF_JA32(0));
	add_fixup(p, l);
}

static bool is_ld_imm64(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_DW | BPF_IMM);
}

static bool is_jump(const struct bpf_insn *in)
{
	uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT;
}

static bool is_ja32(const struct bpf_insn *in)
{
	return BPF_CLASS(in->code) == BPF_JMP32 && BPF_OP(in->code) == BPF_JA;
}

/* Every jump's target index: its label's, or its literal offset's. */
static int resolve_targets(const struct bf_prog *p, size_t *target)
{
	size_t i;

	for (i = 0; i < p->len; i++)
		if (is_jump(&p->insns[i]))
			target[i] =
				i + 1 + (is_ja32(&p->insns[i]) ? p->insns[i].imm : p->insns[i].off);
	for (i = 0; i < p->nr_fixups; i++) {
		size_t pos = p->labels[p->fixups[i].label].pos;

		if (pos == UNBOUND)
			return -EINVAL;
		target[p->fixups[i].insn] = pos;
	}
	return 0;
}

/* Mark what can run: the verifier refuses unreachable instructions. */
static int mark_reachable(const struct bf_prog *p, const size_t *target, bool *live)
{
	size_t *stack = malloc((p->len + 1) * sizeof(*stack)), top = 0;

	if (!stack)
		return -ENOMEM;
	stack[top++] = 0;
	while (top) {
		size_t i = stack[--top];

		while (i < p->len && !live[i]) {
			const struct bpf_insn *in = &p->insns[i];

			live[i] = true;
			if (is_ld_imm64(in)) {
				live[i + 1] = true;
				i += 2;
				continue;
			}
			if (BPF_CLASS(in->code) == BPF_JMP && BPF_OP(in->code) == BPF_EXIT)
				break;
			if (is_jump(in)) {
				stack[top++] = target[i];
				if (BPF_OP(in->code) == BPF_JA)
					break;
			}
			i++;
		}
	}
	free(stack);
	return 0;
}

/* Keep the live instructions, with jumps moved to their targets' new places. */
static int compact(struct bf_prog *p, const size_t *target, const bool *live, size_t *at)
{
	size_t i, n = 0;

	for (i = 0; i <= p->len; i++) {
		at[i] = n;
		n += i < p->len && live[i];
	}
	for (i = 0; i < p->len; i++) {
		struct bpf_insn in = p->insns[i];
		long delta;

		if (!live[i])
			continue;
		if (is_jump(&in)) {
			delta = (long)at[target[i]] - (long)at[i] - 1;
			if (is_ja32(&in))
				in.imm = (int32_t)delta;
			else if (delta < SHRT_MIN || delta > SHRT_MAX)
				return -ERANGE;
			else
				in.off = (int16_t)delta;
		}
		p->insns[at[i]] = in;
	}
	p->len = at[p->len];
	return 0;
}

int bf_prog_link(struct bf_prog *p)
{
	size_t *target, *at;
	bool *live;
	int ret;

	if (p->err)
		return p->err;
	target = calloc(p->len + 1, sizeof(*target));
	at = calloc(p->len + 1, sizeof(*at));
	live = calloc(p->len + 1, sizeof(*live));
	ret = target && at && live ? 0 : -ENOMEM;
	if (!ret)
		ret = resolve_targets(p, target);
	if (!ret)
		ret = mark_reachable(p, target, live);
	if (!ret)
		ret = compact(p, target, live, at);
	free(target);
	free(at);
	free(live);
	return ret;
}
