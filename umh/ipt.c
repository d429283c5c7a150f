// SPDX-License-Identifier: GPL-2.0
/*
 * ip_tables sockopt handlers. Each follows the kernel's handler of the same
 * name (net/ipv4/netfilter/ip_tables.c): same checks, same order, same
 * errnos, so that an unmodified iptables prints what it prints with the
 * kernel. Tables bpfilterd does not own are answered "pass through".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter.h>

#include "../xlate/ext.h"
#include "../bpf/loader.h"
#include "enforce.h"
#include "ipt.h"
#include "log.h"
#include "netns.h"
#include "settle.h"
#include "state.h"

static const char *const owned_tables[] = { "filter" };

static bool is_owned(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(owned_tables) / sizeof(owned_tables[0]); i++)
		if (strcmp(owned_tables[i], name) == 0)
			return true;
	return false;
}

static void pass_through(struct bf_response *resp)
{
	resp->flags |= BF_RESP_PASSTHROUGH;
}

/* Say why a table could not be put in force, as the daemon saw it. */
static void set_msg(struct bf_response *resp, const struct xlate_error *xerr)
{
	if (xerr->msg[0]) {
		snprintf(resp->msg, sizeof(resp->msg), "%s", xerr->msg);
		bf_info("%s", xerr->msg);
	}
}

/*
 * The netns's filter table, created as the kernel creates it on first use.
 * Its programs count packets from then on, once it is in force: it is put
 * in force when it must be (umh/settle.h), and the client is told.
 */
static struct xlate_table *ns_filter(struct bf_netns *ns, const struct bf_request *req,
				     struct bf_response *resp)
{
	struct xlate_table *t;

	resp->ret = -ENOMEM;
	if (!ns)
		return NULL;
	if (!ns->filter) {
		resp->ret = xlate_table_new_filter(&t);
		if (resp->ret)
			return NULL;
		resp->ret = bf_settle_defer(ns, req->sockfd);
		if (resp->ret) {
			xlate_table_free(t);
			return NULL;
		}
		ns->filter = t;
		bf_dbg("filter table created for netns %llu", (unsigned long long)ns->cookie);
	}
	if (bf_settle_pending(ns))
		resp->flags |= BF_RESP_PENDING;
	resp->ret = 0;
	return ns->filter;
}

static struct xlate_table *find_table(const struct bf_request *req, struct bf_response *resp,
				      struct bf_netns **ns)
{
	*ns = bf_netns_get(req->peer.netns_cookie);
	if (*ns)
		bf_enforce_adopt(*ns, req->sockfd);
	return ns_filter(*ns, req, resp);
}

static void *set_out(struct bf_response *resp, uint32_t offset, uint32_t len)
{
	resp->out = malloc(bf_buffer_size(len));
	if (!resp->out) {
		resp->ret = -ENOMEM;
		return NULL;
	}
	resp->out_offset = offset;
	resp->out_len = len;
	return resp->out;
}

