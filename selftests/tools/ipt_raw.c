// SPDX-License-Identifier: GPL-2.0
/*
 * ipt_raw: print a table exactly as IPT_SO_GET_INFO and IPT_SO_GET_ENTRIES
 * return it, byte for byte, so that the kernel's answers and bpfilterd's can
 * be compared. Usage: ipt_raw [TABLE] (default filter).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter_ipv4/ip_tables.h>

static void print_info(const struct ipt_getinfo *info)
{
	unsigned int h;

	printf("name=%s valid_hooks=%#x num_entries=%u size=%u\n", info->name, info->valid_hooks,
	       info->num_entries, info->size);
	for (h = 0; h < NF_INET_NUMHOOKS; h++)
		printf("hook %u entry=%#x underflow=%#x\n", h, info->hook_entry[h],
		       info->underflow[h]);
}

static void print_hex(const unsigned char *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		printf("%02x%s", p[i], (i % 32 == 31 || i + 1 == len) ? "\n" : "");
}

int main(int argc, char **argv)
{
	const char *table = argc > 1 ? argv[1] : "filter";
	struct ipt_get_entries *get;
	struct ipt_getinfo info;
	socklen_t len;
	int fd;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "%s", table);
	len = sizeof(info);
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_INFO, &info, &len)) {
		printf("GET_INFO error: %s\n", strerror(errno));
		return 1;
	}
	print_info(&info);
	len = sizeof(*get) + info.size;
	get = calloc(1, len);
	if (!get)
		return 1;
	strcpy(get->name, info.name);
	get->size = info.size;
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_ENTRIES, get, &len)) {
		printf("GET_ENTRIES error: %s\n", strerror(errno));
		return 1;
	}
	print_hex((const unsigned char *)get->entrytable, info.size);
	free(get);
	close(fd);
	return 0;
}
