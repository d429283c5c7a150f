// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile and broken clients against a running bpfilterd (started by
 * selftests/e2e/daemon.sh in a sandbox, socket in $BPFILTER_SOCKET): each gets
 * a clear error or is dropped, nothing changes, and the daemon keeps serving.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#include "kselftest_harness.h"

#include "../../sockopt/client.h"

static int connect_daemon(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(addr.sun_path, bf_client_socket_path());
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return -1;
	return fd;
}

/* Send raw bytes (with an optional fd), return the daemon's ret or 1 if none. */
static int raw_exchange(const void *buf, size_t len, int passfd)
{
	struct bf_resp_hdr resp;
	int fd = connect_daemon(), ret = 1;

	if (fd < 0)
		return 2;
	if (bf_io_send_with_fd(fd, buf, len, passfd) == 0 &&
	    bf_io_read_full(fd, &resp, sizeof(resp)) == 0)
		ret = resp.ret;
	close(fd);
	return ret;
}

/* The number of entries the filter table of our netns has. */
static int filter_entries(void)
{
	struct ipt_getinfo info = { .name = "filter" };
	struct bf_reply reply;
	int sock = socket(AF_INET, SOCK_DGRAM, 0);
	struct bf_call call = {
		.type = BF_REQ_GETSOCKOPT,
		.optname = IPT_SO_GET_INFO,
		.optlen = sizeof(info),
		.payload = &info,
		.payload_len = XT_TABLE_MAXNAMELEN,
		.nsfd = sock,
		.out_base = &info,
		.out_cap = sizeof(info),
	};
	int err = bf_client_call(&call, &reply);

	close(sock);
	return err || reply.ret ? -1 : (int)info.num_entries;
}

FIXTURE(daemon)
{
	int sock;
	int entries;
};

FIXTURE_SETUP(daemon)
{
	self->sock = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->sock);
	self->entries = filter_entries();
	ASSERT_LT(0, self->entries);
}

FIXTURE_TEARDOWN(daemon)
{
	/* whatever the client did, the daemon serves and the table is unchanged */
	EXPECT_EQ(self->entries, filter_entries());
	close(self->sock);
}

TEST_F(daemon, bad_magic_is_eproto)
{
	struct bf_req_hdr h;

	bf_wire_init_req(&h, BF_REQ_GETSOCKOPT, IPT_SO_GET_INFO, 84, 0);
	h.magic = 0xdeadbeef;
	EXPECT_EQ(-EPROTO, raw_exchange(&h, sizeof(h), self->sock));
}

TEST_F(daemon, unknown_type_is_einval)
{
	struct bf_req_hdr h;

	bf_wire_init_req(&h, 99, IPT_SO_GET_INFO, 84, 0);
	EXPECT_EQ(-EINVAL, raw_exchange(&h, sizeof(h), self->sock));
}

TEST_F(daemon, oversized_payload_refused_before_reading)
{
	struct bf_req_hdr h;

	bf_wire_init_req(&h, BF_REQ_SETSOCKOPT, IPT_SO_SET_REPLACE, 0xffffffff, 0xfffffff0);
	EXPECT_EQ(-EMSGSIZE, raw_exchange(&h, sizeof(h), self->sock));
}

TEST_F(daemon, request_without_socket_is_einval)
{
	struct bf_req_hdr h;

	bf_wire_init_req(&h, BF_REQ_GETSOCKOPT, IPT_SO_GET_INFO, 84, 0);
	EXPECT_EQ(-EINVAL, raw_exchange(&h, sizeof(h), -1));
}

TEST_F(daemon, passing_a_pipe_is_enotsock)
{
	struct bf_req_hdr h;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	bf_wire_init_req(&h, BF_REQ_GETSOCKOPT, IPT_SO_GET_INFO, 84, 0);
	EXPECT_EQ(-ENOTSOCK, raw_exchange(&h, sizeof(h), p[0]));
	close(p[0]);
	close(p[1]);
}

TEST_F(daemon, truncated_header_is_dropped)
{
	struct bf_req_hdr h;

	bf_wire_init_req(&h, BF_REQ_GETSOCKOPT, IPT_SO_GET_INFO, 84, 32);
	EXPECT_EQ(1, raw_exchange(&h, sizeof(h) / 2, self->sock));
}

TEST_F(daemon, client_dying_mid_replace_changes_nothing)
{
	struct {
		struct bf_req_hdr h;
		struct ipt_replace repl;
	} msg = { 0 };
	int fd = connect_daemon();

	ASSERT_LE(0, fd);
	strcpy(msg.repl.name, "filter");
	msg.repl.size = 4096;
	msg.repl.num_counters = self->entries;
	bf_wire_init_req(&msg.h, BF_REQ_SETSOCKOPT, IPT_SO_SET_REPLACE, sizeof(msg.repl) + 4096,
			 sizeof(msg.repl) + 4096);
	ASSERT_EQ(0, bf_io_send_with_fd(fd, &msg, sizeof(msg), self->sock));
	close(fd); /* 4096 promised bytes never come */
}

