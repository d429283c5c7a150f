// SPDX-License-Identifier: GPL-2.0
/*
 * Letting go of the network namespaces nobody uses any more.
 *
 * A netfilter BPF link holds a reference on its netns until it is released
 * (nf_bpf_link.c), and so do the daemon's sockets there. Pinned, the links
 * of a netns's rules would keep it alive after `ip netns del` or the exit
 * of its last process, with its interfaces and their addresses, until
 * reboot; the kernel's own tables die with the netns. So the daemon looks
 * for namespaces of its tables that no thread is in, no nsfs mount names
 * and no open file holds (in any process but this one), and releases them:
 * their entry in the saved state, their links, programs and pins. Then the
 * kernel destroys them, as it would have without bpfilter.
 *
 * A netns can also be held by a socket alone (one created there by a
 * process that then left): /proc does not show a socket's netns, so such a
 * netns is released too. Nothing can reach it but through that socket.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "enforce.h"
#include "local_routes.h"
#include "log.h"
#include "netns_reap.h"
#include "persist.h"
#include "state.h"

#define NETNS_NAMES "/run/netns" /* where `ip netns` mounts the named ones */
#define INIT_PID_NS_INO 0xeffffffcu /* PROC_PID_INIT_INO, fixed by the kernel */

/* A netns in use: its inode, and a path that opens it (NULL: none can). */
struct seen_ns {
	uint64_t ino;
	char *path;
};

/* The namespaces in use. */
struct seen {
	struct seen_ns *ns;
	unsigned int n, cap;
	uint64_t *mnt; /* mount namespaces whose mounts were read, ours first */
	unsigned int n_mnt, cap_mnt;
	dev_t nsfs_dev; /* the device of namespace files */
	unsigned int procs; /* processes scanned */
	bool lost; /* out of memory, or a process hidden: a netns may have gone unseen */
};

static struct seen_ns *find_seen(const struct seen *s, uint64_t ino)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->ns[i].ino == ino)
			return &s->ns[i];
	return NULL;
}

/* Note netns ino, in use; path opens it (NULL: nothing can). */
static void add_seen(struct seen *s, uint64_t ino, const char *path)
{
	struct seen_ns *known = find_seen(s, ino);

	if (known && (known->path || !path))
		return;
	if (known) {
		/* seen first through a mount it cannot be opened by */
		known->path = strdup(path);
		s->lost |= !known->path;
		return;
	}
	if (s->n == s->cap) {
		unsigned int cap = s->cap ? 2 * s->cap : 16;
		void *bigger = realloc(s->ns, cap * sizeof(*s->ns));

		if (!bigger) {
			s->lost = true;
			return;
		}
		s->ns = bigger;
		s->cap = cap;
	}
	s->ns[s->n].ino = ino;
	s->ns[s->n].path = path ? strdup(path) : NULL;
	s->lost |= path && !s->ns[s->n].path;
	s->n++;
}

/* A first visit of mount namespace ino (false: read already, or no room). */
static bool first_mnt(struct seen *s, uint64_t ino)
{
	unsigned int i;

	for (i = 0; i < s->n_mnt; i++)
		if (s->mnt[i] == ino)
			return false;
	if (s->n_mnt == s->cap_mnt) {
		unsigned int cap = s->cap_mnt ? 2 * s->cap_mnt : 16;
		uint64_t *bigger = realloc(s->mnt, cap * sizeof(*bigger));

		if (!bigger) {
			s->lost = true;
			return false;
		}
		s->mnt = bigger;
		s->cap_mnt = cap;
	}
	s->mnt[s->n_mnt++] = ino;
	return true;
}

/*
 * What /proc would not show: a process gone meanwhile shows nothing, but one
 * we may not look into may be in any netns, which then must not be released.
 */
static void note_error(struct seen *s)
{
	if (errno != ENOENT && errno != ESRCH)
		s->lost = true;
}

static uint64_t ino_of(struct seen *s, const char *path)
{
	struct stat st;

	if (!stat(path, &st))
		return st.st_ino;
	note_error(s);
	return 0;
}

