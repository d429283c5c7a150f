// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/netfilter.h>

#include "../bpf/attach.h"
#include "../bpf/events.h"
#include "../bpf/sys.h"
#include "log.h"
#include "persist.h"

/* room for ns-<cookie>/t<id>/<name> after the pin directory */
#define PIN_DIR_MAX (PATH_MAX - 128)

static bool persistent;
static char pin_dir[PIN_DIR_MAX];

int bf_persist_init(const struct bf_opts *opts)
{
	persistent = !opts->transient;
	if (strlen(opts->bpffs_path) >= PIN_DIR_MAX - sizeof("/bpfilter")) {
		bf_err("--bpffs-path is too long");
		return -ENAMETOOLONG;
	}
	snprintf(pin_dir, sizeof(pin_dir), "%.*s/bpfilter",
		 (int)(PIN_DIR_MAX - sizeof("/bpfilter")), opts->bpffs_path);
	if (persistent && mkdir(pin_dir, 0700) && errno != EEXIST) {
		bf_err("cannot create %s: %s", pin_dir, strerror(errno));
		return -errno;
	}
	return 0;
}

bool bf_persist_enabled(void)
{
	return persistent;
}

const char *bf_persist_dir(void)
{
	return pin_dir;
}

/* path = <pin_dir>/ns-<cookie>[/t<id>][/name] */
static void ns_path(char *path, uint64_t cookie, uint32_t id, const char *name)
{
	int len = snprintf(path, PATH_MAX, "%s/ns-%llu", pin_dir, (unsigned long long)cookie);

	if (id)
		len += snprintf(path + len, PATH_MAX - len, "/t%u", id);
	if (name)
		snprintf(path + len, PATH_MAX - len, "/%s", name);
}