TEST_F(daemon, payload_shorter_than_blob_is_eproto)
{
	struct {
		struct bf_req_hdr h;
		struct ipt_replace repl;
	} msg = { 0 };

	strcpy(msg.repl.name, "filter");
	msg.repl.size = 4096;
	msg.repl.num_counters = 1;
	bf_wire_init_req(&msg.h, BF_REQ_SETSOCKOPT, IPT_SO_SET_REPLACE, sizeof(msg.repl) + 4096,
			 sizeof(msg.repl));
	EXPECT_EQ(-EPROTO, raw_exchange(&msg, sizeof(msg), self->sock));
}

TEST_F(daemon, garbage_blob_is_einval_as_kernel)
{
	struct {
		struct bf_req_hdr h;
		struct ipt_replace repl;
		unsigned char junk[512];
	} msg;

	memset(&msg, 0x5a, sizeof(msg));
	strcpy(msg.repl.name, "filter");
	msg.repl.size = sizeof(msg.junk);
	msg.repl.num_counters = self->entries;
	msg.repl.num_entries = 3;
	msg.repl.valid_hooks = 0xe;
	bf_wire_init_req(&msg.h, BF_REQ_SETSOCKOPT, IPT_SO_SET_REPLACE,
			 sizeof(msg.repl) + sizeof(msg.junk), sizeof(msg.repl) + sizeof(msg.junk));
	EXPECT_EQ(-EINVAL, raw_exchange(&msg, sizeof(msg), self->sock));
}

TEST_F(daemon, wrong_optlen_is_einval)
{
	struct {
		struct bf_req_hdr h;
		char name[XT_TABLE_MAXNAMELEN];
	} msg = { .name = "filter" };

	bf_wire_init_req(&msg.h, BF_REQ_GETSOCKOPT, IPT_SO_GET_INFO, 83, sizeof(msg.name));
	EXPECT_EQ(-EINVAL, raw_exchange(&msg, sizeof(msg), self->sock));
}

TEST_F(daemon, zero_counters_replace_is_einval)
{
	struct {
		struct bf_req_hdr h;
		struct ipt_replace repl;
	} msg = { 0 };

	strcpy(msg.repl.name, "filter");
	bf_wire_init_req(&msg.h, BF_REQ_SETSOCKOPT, IPT_SO_SET_REPLACE, sizeof(msg.repl),
			 sizeof(msg.repl));
	EXPECT_EQ(-EINVAL, raw_exchange(&msg, sizeof(msg), self->sock));
}

/* A request whose payload the daemon reads at addr in our memory. */
static int remote_exchange(int type, int optname, uint32_t len, const void *addr, int passfd,
			   struct bf_resp_hdr *resp)
{
	struct {
		struct bf_req_hdr h;
		struct bf_req_remote remote;
	} msg = { 0 };
	int fd = connect_daemon(), ret = 1;

	if (fd < 0)
		return 2;
	bf_wire_init_req(&msg.h, type, optname, len, len);
	msg.h.flags = BF_REQ_REMOTE;
	msg.remote.payload = (uintptr_t)addr;
	if (bf_io_send_with_fd(fd, &msg, sizeof(msg), passfd) == 0 &&
	    bf_io_read_full(fd, resp, sizeof(*resp)) == 0)
		ret = resp->ret;
	close(fd);
	return ret;
}

TEST_F(daemon, remote_payload_at_a_bad_address_is_efault)
{
	struct bf_resp_hdr resp;

	EXPECT_EQ(-EFAULT, remote_exchange(BF_REQ_SETSOCKOPT, IPT_SO_SET_REPLACE, 4096, (void *)16,
					   self->sock, &resp));
}

TEST_F(daemon, remote_payload_past_the_mapping_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	struct ipt_replace *repl;
	struct bf_resp_hdr resp;
	char *map;

	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + page, page));
	/* a header that would be valid, its entries past the end of the page */
	repl = (struct ipt_replace *)(map + page - sizeof(*repl));
	memset(repl, 0, sizeof(*repl));
	strcpy(repl->name, "filter");
	repl->size = 4096;
	repl->num_counters = self->entries;
	EXPECT_EQ(-EFAULT, remote_exchange(BF_REQ_SETSOCKOPT, IPT_SO_SET_REPLACE,
					   sizeof(*repl) + 4096, repl, self->sock, &resp));
	munmap(map, page);
}

TEST_F(daemon, remote_payload_is_read_without_being_sent)
{
	size_t len = sizeof(struct xt_counters_info) + self->entries * sizeof(struct xt_counters);
	struct xt_counters_info *info = calloc(1, len);
	struct bf_resp_hdr resp;

	ASSERT_NE(NULL, info);
	strcpy(info->name, "filter");
	info->num_counters = self->entries;
	/* zero counters added: the answer comes without asking for the bytes */
	EXPECT_EQ(0, remote_exchange(BF_REQ_SETSOCKOPT, IPT_SO_SET_ADD_COUNTERS, len, info,
				     self->sock, &resp));
	/* (a table only read and counted is not in force yet: PENDING) */
	EXPECT_EQ(0, resp.flags & ~BF_RESP_PENDING);
	free(info);
}

TEST_HARNESS_MAIN
