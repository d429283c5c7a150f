// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bpf/loader.h"
#include "events.h"
#include "log.h"
#include "netns.h"
#include "nflog.h"
#include "persist.h"
#include "reject.h"

static struct ring_buffer *ring;
static int ring_fd = -1;

/* The target of the rule at offset, which the table's own program sent. */
static const struct xt_entry_target *rule_target(const struct xlate_table *t, uint32_t offset)
{
	return offset < t->size ? xlate_entry_target(xlate_entry_at(t, offset)) : NULL;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct bf_event *ev = data;
	const struct xt_entry_target *tg;
	struct bf_netns *ns;
	char line[1024];
	size_t len;

	if (size < sizeof(*ev))
		return 0;
	ns = bf_netns_by_table_id(ev->table_id);
	if (!ns)
		return 0;
	/* the programs name the rule by its offset in the table they were made for */
	tg = rule_target(ns->filter, bf_layout_offset(ns->filter_bpf->layout, ev->rule_offset));
	if (!tg)
		return 0; /* the table is gone, and so is what the rule said */
	if (ev->kind == BF_EVENT_LOG && !strcmp(tg->u.user.name, "LOG")) {
		len = bf_nflog_format(ev, (const void *)tg->data, line, sizeof(line));
		bf_nflog_write(line, len);
	} else if (ev->kind == BF_EVENT_REJECT && !strcmp(tg->u.user.name, "REJECT")) {
		int ret = bf_reject_send(ns->raw_fd, ev, (const void *)tg->data);

		if (ret && ret != -EAGAIN)
			bf_dbg("REJECT answer not sent: %s", strerror(-ret));
	}
	return 0;
}

int bf_events_open(void)
{
	ring_fd = bf_persist_events_map();
	if (ring_fd < 0)
		return ring_fd;
	ring = ring_buffer__new(ring_fd, handle_event, NULL, NULL);
	if (!ring) {
		int ret = -errno;

		close(ring_fd);
		ring_fd = -1;
		return ret;
	}
	return ring_fd;
}

int bf_events_poll_fd(void)
{
	return ring ? ring_buffer__epoll_fd(ring) : -1;
}

void bf_events_drain(void)
{
	if (ring)
		ring_buffer__consume(ring);
}

void bf_events_close(void)
{
	ring_buffer__free(ring);
	ring = NULL;
	if (ring_fd >= 0)
		close(ring_fd);
	ring_fd = -1;
}
