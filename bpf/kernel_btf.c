// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include <bpf/btf.h>

#include <stdio.h>

#include "../xlate/table.h"
#include "kernel_btf.h"

/* Why the layout could not be read, for every later caller. */
static char why[128];

/* Find member name in struct type_id, looking into anonymous members. */
static bool find_member(const struct btf *btf, uint32_t type_id, const char *name,
			uint32_t base_bits, struct bf_field *f)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, type_id));
	const struct btf_member *m;
	int i;

	if (!t || !(btf_is_struct(t) || btf_is_union(t)))
		return false;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		uint32_t bit = base_bits + btf_member_bit_offset(t, i);
		const char *mname = btf__name_by_offset(btf, m->name_off);
		uint32_t size = btf_member_bitfield_size(t, i);

		if (mname && !*mname) {
			if (find_member(btf, m->type, name, bit, f))
				return true;
			continue;
		}
		if (!mname || strcmp(mname, name))
			continue;
		f->off = (int16_t)(bit / 8);
		f->shift = size ? bit % 8 : 0;
		f->bits = (uint8_t)size;
		return true;
	}
	return false;
}

static int field(const struct btf *btf, const char *type, const char *name, struct bf_field *f)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);

	if (id < 0 || !find_member(btf, id, name, 0, f)) {
		snprintf(why, sizeof(why), "kernel BTF has no field %s.%s", type, name);
		return -ENOENT;
	}
	return 0;
}

static int read_layout(const struct btf *btf, struct bf_kernel *k)
{
	static const struct {
		const char *type, *name;
		size_t off;
	} fields[] = {
#define F(t, n, m) { #t, #n, offsetof(struct bf_kernel, m) }
		F(bpf_nf_ctx, state, ctx_state),
		F(bpf_nf_ctx, skb, ctx_skb),
		F(sk_buff, len, skb_len),
		F(sk_buff, data_len, skb_data_len),
		F(sk_buff, data, skb_data),
		F(sk_buff, mark, skb_mark),
		F(sk_buff, _nfct, skb_nfct),
		F(sk_buff, pkt_type, skb_pkt_type),
		F(sk_buff, sk, skb_sk),
		F(sk_buff, dev, skb_dev),
		F(sk_buff, head, skb_head),
		F(sk_buff, mac_header, skb_mac_header),
		F(sk_buff, network_header, skb_network_header),
		F(nf_hook_state, hook, state_hook),
		F(nf_hook_state, in, state_in),
		F(nf_hook_state, out, state_out),
		F(nf_hook_state, net, state_net),
		F(net_device, name, dev_name),
		F(net_device, type, dev_type),
		F(net_device, hard_header_len, dev_hard_header_len),
		F(net_device, ifindex, dev_ifindex),
		F(nf_conn, status, ct_status),
		F(sock, __sk_common, sk_common),
		F(sock_common, skc_state, skc_state),
		F(sock_common, skc_net, skc_net),
		F(request_sock, __req_common, req_common),
		F(sock_common, skc_listener, skc_listener),
		F(sock, sk_socket, sk_socket),
		F(socket, file, socket_file),
		F(file, f_cred, file_cred),
		F(cred, fsuid, cred_fsuid),
		F(cred, fsgid, cred_fsgid),
		F(cred, group_info, cred_group_info),
		F(group_info, ngroups, groups_ngroups),
		F(group_info, gid, groups_gid),
#undef F
	};
	static const struct {
		const char *name;
		size_t off;
	} kfuncs[] = {
	/* clang-format off */
#define K(n) { #n, offsetof(struct bf_kernel, kfunc_##n) }
		K(dynptr_from_skb),
		K(iter_num_new),
		K(iter_num_next),
		K(iter_num_destroy),
		K(rdonly_cast),
#undef K
		/* clang-format on */
	};
	unsigned int i;
	int id;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct bf_field *f = (void *)((char *)k + fields[i].off);

		if (field(btf, fields[i].type, fields[i].name, f))
			return -ENOENT;
	}
	for (i = 0; i < sizeof(kfuncs) / sizeof(kfuncs[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "bpf_%s", kfuncs[i].name);
		id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
		if (id < 0) {
			snprintf(why, sizeof(why), "kernel BTF has no kfunc %s", name);
			return -ENOENT;
		}
		*(int32_t *)((char *)k + kfuncs[i].off) = id;
	}
	id = btf__find_by_name_kind(btf, "bpf_raw_tracepoint_args", BTF_KIND_STRUCT);
	if (id < 0) {
		snprintf(why, sizeof(why), "kernel BTF has no struct bpf_raw_tracepoint_args");
		return -ENOENT;
	}
	k->bytes_type = id;
	return 0;
}

const struct bf_kernel *bf_kernel(struct xlate_error *err)
{
	static struct bf_kernel layout;
	static int state; /* 0: not read, 1: read, <0: error */
	struct btf *btf;

	if (state == 0) {
		btf = btf__load_vmlinux_btf();
		if (!btf) {
			state = -errno;
			snprintf(why, sizeof(why), "cannot read the kernel's BTF: %s",
				 strerror(errno));
		} else {
			state = read_layout(btf, &layout) ? -ENOENT : 1;
			btf__free(btf);
		}
	}
	if (state < 0) {
		if (err)
			snprintf(err->msg, sizeof(err->msg), "%s", why);
		errno = -state;
		return NULL;
	}
	return &layout;
}
