// SPDX-License-Identifier: GPL-2.0
/*
 * The chain walk of ipt_do_table(), unrolled into straight-line code.
 *
 * ip_tables keeps a jump stack at run time; BPF has no indirect jumps, so a
 * user chain's code is emitted at each place it is jumped to, with RETURN
 * compiled as a jump to the instruction after that place. The chain graph is
 * acyclic (the validator refuses loops, as mark_source_chains() does), so
 * this terminates; the verifier's instruction limit bounds its size.
 */
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/netfilter.h>

#include "class_maps.h"
#include "classify.h"
#include "codegen.h"
#include "ip_match.h"
#include "loader.h"

/* Where RETURN goes: a label, or the chain's policy when the stack is empty. */
struct bf_cont {
	bool underflow;
	bf_label label;
};

static int gen_sequence(struct bf_gen *g, unsigned int start, const struct bf_cont *cont);

int bf_gen_unsupported(struct bf_gen *g, const char *kind, const char *name, unsigned int rev,
		       const char *why)
{
	struct xlate_error *err = g->err;

	err->is_target = strcmp(kind, "target") == 0;
	snprintf(err->ext_name, sizeof(err->ext_name), "%s", name);
	err->ext_revision = (uint8_t)rev;
	snprintf(err->msg, sizeof(err->msg), "cannot translate %s '%s' revision %u: %s", kind, name,
		 rev, why);
	return -EOPNOTSUPP;
}

void bf_gen_exit(struct bf_gen *g, int verdict)
{
	bf_emit(&g->prog, BF_MOV64_IMM(BF_R0, verdict));
	bf_emit(&g->prog, BF_EXIT());
}

/*
 * A plain load of a spilled value shares the spill's identity with the
 * verifier: a branch on dst then narrows the stack slot too, for the rest of
 * the program. A rule testing the fragment offset left it 0 on one path and
 * 1 to 8191 on others, and the verifier, whose states then differed, walked
 * every later rule once per range: each `-p tcp --dport` rule made a
 * replacement about 0.2 ms slower. An ALU operation makes dst a value of its
 * own (the verifier drops its id); `&= -1` changes nothing else.
 */
void bf_gen_load_fact(struct bf_gen *g, int dst, int off)
{
	bf_emit(&g->prog, BF_LDX_MEM(BPF_W, dst, BF_FP, off));
	bf_emit(&g->prog, BF_ALU32_IMM(BPF_AND, dst, -1));
}

void bf_gen_opaque_zero(struct bf_prog *p, int dst)
{
	bf_emit(p, BF_LDX_MEM(BPF_DW, dst, BF_FP, BF_STK_IPH));
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R2, BF_FP, BF_STK_IPH));
	bf_emit(p, BF_ALU64_REG(BPF_SUB, dst, BF_R2));
}

void bf_gen_load_be16(struct bf_gen *g, int dst, int off)
{
	bf_emit(&g->prog, BF_LDX_MEM(BPF_H, dst, BF_FP, off));
	bf_emit(&g->prog, BF_BE(dst, 16));
}

void bf_gen_load_field(struct bf_gen *g, int dst, int src, const struct bf_field *f, int size)
{
	bf_emit(&g->prog, BF_LDX_MEM(f->bits ? BPF_B : size, dst, src, f->off));
	if (!f->bits)
		return;
	if (f->shift)
		bf_emit(&g->prog, BF_ALU64_IMM(BPF_RSH, dst, f->shift));
	bf_emit(&g->prog, BF_ALU64_IMM(BPF_AND, dst, (1 << f->bits) - 1));
}

void bf_gen_range(struct bf_gen *g, int reg, uint32_t min, uint32_t max, uint32_t all, bool inv,
		  bf_label nomatch)
{
	struct bf_prog *p = &g->prog;
	bf_label in_range_skip;

	if (min == 0 && max >= all) {
		if (inv)
			bf_jmp(p, nomatch);
		return;
	}
	if (!inv) {
		bf_jmp32_imm(p, BPF_JLT, reg, min, nomatch);
		bf_jmp32_imm(p, BPF_JGT, reg, max, nomatch);
		return;
	}
	in_range_skip = bf_label_new(p);
	bf_jmp32_imm(p, BPF_JLT, reg, min, in_range_skip);
	bf_jmp32_imm(p, BPF_JLE, reg, max, nomatch);
	bf_label_bind(p, in_range_skip);
}

