// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <bpf/bpf.h>
#include <linux/netfilter.h>

#include "../bpf/attach.h"
#include "enforce.h"
#include "log.h"
#include "persist.h"
#include "state.h"

#define STATE_MAGIC "BFSTATE"
/* also the layout of pinned maps: 2 keeps BF_COUNTERS_PER_ELEM counters per element */
#define STATE_VERSION 2
#define STATE_TMP_PATH BF_STATE_PATH ".tmp"

struct state_header {
	char magic[8];
	uint32_t version;
	uint32_t crc; /* CRC-32 of the payload */
	uint64_t len; /* payload bytes */
};

struct state_ns {
	uint64_t cookie;
	uint8_t conntrack;
	uint8_t num_tables; /* 1, or 2 while a replacement is under way */
	uint8_t pad[6];
};

struct state_table {
	uint32_t id; /* its pinned directory, t<id> */
	uint32_t valid_hooks;
	uint32_t hook_entry[NF_INET_NUMHOOKS];
	uint32_t underflow[NF_INET_NUMHOOKS];
	uint32_t num_entries;
	uint32_t size;
	/* then size bytes of entries and num_entries struct xt_counters */
};

struct buf {
	unsigned char *data;
	size_t len, cap;
	int err;
};

static void put(struct buf *b, const void *p, size_t len)
{
	if (b->err)
		return;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		void *bigger;

		while (cap < b->len + len)
			cap *= 2;
		bigger = realloc(b->data, cap);
		if (!bigger) {
			b->err = -ENOMEM;
			return;
		}
		b->data = bigger;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, len);
	b->len += len;
}

static void put_table(struct buf *b, const struct xlate_table *t, uint32_t id)
{
	struct state_table st = { .id = id,
				  .valid_hooks = t->valid_hooks,
				  .num_entries = t->num_entries,
				  .size = t->size };

	memcpy(st.hook_entry, t->hook_entry, sizeof(st.hook_entry));
	memcpy(st.underflow, t->underflow, sizeof(st.underflow));
	put(b, &st, sizeof(st));
	put(b, t->entries, t->size);
	put(b, t->counters, (size_t)t->num_entries * sizeof(*t->counters));
}

static int write_file(const struct buf *payload)
{
	struct state_header h = { .magic = STATE_MAGIC, .version = STATE_VERSION };
	int fd, ret = 0;

	h.len = payload->len;
	h.crc = (uint32_t)crc32(0, payload->data, (uInt)payload->len);
	fd = open(STATE_TMP_PATH, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, &h, sizeof(h)) != sizeof(h) ||
	    write(fd, payload->data, payload->len) != (ssize_t)payload->len || fsync(fd))
		ret = errno ? -errno : -EIO;
	close(fd);
	if (!ret && rename(STATE_TMP_PATH, BF_STATE_PATH))
		ret = -errno;
	if (ret)
		unlink(STATE_TMP_PATH);
	return ret;
}

static bool has_current(const struct bf_netns *ns)
{
	return ns->filter && ns->filter_bpf;
}

static size_t table_size(const struct xlate_table *t)
{
	return sizeof(struct state_table) + t->size + t->num_entries * sizeof(*t->counters);
}

/* The state's size: one allocation, not a buffer doubled through megabytes. */
static size_t state_size(const struct bf_netns *pending_ns, const struct xlate_table *pending)
{
	const struct bf_netns *ns;
	size_t len = sizeof(uint32_t);

	for (ns = bf_netns_first(); ns; ns = ns->next) {
		if (has_current(ns))
			len += table_size(ns->filter);
		if (ns == pending_ns)
			len += table_size(pending);
		if (has_current(ns) || ns == pending_ns)
			len += sizeof(struct state_ns);
	}
	return len;
}