static void get_info(const struct bf_request *req, struct bf_response *resp)
{
	char name[XT_TABLE_MAXNAMELEN];
	struct bf_netns *ns;
	struct xlate_table *t;
	void *out;

	if (req->hdr.optlen != sizeof(struct ipt_getinfo)) {
		resp->ret = -EINVAL;
		return;
	}
	memcpy(name, req->payload, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	if (!is_owned(name))
		return pass_through(resp);
	t = find_table(req, resp, &ns);
	if (!t)
		return;
	out = set_out(resp, 0, sizeof(struct ipt_getinfo));
	if (out)
		xlate_table_get_info(t, out);
}

static void get_entries(const struct bf_request *req, struct bf_response *resp)
{
	struct xt_counters *live;
	struct ipt_get_entries get;
	struct xlate_table *t;
	struct bf_netns *ns;
	void *out;

	if (req->hdr.optlen < sizeof(get)) {
		resp->ret = -EINVAL;
		return;
	}
	memcpy(&get, req->payload, sizeof(get));
	if ((uint64_t)req->hdr.optlen != sizeof(get) + (uint64_t)get.size) {
		resp->ret = -EINVAL;
		return;
	}
	get.name[sizeof(get.name) - 1] = '\0';
	if (!is_owned(get.name))
		return pass_through(resp);
	t = find_table(req, resp, &ns);
	if (!t)
		return;
	if (get.size != t->size) {
		resp->ret = -EAGAIN;
		return;
	}
	live = calloc(1, bf_buffer_size(t->num_entries * sizeof(*live)));
	if (!live) {
		resp->ret = -ENOMEM;
		return;
	}
	resp->ret = bf_enforce_counters(ns, live);
	out = resp->ret ? NULL :
			  set_out(resp, offsetof(struct ipt_get_entries, entrytable), t->size);
	if (out)
		xlate_table_copy_entries(t, out, live);
	free(live);
}

static void get_revision(const struct bf_request *req, struct bf_response *resp)
{
	struct xt_get_revision rev;
	enum xlate_ext_kind kind;

	if (req->hdr.optlen != sizeof(rev)) {
		resp->ret = -EINVAL;
		return;
	}
	memcpy(&rev, req->payload, sizeof(rev));
	rev.name[sizeof(rev.name) - 1] = '\0';
	kind = req->hdr.optname == IPT_SO_GET_REVISION_TARGET ? XLATE_TARGET : XLATE_MATCH;
	/* What bpfilter does not know, the kernel answers for its own tables. */
	if (!xlate_ext_revision(kind, rev.name, rev.revision, &resp->ret))
		pass_through(resp);
}

void bf_ipt_get(const struct bf_request *req, struct bf_response *resp)
{
	/* The payload holds at most what the kernel reads: check it is all there. */
	uint32_t need;

	switch (req->hdr.optname) {
	case IPT_SO_GET_INFO:
		need = XT_TABLE_MAXNAMELEN;
		break;
	case IPT_SO_GET_ENTRIES:
		need = sizeof(struct ipt_get_entries);
		break;
	case IPT_SO_GET_REVISION_MATCH:
	case IPT_SO_GET_REVISION_TARGET:
		need = sizeof(struct xt_get_revision);
		break;
	default:
		resp->ret = -EINVAL;
		return;
	}
	if (req->hdr.payload_len < need && req->hdr.optlen >= need) {
		resp->ret = -EPROTO;
		return;
	}
	switch (req->hdr.optname) {
	case IPT_SO_GET_INFO:
		return get_info(req, resp);
	case IPT_SO_GET_ENTRIES:
		return get_entries(req, resp);
	default:
		return get_revision(req, resp);
	}
}

/*
 * An extension bpfilter cannot translate: if the kernel does not know it
 * either, answer as the kernel (ENOENT); otherwise refuse it, with a message.
 */
static int unknown_extension(struct bf_response *resp, const struct xlate_error *xerr)
{
	struct xt_get_revision rev = { .revision = xerr->ext_revision };
	socklen_t len = sizeof(rev);
	int fd, ret = 0;

	strcpy(rev.name, xerr->ext_name);
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd >= 0) {
		ret = getsockopt(fd, SOL_IP,
				 xerr->is_target ? IPT_SO_GET_REVISION_TARGET :
						   IPT_SO_GET_REVISION_MATCH,
				 &rev, &len) ?
			      -errno :
			      0;
		close(fd);
	}
	if (ret == -ENOENT)
		return -ENOENT;
	snprintf(resp->msg, sizeof(resp->msg), "%s", xerr->msg);
	return -EOPNOTSUPP;
}

