// SPDX-License-Identifier: GPL-2.0
/*
 * iptables-bpfilter{,-save,-restore}: the system's unmodified iptables-legacy
 * (xtables-legacy-multi) with the bpfilter shim preloaded, so that the filter
 * table is served by bpfilterd. BF_TOOL, set at build time, is the tool run.
 *
 * A small static program rather than a shell script: every iptables command
 * starts it, and a shell costs a dynamic load and an exec more, about 1.5 ms
 * on a small virtual machine, a tenth of what the kernel takes for
 * `iptables -A` in a 10,000-rule table.
 *
 * The shim is $BPFILTER_PRELOAD, else the one installed beside this program
 * (PREFIX/sbin -> PREFIX/lib/bpfilter), else the one of its build tree.
 * Relocatable, and fit for update-alternatives: links are followed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BF_TOOL
#error "BF_TOOL names the iptables tool to run"
#endif

#define SHIM "libbpfilter-preload.so"
#define MULTI "xtables-legacy-multi"

static const char *const shim_dirs[] = { "/../lib/bpfilter/", "/../sockopt/" };

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
		if (snprintf(path, size, "%s%s%s", self, shim_dirs[i], SHIM) >= (int)size)
			continue;
		if (access(path, F_OK) == 0)
			return 0;
	}
	return -1;
}

/* LD_PRELOAD with the shim first, then what the caller preloads. */
static int set_preload(const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	char *value;
	int ret;

	if (!old || !*old)
		return setenv("LD_PRELOAD", shim, 1);
	value = malloc(strlen(shim) + strlen(old) + 2);
	if (!value)
		return -1;
	sprintf(value, "%s:%s", shim, old);
	ret = setenv("LD_PRELOAD", value, 1);
	free(value);
	return ret;
}

int main(int argc, char **argv)
{
	const char *shim = getenv("BPFILTER_PRELOAD");
	char found[PATH_MAX];

	if (argc < 1)
		return 1;
	if (!shim || !*shim) {
		if (find_shim(found, sizeof(found))) {
			fprintf(stderr, BF_TOOL "-bpfilter: " SHIM " not found near %s\n", argv[0]);
			return 1;
		}
		shim = found;
	}
	/* ld.so would skip a missing shim and run iptables on the kernel's tables */
	if (access(shim, R_OK)) {
		fprintf(stderr, BF_TOOL "-bpfilter: cannot read the shim %s: %s\n", shim,
			strerror(errno));
		return 1;
	}
	if (set_preload(shim)) {
		perror(BF_TOOL "-bpfilter: LD_PRELOAD");
		return 1;
	}
	/* xtables-legacy-multi runs the tool its argv[0] names */
	argv[0] = BF_TOOL;
	execvp(MULTI, argv);
	if (errno == ENOENT)
		execv("/usr/sbin/" MULTI, argv);
	fprintf(stderr, BF_TOOL "-bpfilter: cannot run " MULTI ": %s\n", strerror(errno));
	return 127;
}
