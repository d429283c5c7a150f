#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run a command with some system calls failing with EPERM, as a seccomp
filter (systemd's SystemCallFilter=) or a security module would make them.

  deny_syscall.py NAME[,NAME...] CMD [ARG...]      (x86_64)
"""
import ctypes
import os
import struct
import sys

NR = {"process_vm_readv": 310, "process_vm_writev": 311}
AUDIT_ARCH_X86_64 = 0xC000003E
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL = 0x7FFF0000, 0x00050000, 0
EPERM = 1
# classic BPF: ld [k] (absolute word), jeq #k, ret #k
BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06
SECCOMP_DATA_NR, SECCOMP_DATA_ARCH = 0, 4


def insn(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k)


def main():
    names = sys.argv[1].split(",") if len(sys.argv) >= 3 else []
    if not names or any(n not in NR for n in names) or os.uname().machine != "x86_64":
        sys.exit("usage: deny_syscall.py {%s}[,...] CMD [ARG...] (x86_64)" % ",".join(NR))
    denied = [insn(BPF_JEQ_K, len(names) - i, 0, NR[n]) for i, n in enumerate(names)]
    prog = b"".join([
        insn(BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_ARCH),
        insn(BPF_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        insn(BPF_RET_K, 0, 0, SECCOMP_RET_KILL),
        insn(BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_NR),
    ] + denied + [
        insn(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        insn(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM),
    ])
    filt = ctypes.create_string_buffer(prog)
    fprog = struct.pack("HxxxxxxQ", len(prog) // 8, ctypes.addressof(filt))
    fprog_buf = ctypes.create_string_buffer(fprog)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) or \
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, fprog_buf, 0, 0):
        sys.exit("seccomp: %s" % os.strerror(ctypes.get_errno()))
    os.execvp(sys.argv[2], sys.argv[2:])


if __name__ == "__main__":
    main()
