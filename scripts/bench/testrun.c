// SPDX-License-Identifier: GPL-2.0
/*
 * testrun PROG_NAME REPEAT: run the newest BPF program of that name on a UDP
 * packet from 10.98.0.2 to 10.98.0.1:9 with BPF_PROG_TEST_RUN, REPEAT times,
 * and print the kernel's mean time per run in nanoseconds. A benchmark tool
 * (scripts/bench.sh), not a test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <netinet/ip.h>
#include <netinet/udp.h>

/* The fd of the newest program called name, or -1. */
static int newest_prog(const char *name)
{
	__u32 id = 0;
	int found = -1;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_prog_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, name)) {
			if (found >= 0)
				close(found);
			found = fd;
			continue;
		}
		close(fd);
	}
	return found;
}

int main(int argc, char **argv)
{
	unsigned char pkt[sizeof(struct iphdr) + sizeof(struct udphdr) + 18] = { 0 };
	struct iphdr *ip = (void *)pkt;
	struct udphdr *udp = (void *)(ip + 1);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: testrun PROG_NAME REPEAT\n");
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
	o.repeat = (int)strtol(argv[2], NULL, 10);
	fd = newest_prog(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "testrun: no program named %s\n", argv[1]);
		return 1;
	}
	if (bpf_prog_test_run_opts(fd, &o)) {
		fprintf(stderr, "testrun: %s\n", strerror(errno));
		return 1;
	}
	printf("%u\n", o.duration);
	return 0;
}
