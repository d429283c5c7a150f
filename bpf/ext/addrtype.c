// SPDX-License-Identifier: GPL-2.0
/*
 * -m addrtype, as addrtype_mt_v0/v1() with inet_dev_addr_type(): 0.0.0.0/8
 * and 255.255.255.255 are broadcast, 224.0.0.0/4 multicast, any other address
 * takes the type of its route in the "local" table (the daemon's mirror,
 * bpf/local_routes.h), unicast if none or if the route's device is not the
 * limiting interface.
 */
#include <netinet/in.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/rtnetlink.h>
#include <netinet/ip.h>

#include "../codegen.h"
#include "../local_routes.h"

#define KEY (BF_STK_SCRATCH) /* struct bf_local_route_key */

/* r1 = the type of the address at fp+addr_off (network order), seen from dev */
static void gen_type(struct bf_gen *g, int addr_off, const struct bf_field *dev)
{
	struct bf_prog *p = &g->prog;
	bf_label is = bf_label_new(p), done = bf_label_new(p);
	/* the route found; in r8 when the device is read, a call that loses r0 */
	int route = dev ? BF_R8 : BF_R0;

	/* loaded as little endian: the first octet is the low byte */
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_FP, addr_off));
	bf_emit(p, BF_MOV64_IMM(BF_R1, RTN_BROADCAST));
	bf_jmp32_imm(p, BPF_JEQ, BF_R2, 0xffffffff, done);
	bf_emit(p, BF_MOV64_REG(BF_R3, BF_R2));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R3, 0xff));
	bf_jmp_imm(p, BPF_JEQ, BF_R3, 0, done);
	bf_emit(p, BF_MOV64_IMM(BF_R1, RTN_MULTICAST));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R3, 0xf0));
	bf_jmp_imm(p, BPF_JEQ, BF_R3, 0xe0, done);

	bf_emit(p, BF_ST_MEM(BPF_W, BF_FP, KEY, 32));
	bf_emit(p, BF_STX_MEM(BPF_W, BF_FP, BF_R2, KEY + 4));
	bf_emit_ld_map_fd(p, BF_R1, g->maps->local_routes_fd);
	bf_emit(p, BF_MOV64_REG(BF_R2, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R2, KEY));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_map_lookup_elem));
	bf_emit(p, BF_MOV64_IMM(BF_R1, RTN_UNICAST));
	bf_jmp_imm(p, BPF_JEQ, BF_R0, 0, done);
	if (dev) {
		bf_emit(p, BF_MOV64_REG(route, BF_R0));
		bf_gen_load_kptr(g, BF_R2, BF_R7, dev);
		bf_jmp_imm(p, BPF_JEQ, BF_R2, 0, is);
		bf_gen_bytes(g, BF_R2);
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R2, BF_R0, g->kernel->dev_ifindex.off));
		bf_emit(p, BF_LDX_MEM(BPF_W, BF_R3, route,
				      (int)offsetof(struct bf_local_route, ifindex)));
		bf_emit(p, BF_MOV64_IMM(BF_R1, RTN_UNICAST));
		bf_jmp_reg(p, BPF_JNE, BF_R2, BF_R3, done);
	}
	bf_label_bind(p, is);
	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, route, (int)offsetof(struct bf_local_route, type)));
	bf_label_bind(p, done);
}

/* Bit type of mask, ^ inv, else to nomatch. */
static void gen_test(struct bf_gen *g, uint16_t mask, bool inv, bf_label nomatch)
{
	struct bf_prog *p = &g->prog;
	bf_label test = bf_label_new(p);

	bf_emit(p, BF_MOV64_IMM(BF_R2, 0));
	bf_jmp_imm(p, BPF_JGT, BF_R1, 15, test);
	bf_emit(p, BF_MOV64_IMM(BF_R2, mask));
	bf_emit(p, BF_ALU64_REG(BPF_RSH, BF_R2, BF_R1));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R2, 1));
	bf_label_bind(p, test);
	bf_jmp_imm(p, inv ? BPF_JNE : BPF_JEQ, BF_R2, 0, nomatch);
}

static void gen_addr(struct bf_gen *g, int addr_off, uint16_t mask, bool inv,
		     const struct bf_field *dev, bf_label nomatch)
{
	if (!mask)
		return;
	gen_type(g, addr_off, dev);
	gen_test(g, mask, inv, nomatch);
}

static int addrtype_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
			bf_label nomatch, bf_label hotdrop)
{
	const struct bf_kernel *k = g->kernel;

	if (m->ops->revision == 0) {
		const struct xt_addrtype_info *info = m->data;

		/* bool &= (match ^ u32 invert) keeps bit 0 of the invert */
		gen_addr(g, BF_IPH(saddr), info->source, info->invert_source & 1, NULL, nomatch);
		gen_addr(g, BF_IPH(daddr), info->dest, info->invert_dest & 1, NULL, nomatch);
	} else {
		const struct xt_addrtype_info_v1 *info = m->data;
		const struct bf_field *dev = NULL;

		if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN)
			dev = &k->state_in;
		else if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT)
			dev = &k->state_out;
		gen_addr(g, BF_IPH(saddr), info->source, info->flags & XT_ADDRTYPE_INVERT_SOURCE,
			 dev, nomatch);
		gen_addr(g, BF_IPH(daddr), info->dest, info->flags & XT_ADDRTYPE_INVERT_DEST, dev,
			 nomatch);
	}
	return g->prog.err;
}

const struct bf_match_gen bf_match_addrtype = {
	.name = "addrtype",
	.gen = addrtype_gen,
};
