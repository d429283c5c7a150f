// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/netfilter.h>

#include "../bpf/attach.h"
#include "../bpf/runs_adopt.h"
#include "enforce.h"
#include "log.h"
#include "persist.h"
#include "state.h"
#include "state_file.h"

#define INDEX_MAGIC "BFSTATE"
#define TABLE_MAGIC "BFTABLE"
#define COUNTERS_MAGIC "BFCOUNT"
#define LAYOUT_MAGIC "BFSLOTS"

static const char *const table_kinds[] = { "table", "counters", "layout" };

/* A netns in the index: its tables' ids (two while a replacement is under way). */
struct state_ns {
	uint64_t cookie;
	uint32_t ids[2];
	uint8_t conntrack;
	uint8_t num_tables;
	uint8_t pad[2];
	uint32_t ino; /* its nsfs inode (32 bits in the kernel); 0: unknown */
};

/* A table file: this, then size bytes of entries. */
struct state_table {
	uint32_t valid_hooks;
	uint32_t hook_entry[NF_INET_NUMHOOKS];
	uint32_t underflow[NF_INET_NUMHOOKS];
	uint32_t num_entries;
	uint32_t size;
};

/* A counters file: this, then num_entries struct xt_counters. */
struct state_counters {
	uint32_t num_entries;
	uint32_t pad;
};

static bool has_current(const struct bf_netns *ns)
{
	return ns->filter && ns->filter_bpf;
}

/* The n parts of a state file into path (kind-id if path is NULL), or nothing if transient. */
static int save(const char *path, const char *kind, uint32_t id, const char *magic,
		const struct iovec *parts, int n)
{
	char named[PATH_MAX];
	int ret;

	if (!bf_persist_enabled())
		return 0;
	if (!path) {
		bf_state_file_path(named, sizeof(named), kind, id);
		path = named;
	}
	ret = bf_state_file_write(path, magic, parts, n);
	if (ret)
		bf_err("cannot write %s: %s", path, strerror(-ret));
	return ret;
}

int bf_state_save_table(const struct xlate_table *t, uint32_t id)
{
	struct state_table st = { .valid_hooks = t->valid_hooks,
				  .num_entries = t->num_entries,
				  .size = t->size };
	struct iovec parts[] = { { &st, sizeof(st) }, { t->entries, t->size } };

	memcpy(st.hook_entry, t->hook_entry, sizeof(st.hook_entry));
	memcpy(st.underflow, t->underflow, sizeof(st.underflow));
	return save(NULL, "table", id, TABLE_MAGIC, parts, 2);
}

int bf_state_save_layout(const struct bf_layout *l, uint32_t id)
{
	struct iovec part;
	int ret;

	if (!bf_persist_enabled())
		return 0;
	part.iov_base = bf_layout_save(l, &part.iov_len);
	if (!part.iov_base)
		return -ENOMEM;
	ret = save(NULL, "layout", id, LAYOUT_MAGIC, &part, 1);
	free(part.iov_base);
	return ret;
}

/* Saved table id's layout: 0 and *out (NULL: none saved, the table is its build), or -errno. */
static int read_layout(uint32_t id, struct bf_layout **out)
{
	const unsigned char *payload;
	unsigned char *data = NULL;
	char path[PATH_MAX];
	size_t len;
	int ret;

	*out = NULL;
	bf_state_file_path(path, sizeof(path), "layout", id);
	ret = bf_state_file_read(path, LAYOUT_MAGIC, &data, &payload, &len);
	if (ret == -ENOENT)
		ret = 0;
	else if (!ret && !(*out = bf_layout_load(payload, len)))
		ret = -EBADMSG;
	if (ret)
		bf_err("cannot read %s: %s", path, strerror(-ret));
	free(data);
	return ret;
}

int bf_state_save_counters(const struct xlate_table *t, uint32_t id)
{
	struct state_counters sc = { .num_entries = t->num_entries };
	struct iovec parts[] = { { &sc, sizeof(sc) },
				 { t->counters, t->num_entries * sizeof(*t->counters) } };

	return save(NULL, "counters", id, COUNTERS_MAGIC, parts, 2);
}