void bf_gen_be16_range(struct bf_gen *g, int off, uint16_t min, uint16_t max, bool inv,
		       bf_label nomatch)
{
	/* any port (most rules' source port): nothing to read */
	if (min == 0 && max == 0xffff) {
		if (inv)
			bf_jmp(&g->prog, nomatch);
		return;
	}
	bf_gen_load_be16(g, BF_R1, off);
	bf_gen_range(g, BF_R1, min, max, 0xffff, inv, nomatch);
}

/* bpf_trace_printk("<program>: <what> failed\n"), the text built on the stack */
static void gen_trace(struct bf_gen *g, const char *what)
{
	struct bf_prog *p = &g->prog;
	char text[BF_STK_SCRATCH_SIZE] = { 0 };
	int len, i;

	len = snprintf(text, sizeof(text), "bpfilter %s_%s: %s failed\n", g->ir->table->name,
		       bf_hook_name(g->hook), what);
	if (len >= (int)sizeof(text))
		len = sizeof(text) - 1;
	text[len] = '\0';
	for (i = 0; i <= len; i += 4) {
		int32_t word;

		memcpy(&word, text + i, sizeof(word));
		bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, BF_STK_SCRATCH + i, word));
	}
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, BF_STK_SCRATCH));
	bf_emit(p, BF_MOV64_IMM(BF_R2, len + 1));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_trace_printk));
}

void bf_gen_call_failed(struct bf_gen *g, int op, int32_t imm, bf_label label, const char *what)
{
	struct bf_prog *p = &g->prog;
	bf_label ok;

	if (!g->trace) {
		bf_jmp_imm(p, op, BF_R0, imm, label);
		return;
	}
	ok = bf_label_new(p);
	bf_jmp_imm(p, op == BPF_JEQ ? BPF_JNE : BPF_JEQ, BF_R0, imm, ok);
	gen_trace(g, what);
	bf_jmp(p, label);
	bf_label_bind(p, ok);
}

void bf_gen_skb_dynptr(struct bf_gen *g, bf_label fail)
{
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_MOV64_REG(BF_R1, BF_R6));
	bf_emit(p, BF_MOV64_IMM(BF_R2, 0));
	bf_emit(p, BF_MOV64_REG(BF_R3, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R3, BF_STK_DYNPTR));
	bf_emit(p, BF_CALL_KFUNC(g->kernel->kfunc_dynptr_from_skb));
	bf_gen_call_failed(g, BPF_JNE, 0, fail, "bpf_dynptr_from_skb");
}

void bf_gen_bytes(struct bf_gen *g, int reg)
{
	if (reg != BF_R1)
		bf_emit(&g->prog, BF_MOV64_REG(BF_R1, reg));
	bf_emit(&g->prog, BF_MOV64_IMM(BF_R2, g->kernel->bytes_type));
	bf_emit(&g->prog, BF_CALL_KFUNC(g->kernel->kfunc_rdonly_cast));
}

void bf_gen_load_kptr(struct bf_gen *g, int dst, int src, const struct bf_field *f)
{
	bf_gen_bytes(g, src);
	bf_emit(&g->prog, BF_LDX_MEM(BPF_DW, dst, BF_R0, f->off));
}

void bf_gen_copy_from_r0(struct bf_prog *p, int off, unsigned int len)
{
	static const struct {
		unsigned int bytes;
		int size;
	} words[] = { { 8, BPF_DW }, { 4, BPF_W }, { 2, BPF_H }, { 1, BPF_B } };
	unsigned int done = 0, i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		for (; len - done >= words[i].bytes; done += words[i].bytes) {
			bf_emit(p, BF_LDX_MEM(words[i].size, BF_R1, BF_R0, (int)done));
			bf_emit(p, BF_STX_MEM(words[i].size, BF_FP, BF_R1, off + (int)done));
		}
	}
}

void bf_gen_headlen(struct bf_gen *g)
{
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, BF_STK_SKBLEN));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R6, k->skb_data_len.off));
	bf_emit(p, BF_ALU64_REG(BPF_SUB, BF_R1, BF_R2));
}

