// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "../bpf/loader.h"
#include "enforce.h"
#include "netns.h"

static struct bf_netns *all_netns;

struct bf_netns *bf_netns_get(uint64_t cookie)
{
	struct bf_netns *ns;

	for (ns = all_netns; ns; ns = ns->next)
		if (ns->cookie == cookie)
			return ns;
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->cookie = cookie;
	ns->raw_fd = -1;
	ns->next = all_netns;
	all_netns = ns;
	return ns;
}

struct bf_netns *bf_netns_by_table_id(uint32_t id)
{
	struct bf_netns *ns;

	for (ns = all_netns; ns; ns = ns->next)
		if (ns->filter_bpf && ns->filter_bpf->id == id)
			return ns;
	return NULL;
}

void bf_netns_free_all(void)
{
	while (all_netns) {
		struct bf_netns *ns = all_netns;

		all_netns = ns->next;
		bf_enforce_release(ns);
		xlate_table_free(ns->filter);
		free(ns);
	}
}