/* "net:[ino]" (the root of an nsfs mount): ino, else 0 */
static uint64_t net_ino(const char *text)
{
	unsigned long long ino;
	char end;

	return sscanf(text, "net:[%llu%c", &ino, &end) == 2 && end == ']' ? ino : 0;
}

static bool is_pid(const char *name)
{
	return isdigit((unsigned char)name[0]);
}

/*
 * Each namespace file at dir/<number><suffix> (a thread's netns, an open
 * file) is in use. Attributes as cached: a stuck FUSE or NFS server must not stall the daemon.
 */
static void each_entry(struct seen *s, const char *dir, const char *suffix)
{
	char path[96];
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		struct statx st;

		if (!is_pid(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%.16s%s", dir, de->d_name, suffix);
		if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_INO, &st))
			note_error(s);
		else if (makedev(st.stx_dev_major, st.stx_dev_minor) == s->nsfs_dev)
			add_seen(s, st.stx_ino, path);
	}
	if (d)
		closedir(d);
	else
		note_error(s);
}

/* The netns of each thread of pid. */
static void scan_threads(struct seen *s, const char *pid)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%s/task", pid);
	each_entry(s, dir, "/ns/net");
}

/* mountinfo's escapes (\ooo for space, tab, newline, backslash) undone in place */
static void unescape(char *text)
{
	char *out = text;

	for (; *text; text++, out++) {
		if (text[0] == '\\' && text[1] >= '0' && text[1] <= '3' && text[2] >= '0' &&
		    text[2] <= '7' && text[3] >= '0' && text[3] <= '7') {
			*out = (char)((text[1] - '0') << 6 | (text[2] - '0') << 3 |
				      (text[3] - '0'));
			text += 3;
		} else {
			*out = *text;
		}
	}
	*out = '\0';
}

/* The nsfs mounts of pid's mount namespace, unless read through another pid. */
static void scan_mounts(struct seen *s, const char *pid)
{
	char path[64], line[PATH_MAX + 256], at[PATH_MAX];
	FILE *f;

	uint64_t mnt;

	bool line_start = true, at_start;

	snprintf(path, sizeof(path), "/proc/%s/ns/mnt", pid);
	mnt = ino_of(s, path);
	if (!mnt || !first_mnt(s, mnt))
		return;
	snprintf(path, sizeof(path), "/proc/%s/mountinfo", pid);
	f = fopen(path, "re");
	if (!f)
		note_error(s);
	/* "id parent major:minor root mountpoint ...": an nsfs mount's root names its ns */
	while (f && fgets(line, sizeof(line), f)) {
		char root[64];
		uint64_t ino;

		/* the rest of a line longer than line (overlayfs options) is skipped */
		at_start = line_start;
		line_start = strchr(line, '\n');
		if (!at_start || sscanf(line, "%*s %*s %*s %63s %4095s", root, at) != 2)
			continue;
		ino = net_ino(root);
		if (!ino)
			continue;
		unescape(at);
		/* an nsfs file cannot be opened through another mount namespace's root */
		add_seen(s, ino, mnt == s->mnt[0] ? at : NULL);
	}
	if (f)
		fclose(f);
}

/* The nsfs files pid holds open (their links show the path they were opened by). */
static void scan_files(struct seen *s, const char *pid)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	each_entry(s, dir, "");
}

static bool all_seen(const struct seen *s);

/*
 * Run scan on every process but this one and init, until all our namespaces
 * are seen. Init (of the initial pid namespace: see bf_netns_reap()) is in
 * the initial netns, which never dies, and which kernel threads show too;
 * some sandboxes hide init even from root.
 */
static void scan_procs(struct seen *s, void (*scan)(struct seen *s, const char *pid))
{
	char self[16];
	struct dirent *de;
	DIR *d = opendir("/proc");

	snprintf(self, sizeof(self), "%d", getpid());
	s->procs = 0;
	while (d && !all_seen(s) && (de = readdir(d))) {
		if (is_pid(de->d_name) && strcmp(de->d_name, self) && strcmp(de->d_name, "1")) {
			scan(s, de->d_name);
			s->procs++;
		}
	}
	if (d)
		closedir(d);
}