/* The prologue's first instruction of those that load ctx->state into r7. */
#define PROLOGUE_STATE_LOAD 2

/*
 * Read what every rule may look at: the IPv4 header, the transport header
 * offset, the fragment offset and skb->len. ip_rcv() and the output paths
 * leave the IPv4 header in the linear data, where ip_tables reads it too.
 */
static void gen_prologue(struct bf_gen *g)
{
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;
	bf_label drop = bf_label_new(p), start = bf_label_new(p);

	bf_emit(p, BF_STX_MEM(BPF_DW, BF_FP, BF_R1, BF_STK_CTX));
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R6, BF_R1, k->ctx_skb.off));
	/*
	 * r7 = ctx->state as a number, read through bytes: the verifier checks
	 * a context load with a search of the kernel's BTF by name (to 27,000
	 * types deep for nf_hook_state here). r7 is only read through
	 * bf_gen_load_kptr().
	 */
	bf_gen_bytes(g, BF_R1);
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R7, BF_R0, k->ctx_state.off));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_R6, k->skb_len.off));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_SKBLEN));
	bf_gen_headlen(g);
	bf_jmp_imm(p, BPF_JLT, BF_R1, sizeof(struct iphdr), drop);
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_R6, k->skb_data.off));
	bf_gen_bytes(g, BF_R1);
	bf_gen_copy_from_r0(p, BF_STK_IPH, sizeof(struct iphdr));
	bf_jmp(p, start);
	/* Netfilter's IPv4 hooks only see packets with a whole IPv4 header. */
	bf_label_bind(p, drop);
	bf_gen_exit(g, NF_DROP);
	bf_label_bind(p, start);
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_STK_IPH));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, 0x0f));
	bf_emit(p, BF_ALU64_IMM(BPF_LSH, BF_R1, 2));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_THOFF));
	bf_gen_load_be16(g, BF_R1, BF_IPH(frag_off));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, 0x1fff));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R1, BF_STK_FRAGOFF));
}

void bf_gen_map_lookup(struct bf_gen *g, int map_fd, int key_off, bf_label miss)
{
	struct bf_prog *p = &g->prog;

	bf_emit_ld_map_fd(p, BF_R1, map_fd);
	bf_emit(p, BF_MOV64_REG(BF_R2, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R2, key_off));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_map_lookup_elem));
	bf_jmp_imm(p, BPF_JEQ, BF_R0, 0, miss);
}

static const char *verdict_name(int verdict)
{
	switch (-verdict - 1) {
	case NF_STOLEN:
		return "STOLEN";
	case NF_QUEUE:
		return "QUEUE";
	case NF_STOP:
		return "STOP";
	default:
		return "unknown";
	}
}

static int gen_target(struct bf_gen *g, const struct xlate_rule *r, const struct bf_cont *cont,
		      bool *falls)
{
	const struct bf_target_gen *tg;
	bf_label back;
	int err;

	*falls = false;
	switch (r->action) {
	case XLATE_ACCEPT:
		bf_gen_exit(g, NF_ACCEPT);
		return 0;
	case XLATE_DROP:
		bf_gen_exit(g, NF_DROP);
		return 0;
	case XLATE_RETURN:
		bf_jmp(&g->prog, cont->underflow ? g->underflow : cont->label);
		return 0;
	case XLATE_JUMP:
	case XLATE_GOTO:
		/* To the next rule: ip_tables pushes nothing and goes on. */
		if (r->jump == r->index + 1) {
			*falls = true;
			return 0;
		}
		if (r->action == XLATE_GOTO)
			return gen_sequence(g, r->jump, cont);
		back = bf_label_new(&g->prog);
		err = gen_sequence(g, r->jump, &(struct bf_cont){ .label = back });
		bf_label_bind(&g->prog, back);
		*falls = true;
		return err;
	case XLATE_OTHER_VERDICT:
		return bf_gen_unsupported(g, "target", verdict_name(r->verdict), 0,
					  "BPF netfilter programs can only accept or drop");
	case XLATE_TARGET_EXT:
		tg = bf_target_gen_find(r->target);
		if (!tg)
			return bf_gen_unsupported(g, "target", r->target->name, r->target->revision,
						  "no BPF translation");
		return tg->gen(g, r, falls);
	case XLATE_JUMP_NOWHERE: /* unreachable: no sequence holds it */
		break;
	}
	return -EINVAL;
}

