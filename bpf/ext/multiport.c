// SPDX-License-Identifier: GPL-2.0
/* -m multiport revision 1, as ports_match_v1(): ports and ranges, any hit. */
#include <netinet/in.h>
#include <linux/netfilter/xt_multiport.h>

#include "../codegen.h"

/* what multiport_mt() reads: the source and destination ports */
#define PORTS_LEN 4

/* Jump to hit if r1 (source) or r2 (destination), as flags say, is in [lo, hi]. */
static void gen_port(struct bf_prog *p, uint8_t flags, uint16_t lo, uint16_t hi, bf_label hit)
{
	int regs[2] = { BF_R1, BF_R2 };
	int i;

	for (i = 0; i < 2; i++) {
		bf_label out = bf_label_new(p);

		if ((i == 0 && flags == XT_MULTIPORT_DESTINATION) ||
		    (i == 1 && flags == XT_MULTIPORT_SOURCE))
			continue;
		if (lo == hi) {
			bf_jmp_imm(p, BPF_JEQ, regs[i], lo, hit);
			continue;
		}
		bf_jmp_imm(p, BPF_JLT, regs[i], lo, out);
		bf_jmp_imm(p, BPF_JLE, regs[i], hi, hit);
		bf_label_bind(p, out);
	}
}

static int multiport_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
			 bf_label nomatch, bf_label hotdrop)
{
	const struct xt_multiport_v1 *info = m->data;
	struct bf_prog *p = &g->prog;
	bf_label hit = bf_label_new(p), done = bf_label_new(p);
	unsigned int i;

	bf_gen_load_l4(g, PORTS_LEN, nomatch, hotdrop);
	bf_gen_load_be16(g, BF_R1, BF_STK_L4);
	bf_gen_load_be16(g, BF_R2, BF_STK_L4 + 2);
	for (i = 0; i < info->count; i++) {
		uint16_t lo = info->ports[i], hi = lo;

		if (info->pflags[i])
			hi = info->ports[++i];
		gen_port(p, info->flags, lo, hi, hit);
	}
	/* no port hit: a match only if inverted */
	if (info->invert)
		bf_jmp(p, done);
	else
		bf_jmp(p, nomatch);
	bf_label_bind(p, hit);
	if (info->invert)
		bf_jmp(p, nomatch);
	bf_label_bind(p, done);
	return p->err;
}

const struct bf_match_gen bf_match_multiport = {
	.name = "multiport",
	.gen = multiport_gen,
	.l4_bytes = PORTS_LEN,
};
