#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Random rulesets and random packets for the kernel-vs-bpfilter test.

  randomfw.py rules SEED [big]     print an iptables-restore ruleset
  randomfw.py send SEED N [big]    send N crafted IPv4 packets (run as root)
  randomfw.py edits SEED big       print iptables commands (one per line, without
                                   "iptables") that change the rules' address
                                   runs as fail2ban changes its chain:
                                   repeated prefixes deleted, then bans
                                   inserted and lifted

"big" adds long runs of address rules (blocklist-like, of one prefix
length or overlapping and shadowing prefixes, mixed verdicts) that bpfilter
classifies with one lookup, long runs of 5-tuple rules (prefixes, protocol, port ranges and
single ports) that it classifies by tuple space search, packets from and to
their addresses, and some TCP and UDP packets too short for their header.

The same SEED always gives the same rules and the same packets. Packets go
to 127.0.0.0/8, so each crosses OUTPUT and, unless fragmented or dropped,
INPUT (via lo). Rules use user chains (jump, goto, RETURN), inversions and
the matches bpfilter translates; all of it draws from small pools of
addresses and ports, so that rules and packets meet often.
"""
import random
import socket
import struct
import sys

SRC_POOL = ["127.0.0.1", "127.1.2.3", "127.1.2.200", "127.9.0.1", "10.0.0.1", "10.0.5.9",
            "192.0.2.7", "198.51.100.1"]
DST_POOL = ["127.0.0.1", "127.1.2.3", "127.5.5.5", "127.200.0.9"]
TOS_POOL = [0, 0x10, 0x28, 0xb8, 0x12]
PORTS = [0, 1, 22, 53, 80, 443, 1024, 8080, 40000, 65535]
TCP_FLAGS = ["SYN", "ACK", "FIN", "RST", "PSH", "URG"]
FLAG_BITS = {"FIN": 1, "SYN": 2, "RST": 4, "PSH": 8, "ACK": 16, "URG": 32}


def neg(r, p=0.25):
    return "! " if r.random() < p else ""


def addr_spec(r, pool):
    a = r.choice(pool)
    return "%s/%d" % (a, r.choice([8, 16, 24, 32, 32]))


def port_spec(r):
    a, b = sorted([r.choice(PORTS), r.choice(PORTS)])
    return str(a) if r.random() < 0.6 or a == b else "%d:%d" % (a, b)


def l4_matches(r, proto):
    m = []
    if proto in ("tcp", "udp"):
        if r.random() < 0.5:
            m.append("%s--sport %s" % (neg(r), port_spec(r)))
        if r.random() < 0.6:
            m.append("%s--dport %s" % (neg(r), port_spec(r)))
        if r.random() < 0.3:
            ports, n = [], r.randint(1, 4)
            for _ in range(n):
                ports.append(port_spec(r))
            kind = r.choice(["--sports", "--dports", "--ports"])
            m.append("-m multiport %s%s %s" % (neg(r), kind, ",".join(ports)))
    if proto == "tcp":
        if r.random() < 0.3:
            mask = r.sample(TCP_FLAGS, r.randint(1, 4))
            comp = [f for f in mask if r.random() < 0.5] or ["NONE"]
            m.append("%s--tcp-flags %s %s" % (neg(r), ",".join(mask), ",".join(comp)))
        elif r.random() < 0.15:
            m.append("%s--syn" % neg(r))
        if r.random() < 0.15:
            m.append("%s--tcp-option %d" % (neg(r), r.choice([2, 3, 4, 8, 30])))
    if proto == "icmp" and r.random() < 0.6:
        t = r.choice(["any", "echo-request", "echo-reply", "3", "3/3", "8/0", "11"])
        m.append("%s--icmp-type %s" % (neg(r), t))
    return m


def header_matches(r):
    m = []
    if r.random() < 0.08:
        m.append("-m ttl --ttl-%s %d" % (r.choice(["eq", "lt", "gt"]), r.choice([1, 2, 64, 200])))
    if r.random() < 0.08:
        m.append("-m dscp %s--dscp %d" % (neg(r), r.choice(TOS_POOL) >> 2))
    if r.random() < 0.08:
        m.append("-m tos %s--tos 0x%02x/0x%02x" % (neg(r), r.choice(TOS_POOL) & 0x1c, 0x1c))
    return m


def addrtype_match(r, chain):
    types = ",".join(r.sample(["LOCAL", "UNICAST", "BROADCAST", "MULTICAST"], r.randint(1, 2)))
    m = "-m addrtype %s--%s-type %s" % (neg(r), r.choice(["src", "dst"]), types)
    if r.random() < 0.3 and chain in ("INPUT", "OUTPUT"):
        m += " --limit-iface-in" if chain == "INPUT" else " --limit-iface-out"
    return m


def rule(r, chain, jumps):
    m = []
    if r.random() < 0.4:
        m.append("%s-s %s" % (neg(r), addr_spec(r, SRC_POOL)))
    if r.random() < 0.4:
        m.append("%s-d %s" % (neg(r), addr_spec(r, DST_POOL)))
    if r.random() < 0.2:
        opt = "-i" if chain != "OUTPUT" else "-o"
        m.append("%s%s %s" % (neg(r), opt, r.choice(["lo", "l+", "eth0", "+"])))
    proto = r.choice([None, None, "tcp", "udp", "icmp", "47"])
    if proto:
        m.append("%s-p %s" % (neg(r, 0.15) if proto == "47" else "", proto))
        m += l4_matches(r, proto)
    if r.random() < 0.1:
        m.append("%s-f" % neg(r, 0.5))
    if r.random() < 0.1:
        a = r.choice(SRC_POOL)
        m.append("-m iprange %s--src-range %s-%s" % (neg(r), a, a[:-1] + "9"))
    if r.random() < 0.1:
        a, b = sorted([r.randint(20, 200), r.randint(20, 200)])
        m.append("-m length %s--length %d:%d" % (neg(r), a, b))
    if r.random() < 0.08:
        m.append("-m pkttype %s--pkt-type %s" % (neg(r), r.choice(["unicast", "broadcast",
                                                                   "multicast"])))
    if r.random() < 0.05:
        m.append('-m comment --comment "c%d"' % r.randint(0, 99))
    m += header_matches(r)
    if r.random() < 0.1:
        m.append(addrtype_match(r, chain))
    if chain == "OUTPUT" and r.random() < 0.1:
        m.append(r.choice(["-m owner --uid-owner 0", "-m owner ! --uid-owner 1-5",
                           "-m owner %s--socket-exists" % neg(r, 0.5),
                           "-m owner --gid-owner 0 --suppl-groups"]))
    t = r.random()
    if t < 0.15:
        target = ""
    elif t < 0.35 and jumps:
        target = "%s %s" % (r.choice(["-j", "-j", "-g"]), r.choice(jumps))
    elif t < 0.5:
        target = "-j RETURN"
    else:
        target = r.choice(["-j ACCEPT", "-j DROP"])
    return " ".join(["-A", chain] + m + ([target] if target else []))


# 16 addresses in each of 16 /24s, 17 apart: a /26 or /28 holds few of them
RUN_SRC_POOL = ["10.7.%d.%d" % (i // 16, (i % 16) * 17) for i in range(256)]
RUN_DST_POOL = ["127.7.%d.%d" % (i // 16, (i % 16) * 17) for i in range(256)]


def address_run(r, chain, runs=None):
    """32 to 300 rules that differ only in one address, as a blocklist."""
    field, pool = r.choice([("-s", RUN_SRC_POOL), ("-d", RUN_DST_POOL)])
    common = r.choice(["", "-p tcp", "-p udp", "! -p icmp"])
    if chain != "OUTPUT" and r.random() < 0.3:
        common += " -i lo"
    # half the runs hold one prefix length (hashed), the others several (a trie)
    lengths = [r.choice([32, 28, 24])] if r.random() < 0.5 else [32, 32, 32, 32, 30, 28, 26, 24]
    comments = r.random() < 0.3
    out = []
    for i in range(r.randint(32, 300)):
        a = r.choice(pool)
        length = r.choice(lengths)
        verdict = r.choice(["DROP", "DROP", "ACCEPT"])
        out.append("-A %s %s %s %s/%d%s -j %s" % (chain, common, field, a, length,
                                                comment(comments, i), verdict))
    if runs is not None:
        runs.append({"chain": chain, "rules": out, "common": common, "field": field,
                     "pool": pool, "lengths": lengths})
    return out


def comment(wanted, i):
    """A comment on each rule of some runs, as generated rulesets carry."""
    return ' -m comment --comment "rule %d"' % i if wanted else ""


def tuple_prefix(r, opt, pools):
    """An address option on a prefix that often holds packets, or none."""
    length = r.choice([0, 0, 8, 16, 24, 26, 28, 32, 32, 32])
    if not length:
        return ""
    return "%s %s/%d" % (opt, r.choice(r.choice(pools)), length)


def tuple_run(r, chain):
    """32 to 400 rules on addresses, protocol and ports, as a generated ruleset."""
    common = ""
    if chain != "OUTPUT" and r.random() < 0.3:
        common = " -i lo"
    comments = r.random() < 0.3
    out = []
    for i in range(r.randint(32, 400)):
        m = [tuple_prefix(r, "-s", [RUN_SRC_POOL, SRC_POOL]),
             tuple_prefix(r, "-d", [RUN_DST_POOL, DST_POOL])]
        proto = r.choice(["", "tcp", "tcp", "udp", "udp", "icmp"])
        if proto:
            m.append("-p " + proto)
        if proto in ("tcp", "udp"):
            ports = []
            if r.random() < 0.3:
                ports.append("--sport " + port_spec(r))
            if r.random() < 0.8:
                ports.append("--dport " + port_spec(r))
            if ports:
                m.append("-m %s %s" % (proto, " ".join(ports)))
        verdict = r.choice(["DROP", "DROP", "ACCEPT"])
        out.append("-A %s%s %s%s -j %s" % (chain, common, " ".join(x for x in m if x),
                                           comment(comments, i), verdict))
    return out


def rules(seed, big=False, runs=None):
    """The ruleset; runs, if a list, receives its address runs."""
    r = random.Random(seed)
    users = ["U%d" % i for i in range(r.randint(0, 4))]
    out = ["*filter"]
    for c in ("INPUT", "FORWARD", "OUTPUT"):
        out.append(":%s %s [0:0]" % (c, r.choice(["ACCEPT", "ACCEPT", "DROP"])))
    out += [":%s - [0:0]" % u for u in users]
    chains = ["INPUT", "OUTPUT"] + users
    for c in chains:
        # acyclic: a user chain only jumps to later ones
        later = users if c in ("INPUT", "OUTPUT") else users[users.index(c) + 1:]
        chain_rules = [rule(r, c, later) for _ in range(r.randint(1, 10))]
        if big and r.random() < 0.7:
            # early in the chain, so that packets reach it
            at = r.choice([0, 0, r.randint(0, len(chain_rules))])
            kind = r.choice([address_run, tuple_run])
            seen = len(runs) if runs is not None else 0
            chain_rules[at:at] = kind(r, c, runs) if kind is address_run else kind(r, c)
            if runs is not None and len(runs) > seen:
                runs[-1]["start"] = at + 1  # its first rule's number in the chain
        out += chain_rules
    out.append("COMMIT")
    return "\n".join(out) + "\n"


def prefix_key(addr, length):
    """A prefix as the kernel keeps it: the address without its host bits."""
    a = struct.unpack("!I", socket.inet_aton(addr))[0]
    return (a & ((0xffffffff << (32 - length)) & 0xffffffff), length)


def run_edits(r, run):
    """Commands on one address run: its repeated prefixes deleted, then changes.

    In a run of several prefix lengths, a prefix added or deleted often holds
    or lies in another: bpfilter then changes the entries of the prefixes
    inside it too, as well as its own."""
    chain, start, rules_ = run["chain"], run["start"], list(run["rules"])
    out = []

    def key(rule):
        addr, length = rule.split(run["field"] + " ")[1].split()[0].split("/")
        return prefix_key(addr, int(length))
    # a repeated prefix never matches: fail2ban never adds one
    for i in reversed(range(len(rules_))):
        if key(rules_[i]) in [key(x) for x in rules_[:i]]:
            out.append("-D %s %d" % (chain, start + i))
            del rules_[i]
    for _ in range(r.randint(4, 10)):
        present = {key(x) for x in rules_}
        length = r.choice(run["lengths"])
        if len(run["lengths"]) > 1 and r.random() < 0.15:
            length = r.choice([16, 20, 22])  # holding many of the run's, or all
        free = [a for a in run["pool"] if prefix_key(a, length) not in present]
        if free and (r.random() < 0.6 or len(rules_) <= 33):
            at = r.randint(0, len(rules_))
            rule = "%s %s %s/%d -j %s" % (run["common"], run["field"], r.choice(free),
                                          length, r.choice(["DROP", "ACCEPT"]))
            out.append("-I %s %d %s" % (chain, start + at, rule.strip()))
            rules_.insert(at, "-A %s %s" % (chain, rule.strip()))
        else:
            at = r.randrange(len(rules_))
            out.append("-D %s %d" % (chain, start + at))
            del rules_[at]
    return out


def edits(seed):
    runs = []
    rules(seed, True, runs)
    r = random.Random(seed * 31 + 7)
    out = []
    for run in runs:
        out += run_edits(r, run)
    return "".join(line + "\n" for line in out)


def tcp_header(r, sport, dport):
    flags = 0
    for f in TCP_FLAGS:
        if r.random() < 0.3:
            flags |= FLAG_BITS[f]
    opts = b""
    if r.random() < 0.3:
        opts = bytes(r.choice([[2, 4, 5, 180], [1, 1, 3, 3], [3, 3, 7, 0], [4, 2, 8, 2]]))
        if r.random() < 0.3:
            opts += bytes([8, 10] + [0] * 8)
        opts += b"\x00" * (-len(opts) % 4)
    doff = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, r.getrandbits(32), r.getrandbits(32),
                       doff << 4, flags, 1024, 0, 0) + opts


def packet(r, big=False):
    proto = r.choice([6, 6, 17, 17, 1, 47])
    sport, dport = r.choice(PORTS), r.choice(PORTS)
    if proto == 6:
        l4 = tcp_header(r, sport, dport)
    elif proto == 17:
        l4 = struct.pack("!HHHH", sport, dport, 8, 0)
    elif proto == 1:
        t = r.choice([0, 3, 8, 8, 11, 13])
        l4 = struct.pack("!BBHHH", t, r.choice([0, 0, 1, 3]), 0, r.getrandbits(16), 1)
    else:
        l4 = b"\x00" * 8
    payload = bytes(r.getrandbits(8) for _ in range(r.choice([0, 0, 10, 60, 150])))
    if big and proto in (6, 17) and r.random() < 0.03:
        l4, payload = l4[:4], b""  # too short for tcp_mt()/udp_mt(): their rules drop it
    frag = 0
    if r.random() < 0.1:
        frag = r.choice([0x2000, 0x0001, 0x0003, 0x2005])
    elif r.random() < 0.5:
        frag = 0x4000  # DF
    src, dst = r.choice(SRC_POOL), r.choice(DST_POOL)
    if big and r.random() < 0.6:
        src = r.choice(RUN_SRC_POOL)
    if big and r.random() < 0.6:
        dst = r.choice(RUN_DST_POOL)
    total = 20 + len(l4) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, r.choice(TOS_POOL), total, r.getrandbits(16),
                     frag, r.choice([1, 64, 64, 255]), proto, 0, socket.inet_aton(src),
                     socket.inet_aton(dst))
    return ip + l4 + payload, dst


def send(seed, n, big=False):
    r = random.Random(seed * 7919 + 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for _ in range(n):
        pkt, dst = packet(r, big)
        try:
            s.sendto(pkt, (dst, 0))
        except OSError:
            pass  # dropped in OUTPUT: EPERM, as with the kernel


def main():
    big = sys.argv[-1] == "big"
    if len(sys.argv) >= 3 and sys.argv[1] == "rules":
        sys.stdout.write(rules(int(sys.argv[2]), big))
    elif len(sys.argv) >= 3 and sys.argv[1] == "edits":
        sys.stdout.write(edits(int(sys.argv[2])))
    elif len(sys.argv) >= 4 and sys.argv[1] == "send":
        send(int(sys.argv[2]), int(sys.argv[3]), big)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