static int gen_matches(struct bf_gen *g, const struct xlate_rule *r, bf_label nomatch,
		       bf_label hotdrop)
{
	unsigned int i;
	int err;

	bf_gen_ip_match(g, &r->entry->ip, nomatch);
	for (i = 0; i < r->num_matches; i++) {
		const struct xlate_ext_ops *ops = r->matches[i].ops;
		const struct bf_match_gen *mg = bf_match_gen_find(ops);

		if (!mg)
			return bf_gen_unsupported(g, "match", ops->name, ops->revision,
						  "no BPF translation");
		err = mg->gen(g, r, &r->matches[i], nomatch, hotdrop);
		if (err)
			return err;
	}
	return 0;
}

/* One rule; *falls: its code may go on to the next rule's. */
static int gen_rule(struct bf_gen *g, const struct xlate_rule *r, const struct bf_cont *cont,
		    bf_label nomatch, bool *falls)
{
	struct bf_prog *p = &g->prog;
	bf_label hotdrop = bf_label_new(p);
	int err;

	err = gen_matches(g, r, nomatch, hotdrop);
	if (err)
		return err;
	bf_gen_count(g, r->index);
	err = gen_target(g, r, cont, falls);
	if (err)
		return err;
	if (bf_label_used(p, hotdrop)) {
		if (*falls)
			bf_jmp(p, nomatch);
		bf_label_bind(p, hotdrop);
		bf_gen_exit(g, NF_DROP);
	}
	return p->err;
}

static int start_part(struct bf_gen *g)
{
	if (g->out->n == BF_MAX_PARTS)
		return -E2BIG;
	bf_prog_init(&g->prog);
	g->underflow = bf_label_new(&g->prog);
	g->l4_cached = false;
	gen_prologue(g);
	bf_gen_count_start(g);
	return g->prog.err;
}

/* A part that never looks at r7 does not load ctx->state (nops the verifier drops). */
static void drop_unused_state(struct bf_prog *p)
{
	size_t load = PROLOGUE_STATE_LOAD, i;

	while (p->insns[load].dst_reg != BF_R7)
		load++;
	for (i = load + 1; i < p->len; i++)
		if (p->insns[i].dst_reg == BF_R7 || p->insns[i].src_reg == BF_R7)
			return;
	for (i = PROLOGUE_STATE_LOAD; i < load; i++)
		p->insns[i] = BF_JMP_A(0);
	p->insns[load] = BF_MOV64_IMM(BF_R7, 0);
}

/* End the current part: its copy of the policy, then link it. */
static int finish_part(struct bf_gen *g)
{
	struct bf_prog *p = &g->prog;
	int ret = 0;

	if (bf_label_used(p, g->underflow)) {
		bf_label_bind(p, g->underflow);
		g->in_policy = true;
		ret = gen_sequence(g, g->ir->underflow[g->hook],
				   &(struct bf_cont){ .underflow = true });
		g->in_policy = false;
	}
	bf_gen_count_lookups(g);
	if (!ret)
		ret = bf_prog_link(p);
	if (ret) {
		bf_prog_release(p);
		return ret;
	}
	drop_unused_state(p);
	g->out->parts[g->out->n++] = *p;
	bf_prog_init(p);
	return 0;
}

/* Go on in part n: a tail call, or a drop if it cannot be made (fail closed). */
static void gen_tail_call(struct bf_gen *g, unsigned int n)
{
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_FP, BF_STK_CTX));
	bf_emit_ld_map_fd(p, BF_R2, g->maps->parts_fd);
	bf_emit(p, BF_MOV64_IMM(BF_R3, (int)(g->hook * BF_MAX_PARTS + n)));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_tail_call));
	if (g->trace)
		gen_trace(g, "bpf_tail_call");
	bf_gen_exit(g, NF_DROP);
}

/* Between two of the chain's own rules: cut here if this part is full. */
static int maybe_split(struct bf_gen *g, const struct bf_cont *cont)
{
	int ret;

	if (g->depth != 1 || !cont->underflow || g->in_policy ||
	    g->prog.branches < BF_PART_BRANCHES || g->out->n + 1 >= BF_MAX_PARTS)
		return 0;
	gen_tail_call(g, g->out->n + 1);
	ret = finish_part(g);
	return ret ? ret : start_part(g);
}

