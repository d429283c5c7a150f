// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "conntrack.h"

static const char ruleset[] = "table ip bpfilter {\n"
			      "\tchain conntrack {\n"
			      "\t\tct state established\n"
			      "\t}\n"
			      "}\n";

static void run_nft(int netns, int input)
{
	int devnull = open("/dev/null", O_WRONLY);

	if (setns(netns, CLONE_NEWNET) || dup2(input, STDIN_FILENO) < 0)
		_exit(127);
	if (devnull >= 0)
		dup2(devnull, STDOUT_FILENO);
	execlp("nft", "nft", "-f", "-", (char *)NULL);
	_exit(127);
}

int bf_conntrack_enable(int sockfd)
{
	int netns = ioctl(sockfd, SIOCGSKNS), pipefd[2], status = 0;
	pid_t pid;

	if (netns < 0)
		return -errno;
	if (pipe2(pipefd, O_CLOEXEC)) {
		close(netns);
		return -errno;
	}
	pid = fork();
	if (pid == 0)
		run_nft(netns, pipefd[0]);
	close(pipefd[0]);
	close(netns);
	if (pid < 0) {
		close(pipefd[1]);
		return -errno;
	}
	if (write(pipefd[1], ruleset, strlen(ruleset)) < 0)
		status = -errno;
	close(pipefd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ENOPROTOOPT;
}
