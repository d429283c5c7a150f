// SPDX-License-Identifier: GPL-2.0
/*
 * iptables-bpfilter{,-save,-restore}: the system's unmodified iptables-legacy
 * (xtables-legacy-multi) with the bpfilter shim preloaded, so that the filter
 * table is served by bpfilterd. BF_TOOL, set at build time, is the tool run.
 *
 * Every iptables command starts it, so it must cost next to nothing: a shell
 * script costs a dynamic load and an exec more (about 1.5 ms on a small
 * virtual machine), and even a static glibc program 1 ms to start (its
 * start-up touches some forty pages). Built with the kernel's nolibc
 * (tools/include/nolibc, see the Makefile) it costs 0.3 ms; with glibc
 * where nolibc is not at hand. Hence only what both libraries offer here.
 *
 * The shim is $BPFILTER_PRELOAD, else the one installed beside this program
 * (PREFIX/sbin -> PREFIX/lib/bpfilter), else the one of its build tree.
 * Relocatable, and fit for update-alternatives: links are followed.
 */
#ifdef BF_NOLIBC
#include <nolibc.h>
#include <linux/limits.h>

#define F_OK 0
#define R_OK 4

static ssize_t readlink(const char *path, char *buf, size_t size)
{
	return __sysret(my_syscall4(__NR_readlinkat, AT_FDCWD, path, buf, size));
}

static int access(const char *path, int mode)
{
	return __sysret(my_syscall4(__NR_faccessat, AT_FDCWD, path, mode, 0));
}

/* nolibc's strerror() gives the number: the reasons a user may meet here */
static const char *reason(int err)
{
	switch (err) {
	case ENOENT:
		return "No such file or directory";
	case EACCES:
		return "Permission denied";
	case ENOMEM:
		return "Cannot allocate memory";
	default:
		return strerror(err);
	}
}
#else
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define reason strerror
#endif

#ifndef BF_TOOL
#error "BF_TOOL names the iptables tool to run"
#endif

#define ME BF_TOOL "-bpfilter: "
#define SHIM "libbpfilter-preload.so"
#define MULTI "xtables-legacy-multi"
#define PRELOAD "LD_PRELOAD="
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *const shim_dirs[] = { "/../lib/bpfilter/", "/../sockopt/" };

/* dst = a then b (len bytes of it) then c; -1 if that does not fit in size. */
static int join(char *dst, size_t size, const char *a, const char *b, size_t len, const char *c)
{
	size_t la = strlen(a), lc = strlen(c);

	if (la + len + lc >= size)
		return -1;
	memcpy(dst, a, la);
	memcpy(dst + la, b, len);
	memcpy(dst + la + len, c, lc + 1);
	return 0;
}

/* The shim beside this program into path; 0 or -1 if none is there. */
static int find_shim(char *path, size_t size)
{
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	unsigned int i;
	char *slash;

	if (len <= 0)
		return -1;
	self[len] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	for (i = 0; i < sizeof(shim_dirs) / sizeof(shim_dirs[0]); i++) {
		if (join(path, size, self, shim_dirs[i], strlen(shim_dirs[i]), SHIM))
			continue;
		if (access(path, F_OK) == 0)
			return 0;
	}
	return -1;
}

/* The environment with LD_PRELOAD naming the shim first, then what the caller preloads. */
static char **preload_env(const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	size_t n = 0, len;
	char **env, **e;
	char *value;

	if (old && !*old)
		old = NULL;
	for (e = environ; e && *e; e++)
		n++;
	env = malloc((n + 2) * sizeof(*env));
	len = strlen(PRELOAD) + strlen(shim) + (old ? strlen(old) + 1 : 0) + 1;
	value = malloc(len);
	if (!env || !value || join(value, len, PRELOAD, shim, strlen(shim), old ? ":" : ""))
		return NULL;
	if (old)
		memcpy(value + strlen(value), old, strlen(old) + 1);
	n = 0;
	env[n++] = value;
	for (e = environ; e && *e; e++)
		if (strncmp(*e, PRELOAD, strlen(PRELOAD)))
			env[n++] = *e;
	env[n] = NULL;
	return env;
}

/*
 * execvp(MULTI), then /usr/sbin/MULTI (often not in a user's PATH); returns
 * errno. Directories without MULTI are skipped with access(): a failed
 * execve() costs about 20 us, and a PATH may have a dozen of them first.
 */
static int run_multi(char **argv, char **env)
{
	const char *path = getenv("PATH"), *dir, *end;
	char file[PATH_MAX];
	int err = ENOENT;

	for (dir = path && *path ? path : DEFAULT_PATH; *dir; dir = *end ? end + 1 : end) {
		end = strchr(dir, ':');
		if (!end)
			end = dir + strlen(dir);
		if (end == dir || join(file, sizeof(file), "", dir, end - dir, "/" MULTI))
			continue;
		if (access(file, F_OK) && (errno == ENOENT || errno == ENOTDIR))
			continue;
		execve(file, argv, env);
		if (errno != ENOENT && errno != ENOTDIR)
			err = errno;
	}
	execve("/usr/sbin/" MULTI, argv, env);
	return err != ENOENT ? err : errno;
}

static int fail(const char *what, const char *name, int err)
{
	fprintf(stderr, ME "%s %s: %s\n", what, name, reason(err));
	return 1;
}

int main(int argc, char **argv)
{
	const char *shim = getenv("BPFILTER_PRELOAD");
	char found[PATH_MAX];
	char **env;

	if (argc < 1)
		return 1;
	if (!shim || !*shim) {
		if (find_shim(found, sizeof(found))) {
			fprintf(stderr, ME SHIM " not found near %s\n", argv[0]);
			return 1;
		}
		shim = found;
	}
	/* ld.so would skip a missing shim and run iptables on the kernel's tables */
	if (access(shim, R_OK))
		return fail("cannot read the shim", shim, errno);
	env = preload_env(shim);
	if (!env)
		return fail("cannot set", "LD_PRELOAD", ENOMEM);
	/* xtables-legacy-multi runs the tool its argv[0] names */
	argv[0] = BF_TOOL;
	fail("cannot run", MULTI, run_multi(argv, env));
	return 127;
}
