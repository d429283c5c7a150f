// SPDX-License-Identifier: GPL-2.0
/* -m udp, as udp_mt(): source and destination port ranges. */
#include <netinet/in.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <netinet/udp.h>

#include "../codegen.h"

static int udp_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		   bf_label nomatch, bf_label hotdrop)
{
	const struct xt_udp *info = m->data;

	bf_gen_load_l4(g, sizeof(struct udphdr), nomatch, hotdrop);
	bf_gen_be16_range(g, BF_STK_L4 + (int)offsetof(struct udphdr, source), info->spts[0],
			  info->spts[1], info->invflags & XT_UDP_INV_SRCPT, nomatch);
	bf_gen_be16_range(g, BF_STK_L4 + (int)offsetof(struct udphdr, dest), info->dpts[0],
			  info->dpts[1], info->invflags & XT_UDP_INV_DSTPT, nomatch);
	return g->prog.err;
}

const struct bf_match_gen bf_match_udp = {
	.name = "udp",
	.gen = udp_gen,
	.l4_bytes = sizeof(struct udphdr),
};
