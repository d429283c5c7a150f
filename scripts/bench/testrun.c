// SPDX-License-Identifier: GPL-2.0
/*
 * testrun PID PROG_NAME REPEAT: run the newest BPF program of that name that
 * process PID holds open (the benchmark's own bpfilterd) on a UDP packet
 * from 10.98.0.2 to 10.98.0.1:9 with BPF_PROG_TEST_RUN, REPEAT times, and
 * print the kernel's mean time per run in nanoseconds. BPF programs are
 * the whole host's: one picked by its name alone may be another firewall's,
 * whose rule would count the runs (and its REJECT or LOG act on them). A
 * benchmark tool (scripts/bench.sh), not a test.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <netinet/ip.h>
#include <netinet/udp.h>

/* The program id an fdinfo file gives, 0 if it is not a program's. */
static __u32 prog_id_in(const char *fdinfo)
{
	unsigned int id = 0;
	char line[128];
	FILE *f = fopen(fdinfo, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "prog_id: %u", &id) == 1)
			break;
	fclose(f);
	return id;
}

/* Is program id called name? */
static int named(__u32 id, const char *name)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id), ret;

	if (fd < 0)
		return 0;
	ret = !bpf_prog_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, name);
	close(fd);
	return ret;
}

/* The fd of the newest program called name that process pid holds, or -1. */
static int newest_prog(const char *pid, const char *name)
{
	char dir[64], path[320];
	struct dirent *d;
	__u32 id, newest = 0;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%s/fdinfo", pid);
	fds = opendir(dir);
	if (!fds)
		return -1;
	while ((d = readdir(fds))) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		id = prog_id_in(path);
		if (id > newest && named(id, name))
			newest = id;
	}
	closedir(fds);
	return newest ? bpf_prog_get_fd_by_id(newest) : -1;
}

int main(int argc, char **argv)
{
	unsigned char pkt[sizeof(struct iphdr) + sizeof(struct udphdr) + 18] = { 0 };
	struct iphdr *ip = (void *)pkt;
	struct udphdr *udp = (void *)(ip + 1);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: testrun PID PROG_NAME REPEAT\n");
		return 2;
	}
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(pkt));
	inet_pton(AF_INET, "10.98.0.2", &ip->saddr);
	inet_pton(AF_INET, "10.98.0.1", &ip->daddr);
	udp->source = htons(40000);
	udp->dest = htons(9);
	udp->len = htons(sizeof(pkt) - sizeof(*ip));
	o.repeat = (int)strtol(argv[3], NULL, 10);
	fd = newest_prog(argv[1], argv[2]);
	if (fd < 0) {
		fprintf(stderr, "testrun: process %s holds no program named %s\n", argv[1],
			argv[2]);
		return 1;
	}
	if (bpf_prog_test_run_opts(fd, &o)) {
		fprintf(stderr, "testrun: %s\n", strerror(errno));
		return 1;
	}
	printf("%u\n", o.duration);
	return 0;
}
