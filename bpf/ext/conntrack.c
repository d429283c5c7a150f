// SPDX-License-Identifier: GPL-2.0
/*
 * -m conntrack revisions 1 to 3, as conntrack_mt(): --ctstate (with the SNAT
 * and DNAT pseudo-states), --ctdir and --ctstatus. The tuple, protocol and
 * expiry options are refused: they need nf_conn fields not read yet.
 */
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_conntrack.h>

#include "../ct.h"

#define SUPPORTED_FLAGS                                                      \
	(XT_CONNTRACK_STATE | XT_CONNTRACK_STATUS | XT_CONNTRACK_DIRECTION | \
	 XT_CONNTRACK_STATE_ALIAS)

/* The fields all revisions share, widened. */
struct ct_opts {
	uint16_t match_flags, invert_flags;
	uint16_t state_mask, status_mask;
};

static void decode(unsigned int revision, const void *data, struct ct_opts *o)
{
	if (revision == 1) {
		const struct xt_conntrack_mtinfo1 *i = data;

		*o = (struct ct_opts){ i->match_flags, i->invert_flags, i->state_mask,
				       i->status_mask };
	} else {
		/* revision 3 extends revision 2 at its end */
		const struct xt_conntrack_mtinfo2 *i = data;

		*o = (struct ct_opts){ i->match_flags, i->invert_flags, i->state_mask,
				       i->status_mask };
	}
}

/* The kernel's "if (!!(x) ^ !inv) return false", x in reg. */
static void fail_unless(struct bf_prog *p, int reg, bool inv, bf_label nomatch)
{
	bf_jmp_imm(p, inv ? BPF_JNE : BPF_JEQ, reg, 0, nomatch);
}

/* r1 |= bit when the connection in r8 has status bit `status` (r3 = status) */
static void add_nat_bit(struct bf_prog *p, uint32_t status, uint32_t bit)
{
	bf_label skip = bf_label_new(p);

	bf_emit(p, BF_MOV64_REG(BF_R2, BF_R3));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R2, (int32_t)status));
	bf_jmp_imm(p, BPF_JEQ, BF_R2, 0, skip);
	bf_emit(p, BF_ALU64_IMM(BPF_OR, BF_R1, (int32_t)bit));
	bf_label_bind(p, skip);
}

static void gen_state(struct bf_gen *g, const struct ct_opts *o, bf_label nomatch)
{
	struct bf_prog *p = &g->prog;
	bf_label no_ct = bf_label_new(p);

	bf_jmp_imm(p, BPF_JEQ, BF_R8, 0, no_ct);
	bf_emit(p, BF_STX_MEM(BPF_DW, BF_FP, BF_R1, BF_STK_SCRATCH + 8));
	bf_gen_ct_status(g);
	bf_emit(p, BF_MOV64_REG(BF_R3, BF_R1));
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_FP, BF_STK_SCRATCH + 8));
	add_nat_bit(p, IPS_SRC_NAT, XT_CONNTRACK_STATE_SNAT);
	add_nat_bit(p, IPS_DST_NAT, XT_CONNTRACK_STATE_DNAT);
	bf_label_bind(p, no_ct);
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, o->state_mask));
	fail_unless(p, BF_R1, o->invert_flags & XT_CONNTRACK_STATE, nomatch);
}

static int conntrack_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
			 bf_label nomatch, bf_label hotdrop)
{
	struct bf_prog *p = &g->prog;
	bf_label done = bf_label_new(p);
	unsigned int rev = m->ops->revision;
	struct ct_opts o;

	decode(rev, m->data, &o);
	if (o.match_flags & ~SUPPORTED_FLAGS)
		return bf_gen_unsupported(g, "match", "conntrack", rev,
					  "only --ctstate, --ctstatus and --ctdir are supported");
	bf_gen_ct_state(g, XT_CONNTRACK_STATE_UNTRACKED);
	if (o.match_flags & XT_CONNTRACK_STATE)
		gen_state(g, &o, nomatch);
	/* without a connection only --ctstate can have matched */
	bf_jmp_imm(p, BPF_JEQ, BF_R8, 0, (o.match_flags & XT_CONNTRACK_STATE) ? done : nomatch);
	if (o.match_flags & XT_CONNTRACK_DIRECTION)
		bf_jmp_imm(p, (o.invert_flags & XT_CONNTRACK_DIRECTION) ? BPF_JLT : BPF_JGE, BF_R9,
			   IP_CT_IS_REPLY, nomatch);
	if (o.match_flags & XT_CONNTRACK_STATUS) {
		bf_gen_ct_status(g);
		bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, o.status_mask));
		fail_unless(p, BF_R1, o.invert_flags & XT_CONNTRACK_STATUS, nomatch);
	}
	bf_label_bind(p, done);
	return p->err;
}

const struct bf_match_gen bf_match_conntrack = {
	.name = "conntrack",
	.gen = conntrack_gen,
};
