// SPDX-License-Identifier: GPL-2.0
/*
 * ipt_replace: the filter table as one raw IPT_SO_SET_REPLACE request, for
 * tests that send the kernel and bpfilter the same bytes, valid or not.
 *
 *   ipt_replace save FILE  write the table in force as a request: struct
 *                          ipt_replace, then its entries
 *   ipt_replace send FILE  send FILE as it is, all of it (its size field may
 *                          lie), but for num_counters and counters, which
 *                          are the table's; print the errno, 0 on success
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#define MAX_REQUEST (16u << 20)

static int get_info(int fd, struct ipt_getinfo *info)
{
	socklen_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	strcpy(info->name, "filter");
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_INFO, info, &len)) {
		perror("IPT_SO_GET_INFO");
		return -1;
	}
	return 0;
}

static int save(int fd, const char *path)
{
	struct ipt_replace repl = { .name = "filter" };
	struct ipt_get_entries *get;
	struct ipt_getinfo info;
	socklen_t len;
	FILE *f;
	int ret = 1;

	if (get_info(fd, &info))
		return 1;
	len = sizeof(*get) + info.size;
	get = calloc(1, len);
	if (!get)
		return 1;
	strcpy(get->name, "filter");
	get->size = info.size;
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_ENTRIES, get, &len)) {
		perror("IPT_SO_GET_ENTRIES");
		goto out;
	}
	repl.valid_hooks = info.valid_hooks;
	repl.num_entries = info.num_entries;
	repl.size = info.size;
	memcpy(repl.hook_entry, info.hook_entry, sizeof(repl.hook_entry));
	memcpy(repl.underflow, info.underflow, sizeof(repl.underflow));
	repl.num_counters = info.num_entries;
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		goto out;
	}
	if (fwrite(&repl, sizeof(repl), 1, f) == 1 &&
	    fwrite(get->entrytable, 1, info.size, f) == info.size)
		ret = 0;
	if (fclose(f))
		ret = 1;
out:
	free(get);
	return ret;
}

static int send_file(int fd, const char *path)
{
	struct ipt_replace *repl;
	struct ipt_getinfo info;
	unsigned char *buf;
	FILE *f = fopen(path, "rb");
	size_t len;
	int ret = 1;

	if (!f) {
		perror(path);
		return 1;
	}
	buf = malloc(MAX_REQUEST);
	len = buf ? fread(buf, 1, MAX_REQUEST, f) : 0;
	fclose(f);
	if (len < sizeof(*repl) || get_info(fd, &info))
		goto out;
	repl = (struct ipt_replace *)buf;
	repl->num_counters = info.num_entries;
	repl->counters = calloc(info.num_entries, sizeof(struct xt_counters));
	if (!repl->counters)
		goto out;
	printf("%d\n", setsockopt(fd, SOL_IP, IPT_SO_SET_REPLACE, buf, len) ? errno : 0);
	free(repl->counters);
	ret = 0;
out:
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	int fd, ret;

	if (argc != 3 || (strcmp(argv[1], "save") && strcmp(argv[1], "send"))) {
		fprintf(stderr, "usage: ipt_replace save|send FILE\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	ret = strcmp(argv[1], "save") ? send_file(fd, argv[2]) : save(fd, argv[2]);
	close(fd);
	return ret;
}
