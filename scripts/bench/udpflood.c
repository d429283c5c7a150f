// SPDX-License-Identifier: GPL-2.0
/*
 * udpflood DST_IP PORT SECONDS: send small UDP datagrams as fast as one CPU
 * can for SECONDS, in batches (sendmmsg), and print how many were sent.
 * A benchmark tool (scripts/bench.sh), not a test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	static struct mmsghdr msgs[BATCH];
	static struct iovec iov[BATCH];
	char payload[18] = "bpfilter-bench";
	unsigned long long sent = 0;
	double end;
	int fd, i;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: udpflood DST_IP PORT SECONDS\n");
		return 2;
	}
	dst.sin_port = htons((uint16_t)atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		perror("udpflood: socket");
		return 1;
	}
	for (i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = payload, .iov_len = sizeof(payload) };
		msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	end = now() + atof(argv[3]);
	while (now() < end) {
		int n = sendmmsg(fd, msgs, BATCH, 0);

		if (n < 0 && errno != ENOBUFS && errno != ECONNREFUSED && errno != EPERM) {
			perror("udpflood: sendmmsg");
			return 1;
		}
		if (n > 0)
			sent += (unsigned long long)n;
	}
	printf("%llu\n", sent);
	return 0;
}
