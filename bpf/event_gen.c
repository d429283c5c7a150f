// SPDX-License-Identifier: GPL-2.0
/* Filling a struct bf_event in the ring buffer from a generated program. */
#include <stddef.h>

#include "codegen.h"
#include "events.h"

#define EV(field) ((int)offsetof(struct bf_event, field))

/* r8 = event; copy the 16-byte name of the device at state->field, or zeros */
static void gen_dev_name(struct bf_gen *g, const struct bf_field *dev, int to)
{
	struct bf_prog *p = &g->prog;
	bf_label none = bf_label_new(p), done = bf_label_new(p);
	int name = g->kernel->dev_name.off;

	bf_gen_load_kptr(g, BF_R1, BF_R7, dev);
	bf_jmp_imm(p, BPF_JEQ, BF_R1, 0, none);
	bf_gen_bytes(g, BF_R1);
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R2, BF_R0, name));
	bf_emit(p, BF_STX_MEM(BPF_DW, BF_R8, BF_R2, to));
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R2, BF_R0, name + 8));
	bf_emit(p, BF_STX_MEM(BPF_DW, BF_R8, BF_R2, to + 8));
	bf_jmp(p, done);
	bf_label_bind(p, none);
	bf_emit(p, BF_ST_MEM(BPF_DW, BF_R8, to, 0));
	bf_emit(p, BF_ST_MEM(BPF_DW, BF_R8, to + 8, 0));
	bf_label_bind(p, done);
}

/* The link-layer header LOG prints as MAC=, when the device has one. */
static void gen_mac(struct bf_gen *g)
{
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;
	bf_label done = bf_label_new(p), fits = bf_label_new(p);

	bf_emit(p, BF_ST_MEM(BPF_W, BF_R8, EV(mac_len), 0));
	bf_emit(p, BF_ST_MEM(BPF_H, BF_R8, EV(dev_type), 0));
	bf_gen_load_kptr(g, BF_R1, BF_R6, &k->skb_dev);
	bf_jmp_imm(p, BPF_JEQ, BF_R1, 0, done);
	bf_gen_bytes(g, BF_R1);
	bf_emit(p, BF_LDX_MEM(BPF_H, BF_R2, BF_R0, k->dev_type.off));
	bf_emit(p, BF_STX_MEM(BPF_H, BF_R8, BF_R2, EV(dev_type)));
	bf_emit(p, BF_LDX_MEM(BPF_H, BF_R2, BF_R0, k->dev_hard_header_len.off));
	bf_emit(p, BF_LDX_MEM(BPF_H, BF_R3, BF_R6, k->skb_mac_header.off));
	bf_emit(p, BF_LDX_MEM(BPF_H, BF_R4, BF_R6, k->skb_network_header.off));
	/* not set (~0), or empty */
	bf_jmp_imm(p, BPF_JEQ, BF_R3, 0xffff, done);
	bf_jmp_reg(p, BPF_JEQ, BF_R3, BF_R4, done);
	bf_jmp_imm(p, BPF_JEQ, BF_R2, 0, done);
	bf_jmp_imm(p, BPF_JLE, BF_R2, 16, fits);
	bf_emit(p, BF_MOV64_IMM(BF_R2, 16));
	bf_label_bind(p, fits);
	bf_emit(p, BF_STX_MEM(BPF_W, BF_R8, BF_R2, EV(mac_len)));
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_R6, k->skb_head.off));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R3, BF_R1));
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_R8));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, EV(mac)));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	bf_label_bind(p, done);
}

