// SPDX-License-Identifier: GPL-2.0
/*
 * -m owner revision 1, as owner_mt(): the full socket behind skb->sk (a
 * request socket stands for its listener), in the packet's netns, and the
 * fsuid, fsgid and supplementary groups of the file that holds it.
 *
 * Past skb->sk the chain is read with bpf_probe_read_kernel(): a request
 * socket is not a struct sock, so BTF-typed loads cannot follow it.
 */
#include <netinet/in.h>
#include <linux/netfilter/xt_owner.h>
#include <netinet/tcp.h>

#include "../codegen.h"

#define OWNER_ITER (BF_STK_SCRATCH) /* struct bpf_iter_num */
#define OWNER_TMP (BF_STK_SCRATCH + 8) /* what probe_read_kernel read */
#define OWNER_NEW_SYN_RECV 12 /* TCP_NEW_SYN_RECV: a request socket */

/* dst = *(size *)(src + off) in kernel memory, 0 if unreadable */
static void probe(struct bf_prog *p, int dst, int src, int off, int size)
{
	bf_emit(p, BF_MOV64_REG(BF_R3, src));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R3, off));
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, OWNER_TMP));
	bf_emit(p, BF_MOV64_IMM(BF_R2, size == BPF_DW ? 8 : size == BPF_W ? 4 : 1));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	bf_emit(p, BF_LDX_MEM(size, dst, BF_FP, OWNER_TMP));
}

/* r8 = skb_to_full_sk(skb) in the hook's netns, r9 = its socket; else to none */
static void gen_socket(struct bf_gen *g, bf_label none)
{
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;
	int common = k->sk_common.off;
	bf_label full = bf_label_new(p);

	bf_emit(p, BF_ST_MEM(BPF_DW, BF_FP, OWNER_TMP, 0));
	bf_gen_load_kptr(g, BF_R8, BF_R6, &k->skb_sk);
	bf_jmp_imm(p, BPF_JEQ, BF_R8, 0, none);
	probe(p, BF_R1, BF_R8, common + k->skc_state.off, BPF_B);
	bf_jmp_imm(p, BPF_JNE, BF_R1, OWNER_NEW_SYN_RECV, full);
	probe(p, BF_R8, BF_R8, k->req_common.off + k->skc_listener.off, BPF_DW);
	bf_jmp_imm(p, BPF_JEQ, BF_R8, 0, none);
	bf_label_bind(p, full);
	/* possible_net_t holds just the struct net pointer */
	probe(p, BF_R9, BF_R8, common + k->skc_net.off, BPF_DW);
	bf_gen_load_kptr(g, BF_R1, BF_R7, &k->state_net);
	bf_jmp_reg(p, BPF_JNE, BF_R9, BF_R1, none);
	probe(p, BF_R9, BF_R8, k->sk_socket.off, BPF_DW);
	bf_jmp_imm(p, BPF_JEQ, BF_R9, 0, none);
}

/* Any of the supplementary groups of the cred in r9 in [min, max]: to found. */
static void gen_suppl_groups(struct bf_gen *g, uint32_t min, uint32_t max, bf_label found)
{
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;
	bf_label loop = bf_label_new(p), next = bf_label_new(p), hit = bf_label_new(p);
	bf_label end = bf_label_new(p), out = bf_label_new(p);

	probe(p, BF_R9, BF_R9, k->cred_group_info.off, BPF_DW);
	bf_jmp_imm(p, BPF_JEQ, BF_R9, 0, out);
	probe(p, BF_R3, BF_R9, k->groups_ngroups.off, BPF_W);
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, OWNER_ITER));
	bf_emit(p, BF_MOV64_IMM(BF_R2, 0));
	bf_emit(p, BF_CALL_KFUNC(k->kfunc_iter_num_new));
	bf_label_bind(p, loop);
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, OWNER_ITER));
	bf_emit(p, BF_CALL_KFUNC(k->kfunc_iter_num_next));
	bf_jmp_imm(p, BPF_JEQ, BF_R0, 0, end);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, 0));
	bf_emit(p, BF_ALU64_IMM(BPF_LSH, BF_R2, 2));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R2, BF_R9));
	probe(p, BF_R1, BF_R2, k->groups_gid.off, BPF_W);
	bf_gen_range(g, BF_R1, min, max, 0xffffffff, false, next);
	bf_jmp(p, hit);
	bf_label_bind(p, next);
	bf_jmp(p, loop);
	bf_label_bind(p, hit);
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, OWNER_ITER));
	bf_emit(p, BF_CALL_KFUNC(k->kfunc_iter_num_destroy));
	bf_jmp(p, found);
	bf_label_bind(p, end);
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, OWNER_ITER));
	bf_emit(p, BF_CALL_KFUNC(k->kfunc_iter_num_destroy));
	bf_label_bind(p, out);
}

/* The fsgid or, with --suppl-groups, a supplementary group in range, ^ invert. */
static void gen_gid(struct bf_gen *g, const struct xt_owner_match_info *info, bf_label nomatch)
{
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;
	bool inv = info->invert & XT_OWNER_GID;
	bf_label in = bf_label_new(p), done = bf_label_new(p);

	probe(p, BF_R1, BF_R9, k->cred_fsgid.off, BPF_W);
	bf_gen_range(g, BF_R1, info->gid_min, info->gid_max, 0xffffffff, true, in);
	if (info->match & XT_OWNER_SUPPL_GROUPS)
		gen_suppl_groups(g, info->gid_min, info->gid_max, in);
	bf_jmp(p, inv ? done : nomatch);
	bf_label_bind(p, in);
	if (inv)
		bf_jmp(p, nomatch);
	bf_label_bind(p, done);
}

static int owner_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		     bf_label nomatch, bf_label hotdrop)
{
	const struct xt_owner_match_info *info = m->data;
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;
	bf_label no_socket = bf_label_new(p), no_file = bf_label_new(p);
	bf_label done = bf_label_new(p);

	gen_socket(g, no_socket);
	/* a socket exists, but ! --socket-exists */
	if (info->match & info->invert & XT_OWNER_SOCKET)
		bf_jmp(p, nomatch);
	probe(p, BF_R9, BF_R9, k->socket_file.off, BPF_DW);
	bf_jmp_imm(p, BPF_JEQ, BF_R9, 0, no_file);
	probe(p, BF_R9, BF_R9, k->file_cred.off, BPF_DW);
	if (info->match & XT_OWNER_UID) {
		probe(p, BF_R1, BF_R9, k->cred_fsuid.off, BPF_W);
		bf_gen_range(g, BF_R1, info->uid_min, info->uid_max, 0xffffffff,
			     info->invert & XT_OWNER_UID, nomatch);
	}
	if (info->match & XT_OWNER_GID)
		gen_gid(g, info, nomatch);
	bf_jmp(p, done);

	/* without a file, only tests other than uid and gid can pass */
	bf_label_bind(p, no_file);
	if ((info->match ^ info->invert) & (XT_OWNER_UID | XT_OWNER_GID))
		bf_jmp(p, nomatch);
	bf_jmp(p, done);

	bf_label_bind(p, no_socket);
	if (info->match ^ info->invert)
		bf_jmp(p, nomatch);
	bf_label_bind(p, done);
	return p->err;
}

const struct bf_match_gen bf_match_owner = {
	.name = "owner",
	.gen = owner_gen,
};