/*
 * Rules from start on, in order, until one ends every path (a verdict,
 * RETURN or goto that nothing can skip).
 */
static int gen_sequence(struct bf_gen *g, unsigned int start, const struct bf_cont *cont)
{
	unsigned int i;
	int err = -EINVAL;

	g->depth++;
	for (i = start; i < g->ir->num_rules; i++) {
		bf_label next = bf_label_new(&g->prog);
		bool falls;
		int run;

		bf_gen_cache_l4(g, &g->ir->rules[i]);
		run = bf_classify_run(g, i);
		if (run) {
			/* the run's rules are handled; a packet none matched goes on */
			err = run < 0 ? run : maybe_split(g, cont);
			if (err)
				break;
			i += (unsigned int)run - 1;
			err = -EINVAL;
			continue;
		}
		err = gen_rule(g, &g->ir->rules[i], cont, next, &falls);
		if (err)
			break;
		bf_label_bind(&g->prog, next);
		if (!falls && !bf_label_used(&g->prog, next))
			break;
		err = maybe_split(g, cont);
		if (err)
			break;
		/* The validator guarantees no path runs off the end of the table. */
		err = -EINVAL;
	}
	g->depth--;
	return err;
}

int bf_codegen_hook(const struct xlate_ir *ir, const struct bf_table_maps *maps, unsigned int hook,
		    bool trace, struct bf_hook_progs *out, struct xlate_error *err)
{
	struct bf_gen g = {
		.ir = ir, .maps = maps, .hook = hook, .err = err, .out = out, .trace = trace
	};
	unsigned int i;
	int ret;

	out->n = 0;
	out->fds = NULL;
	out->nr_fds = 0;
	g.kernel = bf_kernel(err);
	if (!g.kernel)
		return -errno;
	out->cls = calloc(1, sizeof(*out->cls));
	g.memo = calloc(ir->num_rules, sizeof(*g.memo));
	if (!out->cls || !g.memo) {
		free(g.memo);
		bf_hook_progs_release(out);
		return -ENOMEM;
	}
	/* a run covers 32 rules or more; a tuple run stages at most 3 entries per rule */
	bf_class_maps_init(out->cls, 2 * ir->num_rules + BF_TUPLE_MAX);
	g.cls = out->cls;
	g.l4_wanted = bf_gen_table_reads_l4(ir);
	ret = start_part(&g);
	if (!ret)
		ret = gen_sequence(&g, ir->hook_entry[hook],
				   &(struct bf_cont){ .underflow = true });
	if (!ret)
		ret = finish_part(&g);
	else
		bf_prog_release(&g.prog);
	if (!ret)
		ret = bf_class_maps_make(out->cls, out->prev_trie, out->trie, out->arrays);
	for (i = 0; i < ir->num_rules; i++)
		free(g.memo[i]);
	free(g.memo);
	if (ret == -E2BIG || ret == -ERANGE)
		snprintf(err->msg, sizeof(err->msg),
			 "the ruleset is too large for BPF programs: chain %s needs more than %u "
			 "parts of straight-line rules",
			 bf_hook_name(hook), (unsigned int)BF_MAX_PARTS);
	if (ret)
		bf_hook_progs_release(out);
	return ret;
}

int bf_hook_progs_keep_fd(struct bf_hook_progs *progs, int fd)
{
	int *more = realloc(progs->fds, (progs->nr_fds + 1) * sizeof(*more));

	if (!more) {
		close(fd);
		return -ENOMEM;
	}
	progs->fds = more;
	progs->fds[progs->nr_fds++] = fd;
	return 0;
}

void bf_hook_progs_release(struct bf_hook_progs *progs)
{
	unsigned int i;

	for (i = 0; i < progs->n; i++)
		bf_prog_release(&progs->parts[i]);
	progs->n = 0;
	for (i = 0; i < progs->nr_fds; i++)
		close(progs->fds[i]);
	free(progs->fds);
	progs->fds = NULL;
	progs->nr_fds = 0;
	if (progs->cls)
		bf_class_maps_release(progs->cls);
	free(progs->cls);
	progs->cls = NULL;
}