static int pin(int fd, const char *path)
{
	unlink(path); /* a leftover of a crash before the state named it */
	if (bpf_obj_pin(fd, path)) {
		bf_err("cannot pin %s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0700) && errno != EEXIST) {
		bf_err("cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

int bf_persist_events_map(void)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/events", pin_dir);
	if (persistent) {
		fd = bpf_obj_get(path);
		if (fd >= 0)
			return fd;
	}
	fd = bf_sys_map_create(BPF_MAP_TYPE_RINGBUF, "bpfilter_events", 0, 0, BF_EVENTS_SIZE, NULL);
	if (fd < 0)
		return fd;
	if (persistent && pin(fd, path)) {
		close(fd);
		return -EIO;
	}
	return fd;
}

int bf_persist_pin_table(const struct bf_netns *ns, const struct bf_bpf_table *bt)
{
	char path[PATH_MAX];
	unsigned int h;
	int ret;

	if (!persistent)
		return 0;
	ns_path(path, ns->cookie, 0, NULL);
	ret = make_dir(path);
	ns_path(path, ns->cookie, bt->id, NULL);
	if (!ret)
		ret = make_dir(path);
	ns_path(path, ns->cookie, bt->id, "counters");
	if (!ret)
		ret = pin(bt->maps.counters_fd, path);
	ns_path(path, ns->cookie, bt->id, "parts");
	if (!ret)
		ret = pin(bt->maps.parts_fd, path);
	ns_path(path, ns->cookie, bt->id, "state");
	if (!ret && bt->maps.state_fd >= 0)
		ret = pin(bt->maps.state_fd, path);
	ns_path(path, ns->cookie, bt->id, "gen");
	if (!ret && bt->maps.gen_fd >= 0)
		ret = pin(bt->maps.gen_fd, path);
	for (h = 0; !ret && h < NF_INET_NUMHOOKS; h++) {
		char name[16];

		if (bt->prog_fds[h] < 0)
			continue;
		snprintf(name, sizeof(name), "prog_%s", bf_hook_short_name(h));
		ns_path(path, ns->cookie, bt->id, name);
		ret = pin(bt->prog_fds[h], path);
	}
	if (ret)
		bf_persist_prune(ns, ns->filter_bpf ? ns->filter_bpf->id : 0);
	return ret;
}

int bf_persist_pin_netns(const struct bf_netns *ns)
{
	const struct bf_attachment *a = ns->filter_link;
	char path[PATH_MAX];
	unsigned int h;
	int ret = 0;

	if (!persistent)
		return 0;
	ns_path(path, ns->cookie, 0, NULL);
	ret = make_dir(path);
	ns_path(path, ns->cookie, 0, "chains");
	if (!ret && a)
		ret = pin(a->prog_array_fd, path);
	for (h = 0; !ret && a && h < NF_INET_NUMHOOKS; h++) {
		char name[16];

		if (a->link_fds[h] < 0)
			continue;
		snprintf(name, sizeof(name), "link_%s", bf_hook_short_name(h));
		ns_path(path, ns->cookie, 0, name);
		ret = pin(a->link_fds[h], path);
	}
	ns_path(path, ns->cookie, 0, "local_routes");
	if (!ret && ns->local_routes_fd >= 0)
		ret = pin(ns->local_routes_fd, path);
	return ret;
}

/* Remove directory name of dir fd parent, and the pins in it. */
static void remove_dir_at(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(fd, de->d_name, 0);
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

void bf_persist_prune(const struct bf_netns *ns, uint32_t keep_id)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (!persistent)
		return;
	ns_path(path, ns->cookie, 0, NULL);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		unsigned int id;
		char end;

		if (sscanf(de->d_name, "t%u%c", &id, &end) != 1 || id == keep_id)
			continue;
		remove_dir_at(dirfd(d), de->d_name);
	}
	closedir(d);
}

void bf_persist_forget(const struct bf_netns *ns)
{
	char name[32];
	int dir;

	if (!persistent)
		return;
	bf_persist_prune(ns, 0);
	dir = open(pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return;
	snprintf(name, sizeof(name), "ns-%llu", (unsigned long long)ns->cookie);
	remove_dir_at(dir, name);
	close(dir);
}

static int get_pinned(uint64_t cookie, uint32_t id, const char *name, bool required)
{
	char path[PATH_MAX];
	int fd;

	ns_path(path, cookie, id, name);
	fd = bpf_obj_get(path);
	if (fd < 0 && (required || errno != ENOENT))
		bf_err("cannot open %s: %s", path, strerror(errno));
	return fd;
}

struct bf_bpf_table *bf_persist_open_table(uint64_t cookie, uint32_t id, unsigned int counters)
{
	struct bf_bpf_table *bt = bf_bpf_table_new("filter", id, counters);
	unsigned int h;

	if (!bt)
		return NULL;
	bt->maps.counters_fd = get_pinned(cookie, id, "counters", true);
	bt->maps.parts_fd = get_pinned(cookie, id, "parts", true);
	bt->maps.state_fd = get_pinned(cookie, id, "state", false);
	bt->maps.gen_fd = get_pinned(cookie, id, "gen", false);
	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		char name[16];

		snprintf(name, sizeof(name), "prog_%s", bf_hook_short_name(h));
		bt->prog_fds[h] = get_pinned(cookie, id, name, false);
	}
	if (bt->maps.counters_fd < 0 || bt->maps.parts_fd < 0) {
		bf_bpf_table_free(bt);
		return NULL;
	}
	return bt;
}

struct bf_attachment *bf_persist_open_attachment(uint64_t cookie)
{
	struct bf_attachment *a = calloc(1, sizeof(*a));
	unsigned int h;

	if (!a)
		return NULL;
	snprintf(a->table, sizeof(a->table), "filter");
	a->prog_array_fd = get_pinned(cookie, 0, "chains", true);
	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		char name[16];

		snprintf(name, sizeof(name), "link_%s", bf_hook_short_name(h));
		a->dispatcher_fds[h] = -1;
		a->link_fds[h] = get_pinned(cookie, 0, name, false);
	}
	if (a->prog_array_fd < 0) {
		bf_attach_free(a);
		return NULL;
	}
	return a;
}

int bf_persist_open_local_routes(uint64_t cookie)
{
	return get_pinned(cookie, 0, "local_routes", false);
}

bool bf_persist_has_pins(void)
{
	DIR *d = opendir(pin_dir);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d)))
		found = !strncmp(de->d_name, "ns-", 3);
	closedir(d);
	return found;
}
