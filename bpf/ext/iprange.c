// SPDX-License-Identifier: GPL-2.0
/* -m iprange revision 1, as iprange_mt4(): host-order address ranges. */
#include <netinet/in.h>
#include <linux/netfilter/xt_iprange.h>

#include "../codegen.h"

static void gen_range(struct bf_gen *g, int off, const union nf_inet_addr *lo,
		      const union nf_inet_addr *hi, bool inv, bf_label nomatch)
{
	struct bf_prog *p = &g->prog;
	bf_label out = inv ? bf_label_new(p) : nomatch;

	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_FP, off));
	bf_emit(p, BF_BE(BF_R1, 32));
	bf_emit(p, BF_MOV32_IMM(BF_R2, (int32_t)ntohl(lo->ip)));
	bf_jmp_reg(p, BPF_JLT, BF_R1, BF_R2, out);
	bf_emit(p, BF_MOV32_IMM(BF_R2, (int32_t)ntohl(hi->ip)));
	bf_jmp_reg(p, BPF_JGT, BF_R1, BF_R2, out);
	if (inv) {
		bf_jmp(p, nomatch);
		bf_label_bind(p, out);
	}
}

static int iprange_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		       bf_label nomatch, bf_label hotdrop)
{
	const struct xt_iprange_mtinfo *info = m->data;

	if (info->flags & IPRANGE_SRC)
		gen_range(g, BF_IPH(saddr), &info->src_min, &info->src_max,
			  info->flags & IPRANGE_SRC_INV, nomatch);
	if (info->flags & IPRANGE_DST)
		gen_range(g, BF_IPH(daddr), &info->dst_min, &info->dst_max,
			  info->flags & IPRANGE_DST_INV, nomatch);
	return g->prog.err;
}

const struct bf_match_gen bf_match_iprange = {
	.name = "iprange",
	.gen = iprange_gen,
};