/* skb->sk->sk_socket->file->f_cred->fsuid/fsgid, as nf_log_dump_sk_uid_gid() */
static void gen_uid(struct bf_gen *g)
{
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;
	const struct bf_field *path[] = { &k->skb_sk, &k->sk_socket, &k->socket_file,
					  &k->file_cred };
	bf_label done = bf_label_new(p);
	unsigned int i;

	bf_emit(p, BF_ST_MEM(BPF_B, BF_R8, EV(has_uid), 0));
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_R6));
	for (i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		bf_gen_load_kptr(g, BF_R1, BF_R1, path[i]);
		bf_jmp_imm(p, BPF_JEQ, BF_R1, 0, done);
	}
	bf_gen_bytes(g, BF_R1);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, k->cred_fsuid.off));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_R8, BF_R2, EV(uid)));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, k->cred_fsgid.off));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_R8, BF_R2, EV(gid)));
	bf_emit(p, BF_ST_MEM(BPF_B, BF_R8, EV(has_uid), 1));
	bf_label_bind(p, done);
}

/* data_len = min(skb->len, BF_EVENT_DATA); data = the packet's first bytes */
static void gen_data(struct bf_gen *g)
{
	struct bf_prog *p = &g->prog;
	bf_label fits = bf_label_new(p), no_data = bf_label_new(p), done = bf_label_new(p);

	bf_gen_skb_dynptr(g, no_data);
	bf_gen_load_fact(g, BF_R2, BF_STK_SKBLEN);
	bf_jmp_imm(p, BPF_JLE, BF_R2, BF_EVENT_DATA, fits);
	bf_emit(p, BF_MOV64_IMM(BF_R2, BF_EVENT_DATA));
	bf_label_bind(p, fits);
	bf_emit(p, BF_STX_MEM(BPF_W, BF_R8, BF_R2, EV(data_len)));
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_R8));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, EV(data)));
	bf_emit(p, BF_MOV64_REG(BF_R3, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R3, BF_STK_DYNPTR));
	bf_emit(p, BF_MOV64_IMM(BF_R4, 0));
	bf_emit(p, BF_MOV64_IMM(BF_R5, 0));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_dynptr_read));
	bf_jmp(p, done);
	bf_label_bind(p, no_data);
	bf_emit(p, BF_ST_MEM(BPF_W, BF_R8, EV(data_len), 0));
	bf_label_bind(p, done);
}

void bf_gen_event(struct bf_gen *g, const struct xlate_rule *r, uint32_t kind, bool with_uid)
{
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;
	bf_label full = bf_label_new(p);

	bf_emit_ld_map_fd(p, BF_R1, g->maps->events_fd);
	bf_emit(p, BF_MOV64_IMM(BF_R2, sizeof(struct bf_event)));
	bf_emit(p, BF_MOV64_IMM(BF_R3, 0));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_ringbuf_reserve));
	/* a full ring loses this event; the packet's fate is unchanged */
	bf_gen_call_failed(g, BPF_JEQ, 0, full, "bpf_ringbuf_reserve");
	bf_emit(p, BF_MOV64_REG(BF_R8, BF_R0));
	bf_emit(p, BF_ST_MEM(BPF_W, BF_R8, EV(kind), (int32_t)kind));
	bf_emit(p, BF_ST_MEM(BPF_W, BF_R8, EV(table_id), (int32_t)g->maps->table_id));
	bf_emit(p, BF_ST_MEM(BPF_W, BF_R8, EV(rule_offset), (int32_t)r->offset));
	bf_emit(p, BF_ST_MEM(BPF_W, BF_R8, EV(hook), (int32_t)g->hook));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, BF_STK_SKBLEN));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_R8, BF_R1, EV(skb_len)));
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_R6, k->skb_mark.off));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_R8, BF_R1, EV(mark)));
	gen_dev_name(g, &k->state_in, EV(in));
	gen_dev_name(g, &k->state_out, EV(out));
	gen_mac(g);
	if (with_uid)
		gen_uid(g);
	else
		bf_emit(p, BF_ST_MEM(BPF_B, BF_R8, EV(has_uid), 0));
	gen_data(g);
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_R8));
	bf_emit(p, BF_MOV64_IMM(BF_R2, 0));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_ringbuf_submit));
	bf_label_bind(p, full);
}
