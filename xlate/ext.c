// SPDX-License-Identifier: GPL-2.0
/*
 * Extension lookups with the kernel's x_tables semantics.
 */
#include <errno.h>
#include <string.h>
#include <linux/netfilter.h>

#include "ext.h"

static bool ext_is(const struct xlate_ext_ops *ops, enum xlate_ext_kind kind, const char *name)
{
	return ops->kind == kind && strcmp(ops->name, name) == 0;
}

/* One pass of xt_find_match() over the extensions of one family. */
static const struct xlate_ext_ops *find_in_family(enum xlate_ext_kind kind, const char *name,
						  uint8_t revision, uint8_t family, int *err)
{
	const struct xlate_ext_ops *const *p;

	*err = -ENOENT;
	for (p = xlate_ext_all; *p; p++) {
		if ((*p)->family != family || !ext_is(*p, kind, name))
			continue;
		if ((*p)->revision == revision)
			return *p;
		*err = -EPROTOTYPE;
	}
	return NULL;
}

static bool name_known(enum xlate_ext_kind kind, const char *name)
{
	const struct xlate_ext_ops *const *p;

	for (p = xlate_ext_all; *p; p++)
		if (ext_is(*p, kind, name))
			return true;
	return false;
}

static const struct xlate_ext_ops *search(enum xlate_ext_kind kind, const char *name,
					  uint8_t revision, int *err)
{
	const struct xlate_ext_ops *ops;

	if (!name_known(kind, name)) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	/*
	 * The kernel searches the IPv4 list, then the family-independent one;
	 * the error of the last search is the one returned.
	 */
	ops = find_in_family(kind, name, revision, NFPROTO_IPV4, err);
	if (ops)
		return ops;
	return find_in_family(kind, name, revision, NFPROTO_UNSPEC, err);
}

/*
 * The extensions found last, by name: a table names the same few in every
 * rule, and each rule's are looked up when it is checked, translated and
 * read back, three string searches of the whole list per rule otherwise.
 */
#define FOUND_SLOTS 16

static unsigned int found_slot(enum xlate_ext_kind kind, const char *name, uint8_t revision)
{
	unsigned int h = 2166136261u ^ kind ^ ((unsigned int)revision << 8);

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h % FOUND_SLOTS;
}

const struct xlate_ext_ops *xlate_ext_find(enum xlate_ext_kind kind, const char *name,
					   uint8_t revision, int *err)
{
	static __thread const struct xlate_ext_ops *found[FOUND_SLOTS];
	const struct xlate_ext_ops *ops, **f;

	if (strnlen(name, XT_EXTENSION_MAXNAMELEN) == XT_EXTENSION_MAXNAMELEN) {
		*err = -EINVAL;
		return NULL;
	}
	f = &found[found_slot(kind, name, revision)];
	if (*f && (*f)->revision == revision && ext_is(*f, kind, name))
		return *f;
	ops = search(kind, name, revision, err);
	if (ops)
		*f = ops;
	return ops;
}

bool xlate_ext_revision(enum xlate_ext_kind kind, const char *name, uint8_t revision, int *ret)
{
	const struct xlate_ext_ops *const *p;
	bool have_rev = false;

	if (!name_known(kind, name))
		return false;
	for (p = xlate_ext_all; *p; p++)
		if (ext_is(*p, kind, name) && (*p)->revision == revision)
			have_rev = true;
	*ret = have_rev ? 0 : -EPROTONOSUPPORT;
	return true;
}
