#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run a command as root of a new user namespace, with its own mount and
network namespaces and a BPF filesystem on /sys/fs/bpf that delegates every
bpf() command, map, program and attach type to that user namespace, so that
a BPF token can be created from it.

  userns_bpffs.py CMD [ARG...]      (run as root of the initial namespace)

Delegation options need CAP_SYS_ADMIN in the initial user namespace while
the file system must belong to the new one: the child opens the file system
(fsopen), this process configures and creates it, the child mounts it.
"""
import ctypes
import os
import socket
import sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_move_mount, SYS_fsopen, SYS_fsconfig, SYS_fsmount = 429, 430, 431, 432
FSCONFIG_SET_STRING, FSCONFIG_CMD_CREATE = 1, 6
MOVE_MOUNT_F_EMPTY_PATH = 0x4
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x20000, 0x10000000, 0x40000000
MS_REC, MS_PRIVATE = 0x4000, 0x40000
AT_FDCWD = -100


def check(ret, what):
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))
    return ret


def child(sock, argv):
    check(libc.unshare(CLONE_NEWUSER), "unshare(user)")
    sock.send(b"u")
    assert sock.recv(1) == b"m"
    check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET), "unshare(mnt, net)")
    check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount private")
    check(libc.mount(b"tmpfs", b"/run", b"tmpfs", 0, None), "mount /run")
    fs_fd = check(libc.syscall(SYS_fsopen, b"bpf", 0), "fsopen")
    socket.send_fds(sock, [b"f"], [fs_fd])
    _, fds, _, _ = socket.recv_fds(sock, 1, 1)
    check(libc.syscall(SYS_move_mount, fds[0], b"", AT_FDCWD, b"/sys/fs/bpf",
                       MOVE_MOUNT_F_EMPTY_PATH), "move_mount")
    os.close(fds[0])
    os.close(fs_fd)
    os.execvp(argv[0], argv)


def parent(sock, pid):
    assert sock.recv(1) == b"u"
    for name in ("uid_map", "gid_map"):
        with open("/proc/%d/%s" % (pid, name), "w") as f:
            f.write("0 0 1\n")
    sock.send(b"m")
    _, fds, _, _ = socket.recv_fds(sock, 1, 1)
    fs_fd = fds[0]
    for key in (b"delegate_cmds", b"delegate_maps", b"delegate_progs", b"delegate_attachs"):
        check(libc.syscall(SYS_fsconfig, fs_fd, FSCONFIG_SET_STRING, key, b"any", 0), key)
    check(libc.syscall(SYS_fsconfig, fs_fd, FSCONFIG_CMD_CREATE, None, None, 0), "create")
    mnt_fd = check(libc.syscall(SYS_fsmount, fs_fd, 0, 0), "fsmount")
    socket.send_fds(sock, [b"m"], [mnt_fd])


def main():
    a, b = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        a.close()
        try:
            child(b, sys.argv[1:])
        except Exception as e:  # report, never fall back to the parent's namespaces
            print("userns_bpffs: %s" % e, file=sys.stderr)
        os._exit(127)
    b.close()
    try:
        parent(a, pid)
    except Exception as e:
        print("userns_bpffs: %s" % e, file=sys.stderr)
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
