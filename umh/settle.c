// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "enforce.h"
#include "log.h"
#include "settle.h"

bool bf_settle_pending(const struct bf_netns *ns)
{
	return ns->filter && !ns->filter_bpf;
}

int bf_settle_defer(struct bf_netns *ns, int sockfd)
{
	/* the client's socket is closed with its request: the netns needs one of ours */
	ns->pending_sock = fcntl(sockfd, F_DUPFD_CLOEXEC, 0);
	return ns->pending_sock < 0 ? -errno : 0;
}

void bf_settle_done(struct bf_netns *ns)
{
	if (ns->pending_sock >= 0)
		close(ns->pending_sock);
	ns->pending_sock = -1;
}

int bf_settle(struct bf_netns *ns, struct xlate_error *err)
{
	int ret;

	if (!bf_settle_pending(ns))
		return 0;
	if (ns->pending_sock < 0)
		return -EBADF; /* cannot be: made without a socket */
	ret = bf_enforce(ns, ns->pending_sock, ns->filter, NULL, err);
	if (ret)
		return ret;
	bf_enforce_commit(ns);
	bf_dbg("filter table of netns %llu in force", (unsigned long long)ns->cookie);
	return 0;
}

bool bf_settle_any_pending(void)
{
	const struct bf_netns *ns;

	for (ns = bf_netns_first(); ns; ns = ns->next)
		if (bf_settle_pending(ns))
			return true;
	return false;
}

void bf_settle_all(void)
{
	struct bf_netns *ns;

	for (ns = bf_netns_first(); ns; ns = ns->next) {
		struct xlate_error err = { 0 };

		if (bf_settle(ns, &err))
			bf_err("cannot put the filter table of netns %llu in force: %s",
			       (unsigned long long)ns->cookie,
			       err.msg[0] ? err.msg : "no reason given");
	}
}

void bf_settle_request(const struct bf_request *req, struct bf_response *resp)
{
	struct bf_netns *ns = bf_netns_get(req->peer.netns_cookie);
	struct xlate_error err = { 0 };

	if (!ns) {
		resp->ret = -ENOMEM;
		return;
	}
	resp->ret = bf_settle(ns, &err);
	if (resp->ret && err.msg[0])
		snprintf(resp->msg, sizeof(resp->msg), "%s", err.msg);
}
