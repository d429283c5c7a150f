#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Mutants of an IPT_SO_SET_REPLACE request, for the raw blob test.

  mutate_blob.py REQUEST OUTDIR COUNT SEED

REQUEST is what `ipt_replace save` writes: struct ipt_replace (96 bytes),
then the entries. Writes OUTDIR/0 .. OUTDIR/COUNT-1, each the request with
one to three mutations of the fields the kernel checks (offsets, sizes,
hooks, names, revisions, verdicts, match data) to values near the edges,
one in ten then cut or grown, and OUTDIR/N.txt saying which. The same
SEED gives the same mutants.
"""
import os
import random
import struct
import sys

REPL = 96  # sizeof(struct ipt_replace)
ENTRY = 112  # sizeof(struct ipt_entry)
IP_FLAGS, IP_INV, IP_PROTO = 82, 83, 80  # in struct ipt_ip
TARGET_OFFSET, NEXT_OFFSET = 88, 90
EXT_HEAD = 32  # u16 size, char name[29], u8 revision
# Standard verdicts but QUEUE (-4), which the kernel takes and BPF cannot give.
VERDICTS = [-1, -2, -3, -5, -6, 0x7fffffff, -0x80000000]


def parse(blob):
    """Each entry's offset, target offset, and its matches' offsets and sizes."""
    entries, off = [], 0
    while off + ENTRY <= len(blob):
        toff, noff = struct.unpack_from("<HH", blob, off + TARGET_OFFSET)
        matches, m = [], off + ENTRY
        while m + 2 <= off + toff and m + 2 <= len(blob):
            size = struct.unpack_from("<H", blob, m)[0]
            matches.append((m, size))
            if size == 0:
                break
            m += size
        entries.append((off, off + toff, matches))
        if noff == 0:
            break
        off += noff
    return entries


def edge_values(r, entries, size):
    """Offsets and sizes near where the kernel draws its lines."""
    offs = [e[0] for e in entries]
    near = [r.choice(offs) + d for d in (-8, -4, 4, 8)]
    return [0, 1, 2, 4, 8, 112, 152, size, size - 40, size + 8, 0xffff, 0xffffffff,
            r.choice(offs)] + near


def put(b, off, fmt, value):
    if 0 <= off and off + struct.calcsize(fmt) <= len(b):
        mask = (1 << (8 * struct.calcsize(fmt))) - 1
        struct.pack_into("<" + fmt.upper(), b, off, value & mask)


def mutate(r, req, entries):
    """One mutation of bytearray req in place; returns what it did."""
    size = len(req) - REPL
    e_off, t_off, matches = r.choice(entries)
    e, t = REPL + e_off, REPL + t_off
    kind = r.randrange(11)
    if kind == 0:
        field = r.choice(["hook_entry", "underflow"])
        hook = r.randrange(5)
        v = r.choice(edge_values(r, entries, size))
        put(req, (44 if field == "hook_entry" else 64) + 4 * hook, "i", v)
        return "%s[%d] = %#x" % (field, hook, v & 0xffffffff)
    if kind == 1:
        field, off = r.choice([("valid_hooks", 32), ("num_entries", 36), ("size", 40)])
        v = struct.unpack_from("<I", req, off)[0] + r.choice([-1, 1, 8, -8, 1 << 31])
        put(req, off, "i", v)
        return "%s = %#x" % (field, v & 0xffffffff)
    if kind == 2:
        field, off = r.choice([("target_offset", TARGET_OFFSET), ("next_offset", NEXT_OFFSET)])
        v = r.choice(edge_values(r, entries, size))
        put(req, e + off, "h", v)
        return "entry %#x %s = %#x" % (e_off, field, v & 0xffff)
    if kind == 3:
        field, off = r.choice([("proto", IP_PROTO), ("flags", IP_FLAGS), ("invflags", IP_INV)])
        v = r.choice([0, 1, 2, 4, 6, 17, 0x7f, 0x80, 0xff, r.randrange(256)])
        put(req, e + off, "b", v)
        return "entry %#x ip.%s = %#x" % (e_off, field, v)
    if kind == 4:  # an interface name or mask byte
        off = r.randrange(16, 80)
        v = r.choice([0, ord("+"), 0xff, r.randrange(256)])
        put(req, e + off, "b", v)
        return "entry %#x ip byte %d = %#x" % (e_off, off, v)
    if kind in (5, 6, 7) and matches:
        m, msize = r.choice(matches)
        m += REPL
        if kind == 5:
            v = r.choice([0, 8, msize - 8, msize + 8, EXT_HEAD, 0xffff])
            put(req, m, "h", v)
            return "match at %#x size = %#x" % (m - REPL, v & 0xffff)
        if kind == 6:
            if r.random() < 0.5:
                v = r.randrange(4)
                put(req, m + 31, "b", v)
                return "match at %#x revision = %d" % (m - REPL, v)
            pos = r.randrange(2, 8)
            v = r.choice([0, ord("x"), req[m + pos] ^ 1])
            put(req, m + pos, "b", v)
            return "match at %#x name byte %d = %#x" % (m - REPL, pos, v)
        if msize > EXT_HEAD:
            off = EXT_HEAD + 4 * r.randrange((msize - EXT_HEAD) // 4)
            v = r.choice([0, 1, 0xff, 0xffff, 0xffffffff, 0x80000000, r.randrange(1 << 32)])
            put(req, m + off, "i", v)
            return "match at %#x data word %d = %#x" % (m - REPL, off, v)
    if kind == 8:
        v = r.choice(edge_values(r, entries, size) + VERDICTS)
        put(req, t + EXT_HEAD, "i", v)
        return "entry %#x verdict = %d" % (e_off, v if v < 0x80000000 else v - (1 << 32))
    if kind == 9:
        what = r.randrange(3)
        if what == 0:
            v = r.choice([0, 8, 40, 64, 0xffff])
            put(req, t, "h", v)
            return "entry %#x target size = %#x" % (e_off, v)
        if what == 1:
            v = r.randrange(4)
            put(req, t + 31, "b", v)
            return "entry %#x target revision = %d" % (e_off, v)
        pos = r.randrange(2, 8)
        v = r.choice([0, ord("X"), req[min(t + pos, len(req) - 1)] ^ 1])
        put(req, t + pos, "b", v)
        return "entry %#x target name byte %d = %#x" % (e_off, pos, v)
    off = REPL + r.randrange(size)  # a byte anywhere
    v = r.randrange(256)
    put(req, off, "b", v)
    return "byte %#x = %#x" % (off - REPL, v)


def resize(r, req, entries):
    """Cut or grow req (last: the other mutations see it whole)."""
    cut = r.choice([r.randrange(REPL, len(req)), REPL + r.choice(entries)[0]])
    grown = r.random() < 0.3
    if grown:
        req.extend(bytes(r.choice([4, 8, 40, 152])))
    else:
        del req[cut:]
    told = r.random() < 0.5
    if told:
        put(req, 40, "i", len(req) - REPL)
    return "%s to %d bytes, size %s" % ("grown" if grown else "cut", len(req) - REPL,
                                         "told" if told else "not told")


def main():
    path, outdir, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    base = open(path, "rb").read()
    entries = parse(base[REPL:])
    r = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    for n in range(count):
        req = bytearray(base)
        what = [mutate(r, req, entries) for _ in range(r.choice([1, 1, 2, 3]))]
        if r.random() < 0.1:
            what.append(resize(r, req, entries))
        with open(os.path.join(outdir, str(n)), "wb") as f:
            f.write(req)
        with open(os.path.join(outdir, "%d.txt" % n), "w") as f:
            f.write("; ".join(what) + "\n")


if __name__ == "__main__":
    main()
