/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What generated programs need to know of the running kernel, read from its
 * BTF (/sys/kernel/btf/vmlinux): field offsets of the structures a netfilter
 * program may read, and the BTF ids of the kfuncs it calls.
 */
#ifndef BPFILTER_BPF_KERNEL_BTF_H
#define BPFILTER_BPF_KERNEL_BTF_H

#include <stdint.h>

/* A field: byte offset, and for bitfields the bit shift and width. */
struct bf_field {
	int16_t off;
	uint8_t shift;
	uint8_t bits; /* 0: not a bitfield */
};

struct bf_kernel {
	int32_t kfunc_dynptr_from_skb;
	/*
	 * bpf_rdonly_cast() to bytes_type makes a kernel address readable at any
	 * offset with the JIT's fault-tolerant loads: no helper call per read.
	 * bytes_type is struct bpf_raw_tracepoint_args, a flexible array of u64
	 * from offset 0 (uapi), which the verifier lets a load reach anywhere.
	 */
	int32_t kfunc_rdonly_cast, bytes_type;
	/* open-coded loops the verifier checks once, not once per turn */
	int32_t kfunc_iter_num_new, kfunc_iter_num_next, kfunc_iter_num_destroy;
	struct bf_field ctx_state, ctx_skb;
	struct bf_field skb_len, skb_data_len, skb_data, skb_mark, skb_nfct, skb_pkt_type, skb_sk,
		skb_dev, skb_head, skb_mac_header, skb_network_header;
	struct bf_field state_hook, state_in, state_out, state_net;
	struct bf_field dev_name, dev_type, dev_hard_header_len, dev_ifindex;
	struct bf_field ct_status;
	struct bf_field sk_common, req_common, skc_state, skc_net, skc_listener;
	struct bf_field sk_socket, socket_file, file_cred, cred_fsuid, cred_fsgid;
	struct bf_field cred_group_info, groups_ngroups, groups_gid;
};

struct xlate_error;

/* The running kernel's layout, read once; NULL, errno and err->msg on failure. */
const struct bf_kernel *bf_kernel(struct xlate_error *err);

#endif /* BPFILTER_BPF_KERNEL_BTF_H */
