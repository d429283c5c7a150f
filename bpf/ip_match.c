// SPDX-License-Identifier: GPL-2.0
/*
 * The part of a rule every entry has (struct ipt_ip), compiled as the
 * kernel's ip_packet_match() evaluates it, inversions included. Addresses are
 * compared as they lie in the packet (network order loaded little-endian on
 * both sides), so the masks need no byte swapping.
 */
#include <string.h>
#include <netinet/in.h>

#include "ip_match.h"

/* (field & mask) != value, inverted by inv: a mismatch goes to nomatch. */
static void gen_addr(struct bf_gen *g, int off, uint32_t addr, uint32_t mask, bool inv,
		     bf_label nomatch)
{
	struct bf_prog *p = &g->prog;

	if (!mask && !addr && !inv)
		return;
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, off));
	bf_emit(p, BF_ALU32_IMM(BPF_AND, BF_R1, (int32_t)mask));
	bf_jmp32_imm(p, inv ? BPF_JEQ : BPF_JNE, BF_R1, addr, nomatch);
}

static uint64_t word(const unsigned char *bytes)
{
	uint64_t v;

	memcpy(&v, bytes, sizeof(v));
	return v;
}

/*
 * ifname_compare_aligned(): the device name XOR the rule's, masked, two
 * words at a time; a missing device reads as an all-zero name.
 */
static void gen_iface(struct bf_gen *g, const struct bf_field *dev, const char *name,
		      const unsigned char *mask, bool inv, bf_label nomatch)
{
	struct bf_prog *p = &g->prog;
	bf_label have_dev = bf_label_new(p), compare = bf_label_new(p);
	int off = g->kernel->dev_name.off;
	unsigned char nm[IFNAMSIZ];
	unsigned int i;

	for (i = 0; i < IFNAMSIZ && !mask[i]; i++)
		;
	if (i == IFNAMSIZ && !inv)
		return;
	memcpy(nm, name, IFNAMSIZ);
	bf_gen_load_kptr(g, BF_R1, BF_R7, dev);
	bf_jmp_imm(p, BPF_JNE, BF_R1, 0, have_dev);
	bf_emit(p, BF_MOV64_IMM(BF_R2, 0));
	bf_emit(p, BF_MOV64_IMM(BF_R3, 0));
	bf_jmp(p, compare);
	bf_label_bind(p, have_dev);
	bf_gen_bytes(g, BF_R1);
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R2, BF_R0, off));
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R3, BF_R0, off + 8));
	bf_label_bind(p, compare);
	bf_emit_ld_imm64(p, BF_R4, word(nm));
	bf_emit(p, BF_ALU64_REG(BPF_XOR, BF_R2, BF_R4));
	bf_emit_ld_imm64(p, BF_R4, word(mask));
	bf_emit(p, BF_ALU64_REG(BPF_AND, BF_R2, BF_R4));
	bf_emit_ld_imm64(p, BF_R4, word(nm + 8));
	bf_emit(p, BF_ALU64_REG(BPF_XOR, BF_R3, BF_R4));
	bf_emit_ld_imm64(p, BF_R4, word(mask + 8));
	bf_emit(p, BF_ALU64_REG(BPF_AND, BF_R3, BF_R4));
	bf_emit(p, BF_ALU64_REG(BPF_OR, BF_R2, BF_R3));
	bf_jmp_imm(p, inv ? BPF_JEQ : BPF_JNE, BF_R2, 0, nomatch);
}

void bf_gen_ip_match(struct bf_gen *g, const struct ipt_ip *ip, bf_label nomatch)
{
	struct bf_prog *p = &g->prog;
	bool inv;

	gen_addr(g, BF_IPH(saddr), ip->src.s_addr, ip->smsk.s_addr, ip->invflags & IPT_INV_SRCIP,
		 nomatch);
	gen_addr(g, BF_IPH(daddr), ip->dst.s_addr, ip->dmsk.s_addr, ip->invflags & IPT_INV_DSTIP,
		 nomatch);
	gen_iface(g, &g->kernel->state_in, ip->iniface, ip->iniface_mask,
		  ip->invflags & IPT_INV_VIA_IN, nomatch);
	gen_iface(g, &g->kernel->state_out, ip->outiface, ip->outiface_mask,
		  ip->invflags & IPT_INV_VIA_OUT, nomatch);
	if (ip->proto) {
		inv = ip->invflags & IPT_INV_PROTO;
		bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_IPH(protocol)));
		bf_jmp_imm(p, inv ? BPF_JEQ : BPF_JNE, BF_R1, ip->proto, nomatch);
	}
	/* "-f": only non-first fragments; "! -f": only unfragmented or first */
	inv = ip->invflags & IPT_INV_FRAG;
	if (ip->flags & IPT_F_FRAG) {
		bf_gen_load_fact(g, BF_R1, BF_STK_FRAGOFF);
		bf_jmp_imm(p, inv ? BPF_JNE : BPF_JEQ, BF_R1, 0, nomatch);
	} else if (inv) {
		/* FWINV(false, IPT_INV_FRAG): every packet mismatches */
		bf_jmp(p, nomatch);
	}
}