/* Are all of our namespaces seen (their inode known)? */
static bool all_seen(const struct seen *s)
{
	const struct bf_netns *ns;

	for (ns = bf_netns_first(); ns; ns = ns->next)
		if (!ns->ino || !find_seen(s, ns->ino))
			return false;
	return true;
}

/*
 * Find the inodes of namespaces restored from a last daemon, which no
 * client has named since, among the ones seen: false if one of those could
 * not be looked into (then a netns not found may still be in use).
 */
static bool learn_inodes(const struct seen *s)
{
	bool complete = true;
	struct bf_netns *ns;
	unsigned int i;

	for (ns = bf_netns_first(); ns; ns = ns->next) {
		for (i = 0; !ns->ino && i < s->n; i++) {
			int fd = s->ns[i].path ? bf_netns_socket_at(s->ns[i].path, ns->cookie) :
						 -EBADF;

			if (fd == -EBADF) {
				bf_dbg("netns %llu: cannot look into %s",
				       (unsigned long long)ns->cookie,
				       s->ns[i].path ?: "a mount of another mount namespace");
				complete = false;
			}
			if (fd < 0)
				continue;
			ns->ino = s->ns[i].ino;
			bf_enforce_adopt(ns, fd);
			close(fd);
		}
	}
	return complete;
}

/* Forget ns: the state without it first, so that a crash never leaves it half gone. */
static void release(struct bf_netns *ns)
{
	bf_netns_remove(ns);
	if (bf_state_save(NULL, 0)) {
		bf_netns_put_back(ns);
		return; /* kept as it is; tried again later */
	}
	bf_info("netns %llu is gone: its rules are released", (unsigned long long)ns->cookie);
	bf_enforce_release(ns);
	bf_local_routes_close(ns);
	bf_persist_forget(ns);
	xlate_table_free(ns->filter);
	free(ns);
	bf_state_prune();
}

static bool watching;

/* Watch /run/netns once it exists (`ip netns add` makes it): true if watched. */
static bool watch_names(int fd)
{
	if (!watching && fd >= 0)
		watching = inotify_add_watch(fd, NETNS_NAMES, IN_DELETE | IN_MOVED_FROM) >= 0;
	return watching;
}

void bf_netns_reap(int watch_fd)
{
	struct stat own, pid_ns;
	struct seen s = { 0 };
	struct bf_netns *ns, *next;
	bool complete;
	unsigned int i;

	watch_names(watch_fd);
	/* in a pid namespace of its own, the daemon cannot see every process */
	if (stat("/proc/self/ns/net", &own) || stat("/proc/self/ns/pid", &pid_ns) ||
	    pid_ns.st_ino != INIT_PID_NS_INO)
		return;
	s.nsfs_dev = own.st_dev;
	scan_mounts(&s, "self"); /* first: its mount namespace is s.mnt[0] */
	/* the daemon's own netns is in use while it runs */
	add_seen(&s, own.st_ino, "/proc/self/ns/net");
	/* threads first: the others only for namespaces no thread is in */
	scan_procs(&s, scan_threads);
	if (!all_seen(&s) && s.procs)
		scan_procs(&s, scan_mounts);
	if (!all_seen(&s) && s.procs)
		scan_procs(&s, scan_files);
	complete = learn_inodes(&s);
	for (ns = bf_netns_first(); ns && s.procs && !s.lost; ns = next) {
		next = ns->next;
		/* one never seen: released only if every netns seen was looked into */
		if (ns->ino ? !find_seen(&s, ns->ino) : complete)
			release(ns);
	}
	for (i = 0; i < s.n; i++)
		free(s.ns[i].path);
	free(s.ns);
	free(s.mnt);
}

int bf_netns_reap_watch(void)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	watching = false;
	watch_names(fd);
	return fd;
}

void bf_netns_reap_drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}
