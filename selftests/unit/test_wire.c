// SPDX-License-Identifier: GPL-2.0
/*
 * The wire codec: every header field is checked, I/O is exact, and a socket
 * passed along a request arrives.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "../../sockopt/wire.h"

static struct bf_req_hdr valid_req(void)
{
	struct bf_req_hdr h;

	bf_wire_init_req(&h, BF_REQ_GETSOCKOPT, 64, 84, 32);
	return h;
}

static struct bf_resp_hdr valid_resp(void)
{
	struct bf_resp_hdr h;

	bf_wire_init_resp(&h, 0);
	return h;
}

TEST(request_header_valid)
{
	struct bf_req_hdr h = valid_req();

	EXPECT_EQ(0, bf_wire_check_req(&h));
	EXPECT_EQ(24, sizeof(h));
}

TEST(request_header_not_ours_is_eproto)
{
	struct bf_req_hdr h = valid_req();

	h.magic = 0x12345678;
	EXPECT_EQ(-EPROTO, bf_wire_check_req(&h));
	h = valid_req();
	h.version = BF_WIRE_VERSION + 1;
	EXPECT_EQ(-EPROTO, bf_wire_check_req(&h));
}

TEST(request_header_bad_fields_are_einval)
{
	struct bf_req_hdr h = valid_req();

	h.type = 0;
	EXPECT_EQ(-EINVAL, bf_wire_check_req(&h));
	h.type = __BF_REQ_MAX;
	EXPECT_EQ(-EINVAL, bf_wire_check_req(&h));
	h = valid_req();
	h.flags = 0x2;
	EXPECT_EQ(-EINVAL, bf_wire_check_req(&h));
	h.flags = BF_REQ_REMOTE;
	EXPECT_EQ(0, bf_wire_check_req(&h));
	h.type = BF_REQ_SETTLE;
	EXPECT_EQ(0, bf_wire_check_req(&h));
}

TEST(request_payload_over_limit_is_emsgsize)
{
	struct bf_req_hdr h = valid_req();

	h.payload_len = BF_WIRE_MAX_PAYLOAD;
	EXPECT_EQ(0, bf_wire_check_req(&h));
	h.payload_len = BF_WIRE_MAX_PAYLOAD + 1;
	EXPECT_EQ(-EMSGSIZE, bf_wire_check_req(&h));
}

TEST(response_header_checks)
{
	struct bf_resp_hdr h = valid_resp();

	EXPECT_EQ(0, bf_wire_check_resp(&h));
	h.ret = 1;
	EXPECT_EQ(-EINVAL, bf_wire_check_resp(&h));
	h = valid_resp();
	h.ret = -5000;
	EXPECT_EQ(-EINVAL, bf_wire_check_resp(&h));
	h = valid_resp();
	h.flags = 0x80;
	EXPECT_EQ(-EINVAL, bf_wire_check_resp(&h));
	h.flags = BF_RESP_PENDING | BF_RESP_OUT_WRITTEN;
	EXPECT_EQ(0, bf_wire_check_resp(&h));
	h = valid_resp();
	h.msg_len = BF_WIRE_MAX_MSG + 1;
	EXPECT_EQ(-EMSGSIZE, bf_wire_check_resp(&h));
	h = valid_resp();
	h.out_offset = BF_WIRE_MAX_PAYLOAD;
	h.out_len = 1;
	EXPECT_EQ(-EMSGSIZE, bf_wire_check_resp(&h));
	h = valid_resp();
	h.magic = 0;
	EXPECT_EQ(-EPROTO, bf_wire_check_resp(&h));
}

TEST(response_asking_for_the_payload_carries_nothing_else)
{
	struct bf_resp_hdr h = valid_resp();

	h.flags = BF_RESP_SEND_PAYLOAD;
	EXPECT_EQ(0, bf_wire_check_resp(&h));
	h.flags |= BF_RESP_PASSTHROUGH;
	EXPECT_EQ(-EINVAL, bf_wire_check_resp(&h));
	h.flags = BF_RESP_SEND_PAYLOAD;
	h.ret = -EPERM;
	EXPECT_EQ(-EINVAL, bf_wire_check_resp(&h));
	h.ret = 0;
	h.out_len = 4;
	EXPECT_EQ(-EINVAL, bf_wire_check_resp(&h));
	h.out_len = 0;
	h.msg_len = 4;
	EXPECT_EQ(-EINVAL, bf_wire_check_resp(&h));
}

TEST(io_roundtrip_passes_socket)
{
	struct bf_req_hdr sent = valid_req(), got;
	struct stat a, b;
	int sv[2], passed = -1, sock;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, sock);
	ASSERT_EQ(0, bf_io_send_with_fd(sv[0], &sent, sizeof(sent), sock));
	ASSERT_EQ(0, bf_io_recv_with_fd(sv[1], &got, sizeof(got), &passed));
	EXPECT_EQ(0, memcmp(&sent, &got, sizeof(sent)));
	ASSERT_LE(0, passed);
	ASSERT_EQ(0, fstat(sock, &a));
	ASSERT_EQ(0, fstat(passed, &b));
	EXPECT_EQ(a.st_ino, b.st_ino);
	close(passed);
	close(sock);
	close(sv[0]);
	close(sv[1]);
}

TEST(io_short_read_is_epipe)
{
	char buf[16];
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, bf_io_write_full(sv[0], "abc", 3));
	close(sv[0]);
	EXPECT_EQ(-EPIPE, bf_io_read_full(sv[1], buf, sizeof(buf)));
	close(sv[1]);
}

TEST(io_write_to_closed_peer_fails_without_sigpipe)
{
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	close(sv[1]);
	EXPECT_EQ(-EPIPE, bf_io_write_full(sv[0], "abc", 3));
	close(sv[0]);
}

TEST(io_bad_buffer_is_efault)
{
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	EXPECT_EQ(-EFAULT, bf_io_write_full(sv[0], (void *)8, 16));
	close(sv[0]);
	close(sv[1]);
}

TEST_HARNESS_MAIN
