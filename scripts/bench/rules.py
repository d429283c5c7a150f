#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmark's rulesets, for iptables-restore.

  rules.py blocklist N    N-1 /32 sources the flood does not come from
  rules.py mixed N        N-1 5-tuple rules the flood does not match

Both end with the rule that drops the flood (10.98.0.2 -> 10.98.0.1, UDP,
destination port 9). The mixed rules draw source prefixes (/16, /24, /32),
destination prefixes (/24, /32), TCP or UDP, source port ranges and single
or ranged destination ports; a fifth of them hold the flood's addresses but
not its protocol or ports, so that it cannot skip them by address alone.
The same N always gives the same rules.
"""
import random
import sys


def blocklist(n):
    for i in range(n - 1):
        yield "-A INPUT -s 198.18.%d.%d/32 -j DROP" % (i // 250 % 256, i % 250 + 1)
    yield "-A INPUT -s 10.98.0.2/32 -j DROP"


def mixed_rule(r):
    kind = r.random()
    if kind < 0.1:
        # the flood's addresses, another UDP port
        return "-s 10.98.0.0/16 -d 10.98.0.1/32 -p udp -m udp --dport %d" % r.randint(10, 65535)
    if kind < 0.2:
        # the flood's source, TCP
        return "-s 10.98.0.2/32 -p tcp -m tcp --dport %d" % r.randint(1, 65535)
    length = r.choice([16, 24, 32, 32])
    src = "198.%d.%d.%d/%d" % (r.randint(18, 19), r.randint(0, 255), r.randint(0, 255), length)
    if r.random() < 0.5:
        dst = "203.0.%d.%d/32" % (r.randint(0, 255), r.randint(1, 254))
    else:
        dst = "10.%d.%d.0/24" % (r.randint(0, 255), r.randint(0, 255))
    proto = r.choice(["tcp", "udp"])
    ports = []
    if r.random() < 0.3:
        ports.append("--sport 1024:65535")
    low = r.randint(1, 65000)
    ports.append("--dport %d" % low if r.random() < 0.7 else "--dport %d:%d" % (low, low + 100))
    return "-s %s -d %s -p %s -m %s %s" % (src, dst, proto, proto, " ".join(ports))


def mixed(n):
    r = random.Random(n)
    for _ in range(n - 1):
        yield "-A INPUT %s -j %s" % (mixed_rule(r), r.choice(["DROP", "ACCEPT"]))
    yield "-A INPUT -s 10.98.0.2/32 -d 10.98.0.1/32 -p udp -m udp --dport 9 -j DROP"


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("blocklist", "mixed"):
        sys.exit(__doc__)
    out = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"]
    out += (blocklist if sys.argv[1] == "blocklist" else mixed)(int(sys.argv[2]))
    out.append("COMMIT")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