static void set_replace(const struct bf_request *req, struct bf_response *resp)
{
	const struct ipt_replace *hdr = req->payload;
	struct xlate_table *cur, *next = NULL;
	struct ipt_replace repl;
	struct xlate_error xerr;
	struct bf_netns *ns;
	int ret;

	if (req->hdr.optlen < sizeof(repl)) {
		resp->ret = -EINVAL;
		return;
	}
	if (req->hdr.payload_len < sizeof(repl)) {
		resp->ret = -EPROTO;
		return;
	}
	memcpy(&repl, hdr, sizeof(repl));
	repl.name[sizeof(repl.name) - 1] = '\0';
	if (!is_owned(repl.name))
		return pass_through(resp);
	if (repl.num_counters >= INT_MAX / sizeof(struct xt_counters)) {
		resp->ret = -ENOMEM;
		return;
	}
	if (repl.num_counters == 0 || req->hdr.optlen < (uint64_t)repl.size + sizeof(repl)) {
		resp->ret = -EINVAL;
		return;
	}
	if ((uint64_t)repl.size + XLATE_TABLE_INFO_SIZE >= XLATE_MAX_TABLE_SIZE) {
		resp->ret = -ENOMEM;
		return;
	}
	if (req->hdr.payload_len != sizeof(repl) + repl.size) {
		resp->ret = -EPROTO;
		return;
	}

	/* the table keeps the blob as it came: hdr is not read after this */
	ret = xlate_table_adopt(&repl, *req->keep, hdr->entries, &next, &xerr);
	*req->keep = NULL;
	if (ret == -EOPNOTSUPP)
		ret = unknown_extension(resp, &xerr);
	if (ret) {
		resp->ret = ret;
		return;
	}
	cur = find_table(req, resp, &ns);
	ret = resp->ret;
	if (!cur)
		goto refuse;
	ret = -EINVAL; /* "You lied!" about the hooks */
	if (repl.valid_hooks != cur->valid_hooks)
		goto refuse;
	ret = -EAGAIN; /* the table changed since the client read it */
	if (repl.num_counters != cur->num_entries)
		goto refuse;

	xerr.msg[0] = '\0';
	ret = bf_enforce(ns, req->sockfd, next, cur->counters, &xerr);
	if (ret) {
		set_msg(resp, &xerr);
		goto refuse;
	}
	/* Commit: the new table is in force; the old counters go back. */
	ns->filter = next;
	bf_enforce_commit(ns);
	resp->flags &= ~BF_RESP_PENDING;
	resp->out = cur->counters;
	resp->out_len = repl.num_counters * sizeof(struct xt_counters);
	cur->counters = NULL;
	xlate_table_free(cur);
	bf_dbg("filter replaced: %u entries, %u bytes", next->num_entries, next->size);
	return;
refuse:
	xlate_table_free(next);
	resp->ret = ret;
}

static void add_counters(const struct bf_request *req, struct bf_response *resp)
{
	const struct xt_counters_info *info = req->payload;
	struct xt_counters_info hdr;
	struct xlate_table *t;
	struct bf_netns *ns;

	if (req->hdr.optlen <= sizeof(hdr)) {
		resp->ret = -EINVAL;
		return;
	}
	if (req->hdr.payload_len < sizeof(hdr)) {
		resp->ret = -EPROTO;
		return;
	}
	memcpy(&hdr, info, sizeof(hdr));
	hdr.name[sizeof(hdr.name) - 1] = '\0';
	if (!is_owned(hdr.name))
		return pass_through(resp);
	if ((uint64_t)hdr.num_counters * sizeof(struct xt_counters) !=
	    req->hdr.optlen - sizeof(hdr)) {
		resp->ret = -EINVAL;
		return;
	}
	if (req->hdr.payload_len != req->hdr.optlen) {
		resp->ret = -ENOMEM; /* larger than any table can be */
		return;
	}
	t = find_table(req, resp, &ns);
	if (!t)
		return;
	if (t->num_entries != hdr.num_counters) {
		resp->ret = -EINVAL;
		return;
	}
	xlate_table_add_counters(t, info->counters);
	if (ns->filter_bpf)
		bf_state_save_counters(t, ns->filter_bpf->id);
}

void bf_ipt_set(const struct bf_request *req, struct bf_response *resp)
{
	switch (req->hdr.optname) {
	case IPT_SO_SET_REPLACE:
		return set_replace(req, resp);
	case IPT_SO_SET_ADD_COUNTERS:
		return add_counters(req, resp);
	default:
		resp->ret = -EINVAL;
	}
}

void bf_ipt_table_names(const struct bf_request *req, struct bf_response *resp)
{
	struct bf_netns *ns = bf_netns_get(req->peer.netns_cookie);
	char text[256];
	int len;

	if (!ns) {
		resp->ret = -ENOMEM;
		return;
	}
	bf_enforce_adopt(ns, req->sockfd);
	len = snprintf(text, sizeof(text), "%cfilter\n", ns->filter ? '+' : '-');
	if (set_out(resp, 0, len))
		memcpy(resp->out, text, len);
}
