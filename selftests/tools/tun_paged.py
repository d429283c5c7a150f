#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send IPv4 packets whose transport header is not in the skb's linear data.

A tun device with a virtio_net_hdr builds a packet of a page or more as
hdr_len bytes of linear data and the rest in pages (tun_get_user() and
tun_alloc_skb() in drivers/net/tun.c): with hdr_len 20 the IPv4 header is
linear and the transport header is not; ip_rcv() pulls only the IPv4 header,
so netfilter's LOCAL_IN hook sees it that way.

Usage: tun_paged.py IFNAME HDR_LEN PACKET...
  The device gets 10.97.0.1/24 and each PACKET comes from 10.97.0.2 to
  10.97.0.1; PACKET is udp:DPORT, tcp:DPORT (a SYN), tcpmss:DPORT (a SYN with
  an MSS option) or icmp (an echo request).
"""
import fcntl
import os
import struct
import subprocess
import sys

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI, IFF_VNET_HDR = 0x0001, 0x1000, 0x4000
SRC, DST = bytes([10, 97, 0, 2]), bytes([10, 97, 0, 1])
PAYLOAD = bytes(4200)  # over a page: tun only pages packets that big


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(proto, l4):
    head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, SRC, DST)
    return head[:10] + struct.pack("!H", checksum(head)) + head[12:] + l4


def transport(spec):
    kind, _, port = spec.partition(":")
    if kind == "udp":
        return ipv4(17, struct.pack("!HHHH", 1234, int(port), 8 + len(PAYLOAD), 0) + PAYLOAD)
    if kind in ("tcp", "tcpmss"):
        opts = struct.pack("!BBH", 2, 4, 1460) if kind == "tcpmss" else b""
        doff = (20 + len(opts)) // 4
        tcp = struct.pack("!HHIIBBHHH", 1234, int(port), 1, 0, doff << 4, 0x02, 512, 0, 0)
        return ipv4(6, tcp + opts + PAYLOAD)
    if kind == "icmp":
        return ipv4(1, struct.pack("!BBHHH", 8, 0, 0, 1, 1) + PAYLOAD)
    sys.exit("tun_paged.py: unknown packet " + spec)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    name, hdr_len = sys.argv[1], int(sys.argv[2])
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifr = struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI | IFF_VNET_HDR)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    subprocess.run(["ip", "addr", "add", "10.97.0.1/24", "dev", name], check=True)
    subprocess.run(["ip", "link", "set", name, "up"], check=True)
    # struct virtio_net_hdr: no flags, no GSO, hdr_len bytes of linear data
    vnet = struct.pack("<BBHHHH", 0, 0, hdr_len, 0, 0, 0)
    for spec in sys.argv[3:]:
        os.write(fd, vnet + transport(spec))
    os.close(fd)


if __name__ == "__main__":
    main()
