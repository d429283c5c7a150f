/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection tracking state as xt_state and xt_conntrack see it, read from
 * skb->_nfct: the nf_conn pointer with ctinfo in its low three bits.
 */
#ifndef BPFILTER_BPF_CT_H
#define BPFILTER_BPF_CT_H

#include "codegen.h"

/*
 * r8 = the nf_conn pointer (0 if none), r9 = ctinfo,
 * r1 = the state bit: 1 << (ctinfo % IP_CT_IS_REPLY + 1) with a connection,
 * else untracked_bit when ctinfo is IP_CT_UNTRACKED, else 1 (INVALID).
 */
void bf_gen_ct_state(struct bf_gen *g, uint32_t untracked_bit);

/* r1 = ct->status of the connection in r8 (which must not be 0). */
void bf_gen_ct_status(struct bf_gen *g);

#endif /* BPFILTER_BPF_CT_H */