int bf_state_save(const struct bf_netns *pending_ns, const struct xlate_table *pending,
		  uint32_t pending_id)
{
	struct buf b = { 0 };
	const struct bf_netns *ns;
	uint32_t count = 0;
	int ret;

	if (!bf_persist_enabled())
		return 0;
	b.cap = state_size(pending_ns, pending);
	b.data = malloc(b.cap);
	if (!b.data)
		b.cap = 0;
	for (ns = bf_netns_first(); ns; ns = ns->next)
		count += has_current(ns) || ns == pending_ns;
	put(&b, &count, sizeof(count));
	for (ns = bf_netns_first(); ns; ns = ns->next) {
		struct state_ns sn = { .cookie = ns->cookie, .conntrack = ns->conntrack };

		if (!has_current(ns) && ns != pending_ns)
			continue;
		sn.num_tables = (uint8_t)(has_current(ns) + (ns == pending_ns));
		put(&b, &sn, sizeof(sn));
		if (has_current(ns))
			put_table(&b, ns->filter, ns->filter_bpf->id);
		if (ns == pending_ns)
			put_table(&b, pending, pending_id);
	}
	ret = b.err ? b.err : write_file(&b);
	if (ret)
		bf_err("cannot write %s: %s", BF_STATE_PATH, strerror(-ret));
	free(b.data);
	return ret;
}

/* A cursor over the payload: NULL once it would run past the end. */
struct cursor {
	const unsigned char *p, *end;
};

static const void *get(struct cursor *c, size_t len)
{
	const void *at = c->p;

	if (!c->p || (size_t)(c->end - c->p) < len) {
		c->p = NULL;
		return NULL;
	}
	c->p += len;
	return at;
}

/* One saved table, validated again as the kernel would. */
static int read_table(struct cursor *c, uint32_t *id, struct xlate_table **out)
{
	const struct state_table *st = get(c, sizeof(*st));
	struct ipt_replace repl = { .name = "filter" };
	struct xlate_error err = { 0 };
	const void *entries, *counters;
	int ret;

	if (!st)
		return -EBADMSG;
	entries = get(c, st->size);
	counters = get(c, (size_t)st->num_entries * sizeof(struct xt_counters));
	if (!entries || !counters)
		return -EBADMSG;
	repl.valid_hooks = st->valid_hooks;
	repl.num_entries = st->num_entries;
	repl.num_counters = st->num_entries;
	repl.size = st->size;
	memcpy(repl.hook_entry, st->hook_entry, sizeof(repl.hook_entry));
	memcpy(repl.underflow, st->underflow, sizeof(repl.underflow));
	ret = xlate_table_translate(&repl, entries, out, &err);
	if (ret) {
		bf_err("saved table %u is not valid: %s", st->id,
		       err.msg[0] ? err.msg : strerror(-ret));
		return -EBADMSG;
	}
	memcpy((*out)->counters, counters, (size_t)st->num_entries * sizeof(struct xt_counters));
	*id = st->id;
	return 0;
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	return fd >= 0 && !bpf_prog_get_info_by_fd(fd, &info, &len) ? info.id : 0;
}

/* Does the dispatcher array run bt's programs? */
static bool in_force(const struct bf_attachment *a, const struct bf_bpf_table *bt)
{
	uint32_t hook;

	for (hook = 0; hook < NF_INET_NUMHOOKS; hook++) {
		uint32_t running = 0;

		if (bt->prog_fds[hook] < 0)
			continue;
		if (bpf_map_lookup_elem(a->prog_array_fd, &hook, &running) ||
		    running != prog_id(bt->prog_fds[hook]))
			return false;
	}
	return true;
}

/* REJECT's socket and addrtype's watcher, if the netns still lives. */
static void adopt(struct bf_netns *ns)
{
	int fd = bf_netns_find_socket(ns->cookie);

	if (fd < 0) {
		bf_dbg("netns %llu: not found; its sockets wait for its next client",
		       (unsigned long long)ns->cookie);
		return;
	}
	bf_enforce_adopt(ns, fd);
	close(fd);
}

