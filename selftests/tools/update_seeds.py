#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeds for selftests/fuzz/fuzz_update.c, written into DIR.

usage: update_seeds.py DIR [COUNT]

Each seed is a table byte (which field the runs are on, whether they are in
a user chain, their prefix lengths), its rules' count and target, its rules
two bytes each, then steps of a few edits, mostly the ones a data update
serves, some with a restart of the daemon, killed in a data update or not
(the encoding is the target's: decode_table(), decode_step() and
decode_edit_op()). The same COUNT (60 by default) always gives the same
seeds.
"""
import os
import random
import sys

# a step's edits are counted modulo MAX_EDITS + 1 (update_model.h)
EDITS_MOD = 9


def seed(r):
    head = r.randrange(256)
    # a quarter of them fail2ban's REJECT chains
    out = bytes([head, r.randrange(128) | (0x80 if r.random() < 0.25 else 0)])
    rules = 32 + out[1] % 32
    if head & 0x40:  # a second run, on the other field
        out += bytes([r.randrange(256)])
        rules += 32 + out[2] % 16
    out += bytes(r.randrange(256) for _ in range(2 * rules))
    for _ in range(r.randint(1, 6)):
        edits = r.choice([0, 1, 1, 1, 2, 3])
        # a restart after the step, or killed in its data update, now and then
        restart = r.choice([0, 0, 0, 1, 2, 2, 3])
        # a kill, now and then after a few of the update's writes only
        partway = r.choice([0, 0, 1, 2, 3, 4]) if restart >= 2 else 0
        out += bytes([edits + EDITS_MOD * partway | restart << 6])
        for _ in range(edits):
            # insert, delete, replace or flip; kinds 0-4 stay in their run
            op = r.randrange(4) | r.randrange(5) << 2
            out += bytes([op, r.randrange(256)])
            if op & 3 in (0, 2):
                out += bytes([r.randrange(256), r.randrange(256)])
    return out


def main():
    out_dir = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    os.makedirs(out_dir, exist_ok=True)
    for n in range(1, count + 1):
        with open(os.path.join(out_dir, "update-%02d" % n), "wb") as f:
            f.write(seed(random.Random(n)))


if __name__ == "__main__":
    main()