int bf_state_save(const struct bf_netns *pending_ns, uint32_t pending_id)
{
	struct state_ns *list = NULL;
	const struct bf_netns *ns;
	uint32_t count = 0;
	struct iovec parts[2];
	int ret;

	if (!bf_persist_enabled())
		return 0;
	for (ns = bf_netns_first(); ns; ns = ns->next)
		count += has_current(ns) || ns == pending_ns;
	list = calloc(count ? count : 1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	count = 0;
	for (ns = bf_netns_first(); ns; ns = ns->next) {
		struct state_ns *sn = &list[count];

		if (!has_current(ns) && ns != pending_ns)
			continue;
		sn->cookie = ns->cookie;
		sn->conntrack = ns->conntrack;
		sn->ino = (uint32_t)ns->ino;
		if (has_current(ns))
			sn->ids[sn->num_tables++] = ns->filter_bpf->id;
		if (ns == pending_ns)
			sn->ids[sn->num_tables++] = pending_id;
		count++;
	}
	parts[0] = (struct iovec){ &count, sizeof(count) };
	parts[1] = (struct iovec){ list, count * sizeof(*list) };
	ret = save(BF_STATE_PATH, NULL, 0, INDEX_MAGIC, parts, 2);
	free(list);
	return ret;
}

static int in_force_id(uint32_t id)
{
	const struct bf_netns *ns;

	for (ns = bf_netns_first(); ns; ns = ns->next)
		if (has_current(ns) && ns->filter_bpf->id == id)
			return 1;
	return 0;
}

void bf_state_prune(void)
{
	if (bf_persist_enabled())
		bf_state_file_prune(table_kinds, 3, in_force_id);
}

/* Saved table id, validated again as the kernel would, with its counters. */
static int read_table(uint32_t id, struct xlate_table **out)
{
	struct ipt_replace repl = { .name = "filter" };
	const unsigned char *payload, *counters = NULL;
	unsigned char *data = NULL, *cdata = NULL;
	struct xlate_error err = { 0 };
	const struct state_table *st;
	char path[PATH_MAX];
	size_t len, clen;
	int ret;

	bf_state_file_path(path, sizeof(path), "table", id);
	ret = bf_state_file_read(path, TABLE_MAGIC, &data, &payload, &len);
	st = (const void *)payload;
	if (!ret && (len < sizeof(*st) || len - sizeof(*st) != st->size))
		ret = -EBADMSG;
	if (!ret) {
		/* none saved yet: no counters added */
		bf_state_file_path(path, sizeof(path), "counters", id);
		ret = bf_state_file_read(path, COUNTERS_MAGIC, &cdata, &counters, &clen);
		if (ret == -ENOENT)
			ret = 0;
		else if (!ret &&
			 clen != sizeof(struct state_counters) +
					 (size_t)st->num_entries * sizeof(struct xt_counters))
			ret = -EBADMSG;
	}
	if (!ret) {
		repl.valid_hooks = st->valid_hooks;
		repl.num_entries = st->num_entries;
		repl.num_counters = st->num_entries;
		repl.size = st->size;
		memcpy(repl.hook_entry, st->hook_entry, sizeof(repl.hook_entry));
		memcpy(repl.underflow, st->underflow, sizeof(repl.underflow));
		ret = xlate_table_translate(&repl, st + 1, out, &err);
		if (ret) {
			bf_err("saved table %u is not valid: %s", id,
			       err.msg[0] ? err.msg : strerror(-ret));
			ret = -EBADMSG;
		}
	}
	if (!ret && counters)
		memcpy((*out)->counters, counters + sizeof(struct state_counters),
		       (size_t)st->num_entries * sizeof(struct xt_counters));
	if (ret == -EBADMSG)
		bf_err("%s is corrupt or does not match", path);
	else if (ret && ret != -EPROTO)
		bf_err("cannot read %s: %s", path, strerror(-ret));
	free(data);
	free(cdata);
	return ret;
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	return fd >= 0 && !bpf_prog_get_info_by_fd(fd, &info, &len) ? info.id : 0;
}

/*
 * Does the dispatcher array run bt's programs, in the generation of its
 * layout? A data update keeps the programs: the generation tells the
 * tables apart.
 */
static bool in_force(const struct bf_attachment *a, const struct bf_bpf_table *bt,
		     const struct bf_layout *l)
{
	uint32_t hook, gen = 0, key = 0;

	if (bt->maps.gen_fd >= 0 && bpf_map_lookup_elem(bt->maps.gen_fd, &key, &gen))
		return false;
	if (gen != (l ? l->gen : 0))
		return false;

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
static int restore_netns(const struct state_ns *sn)
{
	struct xlate_table *tables[2] = { NULL, NULL };
	struct bf_layout *layouts[2] = { NULL, NULL };
	struct bf_bpf_table *bt = NULL;
	struct bf_attachment *a;
	struct bf_netns *ns;
	int i, ret = 0;

	if (sn->num_tables < 1 || sn->num_tables > 2)
		return -EBADMSG;
	for (i = 0; !ret && i < sn->num_tables; i++) {
		ret = read_table(sn->ids[i], &tables[i]);
		if (!ret)
			ret = read_layout(sn->ids[i], &layouts[i]);
	}
	a = ret ? NULL : bf_persist_open_attachment(sn->cookie);
	for (i = 0; a && !bt && i < sn->num_tables; i++) {
		bt = bf_persist_open_table(sn->cookie, sn->ids[i], tables[i]->num_entries);
		if (bt && !in_force(a, bt, layouts[i])) {
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
		if (layouts[i]) {
			bt->maps.bank_elems = layouts[i]->bank_elems;
			bt->maps.table_id = layouts[i]->table_id;
			bt->layout = layouts[i];
			layouts[i] = NULL;
		}
		if (bf_runs_adopt(bt, ns->filter))
			bf_err("netns %llu: its address runs' maps cannot be taken over: "
			       "their changes load new programs",
			       (unsigned long long)sn->cookie);
		ns->filter_link = a;
		ns->conntrack = sn->conntrack;
		ns->ino = sn->ino;
		ns->local_routes_fd = bf_persist_open_local_routes(sn->cookie);
		bf_persist_prune(ns, bt->id);
		adopt(ns);
	}
	xlate_table_free(tables[0]);
	xlate_table_free(tables[1]);
	bf_layout_free(layouts[0]);
	bf_layout_free(layouts[1]);
	return ret;
}

/* The index: each netns in turn. */
static int parse(const unsigned char *payload, size_t len)
{
	struct state_ns sn;
	uint32_t count, i;
	int ret = 0;

	if (len < sizeof(count))
		return -EBADMSG;
	memcpy(&count, payload, sizeof(count));
	if (len - sizeof(count) != (size_t)count * sizeof(sn))
		return -EBADMSG;
	for (i = 0; !ret && i < count; i++) {
		/* after the 32-bit count: not aligned for the cookie */
		memcpy(&sn, payload + sizeof(count) + (size_t)i * sizeof(sn), sizeof(sn));
		ret = restore_netns(&sn);
	}
	return ret;
}

int bf_state_restore(void)
{
	const unsigned char *payload;
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
	ret = bf_state_file_read(BF_STATE_PATH, INDEX_MAGIC, &data, &payload, &len);
	if (ret == -ENOENT) {
		free(data);
		if (!bf_persist_has_pins())
			return 0;
		bf_err("%s is missing but %s holds pinned rules", BF_STATE_PATH, bf_persist_dir());
		return -ENOENT;
	}
	if (!ret)
		ret = parse(payload, len);
	free(data);
	if (ret == -EBADMSG)
		bf_err("%s is corrupt", BF_STATE_PATH);
	else if (ret)
		bf_err("cannot restore %s: %s", BF_STATE_PATH, strerror(-ret));
	if (ret)
		return ret;
	ret = bf_state_save(NULL, 0);
	if (!ret)
		bf_state_prune();
	return ret;
}