/* Take over one netns: the table its dispatchers run, and its pins. */
static int restore_netns(struct cursor *c)
{
	const struct state_ns *sn = get(c, sizeof(*sn));
	struct xlate_table *tables[2] = { NULL, NULL };
	struct bf_bpf_table *bt = NULL;
	struct bf_attachment *a;
	struct bf_netns *ns;
	uint32_t ids[2];
	int i, ret = 0;

	if (!sn || sn->num_tables < 1 || sn->num_tables > 2)
		return -EBADMSG;
	for (i = 0; !ret && i < sn->num_tables; i++)
		ret = read_table(c, &ids[i], &tables[i]);
	a = ret ? NULL : bf_persist_open_attachment(sn->cookie);
	for (i = 0; a && !bt && i < sn->num_tables; i++) {
		bt = bf_persist_open_table(sn->cookie, ids[i], tables[i]->num_entries);
		if (bt && !in_force(a, bt)) {
			bf_bpf_table_free(bt);
			bt = NULL;
		}
	}
	ns = bt ? bf_netns_get(sn->cookie) : NULL;
	if (!ns) {
		bf_err("netns %llu: no saved table matches the programs in force",
		       (unsigned long long)sn->cookie);
		ret = ret ? ret : -EBADMSG;
		bf_attach_free(a);
		bf_bpf_table_free(bt);
	} else {
		i--;
		ns->filter = tables[i];
		tables[i] = NULL;
		ns->filter_bpf = bt;
		ns->filter_link = a;
		ns->conntrack = sn->conntrack;
		ns->local_routes_fd = bf_persist_open_local_routes(sn->cookie);
		bf_persist_prune(ns, bt->id);
		adopt(ns);
	}
	xlate_table_free(tables[0]);
	xlate_table_free(tables[1]);
	return ret;
}

static int read_file(unsigned char **data, size_t *len)
{
	struct stat st;
	int fd = open(BF_STATE_PATH, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	*data = malloc(st.st_size ? st.st_size : 1);
	if (!*data) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, *data, st.st_size);
	close(fd);
	if (n != st.st_size)
		return -EIO;
	*len = (size_t)n;
	return 0;
}

static int parse(const unsigned char *data, size_t len)
{
	const struct state_header *h = (const void *)data;
	struct cursor c;
	const uint32_t *count;
	uint32_t i;
	int ret = 0;

	if (len < sizeof(*h) || memcmp(h->magic, STATE_MAGIC, sizeof(h->magic)))
		return -EBADMSG;
	if (h->version != STATE_VERSION) {
		bf_err("%s has version %u, this bpfilterd reads version %u", BF_STATE_PATH,
		       h->version, STATE_VERSION);
		return -EPROTO;
	}
	if (h->len != len - sizeof(*h) ||
	    h->crc != (uint32_t)crc32(0, data + sizeof(*h), (uInt)h->len))
		return -EBADMSG;
	c = (struct cursor){ data + sizeof(*h), data + len };
	count = get(&c, sizeof(*count));
	for (i = 0; !ret && count && i < *count; i++)
		ret = restore_netns(&c);
	if (!ret && (!count || c.p != c.end))
		ret = -EBADMSG;
	return ret;
}

int bf_state_restore(void)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int ret;

	if (!bf_persist_enabled()) {
		if (!bf_persist_has_pins())
			return 0;
		/* their rules filter: a transient daemon would add a second filter */
		bf_err("--transient, but a persistent bpfilterd left rules pinned in %s",
		       bf_persist_dir());
		return -EEXIST;
	}
	ret = read_file(&data, &len);
	if (ret == -ENOENT) {
		free(data);
		if (!bf_persist_has_pins())
			return 0;
		bf_err("%s is missing but %s holds pinned rules", BF_STATE_PATH, bf_persist_dir());
		return -ENOENT;
	}
	if (!ret)
		ret = parse(data, len);
	free(data);
	if (ret == -EBADMSG)
		bf_err("%s is corrupt", BF_STATE_PATH);
	else if (ret)
		bf_err("cannot restore %s: %s", BF_STATE_PATH, strerror(-ret));
	return ret ? ret : bf_state_save(NULL, NULL, 0);
}
