/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Registry of the iptables extensions (matches and targets) bpfilter knows.
 *
 * Each extension lives in its own file under xlate/ext/ with one ops table
 * that mirrors what the kernel's x_tables module registers (name, revision,
 * payload size, protocol/hook/table restrictions and checkentry), so that a
 * blob is accepted or refused with the same errno as ip_tables would.
 */
#ifndef BPFILTER_XLATE_EXT_H
#define BPFILTER_XLATE_EXT_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/netfilter_ipv4/ip_tables.h>

enum xlate_ext_kind {
	XLATE_MATCH,
	XLATE_TARGET,
};

/* What a checkentry callback sees: the rule, the payload, its hooks. */
struct xlate_check_ctx {
	const char *table;
	const struct ipt_entry *entry;
	unsigned int hook_mask;
	const void *data;
};

struct xlate_ext_ops {
	const char *name;
	uint8_t revision;
	enum xlate_ext_kind kind;
	/* NFPROTO_IPV4 or NFPROTO_UNSPEC: decides the errno of a bad revision */
	uint8_t family;
	/* payload size before XT_ALIGN, as the kernel's matchsize/targetsize */
	unsigned int size;
	/* bytes user space gets back; the rest reads as zero (0: all) */
	unsigned int usersize;
	/* required ip.proto (not inverted), 0 for any */
	uint16_t proto;
	/* hooks the rule may be reached from, 0 for any */
	unsigned int hooks;
	/* only valid in this table, NULL for any */
	const char *table;
	/* returns 0 or a negative errno, as the kernel's checkentry */
	int (*check)(const struct xlate_check_ctx *ctx);
	/* keeps state between packets (the kernel's per-rule private data) */
	bool stateful;
};

/*
 * Look up name/revision like xt_find_match()/xt_find_target(). Returns the ops
 * or NULL with *err set: -EINVAL (name too long), -ENOENT or -EPROTOTYPE (the
 * kernel's answers), -EOPNOTSUPP when bpfilter does not know the name at all.
 */
const struct xlate_ext_ops *xlate_ext_find(enum xlate_ext_kind kind, const char *name,
					   uint8_t revision, int *err);

/*
 * Revision query, like xt_find_revision(). Returns false when bpfilter does
 * not know the name; otherwise true with *ret set to 0 (revision supported)
 * or -EPROTONOSUPPORT.
 */
bool xlate_ext_revision(enum xlate_ext_kind kind, const char *name, uint8_t revision, int *ret);

/* -m limit's rate in credits, as the kernel's user2credits(). */
uint32_t xlate_limit_credits(uint32_t user);

/* Size of the payload as stored in a blob: XT_ALIGN(size). */
static inline unsigned int xlate_ext_aligned_size(const struct xlate_ext_ops *ops)
{
	return XT_ALIGN(ops->size);
}

/* Every known extension, NULL-terminated (xlate/ext/registry.c). */
extern const struct xlate_ext_ops *const xlate_ext_all[];

#endif /* BPFILTER_XLATE_EXT_H */
